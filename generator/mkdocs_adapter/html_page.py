"""Generated pages whose whole body is HTML: MkDocs builds them without Python-Markdown.

A project page is one run of generated HTML blocks under its front matter. MkDocs would still set up a
Python-Markdown instance with every configured extension for it (about a millisecond a page, more than the
conversion itself), only to pass a placeholder through. The plugin gives such files an HtmlPage instead:
MkDocs accepts a Page a plugin has set on `File.page`, and this one's render() takes the HTML as it is (unless
another plugin or hook has added Markdown to the page: then it is converted as usual).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import YAML_RE

from ..widgets.blocks import anchor_ids, put_back, toc_tokens

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

_ONLY_PLACEHOLDERS = re.compile(r"\s*(?:PMOBLOCK\d+\s*)*")


def without_front_matter(markdown: str) -> str:
    """A page's Markdown after its front matter, found as MkDocs finds it."""
    found = YAML_RE.match(markdown)
    return markdown[found.end() :] if found else markdown


def html_only(markdown: str, blocks: list[str]) -> str | None:
    """The page's HTML when its Markdown (with blocks set aside) is front matter and placeholders only; None
    when there is Markdown left to convert. set_aside makes such a body one run: one block, one placeholder."""
    if len(blocks) != 1 or not _ONLY_PLACEHOLDERS.fullmatch(without_front_matter(markdown)):
        return None
    return blocks[0]


class HtmlPage(Page):
    """A page whose content is ready-made HTML; its front matter (title, search) is read as usual."""

    def __init__(self, file: File, config: MkDocsConfig, html: str) -> None:
        super().__init__(None, file, config)
        self.html = html
        self._anchor_ids: set[str] | None = None

    def render(self, config: MkDocsConfig, files: Files) -> None:
        html, self.html = self.html, ""  # handed over: a thousand pages' HTML is held once, not twice
        if self.markdown is not None and _ONLY_PLACEHOLDERS.fullmatch(self.markdown):
            self.content = html
            self.links_to_anchors = None  # its links are checked by the plugin (blocks.broken_links)
        else:  # another plugin or hook changed the Markdown: convert it as MkDocs would, the HTML in its place
            super().render(config, files)
            self.content = put_back(self.content or "", [html])
            self._anchor_ids = None  # found again, in the whole page
        self.toc = get_toc(toc_tokens(self.content))  # type: ignore[arg-type]

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
