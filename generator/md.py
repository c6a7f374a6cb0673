"""Builders for generated pages: front matter, headings, links and tables. Cell text must already be inert.

Tables are written as HTML blocks rather than Markdown tables: MkDocs passes an HTML block through without
running Markdown's inline patterns over every cell, which made table-heavy project pages the slowest part
of a large build. Links in them are therefore site URLs (directory URLs, which the plugin requires) and are
checked by the link test over the built site instead of by MkDocs.
"""

from __future__ import annotations

import posixpath
from html import unescape
from typing import TYPE_CHECKING

from markdown.extensions.toc import slugify

from .blocks import html_block
from .text import attribute

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .model import Entity, Item


def paragraph(html: str) -> str:
    """A paragraph of generated HTML, as a block: Markdown's inline parsing has nothing to do in it."""
    return html_block(f"<p>{html}</p>")


EMPTY = paragraph("<em>None recorded.</em>")


def front_matter(title: str, searchable: bool = True, **meta: str) -> str:
    """YAML front matter with a plain-text title; values are HTML-escaped since themes print them raw.

    Listing pages are not `searchable`: they repeat what the project pages say, and indexing them is a
    large share of a big build."""
    lines = ["---", f'title: "{_yaml_text(title)}"']
    lines += [f'{key}: "{_yaml_text(value)}"' for key, value in meta.items()]
    if not searchable:
        lines += ["search:", "  exclude: true"]
    return "\n".join([*lines, "---", ""]) + "\n"


def _yaml_text(value: str) -> str:
    # attribute() leaves no quote or newline that could end the YAML string; a backslash would start an escape
    return attribute(value).replace("\\", "&#92;")


def project_path(project_id: str) -> str:
    return f"projects/{project_id}.md"


def program_path(program_id: str) -> str:
    return f"programs/{program_id}.md"


def objective_path(objective_id: str) -> str:
    return f"objectives/{objective_id}.md"


def request_path(request_id: str) -> str:
    return f"requests/{request_id}.md"


def team_path(team_id: str) -> str:
    return f"teams/{team_id}.md"


def page_url(src: str) -> str:
    """The directory URL of a page: "projects/crm.md" → "projects/crm/", "projects/index.md" → "projects/"."""
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def href(page: str, target: str, anchor: str = "") -> str:
    """The relative URL from the page at `page` to the page at `target` (both source paths): up to the site
    root, then down (tens of thousands of links per large site: no path arithmetic beyond counting)."""
    up = "../" * page_url(page).count("/")
    return (up + page_url(target) or "./") + (f"#{anchor}" if anchor else "")


def link(page: str, target: str, text: str, anchor: str = "") -> str:
    """An HTML link for table cells and badges; `text` must already be inert."""
    return f'<a href="{href(page, target, anchor)}">{text}</a>'


def md_link(page: str, target: str, text: str) -> str:
    """A Markdown link for prose: MkDocs resolves and checks it."""
    return f"[{text}]({posixpath.relpath(target, posixpath.dirname(page) or '.')})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """An HTML table block; `align` has one letter per column, "r" right-aligns (numbers), "c" centres."""
    rows = list(rows)
    return html_block(table_html(headers, rows, align)) if rows else EMPTY


def table_html(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    align: str = "",
    attrs: str = "",
    row_attrs: Sequence[str] | None = None,
    caption: str = "",
) -> str:
    """The HTML of a table, for use inside another block; `attrs` and `row_attrs` are ready-made (escaped)
    attributes for the table and each row, `caption` inert HTML."""
    width = len(headers)
    rows = list(rows)
    extra = [f" {a}" for a in row_attrs] if row_attrs is not None else [""] * len(rows)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} cells in a table of {width} columns")
    # No class on <table>: Material styles (and makes scrollable) exactly the tables without one. Focusable, so
    # a keyboard can scroll a table wider than the page. Aligned columns are named on the table, not on every
    # cell (pmo.css has a rule per column number): a class per cell was a tenth of a project page. Columns
    # past the numbered rules (a scoring model with many criteria) take the class on each cell instead.
    align = align[:width].ljust(width, "l")
    classes = [""] * min(width, ALIGNED_COLUMNS) + [_CELL_CLASSES.get(a, "") for a in align[ALIGNED_COLUMNS:]]
    if any(classes):
        head = "".join(f"<th{c}>{h}</th>" for h, c in zip(headers, classes, strict=True))
        cells = ("".join(f"<td{c}>{cell}</td>" for cell, c in zip(row, classes, strict=True)) for row in rows)
    else:
        head = "".join(f"<th>{h}</th>" for h in headers)
        cells = (f"<td>{'</td><td>'.join(row)}</td>" for row in rows)
    body = "\n".join(f"<tr{more}>{row}</tr>" for row, more in zip(cells, extra, strict=True))
    named = [
        f'{name}="{columns}"'
        for name, letter in (("data-pmo-num", "r"), ("data-pmo-mid", "c"))
        if (columns := " ".join(str(n) for n, a in enumerate(align[:ALIGNED_COLUMNS], 1) if a == letter))
    ]
    opening = "<table " + " ".join(['tabindex="0"', *named, *([attrs] if attrs else [])]) + ">"
    if caption:
        opening += f"\n<caption>{caption}</caption>"
    return f"{opening}\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


ALIGNED_COLUMNS = 20  # pmo.css aligns columns 1 to 20 by number
_CELL_CLASSES = {"r": ' class="pmo-num"', "c": ' class="pmo-mid"'}


FILTER_LABELS = {"rag": "RAG", "cell": "Heat map cell"}


def filter_form(table_id: str, choices: dict[str, list[tuple[str, str]]], shown: int, search: bool = False) -> str:
    """Lists that filter the rows of table `table_id` (or of several, ids separated by spaces) by their
    data-<name> attributes (tables.js does the work). `choices` maps each name to (value, inert label) pairs;
    `search` adds a box that keeps the rows containing its words."""
    selects = "".join(
        f'<label>{FILTER_LABELS.get(name, name.capitalize())} <select name="{name}">'
        '<option value="">All</option>'
        + "".join(f'<option value="{attribute(value)}">{label}</option>' for value, label in options)
        + "</select></label> "
        for name, options in choices.items()
    )
    if search:
        selects = f'<label>Search <input type="search" name="q" autocomplete="off"></label> {selects}'
    return html_block(
        f'<form class="pmo-filters" data-pmo-filters="{table_id}">{selects}<output>{shown} shown</output></form>'
    )


def page_scripts(page: str, *assets: str) -> str:
    """Script elements loading the site's own `assets` (paths from the site root) on the page at `page`."""
    up = "../" * page_url(page).count("/")
    return html_block("\n".join(f'<script src="{up}{asset}"></script>' for asset in assets))


def facts(headers: tuple[str, str], pairs: Iterable[tuple[str, str]], align: str = "ll") -> str:
    """A two-column table of labelled facts."""
    return table(headers, ((f"<strong>{label}</strong>", value) for label, value in pairs), align)


def pmo_mark(entry: Item | Entity) -> str:
    """Marks, on the pmo site, what the organization-wide site does not show."""
    return ' <span class="pmo-only">pmo only</span>' if entry.visibility == "pmo" else ""


def heading(title: str, level: int = 2, anchor: str | None = None) -> str:
    """A heading (inert text) as an HTML block, written exactly as Python-Markdown's toc extension writes one
    with `permalink: true`. A generated page is then all HTML blocks and MkDocs has no Markdown left to convert
    on it, which was a large share of a big build; the plugin makes the page's table of contents from these
    headings (blocks.toc_tokens). The page's h1 has no id: tables of contents list the sections below it.
    A heading made from data text gets an `anchor` of its own (an id): two names may make the same slug."""
    if level == 1:
        return html_block(f"<h1>{title}</h1>")
    anchor = anchor or slugify(unescape(title), "-")
    return html_block(
        f'<h{level} id="{anchor}">{title}<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a>'
        f"</h{level}>"
    )


def section(title: str, body: str, level: int = 2, anchor: str | None = None) -> str:
    return f"{heading(title, level, anchor)}{body}\n"
