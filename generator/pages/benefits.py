"""Stage 4, render: the Benefits page — what the projects promised and what has been realized so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analytics.rollups import WHY_NA
from ..charts.specs import FIT_X, chart_block, chart_scripts, inline
from ..widgets import fmt
from ..widgets.markup import Markup, join
from ..widgets.md import front_matter, heading, link, marked, program_path, project_path, section, table, table_html
from ..widgets.text import plain
from .cockpit import na_or, share
from .dashboard import tiles
from .urls import BENEFITS

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..analytics.rollups import Rollup
    from ..data.model import Benefit


def _realized_percent(r: Rollup) -> str | Markup:
    realized = realized_share(r)
    if realized is not None:
        return fmt.percent(share(realized))
    return fmt.na(WHY_NA["benefits_planned"] if r.benefits_planned is None else "no financial benefit planned")


def realized_share(r: Rollup) -> float | None:
    """Benefits realized over planned, None (n/a) with nothing planned or no realization recorded."""
    if not r.benefits_planned or r.benefits_realized is None:
        return None
    return r.benefits_realized / r.benefits_planned


def benefit_amount(value: float, benefit: Benefit, currency: str) -> str | Markup:
    """A financial benefit in money; any other in its own unit (users per month, days, hours)."""
    if benefit.kind == "financial":
        return fmt.money(value, currency)
    number = fmt.number(value, 1 if value % 1 else 0)
    unit = plain(benefit.unit or "")
    return join([number, " ", unit]) if unit else number


def benefit_state(benefit: Benefit, a: Analysis) -> str:
    """Realized (in full), overdue (due date passed, not in full), due (later) or open (no due date)."""
    if benefit.realized >= benefit.planned:
        return "realized"
    if benefit.due is None:
        return "open"
    return "overdue" if benefit.due < a.settings.as_of else "due"


def benefits_page(a: Analysis) -> str:
    cur = a.settings.currency
    t = a.totals
    programs = sorted(a.portfolio.programs.values(), key=lambda p: p.name)
    entries = [
        (pid, benefit)
        for pid in sorted(a.projects.index, key=lambda pid: (a.rows[pid]["program"], a.rows[pid]["name"]))
        for benefit in a.project(pid).benefits
    ]
    states = [benefit_state(b, a) for _, b in entries]
    overdue = states.count("overdue")
    figures = tiles(
        [
            (na_or(fmt.money(t.benefits_planned, cur, compact=True), "benefits_planned"), "financial benefits planned"),
            (na_or(fmt.money(t.benefits_realized, cur, compact=True), "benefits_realized"), "realized so far"),
            (_realized_percent(t), "realized"),
            (str(len(entries)), "benefits recorded"),
            (str(overdue), "overdue: due date passed, not realized in full"),
        ]
    )
    data, rows = [], []
    for program in programs:
        r = a.program_totals[program.id]
        if not r.benefits_planned and not r.benefits_realized:
            continue
        realized = realized_share(r)
        for measure, amount in (("Planned", r.benefits_planned), ("Realized", r.benefits_realized)):
            data.append({"group": program.name, "measure": measure, "amount": amount, "realized": realized})
        rows.append(
            (
                link(BENEFITS, program_path(program.id), plain(program.name)),
                fmt.money(r.benefits_planned, cur),
                fmt.money(r.benefits_realized, cur),
                fmt.percent(share(realized)),
            )
        )
    summary = (
        f"Financial benefits per program: {fmt.money(t.benefits_realized, cur)} realized of "
        f"{fmt.money(t.benefits_planned, cur)} planned."
    )
    chart = (
        chart_block(
            "benefits",
            inline("benefits", "Financial benefits, planned and realized", {"benefits": data}, autosize=FIT_X),
            summary,
            table_html(["Program", "Planned", "Realized", "Realized of planned"], rows, align="lrrr"),
        )
        if data
        else "_No financial benefit is recorded._\n"
    )
    listing = [
        (
            marked(plain(b.name), b),
            link(BENEFITS, project_path(pid), plain(a.rows[pid]["name"])),
            b.kind,
            benefit_amount(b.planned, b, cur),
            benefit_amount(b.realized, b, cur),
            fmt.percent(100 * b.realized / b.planned if b.planned else None),
            fmt.date(b.due),
            state,
        )
        for (pid, b), state in zip(entries, states, strict=True)
    ]
    headers = ["Benefit", "Project", "Kind", "Planned", "Realized", "Realized of planned", "Due", "State"]
    return (
        front_matter("Benefits", searchable=False)
        + heading("Benefits", 1)
        + "What the projects promised to deliver and what has been realized so far, as of "
        + f"{fmt.date(a.settings.as_of)}. Money is summed; benefits in other units (users, days, hours) are "
        + "listed with their unit and never added to money.\n\n"
        + section("Key figures", figures)
        + section("By program", chart)
        + section("Every benefit", table(headers, listing, align="lllrrrll") if listing else "_None recorded._\n")
        + (chart_scripts(BENEFITS) if data else "")
    )
