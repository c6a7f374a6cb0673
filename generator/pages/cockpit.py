"""Stage 4, render: the first screen — key figures coloured by their thresholds, with their change since the
previous published version, RAG counts in colour, and the top of the list of projects needing attention.

Colour never says anything alone: a coloured tile also says its verdict in words ("Red: below 0.85"), and a
change is written out for screen readers ("up 2 since 2026-10") beside its arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..analytics.kpi import RAGS
from ..analytics.kpi_definitions import BAND_TEXT
from ..analytics.rollups import WHY_NA
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, join, tag

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ..analytics.analyse import Analysis
    from ..analytics.rollups import Rollup
    from ..data.model import Settings, Threshold

Tone = Literal["green", "amber", "red"]
NO_CHANGE = Markup("")  # no previous version, or a figure n/a on either side


@dataclass(frozen=True)
class Previous:
    """The previous published version: its name and its portfolio's roll-up, for the change of each figure."""

    version: str
    totals: Rollup


@dataclass(frozen=True)
class Figure:
    """One key figure as a tile: its value, what it is, and when a threshold judges it, the verdict."""

    value: str | Markup
    label: str | Markup
    tone: Tone | None = None  # the threshold's verdict; None when no threshold judges the figure
    verdict: str = ""  # the verdict in words, e.g. "Red: below 0.85"
    change: Markup = NO_CHANGE  # the change since the previous version (see `change`)


def figure_tiles(figures: Iterable[Figure]) -> str:
    return html_block(figure_grid(figures))


def figure_grid(figures: Iterable[Figure], class_: str = "pmo-tiles") -> Markup:
    return tag("div", join(_tile(f) for f in figures), class_=class_)


def _tile(f: Figure) -> Markup:
    parts = [tag("span", f.value, class_="pmo-tile-value"), tag("span", f.label, class_="pmo-tile-label")]
    if f.tone is not None:
        parts.append(tag("span", f.verdict, class_=f"pmo-tile-verdict pmo-rag pmo-rag-{f.tone}"))
    parts.append(f.change)
    return tag("div", *parts, class_=f"pmo-tile pmo-tone-{f.tone}" if f.tone else "pmo-tile")


def index_tone(value: float | None, threshold: Threshold) -> tuple[Tone, str] | None:
    """An SPI or a CPI judged as the derived RAG judges it: red below `red`, amber below `amber`."""
    if fmt.missing(value):
        return None
    assert value is not None
    if value < threshold.red:
        return "red", f"Red: below {threshold.red:g}"
    if value < threshold.amber:
        return "amber", f"Amber: below {threshold.amber:g}"
    return "green", f"Green: {threshold.amber:g} or above"


def slip_tone(days: float | None, threshold: Threshold) -> tuple[Tone, str] | None:
    """A finish slip judged as the derived RAG judges it: red from `red` days late, amber from `amber`."""
    if fmt.missing(days):
        return None
    assert days is not None
    if days >= threshold.red:
        return "red", f"Red: {threshold.red:g} days late or more"
    if days >= threshold.amber:
        return "amber", f"Amber: {threshold.amber:g} days late or more"
    return "green", f"Green: less than {threshold.amber:g} days late"


def judged(value: str | Markup, label: str | Markup, tone: tuple[Tone, str] | None, change: Markup) -> Figure:
    verdict_tone, verdict = tone or (None, "")
    return Figure(value, label, verdict_tone, verdict, change=change)


def change(now: float | None, before: float | None, since: str, size: Callable[[float], str]) -> Markup:
    """The change of a figure since the previous version, as "▲ 2 since 2026-10", with "up 2 since 2026-10" for
    screen readers; "no change since 2026-10" when it rounds to nothing as shown; nothing when either side is
    n/a. `size` writes a magnitude as the figure is written."""
    if fmt.missing(now) or fmt.missing(before):
        return NO_CHANGE
    assert now is not None and before is not None
    difference = now - before
    shown = size(abs(difference))
    if shown == size(0):
        return tag("span", f"no change since {since}", class_="pmo-change")
    arrow, word = ("▲", "up") if difference > 0 else ("▼", "down")
    return tag(
        "span",
        tag("span", f"{arrow} {shown} since {since}", aria_hidden="true"),
        tag("span", f"{word} {shown} since {since}", class_="pmo-sr"),
        class_="pmo-change",
    )


def since(previous: Previous | None) -> tuple[Rollup | None, str]:
    return (previous.totals, previous.version) if previous else (None, "")


def count_size(value: float) -> str:
    return f"{value:,.0f}"


def ratio_size(value: float) -> str:
    return f"{value:.2f}"


def points_size(value: float) -> str:
    """A change of a share (0..1), in percentage points."""
    return f"{100 * value:.0f} pts"


def na_or(value: str, r_field: str) -> str | Markup:
    """A formatted roll-up figure, or "n/a" with the reason that roll-up field is undefined."""
    return fmt.na(WHY_NA[r_field]) if value == fmt.NA else value


RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "n/a": "No status yet"}


def rag_counts(r: Rollup, previous: Previous | None) -> Markup:
    """The active projects by RAG as coloured tiles, each with its name in words and its change."""
    before, version = since(previous)
    cells = []
    for rag in (*RAGS, "n/a"):
        n = r.by_rag[rag]
        moved = change(n, before.by_rag[rag] if before else None, version, count_size)
        cells.append(
            tag(
                "div",
                tag("span", str(n), class_="pmo-ragcount-value"),
                tag("span", RAG_LABELS[rag], class_="pmo-ragcount-label"),
                moved,
                class_=f"pmo-ragcount pmo-rag pmo-rag-{'none' if rag == 'n/a' else rag}",
            )
        )
    caption = tag("p", f"{r.active} active projects of {r.projects}, by RAG", class_="pmo-ragcounts-caption")
    return tag("div", caption, tag("div", join(cells), class_="pmo-ragcounts"), class_="pmo-ragstrip")


def first_screen(a: Analysis, previous: Previous | None, attention: Markup) -> str:
    """The home page's cockpit: RAG counts and key figures beside the top of "Needs attention" on a wide screen,
    above it on a narrow one."""
    t = a.totals
    figures = tag(
        "div",
        rag_counts(t, previous),
        figure_grid(key_figures(t, a.settings, previous), "pmo-tiles pmo-key-figures"),
        class_="pmo-cockpit-figures",
    )
    # a heading without an id, as in a block MkDocs does not parse: in no table of contents, which the home
    # page hides (the id is the block's, for links)
    needs = tag("div", tag("h2", "Needs attention"), attention, class_="pmo-cockpit-attention", id="needs-attention")
    return html_block(tag("div", figures, needs, class_="pmo-cockpit"))


def key_figures(r: Rollup, settings: Settings, previous: Previous | None = None) -> list[Figure]:
    """The figures a portfolio, a program or an objective is judged by: the earned-value indexes coloured by
    the RAG thresholds of portfolio.yaml, the shares on course, money spent and benefits realized."""
    before, version = since(previous)
    cur, rules = settings.currency, settings.rag

    def money_size(value: float) -> str:
        return fmt.money(value, cur, compact=True)

    def moved(name: str, size: Callable[[float], str]) -> Markup:
        return change(getattr(r, name), getattr(before, name) if before else None, version, size)

    budget = fmt.money(r.active_budget, cur, compact=True)
    return [
        judged(
            na_or(fmt.ratio(r.spi), "spi"), "SPI (Σ EV / Σ PV)", index_tone(r.spi, rules.spi), moved("spi", ratio_size)
        ),
        judged(
            na_or(fmt.ratio(r.cpi), "cpi"), "CPI (Σ EV / Σ AC)", index_tone(r.cpi, rules.cpi), moved("cpi", ratio_size)
        ),
        Figure(
            na_or(fmt.percent(share(r.within_schedule)), "within_schedule"),
            f"of active projects within {BAND_TEXT} of schedule",
            change=moved("within_schedule", points_size),
        ),
        Figure(
            na_or(fmt.percent(share(r.within_budget)), "within_budget"),
            f"of active projects within {BAND_TEXT} of budget",
            change=moved("within_budget", points_size),
        ),
        Figure(
            na_or(fmt.money(r.active_spent, cur, compact=True), "active_spent"),
            f"spent of {budget} budget of active projects{withheld_budgets(r)}",
            change=moved("active_spent", money_size),
        ),
        Figure(
            na_or(fmt.money(r.benefits_realized, cur, compact=True), "benefits_realized"),
            "financial benefits realized"
            + ("" if r.benefits_planned is None else f" of {fmt.money(r.benefits_planned, cur, compact=True)} planned"),
            change=moved("benefits_realized", money_size),
        ),
    ]


def risk_figure(r: Rollup) -> Figure:
    """Open risks and their exposure: on a program's or an objective's page (the home page has a Risks page)."""
    return Figure(
        na_or(fmt.NA if r.open_risks is None else str(r.open_risks), "open_risks"),
        "open risks" + ("" if r.risk_exposure is None else f", exposure {fmt.number(r.risk_exposure)}"),
    )


def share(value: float | None) -> float | None:
    """A 0..1 share as a percentage, None staying None (n/a)."""
    return None if value is None else 100 * value


def withheld_budgets(r: Rollup) -> str:
    """The caveat of the active projects' budget total, which leaves out budgets the source of the data withholds."""
    n = r.active_budget_withheld
    return f" ({n} withheld budget{'s' if n != 1 else ''} not counted)" if n else ""
