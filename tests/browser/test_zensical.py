"""The second engine: the tree `pmo generate` writes, built by Zensical instead of MkDocs, is the same site. Same
pages and files, links to the same places, pmo's templates and tooltips applied, charts drawn in Chromium,
Zensical's own search finding a project by its name. A Zensical release that cannot do one of these fails here
with the feature named; none of it is skipped in CI (the fixture fails there when Zensical is missing)."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import zensical_command, zensical_version
from .support import first_project, first_project_name, open_at
from .test_charts import CHART_PAGES, drawn

if TYPE_CHECKING:
    from pathlib import Path

    from .support import OpenContext, Site

# What each engine adds of its own, outside the pages: its theme's scripts and styles (Zensical's in classic/ and
# modern/ variants, Material's with lunr's languages and source maps), its search index (pmo build's Pagefind
# index and search box, Material's search/search_index.json, Zensical's search.json), Material's compressed sitemap,
# and pmo build's marker file.
ENGINE_FILES = re.compile(
    r"assets/(javascripts|stylesheets)/.*|pagefind/.*|assets/pmo/search\.js|search/search_index\.json|search\.json"
    r"|sitemap\.xml\.gz|\.pmo-output"
)
SEARCH_SCRIPT = "/assets/pmo/search.js"  # pmo build's search box; the generated tree keeps the theme's own
# Zensical's skip link targets an anchor of its own (#__skip) that Material's template does not have.
ENGINE_ANCHORS = {"__skip"}

# Features of the generated tree that the site needs from Zensical: (page, what must appear as often as in the
# `pmo build` site, at least once). Each is checked on its own, so a failure names the feature Zensical lacks.
FEATURES = {
    "theme.custom_dir (pmo's main.html: a portfolio page's wide layout)": (
        "projects/index.html",
        r"assets/pmo/wide\.css",
    ),
    "theme.custom_dir (pmo's header: no title on the logo's link)": (
        "index.html",
        r'<a href="[^"]*" class="md-header__button md-logo"',
    ),
    "extra_css (pmo's stylesheet)": ("index.html", r'<link rel="stylesheet" href="[./]*assets/pmo/pmo\.css"'),
    "the abbr extension (tooltips of abbreviations)": ("projects/index.html", r"<abbr title="),
    "the nav of mkdocs.yml (navigation tabs)": ("index.html", r'class="md-tabs__link'),
    # pmo build's header holds pmo's search box; the generated tree's, the theme's (no pmo plugin to index the site)
    "the search plugin (a search box in pmo's header)": ("index.html", r'class="(?:md|pmo)-search"'),
    "raw HTML blocks (the register's table)": ("projects/index.html", r'id="pmo-register-table"'),
    "page titles (a project page's <title>)": ("projects/ehr-upgrade/index.html", r"<title>EHR upgrade"),
}


def version() -> str:
    command = zensical_command()
    assert command is not None  # the zensical_site fixture found it
    return zensical_version(command)


def site_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_zensical_builds_the_same_pages_and_files_as_pmo_build(zensical_site: Site, sample_site: Site) -> None:
    mkdocs_files = {f for f in site_files(sample_site.root) if not ENGINE_FILES.fullmatch(f)}
    zensical_files = {f for f in site_files(zensical_site.root) if not ENGINE_FILES.fullmatch(f)}
    pages = {f for f in mkdocs_files if f.endswith(".html")}
    assert len(pages) > 100, sorted(pages)  # the sample's every page, not an empty site compared to another
    assert not pages - zensical_files, f"{version()} did not build these pages: {sorted(pages - zensical_files)}"
    assert not mkdocs_files - zensical_files, f"missing from {version()}: {sorted(mkdocs_files - zensical_files)}"
    assert not zensical_files - mkdocs_files, f"only in {version()}: {sorted(zensical_files - mkdocs_files)}"


class _Targets(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.targets: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value is not None:
                self.targets[_target(urljoin(self.url, value))] += 1


def _target(url: str) -> str:
    """A link's page and anchor within the site, as a browser resolves it: `index.html` is its folder."""
    parts = urlsplit(url)
    path = parts.path.removesuffix("index.html")
    if parts.netloc != "site" or ENGINE_FILES.fullmatch(path.lstrip("/")) or parts.fragment in ENGINE_ANCHORS:
        return ""
    return path + (f"#{parts.fragment}" if parts.fragment else "")


def link_targets(root: Path, page: str) -> Counter[str]:
    parser = _Targets(f"http://site/{page}")
    parser.feed((root / page).read_text(encoding="utf-8"))
    return Counter({target: n for target, n in parser.targets.items() if target and target != SEARCH_SCRIPT})


def test_every_link_leads_where_it_leads_in_pmo_build(zensical_site: Site, sample_site: Site) -> None:
    # Zensical rewrites the relative links of raw HTML as if from the Markdown file's folder (a project page's
    # ../../programs/x/ becomes ../../../programs/x/, which a browser stops at the root): same target, or not
    differing = {}
    for page in sorted(f for f in site_files(sample_site.root) if f.endswith(".html")):
        expected, found = link_targets(sample_site.root, page), link_targets(zensical_site.root, page)
        if set(expected) != set(found):
            differing[page] = (sorted(set(expected) - set(found))[:5], sorted(set(found) - set(expected))[:5])
    assert not differing, f"{version()}: links that lead elsewhere (pmo build's, Zensical's): {differing}"


@pytest.mark.parametrize("feature", list(FEATURES))
def test_zensical_applies_what_the_generated_tree_asks_for(
    feature: str, zensical_site: Site, sample_site: Site
) -> None:
    page, pattern = FEATURES[feature]
    expected = len(re.findall(pattern, (sample_site.root / page).read_text(encoding="utf-8")))
    found = len(re.findall(pattern, (zensical_site.root / page).read_text(encoding="utf-8")))
    assert expected, f"the check of {feature} finds nothing in pmo build's {page}: fix the pattern"
    assert found == expected, f"{version()} lacks {feature}: {found} in its {page}, {expected} in pmo build's"


@pytest.mark.parametrize("path", ["/", "/roadmap/", "/projects/ehr-upgrade/"])
def test_charts_draw_in_the_zensical_site(path: str, zensical_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, zensical_site, path)
    ids = page.locator(".pmo-chart").evaluate_all("charts => charts.map(c => c.id)")
    assert set(CHART_PAGES[path]) <= set(ids), f"{version()} {path}: charts {ids}"
    for chart_id in ids:
        assert drawn(page, chart_id).locator("svg g.role-mark > *").count(), f"{path} {chart_id}: no mark drawn"
    assert not recorder.problems(), "\n".join(recorder.problems())


def test_zensical_search_finds_a_project_by_its_name(zensical_site: Site, new_context: OpenContext) -> None:
    from playwright.sync_api import expect

    name, path = first_project_name(zensical_site.root), first_project(zensical_site.root)
    page, recorder = open_at(new_context, zensical_site, "/")
    # Zensical's search is its own dialog (in a shadow root, found by its ARIA roles), opened by the header's button
    button = page.locator(".md-search__button")
    expect(button, f"{version()}: no search button in the header").to_be_visible()
    button.click()
    box = page.get_by_role("combobox", name="Search")
    expect(box).to_be_focused()
    box.press_sequentially(name, delay=10)
    results = page.get_by_role("listbox", name="Search results").get_by_role("option")
    message = f"{version()}: searching {name!r} does not show {path} first"
    expect(results.first, message).to_have_attribute("href", re.compile(re.escape(path) + r"(\?|#|$)"))
    assert not recorder.problems(), "\n".join(recorder.problems())
