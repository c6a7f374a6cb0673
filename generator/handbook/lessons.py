"""The lessons-learned library: every lesson of every project, grouped by category, filterable.

Rendered into the handbook's lessons page by the `lessons` marker, so the page's title, introduction and place
in the navigation stay with the handbook. Each category links back to the handbook page it concerns; a
category the mapping does not know is listed under "Other" with its own name.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..pages.urls import TABLES_JS
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, attributes, join, tag
from ..widgets.md import filter_form, heading, link, marked, page_scripts, project_path, table_html
from ..widgets.text import plain

if TYPE_CHECKING:
    from ..data.model import Lesson
    from .context import Context

# category → (title, the handbook page it concerns, as a path in the handbook with an optional anchor)
LESSON_CATEGORIES: dict[str, tuple[str, str]] = {
    "benefits": ("Benefits", "key-tasks.md#benefits"),
    "budget": ("Budget and finance", "key-tasks.md#budget-and-finance"),
    "change-management": ("Business change and communications", "key-tasks.md#communications"),
    "communications": ("Communications", "key-tasks.md#communications"),
    "data-migration": ("Data migration", "lifecycle.md#execution-and-g3-acceptance"),
    "dependencies": ("Dependencies", "raid.md#dependencies"),
    "estimation": ("Estimation and planning", "key-tasks.md#plans"),
    "governance": ("Governance", "governance.md"),
    "integration": ("Integration and handover", "key-tasks.md#integration"),
    "procurement": ("Procurement", "key-tasks.md#procurement"),
    "quality": ("Quality", "key-tasks.md#quality"),
    "resources": ("Resources", "key-tasks.md#resources"),
    "risk": ("Risks and issues", "raid.md#risks"),
    "scope": ("Scope and change", "key-tasks.md#scope-and-change"),
    "security": ("Security and compliance", "compliance.md#security-review-at-the-gates"),
    "stakeholders": ("Stakeholders", "key-tasks.md#stakeholders"),
    "testing": ("Testing", "key-tasks.md#quality"),
    "vendor-management": ("Vendor management", "key-tasks.md#procurement"),
}
OTHER = "other"
_TABLE = "pmo-lessons"


def lessons_library(context: Context, args: dict[str, str]) -> str:
    a, here = context.analysis, context.page
    groups: dict[str, list[tuple[str, Lesson]]] = defaultdict(list)
    for pid in sorted(a.portfolio.projects):
        for lesson in a.project(pid).lessons:
            groups[lesson.category if lesson.category in LESSON_CATEGORIES else OTHER].append((pid, lesson))
    if not groups:
        return html_block(tag("p", tag("em", "No project has recorded a lesson yet.")))
    order = sorted((c for c in groups if c != OTHER), key=lambda c: LESSON_CATEGORIES[c][0])
    order += [OTHER] if OTHER in groups else []
    total = sum(len(entries) for entries in groups.values())
    parts = []
    programs, phases, years = set(), set(), set()
    for category in order:
        title = LESSON_CATEGORIES[category][0] if category in LESSON_CATEGORIES else "Other"
        table_id = f"{_TABLE}-{category}"
        entries = sorted(groups[category], key=lambda e: (-(e[1].date.toordinal() if e[1].date else 0), e[0]))
        rows, attrs = [], []
        for pid, lesson in entries:
            project = a.project(pid)
            year = str(lesson.date.year) if lesson.date else ""
            programs.add(project.program)
            phases.add(project.phase)
            years.add(year)
            text = marked(plain(lesson.lesson), lesson)
            if category == OTHER:
                text = join([tag("strong", plain(lesson.category.replace("-", " ").capitalize()), ":"), " ", text])
            rows.append(
                (
                    text,
                    plain(lesson.recommendation) or "—",
                    link(here, project_path(pid), plain(project.name)),
                    fmt.phase(project.phase),
                    fmt.date(lesson.date),
                )
            )
            attrs.append(
                attributes(
                    data_category=category, data_program=project.program, data_phase=project.phase, data_year=year
                )
            )
        caption = _caption(context, category, len(entries))
        parts.append(heading(plain(title), 2, f"lessons-{category}"))
        parts.append(
            html_block(
                table_html(
                    ["Lesson", "Recommendation", "Project", "Phase", "Date"],
                    rows,
                    "llllr",
                    attributes(
                        id=table_id,
                        data_pmo_sortable=True,
                        data_pmo_lessons=True,
                        data_pmo_heading=f"lessons-{category}",
                    ),
                    attrs,
                    caption=caption,
                )
            )
        )
    program_names = a.portfolio.programs
    choices: dict[str, list[tuple[str, str | Markup]]] = {
        "category": [(c, plain(LESSON_CATEGORIES[c][0]) if c in LESSON_CATEGORIES else "Other") for c in order],
        "program": [(p, plain(program_names[p].name if p in program_names else p)) for p in sorted(programs)],
        "phase": [(p, fmt.phase(p)) for p in sorted(phases)],
        "year": [(y, y) for y in sorted(years, reverse=True) if y],
    }
    tables = " ".join(f"{_TABLE}-{c}" for c in order)
    intro = html_block(
        tag(
            "p",
            f"{total} lesson{'s' if total != 1 else ''} from "
            f"{len({pid for entries in groups.values() for pid, _ in entries})} projects, in {len(order)} categories. "
            "The Find box finds words of the lessons, their projects and their categories.",
        )
    )
    accepted = join((tag("code", c) for c in LESSON_CATEGORIES), ", ")
    known = html_block(
        tag(
            "p",
            "The categories a lesson's ",
            tag("code", "category"),
            " may take: ",
            accepted,
            ". Any other is listed under Other until the PMO adds it to the library.",
        )
    )
    form = filter_form(tables, choices, total, search=True, hint="lesson, project, category")
    return intro + form + "".join(parts) + known + page_scripts(here, TABLES_JS)


def _caption(context: Context, category: str, count: int) -> str | Markup:
    lessons = f"{count} lesson{'s' if count != 1 else ''}"
    if category not in LESSON_CATEGORIES:
        return f"{lessons} in categories the handbook does not list yet."
    title, target = LESSON_CATEGORIES[category]
    if not context.has_page(target):
        return join([f"{lessons} (", tag("code", category), ")."])
    about = context.handbook_link(target, f"the handbook on {title.lower()}")
    return join([f"{lessons} (", tag("code", category), "). See ", about, "."])
