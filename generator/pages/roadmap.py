"""Stage 4, render: the roadmap — one Gantt chart of the active projects, grouped by program, on the time axis
every roadmap of the site shares."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..charts.specs import chart_block, chart_scripts, roadmap_spec
from ..data.model import ACTIVE_PHASES
from ..widgets import fmt
from ..widgets.md import front_matter, heading, href, link, program_path, project_path, table_html
from ..widgets.text import plain
from .urls import ROADMAP

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis

LEGEND = (
    "Each bar runs from a project's start to its forecast finish, colored by RAG; the thin grey bar under it runs "
    "to the baseline finish, so a bar longer than its grey line is late. Diamonds are milestones, the dashed line "
    "is the reporting date; a bar opens its project."
)


def _dated(a: Analysis, ids: list[str]) -> tuple[list[str], int]:
    """The active projects among `ids` that have a start and a baseline finish, by start; and how many have not
    (a source may withhold dates: such a project has no bar to draw)."""
    in_phase = [pid for pid in ids if a.rows[pid]["phase"] in ACTIVE_PHASES]
    undated = {pid for pid in in_phase if fmt.missing(a.rows[pid]["start"]) or fmt.missing(a.rows[pid]["finish"])}
    dated = sorted(
        (pid for pid in in_phase if pid not in undated),
        key=lambda pid: (a.rows[pid]["start"], a.rows[pid]["name"], pid),
    )
    return dated, len(undated)


@dataclass(frozen=True)
class Roadmap:
    """A roadmap's chart spec, its text alternative and its data table, for the site and for print."""

    spec: dict[str, Any]
    summary: str
    headers: list[str]
    rows: list[tuple[Any, ...]]


def roadmap_chart(a: Analysis, ids: list[str], page: str, name: str, title: str) -> str:
    """The Gantt chart of these projects (active ones only) under a header row per program, with its text
    alternative and data table."""
    drawn, note = roadmap(a, ids, page, title)
    if drawn is None:
        return note or "_No active project._\n"
    return chart_block(name, drawn.spec, drawn.summary, table_html(drawn.headers, drawn.rows)) + note


def roadmap(a: Analysis, ids: list[str], page: str, title: str) -> tuple[Roadmap | None, str]:
    """The roadmap of these projects (None when no active one has dates), and a note on those left out."""
    active, undated = _dated(a, ids)
    note = ""
    if undated:
        count = "1 active project" if undated == 1 else f"{undated} active projects"
        note = f"{count} without a start or baseline finish (withheld by the source) not shown.\n"
    if not active:
        return None, note
    programs = a.portfolio.programs
    groups: dict[str, list[str]] = {}
    for pid in active:
        groups.setdefault(a.rows[pid]["program"], []).append(pid)
    order = sorted(groups, key=lambda program: (programs[program].name, program))
    grouped = len(order) > 1  # the table says each project's program when there are several
    labels, header_labels = _row_labels(a, active, order)
    rows: list[dict[str, Any]] = []
    milestones, table_rows = [], []
    for program in order:
        header = header_labels[program]
        rows.append({"row": header, "header": header})  # the spec styles a row whose label is a header's
        for pid in groups[program]:
            rows.append(_project_row(a, pid, labels[pid], page))
            for m in a.project(pid).milestones:
                state = "done" if m.actual else ("late" if m.expected > m.baseline else "on time")
                milestones.append({"row": labels[pid], "milestone": m.name, "date": str(m.expected), "state": state})
            table_rows.append(_table_row(a, pid, labels[pid], page, grouped))
    late = sum(1 for pid in active if a.rows[pid]["slip_days"] > 0)
    first = min(a.rows[pid]["start"] for pid in active)
    summary = (
        f"{title}: {len(active)} active projects from {fmt.date(first)}; "
        f"{late} forecast to finish after their baseline; reporting date {fmt.date(a.settings.as_of)}."
    )
    headers = ["Project", *(["Program"] if grouped else []), "Start", "Baseline finish", "Forecast finish", "RAG"]
    spec = roadmap_spec(title, rows, milestones, a.settings.as_of, a.time_span)
    return Roadmap(spec, summary, headers, table_rows), note


def _row_labels(a: Analysis, active: list[str], programs: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """A distinct label per row, for projects and for program headers apart (a program may share its id with a
    project): the chart's rows are its labels, so a name shared by two rows gets its id added."""
    named = {program: a.portfolio.programs[program].name for program in programs}
    names = Counter([a.rows[pid]["name"] for pid in active] + list(named.values()))
    projects = {pid: a.rows[pid]["name"] + (f" ({pid})" if names[a.rows[pid]["name"]] > 1 else "") for pid in active}
    headers = {program: name + (f" (program {program})" if names[name] > 1 else "") for program, name in named.items()}
    return projects, headers


def _project_row(a: Analysis, pid: str, label: str, page: str) -> dict[str, Any]:
    row = a.rows[pid]
    return {
        "row": label,
        "program": a.portfolio.programs[row["program"]].name,
        "phase": fmt.phase(row["phase"]),
        "start": str(row["start"]),
        "finish": str(row["forecast_finish"]),
        "baseline": str(row["finish"]),
        "rag": row["rag"] if isinstance(row["rag"], str) else "n/a",
        "href": href(page, project_path(pid)),  # relative: it works wherever the site is served, versions too
    }


def _table_row(a: Analysis, pid: str, label: str, page: str, grouped: bool) -> tuple[Any, ...]:
    row = a.rows[pid]
    program = a.portfolio.programs[row["program"]].name
    return (
        link(page, project_path(pid), plain(label)),
        *([link(page, program_path(row["program"]), plain(program))] if grouped else []),
        fmt.date(row["start"]),
        fmt.date(row["finish"]),
        fmt.date(row["forecast_finish"]),
        fmt.rag(row["rag"]),
    )


def roadmap_page(a: Analysis) -> str:
    programs = sorted(a.portfolio.programs.values(), key=lambda p: p.name)
    ids = [pid for program in programs for pid in a.by_program.get(program.id, [])]
    chart = roadmap_chart(a, ids, ROADMAP, "roadmap", "Active projects by program")
    program_links = " · ".join(link(ROADMAP, program_path(p.id), plain(p.name)) for p in programs)
    return (
        front_matter("Roadmap", searchable=False)
        + heading("Roadmap", 1)
        + f"Active projects by program on one time axis; reporting date {fmt.date(a.settings.as_of)}. {LEGEND}\n\n"
        + chart
        + (f"\nProgram pages: {program_links}\n\n" if programs else "")
        + chart_scripts(ROADMAP)
    )
