"""Material's navigation, rendered once per folder for the pages outside the navigation.

Every page carries the navigation tabs and the navigation sidebar, rendered by Jinja for each page: with a
thousand project pages that is one of the largest parts of a build. A page that is not in the navigation
(`not_in_nav`) has no active item in it, so its navigation differs from another such page's only through
relative URLs, which depend on the page's folder alone. The plugin renders those partials once per folder
and reuses the HTML (a test compares every page with a build without this).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, DictLoader, PrefixLoader
from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.structure.nav import Navigation

SHARED = ("partials/tabs.html", "partials/nav.html")
_THEME = "pmo-theme"  # the theme's own partials, under a prefix the stand-ins include them by

# Jinja's own include renders the theme's partial, so it sees exactly the context it would have seen.
_STAND_IN = """\
{%- set pmo_key = pmo_nav_key(page, nav, "NAME") -%}
{%- if pmo_key and pmo_key in pmo_nav_cache -%}{{ pmo_nav_cache[pmo_key] }}{%- else -%}
{%- set pmo_html -%}{% include "THEME/NAME" %}{%- endset -%}
{{ pmo_nav_store(pmo_key, pmo_html) }}
{%- endif -%}"""


class _Shared:
    """The cache of one build's environment, and which pages may use it."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], Any] = {}
        self.nav: Navigation | None = None
        self.in_nav: set[int] = set()
        self.urls: list[str] = []

    def key(self, page: Any, nav: Any, partial: str) -> tuple[str, str] | None:
        """A partial's cache key on this page: its folder, when the navigation is the same for every page there.
        It is when the page is outside the navigation (no item is active) and nothing in the navigation lies
        below the page's URL (the relative URLs then depend on the folder alone); not for the home page, whose
        folder is the root itself."""
        if not isinstance(page, Page) or not page.url:
            return None  # theme templates (404) have no page
        if nav is not self.nav:  # the navigation the theme renders, whoever made it
            self.nav, self.in_nav, self.urls = nav, {id(p) for p in nav.pages}, _urls(nav.items)
        if id(page) in self.in_nav or any(url.startswith(page.url) for url in self.urls):
            return None
        return partial, posixpath.dirname(page.url.rstrip("/"))

    def store(self, key: tuple[str, str] | None, html: Any) -> Any:
        if key is not None:
            self.cache[key] = html
        return html


def share_navigation(env: Environment) -> None:
    """Make `env` render the navigation partials once per folder for the pages outside the navigation."""
    shared = _Shared()
    stand_ins = {name: _STAND_IN.replace("NAME", name).replace("THEME", _THEME) for name in SHARED}
    original = env.loader
    assert original is not None
    env.loader = ChoiceLoader([DictLoader(stand_ins), PrefixLoader({_THEME: original}), original])
    env.globals.update(pmo_nav_key=shared.key, pmo_nav_cache=shared.cache, pmo_nav_store=shared.store)


def _urls(items: list[Any]) -> list[str]:
    """The URLs of every page and link of a navigation tree."""
    urls: list[str] = []
    for item in items:
        if getattr(item, "url", None) is not None:
            urls.append(item.url)
        urls += _urls(item.children or [])
    return urls
