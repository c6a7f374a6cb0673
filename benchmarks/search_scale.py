"""What a reader waits for and downloads to search a built site, in Chromium (the browser suite's setup).

    python benchmarks/search_scale.py NAME=SITE_DIR [NAME=SITE_DIR ...] [--project ID] [--repeat 3]

Each site (a `pmo build` output: pmo's Pagefind search box, or an older build with Material's lunr search) is
served by a plain static server (no compression, as many intranet servers are). For each site, on the desktop
profile and with the CPU slowed four times (Chromium's CPU throttling, as for a mid-range phone), a fresh page
of a project is opened and its transfer counted; then the search box is opened and the project's name pasted
into it, and the time from the paste to the first result on screen is measured, with what the search
transferred. Times are the median of `--repeat` fresh pages; bytes are what crossed the network.
"""

# ruff: noqa: T201  (a command-line script: printing is its output)
from __future__ import annotations

import argparse
import functools
import itertools
import os
import statistics
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
PROFILES = {"desktop": 1, "cpu/4": 4}
STARTS = {"cold": False, "warm": True}

# performance.now() when the query went in, and when the first result showed (both in the page's clock)
_WATCH = """
(selector) => { window.__firstResult = new Promise((done) => {
  const seen = () => document.querySelector(selector);
  new MutationObserver((_, observer) => { if (seen()) { observer.disconnect(); done(performance.now()); } })
    .observe(document.body, { childList: true, subtree: true });
}); }
"""


class Served:
    """What the server sent since the last `take`: bytes of files and their paths (a page's worker fetches too,
    which a page's own DevTools session does not see)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bytes = 0
        self.paths: list[str] = []

    def take(self) -> tuple[int, list[str]]:
        with self.lock:
            taken = self.bytes, self.paths
            self.bytes, self.paths = 0, []
        return taken


class _Counting(SimpleHTTPRequestHandler):
    served: Served

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        size = os.fstat(source.fileno()).st_size
        with self.served.lock:
            self.served.bytes += size
            self.served.paths.append(self.path)
        super().copyfile(source, outputfile)


def measure(page: Page, served: Served, url: str, query: str, rate: int, *, warm: bool) -> dict[str, Any]:
    """Open `url`, open the search box and paste `query`: at once (cold), or once the box has loaded what it
    loads when opened (warm: a reader who opens the box, then types)."""
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    served.take()
    page.goto(url, wait_until="networkidle")
    load_bytes, load_paths = served.take()
    pmo = page.locator("button.pmo-search__open").count() > 0
    result = ".pmo-search__results [role=option]" if pmo else ".md-search-result__item"
    page.evaluate(_WATCH, result)
    if pmo:
        page.locator("button.pmo-search__open").click()
        box = page.locator("input.pmo-search__input")
    else:
        box = page.locator("input.md-search__input")
        if not box.is_visible():
            page.locator('label.md-header__button[for="__search"]').click()
    if warm:
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
    start = page.evaluate("() => performance.now()")
    box.fill(query)  # a paste: one input event
    shown = page.evaluate("() => window.__firstResult")
    page.wait_for_timeout(300)
    search_bytes, search_paths = served.take()
    return {
        "load_kb": load_bytes / 1024,
        "index_on_load": len([p for p in load_paths if "/pagefind/" in p or "search_index" in p]),
        "search_kb": search_bytes / 1024,
        "search_requests": len(search_paths),
        "first_result_ms": shown - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sites", nargs="+", help="NAME=SITE_DIR")
    parser.add_argument("--project", help="the project (its id) searched by name; default: the middle one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, folder in (site.split("=", 1) for site in args.sites):
            root = Path(folder)
            projects = sorted(p.parent.name for p in (root / "projects").glob("*/index.html"))
            project = args.project or projects[len(projects) // 2]
            html = (root / "projects" / project / "index.html").read_text(encoding="utf-8")
            query = html.split("<h1", 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
            served = Served()
            handler = type("Handler", (_Counting,), {"served": served})
            server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            url = f"http://127.0.0.1:{server.server_address[1]}/projects/{project}/"
            for (profile, rate), (start, warm) in itertools.product(PROFILES.items(), STARTS.items()):
                runs = []
                for _ in range(args.repeat):
                    context = browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
                    runs.append(measure(context.new_page(), served, url, query, rate, warm=warm))
                    context.close()
                row = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                print(
                    f"{name:>12} {profile:>7} {start}: page load {row['load_kb']:6.0f} KB"
                    f" (index files {row['index_on_load']:.0f})"
                    f" | search {row['search_kb']:7.0f} KB in {row['search_requests']:3.0f} requests"
                    f" | first result {row['first_result_ms']:6.0f} ms  ({query!r})",
                    flush=True,
                )
            server.shutdown()
        browser.close()


if __name__ == "__main__":
    main()
