"""Stage 4, render: the Risks page — every risk of the portfolio, its heat map, and filters."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..charts.specs import chart_block, chart_scripts, risk_heatmap_spec
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, attributes
from ..widgets.md import filter_form, front_matter, heading, link, page_scripts, project_path, section, table_html
from ..widgets.text import plain
from .project import RISK_HEADERS, risk_cells
from .urls import RISKS, TABLES_JS

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis

# Exposure bands of the handbook (methodology/raid.md): 1-4 low, 5-9 medium, 10-14 high, 15-25 very high.
BANDS = ((15, "very high"), (10, "high"), (5, "medium"), (1, "low"))


def exposure_band(exposure: int) -> str:
    return next(name for floor, name in BANDS if exposure >= floor)


def risks_page(a: Analysis) -> str:
    entries = [(pid, risk) for pid in sorted(a.portfolio.projects) for risk in a.project(pid).risks]
    entries.sort(key=lambda e: (e[1].status != "open", -e[1].probability * e[1].impact, e[0], e[1].id))
    open_risks = Counter((r.probability, r.impact) for _, r in entries if r.status == "open")
    cells = [
        {
            "probability": p,
            "impact": i,
            "exposure": p * i,
            "band": exposure_band(p * i),
            "count": open_risks[(p, i)],
            "label": str(open_risks[(p, i)]) if open_risks[(p, i)] else "",
            "cell": f"{p}-{i}",
        }
        for p in range(1, 6)
        for i in range(1, 6)
    ]
    total_open = sum(open_risks.values())
    severe = sum(n for (p, i), n in open_risks.items() if p * i >= 15)
    summary = (
        f"{total_open} open risks by probability and impact; {severe} of them have an exposure of 15 or more "
        "(very high)."
    )
    spec = risk_heatmap_spec("Open risks, probability × impact", cells)
    # A click on a cell filters the register below to its open risks (charts.js; the same filter is in the form)
    spec["usermeta"] = {"pmoFilter": {"form": "pmo-risk-table", "field": "cell", "also": {"status": "open"}}}
    grid = table_html(
        ["Probability ↓, impact →", *(str(i) for i in range(1, 6))],
        [(str(p), *(str(open_risks[(p, i)]) for i in range(1, 6))) for p in range(5, 0, -1)],
        align="rrrrrr",
    )
    chart = chart_block("risk-heatmap", spec, summary + " Select a cell to list its risks below.", grid)
    rows, attrs = [], []
    for pid, r in entries:
        project = a.project(pid)
        rows.append((link(RISKS, project_path(pid), plain(project.name)), *risk_cells(a, r)))
        attrs.append(
            attributes(
                data_program=project.program,
                data_owner=r.owner,
                data_status=r.status,
                data_cell=f"{r.probability}-{r.impact}",
            )
        )
    programs = sorted(a.portfolio.programs.values(), key=lambda p: p.name)
    owners = sorted({r.owner for _, r in entries}, key=a.person_name)
    choices: dict[str, list[tuple[str, str | Markup]]] = {
        "program": [(p.id, plain(p.name)) for p in programs],
        "owner": [(o, plain(a.person_name(o))) for o in owners],
        "status": [("open", "Open"), ("closed", "Closed")],
        "cell": [
            (f"{p}-{i}", f"Probability {p} × impact {i}")
            for p, i in sorted({(r.probability, r.impact) for _, r in entries}, key=lambda c: (-c[0] * c[1], -c[0]))
        ],
    }
    headers = ["Project", *RISK_HEADERS]
    register = (
        filter_form("pmo-risk-table", choices, len(rows))
        + html_block(
            table_html(headers, rows, "lllrrrlll", attributes(id="pmo-risk-table", data_pmo_sortable=True), attrs)
        )
        if rows
        else "_No risks recorded._\n"
    )
    return (
        front_matter("Risks", searchable=False)
        + heading("Risks", 1)
        + "Every risk of the portfolio. Exposure is probability × impact (1 to 25), counted for open risks; "
        + "the heat map shows where the open risks sit.\n\n"
        + section("Heat map", chart)
        + section("Risk register", register)
        + chart_scripts(RISKS)
        + page_scripts(RISKS, TABLES_JS)
    )
