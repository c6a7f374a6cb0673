"""The generated site as plain data, engine-neutral: pages (src path → Markdown), files to copy, assets and the
navigation. The site stage fills it; the MkDocs adapter hands it to MkDocs and `pmo generate` writes it to disk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class SiteTree:
    """The generated part of the docs tree: src path → Markdown, handbook files to copy, assets."""

    pages: dict[str, str] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    edit_sources: dict[str, Path] = field(default_factory=dict)  # src path → the data file behind it
    # The handbook's pages, Markdown like hand-written ones, whose generated parts are few: one without pmo's
    # blocks goes through MkDocs as it is (the plugin sets nothing aside). The name is from Material's search.
    theme_search: set[str] = field(default_factory=set)
    nav: list[Any] = field(default_factory=list)
    # What changed since the previous version, in plain sentences: the entry of a published version in the change
    # feed (mkdocs_adapter/change_feed.py); the first version's says it is the first.
    change_summary: list[str] = field(default_factory=list)

    def paths(self) -> list[str]:
        return sorted({*self.pages, *self.copies, *self.assets})
