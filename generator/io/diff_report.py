"""`pmo diff`'s report: the comparison of analytics/diff.py as titled rows of cells, one set for the command
(Markdown or JSON) and for a published version's "Changes since" page, so the two always say the same thing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analytics.diff import DATA, TIME
from ..widgets import fmt

if TYPE_CHECKING:
    from ..analytics.diff import (
        ChangeRequestChange,
        DateChange,
        Diff,
        FindingChange,
        ProjectChange,
        Reason,
        RiskChange,
        RiskState,
    )


# --- one set of rows for the command and the page -----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A table cell as plain text; `project` makes it a link to that project's page where there is one."""

    text: str
    project: str | None = None
    code: bool = False  # an id, shown as code
    rags: tuple[str | None, str | None] | None = None  # a RAG change: badges on the page, the text elsewhere
    lines: tuple[str, ...] = ()  # reasons: one line each on the page, the text ("; "-joined) elsewhere


@dataclass(frozen=True)
class Section:
    title: str
    headers: list[str]
    align: str
    rows: list[list[Cell]]
    note: str = ""  # a sentence under the title


def rag_cell(before: str | None, after: str | None) -> Cell:
    return Cell(f"{_rag_text(before)} → {_rag_text(after)}", rags=(before, after))


def reasons_cell(reasons: tuple[Reason, ...]) -> Cell:
    lines = tuple(r.text for r in reasons)
    return Cell("; ".join(lines), lines=lines)


def sections(diff: Diff) -> list[Section]:
    """The diff as titled tables, the empty ones left out."""
    cur = diff.currency
    gone = {c.project for c in diff.projects if c.change == "removed"}

    def project(pid: str, name: str) -> Cell:
        return Cell(name, None if pid in gone else pid)

    def arrow(before: str | None, after: str | None, show: Any = str) -> str:
        return f"{show(before) if before else fmt.NA} → {show(after) if after else fmt.NA}"

    out = [
        Section(
            "Projects",
            ["Project", "Id", "Change", "Phase"],
            "llll",
            [
                [
                    project(c.project, c.name),
                    Cell(c.project, code=True),
                    Cell(_PROJECT_WORDS[c.change]),
                    Cell(_phase_text(c)),
                ]
                for c in diff.projects
            ],
        ),
        *(
            Section(
                title,
                ["Project", "RAG", "Why"],
                "lll",
                [
                    [project(c.project, c.name), rag_cell(c.before, c.after), reasons_cell(c.reasons)]
                    for c in diff.rag
                    if c.cause == cause
                ],
                _time_note(diff) if cause == TIME else "",
            )
            for cause, title in ((DATA, "RAG changed in the data"), (TIME, "RAG changed because time passed"))
        ),
        Section(
            "Phase",
            ["Project", "Before", "After"],
            "lll",
            [
                [project(c.project, c.name), Cell(fmt.phase(c.before or "")), Cell(fmt.phase(c.after or ""))]
                for c in diff.phase
            ],
        ),
        Section(
            "Dates",
            ["Project", "Date", "Before", "After", "Moved"],
            "llllr",
            [
                [
                    project(c.project, c.name),
                    Cell(_date_text(c)),
                    Cell(fmt.date(c.before)),
                    Cell(fmt.date(c.after)),
                    Cell(fmt.days(c.days) if c.days is not None else c.kind),
                ]
                for c in diff.dates
            ],
        ),
        Section(
            "Budget",
            ["Project", "Before", "After", "Change"],
            "lrrr",
            [
                [
                    project(c.project, c.name),
                    Cell(fmt.money(c.before, cur)),
                    Cell(fmt.money(c.after, cur)),
                    Cell(_signed_money(c.change, cur)),
                ]
                for c in diff.budget
            ],
        ),
        Section(
            "Risks",
            ["Project", "Risk", "Change", "Exposure (probability × impact)"],
            "llll",
            [
                [project(c.project, c.name), Cell(f"{c.risk} {c.title}"), Cell(c.change), Cell(_exposure(c))]
                for c in diff.risks
            ],
        ),
        Section(
            "Change requests",
            ["Project", "Change request", "Change", "Decision", "Cost", "Schedule"],
            "llllrr",
            [
                [
                    project(c.project, c.name),
                    Cell(f"{c.id} {c.title}"),
                    Cell(c.change),
                    Cell(arrow(c.decision_before, c.decision_after) if c.change == "decided" else str(_decision(c))),
                    Cell(fmt.money(c.cost, cur)),
                    Cell(fmt.days(c.schedule_days)),
                ]
                for c in diff.change_requests
            ],
        ),
        *finding_sections(diff, project),
    ]
    return [s for s in out if s.rows]


_OPENED, _CLOSED = ("added", "reopened"), ("resolved", "waived")


def finding_sections(diff: Diff, project: Any) -> list[Section]:
    """The governance findings the change opened, then those it resolved or waived; `project` makes a project's
    name cell."""

    def about(c: FindingChange) -> Cell:
        if c.entity_type == "project":
            return project(c.entity, c.name)
        return Cell(f"{c.name} ({c.entity_type})")

    def finding(c: FindingChange) -> Cell:
        return Cell(c.message) if not c.why else Cell(f"{c.message}; {c.why}", lines=(c.message, c.why))

    return [
        Section(
            "Governance findings added",
            ["Severity", "Rule", "About", "Finding", "What would fix it"],
            "lllll",
            [
                [Cell(c.severity), Cell(c.rule, code=True), about(c), finding(c), Cell(c.fix)]
                for c in diff.findings
                if c.change in _OPENED
            ],
        ),
        Section(
            "Governance findings resolved or waived",
            ["Severity", "Rule", "About", "Finding", "How"],
            "lllll",
            [
                [Cell(c.severity), Cell(c.rule, code=True), about(c), Cell(c.message), Cell(c.why)]
                for c in diff.findings
                if c.change in _CLOSED
            ],
        ),
    ]


def findings_summary(diff: Diff) -> str:
    """How many governance findings the change opened and closed, by severity; empty when none."""
    opened = [c for c in diff.findings if c.change in _OPENED]
    closed = [c for c in diff.findings if c.change in _CLOSED]
    if not opened and not closed:
        return ""
    waived = sum(c.change == "waived" for c in closed)
    closed_text = f"{len(closed) or 'none'} resolved or waived" + (f" ({waived} waived)" if waived else "")
    return f"Governance findings: {len(opened) or 'none'} added{_by_severity(opened)}, {closed_text}."


def _by_severity(changes: list[FindingChange]) -> str:
    counts = Counter(c.severity for c in changes)
    shown = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in _SEVERITIES if counts[s]]
    return f" ({', '.join(shown)})" if shown else ""


_SEVERITIES = ("error", "warning", "info")


def _time_note(diff: Diff) -> str:
    moved = (
        f"The reporting date moved from {fmt.date(diff.base.as_of)} to {fmt.date(diff.head.as_of)}"
        if diff.base.as_of != diff.head.as_of
        else "The reporting date is the same"
    )
    return (
        f"{moved}; these projects' data and the RAG rules did not. Their RAG is measured at the new date: "
        "planned value grows with time, while earned value and cost wait for the next status report."
    )


def rag_summary(diff: Diff) -> str:
    """How many RAGs changed, and how many of them only because time passed; empty when none did."""
    if not diff.rag:
        return ""
    by_time = sum(c.cause == TIME for c in diff.rag)
    by_data = len(diff.rag) - by_time
    total = f"RAG changed for {len(diff.rag)} {'project' if len(diff.rag) == 1 else 'projects'}"
    if not by_time:
        return f"{total}, in the data."
    if not by_data:
        return f"{total}, {'all ' if by_time > 1 else ''}only because time passed."
    return f"{total}: {by_data} in the data, {by_time} only because time passed."


_PROJECT_WORDS = {"added": "added", "closed": "closed", "cancelled": "cancelled", "removed": "removed from the data"}


def _phase_text(c: ProjectChange) -> str:
    if c.phase_before and c.phase_after:
        return f"{fmt.phase(c.phase_before)} → {fmt.phase(c.phase_after)}"
    return fmt.phase(c.phase_after or c.phase_before or "")


def _rag_text(value: str | None) -> str:
    return value.capitalize() if value else "none"


def _date_text(c: DateChange) -> str:
    what = f"Milestone “{c.date}”" if c.milestone else "Finish"
    return f"{what} ({c.kind})"


def _signed_money(value: float | None, currency: str) -> str:
    return ("+" if value is not None and value > 0 else "") + fmt.money(value, currency)


def _exposure(c: RiskChange) -> str:
    def state(s: RiskState) -> str:
        return f"{s.exposure} ({s.probability} × {s.impact})"

    if c.before and c.after and c.change == "re-scored":
        return f"{state(c.before)} → {state(c.after)}"
    shown = c.after or c.before
    return state(shown) if shown else fmt.NA


def _decision(c: ChangeRequestChange) -> str:
    return c.decision_after or c.decision_before or ""


def summary(diff: Diff, label: Any = str) -> str:
    """One sentence: what was compared, and how many projects each side has; `label` makes a label inert."""
    return (
        f"From {label(diff.base.label)} (as of {fmt.date(diff.base.as_of)}, {diff.base.projects} projects) "
        f"to {label(diff.head.label)} (as of {fmt.date(diff.head.as_of)}, {diff.head.projects} projects)."
    )


# --- the command's output -----------------------------------------------------------------------------------------

# The characters that make markup, links, HTML or entities in running text or a table cell; a backslash makes
# each literal (CommonMark allows it before any ASCII punctuation). Newlines would end a table row.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")


def markdown_text(value: str) -> str:
    """Data text made literal for Markdown (a PR's job summary renders it): no links, markup or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def to_markdown(diff: Diff) -> str:
    lines = [f"# Changes from {markdown_text(diff.base.label)} to {markdown_text(diff.head.label)}", ""]
    lines += [summary(diff, markdown_text), ""]
    if diff.empty:
        return "\n".join(
            [*lines, "No changes to projects, dates, budgets, risks, change requests or governance findings.", ""]
        )
    if diff.rag:
        lines += [rag_summary(diff), ""]
    if diff.findings:
        lines += [findings_summary(diff), ""]
    for s in sections(diff):
        lines += [f"## {s.title}", ""]
        if s.note:
            lines += [s.note, ""]
        lines.append("| " + " | ".join(s.headers) + " |")
        lines.append("|" + "|".join("---:" if a == "r" else "---" for a in s.align) + "|")
        for row in s.rows:
            lines.append("| " + " | ".join(_markdown_cell(c) for c in row) + " |")
        lines.append("")
    return "\n".join(lines)


def _markdown_cell(cell: Cell) -> str:
    if cell.code:
        return f"`{cell.text}`"  # ids are lowercase letters, digits and hyphens: nothing to escape
    return markdown_text(cell.text)


def to_data(diff: Diff) -> dict[str, Any]:
    """The diff as JSON-ready data: the same lists, dates as ISO strings."""

    def convert(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return {**convert(dataclasses.asdict(diff)), "empty": diff.empty}
