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

BLOCK_START, BLOCK_END = "<!--pmo-->", "<!--/pmo-->"
_BLOCK = re.compile(re.escape(BLOCK_START) + r"\n(.*?)" + re.escape(BLOCK_END), re.S)
_RUN = re.compile(r"(?:" + _BLOCK.pattern + r"\s*)+", re.S)  # blocks with nothing but space between them
# A placeholder is a word, not an HTML comment: Markdown turns it into one cheap paragraph, where a comment
# would go through its HTML-block parser. Data text never reaches the converted Markdown outside a block.
_PLACEHOLDER = re.compile(r"<p>PMOBLOCK(\d+)</p>")


def html_block(html: str) -> str:
    """An HTML block of the page, separated from the Markdown around it by blank lines."""
    return f"\n{BLOCK_START}\n{html.rstrip()}\n{BLOCK_END}\n\n"


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """Replace each run of marked HTML blocks by a numbered placeholder paragraph; return the runs' HTML."""
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append("\n".join(_BLOCK.findall(match.group(0))))
        return f"\n\nPMOBLOCK{len(blocks) - 1}\n\n"

    return _RUN.sub(keep, markdown), blocks


def put_back(html: str, blocks: list[str]) -> str:
    """The converted page with its HTML blocks in place of their placeholders."""
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html) if blocks else html


def unmark(markdown: str) -> str:
    """The page Markdown without block marks, for a source tree other builders read."""
    return markdown.replace(f"{BLOCK_START}\n", "").replace(f"\n{BLOCK_END}", "")


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
            url = "" if resolved == "." else resolved + ("/" if target.endswith("/") else "")
            if url.startswith("../") or url not in site_urls:
                broken.append(target)
    return broken
