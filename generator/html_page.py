"""Generated pages whose whole body is HTML: MkDocs builds them without Python-Markdown.

A project page is one run of generated HTML blocks under its front matter. MkDocs would still set up a
Python-Markdown instance with every configured extension for it (about a millisecond a page, more than the
conversion itself), only to pass a placeholder through. The plugin gives such files an HtmlPage instead:
MkDocs accepts a Page a plugin has set on `File.page`, and this one's render() takes the HTML as it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .blocks import anchor_ids, toc_tokens

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_ONLY_PLACEHOLDERS = re.compile(r"\s*(?:PMOBLOCK\d+\s*)*")


def html_only(markdown: str, blocks: list[str]) -> str | None:
    """The page's HTML when its Markdown (with blocks set aside) is front matter and placeholders only, in
    the order set_aside numbers them; None when there is Markdown left to convert."""
    body = _FRONT_MATTER.sub("", markdown, count=1)
    if not blocks or not _ONLY_PLACEHOLDERS.fullmatch(body):
        return None
    return "\n".join(blocks)  # what Python-Markdown's paragraphs with the blocks put back would give


class HtmlPage(Page):
    """A page whose content is ready-made HTML; its front matter (title, search) is read as usual."""

    def __init__(self, file: File, config: MkDocsConfig, html: str) -> None:
        super().__init__(None, file, config)
        self.html = html
        self._anchor_ids: set[str] | None = None

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content, self.html = self.html, ""  # handed over: a thousand pages' HTML is held once, not twice
        self.toc = get_toc(toc_tokens(self.content))  # type: ignore[arg-type]
        self.links_to_anchors = None  # its links are checked by the plugin (blocks.broken_links)

    @property  # type: ignore[override]
    def present_anchor_ids(self) -> set[str] | None:
        """The ids a link to this page may name; found only when a link names one (few pages are linked so)."""
        if self.content is None:
            return None  # not rendered yet, as MkDocs has it
        if self._anchor_ids is None:
            self._anchor_ids = anchor_ids(self.content)
        return self._anchor_ids

    @present_anchor_ids.setter
    def present_anchor_ids(self, ids: set[str] | None) -> None:
        self._anchor_ids = ids
