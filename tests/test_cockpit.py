"""The first screen: the home page's cockpit (RAG counts, key figures coloured by threshold with their change since
the previous version, the top of "Needs attention", Start here), a project's summary card, key figures that say
n/a and why where no data is behind them, and amounts written as people write them."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

import pytest

from generator.analytics.kpi import project_frame
from generator.analytics.rollups import WHY_NA, rollup
from generator.data.model import RagRules, Threshold
from generator.pages.changes import Baseline
from generator.pages.cockpit import Previous, change, count_size, figure_grid, key_figures, ratio_size
from generator.pages.portfolio import ATTENTION_SHOWN, attention_page, home_page, needing_attention
from generator.pages.project import project_page, summary_card
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.site import start_page
from generator.widgets import fmt

from .conftest import ROOT, SAMPLE
from .test_kpi import SETTINGS, project

if TYPE_CHECKING:
    from pathlib import Path

    from generator.analytics.analyse import Analysis
    from generator.data.validate import Portfolio


@pytest.fixture(scope="module")
def portfolio() -> Portfolio:
    return read_portfolio(SAMPLE)


@pytest.fixture(scope="module")
def analysis(portfolio: Portfolio) -> Analysis:
    return prepare(portfolio, "org")


def tiles(html: str) -> dict[str, str]:
    """Each tile's HTML by its label's text (tags dropped)."""
    found = {}
    for tile in re.findall(r'<div class="pmo-tile(?: [^"]*)?">.*?</div>', html, re.S):
        label = re.search(
            r'<span class="pmo-tile-label">(.*?)</span>(?=<span class="pmo-(?:tile-verdict|change)|</div>)',
            tile,
            re.S,
        )
        assert label, tile
        found[re.sub(r"<[^>]+>", "", label.group(1))] = tile
    return found


def cockpit(page: str) -> str:
    """The first screen's block of the home page."""
    start = page.index('<div class="pmo-cockpit">')
    return page[start : page.index("<!--/pmo-->", start)]


# --- amounts ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "£0"),
        (9_999, "£9,999"),
        (10_000, "£10 k"),
        (12_499, "£12 k"),
        (12_500, "£13 k"),  # half up, as people round
        (999_499, "£999 k"),
        (999_500, "£1.0 M"),  # never "£1,000 k"
        (1_250_000, "£1.3 M"),
        (999_949_999, "£999.9 M"),
        (999_950_000, "£1.0 bn"),  # never "£1,000.0 M"
        (494_181_000_000, "£494.2 bn"),  # the GMPP's budget, once "£494,181.0 M"
        (1_234_567_890_123, "£1,234.6 bn"),
        (-2_500_000, "−£2.5 M"),
    ],
)
def test_compact_money_reads_as_people_write_it(amount: float, shown: str) -> None:
    assert fmt.money(amount, "GBP", compact=True) == shown


def test_compact_money_in_other_currencies_and_in_full() -> None:
    assert fmt.money(1_500_000_000, "EUR", compact=True) == "€1.5 bn"
    assert fmt.money(1_500_000_000, "NOK", compact=True) == "1.5 bn NOK"
    assert fmt.money(494_181_000_000, "GBP") == "£494,181,000,000"  # tables keep the full amount
    assert fmt.money(1.7976931348623157e308, "GBP", compact=True).endswith(" bn")  # the largest float: no error
    assert fmt.money(None, "GBP", compact=True) == "n/a"


# --- n/a roll-ups -------------------------------------------------------------------------------------------------


def test_sums_over_no_known_value_are_na_not_zero() -> None:
    """As in the GMPP example: budgets and dates, but no status report, benefit, risk or forecast."""
    r = rollup(project_frame([project(id="aa", status=[]), project(id="bb", status=[], budget=2_000_000)], SETTINGS))
    assert r.active_budget == 2_100_000
    assert (r.spent, r.active_spent) == (None, None)
    assert (r.benefits_planned, r.benefits_realized) == (None, None)
    assert (r.open_risks, r.risk_exposure) == (None, None)
    assert (r.within_schedule, r.within_budget, r.spi, r.cpi) == (None, None, None, None)
    html = figure_grid(key_figures(r, SETTINGS))
    for name in ("spi", "cpi", "within_schedule", "within_budget", "active_spent", "benefits_realized"):
        assert f'n/a<span class="pmo-na-why"> ({WHY_NA[name]})</span>' in html, name
    assert not re.search(r'class="pmo-tile-value">(€0|100 %|0 %)<', html)


def test_known_zeros_stay_zero() -> None:
    """A reported cost of 0, a closed risk, a forecast on the baseline: real values, not n/a."""
    projects = [
        project(
            id="aa",
            status=[{"date": "2026-03-01", "rag": "green", "percent_complete": 0, "actual_cost": 0}],
            risks=[{"id": "R1", "title": "a", "probability": 3, "impact": 4, "owner": "a.b", "status": "closed"}],
            benefits=[{"name": "x", "planned": 10000}],
        ),
        project(id="bb", status=[], forecast_finish="2026-05-01"),  # a forecast given: on schedule, known
    ]
    r = rollup(project_frame(projects, SETTINGS))
    assert (r.spent, r.active_spent, r.benefits_realized, r.open_risks, r.risk_exposure) == (0, 0, 0, 0, 0)
    assert r.benefits_planned == 10000
    assert r.within_schedule == 1


# --- key figures --------------------------------------------------------------------------------------------------


def test_tiles_take_their_colour_from_the_thresholds(analysis: Analysis) -> None:
    r = dataclasses.replace(analysis.totals, spi=0.80, cpi=0.90)
    found = tiles(figure_grid(key_figures(r, analysis.settings)))  # default thresholds: amber 0.95, red 0.85
    spi, cpi = found["SPI (Σ EV / Σ PV)"], found["CPI (Σ EV / Σ AC)"]
    assert spi.startswith('<div class="pmo-tile pmo-tone-red">') and ">Red: below 0.85<" in spi
    assert cpi.startswith('<div class="pmo-tile pmo-tone-amber">') and ">Amber: below 0.95<" in cpi
    assert 'class="pmo-tile-verdict pmo-rag pmo-rag-red"' in spi  # the RAG colours, with the verdict in words
    shares = [tile for label, tile in found.items() if "of active projects within" in label]
    assert len(shares) == 2 and all(t.startswith('<div class="pmo-tile">') for t in shares)  # no threshold
    lenient = analysis.settings.model_copy(update={"rag": RagRules(spi=Threshold(amber=0.8, red=0.6))})
    spi = tiles(figure_grid(key_figures(r, lenient)))["SPI (Σ EV / Σ PV)"]
    assert 'pmo-tone-green"' in spi and ">Green: 0.8 or above<" in spi
    r = dataclasses.replace(r, spi=None)
    spi = tiles(figure_grid(key_figures(r, analysis.settings)))["SPI (Σ EV / Σ PV)"]
    assert spi.startswith('<div class="pmo-tile">') and "pmo-tile-verdict" not in spi  # n/a: no verdict


def test_change_since_the_previous_version() -> None:
    assert change(5, 3, "2026-09", count_size) == (
        '<span class="pmo-change"><span aria-hidden="true">▲ 2 since 2026-09</span>'
        '<span class="pmo-sr">up 2 since 2026-09</span></span>'
    )
    assert "▼ 0.05 since v1" in change(0.90, 0.95, "v1", ratio_size)
    assert "down 0.05 since v1" in change(0.90, 0.95, "v1", ratio_size)
    assert change(0.951, 0.949, "v1", ratio_size) == '<span class="pmo-change">no change since v1</span>'  # as shown
    assert change(None, 0.9, "v1", ratio_size) == change(0.9, None, "v1", ratio_size) == ""


def test_home_shows_each_figure_s_change_since_the_previous_version(analysis: Analysis) -> None:
    t = analysis.totals
    assert t.spi is not None and t.active_spent is not None
    before = dataclasses.replace(
        t,
        by_rag={**t.by_rag, "red": t.by_rag["red"] - 2, "green": t.by_rag["green"] + 3},
        spi=t.spi + 0.05,
        within_schedule=None,  # n/a then: no change shown
        active_spent=t.active_spent - 1_200_000,
    )
    screen = cockpit(home_page(analysis, None, previous=Previous("2026-09", before)))
    red = re.search(r'<div class="pmo-ragcount pmo-rag pmo-rag-red">.*?</div>', screen).group(0)
    assert "▲ 2 since 2026-09" in red and "up 2 since 2026-09" in red
    green = re.search(r'<div class="pmo-ragcount pmo-rag pmo-rag-green">.*?</div>', screen).group(0)
    assert "▼ 3 since 2026-09" in green
    found = tiles(screen)
    assert "▼ 0.05 since 2026-09" in found["SPI (Σ EV / Σ PV)"]
    assert "no change since 2026-09" in found["CPI (Σ EV / Σ AC)"]
    spent = next(tile for label, tile in found.items() if label.startswith("spent of"))
    assert f"▲ {fmt.money(1_200_000, analysis.settings.currency, compact=True)} since 2026-09" in spent
    schedule = next(tile for label, tile in found.items() if "of schedule" in label)
    assert "since" not in schedule
    assert " since " not in cockpit(home_page(analysis, None))  # no previous version: no change shown


def test_a_published_version_compares_with_the_previous_one(portfolio: Portfolio) -> None:
    """site_tree hands the previous version's roll-up to the home page; without its data nothing breaks."""
    home = site_tree(portfolio, "org", None, {}, baseline=Baseline("2026-09", "2026-10", portfolio)).pages["index.md"]
    assert "no change since 2026-09" in cockpit(home)  # the same data: every figure unchanged
    missing = Baseline("2026-09", "2026-10", None, "its data is not in the repository")
    home = site_tree(portfolio, "org", None, {}, baseline=missing).pages["index.md"]
    assert " since " not in cockpit(home) and "Changes since 2026-09" in home


# --- needs attention and start here -------------------------------------------------------------------------------


def test_the_first_screen_lists_the_most_severe_few_and_links_to_all(analysis: Analysis) -> None:
    found = needing_attention(analysis)
    assert len(found) > ATTENTION_SHOWN  # the sample has more than fit
    page = home_page(analysis, None)
    screen = cockpit(page)
    top = re.findall(r'<tr><td><a href="projects/([^/"]+)/">', screen)
    assert top == [pid for pid, _, _ in found[:ATTENTION_SHOWN]]
    assert f'<a href="attention/">all {len(found)} needing attention</a>' in screen
    rank = {"red": 0, "amber": 1, None: 2, "green": 3}
    rags = [row["rag"] if isinstance(row["rag"], str) else None for _, row, _ in found]
    assert [rank[r] for r in rags] == sorted(rank[r] for r in rags)  # most severe first
    slips = [row["slip_days"] for _, row, _ in found if row["rag"] == "red"]
    assert slips == sorted(slips, reverse=True)
    assert "all-needing-attention" not in page  # the full list is a page of its own: the home stays light
    full = attention_page(analysis)
    assert re.findall(r'<tr><td><a href="../projects/([^/"]+)/">', full) == [pid for pid, _, _ in found]


def test_a_short_attention_list_has_no_link_and_no_second_list(
    analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.pages.portfolio.ATTENTION_SHOWN", 100)
    page = home_page(analysis, None)
    assert "attention/" not in page
    assert len(re.findall(r'<tr><td><a href="projects/', cockpit(page))) == len(needing_attention(analysis))


def test_the_home_shows_the_programs_most_in_trouble_when_there_are_many(
    analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past PROGRAMS_SHOWN programs, the home's table and charts keep those with the most red, then amber, active
    projects and link to the Programs page: the home does not grow with the portfolio."""
    everyone = home_page(analysis, None)
    programs = analysis.portfolio.programs.values()
    assert all(f'href="programs/{p.id}/"' in everyone for p in programs) and 'href="programs/"' not in everyone
    monkeypatch.setattr("generator.pages.portfolio.PROGRAMS_SHOWN", 2)
    page = home_page(analysis, None)
    trouble = sorted(
        programs,
        key=lambda p: (
            -analysis.program_totals[p.id].by_rag["red"],
            -analysis.program_totals[p.id].by_rag["amber"],
            p.name,
        ),
    )
    section = page[page.index('id="programs"') : page.index('id="projects-by-phase"')]
    listed = re.findall(r'<tr><td><a href="programs/([^/"]+)/">', section)
    assert listed == [p.id for p in trouble[:2]]
    assert f'<a href="programs/">all {len(programs)} programs</a>' in section
    for hidden in trouble[2:]:
        assert hidden.name not in section  # neither in the table nor in the charts' data


def test_start_here_links_to_the_handbook_s_onboarding(analysis: Analysis, tmp_path: Path) -> None:
    assert start_page(ROOT / "methodology") == "handbook/start-here.md"
    (tmp_path / "index.md").write_text("# Handbook\n", encoding="utf-8")
    assert start_page(tmp_path) == "handbook/index.md"  # no start-here page: the handbook's front page
    assert start_page(tmp_path / "missing") is None and start_page(None) is None
    page = home_page(analysis, None, start_here="handbook/start-here.md")
    assert page.index('<a href="handbook/start-here/">Start here</a>') < page.index('<div class="pmo-cockpit">')
    assert "New here?" not in home_page(analysis, None)  # no handbook: no link to nowhere


# --- the project summary card -------------------------------------------------------------------------------------


def card_items(html: str) -> dict[str, str]:
    items = {}
    for chunk in html.split('<div class="pmo-card-item')[1:]:
        label = re.search(r'<span class="pmo-card-label">(.*?)</span>', chunk)
        assert label
        items[label.group(1)] = chunk
    return items


def test_summary_card_opens_the_project_page_with_each_field(analysis: Analysis) -> None:
    pid = "staff-rostering"  # red by its SPI and slip, reported amber, stale, with open milestones
    p, row = analysis.project(pid), analysis.rows[pid]
    items = card_items(summary_card(analysis, p, row))
    assert list(items) == [
        "RAG",
        "Phase",
        "Schedule slip",
        "SPI",
        "CPI",
        "Budget adherence (EAC / BAC)",
        "Latest status",
        "Next milestone",
    ]
    rules = analysis.settings.rag
    assert (
        'pmo-rag-red"' in items["RAG"]
        and f"SPI {fmt.ratio(row['spi'])} is below {rules.spi.red:g} (red)" in items["RAG"]
    )
    assert f"the finish slipped {int(row['slip_days'])} days, {rules.slip_days.red:g} or more (red)" in items["RAG"]
    assert "Reported by the project: " in items["RAG"] and 'pmo-rag-amber"' in items["RAG"]
    assert f"{fmt.phase(p.phase)} · {p.kind.capitalize()} work" in items["Phase"]
    assert items["Schedule slip"].startswith(' pmo-tone-red">') and fmt.days(row["slip_days"]) in items["Schedule slip"]
    assert items["SPI"].startswith(' pmo-tone-red">') and fmt.ratio(row["spi"]) in items["SPI"]
    assert fmt.ratio(row["cpi"]) in items["CPI"] and "pmo-tone-" in items["CPI"]
    assert fmt.percent(row["budget_adherence"], 1) in items["Budget adherence (EAC / BAC)"]
    status = p.status_at(analysis.settings.as_of)
    assert f"<strong>{status.date}</strong>, {int(row['status_age_days'])} days old: stale" in items["Latest status"]
    open_ones = sorted((m for m in p.milestones if m.actual is None), key=lambda m: m.expected)
    assert open_ones[0].name in items["Next milestone"] and str(open_ones[0].expected) in items["Next milestone"]
    page = project_page(analysis, pid)
    assert page.index('class="pmo-card"') < page.index("<th>Role</th>")  # the roles come after the card


def test_summary_card_says_na_and_why(portfolio: Portfolio) -> None:
    base = portfolio.projects["staff-rostering"]
    bare = base.model_copy(update={"id": "bare", "status": [], "milestones": [], "forecast_finish": None})
    withheld = base.model_copy(
        update={"id": "held", "finish": None, "withheld": {"finish": "Exempt under Section 43"}, "milestones": []}
    )
    portfolio.projects.update({"bare": bare, "held": withheld})
    try:
        a = prepare(portfolio, "org")
    finally:
        del portfolio.projects["bare"], portfolio.projects["held"]
    items = card_items(summary_card(a, bare, a.rows["bare"]))
    assert "no RAG yet: no status report on or before the reporting date" in items["RAG"]
    assert "no forecast finish and no status report yet" in items["Schedule slip"]  # not a fake "0 d"
    assert "pmo-tone-" not in items["Schedule slip"] and "pmo-tone-" not in items["SPI"]
    for name in ("SPI", "CPI", "Budget adherence (EAC / BAC)", "Latest status"):
        assert 'n/a<span class="pmo-na-why"> (no status report on or before the reporting date yet)' in items[name]
    assert "none planned" in items["Next milestone"]
    held = card_items(summary_card(a, withheld, a.rows["held"]))
    assert "Withheld by the source: Exempt under Section 43" in held["Schedule slip"]


def test_a_ratio_just_below_its_threshold_never_reads_as_equal_to_it(analysis: Analysis) -> None:
    from generator.pages.project import derived_reason

    red = analysis.settings.rag.spi.red
    row = {**analysis.rows["ehr-upgrade"], "spi": red - 0.0001, "cpi": 1.0, "slip_days": 0}
    assert f"SPI {red - 0.0001:.4f} is below {red:g} (red)" in derived_reason(analysis, row)  # not "0.85 is below 0.85"
    assert fmt.beside_threshold("spi", 0.93, 0.95) == "0.93" and fmt.beside_threshold("spi", 0.949, 0.95) == "0.949"
    assert fmt.beside_threshold("slip_days", 28.0, 14) == "28" and fmt.beside_threshold("spi", None, 0.95) == "n/a"


def test_needs_attention_says_what_makes_a_project_red(analysis: Analysis) -> None:
    """The RAG column says red; the reasons say why: an index under its red threshold, or an override."""
    reasons = {pid: why for pid, _, why in needing_attention(analysis)}
    red = [pid for pid, row in analysis.rows.items() if row["active"] and row["rag"] == "red"]
    assert red and all(pid in reasons and "red" not in reasons[pid] for pid in red)
    overridden = [pid for pid in red if analysis.rows[pid]["override_rag"] == "red"]
    assert overridden and all(reasons[pid][0] == "set red by override" for pid in overridden)
    spi = analysis.rows["e-procurement"]["spi"]
    assert f"SPI {spi:.2f}, under {analysis.settings.rag.spi.red:g}" in reasons["e-procurement"]
