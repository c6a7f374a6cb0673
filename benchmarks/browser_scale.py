"""Where readers wait, measured in Chromium: page weight, search and the register, against today's Material search.

    python benchmarks/browser_scale.py [--sizes 1000 5000] [--repeat 3] [--baseline-ref b7585b2]
                                       [--baseline-site DIR] [--current-site DIR] [--out results.json] [--keep]

For each size it writes a demo portfolio (generator.io.demo, seed 1), builds it twice with `pmo build` in child
processes: with this checkout (the current site) and with the baseline code (git ref b7585b2 by default, checked
out with `git worktree add` into a temporary folder and run with this Python, PYTHONPATH pointing at it), serves
each site with a plain static server (http.server, no compression) and drives Debian's Chromium with the browser
suite's setup (Playwright, headless, the same arguments), a fresh context (empty cache) per figure:

- bytes over the wire (Playwright's response sizes: headers and encoded body) of a first visit to a project page,
  the home page and the register, waiting until no request is in flight for half a second; a project page also
  without images and the charts' shared scripts (cached across pages);
- a search: the bytes of the search engine's files fetched with the page plus everything fetched from focusing
  the search box until the network settles after the first result; and the time from the reader's last keystroke
  (`keyboard.type`) or the paste (`fill`) to the frame that shows the first result, the page opened a moment
  before (its `load` event) as a reader opens a page and searches at once; desktop, and the CPU slowed 4×;
- the register with the CPU slowed 4×: a click on a sort heading, and typing in the Find box, to the frame after
  the table's last change;
- edit-to-reload under `pmo serve`, from benchmarks/serve_reload.py when it exists.

The build time is benchmarks/build_scale.py's. Prints one table per size (rows: figures; columns: baseline,
current, target, verdict) and writes the results as JSON (a temporary path unless --out is given).
"""

# ruff: noqa: T201  (a command-line script: printing is its output)
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from playwright.sync_api import Browser, BrowserContext, Page, Request

ROOT = Path(__file__).resolve().parent.parent
BASELINE_REF = "b7585b2"  # main before issue 19: Material's lunr search
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
SLOW_CPU = 4  # a mid-range phone, as DevTools' "4× slowdown"
TYPE_DELAY_MS = 100  # between keystrokes: a brisk typist
QUIET_MS = 300  # a table is updated once it has not changed for this long
REGISTER_SORT = "article table thead th button"  # the register's sort headings (tables.js)
REGISTER_FIND = "article form input[name=find]"  # its Find box
CHART_SCRIPTS = ("vega", "chart-templates", "charts")  # the charts' shared scripts, cached across pages


# --- the search engines --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    """How to use one search UI: its box (behind `opener` when that is visible), its result items, and the URL
    paths of its own files (index, worker, UI) whose bytes a search costs even when the page fetched them."""

    name: str
    box: str
    result: str
    files: tuple[str, ...]
    opener: str = ""


ENGINES = {
    "material": Engine(
        "Material (lunr)",
        box="input.md-search__input",
        result=".md-search-result__item",
        files=("/search/", "/assets/javascripts/workers/search."),
        opener='label.md-header__button[for="__search"]',
    ),
    "pagefind": Engine(  # pmo's own box over Pagefind (assets/pmo/search.js), else Pagefind's default UI
        "Pagefind",
        box="input.pmo-search__input, input.pagefind-ui__search-input",
        result=".pmo-search__results > li, .pagefind-ui__result",
        files=("/pagefind/", "/assets/pmo/search.js"),
        opener="button.pmo-search__open",
    ),
}


def detect_engine(site: Path) -> str:
    """The search engine a built site carries: a pagefind/ folder is Pagefind, search/search_index.json Material's
    lunr search (Pagefind first: a site moving to it may keep Material's index for a while)."""
    if (site / "pagefind").is_dir():
        return "pagefind"
    if (site / "search" / "search_index.json").is_file():
        return "material"
    raise SystemExit(f"{site}: no search index found (expected pagefind/ or search/search_index.json)")


# --- the figures and their targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One row of the table: a measured value in `unit` ("bytes" or "s"), and the issue's limit when it sets one
    (`strict`: the value must stay under the limit; else at most the limit)."""

    key: str
    label: str
    unit: str
    limit: float | None = None
    strict: bool = True


KB, MB = 1000, 1_000_000
FIGURES = (
    Figure("project_bytes", "project page, first visit", "bytes"),
    Figure("project_own_bytes", "project page, without images and chart scripts", "bytes", 400 * KB),
    Figure("home_bytes", "home page, first visit", "bytes"),
    Figure("home_own_bytes", "home page, without images and chart scripts", "bytes", 1 * MB),
    Figure("register_bytes", "register, first visit", "bytes", 1 * MB),
    Figure("search_bytes", "a search (engine files + from focus to results)", "bytes", 500 * KB, strict=False),
    Figure("search_page_bytes", "  of which search files fetched with the page", "bytes"),
    Figure("type_desktop", "first result after the last keystroke, desktop", "s", 0.3),
    Figure("type_slow", f"first result after the last keystroke, CPU {SLOW_CPU}×", "s", 0.6),
    Figure("paste_desktop", "first result after a paste, desktop", "s", 0.3),
    Figure("paste_slow", f"first result after a paste, CPU {SLOW_CPU}×", "s", 0.6),
    Figure("sort_slow", f"register sort, CPU {SLOW_CPU}×", "s", 0.2),
    Figure("filter_slow", f"register Find, CPU {SLOW_CPU}×", "s", 0.2),
    Figure("reload_project", "preview: project edit to reload (pmo serve)", "s", 1.0, strict=False),
    Figure("reload_handbook", "preview: handbook edit to reload (pmo serve)", "s", 1.0, strict=False),
)


def verdict(figure: Figure, value: float | str | None) -> str:
    """ "met" or "MISSED" against the figure's limit; "" without a limit or without a measured value."""
    if figure.limit is None or not isinstance(value, int | float):
        return ""
    met = value < figure.limit if figure.strict else value <= figure.limit
    return "met" if met else "MISSED"


def show(figure: Figure, value: float | str | None) -> str:
    """A value for the table: bytes in KB or MB, seconds in ms or s, or the reason it was not measured."""
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if figure.unit == "bytes":
        return f"{value / MB:.2f} MB" if value >= MB else f"{value / KB:.0f} KB"
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def target(figure: Figure) -> str:
    if figure.limit is None:
        return ""
    return ("< " if figure.strict else "≤ ") + show(figure, figure.limit)


def cell(figure: Figure, column: dict[str, Any]) -> str:
    """A figure of one site: its value, and the range of its timed runs when there were several (the machine is
    shared: the spread says how far to trust the median)."""
    runs = [v for v in column.get(f"{figure.key}_runs", []) if isinstance(v, int | float)]
    spread = f" ({show(figure, min(runs))}–{show(figure, max(runs))})" if len(runs) > 1 else ""
    return show(figure, column.get(figure.key)) + spread


def table(size: int, columns: dict[str, dict[str, Any]]) -> str:
    """The figures of one portfolio size: a row per figure, a column per site (baseline, current), the target and
    the current site's verdict (the baseline's in brackets when it differs)."""
    names = list(columns)
    head = [f"{size:,} projects", *(f"{n} ({columns[n].get('engine', '?')})" for n in names), "target", "verdict"]
    rows = []
    for figure in FIGURES:
        values = [columns[n].get(figure.key) for n in names]
        verdicts = [verdict(figure, v) for v in values]
        said = verdicts[-1]
        if verdicts[0] and verdicts[0] != said and len(names) > 1:
            said = f"{said} (was {verdicts[0]})" if said else f"(was {verdicts[0]})"
        rows.append([figure.label, *(cell(figure, columns[n]) for n in names), target(figure), said])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(head), *(line(row) for row in rows)])


# --- building and serving the sites ----------------------------------------------------------------------------------


def build(code: Path, data: Path, out: Path) -> None:
    """`pmo build` of `data` into `out` with the code in `code`, in a child process run from there (mkdocs.yml)."""
    env = {**os.environ, "PYTHONPATH": str(code), "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "generator.cli", "build", "--data", str(data), "--out", str(out)]
    done = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"pmo build with the code of {code} failed (exit {done.returncode})")


@contextlib.contextmanager
def checkout(ref: str, folder: Path) -> Iterator[Path]:
    """The baseline code at `ref` in a temporary git worktree, removed afterwards."""
    target_dir = folder / f"baseline-{ref}"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(target_dir), ref], cwd=ROOT, check=True, capture_output=True
    )
    try:
        yield target_dir
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(target_dir)], cwd=ROOT, check=False)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser dropping a connection it no longer needs


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """`root` over plain HTTP on a free local port, as http.server serves it (no compression); yields its URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- in the browser --------------------------------------------------------------------------------------------------

# Installed before the page's own scripts: the time of every input event, and of the frame after each change of
# the watched elements. Times are the page's performance.now(), so no round trip to Python is counted.
PROBE = """
window.__bench = {inputs: [], shown: [], changes: []};
for (const type of ["input", "click"]) {
  addEventListener(type, () => __bench.inputs.push(performance.now()), true);
}
__bench.watch = (selector, list) => {  // selector: an element added that matches; null: any change
  const added = records => records.some(record => [...record.addedNodes].some(node =>
    node.nodeType === 1 && (node.matches(selector) || node.querySelector(selector))));
  new MutationObserver(records => {
    if (selector !== null && !added(records)) return;
    if (list.length && list[list.length - 1] === null) return;  // a frame is already pending
    list.push(null);
    requestAnimationFrame(() => { list[list.length - 1] = performance.now(); });
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
};
"""


class Traffic:
    """The requests of one context, each with the phase it started in (0: page load, 1: after the action)."""

    def __init__(self, context: BrowserContext) -> None:
        self.phase = 0
        self.started: dict[Request, int] = {}
        self.finished: list[Request] = []
        self.pending = 0
        self.last_event = time.monotonic()
        context.on("request", self._started)
        context.on("requestfinished", self._ended)
        context.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        self.started[request] = self.phase
        self.pending += 1
        self.last_event = time.monotonic()

    def _ended(self, request: Request) -> None:
        if request.failure is None:
            self.finished.append(request)
        self.pending -= 1
        self.last_event = time.monotonic()

    def sizes(self, keep: Callable[[int, Request], bool] = lambda phase, request: True) -> int:
        """Bytes over the wire (headers and encoded body) of the finished requests `keep` accepts."""
        total = 0
        for request in self.finished:
            if keep(self.started.get(request, 0), request):
                sizes = request.sizes()
                total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        return total


def settle(page: Page, traffic: Traffic, quiet: float = 0.5, limit: float = 300.0) -> None:
    """Wait until no request is in flight and none has started or ended for `quiet` seconds, up to `limit`."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        if traffic.pending <= 0 and time.monotonic() - traffic.last_event >= quiet:
            return


@dataclass
class Browsing:
    browser: Browser
    url: str
    engine: Engine

    @contextlib.contextmanager
    def page(self, cpu: int = 1) -> Iterator[tuple[Page, Traffic]]:
        """A page in a fresh context (empty cache) at the browser suite's desktop size, with the probe installed
        and the CPU slowed `cpu` times."""
        context = self.browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
        context.set_default_timeout(120_000)
        context.add_init_script(PROBE)
        traffic = Traffic(context)
        page = context.new_page()
        if cpu > 1:
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu})
        try:
            yield page, traffic
        finally:
            context.close()

    def visit_bytes(self, path: str) -> tuple[int, int]:
        """Bytes of a first visit to `path`: all, and without images and the charts' shared scripts."""
        with self.page() as (page, traffic):
            page.goto(self.url + path, wait_until="load")
            settle(page, traffic)
            own = traffic.sizes(lambda _, r: r.resource_type != "image" and not _chart_script(r.url))
            return traffic.sizes(), own

    def search(self, query: str, target_path: str, paste: bool, cpu: int) -> dict[str, Any]:
        """Open the home page, search `query` at once, and time the first result after the last input event."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            return self._search(query, target_path, paste, cpu)
        except PlaywrightError as error:
            return {"seconds": failed(error), "bytes": None, "page_bytes": None}

    def _search(self, query: str, target_path: str, paste: bool, cpu: int) -> dict[str, Any]:
        engine = self.engine
        with self.page(cpu) as (page, traffic):
            page.goto(self.url + "/", wait_until="load")
            page.evaluate("selector => __bench.watch(selector, __bench.shown)", engine.result)
            box = page.locator(engine.box).first
            traffic.phase = 1  # opening the box is part of the search: an engine may load its files then
            if not box.is_visible() and engine.opener and page.locator(engine.opener).first.is_visible():
                page.locator(engine.opener).first.click()
            box.click()
            if paste:
                box.fill(query)
            else:
                page.keyboard.type(query, delay=TYPE_DELAY_MS)
            found = _wait_for_result(page, engine, target_path)
            settle(page, traffic)
            inputs, shown = page.evaluate("[__bench.inputs, __bench.shown]")
            bytes_total = traffic.sizes(lambda phase, r: phase == 1 or _engine_file(engine, r.url))
            bytes_page = traffic.sizes(lambda phase, r: phase == 0 and _engine_file(engine, r.url))
        after = [t for t in shown if t is not None and t > inputs[-1]]
        seconds = (after[0] - inputs[-1]) / 1000 if found and after else f"n/a: no result for {target_path}"
        return {"seconds": seconds, "bytes": bytes_total, "page_bytes": bytes_page}

    def register(self, word: str, cpu: int) -> dict[str, float | str]:
        """The register with the CPU slowed: a click on its first sort heading, then `word` typed in its Find box,
        each timed from the input event to the frame after the table's last change."""
        with self.page(cpu) as (page, traffic):
            page.goto(self.url + "/projects/", wait_until="load")
            settle(page, traffic)
            page.evaluate("() => __bench.watch(null, __bench.changes)")
            heading = page.locator(REGISTER_SORT).first
            find = page.locator(REGISTER_FIND).first

            def type_word() -> None:
                find.click()
                page.keyboard.type(word, delay=TYPE_DELAY_MS)

            return {
                "sort": _changed(page, heading.click) if heading.count() else "n/a: no sort heading",
                "filter": _changed(page, type_word) if find.count() else "n/a: no Find box",
            }


def _changed(page: Page, act: Callable[[], object]) -> float | str:
    """Seconds from the last input event of `act` to the frame after the page's last change (quiet for QUIET_MS)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return _time_change(page, act)
    except PlaywrightError as error:
        return failed(error)


def failed(error: Exception) -> str:
    """A figure not measured, with the first line of the reason (the table shows it instead of a value)."""
    return "n/a: " + str(error).strip().splitlines()[0][:80]


def _time_change(page: Page, act: Callable[[], object]) -> float | str:
    page.evaluate("() => { __bench.changes.length = 0; __bench.inputs.length = 0; }")
    act()
    page.wait_for_function(
        "quiet => { const c = __bench.changes; const last = c[c.length - 1];"
        " return typeof last === 'number' && performance.now() - last > quiet; }",
        arg=QUIET_MS,
        timeout=120_000,
    )
    inputs, changes = page.evaluate("[__bench.inputs, __bench.changes]")
    after = [t for t in changes if t is not None and t > inputs[-1]]
    return (after[-1] - inputs[-1]) / 1000 if after else "n/a: the table did not change"


# Whether a result links to the page (Pagefind may name its index.html): the search found what was typed.
_RESULT_FOR = """([selector, path]) => [...document.querySelectorAll(selector)].some(item =>
  [...item.querySelectorAll("a")].some(a => new URL(a.href).pathname.replace(/index\\.html$/, "") === path))"""


def _wait_for_result(page: Page, engine: Engine, path: str) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_RESULT_FOR, arg=[engine.result, path], timeout=120_000)
    except PlaywrightTimeout:
        return False
    return True


def _chart_script(url: str) -> bool:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.endswith(".js") and name.split(".")[0] in CHART_SCRIPTS


def _engine_file(engine: Engine, url: str) -> bool:
    path = urlsplit(url).path
    return any(part in path for part in engine.files)


# --- one site, one size ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What to look at in a portfolio: a project's page and name (searched), and a word to find in the register."""

    path: str
    name: str
    word: str


def subject(data: Path) -> Subject:
    """The project in the middle of the demo's files, by name: deterministic for a seed."""
    import yaml

    files = sorted((data / "projects").glob("*.yaml"))
    chosen = files[len(files) // 2]
    name = str(yaml.safe_load(chosen.read_text(encoding="utf-8"))["name"])
    return Subject(f"/projects/{chosen.stem}/", name, name.split()[0])


def measure_site(browser: Browser, site: Path, about: Subject, repeat: int) -> dict[str, Any]:
    engine_key = detect_engine(site)
    figures: dict[str, Any] = {"engine": engine_key}
    with serve(site) as url:
        browsing = Browsing(browser, url, ENGINES[engine_key])
        figures["project_bytes"], figures["project_own_bytes"] = browsing.visit_bytes(about.path)
        figures["home_bytes"], figures["home_own_bytes"] = browsing.visit_bytes("/")
        figures["register_bytes"] = browsing.visit_bytes("/projects/")[0]
        for key, paste, cpu in (
            ("type_desktop", False, 1),
            ("type_slow", False, SLOW_CPU),
            ("paste_desktop", True, 1),
            ("paste_slow", True, SLOW_CPU),
        ):
            runs = [browsing.search(about.name, about.path, paste, cpu) for _ in range(repeat)]
            figures[key] = _median(r["seconds"] for r in runs)
            figures[f"{key}_runs"] = [r["seconds"] for r in runs]
            if key == "type_desktop":
                figures["search_bytes"], figures["search_page_bytes"] = runs[0]["bytes"], runs[0]["page_bytes"]
        registers = [browsing.register(about.word, SLOW_CPU) for _ in range(repeat)]
        for key in ("sort", "filter"):
            figures[f"{key}_slow"] = _median(r[key] for r in registers)
            figures[f"{key}_slow_runs"] = [r[key] for r in registers]
    return figures


def _median(values: Any) -> float | str:
    """The median of the measured values; the first reason when none was measured."""
    values = list(values)
    numbers = [v for v in values if isinstance(v, int | float)]
    return statistics.median(numbers) if numbers else values[0]


def preview(size: int, edits: int) -> dict[str, float | str]:
    """Edit-to-reload under `pmo serve` (benchmarks/serve_reload.py, on its own demo of `size` projects): the
    medians over `edits` edits of a project file and of a handbook page. In a process of its own: it drives a
    browser of its own, which Playwright's sync API does not allow beside this one."""
    with tempfile.TemporaryDirectory(prefix="pmo-serve-reload-") as scratch:
        out = Path(scratch) / "reload.json"
        script = ROOT / "benchmarks" / "serve_reload.py"
        command = [sys.executable, str(script), "--projects", str(size), "--edits", str(edits), "--out", str(out)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            reason = f"n/a: serve_reload.py failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
            return dict.fromkeys(("reload_project", "reload_handbook"), reason)
        medians = json.loads(out.read_text(encoding="utf-8"))["median"]
    return {"reload_project": medians["project"], "reload_handbook": medians["handbook"]}


def measure_size(
    browser: Browser, size: int, folder: Path, args: argparse.Namespace, baseline_code: Path | None
) -> dict[str, dict[str, Any]]:
    from generator.io.demo import write_demo

    data = folder / f"demo-{size}"
    if not data.exists():
        write_demo(data, size, seed=args.seed)
    about = subject(data)
    sites: dict[str, Path] = {}
    for name, given, code in (("baseline", args.baseline_site, baseline_code), ("current", args.current_site, ROOT)):
        if given is not None:
            sites[name] = Path(given)
        elif code is not None:
            print(f"{size} projects: building the {name} site ...", file=sys.stderr, flush=True)
            sites[name] = folder / f"{name}-{size}"
            build(code, data, sites[name])
    columns = {}
    for name, site in sites.items():
        print(f"{size} projects: measuring the {name} site ...", file=sys.stderr, flush=True)
        columns[name] = measure_site(browser, site, about, args.repeat)
        columns[name]["site"] = str(site)
    reload_figures = (
        preview(size, args.repeat)
        if size in args.preview_sizes
        else dict.fromkeys(("reload_project", "reload_handbook"), "n/a: not measured at this size (--preview-sizes)")
    )
    columns["current"].update(reload_figures)
    if "baseline" in columns:
        columns["baseline"].update({k: "n/a" for k in reload_figures})
    return columns


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], metavar="N")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the median is reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--preview-sizes", type=int, nargs="*", default=[1000], metavar="N", help="sizes to time pmo serve's reload at"
    )
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git ref of the baseline (default: %(default)s)")
    parser.add_argument(
        "--baseline-site",
        type=Path,
        help="a baseline site built from `pmo demo` of the same size and seed, to reuse (one size only)",
    )
    parser.add_argument(
        "--current-site",
        type=Path,
        help="a current site built from `pmo demo` of the same size and seed, to reuse (one size only)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="measure the current site only")
    parser.add_argument("--out", type=Path, help="JSON results file (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the demo data and the sites")
    args = parser.parse_args(argv)
    if (args.baseline_site or args.current_site) and len(args.sizes) != 1:
        parser.error("--baseline-site and --current-site need a single --sizes value")
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="pmo-browser-bench-"))
    load_before, chromium = os.getloadavg()[0], "unknown"
    results: dict[int, dict[str, dict[str, Any]]] = {}
    try:
        with contextlib.ExitStack() as stack:
            baseline_code = None
            if not args.no_baseline and args.baseline_site is None:
                baseline_code = stack.enter_context(checkout(args.baseline_ref, folder))
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
            chromium = browser.version
            for size in args.sizes:
                results[size] = measure_size(browser, size, folder, args, baseline_code)
                print(table(size, results[size]) + "\n", flush=True)
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    out = args.out or Path(tempfile.mkstemp(prefix="pmo-browser-bench-", suffix=".json")[1])
    report = {
        "date": dt.date.today().isoformat(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "chromium": chromium,
            "load_average": [load_before, os.getloadavg()[0]],  # before and after: a shared machine is noisy
        },
        "baseline_ref": args.baseline_ref,
        "seed": args.seed,
        "repeat": args.repeat,
        "results": results,
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"results: {out}")


def _chromium() -> str:
    for candidate in (os.environ.get("PMO_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("Chromium not found (apt-get install chromium, or set PMO_CHROMIUM)")


if __name__ == "__main__":
    main()
