"""The pipeline, stage by stage: load → validate → (audience) → analyse → render. No MkDocs here."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .analytics.analyse import Analysis, analyse
from .analytics.diff import compare
from .data.audience import Audience, for_audience
from .data.load import load_portfolio
from .data.regular import refuse_special_files
from .data.validate import Portfolio, validate_portfolio
from .pages.changes import Changes
from .pages.cockpit import Previous
from .pages.urls import HOME
from .site import SiteExtras, build_tree, check_clashes

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from .io.gitdata import DataChange
    from .pages.changes import Baseline
    from .pages.tree import SiteTree


@dataclass
class Timings:
    """Seconds per stage, for the benchmark and `pmo build --timings`."""

    seconds: dict[str, float] = field(default_factory=dict)

    def stage(self, name: str) -> _Stage:
        return _Stage(self, name)


class _Stage:
    def __init__(self, timings: Timings, name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.timings.seconds[self.name] = self.timings.seconds.get(self.name, 0.0) + elapsed


def read_portfolio(data_dir: Path, timings: Timings | None = None) -> Portfolio:
    """Load and validate; raises PortfolioError with every problem."""
    timings = timings or Timings()
    with timings.stage("load"):
        raw = load_portfolio(data_dir)
    with timings.stage("validate"):
        return validate_portfolio(raw)


def prepare(portfolio: Portfolio, audience: Audience, timings: Timings | None = None) -> Analysis:
    timings = timings or Timings()
    with timings.stage("analyse"):
        return analyse(for_audience(portfolio, audience), audience)


def render(
    analysis: Analysis,
    handbook_dir: Path | None,
    home_intro: str | None,
    docs_pages: list[str],
    timings: Timings | None = None,
    extras: SiteExtras | None = None,
) -> SiteTree:
    timings = timings or Timings()
    with timings.stage("render"):
        return build_tree(analysis, handbook_dir, home_intro, docs_pages, extras)


def site_tree(
    portfolio: Portfolio,
    audience: Audience,
    handbook_dir: Path | None,
    hand_written: dict[str, str | None],
    timings: Timings | None = None,
    history: dict[str, DataChange] | None = None,
    baseline: Baseline | None = None,
    site_url: str | None = None,
) -> SiteTree:
    """Analyse and render for one audience. `hand_written` maps the docs folder's files to their text
    (only index.md's is needed: it opens the home page). `history` is each project's last data change;
    `baseline`, on a published version, the previous version to list the changes since; `site_url`, the site's
    address, for the calendar feeds' links. Raises
    ConfigurationError on a name clash."""
    analysis = prepare(portfolio, audience, timings)
    changes, previous = None, None
    if baseline is not None:
        changes = Changes(baseline.version, None, baseline.unavailable)
        if baseline.portfolio is not None:
            with (timings or Timings()).stage("diff"):
                before = prepare(baseline.portfolio, audience)  # the previous site showed this audience only
                changes = Changes(baseline.version, compare(before, analysis, baseline.version, baseline.current))
                previous = Previous(baseline.version, before.totals)
    extras = SiteExtras(history or {}, changes, previous, site_url or None)
    tree = render(analysis, handbook_dir, hand_written.get(HOME), sorted(hand_written), timings, extras)
    check_clashes(tree, set(hand_written))
    return tree


def docs_files(docs_dir: Path) -> Iterator[str]:
    """The hand-written files of the docs folder, as posix paths relative to it; ConfigurationError for a link,
    FIFO, socket or device in it."""
    if docs_dir.is_dir():
        refuse_special_files(docs_dir, "the docs folder")
        for path in sorted(docs_dir.rglob("*")):
            rel = path.relative_to(docs_dir)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                yield rel.as_posix()
