"""Offline: the built site loads nothing from another host, and building it needs no network."""

from __future__ import annotations

import re
import socket
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import MINI, ROOT, site_config
from .test_build import mkdocs_build

# Absolute URLs in the theme's own JavaScript, each fetched only in a case this site never has.
JS_ALLOWED = {
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js": "only for mermaid diagrams; no mermaid fence is configured",
    "https://unpkg.com/resize-observer-polyfill": "only in browsers without ResizeObserver (none current)",
    "https://${e}/api/v4/projects/${encodeURIComponent(t)}": "repository facts, never: pmo's source partial",
    "https://api.github.com/repos/${e}/${t}": "repository facts, never: pmo's source partial",
    "https://api.github.com/users/${e}": "repository facts, never: pmo's source partial",
    "https://vega.github.io/editor/": "vega-embed's 'open in editor' action; charts are embedded with actions off",
    "https://vega.github.io/schema/vega/v6.json": "the $schema label vega-embed writes into a compiled spec",
    # pagefind/pagefind.js: a base for parsing a result's relative URL (`new URL(...)`), never fetched
    "https://example.com${normalized}": "Pagefind parses a relative result URL against it; nothing is fetched",
    "https://example.com${anchored_url}": "Pagefind parses a relative result URL against it; nothing is fetched",
}
RESOURCE_ATTRS = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


class Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        attr = RESOURCE_ATTRS.get(tag)
        if attr and values.get(attr):
            self.urls.append(values[attr] or "")
        if values.get("srcset"):
            self.urls += [part.strip().split(" ")[0] for part in (values["srcset"] or "").split(",")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built with every connection to another host refused."""
    out = tmp_path_factory.mktemp("offline") / "site"
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def local_only(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError(f"network access during the build: {address}")
        return real_connect(self, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        patch.setattr(socket.socket, "connect", local_only)
        patch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(OSError(f"DNS lookup {a[0]}")))
        result = CliRunner().invoke(main, ["build", "--out", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    assert attempts == []
    return out


def test_pages_load_nothing_from_another_host(site: Path) -> None:
    external = []
    for page in site.rglob("*.html"):
        parser = Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        external += [f"{page.relative_to(site)}: {url}" for url in parser.urls if ABSOLUTE.match(url)]
    assert external == []


def test_no_font_or_emoji_cdn(site: Path) -> None:
    home = (site / "index.html").read_text()
    for host in ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "twemoji"):
        assert host not in home


def test_the_sites_own_css_and_js_reach_no_other_host(site: Path) -> None:
    found = set()
    for path in site.rglob("*"):
        if path.suffix == ".css":
            found |= {u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", path.read_text()) if ABSOLUTE.match(u)}
        elif path.suffix == ".js":
            text = path.read_text(encoding="utf-8", errors="replace")
            # URLs the code could load: string literals starting with a scheme or //, in a fetch-like position
            for url in re.findall(r"""["'`](https?://[^"'`\s]+)["'`]""", text):
                host = re.sub(r"^https?://", "", url).split("/")[0]
                # XML namespaces (SVG, the workbook tables.js writes, its Dublin Core properties) and licence notices,
                # never fetched
                if host in {"www.w3.org", "schemas.openxmlformats.org", "purl.org", "www.mozilla.org"}:
                    continue
                found.add(url)
    assert found <= set(JS_ALLOWED), found - set(JS_ALLOWED)


def test_configuration_keeps_the_site_offline() -> None:
    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["theme"]["font"] is False
    assert "repo_url" not in config  # it would work (see below), but the sample repository is nobody's
    assert not any("emoji" in str(e) for e in config["markdown_extensions"])


# --- with repo_url, as the README suggests for history links --------------------------------------------------------

REPO = "https://github.com/example/portfolio"
# Material's repository widget: its script fetches the repository's facts from the host's API on every page.
FETCHES_FACTS = 'data-md-component="source"'


def repo_config(folder: Path) -> Path:
    return site_config(folder, ("site_name:", f"repo_url: {REPO}\nsite_name:"), portfolio=MINI)


def assert_linked_without_facts(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert f'<a href="{REPO}" title="Go to repository" class="md-source">' in html, page
        assert FETCHES_FACTS not in html, page


def test_with_repo_url_the_repository_is_linked_and_no_page_fetches_its_facts(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--config", str(repo_config(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert_linked_without_facts(out)


def test_the_generated_tree_with_repo_url_fetches_no_facts_either(tmp_path: Path) -> None:
    """Plain MkDocs builds the tree with the same partial, from the tree's own theme overrides."""
    tree = tmp_path / "tree"
    result = CliRunner().invoke(main, ["generate", "--config", str(repo_config(tmp_path)), "--out", str(tree)])
    assert result.exit_code == 0, result.output
    build = mkdocs_build("--strict", "-q", cwd=tree)
    assert build.returncode == 0, build.stderr
    assert_linked_without_facts(tree / "site")
