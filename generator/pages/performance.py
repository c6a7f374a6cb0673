"""Stage 4, render: the Performance page — earned value of the active projects, as a chart and a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..charts.specs import (
    chart_block,
    chart_scripts,
    performance_spec,
    place_labels,
    portfolio_trend_spec,
    rag_counts_spec,
)
from ..widgets import fmt
from ..widgets.markup import tag
from ..widgets.md import front_matter, heading, link, paragraph, program_path, project_path, section, table
from ..widgets.text import plain
from .milestone_trend import moving_section
from .urls import PERFORMANCE

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from ..analytics.analyse import Analysis
    from ..analytics.milestone_trend import ForecastHistory, ProjectTrend


def performance_page(
    a: Analysis, trends: dict[str, ProjectTrend] | None = None, history: ForecastHistory | None = None
) -> str:
    cur = a.settings.currency
    rows = [(pid, row) for pid, row in a.rows.items() if row["active"]]
    measured = [(pid, row) for pid, row in rows if not fmt.missing(row["spi"]) and not fmt.missing(row["cpi"])]
    points = [
        {
            "label": row["name"],
            "program": a.portfolio.programs[row["program"]].name,
            "spi": round(float(row["spi"]), 4),
            "cpi": round(float(row["cpi"]), 4),
            "budget": float(row["bac"]),
            "rag": row["rag"] if isinstance(row["rag"], str) else "n/a",
        }
        for pid, row in sorted(measured)
    ]
    _name_the_worst(a, points)
    quadrants = {
        "on schedule and on budget": sum(1 for p in points if p["spi"] >= 1 and p["cpi"] >= 1),
        "behind schedule": sum(1 for p in points if p["spi"] < 1 <= p["cpi"]),
        "over budget": sum(1 for p in points if p["cpi"] < 1 <= p["spi"]),
        "behind schedule and over budget": sum(1 for p in points if p["spi"] < 1 and p["cpi"] < 1),
    }
    summary = (
        f"SPI against CPI for {len(points)} active projects with a status report, as of "
        f"{fmt.date(a.settings.as_of)}: " + "; ".join(f"{n} {what}" for what, n in quadrants.items()) + "."
    )
    headers = ["Project", "Program", "SPI", "CPI", "EAC", "VAC", "EAC / BAC", "RAG"]
    worst_first = sorted(measured, key=lambda item: (min(item[1]["spi"], item[1]["cpi"]), item[1]["name"]))
    table_rows = [
        (
            link(PERFORMANCE, project_path(pid), plain(row["name"])),
            link(PERFORMANCE, program_path(row["program"]), plain(a.portfolio.programs[row["program"]].name)),
            fmt.ratio(row["spi"]),
            fmt.ratio(row["cpi"]),
            fmt.money(row["eac"], cur),
            fmt.money(row["vac"], cur),
            fmt.percent(row["budget_adherence"], 1),
            fmt.rag(row["rag"]),
        )
        for pid, row in worst_first
    ]
    chart = (
        chart_block("spi-cpi", performance_spec("Schedule and cost performance", points), summary, None)
        if points
        else "_No active project has a status report yet._\n"
    )
    unmeasured = [row["name"] for _, row in rows if fmt.missing(row["spi"]) or fmt.missing(row["cpi"])]
    note = (
        f"{len(unmeasured)} active projects are not on the chart: SPI or CPI is not defined for them yet "
        "(no status report, nothing planned yet, or no cost booked).\n\n"
        if unmeasured
        else ""
    )
    return (
        front_matter("Performance", searchable=False)
        + heading("Performance", 1)
        + "Earned value of the active projects: SPI below 1 is behind schedule, CPI below 1 is over cost. "
        + "Circles are sized by budget.\n\n"
        + section("SPI × CPI", chart + note)
        + section("The same projects, worst first", table(headers, table_rows, align="llrrrrrl"))
        + section("Trend", trend_section(a))
        + (moving_section(a, PERFORMANCE, trends, history) if trends is not None and history is not None else "")
        + chart_scripts(PERFORMANCE)
    )


NAMED = 8  # at most so many projects are named on the chart


def _name_the_worst(a: Analysis, points: list[dict[str, Any]]) -> None:
    """Name on the chart the red projects and those with an SPI or CPI below its red threshold, worst first."""
    red = a.settings.rag
    worst = sorted(
        (p for p in points if p["rag"] == "red" or p["spi"] < red.spi.red or p["cpi"] < red.cpi.red),
        key=lambda p: (min(p["spi"], p["cpi"]), p["label"]),
    )
    for point in worst:
        point["text"] = point["label"]
    if points:
        domains = (_padded(p["spi"] for p in points), _padded(p["cpi"] for p in points))
        place_labels(points, worst, ("spi", "cpi", "budget"), domains, NAMED)


def _padded(values: Iterable[float]) -> tuple[float, float]:
    """About the domain Vega gives the axis (zero: false, nice): the data's range and a little."""
    low, high = min(values := list(values)), max(values)
    margin = (high - low) * 0.05 or 0.05
    return low - margin, high + margin


def trend_section(a: Analysis) -> str:
    """Portfolio SPI and CPI and the projects by reported RAG over the last 12 months, as charts and a table."""
    periods: list[dict[str, Any]] = a.trend.to_dict("records")
    if not any(p["projects"] for p in periods):
        return paragraph(tag("em", "No status report in the last 12 months."))
    definition = paragraph(
        "Each month counts the projects that had started and had a status report by the month's end, with the "
        "latest one; closed and cancelled projects only in the months they reported, proposals and approved "
        "projects never. SPI = Σ EV / Σ PV and CPI = Σ EV / Σ AC, each project's figures at the date of its report. "
        f"The last month ends at the reporting date, {fmt.date(a.settings.as_of)}."
    )
    indices = [
        {"p": p["period"], "n": int(p["projects"])}
        | {key: round(float(p[key.lower()]), 3) for key in ("SPI", "CPI") if not fmt.missing(p[key.lower()])}
        for p in periods
    ]
    counts = [{"p": p["period"], **{rag: int(p[rag]) for rag in ("green", "amber", "red")}} for p in periods]
    first, last = periods[0], periods[-1]
    change = f"from {first['period']} to {last['period']}: SPI {_moved(periods, 'spi')}, CPI {_moved(periods, 'cpi')}"
    trend_summary = (
        f"Portfolio SPI and CPI per month {change}; {int(last['projects'])} projects counted in {last['period']}. "
        "The figures are in the table below."
    )
    counts_summary = (
        f"Projects by reported RAG per month: {last['period']} "
        + ", ".join(f"{int(last[rag])} {rag}" for rag in ("green", "amber", "red"))
        + f"; {first['period']} "
        + ", ".join(f"{int(first[rag])} {rag}" for rag in ("green", "amber", "red"))
        + ". The figures are in the table below."
    )
    cur = a.settings.currency
    rows = [
        (
            p["period"],
            str(int(p["projects"])),
            fmt.money(p["pv"], cur),
            fmt.money(p["ev"], cur),
            fmt.money(p["ac"], cur),
            _index(p, "spi", "Σ PV is 0"),
            _index(p, "cpi", "Σ AC is 0"),
            *(str(int(p[rag])) for rag in ("green", "amber", "red")),
        )
        for p in periods
    ]
    headers = ["Month", "Projects", "Σ PV", "Σ EV", "Σ AC", "SPI", "CPI", "Green", "Amber", "Red"]
    return (
        definition
        + chart_block("trend", portfolio_trend_spec("Portfolio SPI and CPI by month", indices), trend_summary, None)
        + chart_block("rag-counts", rag_counts_spec("Projects by reported RAG", counts), counts_summary, None)
        + table(headers, rows, align="lrrrrrrrrr")
    )


def _index(period: dict[str, Any], key: str, zero: str) -> str:
    if not fmt.missing(period[key]):
        return fmt.ratio(period[key])
    return fmt.na("no project counted this month" if not period["projects"] else f"not defined: {zero}")


def _moved(periods: list[dict[str, Any]], key: str) -> str:
    """Like "0.95 in 2025-11 to 0.91 in 2026-10", over the periods where the index is defined."""
    defined = [p for p in periods if not fmt.missing(p[key])]
    if not defined:
        return "not defined in any month"
    a, b = defined[0], defined[-1]
    return f"{fmt.ratio(a[key])} in {a['period']} to {fmt.ratio(b[key])} in {b['period']}"
