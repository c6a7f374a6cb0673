"""Marked HTML blocks in generated Markdown.

Generated tables and sanitized text are HTML blocks. They are marked so the plugin can set them aside while
MkDocs converts the Markdown around them and put them back afterwards: otherwise every table is parsed three
times by pure-Python HTML parsers (MkDocs' anchor scan, Markdown's block stash, the search index), which made
them the slowest part of a large build. Data text can never contain the marks: plain() and the sanitizer
escape or drop every "<".
"""

from __future__ import annotations

import posixpath
import re
from html import unescape
from typing import TYPE_CHECKING, Any

from markdown.extensions.toc import nest_toc_tokens, slugify

from .markup import to_html

if TYPE_CHECKING:
    from collections.abc import Callable

BLOCK_START, BLOCK_END = "<!--pmo-->", "<!--/pmo-->"
_START = BLOCK_START + "\n"
# A placeholder is a word, not an HTML comment: Markdown turns it into one cheap paragraph, where a comment
# would go through its HTML-block parser. Data text never reaches the converted Markdown outside a block.
_PLACEHOLDER = re.compile(r"<p>PMOBLOCK(\d+)</p>")


def html_block(html: str) -> str:
    """An HTML block of the page, separated from the Markdown around it by blank lines; text that is not
    Markup (generator.widgets.markup) is escaped."""
    return f"\n{BLOCK_START}\n{str.rstrip(to_html(html))}\n{BLOCK_END}\n\n"


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """Replace each run of marked HTML blocks (blocks with only space between them) by a numbered placeholder
    paragraph, the run swallowing the space after it; return the runs' HTML.

    str.find rather than a regex: a lazy regex steps through every character of a 40 KB page in Python's
    regex engine, which cost a quarter of a second at a thousand projects."""
    text: list[str] = []
    blocks: list[str] = []
    run: list[str] = []
    pos = 0
    while (start := markdown.find(_START, pos)) >= 0 and (end := markdown.find(BLOCK_END, start + len(_START))) >= 0:
        gap = markdown[pos:start]
        if run and gap.strip():  # text after the run: it ends here
            text.append(_placeholder(run, blocks))
            run, gap = [], gap.lstrip()
        if not run:
            text.append(gap)
        run.append(markdown[start + len(_START) : end])
        pos = end + len(BLOCK_END)
    rest = markdown[pos:]
    if run:
        text.append(_placeholder(run, blocks))
        rest = rest.lstrip()
    text.append(rest)
    return "".join(text), blocks


def map_blocks(markdown: str, change: Callable[[str], str]) -> str:
    """The page with `change` applied to the HTML of each marked block; marks and Markdown unchanged."""
    parts: list[str] = []
    pos = 0
    while (start := markdown.find(_START, pos)) >= 0 and (end := markdown.find(BLOCK_END, start + len(_START))) >= 0:
        body = start + len(_START)
        parts += [markdown[pos:body], change(markdown[body:end])]
        pos = end
    parts.append(markdown[pos:])
    return "".join(parts)


def is_heading(html: str) -> bool:
    """Whether a block is a section heading as md.heading writes it (unmark makes it Markdown again)."""
    return _HEADING.fullmatch(html.strip()) is not None


def _placeholder(run: list[str], blocks: list[str]) -> str:
    blocks.append("\n".join(run))
    return f"\n\nPMOBLOCK{len(blocks) - 1}\n\n"


def put_back(html: str, blocks: list[str]) -> str:
    """The converted page with its HTML blocks in place of their placeholders."""
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html) if blocks else html


# A section heading as md.heading writes it, and as Python-Markdown's toc extension writes one (its headerlink
# only with `permalink: true`).
_HEADING = re.compile(r'<h([2-6]) id="([^"]*)"[^>]*>(.*?)(?:<a class="headerlink"[^>]*>.*?</a>)?</h\1>', re.S)
_HEADING_BLOCK = re.compile(re.escape(BLOCK_START) + r"\n" + _HEADING.pattern + r"\n" + re.escape(BLOCK_END), re.S)


def unmark(markdown: str) -> str:
    """The page Markdown without block marks, for a source tree other builders read: section headings become
    Markdown headings again, so that any builder makes the table of contents from them."""
    markdown = _HEADING_BLOCK.sub(_markdown_heading, markdown)
    return markdown.replace(f"{BLOCK_START}\n", "").replace(f"\n{BLOCK_END}", "")


def _markdown_heading(m: re.Match[str]) -> str:
    level, anchor, title = int(m.group(1)), m.group(2), m.group(3)
    own = "" if anchor == slugify(unescape(title), "-") else f" {{ #{anchor} }}"  # attr_list keeps a given id
    return f"{'#' * level} {title}{own}"


def toc_tokens(html: str) -> list[dict[str, Any]]:
    """The table of contents of a page's HTML, as the nested tokens Python-Markdown's toc extension makes."""
    flat = [
        {"level": int(level), "id": anchor, "name": name, "html": name, "data-toc-label": ""}
        for level, anchor, name in _HEADING.findall(html)
    ]
    return nest_toc_tokens(flat)


_ID = re.compile(r'\bid="([^"]+)"')


def anchor_ids(html: str) -> set[str]:
    """The ids of a page's HTML: the anchors a link may point to."""
    return set(_ID.findall(html))


_HREF = re.compile(r'href="([^"#?]*)')
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def broken_links(page_url: str, blocks: list[str], site_urls: set[str]) -> list[str]:
    """Relative links in a page's HTML blocks that reach no page or file of the site.

    MkDocs checks the links of Markdown; these blocks it never sees, so the plugin checks them here."""
    broken = []
    for block in blocks:
        for target in _HREF.findall(block):
            if not target or _EXTERNAL.match(target) or target.startswith("/"):
                continue
            resolved = posixpath.normpath(posixpath.join(page_url, target))
            url = "./" if resolved == "." else resolved + ("/" if target.endswith("/") else "")  # MkDocs' home URL
            if url.startswith("../") or url not in site_urls:
                broken.append(target)
    return broken
