"""The site's search index: Pagefind's, made from each searchable page's content while MkDocs renders the pages,
without charts, tables of numbers or navigation; Material's whole-site lunr index is not written, even when an older
mkdocs.yml still lists its search plugin."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.mkdocs_adapter import search
from generator.mkdocs_adapter.search import SearchIndex, SearchIndexError

from .conftest import MINI, site_config
from .pagefind import fragments

if TYPE_CHECKING:
    from pathlib import Path

PROJECT = """<h1 id="crm">Patient CRM<a class="headerlink" href="#crm">&para;</a></h1>
<p>Managed by Ana Lima; id <code>crm</code>. One CRM for every clinic &amp; ward.</p>
<table data-pmo-num="2"><thead><tr><th>Measure</th><th>Value</th></tr></thead>
<tbody><tr><td>Budgetword</td><td>1,234,567</td></tr></tbody></table>
<table data-pmo-num="3" data-pmo-prose="2"><thead><tr><th>Risk</th><th>Description</th><th>Score</th></tr></thead>
<tbody><tr><td>R1</td><td>Vendor insolvency threatens rollout</td><td>12</td></tr></tbody></table>
<figure class="pmo-figure"><div class="pmo-chart" role="img" aria-label="Chartlabel words"></div>
<img src="x.svg" alt="Alttext words"><figcaption>Captionword cumulative PV</figcaption></figure>
<script>var scriptword = 1;</script>
<dl class="pmo-card"><dt>RAG</dt><dd><span>Red</span></dd><dt>Phase</dt><dd>Execution</dd></dl>"""


def indexed(site: Path, pages: dict[str, str]) -> Path:
    """A built site's folder holding the index of `pages` (URL → content)."""
    index = SearchIndex()
    for url, content in pages.items():
        index.add(url, content)
    index.start(site)
    index.finish()
    return site


def test_the_index_holds_the_words_of_each_page_content(tmp_path: Path) -> None:
    indexed(tmp_path, {"projects/crm/": PROJECT, "": "<h1>Northwind IT portfolio</h1><p>Home words</p>"})
    pages = fragments(tmp_path)
    assert sorted(pages) == ["/", "/projects/crm/"]
    crm = pages["/projects/crm/"]
    assert crm.title == "Patient CRM"
    # adjacent cells stay apart ("RAG Red", not "RAGRed")
    for words in (
        "Managed by Ana Lima",
        "crm",
        "every clinic & ward",
        "Vendor insolvency threatens rollout",
        "RAG Red",
    ):
        assert words in crm.content, words
    # what is not words of the page: a chart (label, alt text, caption), a script, a table of numbers, table
    # headings, a heading's permalink sign
    for noise in (
        "Chartlabel",
        "Alttext",
        "Captionword",
        "scriptword",
        "Budgetword",
        "1,234,567",
        "Measure",
        "¶",
        "RAGRed",
    ):
        assert noise not in crm.content, noise


def test_the_bundle_holds_the_index_and_pagefind_script_alone(tmp_path: Path) -> None:
    indexed(tmp_path, {"projects/crm/": PROJECT})
    bundle = {p.name for p in (tmp_path / "pagefind").iterdir()}
    assert {"pagefind.js", "pagefind-entry.json", "fragment", "index"} <= bundle
    assert not [name for name in bundle if "-ui" in name or "highlight" in name]  # the site has its own search box


def test_an_older_index_is_replaced_and_no_scratch_is_left(tmp_path: Path) -> None:
    (tmp_path / "pagefind/fragment").mkdir(parents=True)
    (tmp_path / "pagefind/fragment/stale.pf_fragment").write_bytes(b"old")
    index = SearchIndex()
    index.add("projects/crm/", PROJECT)
    index.start(tmp_path)
    index.finish()
    assert not (tmp_path / "pagefind/fragment/stale.pf_fragment").exists() and fragments(tmp_path)
    assert not index.scratch.exists()


def test_a_discarded_index_stops_and_leaves_nothing(tmp_path: Path) -> None:
    index = SearchIndex()
    index.add("projects/crm/", PROJECT)
    index.start(tmp_path)
    index.discard()
    assert index.process is not None and index.process.returncode is not None
    assert not index.scratch.exists()


def test_a_failed_index_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    popen = subprocess.Popen

    def failing(command: list[str], **_: object) -> subprocess.Popen[str]:
        script = "import sys; sys.stderr.write('Error: one\\nError: the site folder is unreadable\\n'); sys.exit(1)"
        return popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    index = SearchIndex()
    monkeypatch.setattr(search.subprocess, "Popen", failing)
    with pytest.raises(SearchIndexError) as failure:
        index.start(tmp_path)
        index.finish()
    assert str(failure.value) == (
        "the site's search index could not be written: "
        "Pagefind, which writes it, said: Error: the site folder is unreadable"
    )
    assert failure.value.exit_code == 1 and not index.scratch.exists()


def test_pages_marked_search_exclude_are_not_indexed(tmp_path: Path) -> None:
    """The build gives the index every page but those whose front matter excludes them (the listing pages)."""
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--config", str(site_config(tmp_path)), "--data", str(MINI), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    pages = fragments(out)
    assert {"/projects/crm/", "/programs/front-door/", "/handbook/lifecycle/", "/contributing/"} <= set(pages)
    assert "/capacity/" not in pages and "/roadmap/" not in pages  # front_matter(searchable=False)
    assert "Patient CRM" in pages["/projects/crm/"].title
    assert not [url for url, page in pages.items() if "Skip to content" in page.content]  # no page chrome


def test_an_older_config_with_material_search_builds_without_its_index(tmp_path: Path) -> None:
    """A mkdocs.yml written before pmo had its own search lists Material's plugin and its features: it still
    builds, with Pagefind's index and the pmo search box, and without the whole-site lunr index."""
    config = site_config(
        tmp_path,
        ("plugins:\n", "plugins:\n  - search\n"),
        ("    - content.tabs.link\n", "    - search.suggest\n    - search.highlight\n    - content.tabs.link\n"),
    )
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--data", str(MINI), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "search").exists()
    assert "/projects/crm/" in fragments(out)
    home = (out / "index.html").read_text()
    assert 'class="pmo-search"' in home and "md-search__input" not in home  # one search box: pmo's
