"""Charts checked by where things are drawn, not by how many: the roadmap's bars, its reporting-date rule and its
month labels on one time scale, scatter names beside their points and clear of each other, axis labels that do not
overlap, and light text on Material's dark palette."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from .support import VIEWPORTS, open_at

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from .support import OpenContext, Site

Box = dict[str, float]

# The pixel x of ISO days on a chart's x scale, in page coordinates (charts.js keeps each chart's Vega view).
X_OF_DAYS = """([id, days]) => {
  const view = window.PMO_CHARTS[id];
  const left = document.querySelector('#' + id + ' svg').getBoundingClientRect().left;
  const start = left + view.padding().left + view.origin()[0];
  return days.map(day => start + view.scale('x')(Date.parse(day)));
}"""


def drawn(page: Page, chart_id: str) -> None:
    page.locator(f"#{chart_id} svg").wait_for()
    page.wait_for_function("id => window.PMO_CHARTS && window.PMO_CHARTS[id]", arg=chart_id)


def x_of(page: Page, chart_id: str, days: list[str]) -> list[float]:
    return page.evaluate(X_OF_DAYS, [chart_id, days])


def inline_data(page: Page, chart_id: str) -> dict[str, Any]:
    text = page.locator(f'script.pmo-chart-spec[data-for="{chart_id}"]').text_content() or ""
    return json.loads(text)


def boxes(page: Page, selector: str) -> list[Box]:
    """The page boxes of the matching elements a reader sees (Vega hides an overlapping label with opacity 0)."""
    return page.locator(selector).evaluate_all(
        """els => els.filter(e => getComputedStyle(e).opacity !== '0' && e.getAttribute('opacity') !== '0'
                              && (e.tagName !== 'text' || e.textContent !== ''))
                   .map(e => { const r = e.getBoundingClientRect(); return {x: r.left, y: r.top, right: r.right,
                               bottom: r.bottom, text: e.textContent}; })"""
    )


def overlapping(found: list[Box]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(found)
        for b in found[i + 1 :]
        if a["x"] < b["right"] and b["x"] < a["right"] and a["y"] < b["bottom"] and b["y"] < a["bottom"]
    ]


def month_start(day: dt.date, months: int = 0) -> str:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1).isoformat()


def test_roadmap_bars_rule_and_labels_share_one_time_scale(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/roadmap/")
    assert page.locator(".pmo-chart").count() == 1  # one chart for the portfolio, not one per program
    drawn(page, "chart-roadmap")
    data = inline_data(page, "chart-roadmap")["datasets"]
    projects = [row for row in data["rows"] if "header" not in row]
    assert len({row["program"] for row in projects}) >= 5
    bars = boxes(page, "#chart-roadmap g.layer_2_marks > path")  # the forecast bars, in the data's order
    assert len(bars) == len(projects)
    starts = x_of(page, "chart-roadmap", [row["start"] for row in projects])
    finishes = x_of(page, "chart-roadmap", [row["finish"] for row in projects])
    for bar, row, start, finish in zip(bars, projects, starts, finishes, strict=True):
        # every bar, whatever its program, on the one scale: it starts and ends at its own days
        assert abs(bar["x"] - start) < 1.5 and abs(bar["right"] - finish) < 1.5, (row, bar, start, finish)
    month_end = [row for row in projects if (dt.date.fromisoformat(row["finish"]) + dt.timedelta(days=1)).day == 1]
    assert month_end, "the sample has a project finishing at a month's end"
    for row in month_end:
        day = dt.date.fromisoformat(row["finish"])
        first, after = x_of(page, "chart-roadmap", [month_start(day), month_start(day, 1)])
        bar = bars[projects.index(row)]
        assert first < bar["right"] < after, f"{row['row']} ends on {day}: drawn outside its month"
    # each month name starts at its month's first day and stays inside the month it names
    labels = boxes(page, "#chart-roadmap g.role-axis-label text")
    months = [label for label in labels if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label["text"])]  # the x axis
    assert len(months) >= 3
    for label in months:
        day = dt.datetime.strptime(label["text"], "%b %Y").date()
        first, after = x_of(page, "chart-roadmap", [month_start(day), month_start(day, 1)])
        assert first <= label["x"] <= first + 6 and label["x"] < after, label
    assert not overlapping(labels)
    # the reporting date: one rule at its x, across every program's rows
    (as_of,) = x_of(page, "chart-roadmap", [data["as_of"][0]["date"]])
    (rule,) = boxes(page, "#chart-roadmap g.mark-rule.role-mark line")
    assert abs((rule["x"] + rule["right"]) / 2 - as_of) < 1.5
    assert rule["y"] <= min(bar["y"] for bar in bars) and rule["bottom"] >= max(bar["bottom"] for bar in bars)
    assert page.locator("#chart-roadmap text", has_text="as of 31 Oct 2026").count() == 1
    assert not recorder.problems(), "\n".join(recorder.problems())


def test_a_roadmap_bar_opens_its_project(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/roadmap/")
    drawn(page, "chart-roadmap")
    projects = [row for row in inline_data(page, "chart-roadmap")["datasets"]["rows"] if "header" not in row]
    index = next(i for i, row in enumerate(projects) if row["row"] == "EHR upgrade to version 24")
    bar = page.locator("#chart-roadmap g.layer_2_marks > path").nth(index)
    with page.expect_navigation():
        bar.click(position={"x": 4, "y": 4})
    assert page.url == sample_site.address("/projects/ehr-upgrade/")
    assert not recorder.problems(), "\n".join(recorder.problems())


def test_program_roadmaps_use_the_portfolio_time_axis(sample_site: Site, new_context: OpenContext) -> None:
    domain = "id => window.PMO_CHARTS[id].scale('x').domain().map(Number)"
    page, _ = open_at(new_context, sample_site, "/roadmap/")
    drawn(page, "chart-roadmap")
    portfolio = page.evaluate(domain, "chart-roadmap")
    for program in ("clinical-systems", "data-platform"):
        page.goto(sample_site.address(f"/programs/{program}/"), wait_until="networkidle")
        drawn(page, "chart-roadmap")
        assert page.evaluate(domain, "chart-roadmap") == portfolio, program
    assert portfolio == [
        dt.datetime(year, month, 1, tzinfo=dt.UTC).timestamp() * 1000 for year, month in [(2025, 4), (2028, 1)]
    ]


SCATTERS = {"/performance/": "chart-spi-cpi", "/prioritization/": "chart-value-risk"}


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
@pytest.mark.parametrize("path", list(SCATTERS))
def test_scatter_names_sit_beside_their_points_and_clear_of_each_other(
    path: str, viewport: str, sample_site: Site, new_context: OpenContext
) -> None:
    page, recorder = open_at(new_context, sample_site, path, viewport)
    chart = SCATTERS[path]
    drawn(page, chart)
    names = boxes(page, f"#{chart} g.mark-text.role-mark text")
    assert len(names) >= (1 if viewport == "mobile" else 3), names
    assert not overlapping(names)
    points = boxes(page, f"#{chart} g.mark-symbol.role-mark path")
    svg = page.locator(f"#{chart} svg").bounding_box()
    assert svg is not None
    for name in names:
        gap = min(
            max(p["x"] - name["right"], name["x"] - p["right"], p["y"] - name["bottom"], name["y"] - p["bottom"])
            for p in points
        )
        assert gap <= 8, f"{name['text']} is {gap:.0f} px from the nearest point"  # 10 px from its centre
        assert svg["x"] <= name["x"] and name["right"] <= svg["x"] + svg["width"], name
    assert not recorder.problems(), "\n".join(recorder.problems())


TIME_CHARTS = {
    "/projects/ehr-upgrade/": ["chart-milestones", "chart-s-curve", "chart-rag-history"],
    "/performance/": ["chart-trend", "chart-rag-counts"],
}


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
@pytest.mark.parametrize("path", list(TIME_CHARTS))
def test_no_two_axis_labels_overlap(path: str, viewport: str, sample_site: Site, new_context: OpenContext) -> None:
    page, _ = open_at(new_context, sample_site, path, viewport)
    for chart in TIME_CHARTS[path]:
        drawn(page, chart)
        labels = boxes(page, f"#{chart} g.role-axis-label text")
        assert len(labels) >= 3, chart
        assert not overlapping(labels), (chart, overlapping(labels))


def test_status_reports_at_a_month_end_sit_in_their_month(sample_site: Site, browser: Browser) -> None:
    """West of Greenwich too: a day is read and written in UTC, never as the evening before."""
    context = browser.new_context(**VIEWPORTS["desktop"], timezone_id="America/New_York", service_workers="block")
    try:
        page = context.new_page()
        page.goto(sample_site.address("/projects/ehr-upgrade/"), wait_until="networkidle")
        days_at_their_place(page)
    finally:
        context.close()


def days_at_their_place(page: Page) -> None:
    drawn(page, "chart-rag-history")
    reports = inline_data(page, "chart-rag-history")["datasets"]["reports"]
    squares = boxes(page, "#chart-rag-history g.mark-symbol.role-mark path")[::2]  # reported, derived, reported…
    for report, square in zip(reports, squares, strict=True):
        day = dt.date.fromisoformat(report["d"])
        (at,) = x_of(page, "chart-rag-history", [report["d"]])
        first, after = x_of(page, "chart-rag-history", [month_start(day), month_start(day, 1)])
        assert abs((square["x"] + square["right"]) / 2 - at) < 1.5 and first <= at < after, report
    first_square = page.locator("#chart-rag-history g.mark-symbol.role-mark path").first
    first_square.scroll_into_view_if_needed()
    first_square.hover(force=True)
    assert reports[0]["d"] in page.locator("#vg-tooltip-element.visible").inner_text()


def light(color: str) -> bool:
    """Whether an SVG fill like "#c5cae9" or "rgb(…)" is light: relative luminance over 0.5."""
    if color.startswith("#"):
        rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        rgb = [int(float(part)) for part in color[color.index("(") + 1 : color.index(")")].split(",")[:3]]
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255 > 0.5


def axis_label_fills(page: Page, chart_id: str) -> list[str]:
    return page.locator(f"#{chart_id} g.role-axis-label text").evaluate_all(
        "els => els.map(e => e.getAttribute('fill'))"
    )


def test_charts_follow_the_dark_palette(sample_site: Site, browser: Browser) -> None:
    context = browser.new_context(**VIEWPORTS["desktop"], color_scheme="dark", service_workers="block")
    try:
        page = context.new_page()
        page.goto(sample_site.address("/roadmap/"), wait_until="networkidle")
        assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
        drawn(page, "chart-roadmap")
        fills = axis_label_fills(page, "chart-roadmap")
        assert fills and all(light(fill) for fill in fills), fills
        title = page.locator("#chart-roadmap g.role-title text").first.get_attribute("fill") or ""
        assert light(title), title
    finally:
        context.close()


def test_switching_the_palette_redraws_the_charts(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/projects/ehr-upgrade/")
    charts = TIME_CHARTS["/projects/ehr-upgrade/"]
    for chart in charts:
        drawn(page, chart)
        assert not any(light(fill) for fill in axis_label_fills(page, chart)), chart
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")  # what Material's toggle does
    for chart in charts:
        page.wait_for_function("id => document.getElementById(id).dataset.drawn === 'slate'", arg=chart)
        page.wait_for_function(
            """id => [...document.querySelectorAll('#' + id + ' g.role-axis-label text')]
                     .every(t => t.getAttribute('fill') !== '#424242')""",
            arg=chart,
        )
        fills = axis_label_fills(page, chart)
        assert fills and all(light(fill) for fill in fills), (chart, fills)
    assert not recorder.problems(), "\n".join(recorder.problems())
