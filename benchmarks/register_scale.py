"""What a reader's browser moves and waits for on a large site: page weight, and the register's sort and filter.

    python benchmarks/register_scale.py --site /tmp/site-5000 [--rate 4] [--out results.json]
    python benchmarks/register_scale.py --projects 5000            # writes and builds a demo first (~1 min)

Serves the built site with Python's http.server (no compression, as many intranet servers are configured) and
drives Debian's Chromium with the browser suite's arguments (tests/browser/conftest.py). For the home page, the
register and one project page it counts the bytes of every response of a first visit (an empty cache), split
into the page and the data it fetches, the theme's scripts and styles, the charts' shared scripts (vega.js,
chart-templates.js, charts.js: cached across pages), images, and the search (search/search_index.json and
Material's search worker, which the search part of issue 19 replaces). On the register, with the CPU slowed
`--rate` times (CDP Emulation.setCPUThrottlingRate), it times each sort and filter from the click (or the
typing) to the next frame the browser paints. `register_timings` and `page_weight` take an open Playwright browser, for
benchmarks/browser_scale.py to call.
"""

# ruff: noqa: T201  (a command-line script: printing is its output)
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.browser_scale import serve  # noqa: E402  (the same plain static server)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
SHARED_CHARTS = ("assets/pmo/vega.js", "assets/pmo/chart-templates.js", "assets/pmo/charts.js")
SEARCH_INDEX = "search/search_index.json"
TARGETS = {"project": 400_000, "home": 1_000_000, "register": 1_000_000}  # bytes, issue 19
TARGET_MS = 200  # a sort or a filter of the register, CPU slowed 4 times


def _kind(path: str, content_type: str) -> str:
    if path.endswith(SEARCH_INDEX) or "/assets/javascripts/workers/search" in path or "/lunr/" in path:
        return "search"  # Material's index and its worker: what the search part of issue 19 replaces
    if path.endswith(SHARED_CHARTS):
        return "chart scripts"
    if content_type.startswith("image/") or path.endswith((".svg", ".png", ".ico", ".woff2")):
        return "images"
    if "/assets/" in path and path.endswith((".js", ".css")):
        return "theme"
    return "page and data"


def page_weight(browser: Browser, url: str) -> dict[str, int]:
    """Bytes received on a first visit to `url` (fresh context, nothing cached), by kind (see _kind), until the
    network is idle; "budget" is what the issue counts: the page and its data, the theme's scripts and styles."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, service_workers="block")
    sizes: dict[str, int] = {}

    def record(response: Any) -> None:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            return
        kind = _kind(response.url.split("?")[0], response.headers.get("content-type", ""))
        sizes[kind] = sizes.get(kind, 0) + len(body)

    try:
        page = context.new_page()
        page.on("response", record)
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)
    finally:
        context.close()
    sizes["budget"] = sizes.get("page and data", 0) + sizes.get("theme", 0)
    sizes["all"] = sum(v for k, v in sizes.items() if k != "budget")
    return sizes


_NEXT_FRAME = """async (action) => {
  const start = performance.now();
  action();
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - start;
}"""


def _timed(page: Page, script: str) -> float:
    """Milliseconds from running `script` (a function body acting on the page) to the next painted frame."""
    return float(page.evaluate(f"async () => ({_NEXT_FRAME})(() => {{ {script} }})"))


_TASKS = ("ThreadControllerImpl::RunTask", "RunTask")  # a top-level task of a thread (trace category "toplevel")


def _main_thread_ms(browser: Browser, page: Page, script: str) -> tuple[float, float]:
    """`script` timed to the next frame (wall milliseconds), and the CPU time the page's main thread spent
    meanwhile (the trace's thread time of its top-level tasks: script, style, layout, paint). On a machine
    shared with other work, the wall time counts the waits for a core; the CPU time does not. CPU throttling
    stretches the wall time only, so the CPU time is measured unthrottled and multiplied by the rate."""
    browser.start_tracing(page=page, categories=["toplevel", "devtools.timeline"])
    wall = _timed(page, script)
    events = json.loads(browser.stop_tracing())["traceEvents"]
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    thread_us = sum(
        e.get("tdur", 0)
        for e in events
        if e.get("ph") == "X" and e.get("name") in _TASKS and (e["pid"], e["tid"]) in main
    )
    return wall, thread_us / 1000


def register_timings(browser: Browser, url: str, rate: float = 4, repeat: int = 5) -> dict[str, dict[str, float]]:
    """Each sort and filter of the register at `url` (its address), the median of `repeat` runs: "wall", the
    milliseconds from the action to the next painted frame with the CPU slowed `rate` times (Chromium's CPU
    throttling); "cpu", the main thread's CPU time for it unthrottled, times `rate` (see _main_thread_ms). A sort
    clicks its heading again (up, then down); a filter sets its value and clears it in turn; "show more" adds a
    window each time."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, service_workers="block")
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        session = context.new_cdp_session(page)
        session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        click = "document.querySelector('#pmo-register-table thead th:nth-child({n}) button').click()"
        toggle = (
            "const s = document.querySelector('form.pmo-filters [name={name}]');"
            "s.value = s.value ? '' : {value}; s.dispatchEvent(new Event('{event}', {{bubbles: true}}))"
        )
        program = page.evaluate("document.querySelector('select[name=program] option:nth-child(2)').value")
        steps = {  # "show more" first: every other step starts again from the first window
            "show more": "document.querySelector('#pmo-register-more button').click()",
            "sort by project": click.format(n=1),
            "sort by manager": click.format(n=5),
            "sort by finish": click.format(n=7),
            "sort by budget": click.format(n=9),
            "filter RAG red / all": toggle.format(name="rag", value="'red'", event="change"),
            "filter a program / all": toggle.format(name="program", value=json.dumps(program), event="change"),
            "find 'an' / nothing": toggle.format(name="find", value="'an'", event="input"),
            "find 'an ma' / nothing": toggle.format(name="find", value="'an ma'", event="input"),
        }
        if not page.locator("#pmo-register-more button").count():
            del steps["show more"]  # a register that fits in one window
        timings: dict[str, dict[str, float]] = {}
        for name, script in steps.items():
            walls = sorted(_timed(page, script) for _ in range(repeat))
            timings[name] = {"wall": round(walls[len(walls) // 2], 1)}
        session.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        page.goto(url, wait_until="networkidle")  # the address as given: the toggles left a filter in it
        for name, script in steps.items():
            cpus = sorted(_main_thread_ms(browser, page, script)[1] for _ in range(repeat))
            timings[name]["cpu"] = round(cpus[len(cpus) // 2] * rate, 1)
        return timings
    finally:
        context.close()


def first_project(root: Path) -> str:
    data = json.loads((root / "projects" / "register-rows.json").read_text("utf-8"))
    return f"/projects/{data['rows'][0][0]}/"


def measure(root: Path, rate: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright, serve(root) as address:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            weights = {
                "home": page_weight(browser, address + "/"),
                "register": page_weight(browser, address + "/projects/"),
                "project": page_weight(browser, address + first_project(root)),
            }
            timings = register_timings(browser, address + "/projects/", rate)
        finally:
            browser.close()
    files = {
        name: (root / name).stat().st_size
        for name in ("index.html", "projects/index.html", "roadmap/index.html", "risks/index.html")
        if (root / name).is_file()
    }
    return {"weights": weights, "timings": timings, "rate": rate, "files": files, "load": os.getloadavg()[0]}


def report(results: dict[str, Any]) -> None:
    print(f"{'page':<10}{'budget':>12}{'target':>12}  by kind (bytes)")
    for page, sizes in results["weights"].items():
        kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(sizes.items()) if k not in ("budget",))
        verdict = "ok" if sizes["budget"] < TARGETS[page] else "OVER"
        print(f"{page:<10}{sizes['budget']:>12,}{TARGETS[page]:>12,}  {verdict}; {kinds}")
    rate = results["rate"]
    print(
        f"\nregister, CPU slowed {rate:g}×, median ms (target {TARGET_MS}): wall = from the action to the next frame,"
    )
    print(f"throttled; cpu = the page's main thread's CPU time, unthrottled, × {rate:g}")
    print(f"  {'':<28}{'wall':>8}{'cpu':>8}")
    for name, ms in results["timings"].items():
        verdict = "ok" if ms["cpu"] < TARGET_MS else "OVER"
        print(f"  {name:<28}{ms['wall']:>8.1f}{ms['cpu']:>8.1f}  {verdict}")
    print(f"load average: {results['load']}")
    print("\nfiles on disk:", ", ".join(f"{k} {v:,}" for k, v in results["files"].items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (else --projects builds a demo)")
    parser.add_argument("--projects", type=int, default=5000, help="the demo's size when no --site is given")
    parser.add_argument("--rate", type=float, default=4, help="CPU slowdown for the timings (default 4)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pmo-register-scale-") as scratch:
        site = args.site
        if site is None:
            sys.path.insert(0, str(ROOT))
            from click.testing import CliRunner

            from generator.cli import main as pmo

            data, site = Path(scratch) / "portfolio", Path(scratch) / "site"
            runner = CliRunner()
            for command in (
                ["demo", "--projects", str(args.projects), "--out", str(data)],
                ["build", "--data", str(data), "--out", str(site)],
            ):
                result = runner.invoke(pmo, command)
                if result.exit_code:
                    print(result.output, file=sys.stderr)
                    return 1
        results = measure(site, args.rate)
    report(results)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
