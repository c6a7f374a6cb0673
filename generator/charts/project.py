"""Stage 4, render: the charts of one project page — the cost S-curve, the RAG history and the milestones.

Their data comes from the status history computed once in the analyse stage (trends.py); here it is only put
into small rows (short keys, rounded numbers) for the chart templates of charts.py.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..analytics.kpi import milestone_slip
from ..widgets import fmt
from ..widgets.markup import tag
from ..widgets.md import paragraph, table
from .specs import chart_block, milestones_spec, rag_history_spec, s_curve_spec

if TYPE_CHECKING:
    import datetime as dt

    from ..analytics.analyse import Analysis
    from ..analytics.kpi import Row
    from ..data.model import Project

HISTORY_TABLE = "Earned value at each status report"
NO_DERIVED = "neither SPI nor CPI is defined at this report"


def trends(a: Analysis, p: Project, row: Row) -> str:
    """The S-curve and the RAG history of the project's status reports, and the table both are drawn from."""
    history = a.history_rows.get(p.id, [])
    if not history:
        return paragraph(tag("em", "No status report yet."))
    return s_curve_chart(a, p, row, history) + rag_history_chart(p, history) + history_table(a, history)


def s_curve_chart(a: Analysis, p: Project, row: Row, history: list[dict[str, Any]]) -> str:
    """Cumulative PV (the straight line from 0 at the start to the budget at the baseline finish), EV and AC
    at each status report, with the reporting date marked."""
    as_of = a.settings.as_of
    points: dict[dt.date, dict[str, Any]] = {}
    planned = p.start is not None and p.finish is not None and p.budget is not None
    if p.start is not None and p.finish is not None and p.budget is not None:
        points = {p.start: {"PV": 0}, p.finish: {"PV": round(p.budget)}, as_of: {"PV": _rounded(row["pv"])}}
    for report in history:
        amounts = {"PV": _rounded(report["pv"]), "EV": _rounded(report["ev"]), "AC": round(report["ac"])}
        points[report["date"]] = {key: value for key, value in amounts.items() if value is not None}
    values = [{"d": str(day), **amounts} for day, amounts in sorted(points.items())]
    cur = a.settings.currency
    last = history[-1]
    plan = (
        f"planned value runs from 0 at the start ({fmt.date(p.start)}) to the budget of {fmt.money(p.budget, cur)} "
        f"at the baseline finish ({fmt.date(p.finish)})"
        if planned
        else "planned and earned value are undefined: the start, baseline finish or budget is withheld"
    )
    summary = (
        f"Cumulative planned value, earned value and actual cost of {p.name} at {len(history)} status reports "
        f"from {fmt.date(history[0]['date'])} to {fmt.date(last['date'])}; {plan}. "
        f"At the latest report: EV {fmt.money(last['ev'], cur)}, "
        f"PV {fmt.money(last['pv'], cur)}, AC {fmt.money(last['ac'], cur)}. "
        f"The figures are in the table “{HISTORY_TABLE}” below."
    )
    return chart_block("s-curve", s_curve_spec("Cost S-curve", values, as_of), summary, None)


def _rounded(value: float) -> int | None:
    """A whole amount for the chart; None when undefined (the point is left out)."""
    return None if fmt.missing(value) else round(value)


def rag_history_chart(p: Project, history: list[dict[str, Any]]) -> str:
    """The reported and the derived RAG at each status report."""
    reports = [
        {
            "d": str(r["date"]),
            "reported": r["rag"],
            "derived": "n/a" if fmt.missing(r["derived_rag"]) else r["derived_rag"],
            "spi": fmt.ratio(r["spi"]),
            "cpi": fmt.ratio(r["cpi"]),
        }
        for r in history
    ]
    reported = Counter(r["rag"] for r in history)
    summary = (
        f"RAG of {p.name} at each of its {len(history)} status reports, as reported by the project and as "
        "derived from SPI and CPI at the time (the forecast finish of the past is not recorded, so slip is not "
        f"part of it): reported {', '.join(f'{reported[rag]} {rag}' for rag in ('green', 'amber', 'red'))}. "
        f"The figures are in the table “{HISTORY_TABLE}” below."
    )
    return chart_block("rag-history", rag_history_spec("RAG history", reports), summary, None)


def history_table(a: Analysis, history: list[dict[str, Any]]) -> str:
    """Each status report's earned value at its own date, newest first."""
    cur = a.settings.currency

    def index(value: float, undefined: str) -> str:
        return fmt.na(undefined) if fmt.missing(value) else fmt.ratio(value)

    rows = [
        (
            fmt.date(r["date"]),
            fmt.rag(r["rag"]),
            fmt.na(NO_DERIVED) if fmt.missing(r["derived_rag"]) else fmt.rag(r["derived_rag"]),
            fmt.money(r["pv"], cur),
            fmt.money(r["ev"], cur),
            fmt.money(r["ac"], cur),
            index(r["spi"], "nothing was planned to be done by this date (PV is 0)"),
            index(r["cpi"], "no cost booked by this date (AC is 0)"),
        )
        for r in reversed(history)
    ]
    headers = ["Date", "Reported RAG", "Derived RAG", "PV", "EV", "AC", "SPI", "CPI"]
    return paragraph(tag("strong", HISTORY_TABLE), ", newest first") + table(headers, rows, align="lllrrrrr")


def milestones_chart(a: Analysis, p: Project) -> str:
    """Each milestone's baseline against its actual or forecast date; the table beside it holds the data."""
    if not p.milestones:
        return ""
    names = Counter(m.name for m in p.milestones)
    seen: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    slips: list[int] = []
    for m in p.milestones:
        seen[m.name] += 1
        label = m.name if names[m.name] == 1 else f"{m.name} ({seen[m.name]})"  # one row each on the chart
        slip = milestone_slip(m.baseline, m.forecast, m.actual)
        slips.append(slip)
        state = "done" if m.actual else ("late" if slip > 0 else "on time")
        rows.append({"m": label, "b": str(m.baseline), "e": str(m.expected), "s": state, "slip": slip})
    states = Counter(r["s"] for r in rows)
    summary = (
        f"Baseline against actual or forecast date for the {len(rows)} milestones of {p.name}: {states['done']} "
        f"done, {states['late']} forecast late, {states['on time']} forecast on time or early; the largest slip is "
        f"{fmt.days(max(slips))}. Reporting date {fmt.date(a.settings.as_of)}. The data is in the table below."
    )
    return chart_block("milestones", milestones_spec("Milestones", rows, a.settings.as_of), summary, None)
