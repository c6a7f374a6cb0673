"""Building the site with MkDocs into a temporary folder that replaces the output only on success."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import logging
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..data.transaction import process_running, reason
from ..errors import ConfigurationError, PmoError, os_reason
from ..io.outputs import MARKER, check_never_replaced, check_replaceable, is_pmo_output, write_marker
from ..pipeline import Timings, read_portfolio

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mkdocs.config.defaults import MkDocsConfig

    from ..data.audience import Audience
    from .plugin import PortfolioPlugin

_log = logging.getLogger("mkdocs.pmo")  # shown as MkDocs' warnings are; logged before the build, never counted

# Used when the working folder has no mkdocs.yml: the portfolio/ and methodology/ folders beside it.
DEFAULT_CONFIG = Path(__file__).parent.parent / "assets" / "default-site" / "mkdocs.yml"


def default_config_text(folder: Path) -> str:
    """The built-in configuration as a file of its own for `folder` (no mkdocs.yml there): its docs from the
    package, the portfolio and the handbook from `folder`. For `pmo serve`, which hands MkDocs a file."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    for line, value in (
        ("docs_dir: docs", DEFAULT_CONFIG.parent / "docs"),
        ("      portfolio: portfolio", folder / "portfolio"),
        ("      handbook: methodology", folder / "methodology"),
    ):
        key = line.split(":")[0]
        if line not in text:
            raise ConfigurationError(f"{DEFAULT_CONFIG}: has no line {line!r}")
        text = text.replace(line, f"{key}: {json.dumps(str(value.resolve()))}", 1)  # JSON strings are YAML
    return text


def load_site_config(
    config_file: Path | None,
    data_dir: Path | None = None,
    audience: Audience | None = None,
    strict: bool = False,
) -> MkDocsConfig:
    """The MkDocs config with the pmo plugin's options overridden from the command line.

    Raises ConfigurationError for a missing or invalid configuration (MkDocs has logged the details)."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    path = config_file or Path("mkdocs.yml")
    default = config_file is None and not path.exists()
    if default:
        path = DEFAULT_CONFIG
    if not path.is_file():
        raise ConfigurationError(f"{path}: no such MkDocs configuration file")
    try:
        with _quiet_banner():
            config = load_config(str(path), strict=strict)
    except (exceptions.ConfigurationError, exceptions.Abort) as exc:
        raise ConfigurationError(f"{path}: {exc}") from None
    if "pmo" not in config.plugins:
        raise ConfigurationError(f"{path}: the pmo plugin is not enabled (add it under plugins:)")
    plugin = pmo_plugin(config)
    if default:
        plugin.config.portfolio = str(Path("portfolio").resolve())
        plugin.config.handbook = str(Path("methodology").resolve())
    if data_dir is not None:
        plugin.config.portfolio = str(data_dir.resolve())
    if audience is not None:
        plugin.config.audience = audience
    _call_on_config(plugin, config)
    return config


def build_site(
    config: MkDocsConfig, out_dir: Path, timings: Timings | None = None, *, force: bool = False, mark: bool = True
) -> None:
    """Validate, then build into a sibling temporary folder and swap it in; `out_dir` is untouched on error.
    A non-empty `out_dir` that pmo did not write is replaced only with `force`; `mark` leaves pmo's marker in
    the site (not in a site that is published elsewhere).

    Raises PortfolioError for bad data, ConfigurationError for a bad setup, and BuildFailed when MkDocs fails
    (for example a warning under --strict).
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    timings = timings or Timings()
    plugin = pmo_plugin(config)
    plugin.timings = timings
    out_dir = check_output_dir(config, out_dir, force)
    with _fewer_collections(), staging_dir(out_dir, "building") as staging:
        plugin.preloaded = read_portfolio(plugin.data_dir, timings)  # fails fast, before any output exists
        config.site_dir = str(staging)
        start = time.perf_counter()
        try:
            build(config)
        except (Abort, MkDocsException) as exc:  # MkDocs has logged the reasons
            raise BuildFailed(str(exc), plugin.failure) from exc
        if mark:
            write_marker(staging, "build")
        own = sum(timings.seconds.get(stage, 0) for stage in ("analyse", "render"))
        timings.seconds["mkdocs"] = time.perf_counter() - start - own


def pmo_plugin(config: MkDocsConfig) -> PortfolioPlugin:
    return cast("PortfolioPlugin", config.plugins["pmo"])


def check_output_dir(config: MkDocsConfig, out_dir: Path, force: bool = False) -> Path:
    """Refuse an output folder whose replacement would destroy sources (never allowed) or a folder pmo did not
    write (allowed with `force`): the output is deleted and swapped."""
    plugin = pmo_plugin(config)
    out_dir = out_dir.resolve()
    sources = {  # folder → whether the site may be built inside it
        "the portfolio folder": (plugin.data_dir, False),
        "the handbook folder": (plugin.handbook_dir, False),
        "the docs folder": (Path(config.docs_dir).resolve(), False),
        "the folder of the site configuration": (Path(config.config_file_path).resolve().parent, True),
        "the working folder": (Path.cwd().resolve(), True),
    }
    check_never_replaced(out_dir, {what: folder for what, (folder, _) in sources.items()})
    for what, (folder, inside_ok) in sources.items():
        if not inside_ok and out_dir.is_relative_to(folder):
            raise ConfigurationError(f"--out {out_dir} lies inside {what} ({folder}); choose a folder outside it")
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigurationError(f"--out {out_dir} exists and is not a folder")
    file = next((parent for parent in out_dir.parents if parent.exists() and not parent.is_dir()), None)
    if file is not None:
        raise ConfigurationError(f"--out {out_dir} cannot be made: {file} is a file, not a folder")
    check_replaceable(out_dir, force)
    return out_dir


class BuildFailed(PmoError):
    """MkDocs stopped the build (it has logged why): exit 2 when the plugin found the site's setup wrong, else 1."""

    note_separator = " "

    def __init__(self, reason: str, cause: Exception | None) -> None:
        super().__init__(reason)
        if isinstance(cause, ConfigurationError):
            self.exit_code = 2

    def headline(self) -> str:
        return f"Build failed: {self}"


class SiteNotWritten(ConfigurationError):
    """The output folder cannot be written: no permission, a read-only or special file system (a usage error:
    another --out is the remedy)."""

    note_separator = " "


@contextlib.contextmanager
def output_errors(out_dir: Path) -> Iterator[None]:
    """A command that writes a site or tree to `out_dir`: the system's refusal as SiteNotWritten."""
    try:
        yield
    except OSError as exc:
        raise SiteNotWritten(f"cannot write the site to --out {out_dir}: {os_reason(exc)}.") from exc


class SwapNotUndone(PmoError):
    """The swap failed and the previous output could not be put back: the message says where it is."""

    def headline(self) -> str:
        return f"Error: {self}."


@contextlib.contextmanager
def staging_dir(out_dir: Path, purpose: str) -> Iterator[Path]:
    """A sibling folder to write into; swapped in for out_dir on success, removed on any failure (unless the
    previous output could not be restored: the staging folder then holds some of its dot entries)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out_dir)
    staging = _new_folder(out_dir.parent, f".{out_dir.name}.{purpose}-{os.getpid()}-")
    try:
        yield staging
        _swap_in(staging, out_dir)
    except SwapNotUndone:
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new, uniquely named folder with the usual permissions: unlike tempfile.mkdtemp's (owner only), which
    would become the site's and shut out a web server running as another user."""
    while True:
        folder = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            folder.mkdir()  # mode 0o777 less the umask, as for any folder the user makes
        except FileExistsError:
            continue
        return folder


def _swap_in(new: Path, out_dir: Path) -> None:
    """Replace out_dir by new with renames only, so a reader never sees a half-written site. Names starting
    with a dot stay, as MkDocs keeps them when it cleans its site folder (a site/.git of a gh-pages checkout).
    When a rename fails, the ones done are undone in reverse, so out_dir is as it was."""
    done: list[tuple[Path, Path]] = []
    old = None
    try:
        if out_dir.exists():
            for kept in sorted(out_dir.iterdir()):
                if kept.name.startswith(".") and not (new / kept.name).exists():
                    _rename(kept, new / kept.name, done)
            old = _free_name(out_dir.parent, f".{out_dir.name}.old-{os.getpid()}-")
            _rename(out_dir, old, done)
        _rename(new, out_dir, done)
    except BaseException as exc:
        _undo(done, out_dir, exc)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)  # what is left is cleaned by the next build


def _rename(source: Path, target: Path, done: list[tuple[Path, Path]]) -> None:
    source.rename(target)
    done.append((source, target))


def _undo(done: list[tuple[Path, Path]], out_dir: Path, cause: BaseException) -> None:
    """Every rename done, undone in reverse; the ones that fail too are named, with where they belong."""
    stuck = []
    for source, target in reversed(done):
        try:
            target.rename(source)
        except OSError as exc:
            stuck.append(f"{target} (for {source}: {reason(exc)})")
    if stuck:
        raise SwapNotUndone(
            f"replacing --out {out_dir} failed ({reason(cause)}), and putting the previous output back failed "
            f"too: it is now in {', '.join(stuck)}; the next pmo build --out {out_dir} puts it back"
        ) from cause


def _free_name(parent: Path, prefix: str) -> Path:
    while (path := parent / f"{prefix}{secrets.token_hex(4)}").exists():
        pass
    return path


_LEFTOVER = re.compile(r"(building|generating|old)-(?:(\d+)-)?[0-9a-f]+")


def clean_leftovers(out_dir: Path) -> None:
    """Clean what a killed build left beside out_dir: `.<site>.old-*` (the previous site: put back when the
    build died between the two renames of the swap), `.<site>.building-*` (dot entries the swap had moved go
    back to the site). Leftovers of a process that still runs are another build's and stay; one that cannot
    be cleaned stays for the next build. Each site put back is said on stderr, so that a later message that
    nothing was changed speaks only of this build."""
    prefix = f".{out_dir.name}."
    stale = []
    for entry in sorted(out_dir.parent.iterdir()):
        match = _LEFTOVER.fullmatch(entry.name.removeprefix(prefix)) if entry.name.startswith(prefix) else None
        if match is None or not entry.is_dir() or entry.is_symlink():
            continue
        pid = match.group(2)  # none in the names of pmo before this check: those are stale
        if pid is None or not process_running(int(pid)):
            # what goes back into the site must be pmo's: a build writes its marker before the swap moves
            # anything, so a leftover without it holds nothing to put back (a planted one is only removed)
            stale.append((match.group(1) if is_pmo_output(entry) else "unmarked", entry))
    for kind, entry in stale:
        with contextlib.suppress(OSError):
            if kind == "old" and not out_dir.exists():
                entry.rename(out_dir)
                _log.warning("pmo: put the previous site back in %s from %s, left by a killed build", out_dir, entry)
    for kind, entry in stale:
        with contextlib.suppress(OSError):  # a dot entry that cannot go back keeps its leftover
            for moved in sorted(entry.iterdir()) if kind not in ("old", "unmarked") else ():
                if moved.name.startswith(".") and moved.name != MARKER and not (out_dir / moved.name).exists():
                    moved.rename(out_dir / moved.name)
                    _log.warning("pmo: put %s back in %s, left by a killed build", moved.name, out_dir)
            shutil.rmtree(entry, ignore_errors=True)


def _call_on_config(plugin: PortfolioPlugin, config: MkDocsConfig) -> None:
    """Resolve the plugin's folders now, as the build will, so they can be checked before building."""
    from mkdocs.exceptions import PluginError

    try:
        plugin.on_config(config)
    except PluginError as exc:
        raise ConfigurationError(str(exc)) from None


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """A build allocates millions of short-lived objects; the default thresholds run the cyclic collector
    thousands of times over the same long-lived ones (measured: ~15 % of a 1,000-project build)."""
    before = gc.get_threshold()
    gc.freeze()  # what is alive now (modules, configuration) is never scanned again during the build
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


@contextlib.contextmanager
def _quiet_banner() -> Iterator[None]:
    """MkDocs prints an end-of-life banner to stderr on import; keep output to what the user asked for."""
    with contextlib.redirect_stderr(io.StringIO()):
        yield
