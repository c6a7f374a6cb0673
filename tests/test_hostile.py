"""A hostile portfolio builds into inert pages: no script, handler, dangerous URL, outline or comment from data."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.handbook.glossary import ABBREVIATIONS

from .conftest import ROOT
from .hostile import WITHHELD_IN, tooltip_payload, write_hostile_portfolio
from .pagefind import fragments

DANGEROUS_URL = re.compile(r"^(javascript|data|vbscript):")
FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "img", "base"}


class Page(HTMLParser):
    """What a page would make a browser do: its elements, attributes, scripts, comments and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.json_scripts: list[str] = []  # chart specs: data, never run
        self.comments: list[str] = []
        self.text: list[str] = []
        self._in_script = self._json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        self._json = tag == "script" and dict(attrs).get("type") == "application/json"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            (self.json_scripts if self._json else self.scripts).append(data)
        else:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    page.close()
    return page


def problems(markup: str, where: str, theme_svgs: bool = True) -> list[str]:
    page = parse(markup)
    found = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{where}: <{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                url = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                if DANGEROUS_URL.match(url):
                    found.append(f"{where}: <{tag} {name}={value!r}>")
        if tag in FORBIDDEN_TAGS and not (
            theme_svgs
            and tag == "svg"
            and not attrs.keys() - {"xmlns", "viewbox", "class", "width", "height", "fill", "aria-hidden"}
        ):
            found.append(f"{where}: <{tag} {attrs}>")
    found += [f"{where}: script holds data: {s[:80]!r}" for s in page.scripts if "xss-" in s]
    found += [f"{where}: chart data can close its element: {s[:80]!r}" for s in page.json_scripts if "<" in s]
    found += [f"{where}: comment from data: {c[:60]!r}" for c in page.comments if "hidden" in c]
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    data = write_hostile_portfolio(tmp / "portfolio")
    out = tmp / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out), "--audience", "pmo"])
    assert result.exit_code == 0, result.output
    return out


def test_pages_are_inert(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    found = [p for page in pages for p in problems(page.read_text(), page.relative_to(site).as_posix())]
    assert found == []


# Words only the payloads hold: none may reach a title, which the theme's tooltips show as HTML.
PAYLOAD_WORDS = ("xss-", "onerror", "alert(", "<", "config.site_name", "breaker", "passwd", "javascript")


def test_no_title_holds_data_text(site: Path) -> None:
    """Every title on every page is a constant: the theme's, a permanent link's, a glossary tooltip."""
    glossary = {a.tooltip for a in ABBREVIATIONS}
    found = []
    for page in sorted(site.rglob("*.html")):
        for tag, attrs in parse(page.read_text()).tags:
            title = attrs.get("title")
            if title is None:
                continue
            where = f"{page.relative_to(site).as_posix()}: <{tag} title={title[:80]!r}>"
            if any(word in title.lower() for word in PAYLOAD_WORDS):
                found.append(where)
            if tag == "abbr" and title not in glossary:
                found.append(f"{where}: not a glossary tooltip")
            if "lang" in attrs and "xss" in (attrs["lang"] or ""):
                found.append(f"{where}: lang from data")
    assert found == []


def test_a_withheld_reason_and_a_link_title_show_as_text(site: Path) -> None:
    page = parse((site / f"projects/{WITHHELD_IN}/index.html").read_text())
    text = " ".join(page.text)
    assert "Withheld by the source: Org" not in text  # the project's own reason, not the organization's
    assert f"Withheld by the source: {tooltip_payload('withheld')} <script>" in text  # the reason, as text
    assert [a for t, a in page.tags if t == "a" and a.get("href") == "https://example.org"]  # the titled link
    assert all("title" not in a for t, a in page.tags if t == "a" and a.get("href") == "https://example.org")


def test_search_index_holds_the_payloads_as_text(site: Path) -> None:
    """Pagefind keeps a page's words as plain text, the payloads as the characters they are; the search box
    (assets/pmo/search.js) must insert them as text. tests/browser/test_hostile.py shows that none runs."""
    crm = fragments(site)["/projects/crm/"]
    assert crm.title.startswith('Patient CRM <script>alert("xss-script")</script> <img src=x onerror=')
    assert "<svg onload=alert('xss-svg')></svg>" in crm.content
    script = (ROOT / "generator/assets/search.js").read_text()
    # the one HTML parse is of Pagefind's excerpt, into an inert template; the rest is textContent and nodes
    assert re.findall(r"(\w+)\.(?:innerHTML|outerHTML)\s*=", script) == ["parsed"]
    assert 'document.createElement("template")' in script and "insertAdjacentHTML" not in script


def test_payloads_show_as_the_text_they_are(site: Path) -> None:
    page = parse((site / "projects/crm/index.html").read_text())
    text = " ".join(page.text)
    for visible in (
        '<script>alert("xss-script")</script>',
        "{{ config.site_name }}",
        '--8<-- "/etc/passwd"',
        "a | table | breaker",
        "{: onclick=",
    ):
        assert visible in text, visible
    assert "root:x:0:0" not in text  # no snippet include ran


def test_one_outline_per_page(site: Path) -> None:
    for page in ("projects/crm/index.html", "programs/front-door/index.html", "requests/chatbot/index.html"):
        tags = [tag for tag, _ in parse((site / page).read_text()).tags]
        assert tags.count("h1") == 1, page


def test_titles_and_navigation_are_plain_text(site: Path) -> None:
    markup = (site / "projects/crm/index.html").read_text()
    title = re.search(r"<title>(.*?)</title>", markup, re.S)
    assert title and "<script" not in title.group(1) and "&lt;script&gt;" in title.group(1)
    home = parse((site / "index.html").read_text())
    assert '<script>alert("xss-script")</script>' in " ".join(home.text)  # shown as text, in the tables


def test_site_configuration_gives_data_no_way_into_includes_or_templates() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    names = {next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"] + config["plugins"]}
    assert not names & {"pymdownx.snippets", "macros", "md_in_html", "markdown.extensions.md_in_html", "include"}
