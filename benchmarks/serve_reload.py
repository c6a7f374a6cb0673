"""Edit-to-reload under `pmo serve`: from a file written to the reloaded page in Chromium showing the new text.

    python benchmarks/serve_reload.py [--projects 1000] [--edits 5] [--out results.json]

Run it from anywhere. It writes a demo portfolio (generator.io.demo) and the repository's handbook into a
temporary folder, starts `pmo serve` there in a child process and opens pages in Chromium with the browser
suite's setup (Debian's Chromium or PMO_CHROMIUM, tests/browser/conftest.py's arguments). Each edit is timed
from just before the file is written until the open page, reloaded by MkDocs' script, shows the new text:

- project: a project's name changed in its YAML file, watched on the project's page;
- register: right after that reload, the project register (which waits for the whole site to be rendered
  again) opened and timed from the same write until it lists the new name: what a reader who goes there at
  once waits;
- handbook: a sentence added to methodology/lifecycle.md, watched on its page.

`serve_reload(projects, edits)` returns the figures (seconds per edit, median and max per kind), for
benchmarks/browser_scale.py to print beside its own.
"""

# ruff: noqa: T201  (a command-line script: printing is its output)
from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Page


@contextlib.contextmanager
def serving(folder: Path, log: Path) -> Iterator[str]:
    """`pmo serve` in `folder` (the test suite's launcher), its output in `log`: its address once the site is built."""
    sys.path.insert(0, str(ROOT))
    from tests.test_serve import serving as pmo_serve

    with pmo_serve(folder, log) as base:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/", timeout=5) as response:
                if b"pmo-serve-error" not in response.read():
                    break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"pmo serve did not build the site in 10 minutes; see {log}")
        yield base


def shows(page: Page, text: str) -> bool:
    """Whether the page shows `text` now (False while it is reloading)."""
    from playwright.sync_api import Error

    try:
        return bool(page.evaluate("t => !!document.body && document.body.innerText.includes(t)", text))
    except Error:  # the page is being replaced by its reload
        return False


def wait_for_text(page: Page, text: str, start: float, timeout: float = 120) -> float:
    """Seconds from `start` until the page shows `text`."""
    while time.perf_counter() - start < timeout:
        if shows(page, text):
            return time.perf_counter() - start
        time.sleep(0.005)
    raise RuntimeError(f"{text!r} did not appear on {page.url} within {timeout} s")


def settled(base: str) -> None:
    """Wait until the last rebuild is over: the home page waits for it (a page the fast path never writes first)."""
    with urllib.request.urlopen(f"{base}/", timeout=600) as response:
        response.read()


def edit_to_reload(page: Page, base: str, path: str, file: Path, edit: Any, text: str) -> float:
    """Open the page at `path` once the last rebuild is over, write `edit(file's text)` to `file`, and time until
    the reloaded page shows `text`."""
    settled(base)
    page.goto(f"{base}/{path}")
    page.wait_for_load_state("load")
    time.sleep(0.5)  # the reload script's long poll is open
    new = edit(file.read_text(encoding="utf-8"))
    start = time.perf_counter()
    file.write_text(new, encoding="utf-8")
    return wait_for_text(page, text, start)


def serve_reload(projects: int, edits: int = 5, log: Path | None = None) -> dict[str, Any]:
    """The edit-to-reload figures of `edits` edits of each kind on a demo portfolio of `projects` projects;
    `log` keeps what `pmo serve` printed."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from generator.io.demo import write_demo
    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium, or set PMO_CHROMIUM)")
    seconds: dict[str, list[float]] = {"project": [], "register": [], "handbook": []}
    with tempfile.TemporaryDirectory(prefix="serve-reload-") as scratch:
        folder = Path(scratch)
        write_demo(folder / "portfolio", projects, seed=1)
        shutil.copytree(ROOT / "methodology", folder / "methodology")
        project_files = projects_of(folder)
        project_file = project_files[len(project_files) // 2]
        handbook_file = folder / "methodology" / "lifecycle.md"
        with serving(folder, folder / "serve.log") as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(600_000)  # a page another rebuild holds waits for it (slow on a busy machine)
            for n in range(1, edits + 1):
                name = f"Edited name {n}"
                seconds["project"].append(
                    edit_to_reload(
                        page,
                        base,
                        f"projects/{project_file.stem}/",
                        project_file,
                        lambda t, name=name: renamed(t, name),
                        name,
                    )
                )
                start = time.perf_counter() - seconds["project"][-1]
                page.goto(f"{base}/projects/")
                seconds["register"].append(wait_for_text(page, name, start))
                sentence = f"A sentence added by the benchmark, number {n}."
                seconds["handbook"].append(
                    edit_to_reload(
                        page,
                        base,
                        "handbook/lifecycle/",
                        handbook_file,
                        lambda t, s=sentence: f"{t}\n\n{s}\n",
                        sentence,
                    )
                )
            browser.close()
        if log is not None:
            shutil.copy(folder / "serve.log", log)
    return {
        "projects": projects,
        "edits": edits,
        "seconds": seconds,
        "median": {kind: statistics.median(values) for kind, values in seconds.items()},
        "max": {kind: max(values) for kind, values in seconds.items()},
    }


def projects_of(folder: Path) -> list[Path]:
    return sorted((folder / "portfolio" / "projects").glob("*.yaml"))


def renamed(text: str, name: str) -> str:
    """The project file's text with `name` as the project's name (its first `name:` line)."""
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    lines[index] = f"name: {name}\n"
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--log", type=Path, help="keep what pmo serve printed (its build times) in this file")
    args = parser.parse_args()
    figures = serve_reload(args.projects, args.edits, args.log)
    print(f"pmo serve, {figures['projects']} projects, {figures['edits']} edits of each kind (seconds):")
    for kind, values in figures["seconds"].items():
        each = " ".join(f"{v:.2f}" for v in values)
        print(f"  {kind:9} median {figures['median'][kind]:.2f}  max {figures['max'][kind]:.2f}   ({each})")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
