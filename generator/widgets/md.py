"""Builders for generated pages: front matter, headings, links and tables. Text is escaped unless it is Markup
(generator.widgets.markup): data text comes as `str` or as `text.plain` / `text.rich` output.

Tables are written as HTML blocks rather than Markdown tables: MkDocs passes an HTML block through without
running Markdown's inline patterns over every cell, which made table-heavy project pages the slowest part
of a large build. Links in them are therefore site URLs (directory URLs, which the plugin requires) and are
checked by the link test over the built site instead of by MkDocs.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from html import unescape
from typing import TYPE_CHECKING

from markdown.extensions.toc import slugify

from .blocks import html_block
from .markup import HTML_SPECIAL, Markup, anchor, attributes, constant, join, tag, to_html, trusted
from .text import attribute

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from ..data.model import Entity, Item

_special = HTML_SPECIAL.search


def paragraph(*content: str | Markup) -> str:
    """A paragraph, as a block: Markdown's inline parsing has nothing to do in it."""
    return html_block(tag("p", *content))


EMPTY = paragraph(tag("em", "None recorded."))


def front_matter(title: str, searchable: bool = True, hide: tuple[str, ...] = (), **meta: str) -> str:
    """YAML front matter with a plain-text title; values are HTML-escaped since themes print them raw.

    Listing pages are not `searchable`: they repeat what the project pages say, and indexing them is a
    large share of a big build. `hide` names parts of Material's layout the page does without ("navigation",
    "toc"), constants of the code."""
    lines = ["---", f'title: "{_yaml_text(title)}"', WIDE_LAYOUT]
    lines += [f'{key}: "{_yaml_text(value)}"' for key, value in meta.items()]
    if hide:
        lines += ["hide:", *(f"  - {part}" for part in hide)]
    if not searchable:
        lines += ["search:", "  exclude: true"]
    return "\n".join([*lines, "---", ""]) + "\n"


# Every page written through front_matter is a portfolio page: the theme override (assets/theme/main.html) loads
# wide.css and layout.js on it, which give its tables the screen's width. Handbook pages keep a reading width.
WIDE_LAYOUT = "pmo_layout: wide"


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


def link(page: str, target: str, text: str | Markup, fragment: str = "") -> Markup:
    """An HTML link for table cells and badges."""
    return anchor(href(page, target, fragment), text)


def md_link(page: str, target: str, text: str) -> str:
    """A Markdown link for prose: MkDocs resolves and checks it."""
    return f"[{text}]({posixpath.relpath(target, posixpath.dirname(page) or '.')})"


NOTHING = Markup("")  # no attributes, no mark


def table(headers: Sequence[str | Markup], rows: Iterable[Sequence[str | Markup]], align: str = "") -> str:
    """An HTML table block; `align` has one letter per column, "r" right-aligns (numbers), "c" centres."""
    rows = list(rows)
    return html_block(table_html(headers, rows, align)) if rows else EMPTY


def table_html(
    headers: Sequence[str | Markup],
    rows: Iterable[Sequence[str | Markup]],
    align: str = "",
    attrs: Markup = NOTHING,
    row_attrs: Sequence[Markup] | None = None,
    caption: str | Markup = "",
) -> Markup:
    """The HTML of a table, for use inside another block; `attrs` and `row_attrs` are attributes for the table
    and each row (markup.attributes), each cell text or Markup."""
    width = len(headers)
    rows = list(rows)
    extra = [to_html(a) for a in row_attrs] if row_attrs is not None else [""] * len(rows)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} cells in a table of {width} columns")
    # No class on <table>: Material styles (and makes scrollable) exactly the tables without one. Focusable, so
    # a keyboard can scroll a table wider than the page. Aligned columns are named on the table, not on every
    # cell (pmo.css has a rule per column number): a class per cell was a tenth of a project page. Columns
    # past the numbered rules (a scoring model with many criteria) take the class on each cell instead.
    # Cells are escaped one by one (to_html: most need nothing) and joined as one string: no Markup per cell.
    align = align[:width].ljust(width, "l")
    classes = [""] * min(width, ALIGNED_COLUMNS) + [_CELL_CLASSES.get(a, "") for a in align[ALIGNED_COLUMNS:]]
    if any(classes):
        head = "".join(f"<th{c}>{to_html(h)}</th>" for h, c in zip(headers, classes, strict=True))
        cells = ("".join(f"<td{c}>{to_html(cell)}</td>" for cell, c in zip(row, classes, strict=True)) for row in rows)
    else:
        head = "".join(f"<th>{h}</th>" for h in map(to_html, headers))
        # to_html inlined for the common cells (Markup, or text with nothing to escape): a call less per cell
        cells = (
            "<td>"
            + "</td><td>".join(
                [c if type(c) is Markup or (type(c) is str and not _special(c)) else to_html(c) for c in row]
            )
            + "</td>"
            for row in rows
        )
    body = "\n".join(f"<tr{more}>{row}</tr>" for row, more in zip(cells, extra, strict=True))
    kinds = _kinds(tuple(map(str, headers[:ALIGNED_COLUMNS])))
    opening = f"{_opening(align[:ALIGNED_COLUMNS], kinds)}{to_html(attrs)}>"
    if caption:
        opening += f"\n{tag('caption', caption)}"
    return trusted(f"{opening}\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")


@lru_cache(maxsize=256)
def _opening(align: str, kinds: str) -> str:
    """The start of a table's opening tag, naming its aligned columns (a few alignments serve every table) and
    the columns its headings say hold tokens or prose (`kinds`, from _kinds)."""
    named = {
        name: columns
        for name, letter, letters in (
            ("data-pmo-num", "r", align),
            ("data-pmo-mid", "c", align),
            ("data-pmo-tok", "t", kinds),
            ("data-pmo-prose", "p", kinds),
        )
        if (columns := " ".join(str(n) for n, a in enumerate(letters, 1) if a == letter))
    }
    return f"<table{attributes(tabindex='0', **named)}"


# Columns named by their heading, for pmo.css and wide.css: an id, a date, a month or a slip is one token that
# never wraps inside ("2026-03-31" would break at its hyphens); long free text gets a column wide enough to read,
# so that a mitigation is a few lines in a wide column rather than many in a narrow one.
TOKEN_HEADINGS = frozenset({
    "Id", "Date", "Month", "Start", "End", "From", "To", "Due", "Submitted", "Finish", "Forecast", "Baseline",
    "Actual", "Slip", "Baseline finish", "Forecast finish", "Until",
})  # fmt: skip
PROSE_HEADINGS = frozenset({
    "Mitigation", "Summary", "Description", "Note", "Why", "Risk", "Issue", "Change", "Decision", "Lesson",
    "Recommendation", "Finding", "Fix", "Reason",
})  # fmt: skip


@lru_cache(maxsize=512)
def _kinds(headers: tuple[str, ...]) -> str:
    """A letter per column: "t" a token column, "p" a prose column, "-" any other (headings as HTML)."""
    return "".join("t" if h in TOKEN_HEADINGS else "p" if h in PROSE_HEADINGS else "-" for h in headers)


ALIGNED_COLUMNS = 20  # pmo.css aligns columns 1 to 20 by number
_CELL_CLASSES = {"r": ' class="pmo-num"', "c": ' class="pmo-mid"'}


FILTER_LABELS = {"rag": "RAG", "cell": "Heat map cell"}


def filter_form(
    table_id: str,
    choices: Mapping[str, Sequence[tuple[str, str | Markup]]],
    shown: int,
    search: bool = False,
    hint: str = "",
) -> str:
    """Lists that filter the rows of table `table_id` (or of several, ids separated by spaces) by their
    data-<name> attributes (tables.js does the work, and keeps the choices in the page's address). `choices`
    maps each name to (value, label) pairs; `search` adds a box that keeps the rows containing its words,
    `hint` says in it what they are matched against."""
    selects = [
        tag(
            "label",
            FILTER_LABELS.get(name, name.capitalize()),
            " ",
            tag(
                "select",
                tag("option", "All", value=""),
                join(tag("option", label, value=value) for value, label in options),
                name=name,
            ),
        )
        for name, options in choices.items()
    ]
    if search:  # not "q": Material's search opens on a page whose address has a q
        box = tag("input", type="search", name="find", autocomplete="off", placeholder=hint or None)
        selects.insert(0, tag("label", "Find ", box))
    controls = join([*selects, ""], " ")
    return html_block(
        tag(
            "form",
            controls,
            tag("output", f"{shown} shown"),
            class_="pmo-filters",
            data_pmo_filters=table_id,
            autocomplete="off",  # the address holds the choices: a reload must not restore older ones
        )
    )


def page_scripts(page: str, *assets: str) -> str:
    """Script elements loading the site's own `assets` (paths from the site root) on the page at `page`, in order,
    once the page is read: the page shows before the charts' megabyte of script is run (the scripts wait for
    the document themselves)."""
    return _scripts("../" * page_url(page).count("/"), assets)


@lru_cache(maxsize=64)
def _scripts(up: str, assets: tuple[str, ...]) -> str:
    return html_block(join((tag("script", src=f"{up}{asset}", defer=True) for asset in assets), "\n"))


def facts(headers: tuple[str, str], pairs: Iterable[tuple[str | Markup, str | Markup]], align: str = "ll") -> str:
    """A two-column table of labelled facts."""
    return table(headers, ((_strong(label), value) for label, value in pairs), align)


@lru_cache(maxsize=512, typed=True)
def _strong(label: str | Markup) -> Markup:
    return tag("strong", label)  # the labels of facts are a few constants: made once each


PMO_ONLY = join([" ", tag("span", "pmo only", class_="pmo-only")])


def pmo_mark(entry: Item | Entity) -> Markup:
    """Marks, on the pmo site, what the organization-wide site does not show."""
    return PMO_ONLY if entry.visibility == "pmo" else NOTHING


def marked(text: str | Markup, entry: Item | Entity) -> Markup:
    """`text` followed by pmo_mark(entry): the text itself, without a new object, in the usual case."""
    html = to_html(text)
    if entry.visibility == "pmo":
        return trusted(html + PMO_ONLY)
    return html if type(html) is Markup else trusted(html)


PERMANENT_LINK, PILCROW = constant("Permanent link"), Markup("&para;")


# Most headings are the same few section titles on every page. typed: a str and a Markup of the same text are
# equal as keys, and only the Markup may be taken as it is.
@lru_cache(maxsize=4096, typed=True)
def heading(title: str | Markup, level: int = 2, anchor: str | None = None) -> str:
    """A heading as an HTML block, written exactly as Python-Markdown's toc extension writes one with
    `permalink: true`. A generated page is then all HTML blocks and MkDocs has no Markdown left to convert
    on it, which was a large share of a big build; the plugin makes the page's table of contents from these
    headings (blocks.toc_tokens). The page's h1 has no id: tables of contents list the sections below it.
    A heading made from data text gets an `anchor` of its own (an id): two names may make the same slug."""
    title = to_html(title)
    if level == 1:
        return html_block(tag("h1", trusted(title)))
    anchor = anchor or slugify(unescape(title), "-")
    return html_block(tag(f"h{level}", trusted(title), _permalink(anchor), id=anchor))


@lru_cache(maxsize=1024)
def _permalink(anchor: str) -> Markup:
    return tag("a", PILCROW, class_="headerlink", href=f"#{anchor}", title=PERMANENT_LINK)


def section(title: str, body: str, level: int = 2, anchor: str | None = None) -> str:
    return f"{heading(title, level, anchor)}{body}\n"
