"""Building the site with MkDocs into a temporary folder that replaces the output only on success."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .errors import ConfigurationError
from .pipeline import Timings, read_portfolio

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .audience import Audience
    from .plugin import PortfolioPlugin

DEFAULT_CONFIG = Path(__file__).parent / "assets" / "mkdocs.default.yml"


def load_site_config(
    config_file: Path | None,
    data_dir: Path | None = None,
    audience: Audience | None = None,
    site_dir: Path | None = None,
    strict: bool = False,
) -> MkDocsConfig:
    """The MkDocs config with the pmo plugin's options overridden from the command line."""
    from mkdocs import exceptions
    from mkdocs.config import load_config

    path = config_file or Path("mkdocs.yml")
    default = config_file is None and not path.exists()
    if default:
        path = _default_config()
    if not path.exists():
        raise ConfigurationError(f"{path}: no such MkDocs configuration file")
    try:
        with _quiet_mkdocs():
            if site_dir is None:
                config = load_config(str(path), strict=strict)
            else:
                config = load_config(str(path), strict=strict, site_dir=str(site_dir))
    except exceptions.ConfigurationError as exc:
        raise ConfigurationError(f"{path}: {exc}") from None
    if "pmo" not in config.plugins:
        raise ConfigurationError(f"{path}: the pmo plugin is not enabled (add it under plugins:)")
    plugin = pmo_plugin(config)
    if default:  # no mkdocs.yml of the user's: data and handbook from the working folder
        plugin.config.portfolio = str(Path("portfolio").resolve())
        plugin.config.handbook = str(Path("methodology").resolve())
    if data_dir is not None:
        plugin.config.portfolio = str(data_dir.resolve())
    if audience is not None:
        plugin.config.audience = audience
    return config


def build_site(config: MkDocsConfig, out_dir: Path, timings: Timings | None = None) -> None:
    """Validate, then build into a sibling temporary folder and swap it in; `out_dir` is untouched on error.

    Raises PortfolioError for bad data, ConfigurationError for a bad setup, and MkDocs' own Abort /
    BuildError when the build fails (for example a warning under --strict).
    """
    from mkdocs.commands.build import build

    timings = timings or Timings()
    plugin = pmo_plugin(config)
    plugin.timings = timings
    plugin.on_config(config)  # resolves the data folder the same way the build will
    plugin.preloaded = read_portfolio(plugin.data_dir, timings)  # fails fast, before any output exists
    out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigurationError(f"{out_dir} exists and is not a folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        config.site_dir = str(staging)
        start = time.perf_counter()
        build(config)
        timings.seconds["mkdocs"] = (
            time.perf_counter() - start - sum(timings.seconds.get(k, 0) for k in ("analyse", "render"))
        )
        swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def pmo_plugin(config: MkDocsConfig) -> PortfolioPlugin:
    return cast("PortfolioPlugin", config.plugins["pmo"])


def swap_in(new: Path, out_dir: Path) -> None:
    """Replace out_dir by new with renames only, so a reader never sees a half-written site."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
    new.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _default_config() -> Path:
    """The built-in site settings, beside an empty docs folder (MkDocs needs one)."""
    folder = Path(tempfile.mkdtemp(prefix="pmo-site-"))
    (folder / "docs").mkdir()
    config = folder / "mkdocs.yml"
    config.write_bytes(DEFAULT_CONFIG.read_bytes())
    return config


@contextlib.contextmanager
def _quiet_mkdocs():  # type: ignore[no-untyped-def]
    """MkDocs prints an end-of-life banner on import; keep command output to what the user asked for."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with contextlib.redirect_stderr(io.StringIO()):
        yield
