"""Stage 4, render: the roadmap — a Gantt chart of the active projects, per program."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from . import fmt
from .charts import chart_block, chart_scripts, roadmap_spec
from .md import front_matter, heading, link, md_link, program_path, project_path, section, table_html
from .model import ACTIVE_PHASES
from .text import plain

if TYPE_CHECKING:
    from .analyse import Analysis

ROADMAP = "roadmap.md"


def roadmap_chart(a: Analysis, ids: list[str], page: str, name: str, title: str) -> str:
    """The Gantt chart of these projects (active ones only), with its text alternative and data table."""
    in_phase = [pid for pid in ids if a.rows[pid]["phase"] in ACTIVE_PHASES]
    # a project whose dates the source withholds has no bar to draw: it is counted under the chart instead
    undated = {pid for pid in in_phase if fmt.missing(a.rows[pid]["start"]) or fmt.missing(a.rows[pid]["finish"])}
    note = ""
    if undated:
        count = "1 active project" if len(undated) == 1 else f"{len(undated)} active projects"
        note = f"{count} without a start or baseline finish (withheld by the source) not shown.\n"
    active = sorted(
        (pid for pid in in_phase if pid not in undated),
        key=lambda pid: (a.rows[pid]["start"], a.rows[pid]["name"], pid),
    )
    if not active:
        return note or "_No active project._\n"
    names = Counter(a.rows[pid]["name"] for pid in active)
    labels = {pid: a.rows[pid]["name"] + (f" ({pid})" if names[a.rows[pid]["name"]] > 1 else "") for pid in active}
    projects, milestones, rows = [], [], []
    for pid in active:
        row = a.rows[pid]
        rag = row["rag"] if isinstance(row["rag"], str) else "n/a"
        projects.append(
            {
                "label": labels[pid],
                "phase": fmt.phase(row["phase"]),
                "start": str(row["start"]),
                "finish": str(row["forecast_finish"]),
                "baseline": str(row["finish"]),
                "rag": rag,
            }
        )
        for m in a.project(pid).milestones:
            state = "done" if m.actual else ("late" if m.expected > m.baseline else "on time")
            milestones.append({"label": labels[pid], "milestone": m.name, "date": str(m.expected), "state": state})
        rows.append(
            (
                link(page, project_path(pid), plain(labels[pid])),
                fmt.date(row["start"]),
                fmt.date(row["finish"]),
                fmt.date(row["forecast_finish"]),
                fmt.rag(row["rag"]),
            )
        )
    late = sum(1 for pid in active if a.rows[pid]["slip_days"] > 0)
    summary = (
        f"{title}: {len(active)} active projects from {fmt.date(a.rows[active[0]]['start'])}; "
        f"{late} forecast to finish after their baseline; reporting date {fmt.date(a.settings.as_of)}."
    )
    data = table_html(["Project", "Start", "Baseline finish", "Forecast finish", "RAG"], rows)
    return chart_block(name, roadmap_spec(title, projects, milestones, a.settings.as_of), summary, data) + note


def roadmap_page(a: Analysis) -> str:
    parts = [
        front_matter("Roadmap", searchable=False),
        heading("Roadmap", 1),
        f"Active projects by program, from start to forecast finish, colored by RAG; diamonds are milestones "
        f"and the dashed line is the reporting date, {fmt.date(a.settings.as_of)}.\n\n",
    ]
    for program in sorted(a.portfolio.programs.values(), key=lambda p: p.name):
        ids = a.by_program.get(program.id, [])
        chart = roadmap_chart(a, ids, ROADMAP, program.id, program.name)
        program_link = md_link(ROADMAP, program_path(program.id), "Program page")
        parts.append(section(plain(program.name), f"{program_link}\n\n{chart}", anchor=program.id))
    parts.append(chart_scripts(ROADMAP))
    return "".join(parts)
