"""Stage 4, render: a published version's "Changes since <previous version>" page, the same rows as `pmo diff`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..io.diff_report import Cell, rag_summary, sections, summary
from ..widgets import fmt
from ..widgets.markup import Markup, tag
from ..widgets.md import front_matter, heading, link, paragraph, project_path, section, table
from ..widgets.text import plain
from .urls import CHANGES

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..analytics.diff import Diff
    from ..data.validate import Portfolio


@dataclass(frozen=True)
class Baseline:
    """The version a published version is compared with: its name and its data, or why the data is not at hand."""

    version: str  # the previous version's name
    current: str  # the name of the version being built
    portfolio: Portfolio | None
    unavailable: str = ""


@dataclass(frozen=True)
class Changes:
    since: str
    diff: Diff | None
    unavailable: str = ""

    @property
    def title(self) -> str:
        return f"Changes since {self.since}"


def changes_page(a: Analysis, changes: Changes) -> str:
    title = plain(changes.title)
    parts = [front_matter(changes.title), heading(title, 1)]
    diff = changes.diff
    if diff is None:
        parts.append(
            paragraph(
                "What changed since ",
                plain(changes.since),
                " cannot be shown: ",
                plain(changes.unavailable),
                ". The project pages show this version as it is.",
            )
        )
        return "\n".join(parts)
    parts.append(paragraph(summary(diff)))
    if diff.empty:
        parts.append(paragraph("No project, date, budget, risk or change request changed."))
    if diff.rag:
        parts.append(paragraph(rag_summary(diff)))
    for s in sections(diff):
        rows = [[_cell(a, cell) for cell in row] for row in s.rows]
        note = paragraph(s.note) if s.note else ""
        parts.append(section(s.title, note + table(s.headers, rows, s.align)))
    return "\n".join(parts)


def change_summary(a: Analysis, changes: Changes | None) -> list[str]:
    """What changed, in a few plain sentences for the change feed's entry: the comparison's summary, then each
    table of the changes page with its number of rows and the projects it names (five at most)."""
    if changes is None:
        count = len(a.portfolio.projects)
        projects = f"{count} project{'s' if count != 1 else ''}"
        return [f"The first published version: {projects} as of {fmt.date(a.settings.as_of)}."]
    diff = changes.diff
    if diff is None:
        return [f"What changed since {changes.since} cannot be shown: {changes.unavailable}."]
    lines = [summary(diff)]
    if diff.empty:
        lines.append("No project, date, budget, risk or change request changed.")
    if diff.rag:
        lines.append(rag_summary(diff))
    for s in sections(diff):
        names = list(dict.fromkeys(row[0].text for row in s.rows))
        more = f" and {len(names) - SUMMARY_NAMES} more" if len(names) > SUMMARY_NAMES else ""
        lines.append(f"{s.title}: {len(s.rows)} ({', '.join(names[:SUMMARY_NAMES])}{more}).")
    return lines


SUMMARY_NAMES = 5


def _cell(a: Analysis, cell: Cell) -> Markup:
    if cell.rags is not None:  # both badges on one line
        return tag("span", fmt.rag(cell.rags[0]), " → ", fmt.rag(cell.rags[1]), class_="pmo-rag-change")
    if cell.lines:  # a line each, begun as a sentence
        items = (tag("li", plain(line[:1].upper() + line[1:])) for line in cell.lines)
        return tag("ul", *items, class_="pmo-reasons")
    text = plain(cell.text)
    if cell.code:
        return tag("code", text)
    if cell.project is not None and cell.project in a.portfolio.projects:
        return link(CHANGES, project_path(cell.project), text)
    return text
