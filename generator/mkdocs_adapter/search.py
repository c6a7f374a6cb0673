"""Search entries for generated pages, made from the HTML we generated ourselves.

Material's search plugin feeds every page through a pure-Python HTML parser; on table-heavy project pages
that was over a third of a large build. We know this markup (our own tags, entity-escaped text), so a regex
takes the text out instead, and the plugin adds one entry per page to the index Material writes.
Text stays HTML-escaped, as in Material's own entries: the search UI inserts it as HTML.
"""

from __future__ import annotations

import json
import re
from html import escape, unescape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

# What is not words of the page, in one pass (a page has thousands of tags): scripts (chart specs and loaders),
# a heading's permalink, any other tag; and a chart's caption, its text alternative, a generated sentence that
# repeats its data table in words: every project page has the same ones, so they would only make the index
# larger and every search noisier.
_NOT_WORDS = re.compile(
    r'<script\b.*?</script>|<figcaption>.*?</figcaption>|<a class="headerlink"[^>]*>.*?</a>|<[^>]*>', re.S
)


def search_entry(location: str, title: str, html: str) -> dict[str, str]:
    """One index entry for a whole page: its title and the text of its content."""
    text = " ".join(_NOT_WORDS.sub(" ", html).split())
    # our text is escaped character by character (&#58; for ":"); the index wants words, escaped only as HTML
    return {"location": location, "title": title, "text": escape(unescape(text), quote=False)}


def add_to_index(site_dir: Path, entries: list[dict[str, str]]) -> bool:
    """Append entries to the search index Material wrote; False when there is none (search is off)."""
    path = site_dir / "search" / "search_index.json"
    if not entries or not path.is_file():
        return False
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"].extend(entries)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True
