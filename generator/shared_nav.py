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
{%- set pmo_key = pmo_nav_key(page, "NAME") -%}
{%- if pmo_key and pmo_key in pmo_nav_cache -%}{{ pmo_nav_cache[pmo_key] }}{%- else -%}
{%- set pmo_html -%}{% include "THEME/NAME" %}{%- endset -%}
{{ pmo_nav_store(pmo_key, pmo_html) }}
{%- endif -%}"""


def share_navigation(env: Environment, nav: Navigation) -> None:
    """Make `env` render the navigation partials once per folder for pages outside `nav`."""
    cache: dict[tuple[str, str], Any] = {}
    in_nav = {page.file.src_uri for page in nav.pages}

    def key(page: Any, partial: str) -> tuple[str, str] | None:
        """A partial's cache key on this page: its folder, when the page is outside the navigation."""
        if not isinstance(page, Page) or page.file.src_uri in in_nav:  # theme templates (404) have no page
            return None
        return partial, posixpath.dirname(page.url.rstrip("/"))

    def store(key: tuple[str, str] | None, html: Any) -> Any:
        if key is not None:
            cache[key] = html
        return html

    stand_ins = {name: _STAND_IN.replace("NAME", name).replace("THEME", _THEME) for name in SHARED}
    original = env.loader
    assert original is not None
    env.loader = ChoiceLoader([DictLoader(stand_ins), PrefixLoader({_THEME: original}), original])
    env.globals.update(pmo_nav_key=key, pmo_nav_cache=cache, pmo_nav_store=store)
