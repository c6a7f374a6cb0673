"""The site's search index: Pagefind's, written after the build from each searchable page's content, without
charts, tables of numbers or navigation; Material's whole-site lunr index is not written, even when an older
mkdocs.yml still lists its search plugin."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.mkdocs_adapter import search
from generator.mkdocs_adapter.search import SearchIndexError, searchable, write_index

from .conftest import MINI, site_config
from .pagefind import fragments

if TYPE_CHECKING:
    from pathlib import Path

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<nav><a href="/">Navigation words</a></nav><article>{content}</article></body></html>"""

PROJECT = """<h1 id="crm">Patient CRM<a class="headerlink" href="#crm">&para;</a></h1>
<p>Managed by Ana Lima; id <code>crm</code>. One CRM for every clinic &amp; ward.</p>
<table data-pmo-num="2"><thead><tr><th>Measure</th><th>Value</th></tr></thead>
<tbody><tr><td>Budgetword</td><td>1,234,567</td></tr></tbody></table>
<table data-pmo-num="3" data-pmo-prose="2"><thead><tr><th>Risk</th><th>Description</th><th>Score</th></tr></thead>
<tbody><tr><td>R1</td><td>Vendor insolvency threatens rollout</td><td>12</td></tr></tbody></table>
<figure class="pmo-figure"><div class="pmo-chart" role="img" aria-label="Chartlabel words"></div>
<img src="x.svg" alt="Alttext words"><figcaption>Captionword cumulative PV</figcaption></figure>
<script>var scriptword = 1;</script>"""


def site(folder: Path) -> Path:
    """A built site of two pages: one searchable (its content marked), one not."""
    for url, title, content in (
        ("projects/crm", "Patient CRM", searchable(PROJECT)),
        ("capacity", "Capacity", "<h1>Capacity</h1><p>Unmarked listing words</p>"),
    ):
        (folder / url).mkdir(parents=True)
        (folder / url / "index.html").write_text(PAGE.format(title=title, content=content), encoding="utf-8")
    return folder


def test_searchable_marks_the_content_alone() -> None:
    assert searchable("<p>x</p>") == "<div data-pagefind-body><p>x</p></div>"


def test_the_index_holds_the_words_of_marked_content(tmp_path: Path) -> None:
    write_index(site(tmp_path))
    indexed = fragments(tmp_path)
    assert list(indexed) == ["/projects/crm/"]  # the unmarked page is not searchable
    crm = indexed["/projects/crm/"]
    assert crm.title == "Patient CRM"
    for words in ("Managed by Ana Lima", "crm", "every clinic & ward", "Vendor insolvency threatens rollout"):
        assert words in crm.content, words
    # what is not words of the page: the navigation, a chart (label, alt text, caption), a script, a table of
    # numbers, table headings, a heading's permalink sign
    for noise in ("Navigation", "Chartlabel", "Alttext", "Captionword", "scriptword", "Budgetword", "1,234,567"):
        assert noise not in crm.content, noise
    assert "Measure" not in crm.content and "Description" not in crm.content and "¶" not in crm.content


def test_the_bundle_holds_the_index_and_pagefind_script_alone(tmp_path: Path) -> None:
    write_index(site(tmp_path))
    bundle = {p.name for p in (tmp_path / "pagefind").iterdir()}
    assert {"pagefind.js", "pagefind-entry.json", "fragment", "index"} <= bundle
    assert not [name for name in bundle if "-ui" in name or "highlight" in name]  # the site has its own search box


def test_an_older_index_is_replaced(tmp_path: Path) -> None:
    write_index(site(tmp_path))
    stale = tmp_path / "pagefind/fragment/stale.pf_fragment"
    stale.write_bytes(b"old")
    write_index(tmp_path)
    assert not stale.exists() and fragments(tmp_path)


def test_a_failed_index_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, "", "Error: something\nError: the site folder is unreadable\n")

    monkeypatch.setattr(search.subprocess, "run", failing)
    with pytest.raises(SearchIndexError) as failure:
        write_index(tmp_path)
    assert str(failure.value) == f"Pagefind could not index {tmp_path}: Error: the site folder is unreadable"
    assert failure.value.exit_code == 1


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
