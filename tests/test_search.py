"""Search entries for generated pages: words as written, escaped only as HTML, one entry per page."""

from __future__ import annotations

import json
from pathlib import Path

from generator.mkdocs_adapter.search import add_to_index, search_entry
from generator.widgets.text import plain


def test_entry_text_is_the_words_not_character_references() -> None:
    name = plain("Oncology & radiotherapy: phase 2 (O'Brien) <b>")
    html = f'<h1 id="x">{name}<a class="headerlink" href="#x">&para;</a></h1><table><tr><td>{name}</td></tr></table>'
    entry = search_entry("projects/onc/", name, html)
    assert entry["text"] == "Oncology &amp; radiotherapy: phase 2 (O'Brien) &lt;b&gt; " * 1 + (
        "Oncology &amp; radiotherapy: phase 2 (O'Brien) &lt;b&gt;"
    )
    assert "¶" not in entry["text"] and entry["location"] == "projects/onc/"


def test_entries_join_the_index_material_wrote(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_text(json.dumps({"config": {}, "docs": [{"location": ""}]}))
    assert add_to_index(tmp_path, [{"location": "projects/a/", "title": "A", "text": "a"}])
    docs = json.loads((tmp_path / "search/search_index.json").read_text())["docs"]
    assert [d["location"] for d in docs] == ["", "projects/a/"]
    assert not add_to_index(tmp_path / "nowhere", [{"location": "x", "title": "", "text": ""}])


def test_chart_specs_and_scripts_are_not_indexed() -> None:
    html = '<p>Words</p><script type="application/json">{"title": "spec"}</script><script src="x.js"></script>'
    assert search_entry("p/", "P", html)["text"] == "Words"


def test_chart_captions_are_not_indexed() -> None:
    html = '<p>Words</p><figure><div aria-label="Cumulative"></div><figcaption>Cumulative PV</figcaption></figure>'
    assert search_entry("p/", "P", html)["text"] == "Words"
