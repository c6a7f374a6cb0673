"""Stage 4, render: KPI blocks and charts of a roll-up, shared by the home, program and objective pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analytics.kpi import RAGS
from ..analytics.rollups import KINDS, WHY_NA
from ..charts.specs import FIT_X, chart_block, inline
from ..data.model import PHASES
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.md import table_html
from ..widgets.text import plain
from .cockpit import Figure, figure_tiles, key_figures, rag_counts, risk_figure

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..analytics.rollups import Rollup
    from ..data.model import Program
    from ..widgets.markup import Markup


def tiles(items: list[tuple[str | Markup, str | Markup]]) -> str:
    """Key figures as a grid of tiles, none judged by a threshold."""
    return figure_tiles(Figure(value, label) for value, label in items)


def kpi_tiles(a: Analysis, r: Rollup) -> str:
    """The figures a program or objective is judged by: its RAG counts and its key figures, coloured by threshold."""
    return html_block(rag_counts(r, None)) + figure_tiles([*key_figures(r, a.settings), risk_figure(r)])


def by_program_charts(a: Analysis, programs: list[Program]) -> str:
    """Active projects per program of `programs` by RAG, and all their projects by phase, each with its table."""
    rags = (*RAGS, "n/a")
    rag_counts = {p.id: a.program_totals[p.id].by_rag for p in programs}
    phase_counts = {p.id: a.program_totals[p.id].by_phase for p in programs}
    phases = [ph for ph in PHASES if any(counts[ph] for counts in phase_counts.values())]
    blocks = []
    for name, title, categories, counts, summary in (
        (
            "rag-by-program",
            "Active projects by RAG",
            rags,
            rag_counts,
            "Active projects per program by RAG",
        ),
        (
            "phase-by-program",
            "Projects by phase",
            tuple(phases),
            phase_counts,
            "All projects per program by phase",
        ),
    ):
        data = [
            {"program": p.name, "category": c, "count": counts[p.id][c], "order": i}
            for p in programs
            for i, c in enumerate(categories)
            if counts[p.id][c]
        ]
        totals = {c: sum(counts[p.id][c] for p in programs) for c in categories}
        text = f"{summary}: " + ", ".join(f"{totals[c]} {c}" for c in categories) + "."
        rows = [(plain(p.name), *(str(counts[p.id][c]) for c in categories)) for p in programs]
        data_table = table_html(
            ["Program", *(fmt.phase(c) for c in categories)], rows, align="l" + "r" * len(categories)
        )
        spec = inline(name.replace("-", "_"), title, {"counts": data}, height={"step": 24}, autosize=FIT_X)
        blocks.append(chart_block(name, spec, text, data_table))
    return "".join(blocks)


def spend_chart(a: Analysis, r: Rollup) -> str:
    """Run versus change: budget and spend to date per kind of work, with shares of each total."""
    spec, summary, headers, rows = spend(a, r)
    return chart_block("spend", spec, summary, table_html(headers, rows, align="lrrrrr"))


def spend(a: Analysis, r: Rollup) -> tuple[dict[str, Any], str, list[str], list[tuple[str | Markup, ...]]]:
    """The run-versus-change chart's spec, its text alternative, and its data as table headers and rows."""
    cur = a.settings.currency
    data = []
    spent = r.spent_by_kind
    measures = [("Budget", r.budget_by_kind), *([("Spent to date", spent)] if spent is not None else [])]
    for measure, values in measures:
        total = sum(values.values())
        for kind in KINDS:
            share_of = values[kind] / total if total else None
            data.append({"kind": kind.capitalize(), "measure": measure, "amount": values[kind], "share": share_of})
    no_spend = fmt.na(WHY_NA["spent"])
    rows: list[tuple[str | Markup, ...]] = [
        (
            kind.capitalize(),
            str(r.by_kind[kind]),
            fmt.money(r.budget_by_kind[kind], cur, compact=True),
            fmt.percent(_percent_of(r.budget_by_kind, kind), 1),
            fmt.money(spent[kind], cur, compact=True) if spent is not None else no_spend,
            fmt.percent(_percent_of(spent, kind), 1) if spent is not None else no_spend,
        )
        for kind in KINDS
    ]
    headers = ["Work", "Projects", "Budget, not cancelled", "Share", "Spent to date", "Share"]
    change, run = (_percent_of(spent, kind) if spent is not None else None for kind in KINDS)
    if spent is None:
        summary = f"Run versus change: budget only; spend is n/a: {WHY_NA['spent']}."
    elif change is not None and run is not None:
        summary = (
            f"Run versus change: {fmt.percent(change, 0)} of the money spent to date went to change work, "
            f"{fmt.percent(run, 0)} to run."
        )
    else:
        summary = "Run versus change: nothing is spent yet."
    return inline("spend", "Run versus change", {"spend": data}, autosize=FIT_X), summary, headers, rows


def _percent_of(values: dict[str, float], key: str) -> float | None:
    total = sum(values.values())
    return 100 * values[key] / total if total else None
