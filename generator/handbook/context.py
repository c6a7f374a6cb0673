"""What a handbook marker's renderer may use (`Context`), and the names the handbook's modules share: kept apart
from the module that expands the markers (book), which imports every renderer, so that no renderer imports it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import PmoError
from ..pages.urls import HANDBOOK
from ..widgets.markup import Markup, escape
from ..widgets.md import link

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..pages.tree import SiteTree

__all__ = ["HANDBOOK", "Context", "MarkerError", "download_name"]


class MarkerError(PmoError):
    """A marker's arguments are wrong; the handbook reports it with the file and line."""


@dataclass
class Context:
    """What a marker's renderer may use: the analysis, the page it renders into, and the handbook around it."""

    analysis: Analysis
    tree: SiteTree
    page: str  # the page's path in the site, e.g. "handbook/kpis.md"
    pages: frozenset[str]  # every page of the handbook, as paths in the site
    cache: dict[str, Any] = field(default_factory=dict)  # shared by the markers of one build

    def handbook_link(self, target: str, text: str | Markup) -> Markup:
        """A link to a handbook page given by its path in the handbook ("kpis.md#spi"); only the text when the
        handbook has no such page (the handbook folder is the organization's own and may lack it)."""
        path, _, anchor = target.partition("#")
        site_path = f"{HANDBOOK}/{path}"
        return link(self.page, site_path, text, anchor) if site_path in self.pages else escape(text)

    def has_page(self, target: str) -> bool:
        return f"{HANDBOOK}/{target.partition('#')[0]}" in self.pages


def download_name(name: str) -> str:
    """The published name of a download: a Markdown file would become a page, so it gets a .txt suffix."""
    return f"{name}.txt" if name.endswith(".md") else name
