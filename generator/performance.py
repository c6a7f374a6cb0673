"""Stage 4, render: the Performance page — earned value of the active projects, as a chart and a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import fmt
from .charts import chart_block, chart_scripts, performance_spec
from .md import front_matter, heading, link, program_path, project_path, section, table
from .text import plain

if TYPE_CHECKING:
    from .analyse import Analysis

PERFORMANCE = "performance.md"


def performance_page(a: Analysis) -> str:
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
        + chart_scripts(PERFORMANCE)
    )
