"""The build's shortcuts for large portfolios change no byte of the site.

Project pages skip Python-Markdown (generator.html_page) and share their navigation partials
(generator.shared_nav); a build of the sample portfolio with them and one without must be identical."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator import plugin
from generator.site import NOT_IN_NAV

from .conftest import MINI, site_config
from .test_build import pmo, tree_digest

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from jinja2 import Environment


def _build(out: Path) -> dict[str, str]:
    code, output = pmo("build", "--out", str(out), "--strict")
    assert code == 0, output
    return tree_digest(out)


def test_shortcuts_change_no_byte_of_the_site(tmp_path: Path, in_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    envs: list[Environment] = []
    html_pages: list[str] = []
    share, html_only = plugin.share_navigation, plugin.html_only

    def sharing(env: Environment, nav: Any) -> None:
        share(env, nav)
        envs.append(env)

    def spotting(markdown: str, blocks: list[str]) -> str | None:
        html = html_only(markdown, blocks)
        if html is not None:
            html_pages.append(html)
        return html

    with monkeypatch.context() as patch:
        patch.setattr(plugin, "share_navigation", sharing)
        patch.setattr(plugin, "html_only", spotting)
        fast = _build(tmp_path / "fast")
    with monkeypatch.context() as patch:
        patch.setattr(plugin, "share_navigation", lambda env, nav: None)
        patch.setattr(plugin, "html_only", lambda markdown, blocks: None)
        slow = _build(tmp_path / "slow")

    assert fast == slow
    outside_nav = [uri for uri in fast if uri.startswith(NOT_IN_NAV) and uri.endswith("/index.html")]
    outside_nav = [uri for uri in outside_nav if uri.count("/") == 2]  # not the folders' own index pages
    assert len(html_pages) == len(outside_nav) > 60  # every project, program, objective, team, request page
    cache = envs[0].globals["pmo_nav_cache"]
    assert {("partials/nav.html", "projects"), ("partials/tabs.html", "projects")} <= set(cache)
    assert not any(folder == "" for _, folder in cache)  # pages in the navigation are rendered as usual


def test_html_only_needs_a_page_of_blocks_alone() -> None:
    blocks = ["<p>a</p>\n", "<p>b</p>\n"]
    front = '---\ntitle: "T"\n---\n'
    assert plugin.html_only(f"{front}\n\nPMOBLOCK0\n\nPMOBLOCK1\n\n", blocks) == "<p>a</p>\n\n<p>b</p>\n"
    assert plugin.html_only(f"{front}\nSome *Markdown*.\n\nPMOBLOCK0\n\n", blocks[:1]) is None
    assert plugin.html_only(f"{front}\n", []) is None


def test_links_to_sections_of_html_pages_are_checked(tmp_path: Path) -> None:
    """MkDocs checks a link's anchor against the page it names; an HtmlPage finds its ids on demand."""
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "links.md"
    config = site_config(tmp_path, docs=docs)
    build = ("build", "--config", str(config), "--data", str(MINI), "--out", str(tmp_path / "site"), "--strict")
    page.write_text("# Links\n\n[Milestones of the CRM](projects/crm.md#milestones)\n")
    code, output = pmo(*build)
    assert code == 0, output
    page.write_text("# Links\n\n[Nowhere in the CRM](projects/crm.md#nowhere)\n")
    code, output = pmo(*build)
    assert code == 1
    assert "does not contain an anchor '#nowhere'" in output
