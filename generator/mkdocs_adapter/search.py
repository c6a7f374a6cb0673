"""The site's search: a Pagefind index written next to the pages, read in pieces by the browser.

Material's lunr search sent every reader the whole index (5.9 MB at 1,000 projects) and built it in the browser on
every page. Pagefind splits the index into chunks by word and the pages' text into one fragment per page: a search
fetches the chunks of its words and the fragments of the results it shows, nothing before the reader searches.

Each searchable page marks its content `data-pagefind-body`, so pages without the mark (those with `search: exclude`
in their front matter, the 404 page) and every page's navigation stay out. Within the content, what is not words
of the page stays out too: charts (their captions and text alternatives repeat their data in generated sentences,
the same on every project page) and tables of numbers (KPIs, the register, whose rows would make one page match
every project). A table that holds prose columns (risks, lessons) keeps its words.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

from ..errors import PmoError

if TYPE_CHECKING:
    from pathlib import Path

BUNDLE = "pagefind"  # the index's folder in the site, beside the pages: each version of a site has its own
BODY = "data-pagefind-body"
NOT_WORDS = (
    "figure",
    ".headerlink",
    "thead",  # column names, the same on every page, run together into one word each row
    "table[data-pmo-num]:not([data-pmo-prose])",
)
# Pagefind writes its own search interfaces too; the site has its own (assets/pmo/search.js), so they only weigh.
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


class SearchIndexError(PmoError):
    """Pagefind could not index the built site."""


def searchable(html: str) -> str:
    """A page's content marked as what the index holds of it."""
    return f"<div {BODY}>{html}</div>"


def write_index(site_dir: Path) -> None:
    """Index the built site's marked content into site_dir/pagefind (replacing an older index)."""
    from pagefind_bin import get_executable  # the binary ships in the wheel: nothing is downloaded

    bundle = site_dir / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)
    command = [str(get_executable()), "--site", str(site_dir), "--output-subdir", BUNDLE, "--silent"]
    for selector in NOT_WORDS:
        command += ["--exclude-selectors", selector]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(f"Pagefind could not index {site_dir}: {reason[-1] if reason else done.returncode}")
    for name in _UNUSED:
        (bundle / name).unlink(missing_ok=True)
