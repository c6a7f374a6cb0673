"""Stage 4, render: the milestone trend analysis — the section of a project page (chart, table, forecast
accuracy) and the Performance page's list of milestones whose forecast keeps moving the same way.

The analysis is in analytics/milestone_trend.py; the past periods come from io/forecast_history.py through
SiteExtras.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analytics.milestone_trend import STREAK, Period, project_trend, readings
from ..charts.specs import chart_block, milestone_trend_spec
from ..widgets import fmt
from ..widgets.markup import Markup, tag
from ..widgets.md import link, paragraph, project_path, section, table
from ..widgets.text import plain

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..analytics.analyse import Analysis
    from ..analytics.milestone_trend import Accuracy, ForecastHistory, Line, ProjectTrend, Streak
    from ..data.model import Project

TITLE = "Milestone trend"
ANCHOR = "milestone-trend"  # the section's id, which the Performance page's list links to
NOTHING_TO_DRAW = "Every milestone was reached before the first period of the history: there is no trend to draw."
MATCHING = "Milestones are matched by name: a renamed milestone starts a new line, its old name's line stops."


def milestone_trends(
    a: Analysis, history: ForecastHistory, ids: Iterable[str] | None = None
) -> dict[str, ProjectTrend]:
    """Each project's trend (the projects this audience sees, or those of `ids`), the current data as the latest
    period."""
    as_of = a.settings.as_of
    return {
        pid: project_trend(history, pid, Period(as_of, "current data", readings(a.project(pid).milestones)))
        for pid in (a.projects.index if ids is None else ids)
    }


# --- the project page ---------------------------------------------------------------------------------------------


def trend_section(p: Project, trend: ProjectTrend) -> tuple[str, bool]:
    """The project page's section and whether it holds a chart; "" for a project that never had milestones."""
    if not any(period.milestones for period in trend.periods):
        return "", False
    if trend.missing:
        body = paragraph(tag("em", trend.missing)) + _accuracy(trend.accuracy())
        return section(TITLE, body), False
    # a milestone reached before the first period has no trend: a lone point on the diagonal, which would stretch
    # the axis back to its date; the table has it
    shown = [line for line in trend.lines if not (len(line.points) == 1 and line.reached)]
    body = (
        paragraph(
            f"The forecast of each milestone at each reporting period ({_source(trend)}). A rising line is a "
            "milestone slipping, a falling one a milestone pulled in; a line ends on the dashed diagonal "
            f"(reporting date = forecast date) when the milestone is reached. {MATCHING}",
        )
        + (_chart(p, trend, shown) if shown else paragraph(tag("em", NOTHING_TO_DRAW)))
        + _table(trend)
        + _ended(trend)
        + _streaks(trend.streaks())
        + _accuracy(trend.accuracy())
    )
    return section(TITLE, body), bool(shown)


def _source(trend: ProjectTrend) -> str:
    where = "published versions" if trend.source == "versions" else "the git history of the data"
    first, last = trend.periods[0].as_of, trend.periods[-1].as_of
    return f"{len(trend.periods)} periods from {fmt.date(first)} to {fmt.date(last)}, read from {where}"


def _chart(p: Project, trend: ProjectTrend, shown: list[Line]) -> str:
    rows: list[dict[str, Any]] = []
    for line in shown:
        moves = [None, *line.moves()]
        for point, move in zip(line.points, moves, strict=True):
            rows.append(
                {
                    "m": line.milestone,
                    "r": str(point.period),
                    "f": str(point.value),
                    "k": "reached" if point.reached else "forecast",
                    "mv": move,
                    "src": point.label,
                }
            )
    days = [point.period for line in shown for point in line.points]
    reached = sum(1 for line in shown if line.reached)
    moving = len(trend.streaks())
    summary = (
        f"Milestone trend of {p.name}: {len(shown)} milestones over {len(trend.periods)} reporting periods "
        f"from {fmt.date(trend.periods[0].as_of)} to {fmt.date(trend.periods[-1].as_of)}; {reached} reached; "
        f"{moving} moved the same way in {STREAK} or more consecutive periods. The data is in the table below."
    )
    spec = milestone_trend_spec(TITLE, rows, (min(days), max(days)))
    return chart_block("milestone-trend", spec, summary, None)


def _table(trend: ProjectTrend) -> str:
    """Period × milestone: each period's forecast of each milestone, newest period first."""
    names = [line.milestone for line in trend.lines]
    rows = []
    for period in reversed(trend.periods):
        cells: list[Any] = [fmt.date(period.as_of), period.label]
        for name in names:
            reading = period.milestones.get(name)
            if reading is None:
                cells.append("—")
            elif reading.actual is not None and reading.actual <= period.as_of:
                cells.append(f"reached {fmt.date(reading.actual)}")
            else:
                cells.append(fmt.date(reading.forecast))
        rows.append(cells)
    headers = ["Reporting date", "Read from", *(plain(name) for name in names)]
    caption = paragraph(tag("strong", "Forecast of each milestone at each reporting period"), ", newest first")
    return caption + table(headers, rows, align="ll" + "l" * len(names))


def _ended(trend: ProjectTrend) -> str:
    if not trend.ended:
        return ""
    names: list[str | Markup] = []
    for name, day in trend.ended:
        names += [", " if names else "", "“", plain(name), f"” (last reported {fmt.date(day)})"]
    return paragraph("No longer reported under these names, not reached (renamed or removed): ", *names, ".")


def _streaks(streaks: list[Streak]) -> str:
    """The project's own share of the Performance page's list."""
    if not streaks:
        return ""
    rows = [(plain(s.milestone), s.direction, _moves(s), fmt.days(s.total)) for s in streaks]
    lead = paragraph(tag("strong", f"Moved the same way in {STREAK} or more consecutive periods"))
    return lead + table(["Milestone", "Direction", "Moves", "Total shift"], rows, align="lllr")


def _moves(s: Streak) -> str:
    return ", ".join(f"{fmt.days(move)} at {fmt.date(day)}" for move, day in zip(s.moves, s.periods[1:], strict=True))


def _accuracy(accuracy: Accuracy) -> str:
    """Mean absolute slip of the past forecasts of reached milestones, overall and by how far ahead."""
    title = tag("strong", "Forecast accuracy:")
    if accuracy.mean is None:
        return paragraph(title, f" n/a: {accuracy.why}.")
    lead = paragraph(
        title,
        f" past forecasts of reached milestones were off by {accuracy.mean:.1f} days on average (mean absolute "
        f"difference between each forecast and the actual date, over {_count(accuracy.forecasts, 'forecast')} of "
        f"{_count(accuracy.milestones, 'reached milestone')}, made in periods before they were reached).",
    )
    rows = [
        (label, fmt.na("no forecast made this far ahead") if mean is None else f"{mean:.1f} d", str(n))
        for label, mean, n in accuracy.by_horizon
    ]
    return lead + table(["Forecast made", "Mean absolute slip", "Forecasts"], rows, align="lrr")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# --- the portfolio's list -----------------------------------------------------------------------------------------


def moving_milestones(a: Analysis, page: str, trends: dict[str, ProjectTrend], history: ForecastHistory) -> str:
    """Milestones whose forecast moved the same way in STREAK or more consecutive periods, largest shift first."""
    intro = paragraph(
        f"Milestones whose forecast moved later (slipping) or earlier (pulled in) in {STREAK} or more consecutive "
        "reporting periods, a sign that the plan behind it is not holding. The latest such run of each milestone, "
        f"from {history.where or 'the reporting history'}; each move is dated by the reporting date that showed it "
        f"(a reached milestone's last move by the date it was reached). {MATCHING}"
    )
    if history.source == "none":
        return intro + paragraph(tag("em", f"The reporting history is missing: {history.missing}."))
    found = [(pid, s) for pid, trend in trends.items() for s in trend.streaks()]
    if not found:
        return intro + paragraph(
            tag("em", f"No milestone's forecast moved the same way in {STREAK} or more consecutive periods.")
        )
    found.sort(key=lambda item: (-abs(item[1].total), a.rows[item[0]]["name"], item[1].milestone))
    rows = [
        (
            link(page, project_path(pid), plain(a.rows[pid]["name"]), fragment=ANCHOR),
            plain(s.milestone),
            s.direction,
            _moves(s),
            fmt.days(s.total),
            _now(trends[pid], s.milestone),
        )
        for pid, s in found
    ]
    headers = ["Project", "Milestone", "Direction", "Moves", "Total shift", "Now"]
    return intro + table(headers, rows, align="llllrl")


def _now(trend: ProjectTrend, milestone: str) -> str:
    line = next(line for line in trend.lines if line.milestone == milestone)
    last = line.points[-1]
    return f"reached {fmt.date(last.value)}" if last.reached else f"forecast {fmt.date(last.value)}"


def moving_section(a: Analysis, page: str, trends: dict[str, ProjectTrend], history: ForecastHistory) -> str:
    return section("Milestone forecasts on the move", moving_milestones(a, page, trends, history), anchor="moving")
