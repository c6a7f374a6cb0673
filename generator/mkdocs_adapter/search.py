"""The site's search: a Pagefind index written next to the pages, read in pieces by the browser.

Material's lunr search sent every reader the whole index (6.4 MB at 1,000 projects) and built it in the browser on
every page. Pagefind splits the index into chunks by word and the pages' text into one fragment per page: a search
fetches the chunks of its words and the fragments of the results it shows, nothing before the reader searches.

Pagefind reads HTML files. It is given each searchable page's content alone, written to a scratch folder as MkDocs
converts the page, and runs while MkDocs renders the pages' templates (a second core's work): the navigation
never reaches the index and the build does not wait for it. Pages whose front matter says `search: exclude` are
not given. Within the content, what is not words of the page stays out too: charts (their captions and text
alternatives repeat their data in generated sentences, the same on every project page), tables of numbers (KPIs,
the register, whose rows would make one page match every project) and column headings. A table that holds prose
columns (risks, lessons) keeps its words.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import PmoError

BUNDLE = "pagefind"  # the index's folder in the site, beside the pages: each version of a site has its own
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
    """Pagefind could not index the site."""


def _page(language: str, content: str) -> str:
    return f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"></head><body>{content}</body></html>'


class SearchIndex:
    """The Pagefind index of one build: `add` each searchable page's content, `start` once every page is added
    (writing into the site's folder, which MkDocs has emptied by then), `finish` at the end (or `discard`)."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self.scratch = Path(tempfile.mkdtemp(prefix="pmo-search-"))
        self.pages = self.scratch / "pages"
        self.process: subprocess.Popen[str] | None = None
        self.bundle: Path | None = None  # where the index goes: the site's pagefind/ folder

    def add(self, url: str, content: str) -> None:
        """A page's content, at its directory URL ("projects/crm/", "" for the home page)."""
        folder = self.pages / url
        folder.mkdir(parents=True, exist_ok=True)
        # Pagefind joins the text of adjacent elements as it stands: "RAG" and "Red" in two cells of a summary card
        # would index as "RAGRed". A space between every two tags keeps them apart (the index's copy only).
        (folder / "index.html").write_text(_page(self.language, content.replace("><", "> <")), encoding="utf-8")

    def start(self, site_dir: Path) -> None:
        """Index the pages added into site_dir/pagefind (replacing an older index), in a process of its own."""
        from pagefind_bin import get_executable  # the binary ships in the wheel: nothing is downloaded

        self.bundle = site_dir / BUNDLE
        shutil.rmtree(self.bundle, ignore_errors=True)
        self.pages.mkdir(exist_ok=True)  # a site without a searchable page still gets an (empty) index
        command = [str(get_executable()), "--site", str(self.pages), "--output-path", str(self.bundle)]
        for selector in NOT_WORDS:
            command += ["--exclude-selectors", selector]
        command.append("--silent")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def finish(self) -> None:
        """Wait for the index to be written."""
        assert self.process is not None and self.bundle is not None, "finish() before start()"
        try:
            out, err = self.process.communicate()
            if self.process.returncode != 0:
                lines = (err or out).strip().splitlines()
                said = lines[-1] if lines else f"exit code {self.process.returncode}"
                raise SearchIndexError(
                    f"the site's search index could not be written: Pagefind, which writes it, said: {said}"
                )
            for name in _UNUSED:
                (self.bundle / name).unlink(missing_ok=True)  # a failed index leaves the build failed anyway
        finally:
            self.discard()

    def discard(self) -> None:
        """Stop indexing (a failed build) and remove the scratch folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        shutil.rmtree(self.scratch, ignore_errors=True)
