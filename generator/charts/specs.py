"""Stage 4, render: charts as Vega-Lite specs, drawn in the browser by Vega served from the site itself.

Each kind of chart is designed once with Altair and turned into a Vega-Lite template whose data is named;
a page's chart is that template with its rows filled in. Building an Altair chart costs 10-20 ms, filling a
template a few microseconds: a portfolio of thousands of projects cannot afford Altair per chart.

A page carries only what differs per chart: `{"template": name, "title": …, "datasets": …}` and the odd size
override. The templates reach the browser once, as one script for the whole site (`templates_script`), and
charts.js merges template and inline spec before drawing: a template repeated on a thousand project pages
would cost megabytes and MkDocs time. `full_spec` does the same merge in Python, for the tests.

Over 400 lines: every chart's design sits beside the function that fills its template, so the two change together;
splitting it into designs, specs and script blocks is left to a later change.
"""

from __future__ import annotations

import calendar
import contextlib
import json
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..widgets.blocks import BLOCK_START, html_block
from ..widgets.markup import Markup, in_script, tag
from ..widgets.md import page_scripts

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

RAG_COLORS = {"green": "#1b7f3b", "amber": "#ffb300", "red": "#c62828", "n/a": "#9e9e9e"}
VEGA = "assets/pmo/vega.js"  # Vega, Vega-Lite and vega-embed in one file, written at build time
CHARTS_JS = "assets/pmo/charts.js"
TEMPLATES_JS = "assets/pmo/chart-templates.js"  # every template, once, as a script: works from file:// too


TEMPLATE_DIR = Path(__file__).parent.parent / "assets" / "charts"


@lru_cache(maxsize=8)
def template(name: str) -> dict[str, Any]:
    """A chart template as stored beside the code (importing Altair alone costs a third of a second a build;
    the tests check the stored templates are what Altair makes: `write_templates()` renews them)."""
    return json.loads((TEMPLATE_DIR / f"{name}.vl.json").read_text(encoding="utf-8"))


def row_labels(phone: int, wide: int) -> Any:
    """A label limit for a chart's row names: short on a phone (containers under 600 px), so the marks keep room;
    the tooltip and the table under the chart have the full names."""
    import altair as alt

    return alt.ExprRef(expr=f"containerSize()[0] < 600 ? {phone} : {wide}")


def phone_columns(phone: int) -> Any:
    """A top legend's columns: all its entries on one line, but `phone` a line on a phone (under 600 px)."""
    import altair as alt

    return alt.ExprRef(expr=f"containerSize()[0] < 600 ? {phone} : 0")


def write_templates() -> None:
    """Regenerate the stored templates from their Altair designs."""
    TEMPLATE_DIR.mkdir(exist_ok=True)
    for name, design in DESIGNS.items():
        text = json.dumps(design(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        (TEMPLATE_DIR / f"{name}.vl.json").write_text(text, encoding="utf-8")


# A time axis reads by its months: a tick at the first of each month (a quarter or a year when months are too
# narrow, never weeks: the minimum step is 28 days) with the month's name written after it, inside the month, so a
# date at a month's end sits at the end of its month's label. Dates are ISO days on a UTC scale: a browser west of
# Greenwich would otherwise draw 2026-03-31 (midnight UTC) on 30 March.
MONTH_MS = 28 * 24 * 3600 * 1000
TIME_AXIS: dict[str, Any] = {
    "format": "%b %Y",
    "labelAngle": 0,
    "labelAlign": "left",
    "labelOffset": 3,
    "labelOverlap": True,
    "labelSeparation": 8,
    "labelBound": True,  # a month name that would run past the axis end is left out
    "tickMinStep": MONTH_MS,
    "title": None,
}
UTC = {"type": "utc"}
# A monthly period "2026-10" written as its month, "Oct 2026".
MONTH_AXIS = {"labelAngle": 0, "labelOverlap": True, "labelExpr": "utcFormat(toDate(datum.value + '-01'), '%b %Y')"}


def _day(field: str, title: str) -> Any:
    """A tooltip line with a date as its ISO day, read in UTC like the axis."""
    import altair as alt

    return alt.Tooltip(field, title=title, timeUnit="utcyearmonthdate", format="%Y-%m-%d")


def _roadmap_design() -> dict[str, Any]:
    """Projects as bars on one time axis, grouped under a header row per program. A row of dataset "rows" is a
    program's header {"row": name, "header": name} or a project {"row", "program", "phase", "start", "finish"
    (forecast), "baseline" (baseline finish), "rag", "href"}; under each forecast bar a thin grey bar runs from the
    start to the baseline finish. The x domain is the params x_from/x_to (ms): program roadmaps share the
    portfolio's, so they can be compared."""
    import altair as alt

    rag = alt.Scale(domain=list(RAG_COLORS), range=list(RAG_COLORS.values()))
    rows = alt.Chart(alt.Data(name="rows"))
    header = "isValid(datum.header)"
    y = alt.Y(
        "row:N",
        title=None,
        sort=None,
        axis=alt.Axis(
            labelLimit=row_labels(120, 260),
            labelFontWeight=alt.condition(
                "indata('rows', 'header', datum.value)", alt.value("bold"), alt.value("normal")
            ),
            labelFontSize=alt.condition("indata('rows', 'header', datum.value)", alt.value(12), alt.value(11)),
            ticks=False,
            domain=False,
        ),
    )
    x = alt.X(
        "start:T",
        scale=alt.Scale(type="utc", domainMin=alt.ExprRef("x_from"), domainMax=alt.ExprRef("x_to"), nice=False),
        axis=alt.Axis(**TIME_AXIS, orient="top"),
    )
    # Every row, header or project, goes through this first layer: the y domain keeps the rows' order.
    bands = rows.mark_rect(style="pmo-band").encode(
        y=y,
        x=alt.value(0),
        x2=alt.value("width"),
        opacity=alt.condition(header, alt.value(1), alt.value(0)),
        tooltip=[alt.Tooltip("row:N", title="Row")],
    )
    project = rows.transform_filter(f"!({header})")
    tooltip = [
        alt.Tooltip("row:N", title="Project"),
        alt.Tooltip("program:N", title="Program"),
        alt.Tooltip("phase:N", title="Phase"),
        _day("start:T", "Start"),
        _day("baseline:T", "Baseline finish"),
        _day("finish:T", "Forecast finish"),
        alt.Tooltip("rag:N", title="RAG"),
    ]
    baseline = project.mark_bar(style="pmo-baseline", height=4, yOffset=8, cornerRadius=1).encode(
        y=y, x=x, x2="baseline:T", tooltip=tooltip
    )
    forecast = project.mark_bar(cornerRadius=2, height=12, yOffset=-2, cursor="pointer").encode(
        y=y,
        x=x,
        x2="finish:T",
        color=alt.Color("rag:N", scale=rag, title="RAG", legend=alt.Legend(orient="bottom")),
        href=alt.Href("href:N"),
        tooltip=tooltip,
    )
    milestones = (
        alt.Chart(alt.Data(name="milestones"))
        .mark_point(shape="diamond", filled=True, size=50, style="pmo-ink", yOffset=-2)
        .encode(
            y=alt.Y("row:N", sort=None),
            x=alt.X("date:T"),
            tooltip=[
                alt.Tooltip("row:N", title="Project"),
                alt.Tooltip("milestone:N", title="Milestone"),
                _day("date:T", "Date"),
                alt.Tooltip("state:N", title="State"),
            ],
        )
    )
    return _bare(
        alt.layer(bands, baseline, forecast, milestones, *_as_of_marks()).properties(width="container").to_dict()
    ) | {"params": [{"name": "x_from", "value": None}, {"name": "x_to", "value": None}]}


def _performance_design() -> dict[str, Any]:
    import altair as alt

    points = (
        alt.Chart(alt.Data(name="projects"))
        .mark_circle(opacity=0.75, stroke="#212121", strokeWidth=0.5)
        .encode(
            x=alt.X("spi:Q", title="SPI (schedule performance)", scale=alt.Scale(zero=False, nice=True)),
            y=alt.Y("cpi:Q", title="CPI (cost performance)", scale=alt.Scale(zero=False, nice=True)),
            size=alt.Size("budget:Q", title="Budget", legend=None, scale=alt.Scale(range=[40, 900])),
            color=alt.Color("program:N", title="Program", legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[
                alt.Tooltip("label:N", title="Project"),
                alt.Tooltip("program:N", title="Program"),
                alt.Tooltip("spi:Q", title="SPI", format=".2f"),
                alt.Tooltip("cpi:Q", title="CPI", format=".2f"),
                alt.Tooltip("budget:Q", title="Budget", format=",.0f"),
                alt.Tooltip("rag:N", title="RAG"),
            ],
        )
    )
    on_plan = alt.Chart(alt.Data(name="one")).mark_rule(color="#757575", strokeDash=[4, 3])
    chart = alt.layer(
        points,
        on_plan.encode(x="value:Q", tooltip=[alt.Tooltip("label:N", title="Line")]),
        on_plan.encode(y="value:Q", tooltip=[alt.Tooltip("label:N", title="Line")]),
        *_point_labels("projects", "spi:Q", "cpi:Q", [alt.Tooltip("label:N", title="Project")]),
    ).properties(width="container", height=SCATTER_HEIGHT)
    return _bare(chart.to_dict())


SCATTER_HEIGHT = 360
# The points of a scatter chart that matter are named beside them, without a hover: the rows whose "tag" is set,
# on the side it names (right, left, above, below; place_labels picks it so that no two names overlap, nor a name
# another point). A phone's narrower chart keeps only the rows also marked "narrow".
LABEL_SIDES: dict[str, tuple[Any, Any, int, int]] = {  # side: align, baseline, dx, dy
    "r": ("left", "middle", 10, 0),
    "l": ("right", "middle", -10, 0),
    "t": ("center", "bottom", 0, -10),
    "b": ("center", "top", 0, 10),
}
LABEL_LIMIT = 150  # px; a longer name ends in "…" (the tooltip and the table have it whole)
WIDE_PLOT, NARROW_PLOT = 600, 280  # the plot widths (px) the labels are placed for: a desktop's and a phone's
BUBBLE_AREA = (40, 900)  # px², the circles' sizes from the smallest to the largest amount

Box = tuple[float, float, float, float]


def _point_labels(data: str, x: str, y: str, tooltip: list[Any]) -> list[Any]:
    import altair as alt

    shown = alt.condition(f"width >= {WIDE_PLOT} || datum.narrow", alt.value(1), alt.value(0))
    return [
        alt.Chart(alt.Data(name=data))
        .transform_filter(f"datum.tag == '{side}'")
        .mark_text(style="pmo-label", align=align, baseline=baseline, dx=dx, dy=dy, limit=LABEL_LIMIT)
        .encode(x=x, y=y, text=alt.Text("text:N"), opacity=shown, tooltip=tooltip)
        for side, (align, baseline, dx, dy) in LABEL_SIDES.items()
    ]


def place_labels(
    points: Sequence[dict[str, Any]],
    named: Sequence[dict[str, Any]],
    axes: tuple[str, str, str],
    domains: tuple[tuple[float, float], tuple[float, float]],
    limit: int,
) -> None:
    """Tag the first `limit` of the `named` points (most important first) whose "text" fits beside them, without
    overlapping a name already placed, another point or the plot's edge: "tag" is the side (one that fits a
    phone's chart too if there is one), "narrow" whether it fits there. `axes` names the x, y and size fields of
    `points`, every point of the chart. Positions are estimated from the axes' domains and the plot's size:
    Vega-Lite avoids no collision itself."""
    x, y, size = axes
    (x0, x1), (y0, y1) = domains
    largest = max((p[size] for p in points), default=0) or 1
    low, high = BUBBLE_AREA
    radius = {id(p): math.sqrt((low + (high - low) * max(p[size], 0) / largest) / math.pi) for p in points}

    def at(point: dict[str, Any], plot: int) -> tuple[float, float]:
        return (point[x] - x0) / ((x1 - x0) or 1) * plot, (1 - (point[y] - y0) / ((y1 - y0) or 1)) * SCATTER_HEIGHT

    plots = (WIDE_PLOT, NARROW_PLOT)
    circles = {plot: {id(p): _around(*at(p, plot), radius[id(p)]) for p in points} for plot in plots}
    placed: dict[int, list[Box]] = {plot: [] for plot in plots}

    def free(point: dict[str, Any], side: str, plot: int) -> Box | None:
        """The name's box on this side in this plot, if it is free."""
        box = _label_box(point["text"], *at(point, plot), side)
        if not (box[0] >= 0 and box[2] <= plot and box[1] >= 0 and box[3] <= SCATTER_HEIGHT):
            return None
        if any(_overlap(box, other) for other in placed[plot]):
            return None
        own = circles[plot][id(point)]  # a point drawn over this one (same place) is this one's to name
        hit = (c for c in circles[plot].values() if _overlap(box, c) and not _inside_box(_centre(c), own))
        return None if any(hit) else box

    for point in named:
        if len(placed[WIDE_PLOT]) >= limit:
            break
        fitting = [
            (side, box, free(point, side, NARROW_PLOT)) for side in LABEL_SIDES if (box := free(point, side, WIDE_PLOT))
        ]
        if fitting:
            side, wide, narrow = next((f for f in fitting if f[2]), fitting[0])
            point["tag"], point["narrow"] = side, narrow is not None
            placed[WIDE_PLOT].append(wide)
            if narrow:
                placed[NARROW_PLOT].append(narrow)


def _label_box(text: str, x: float, y: float, side: str) -> Box:
    """Where a name drawn on this side of a point at (x, y) lands, about: 6.3 px a character at 11 px, 14 px high."""
    width = min(len(text) * 6.3, LABEL_LIMIT)
    _, _, dx, dy = LABEL_SIDES[side]
    left = {"r": x + dx, "l": x + dx - width}.get(side, x - width / 2)
    top = {"t": y + dy - 14, "b": y + dy}.get(side, y - 7)
    return left, top, left + width, top + 14


def _around(x: float, y: float, r: float) -> Box:
    return x - r, y - r, x + r, y + r


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _inside_box(point: tuple[float, float], box: Box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _bare(spec: dict[str, Any]) -> dict[str, Any]:
    """Without the $schema URL nothing needs (vega-embed is told the mode) and Altair's default config."""
    spec.pop("$schema", None)
    spec.pop("config", None)
    return spec


def _priority_design() -> dict[str, Any]:
    import altair as alt

    bars = (
        alt.Chart(alt.Data(name="items"))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=row_labels(120, 260))),
            x=alt.X("score:Q", title="Priority score", scale=alt.Scale(domain=[0, 5])),
            color=alt.Color(
                "funded:N",
                title=None,
                scale=alt.Scale(domain=["above the cut line", "below the cut line"], range=["#3949ab", "#bdbdbd"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("rank:Q", title="Rank"),
                alt.Tooltip("label:N", title="Item"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("score:Q", title="Score", format=".2f"),
                alt.Tooltip("cost:Q", title="Cost", format=",.0f"),
                alt.Tooltip("cumulative:Q", title="Cumulative cost", format=",.0f"),
                alt.Tooltip("funded:N", title="Funding"),
            ],
        )
    )
    return _bare(alt.layer(bars).properties(width="container").to_dict())


def _risk_heatmap_design() -> dict[str, Any]:
    import altair as alt

    cells = alt.Chart(alt.Data(name="cells"))
    squares = cells.mark_rect(style="pmo-gap", strokeWidth=2, cursor="pointer").encode(
        x=alt.X("impact:O", title="Impact", sort=[1, 2, 3, 4, 5], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("probability:O", title="Probability", sort=[5, 4, 3, 2, 1]),
        color=alt.Color(
            "band:N",
            title="Exposure",
            scale=alt.Scale(
                domain=["low", "medium", "high", "very high"], range=["#c8e6c9", "#fff59d", "#ffcc80", "#ef9a9a"]
            ),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("probability:O", title="Probability"),
            alt.Tooltip("impact:O", title="Impact"),
            alt.Tooltip("exposure:Q", title="Exposure"),
            alt.Tooltip("count:Q", title="Open risks"),
        ],
    )
    # dark figures in both palettes: the cells are light in both
    counts = cells.mark_text(fontSize=14, fontWeight="bold", color="#212121").encode(
        x=alt.X("impact:O", sort=[1, 2, 3, 4, 5]),
        y=alt.Y("probability:O", sort=[5, 4, 3, 2, 1]),
        text=alt.Text("label:N"),
        tooltip=[alt.Tooltip("count:Q", title="Open risks")],
    )
    return _bare(alt.layer(squares, counts).properties(width=300, height=300).to_dict())


def _as_of_marks() -> tuple[Any, Any]:
    """A dashed rule at the reporting date (dataset "as_of": [{"date": …}]) and, at its top, the date written out
    before it (the reporting date is mostly in a chart's later part: after it, the name would run off the edge)."""
    import altair as alt

    as_of = alt.Chart(alt.Data(name="as_of"))
    tooltip = [_day("date:T", "Reporting date")]
    rule = as_of.mark_rule(style="pmo-today", strokeDash=[4, 3], strokeWidth=2).encode(x="date:T", tooltip=tooltip)
    label = (
        as_of.transform_calculate(text="'as of ' + utcFormat(toDate(datum.date), '%-d %b %Y')")
        .mark_text(style="pmo-today", align="right", baseline="top", dx=-4, dy=2, fontSize=11, fontWeight="bold")
        .encode(x="date:T", y=alt.value(0), text="text:N", tooltip=tooltip)
    )
    return rule, label


def _fit_x(chart: Any) -> Any:
    return chart.properties(width="container", autosize={"type": "fit-x", "contains": "padding"})


S_CURVE_SERIES = {"PV": "Planned value (PV)", "EV": "Earned value (EV)", "AC": "Actual cost (AC)"}


def _s_curve_design() -> dict[str, Any]:
    """Cumulative PV, EV and AC of one project. A row is {"d": date, "PV"/"EV"/"AC": amount}; missing
    amounts are left out of their line (PV alone at the start and the baseline finish)."""
    import altair as alt

    names = list(S_CURVE_SERIES.values())
    label = "{" + ", ".join(f"'{key}': '{name}'" for key, name in S_CURVE_SERIES.items()) + "}[datum.key]"
    lines = (
        alt.Chart(alt.Data(name="values"))
        .transform_fold(list(S_CURVE_SERIES), as_=["key", "value"])
        .transform_filter("isValid(datum.value)")
        .transform_calculate(series=label)
        .mark_line(point=True)
        .encode(
            x=alt.X("d:T", scale=UTC, axis=TIME_AXIS),
            y=alt.Y("value:Q", title="Cumulative amount", axis=alt.Axis(format="~s")),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=names, range=["#757575", "#3949ab", "#c62828"]),
                legend=alt.Legend(orient="top"),
            ),
            shape=alt.Shape(
                "series:N", title=None, scale=alt.Scale(domain=names, range=["circle", "square", "diamond"])
            ),
            tooltip=[
                _day("d:T", "Date"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("value:Q", title="Amount", format=",.0f"),
            ],
        )
    )
    return _bare(_fit_x(alt.layer(lines, *_as_of_marks()).properties(height=240)).to_dict())


MILESTONE_STATES = {"done": "#3949ab", "on time": "#1b7f3b", "late": "#c62828"}


def _milestones_design() -> dict[str, Any]:
    """Each milestone's baseline (hollow circle) against its actual or forecast date (diamond, colored by
    state), joined by a line. A row is {"m": name, "b": baseline, "e": actual or forecast, "s": state,
    "slip": days}."""
    import altair as alt

    base = alt.Chart(alt.Data(name="milestones"))
    y = alt.Y("m:N", title=None, sort=None, axis=alt.Axis(labelLimit=row_labels(110, 180)))
    tooltip = [
        alt.Tooltip("m:N", title="Milestone"),
        _day("b:T", "Baseline"),
        _day("e:T", "Actual or forecast"),
        alt.Tooltip("s:N", title="State"),
        alt.Tooltip("slip:Q", title="Slip (days)"),
    ]
    span = base.mark_rule(color="#9e9e9e", strokeWidth=2).encode(
        y=y,
        x=alt.X("b:T", scale=alt.Scale(type="utc", padding=12), axis=TIME_AXIS),
        x2="e:T",
        tooltip=tooltip,
    )
    baseline = base.mark_point(shape="circle", size=70, filled=False, style="pmo-ink", strokeWidth=2).encode(
        y=y, x="b:T", tooltip=tooltip
    )
    expected = base.mark_point(shape="diamond", size=90, filled=True, opacity=1).encode(
        y=y,
        x="e:T",
        color=alt.Color(
            "s:N",
            title="Actual or forecast",
            scale=alt.Scale(domain=list(MILESTONE_STATES), range=list(MILESTONE_STATES.values())),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=tooltip,
    )
    chart = alt.layer(span, baseline, expected, *_as_of_marks()).properties(height=alt.Step(26))
    return _bare(_fit_x(chart).to_dict())


REACHED_LINE = "Reached: reporting date = forecast date"


def _milestone_trend_design() -> dict[str, Any]:
    """The milestone trend chart: reporting date across, forecast date up, a line per milestone, and the diagonal
    where the two are equal. A row of "points" is {"m": milestone, "r": reporting date, "f": forecast (or actual,
    where the line ends on the diagonal), "k": "forecast" | "reached", "mv": days moved since the previous period
    or null, "src": where the period was read}; "diagonal" holds its two ends {"d": date}."""
    import altair as alt

    points = alt.Chart(alt.Data(name="points"))
    x = alt.X("r:T", scale=UTC, axis={**TIME_AXIS, "title": "Reporting date"})
    y = alt.Y("f:T", scale=UTC, axis=alt.Axis(format="%b %Y", title="Forecast date"))
    color = alt.Color(
        "m:N", title="Milestone", sort=None, legend=alt.Legend(orient="top", columns=phone_columns(1), labelLimit=240)
    )
    tooltip = [
        alt.Tooltip("m:N", title="Milestone"),
        _day("r:T", "Reporting date"),
        _day("f:T", "Forecast or actual"),
        alt.Tooltip("k:N", title="State"),
        alt.Tooltip("mv:Q", title="Moved (days)"),
        alt.Tooltip("src:N", title="Read from"),
    ]
    diagonal = (
        alt.Chart(alt.Data(name="diagonal"))
        .transform_calculate(line=f"'{REACHED_LINE}'")
        .mark_line(color="#757575", strokeDash=[6, 4], strokeWidth=1.5)
        .encode(x="d:T", y="d:T", tooltip=[alt.Tooltip("line:N", title="Diagonal")])
    )
    lines = points.mark_line(point=alt.OverlayMarkDef(filled=True, size=45), strokeWidth=2).encode(
        x=x, y=y, color=color, tooltip=tooltip
    )
    reached = (
        points.transform_filter("datum.k == 'reached'")
        .mark_point(shape="diamond", size=140, filled=True, opacity=1, style="pmo-gap", strokeWidth=1)
        .encode(x=x, y=y, color=color, tooltip=tooltip)
    )
    return _bare(_fit_x(alt.layer(diagonal, lines, reached).properties(height=320)).to_dict())


RAG_ROWS = {"reported": "Reported by the project", "derived": "Derived from SPI and CPI"}


def _rag_history_design() -> dict[str, Any]:
    """The reported and the derived RAG at each status report, as colored squares. A row is {"d": date,
    "reported": rag, "derived": rag or "n/a", "spi": …, "cpi": …}."""
    import altair as alt

    label = "{" + ", ".join(f"'{key}': '{name}'" for key, name in RAG_ROWS.items()) + "}[datum.key]"
    squares = (
        alt.Chart(alt.Data(name="reports"))
        .transform_fold(list(RAG_ROWS), as_=["key", "rag"])
        .transform_calculate(row=label)
        .mark_square(
            size=alt.ExprRef(expr="containerSize()[0] < 600 ? 100 : 220"), opacity=1, style="pmo-gap", strokeWidth=1
        )
        .encode(
            x=alt.X("d:T", scale=alt.Scale(type="utc", padding=14), axis=TIME_AXIS),
            y=alt.Y("row:N", title=None, sort=list(RAG_ROWS.values()), axis=alt.Axis(labelLimit=row_labels(110, 200))),
            color=alt.Color(
                "rag:N",
                title="RAG",
                scale=alt.Scale(domain=list(RAG_COLORS), range=list(RAG_COLORS.values())),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                _day("d:T", "Status report"),
                alt.Tooltip("row:N", title="RAG"),
                alt.Tooltip("rag:N", title="Value"),
                alt.Tooltip("spi:Q", title="SPI", format=".2f"),
                alt.Tooltip("cpi:Q", title="CPI", format=".2f"),
            ],
        )
    )
    return _bare(_fit_x(alt.layer(squares).properties(height=alt.Step(34))).to_dict())


def _portfolio_trend_design() -> dict[str, Any]:
    """Portfolio SPI and CPI per monthly period, with the 1.0 line. A row is {"p": "2026-10", "SPI": …,
    "CPI": …, "n": projects}; an undefined index is left out of its line."""
    import altair as alt

    lines = (
        alt.Chart(alt.Data(name="periods"))
        .transform_fold(["SPI", "CPI"], as_=["index", "value"])
        .transform_filter("isValid(datum.value)")
        .mark_line(point=True)
        .encode(
            x=alt.X("p:O", title=None, sort=None, axis=MONTH_AXIS),
            y=alt.Y("value:Q", title="Index", scale=alt.Scale(zero=False, nice=True)),
            color=alt.Color(
                "index:N",
                title=None,
                scale=alt.Scale(domain=["SPI", "CPI"], range=["#3949ab", "#ef6c00"]),
                legend=alt.Legend(orient="top"),
            ),
            shape=alt.Shape("index:N", title=None, scale=alt.Scale(domain=["SPI", "CPI"], range=["circle", "square"])),
            tooltip=[
                alt.Tooltip("p:O", title="Period"),
                alt.Tooltip("index:N", title="Index"),
                alt.Tooltip("value:Q", title="Value", format=".2f"),
                alt.Tooltip("n:Q", title="Projects counted"),
            ],
        )
    )
    on_plan = (
        alt.Chart(alt.Data(name="one"))
        .mark_rule(color="#757575", strokeDash=[4, 3])
        .encode(y="value:Q", tooltip=[alt.Tooltip("label:N", title="Line")])
    )
    return _bare(_fit_x(alt.layer(lines, on_plan).properties(height=260)).to_dict())


def _rag_counts_design() -> dict[str, Any]:
    """Projects by reported RAG per monthly period, stacked. A row is {"p": "2026-10", "green": n, …}."""
    import altair as alt

    rags = ["green", "amber", "red"]
    bars = (
        alt.Chart(alt.Data(name="periods"))
        .transform_fold(["green", "amber", "red"], as_=["rag", "count"])
        .mark_bar()
        .encode(
            x=alt.X("p:O", title=None, sort=None, axis=MONTH_AXIS),
            y=alt.Y("count:Q", title="Projects", stack="zero"),
            color=alt.Color(
                "rag:N",
                title="Reported RAG",
                scale=alt.Scale(domain=rags, range=[RAG_COLORS[r] for r in rags]),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("rag_order:Q"),
            tooltip=[
                alt.Tooltip("p:O", title="Period"),
                alt.Tooltip("rag:N", title="Reported RAG"),
                alt.Tooltip("count:Q", title="Projects"),
            ],
        )
        .transform_calculate(rag_order="indexof(['green', 'amber', 'red'], datum.rag)")
    )
    return _bare(_fit_x(alt.layer(bars).properties(height=220)).to_dict())


PHASE_COLORS = {  # lifecycle order, light to dark through the delivery phases; ends in greys
    "proposal": "#c5cae9",
    "approved": "#9fa8da",
    "planning": "#7986cb",
    "execution": "#3949ab",
    "closing": "#1a237e",
    "on-hold": "#ffb300",
    "closed": "#757575",
    "cancelled": "#bdbdbd",
}


def _by_program_design(title: str, colors: dict[str, str]) -> Any:
    """Projects per program, stacked by a category (RAG or phase) in its own colors and order."""

    def design() -> dict[str, Any]:
        import altair as alt

        bars = (
            alt.Chart(alt.Data(name="counts"))
            .mark_bar()
            .encode(
                y=alt.Y("program:N", title=None, sort=None, axis=alt.Axis(labelLimit=row_labels(110, 220))),
                x=alt.X("count:Q", title="Projects", stack="zero", axis=alt.Axis(tickMinStep=1)),
                color=alt.Color(
                    "category:N",
                    title=title,
                    scale=alt.Scale(domain=list(colors), range=list(colors.values())),
                    legend=alt.Legend(orient="top", columns=phone_columns(3)),  # a phone: rows of 3
                ),
                order=alt.Order("order:Q"),
                tooltip=[
                    alt.Tooltip("program:N", title="Program"),
                    alt.Tooltip("category:N", title=title),
                    alt.Tooltip("count:Q", title="Projects"),
                ],
            )
        )
        return _bare(alt.layer(bars).properties(width="container").to_dict())

    return design


def _paired_bars_design(
    data: str,
    y: Any,
    label: str,
    measures: dict[str, str],
    x_title: str,
    extra: tuple[str, str, str],
    step: int,
) -> Any:
    """Two measures side by side for each row (budget and spend, planned and realized), in their colors;
    `extra` is one more tooltip field (field, title, format)."""

    def design() -> dict[str, Any]:
        import altair as alt

        bars = (
            alt.Chart(alt.Data(name=data))
            .mark_bar()
            .encode(
                y=y,
                yOffset=alt.YOffset("measure:N", sort=list(measures)),
                x=alt.X("amount:Q", title=x_title, axis=alt.Axis(format="~s")),
                color=alt.Color(
                    "measure:N",
                    title=None,
                    scale=alt.Scale(domain=list(measures), range=list(measures.values())),
                    legend=alt.Legend(orient="top"),
                ),
                tooltip=[
                    alt.Tooltip(y.shorthand, title=label),
                    alt.Tooltip("measure:N", title="Measure"),
                    alt.Tooltip("amount:Q", title="Amount", format=",.0f"),
                    alt.Tooltip(extra[0], title=extra[1], format=extra[2]),
                ],
            )
        )
        return _bare(alt.layer(bars).properties(width="container", height={"step": step}).to_dict())

    return design


def _spend_design() -> dict[str, Any]:
    import altair as alt

    return _paired_bars_design(
        "spend",
        alt.Y("kind:N", title=None, sort=["Change", "Run"]),
        "Work",
        {"Budget": "#9fa8da", "Spent to date": "#3949ab"},
        "Amount",
        ("share:Q", "Share of the total", ".1%"),
        26,
    )()


def _benefits_design() -> dict[str, Any]:
    import altair as alt

    return _paired_bars_design(
        "benefits",
        alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=row_labels(110, 220))),
        "Program",
        {"Planned": "#a5d6a7", "Realized": "#1b7f3b"},
        "Financial benefits",
        ("realized:Q", "Realized of planned", ".0%"),
        18,
    )()


def _value_risk_design() -> dict[str, Any]:
    import altair as alt

    points = (
        alt.Chart(alt.Data(name="items"))
        .mark_circle(opacity=0.7, stroke="#212121", strokeWidth=0.5)
        .encode(
            x=alt.X("value:Q", title="Value (weighted score, 1-5)", scale=alt.Scale(domain=[1, 5])),
            y=alt.Y("risk:Q", title="Delivery risk (score, 1-5)", scale=alt.Scale(domain=[1, 5])),
            size=alt.Size("cost:Q", title="Cost", legend=None, scale=alt.Scale(range=[40, 900])),
            color=alt.Color(
                "funded:N",
                title=None,
                scale=alt.Scale(domain=["above the cut line", "below the cut line"], range=["#3949ab", "#9e9e9e"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("rank:Q", title="Rank"),
                alt.Tooltip("label:N", title="Item"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("value:Q", title="Value", format=".2f"),
                alt.Tooltip("risk:Q", title="Delivery risk", format=".2f"),
                alt.Tooltip("cost:Q", title="Cost", format=",.0f"),
                alt.Tooltip("funded:N", title="Funding"),
            ],
        )
    )
    labels = _point_labels("items", "value:Q", "risk:Q", [alt.Tooltip("label:N", title="Item")])
    return _bare(alt.layer(points, *labels).properties(width="container", height=SCATTER_HEIGHT).to_dict())


# Utilization bands of the capacity heat map: what is over capacity must stand out, in color and in words.
LOAD_BANDS = {"up to 80 %": "#e8f5e9", "80–100 %": "#a5d6a7", "over 100 %": "#c62828"}


def load_band(utilization: float) -> str:
    """The heat map's band of a utilization (a fraction); exactly 100 % is full, not over."""
    return "over 100 %" if utilization > 1 else ("80–100 %" if utilization > 0.8 else "up to 80 %")


_LOAD_TOOLTIP = [
    ("team:N", "Team", None),
    ("month:N", "Month", None),
    ("demand:Q", "Demand (FTE)", ".1f"),
    ("capacity:Q", "Capacity (FTE)", ".1f"),
    ("utilization:Q", "Utilization", ".0%"),
    ("over:N", "Over-allocated", None),
    ("top:N", "Largest demands", None),
]


# Month labels: "Oct" over "2026"; on a phone just "O" (the tooltip and the table have the full month).
_MONTH_LABEL = "containerSize()[0] < 600 ? slice(datum.label, 0, 1) : split(datum.label, ' ')"


# Seven project colors (Vega's tableau10), then grey for the eighth series: "Other projects" when there are more.
SERIES_COLORS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#9d9d9d"]

# A percentage per month is shown only where a month is wide enough to hold one ("110 %" is ~32 px).
_WIDE_ENOUGH = {"expr": "width / 12 >= 36 ? 1 : 0"}


def _capacity_heatmap_design() -> dict[str, Any]:
    import altair as alt

    tooltip = [alt.Tooltip(f, title=t, format=fmt) if fmt else alt.Tooltip(f, title=t) for f, t, fmt in _LOAD_TOOLTIP]
    # On a phone team names are cut short (the tooltip has them) and the percentages hidden once a cell is too
    # narrow to hold one (the table below the chart has them all).
    x = alt.X("month:O", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelExpr=_MONTH_LABEL))
    y = alt.Y("team:N", title=None, sort=None, axis=alt.Axis(labelLimit=row_labels(96, 220)))
    cells = alt.Chart(alt.Data(name="cells"))
    squares = cells.mark_rect(style="pmo-gap", strokeWidth=1).encode(
        x=x,
        y=y,
        color=alt.Color(
            "band:N",
            title="Demand / capacity",
            scale=alt.Scale(domain=list(LOAD_BANDS), range=list(LOAD_BANDS.values())),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=tooltip,
    )
    labels = cells.mark_text(fontSize=11, opacity=_WIDE_ENOUGH).encode(
        x=x,
        y=y,
        text=alt.Text("label:N"),
        color=alt.condition("datum.over == 'yes'", alt.value("#ffffff"), alt.value("#212121")),
        tooltip=tooltip,
    )
    chart = alt.layer(squares, labels).properties(width="container", height={"step": 30})
    return _bare(chart.to_dict())


def _team_load_design() -> dict[str, Any]:
    import altair as alt

    x = alt.X("month:O", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelExpr=_MONTH_LABEL))
    bars = (
        alt.Chart(alt.Data(name="demand"))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("fte:Q", title="FTE", stack="zero"),
            color=alt.Color(
                "project:N",
                title="Project",
                sort=None,
                scale=alt.Scale(range=SERIES_COLORS),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=row_labels(140, 260)),
            ),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("project:N", title="Project"),
                alt.Tooltip("fte:Q", title="FTE", format=".1f"),
            ],
        )
    )
    limit = (
        alt.Chart(alt.Data(name="capacity"))
        .mark_rule(color="#c62828", strokeDash=[6, 3], strokeWidth=2)
        .encode(
            y=alt.Y("capacity:Q", title="FTE"),
            tooltip=[alt.Tooltip("capacity:Q", title="Capacity (FTE)", format=".1f")],
        )
    )
    totals = (
        alt.Chart(alt.Data(name="months"))
        .mark_text(dy=-6, fontSize=11, fontWeight="bold", opacity=_WIDE_ENOUGH)
        .encode(
            x=x,
            y=alt.Y("demand:Q", title="FTE"),
            text=alt.Text("label:N"),
            tooltip=[
                alt.Tooltip(f, title=t, format=fmt) if fmt else alt.Tooltip(f, title=t) for f, t, fmt in _LOAD_TOOLTIP
            ],
        )
    )
    return _bare(alt.layer(bars, limit, totals).properties(width="container", height=260).to_dict())


DESIGNS = {
    "roadmap": _roadmap_design,
    "performance": _performance_design,
    "priority": _priority_design,
    "risk_heatmap": _risk_heatmap_design,
    "s_curve": _s_curve_design,
    "milestones": _milestones_design,
    "rag_history": _rag_history_design,
    "milestone_trend": _milestone_trend_design,
    "portfolio_trend": _portfolio_trend_design,
    "rag_counts": _rag_counts_design,
    "rag_by_program": _by_program_design("RAG", RAG_COLORS),
    "phase_by_program": _by_program_design("Phase", PHASE_COLORS),
    "spend": _spend_design,
    "benefits": _benefits_design,
    "value_risk": _value_risk_design,
    "capacity_heatmap": _capacity_heatmap_design,
    "team_load": _team_load_design,
}
FIT_X = {"type": "fit-x", "contains": "padding"}  # a chart as wide as the page


def inline(name: str, title: str, datasets: dict[str, list[dict[str, Any]]], **overrides: Any) -> dict[str, Any]:
    """What a page carries of a chart: the template's name, its title, its data and any top-level overrides."""
    return {"template": name, "title": title, "datasets": datasets, **overrides}


def full_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite spec a page's chart is drawn from: its template with the inline keys on top (charts.js
    does the same in the browser)."""
    merged = {**template(spec["template"]), **spec}
    del merged["template"]
    return merged


def templates_script() -> bytes:
    """Every stored template as one script, `window.PMO_CHART_TEMPLATES = {name: spec}`: loaded once and cached
    by the browser, from a file:// site as well (a fetch of JSON would be refused there)."""
    templates = {name: template(name) for name in sorted(DESIGNS)}
    payload = json.dumps(templates, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # The old path, kept while the restructuring proves the site byte-identical (the file is shipped as is).
    header = "// Vega-Lite chart templates, generated from generator/charts.py (see charts.js).\n"
    return f"{header}window.PMO_CHART_TEMPLATES = {payload};\n".encode()


def capacity_heatmap_spec(title: str, cells: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Demand / capacity for each team (rows) and month (columns), colored by utilization band, the percent
    written in each cell. `cells` are team-major, months in order: the axes keep the data's order."""
    return inline("capacity_heatmap", title, {"cells": list(cells)}, autosize=FIT_X)


def team_load_spec(
    title: str, demand: Sequence[dict[str, Any]], months: Sequence[dict[str, Any]], capacity: float
) -> dict[str, Any]:
    """One team's demand per month, stacked by project, each month's total above its bar and a dashed rule at
    the team's capacity. `demand` has a row for every month (fte 0 where none) so the months keep their order."""
    return inline(
        "team_load",
        title,
        {"demand": list(demand), "months": list(months), "capacity": [{"capacity": capacity}]},
        autosize=FIT_X,
    )


def risk_heatmap_spec(title: str, cells: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Open risks counted by probability × impact, each cell colored by its exposure band."""
    return inline("risk_heatmap", title, {"cells": list(cells)})


def priority_spec(title: str, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Candidates by priority score in rank order, colored by whether they fall above the cut line."""
    return inline(
        "priority",
        title,
        {"items": list(items)},
        height={"step": 22},
        autosize={"type": "fit-x", "contains": "padding"},
    )


def performance_spec(title: str, projects: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """SPI against CPI for each project (size = budget, color = program), with the 1.0 lines that split the
    plane into on or behind schedule and on or over budget."""
    lines = [{"value": 1.0, "label": "1.0 = on plan"}]
    return inline(
        "performance",
        title,
        {"projects": list(projects), "one": lines},
        autosize={"type": "fit-x", "contains": "padding"},
    )


def roadmap_spec(
    title: str,
    rows: Sequence[dict[str, Any]],
    milestones: Sequence[dict[str, Any]],
    as_of: dt.date,
    span: tuple[dt.date, dt.date],
) -> dict[str, Any]:
    """A Gantt chart: a bar per project (start to forecast finish, colored by RAG, linking to the project) over a
    thin baseline bar, header rows for programs, milestones as diamonds, a rule at the reporting date; the x axis
    runs over `span`, the same on every roadmap."""
    return inline(
        "roadmap",
        title,
        {"rows": list(rows), "milestones": list(milestones), "as_of": [{"date": str(as_of)}]},
        height={"step": 24},
        autosize={"type": "fit-x", "contains": "padding"},
        params=[{"name": "x_from", "value": utc_ms(span[0])}, {"name": "x_to", "value": utc_ms(span[1])}],
    )


def utc_ms(day: dt.date) -> int:
    """Midnight UTC of a day, in milliseconds since the epoch: what a UTC time scale counts in."""
    return calendar.timegm(day.timetuple()) * 1000


def s_curve_spec(title: str, values: Sequence[dict[str, Any]], as_of: dt.date) -> dict[str, Any]:
    """Cumulative PV, EV and AC of one project over time; rows {"d", "PV", "EV", "AC"}, any amount left out."""
    return inline("s_curve", title, {"values": list(values), "as_of": [{"date": str(as_of)}]})


def milestones_spec(title: str, milestones: Sequence[dict[str, Any]], as_of: dt.date) -> dict[str, Any]:
    """Baseline against actual or forecast date per milestone; rows {"m", "b", "e", "s", "slip"}."""
    return inline("milestones", title, {"milestones": list(milestones), "as_of": [{"date": str(as_of)}]})


def milestone_trend_spec(
    title: str, points: Sequence[dict[str, Any]], diagonal: tuple[dt.date, dt.date]
) -> dict[str, Any]:
    """The milestone trend chart; rows {"m", "r", "f", "k", "mv", "src"}, the diagonal from its first to its last
    day."""
    ends = [{"d": str(day)} for day in diagonal]
    return inline("milestone_trend", title, {"points": list(points), "diagonal": ends})


def rag_history_spec(title: str, reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Reported and derived RAG per status report; rows {"d", "reported", "derived", "spi", "cpi"}."""
    return inline("rag_history", title, {"reports": list(reports)})


def portfolio_trend_spec(title: str, periods: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Portfolio SPI and CPI per period with the 1.0 line; rows {"p", "SPI", "CPI", "n"}."""
    return inline(
        "portfolio_trend", title, {"periods": list(periods), "one": [{"value": 1.0, "label": "1.0 = on plan"}]}
    )


def rag_counts_spec(title: str, periods: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Projects by reported RAG per period, stacked; rows {"p", "green", "amber", "red"}."""
    return inline("rag_counts", title, {"periods": list(periods)})


def chart_block(name: str, spec: dict[str, Any], summary: str, data_table: Markup | None) -> str:
    """A chart, its text alternative and its data as a table (None: the page shows the table), as one HTML
    block.

    The spec travels as JSON in a non-executable script element; "<", ">" and "&" are escaped in it so that
    no text from the data can close the element. `data_table` is bare HTML (md.table_html), not a block."""
    assert data_table is None or BLOCK_START not in data_table, "a block inside a block ends the outer one early"
    payload = in_script(spec_json(spec))
    summary = " ".join(summary.split())
    details = tag("details", DATA_TABLE, _NEWLINE, data_table) if data_table else ""
    return html_block(
        tag(
            "figure",
            _NEWLINE,
            tag("div", class_="pmo-chart", id=f"chart-{name}", role="img", aria_label=summary),
            _NEWLINE,
            tag("script", payload, type="application/json", class_="pmo-chart-spec", data_for=f"chart-{name}"),
            _NEWLINE,
            tag("figcaption", summary),
            _NEWLINE,
            *((details, _NEWLINE) if details else ()),
            class_="pmo-figure",
        )
    )


def spec_json(spec: dict[str, Any]) -> str:
    """The spec as strict JSON: a number that is not finite (none should reach a chart) becomes null, a
    missing value to Vega, never the `NaN` or `Infinity` that JSON.parse refuses."""
    try:
        return json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(spec), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


_NEWLINE = Markup("\n")
DATA_TABLE = tag("summary", "The data as a table")


def chart_scripts(page: str) -> str:
    """The scripts that draw a page's charts; once per page, after its last chart."""
    return page_scripts(page, VEGA, TEMPLATES_JS, CHARTS_JS)


@lru_cache(maxsize=1)
def vega_bundle() -> bytes:
    """Vega, Vega-Lite and vega-embed as one script, from vl-convert (no network, no CDN).

    Bundling takes ~2 s, so the result is kept in the user's cache folder, one file per vl-convert version."""
    from importlib.metadata import version

    import vl_convert

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pmo"
    path = cache / f"vega-bundle-{version('vl-convert-python')}.js"
    with contextlib.suppress(OSError):
        return path.read_bytes()
    bundle = vl_convert.javascript_bundle().encode("utf-8")  # type: ignore[call-arg]  # the stub wants a snippet
    with contextlib.suppress(OSError):  # a read-only home only costs the next build the same 2 s
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(bundle)
        partial.replace(path)
    return bundle
