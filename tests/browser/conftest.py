"""Browser suite fixtures: built sites served on 127.0.0.1, one Chromium per session, one context per test.

Needs Debian's Chromium (/usr/bin/chromium, or the path in PMO_CHROMIUM), the `playwright` Python package (its
own browser download is never used), axe-core from the npm registry (AXE_CORE_JS, or the default install that
`.ci/run` makes) and, for the Zensical site, `zensical` (the test extra installs it). Without them the tests are
skipped, but when CI is set they fail: CI must not go green on a browser suite that never ran.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.io.demo import write_demo

from ..conftest import ROOT, SAMPLE, unavailable
from ..hostile import write_hostile_portfolio
from .support import VIEWPORTS, Recorder, Site

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, BrowserContext

    from .support import OpenContext

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]
DEFAULT_AXE = Path(os.environ.get("AXE_DIR") or Path.home() / ".cache" / "pmo-axe") / "node_modules/axe-core/axe.min.js"

SCREENSHOTS = pytest.StashKey[Path]()


# --- the tools ----------------------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    """PMO_CHROMIUM when set (and then only it), else Debian's chromium."""
    given = os.environ.get("PMO_CHROMIUM")
    for candidate in [given] if given else [shutil.which("chromium"), "/usr/bin/chromium"]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright; one for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (apt-get install chromium, or set PMO_CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core's script, installed from the npm registry outside the repository and injected from disk."""
    given = os.environ.get("AXE_CORE_JS")
    path = Path(given) if given else DEFAULT_AXE
    if not path.is_file():
        prefix = DEFAULT_AXE.parents[2]
        unavailable(f"axe-core not found at {path} (npm install --prefix {prefix} axe-core@4, or set AXE_CORE_JS)")
    return path


@pytest.fixture(scope="session")
def screenshots(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots and axe reports go: PMO_SCREENSHOTS, or `screenshots` in pytest's base temp folder."""
    given = os.environ.get("PMO_SCREENSHOTS")
    folder = Path(given).resolve() if given else tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    pytestconfig.stash[SCREENSHOTS] = folder
    return folder


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None:
        terminalreporter.write_sep("-", "browser suite")
        terminalreporter.write_line(f"screenshots and axe reports: {folder}")


# --- the sites ----------------------------------------------------------------------------------------------------


def build(data: Path, out: Path, audience: str) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)  # mkdocs.yml, docs/ and methodology/ live there
        result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(out), "--audience", audience])
    assert result.exit_code == 0, result.output
    return out


def zensical_command() -> str | None:
    """The `zensical` of this Python's environment (the test extra installs it), else one on the PATH."""
    return shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")


def zensical_version(command: str) -> str:
    """ "Zensical 0.0.73": the release a failure names, as the Zensical a developer runs may be another."""
    run = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=60, check=False)
    return f"Zensical {run.stdout.strip() or '(version unknown)'}"


def build_with_zensical(data: Path, folder: Path, audience: str) -> Path:
    """`pmo generate` into folder/tree, then `zensical build` there, as a user moving off MkDocs would run them."""
    command = zensical_command()
    if command is None:
        unavailable("zensical is not installed (pip install -e '.[test]')")
    tree = folder / "tree"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(main, ["generate", "--data", str(data), "--out", str(tree), "--audience", audience])
    assert result.exit_code == 0, result.output
    built = subprocess.run([command, "build"], cwd=tree, capture_output=True, text=True, timeout=600, check=False)
    # a failed build fails every test that needs the site, with Zensical's own words on what it could not do
    assert built.returncode == 0, (
        f"{zensical_version(command)} cannot build the `pmo generate` tree:\n{built.stdout}{built.stderr}"
    )
    return tree / "site"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the browser's own events report what matters
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser dropping a connection it no longer needs is not a site problem


def serve(name: str, root: Path) -> Iterator[Site]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve-{name}", daemon=True)
    thread.start()
    try:
        yield Site(name, root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The embedded sample portfolio, built for the organization, served on a free local port."""
    out = build(SAMPLE, tmp_path_factory.mktemp("browser-sample") / "site", "org")
    yield from serve("sample", out)


@pytest.fixture(scope="session")
def sample_pmo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The embedded sample portfolio built for the PMO: its pmo-only projects are listed too."""
    out = build(SAMPLE, tmp_path_factory.mktemp("browser-sample-pmo") / "site", "pmo")
    yield from serve("sample-pmo", out)


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The sample portfolio as `pmo generate` writes it for the organization, built by Zensical instead of MkDocs."""
    out = build_with_zensical(SAMPLE, tmp_path_factory.mktemp("browser-zensical"), "org")
    yield from serve("zensical", out)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The hostile portfolio (a payload in every text field), built for the PMO so every entity is shown."""
    folder = tmp_path_factory.mktemp("browser-hostile")
    data = write_hostile_portfolio(folder / "portfolio")
    out = build(data, folder / "site", "pmo")
    yield from serve("hostile", out)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A 200-project demo portfolio (`pmo demo`), built for the organization: long registers, long ids."""
    folder = tmp_path_factory.mktemp("browser-demo")
    write_demo(folder / "portfolio", 200)
    out = build(folder / "portfolio", folder / "site", "org")
    yield from serve("demo", out)


# --- one context per test -----------------------------------------------------------------------------------------


@pytest.fixture
def new_context(browser: Browser) -> Iterator[OpenContext]:
    """Open a context at a named viewport with a Recorder attached; closed when the test ends."""
    opened: list[BrowserContext] = []

    def open_context(viewport: str = "desktop") -> tuple[BrowserContext, Recorder]:
        context = browser.new_context(**VIEWPORTS[viewport], service_workers="block")
        context.set_default_timeout(15_000)
        recorder = Recorder()
        recorder.attach(context)
        opened.append(context)
        return context, recorder

    yield open_context
    for context in opened:
        context.close()
