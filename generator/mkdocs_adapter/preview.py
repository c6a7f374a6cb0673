"""`pmo serve`: MkDocs' live preview, which keeps showing the last good site when a build fails and says why
in the browser as well as in the terminal.

MkDocs' own `serve` cleans its one site folder before each build, and after a failed rebuild it holds every
request until a build succeeds: the browser hangs, the reason is only in the terminal. Here a whole build goes
to a folder of its own, served only once it is complete; after it, a rebuild writes only the pages whose source
changed into the folder served (serve_state.py), once the data has been read and validated. A failed build leaves
the last good site served, and every page of it gets a banner listing the problems; before any build succeeded,
every address answers with a page listing them. Both reload by themselves when the files are fixed.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import posixpath
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.livereload import LiveReloadServer

from ..errors import ConfigurationError, PmoError, PortfolioError, visible
from ..widgets.markup import tag
from ..widgets.md import page_url
from .build import pmo_plugin
from .serve_state import ServeState

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.commands.serve")

_BANNER_STYLE = (
    "position:fixed;left:0;right:0;top:0;z-index:10000;max-height:60vh;overflow:auto;box-sizing:border-box;"
    "padding:.75rem 1.25rem;background:#fff4f4;color:#4a0000;border-bottom:4px solid #c62828;"
    "font:15px/1.45 system-ui,sans-serif;box-shadow:0 4px 12px rgba(0,0,0,.25)"
)
_LIST_STYLE = "margin:.5rem 0 0;white-space:pre-wrap;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace"


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, with the reason of the last failed build on every page it serves."""

    failure: list[str] | None = None  # the problems of the last build, when it failed
    built = False  # whether any build succeeded: `root` holds a whole site

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        """Every HTML page served gets MkDocs' reload script and, after a failed build, the banner."""
        content = super()._inject_js_into_html(content, epoch)
        if self.failure is None:
            return content
        end = content.rfind(b"</body>")
        end = len(content) if end < 0 else end
        return content[:end] + banner(self.failure, last_good=True).encode() + content[end:]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: frozenset[str] | None = None  # while the rest of the site is rebuilt: the pages up to date
        self._held_changed = threading.Condition()
        self.shown = threading.Event()  # a page held up to date was served since `hold`

    def hold(self, pages: list[str]) -> None:
        """Show the generated `pages` written so far: open browsers reload now. Until `release`, any other page,
        or data file the site offers, waits for the rest of the rebuild rather than be served stale."""
        with self._held_changed:
            self.held = frozenset(self.mount_path + page_url(uri) for uri in pages)
            self.shown.clear()
            self.failure = None  # the data is valid again: the pages shown have no banner
        with self._epoch_cond:
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()

    def release(self, *, failed: bool) -> None:
        with self._held_changed:
            if failed and self.held is not None:  # the pages shown reload once more, with the reason
                self._wanted_epoch = self._visible_epoch + 1
            self.held = None
            self._held_changed.notify_all()

    def _serve_request(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")  # as MkDocs reads it
        with self._held_changed:
            self._held_changed.wait_for(lambda: self.held is None or not _waits(path, self.held), timeout=60)
            shown = self.held is not None and path.removesuffix("index.html") in self.held
        if (tag := self._static_tag(path)) is not None:  # a reload asks whether the page's scripts changed
            validators = [("ETag", tag), ("Cache-Control", "no-cache")]
            asked = environ.get("HTTP_IF_NONE_MATCH", "")
            if tag in asked or asked.strip() == "*":
                start_response("304 Not Modified", validators)
                return []
            start_response = _with_headers(start_response, validators)
        served = super()._serve_request(environ, start_response)
        if shown:
            self.shown.set()
        return served

    def _static_tag(self, path: str) -> str | None:
        """The version of the stylesheet, script, image or font at `path` (MkDocs serves none of them with one,
        so that every reload of a page downloaded its megabyte of scripts again); None for a page, a data file
        or anything else, which is always served whole."""
        if not path.startswith(self.mount_path) or not path.endswith(_STATIC_FILES):
            return None
        with self._epoch_cond:  # as MkDocs: never from a site half written
            self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
        file = os.path.join(self.root, posixpath.normpath("/" + path[len(self.mount_path) :]).lstrip("/"))
        try:
            stat = os.stat(file)
        except OSError:
            return None
        return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'

    def error_page(self, code: int) -> bytes | None:
        """The site's own 404 page; before any good build, a page of the problems (it reloads when fixed)."""
        if not self.built:
            lines = self.failure or ["the first build has not finished yet"]
            page = (
                "<!doctype html><html lang=en><head><meta charset=utf-8><title>pmo serve: the site cannot be "
                f"built</title></head><body>{banner(lines, last_good=False)}</body></html>"
            )
            return super()._inject_js_into_html(page.encode(), self._visible_epoch)
        page_file = Path(self.root) / f"{code}.html"
        return self._inject_js_into_html(page_file.read_bytes(), self._visible_epoch) if page_file.is_file() else None


# What a page loads that a reload asks for again: answered "not modified" while it is unchanged
_STATIC_FILES = (".css", ".js", ".mjs", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".woff", ".woff2")


def _with_headers(start_response: Any, headers: list[tuple[str, str]]) -> Any:
    def started(status: str, response_headers: list[tuple[str, str]], *args: Any) -> Any:
        added = headers if status.startswith("200") else []
        return start_response(status, response_headers + added, *args)

    return started


# What the data can change besides pages: the register's exports, the calendar feeds, templates, the board pack
_DATA_FILES = (".csv", ".xlsx", ".ics", ".pdf", ".yaml", ".xml")


def _waits(path: str, ready: frozenset[str]) -> bool:
    """Whether a request waits for the rest of a rebuild: a page not written yet, or a data file. Stylesheets,
    scripts, images and the search index (which the fast path leaves as it was: pagefind/) never wait."""
    if path.startswith("/livereload/"):
        return False
    page = path.removesuffix("index.html")
    if page in ready:
        return False
    return page.endswith(("/", ".html")) or path.endswith(_DATA_FILES)


def banner(problems: list[str], *, last_good: bool) -> str:
    """The problems of a failed build, escaped, in a banner over the page."""
    title = (
        "The site could not be rebuilt: this preview shows the last good version."
        if last_good
        else "The site cannot be built yet."
    )
    advice = " Fix these problems and save: the page reloads by itself."
    summary = tag("summary", tag("strong", title), advice, style="cursor:pointer")  # a click folds it away
    details = tag("details", summary, tag("pre", "\n".join(problems), style=_LIST_STYLE), open=True)
    return str(tag("div", details, id="pmo-serve-error", role="alert", style=_BANNER_STYLE))


def failure_lines(config: MkDocsConfig, exc: BaseException) -> list[str]:
    """What went wrong, as lines a person can act on: each data problem with its file, line and field."""
    plugin: Any = config.plugins.get("pmo")
    reason = getattr(plugin, "failure", None)
    if isinstance(reason, PortfolioError):
        return [visible(line, lines=False) for line in reason.report().splitlines()]
    return [visible(line, lines=False) for line in (str(reason or exc) or type(exc).__name__).splitlines()]


def build_preview(config: MkDocsConfig, state: ServeState, url: str) -> None:
    """One build of the preview at `url`: with `state.incremental`, only what changed since the last good build
    is written, into its site folder (config.site_dir); else the whole site."""
    pmo_plugin(config).serve_state = state
    config.site_url = url
    sources = state.sources
    try:
        with _quiet(_DIRTY, *([_EXCLUDED] if state.first else [])):
            build(config, serve_url=url, dirty=state.incremental)
            if state.incremental and state.retitled:  # a title the navigation shows changed: every page shows it
                state.shape, written = "", state.written
                build(config, serve_url=url, dirty=True)
                state.written = written
    except BaseException:
        if state.sources is not sources:  # pages may have been written: the next build starts afresh
            state.shape = ""
        raise


class _Without(logging.Filter):
    """Leaves out the messages that hold `text`."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


# MkDocs warns that a dirty build may leave the navigation wrong: pmo rebuilds every page when it changes (and the
# warning would stop a --strict build).
_DIRTY = ("mkdocs.commands.build", "A 'dirty' build is being performed")
# A first pass tells MkDocs that the pages it leaves as they are are excluded (serve_state): a link to one is fine.
_EXCLUDED = ("mkdocs.structure.pages", "which is excluded from the built site.")
# MkDocs logs every answer but "200 OK" as a warning; "not modified" is what a reload should get.
_NOT_MODIFIED = ("mkdocs.livereload", '" code 304')


@contextlib.contextmanager
def _quiet(*messages: tuple[str, str]) -> Iterator[None]:
    """Without the `messages` (a logger's name, a text its message holds)."""
    filters = [(logging.getLogger(name), _Without(text)) for name, text in messages]
    for logger, without in filters:
        logger.addFilter(without)
    try:
        yield
    finally:
        for logger, without in filters:
            logger.removeFilter(without)


@contextlib.contextmanager
def _yielding() -> Iterator[None]:
    """The build lets the server's threads run every millisecond rather than every five (the default)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _since(start: tuple[float, float]) -> str:
    """The time since `start` (from _now), and the CPU time this process took meanwhile: on a busy machine the
    first is longer than the work, the second is not."""
    wall, cpu = _now()
    return f"{wall - start[0]:.2f} s ({cpu - start[1]:.2f} s of CPU)"


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _version(path: str) -> int | None:
    return Path(path).stat().st_mtime_ns if Path(path).is_file() else None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class ServeFailed(PmoError):
    """MkDocs could not start the preview (it has logged why)."""


def serve(config_file: str, dev_addr: str) -> None:
    """Build and serve the site at `dev_addr`, rebuilding when a watched file changes (as `mkdocs serve`).
    Raises ServeFailed when MkDocs cannot start, ConfigurationError when the address cannot be served on."""
    try:
        _serve(config_file, dev_addr)
    except (Abort, MkDocsException) as exc:
        raise ServeFailed(str(exc)) from exc
    except OSError as exc:  # the address is taken, or not this machine's
        raise ConfigurationError(f"cannot serve on {dev_addr}: {exc.strerror or exc}") from exc


def _serve(config_file: str, dev_addr: str) -> None:
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)  # stopped by a service or a test: clean up
    scratch = Path(tempfile.mkdtemp(prefix="pmo-serve-"))
    folders = (scratch / f"build-{n}" for n in itertools.count())

    state = ServeState()

    def get_config(site_dir: Path | None = None) -> MkDocsConfig:
        return load_config(config_file=config_file, dev_addr=dev_addr, site_dir=str(site_dir or next(folders)))

    try:
        config = get_config()
        config.plugins.on_startup(command="serve", dirty=False)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        empty = scratch / "empty"
        empty.mkdir()

        def builder(config: MkDocsConfig | None = None) -> None:
            # After a good build, only what changed is written, into the site being served: a failure in the data
            # stops the build before anything is written. A change of mkdocs.yml builds the whole site afresh.
            settings, state.settings = state.settings, _version(config_file)
            state.incremental = server.built and bool(state.shape) and settings == state.settings
            # Two passes when the edited files are each a page's own: that page first, shown at once, then the
            # whole site rendered again and compared, while any other page waits (a reader never sees it stale).
            state.first = state.edited_pages() if state.incremental else set()
            config = config or get_config(Path(server.root) if state.incremental else None)
            log.info("Updating the preview..." if state.incremental else "Building documentation...")
            start = _now()
            try:
                build_preview(config, state, server.url)
                if state.partial:
                    log.info("Showing %s after %s", ", ".join(state.written) or "no change", _since(start))
                    server.hold(state.written)
                    state.first = set()
                    server.shown.wait(timeout=0.5)  # an open page reloads before the rest of the rebuild starts
                    with _yielding():  # and its scripts and stylesheets are served while it runs
                        build_preview(get_config(Path(server.root)), state, server.url)
            except Exception as exc:  # any failure: the last good site stays, the reason is shown
                server.release(failed=True)
                server.failure = failure_lines(config, exc)
                if not isinstance(exc, Abort):  # MkDocs logs the reason of an Abort itself
                    log.error("\n".join(server.failure))
                log.error(
                    "The build failed: %s",
                    "the browser shows why over the last good preview"
                    if server.built
                    else "the browser shows why until the site can be built",
                )
                if not state.incremental:
                    shutil.rmtree(config.site_dir, ignore_errors=True)
                return  # the epoch moves on: open pages reload and show the reason
            # A request that came in during the build has its file's path in the previous site already (MkDocs
            # joins it to the root before it waits for the build): that site goes at the next build, not now.
            for folder in scratch.glob("build-*"):
                if folder.name not in (Path(server.root).name, Path(config.site_dir).name):
                    shutil.rmtree(folder, ignore_errors=True)
            server.root, server.failure, server.built = str(config.site_dir), None, True
            server.release(failed=False)
            if state.incremental:
                log.info("Updated %d pages in %s", len(state.written), _since(start))

        # MkDocs polls twice a second, then waits a tenth of a second for more changes: a quarter of the second
        # an edit may take to show. Polling a thousand files ten times a second costs a few milliseconds. The
        # changes one poll finds reach the build loop one after the other within milliseconds (a save by rename
        # is two), and the next poll is a tenth of a second away: a longer wait would only delay the build.
        server = PreviewServer(
            builder=builder, host=host, port=port, root=str(empty), mount_path=mount_path, polling_interval=0.1
        )
        server.build_delay = 0.03
        server.error_handler = server.error_page
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        config.plugins.on_serve(server, config=config, builder=builder)  # the pmo plugin watches the data
        for item in config.watch:
            server.watch(item)
        try:
            with _quiet(_NOT_MODIFIED):
                server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
        config.plugins.on_shutdown()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_handler)
