"""The pipeline, stage by stage: load → validate → (audience) → analyse → render. No MkDocs here."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .analytics.analyse import Analysis, analyse
from .analytics.diff import compare
from .analytics.milestone_trend import ForecastHistory
from .data.audience import Audience, for_audience
from .data.load import load_portfolio
from .data.regular import refuse_special_files
from .data.validate import Portfolio, validate_portfolio
from .pages.changes import Changes
from .pages.cockpit import Previous
from .pages.urls import HOME
from .site import SiteExtras, build_tree, check_clashes, pages_alone

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from .data.load import ReadCache
    from .data.validate import ModelCache
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


def read_portfolio(
    data_dir: Path, timings: Timings | None = None, cache: ReadCache | None = None, models: ModelCache | None = None
) -> Portfolio:
    """Load and validate; raises PortfolioError with every problem. `cache` keeps parsed files between calls,
    `models` their models (for `pmo serve`: only the files changed since are parsed and checked again)."""
    timings = timings or Timings()
    with timings.stage("load"):
        raw = load_portfolio(data_dir, cache=cache)
    with timings.stage("validate"):
        return validate_portfolio(raw, models)


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
    pack_paper: str | None = None,
    forecasts: ForecastHistory | None = None,
) -> SiteTree:
    """Analyse and render for one audience. `hand_written` maps the docs folder's files to their text
    (only index.md's is needed: it opens the home page). `history` is each project's last data change;
    `baseline`, on a published version, the previous version to list the changes since; `site_url`, the site's
    address, for the calendar feeds' links; `pack_paper` (a4 or letter) adds the board pack, printed by
    Chromium, as board-pack.pdf; `forecasts`, the milestones of past reporting periods. Raises
    ConfigurationError on a name clash."""
    analysis = prepare(portfolio, audience, timings)
    changes, previous = compared(analysis, baseline, timings)
    pack = None
    if pack_paper is not None:
        with (timings or Timings()).stage("pack"):
            pack = _printed(analysis, pack_paper, changes, previous)
    extras = SiteExtras(
        history or {}, changes, previous, site_url or None, board_pack=pack, forecasts=forecasts or ForecastHistory()
    )
    tree = render(analysis, handbook_dir, hand_written.get(HOME), sorted(hand_written), timings, extras)
    check_clashes(tree, set(hand_written))
    return tree


def some_pages(
    portfolio: Portfolio,
    audience: Audience,
    handbook_dir: Path | None,
    docs_pages: list[str],
    wanted: set[str],
    history: dict[str, DataChange] | None = None,
    forecasts: ForecastHistory | None = None,
    handbook_pages: frozenset[str] | None = None,
) -> dict[str, str] | None:
    """The `wanted` pages as site_tree renders them, without the rest of the site; None when one of them can only
    be rendered with it (see site.pages_alone, which says what `handbook_pages` spares). For `pmo serve` (no
    baseline, no board pack)."""
    extras = SiteExtras(history or {}, forecasts=forecasts or ForecastHistory())
    return pages_alone(prepare(portfolio, audience), handbook_dir, docs_pages, wanted, extras, handbook_pages)


def compared(
    analysis: Analysis, baseline: Baseline | None, timings: Timings | None = None
) -> tuple[Changes | None, Previous | None]:
    """The changes since the `baseline` version and its key figures, for its audience (the previous site showed
    that audience only); (None, None) without a baseline, and no figures when its data is not at hand."""
    if baseline is None:
        return None, None
    if baseline.portfolio is None:
        return Changes(baseline.version, None, baseline.unavailable), None
    with (timings or Timings()).stage("diff"):
        before = prepare(baseline.portfolio, analysis.audience)
        diff = compare(before, analysis, baseline.version, baseline.current)
    return Changes(baseline.version, diff), Previous(baseline.version, before.totals)


def board_pack_pdf(
    portfolio: Portfolio, audience: Audience, paper: str = "a4", baseline: Baseline | None = None
) -> bytes:
    """The board pack of the portfolio for an audience, as PDF bytes (io/pdf.py prints it with Chromium);
    `baseline` is the previous version, for what changed since. ConfigurationError when Chromium or the `pack`
    extra is missing, checked before the analysis."""
    from .io.pdf import check_printer

    check_printer()
    analysis = prepare(portfolio, audience)
    return _printed(analysis, paper, *compared(analysis, baseline))


def _printed(analysis: Analysis, paper: str, changes: Changes | None, previous: Previous | None) -> bytes:
    from .io.pdf import print_pdf
    from .pages.pack import board_pack

    document = board_pack(analysis, paper, changes, previous)
    as_of = analysis.settings.as_of
    footer = f"{analysis.settings.organization} · board pack as of {as_of.isoformat()}"
    return print_pdf(document.html, [h.id for h in document.headings], paper, as_of, footer)


def docs_files(docs_dir: Path) -> Iterator[str]:
    """The hand-written files of the docs folder, as posix paths relative to it; ConfigurationError for a link,
    FIFO, socket or device in it."""
    if docs_dir.is_dir():
        refuse_special_files(docs_dir, "the docs folder")
        for path in sorted(docs_dir.rglob("*")):
            rel = path.relative_to(docs_dir)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                yield rel.as_posix()
