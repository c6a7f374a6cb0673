"""Why a RAG changed, in `pmo diff` and on the "Changes since" page: the threshold crossed with its numbers, a
stale report, an override set or lifted; changes caused only by the passing of time grouped apart."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.analytics.diff import DATA, TIME, RagChange, Reason, compare
from generator.analytics.kpi import RAGS, rag_verdicts
from generator.cli import main
from generator.io.diff_report import to_markdown
from generator.pages.changes import Baseline
from generator.pages.urls import CHANGES
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.blocks import unmark

from .conftest import MINI, SAMPLE
from .hostile import tooltip_payload

# 364 planned days from 2026-01-01: at as_of 2026-03-02 (day 60) PV is 1,648.35, so 16 % done (EV 1,600) is an
# SPI of 0.97 (green) and a cost of 1,500 a CPI of 1.07; at 2026-04-15 (day 104) the same report gives 0.56 (red).
DELTA = """\
name: Delta
program: front-door
phase: execution
sponsor: m.chen
manager: a.okafor
start: 2026-01-01
finish: 2026-12-31
budget: 10000
status:
  - {date: 2026-02-28, rag: green, percent_complete: 16, actual_cost: 1500, summary: "On track."}
"""
OVERRIDE_REASON = f"Board said so {tooltip_payload('override')} [x](javascript:alert(1)) | **b**"


def write(folder: Path, delta: str = DELTA, as_of: str = "2026-03-02") -> Path:
    shutil.copytree(MINI, folder)
    (folder / "projects" / "delta.yaml").write_text(delta)
    settings = folder / "portfolio.yaml"
    settings.write_text(settings.read_text().replace("as_of: 2026-03-02", f"as_of: {as_of}"))
    return folder


def rag_changes(before: Path, after: Path) -> dict[str, RagChange]:
    diff = compare(*(prepare(read_portfolio(folder), "pmo") for folder in (before, after)), "before", "after")
    return {c.project: c for c in diff.rag}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("reasons") / "before")


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same data, as_of six weeks on."""
    return write(tmp_path_factory.mktemp("reasons") / "later", as_of="2026-04-15")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same reporting date, Delta's cost up and a hostile override on CRM."""
    folder = write(
        tmp_path_factory.mktemp("reasons") / "edited", DELTA.replace("actual_cost: 1500", "actual_cost: 2000")
    )
    crm = folder / "projects" / "crm.yaml"
    override = json.dumps({"rag": "green", "reason": OVERRIDE_REASON})
    crm.write_text(crm.read_text().replace("budget: 100000\n", f"budget: 100000\nrag_override: {override}\n"))
    return folder


def test_a_moved_reporting_date_alone_is_time(base: Path, later: Path) -> None:
    changes = rag_changes(base, later)
    assert changes and {c.cause for c in changes.values()} == {TIME}
    delta = changes["delta"]
    assert (delta.before, delta.after) == ("green", "red")
    assert delta.reasons == (
        Reason("spi", "SPI 0.97 → 0.56, below the red threshold 0.85"),
        Reason("stale", "latest status report 2026-02-28 is 46 days old at 2026-04-15, stale after 40"),
    )


def test_a_cost_crossing_a_threshold_is_data_with_its_numbers(base: Path, edited: Path) -> None:
    delta = rag_changes(base, edited)["delta"]
    assert (delta.before, delta.after, delta.cause) == ("green", "red", DATA)
    assert delta.reasons == (Reason("cpi", "CPI 1.07 → 0.80, below the red threshold 0.85"),)
    # back from red to green: above the amber threshold, so above the red one too
    recovered = rag_changes(edited, base)["delta"]
    assert recovered.reasons == (Reason("cpi", "CPI 0.80 → 1.07, back above the amber threshold 0.95"),)


def test_an_override_set_and_lifted(base: Path, edited: Path) -> None:
    crm = rag_changes(base, edited)["crm"]
    assert (crm.before, crm.after, crm.cause) == ("red", "green", DATA)
    assert crm.reasons == (Reason("override", f"RAG override Green set: {OVERRIDE_REASON}"),)
    lifted = rag_changes(edited, base)["crm"]
    assert lifted.reasons[0] == Reason("override", "RAG override Green lifted: the RAG is derived again")
    # what the derived RAG rests on again: the verdicts past a threshold
    assert [r.text for r in lifted.reasons[1:3]] == [
        "SPI 0.80, below the red threshold 0.85",
        "CPI 0.89, below the amber threshold 0.95",
    ]


def test_a_recovery_and_a_changed_threshold(base: Path, tmp_path: Path) -> None:
    worse = write(tmp_path / "worse", DELTA.replace("percent_complete: 16", "percent_complete: 15"))
    assert rag_changes(base, worse)["delta"].reasons == (
        Reason("spi", "SPI 0.97 → 0.91, below the amber threshold 0.95"),
    )
    assert rag_changes(worse, base)["delta"].reasons == (
        Reason("spi", "SPI 0.91 → 0.97, back above the amber threshold 0.95"),
    )
    stricter = write(tmp_path / "stricter")
    settings = stricter / "portfolio.yaml"
    settings.write_text(settings.read_text().replace("spi: {amber: 0.95", "spi: {amber: 0.98"))
    change = rag_changes(base, stricter)["delta"]
    assert change.cause == DATA  # the rules are data too
    assert change.reasons == (Reason("spi", "SPI 0.97, below the amber threshold 0.98 (was 0.95)"),)


def test_slip_and_a_value_that_only_rounds_to_its_threshold(base: Path, tmp_path: Path) -> None:
    late = write(
        tmp_path / "late", DELTA.replace("finish: 2026-12-31\n", "finish: 2026-12-31\nforecast_finish: 2027-01-14\n")
    )
    assert rag_changes(base, late)["delta"].reasons == (
        Reason("slip_days", "slip 0 → 14 days, at the amber threshold 14"),
    )
    # EV 1,565 against PV 1,648.35 is an SPI of 0.9494: "0.95" would read as not below the threshold 0.95
    close = write(tmp_path / "close", DELTA.replace("percent_complete: 16", "percent_complete: 15.65"))
    assert rag_changes(base, close)["delta"].reasons == (
        Reason("spi", "SPI 0.97 → 0.949, below the amber threshold 0.95"),
    )
    ending = write(tmp_path / "ending", DELTA.replace("phase: execution", "phase: closed"))
    assert rag_changes(base, ending)["delta"].reasons == (
        Reason("phase", "phase Execution → Closed: no RAG outside delivery"),
    )


def test_verdicts_decide_as_the_derived_rag_does() -> None:
    """rag_verdicts is derived_rag's scalar twin: the worst verdict is the derived RAG of every project."""
    for folder in (SAMPLE, MINI):
        a = prepare(read_portfolio(folder), "pmo")
        for pid, row in a.rows.items():
            worst = RAGS[max(v.level for v in rag_verdicts(row, a.settings.rag))]
            derived = row["derived_rag"]
            assert isinstance(derived, float) or derived == worst, pid  # NaN: no RAG (not active or no report)


# --- the outputs -----------------------------------------------------------------------------------------------


def test_markdown_groups_time_apart_and_keeps_data_text_inert(base: Path, later: Path, edited: Path) -> None:
    timed = to_markdown(compare(*(prepare(read_portfolio(f), "pmo") for f in (base, later)), "a", "b"))
    assert "\n## RAG changed because time passed\n" in timed and "## RAG changed in the data" not in timed
    assert "The reporting date moved from 2026-03-02 to 2026-04-15" in timed
    assert (
        "| Delta | Green → Red | SPI 0.97 → 0.56, below the red threshold 0.85; latest status report 2026-02-28 "
        "is 46 days old at 2026-04-15, stale after 40 |" in timed
    )
    assert "RAG changed for 1 project, only because time passed." in timed
    data = to_markdown(compare(*(prepare(read_portfolio(f), "pmo") for f in (base, edited)), "a", "b"))
    assert "\n## RAG changed in the data\n" in data and "time passed\n" not in data
    assert "| Delta | Green → Red | CPI 1.07 → 0.80, below the red threshold 0.85 |" in data
    assert "RAG changed for 2 projects, in the data." in data
    row = next(line for line in data.splitlines() if line.startswith("| Patient CRM | Red → Green"))
    assert "<" not in row.replace("\\<", "") and "\\<img" in row and "\\[x\\]" in row and "\\| \\*\\*b" in row


def test_json_says_the_cause_and_the_reasons(base: Path, later: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(base), str(later), "--format", "json"])
    assert result.exit_code == 0, result.output
    delta = next(c for c in json.loads(result.output)["rag"] if c["project"] == "delta")
    assert (delta["before"], delta["after"], delta["cause"]) == ("green", "red", "time")
    assert delta["reasons"][0] == {"kind": "spi", "text": "SPI 0.97 → 0.56, below the red threshold 0.85"}


def changes_page(before: Path, after: Path) -> str:
    tree = site_tree(read_portfolio(after), "org", None, {}, baseline=Baseline("v1", "v2", read_portfolio(before)))
    return unmark(tree.pages[CHANGES])


def test_the_page_shows_badges_and_reasons_grouped(base: Path, later: Path, edited: Path) -> None:
    page = changes_page(base, later)
    assert "RAG changed because time passed" in page and "RAG changed in the data" not in page
    row = next(line for line in page.splitlines() if ">Delta</a>" in line)
    badges = '<span class="pmo-rag pmo-rag-green">Green</span> → <span class="pmo-rag pmo-rag-red">Red</span>'
    assert f'<span class="pmo-rag-change">{badges}</span>' in row
    assert '<ul class="pmo-reasons"><li>SPI 0.97 → 0.56, below the red threshold 0.85</li><li>Latest' in row
    page = changes_page(base, edited)
    assert page.index("RAG changed in the data") < page.index(">Delta</a>")
    crm = next(line for line in page.splitlines() if ">Patient CRM</a>" in line and "pmo-reasons" in line)
    assert "<img" not in crm and "&#60;img" in crm  # the override's reason is text
    assert "RAG override Green set: Board said so" in html.unescape(crm)


def test_a_month_on_the_sample_flips_rags_by_time_alone_each_with_its_reason(tmp_path: Path) -> None:
    """The issue's case: as_of moved on, no data changed; many RAGs move, every one grouped as time, with why."""
    later = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, later)
    settings = later / "portfolio.yaml"
    settings.write_text(settings.read_text().replace("as_of: 2026-10-31", "as_of: 2026-12-15"))
    changes = rag_changes(SAMPLE, later)
    assert len(changes) > 10
    assert all(c.cause == TIME and c.reasons for c in changes.values())
    assert all(any(r.kind == "stale" for r in c.reasons) for c in changes.values() if c.after in ("amber", "red"))
