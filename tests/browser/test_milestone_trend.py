"""The milestone trend chart in a real Chromium: drawn on a project page of a site built from a data folder with a
reporting history (five monthly periods committed to git), a line per milestone and the diagonal, with tooltips."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ..conftest import SAMPLE
from ..trend_repo import history_repo
from .conftest import build, serve
from .support import open_at
from .test_axe import REFUSED, RUN_AXE, describe, without_theme_findings
from .test_charts import drawn, hover_shows_tooltip

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from .support import OpenContext, Site

PROJECT = "ehr-upgrade"
# The sample's EHR upgrade as five month-ends reported it; the current data (2026-10-31) is the sample's own.
PERIODS = [
    (
        f"2026-{month}",
        [
            ("Gap analysis of local customisations", "2025-11-21", "2025-11-21"),
            ("Integrated test cycle 1 exit", "2026-04-24", "2026-04-24"),
            ("Integrated test cycle 2 exit", cycle2, "2026-08-28" if month >= "08" else None),
            ("End-user training complete", training, None),
            ("Go-live", go_live, None),
            ("Hypercare ends", hypercare, None),
        ],
    )
    for month, cycle2, training, go_live, hypercare in [
        ("05-31", "2026-07-31", "2027-02-05", "2027-02-14", "2027-02-26"),
        ("06-30", "2026-08-14", "2027-02-05", "2027-02-14", "2027-02-26"),
        ("07-31", "2026-08-21", "2027-02-19", "2027-02-28", "2027-03-12"),
        ("08-31", "2026-08-28", "2027-02-26", "2027-03-07", "2027-03-19"),
        ("09-30", "2026-08-28", "2027-03-05", "2027-03-07", "2027-03-26"),
    ]
]
PATH = f"/projects/{PROJECT}/"


@pytest.fixture(scope="session")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("browser-trend")
    data = history_repo(folder / "repo", SAMPLE, PROJECT, PERIODS, None)
    yield from serve("trend", build(data, folder / "site", "org"))


def test_the_milestone_trend_chart_draws_with_a_line_per_milestone(
    history_site: Site, new_context: OpenContext
) -> None:
    page, recorder = open_at(new_context, history_site, PATH)
    chart = drawn(page, "chart-milestone-trend")
    # four milestones with a trend (two were reached before May: table only), and the diagonal
    assert chart.locator("svg g.mark-line.role-mark path").count() == 5
    assert chart.locator("svg g.mark-symbol.role-mark > *").count() >= 4 * 5
    legend = chart.locator("svg g.role-legend-label text").all_text_contents()
    assert "Go-live" in legend and "Gap analysis of local customisations" not in legend
    point = chart.locator("svg g.mark-symbol.role-mark > *").first
    point.scroll_into_view_if_needed()
    text = hover_shows_tooltip(page, point, "symbol")
    assert "Milestone" in text and "Forecast or actual" in text
    table = page.locator("#milestone-trend ~ div table, #milestone-trend ~ table").first
    assert table.locator("th").first.inner_text() == "Reporting date"
    assert not recorder.problems(), "\n".join(recorder.problems())


@pytest.mark.parametrize("width", [390, 1440, 1920])
def test_the_trend_section_fits_the_page(
    history_site: Site, new_context: OpenContext, screenshots: Path, width: int
) -> None:
    page, _ = open_at(new_context, history_site, PATH, "mobile" if width == 390 else "desktop")
    page.set_viewport_size({"width": width, "height": 1000})
    chart = drawn(page, "chart-milestone-trend")
    page.wait_for_timeout(300)  # the chart redraws at the new width
    box, svg = chart.bounding_box(), chart.locator("svg").bounding_box()
    assert box is not None and svg is not None
    assert svg["width"] <= box["width"] + 1 and svg["x"] >= 0 and svg["x"] + svg["width"] <= width  # no overflow
    page.locator("#milestone-trend").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"milestone-trend-{width}.png"))
    section = page.locator("#milestone-trend ~ *").filter(has_not=page.locator("h2"))
    section.first.screenshot(path=str(screenshots / f"milestone-trend-{width}-intro.png"))
    page.locator("figure:has(#chart-milestone-trend)").screenshot(
        path=str(screenshots / f"milestone-trend-{width}-chart.png")
    )
    accuracy = page.get_by_text("Forecast accuracy:").locator("xpath=..")
    accuracy.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"milestone-trend-{width}-accuracy.png"))


def test_the_performance_page_links_each_moving_milestone_to_its_trend(
    history_site: Site, new_context: OpenContext, screenshots: Path
) -> None:
    page, recorder = open_at(new_context, history_site, "/performance/")
    rows = page.locator("#moving ~ div table").first.locator("tbody tr")
    assert rows.count() == 3  # cycle 2, training and hypercare of the EHR upgrade; go-live paused in September
    page.locator("#moving").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "milestone-trend-performance.png"))
    rows.first.locator("a").click()
    page.wait_for_url(f"**{PATH}#milestone-trend")
    assert page.locator("#chart-milestone-trend").is_visible()
    assert not recorder.problems(), "\n".join(recorder.problems())


def test_the_trend_section_has_no_serious_accessibility_violation(
    history_site: Site, new_context: OpenContext, axe_js: Path
) -> None:
    page, _ = open_at(new_context, history_site, PATH)
    drawn(page, "chart-milestone-trend")
    page.add_script_tag(path=axe_js)
    violations = [without_theme_findings(v) for v in page.evaluate(RUN_AXE)]
    refused = [v for v in violations if v["nodes"] and v["impact"] in REFUSED]
    assert not refused, "\n".join(describe(v) for v in refused)
