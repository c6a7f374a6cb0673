"""The trend charts: a project's cost S-curve, milestones and RAG history, and the portfolio trend on the
Performance page. Valid Vega-Lite, a tooltip on every mark, a text alternative, the data as a table; the
numbers are the hand-computed ones of the mini portfolio (as_of 2026-03-02)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import altair as alt
import pytest

from generator.charts.specs import chart_scripts
from generator.pages.performance import performance_page
from generator.pages.project import project_page
from generator.pipeline import prepare, read_portfolio
from generator.widgets.blocks import unmark

from .conftest import MINI, SAMPLE, Edit
from .test_charts import inline_specs, specs

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def analysis():
    return prepare(read_portfolio(MINI), "org")


def charts_of(page: str) -> dict[str, dict]:
    """The page's charts by their element id, as full Vega-Lite specs."""
    ids = re.findall(r'class="pmo-chart-spec" data-for="([^"]+)"', page)
    return dict(zip(ids, specs(page), strict=True))


def assert_drawable(spec: dict) -> None:
    alt.LayerChart.from_dict(spec, validate=True)  # raises on anything the Vega-Lite schema refuses
    assert spec["title"]
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])


def caption(page: str, chart_id: str) -> str:
    return re.search(rf'id="{chart_id}" role="img" aria-label="([^"]+)"', page).group(1)


def test_s_curve_plots_pv_ev_and_ac_at_each_report(analysis) -> None:
    page = project_page(analysis, "crm")
    spec = charts_of(page)["chart-s-curve"]
    assert_drawable(spec)
    # 120 planned days, budget 100,000: PV is 25,000 on day 30, 48,333 on day 58 (the report of 28 February),
    # 50,000 on day 60 (as_of), the budget at the baseline finish; EV = 100,000 × % complete.
    assert spec["datasets"]["values"] == [
        {"d": "2026-01-01", "PV": 0},
        {"d": "2026-01-31", "PV": 25000, "EV": 20000, "AC": 20000},
        {"d": "2026-02-28", "PV": 48333, "EV": 40000, "AC": 45000},
        {"d": "2026-03-02", "PV": 50000},
        {"d": "2026-05-01", "PV": 100000},
    ]
    assert spec["datasets"]["as_of"] == [{"date": "2026-03-02"}]
    text = caption(page, "chart-s-curve")
    assert "2 status reports from 2026-01-31 to 2026-02-28" in text
    assert "EV €40,000, PV €48,333, AC €45,000" in text


def test_rag_history_shows_reported_and_derived_rag(analysis) -> None:
    page = project_page(analysis, "crm")
    spec = charts_of(page)["chart-rag-history"]
    assert_drawable(spec)
    # SPI 0.80 and 0.83 are both below 0.85: red, whatever the project reported.
    assert spec["datasets"]["reports"] == [
        {"d": "2026-01-31", "reported": "green", "derived": "red", "spi": "0.80", "cpi": "1.00"},
        {"d": "2026-02-28", "reported": "amber", "derived": "red", "spi": "0.83", "cpi": "0.89"},
    ]
    assert "reported 1 green, 1 amber, 0 red" in caption(page, "chart-rag-history")


def test_the_history_table_holds_the_charts_figures(analysis) -> None:
    trends = unmark(project_page(analysis, "crm")).split("## Trends")[1]
    table = trends.split("Earned value at each status report</strong>")[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert len(rows) == 3  # the header and the two reports, newest first
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[1])
    assert cells[0] == "2026-02-28"
    assert cells[3:] == ["€48,333", "€40,000", "€45,000", "0.83", "0.89"]


def test_milestone_chart_has_baseline_and_forecast_or_actual(analysis) -> None:
    page = project_page(analysis, "crm")
    spec = charts_of(page)["chart-milestones"]
    assert_drawable(spec)
    assert spec["datasets"]["milestones"] == [
        {"m": "Design sign-off", "b": "2026-01-31", "e": "2026-02-12", "s": "done", "slip": 12},
        {"m": "Go-live", "b": "2026-05-01", "e": "2026-05-20", "s": "late", "slip": 19},
    ]
    assert "1 done, 1 forecast late, 0 forecast on time or early; the largest slip is +19 d" in caption(
        page, "chart-milestones"
    )


def test_milestones_of_the_same_name_get_a_row_each(edit: Edit, mini: Path) -> None:
    edit("projects/crm.yaml", "{name: Go-live,", "{name: Design sign-off,")
    page = project_page(prepare(read_portfolio(mini), "org"), "crm")
    rows = charts_of(page)["chart-milestones"]["datasets"]["milestones"]
    assert [r["m"] for r in rows] == ["Design sign-off (1)", "Design sign-off (2)"]


def without(path: Path, key: str) -> None:
    """The project file with the list under `key` emptied."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"^{key}:\n(?:  - .*\n)+", f"{key}: []\n", text, flags=re.M), encoding="utf-8")


def test_a_project_without_reports_says_so(mini: Path) -> None:
    without(mini / "projects/crm.yaml", "status")
    page = project_page(prepare(read_portfolio(mini), "org"), "crm")
    assert set(charts_of(page)) == {"chart-milestones"}
    assert "## Trends" in unmark(page) and "No status report yet." in unmark(page).split("## Trends")[1]
    assert page.rstrip().endswith(chart_scripts("projects/crm.md").rstrip())


def test_a_project_without_reports_or_milestones_has_no_chart_scripts(mini: Path) -> None:
    without(mini / "projects/crm.yaml", "status")
    without(mini / "projects/crm.yaml", "milestones")
    page = project_page(prepare(read_portfolio(mini), "org"), "crm")
    assert charts_of(page) == {} and "vega.js" not in page


def test_project_page_loads_the_chart_scripts_once_at_the_end(analysis) -> None:
    page = project_page(analysis, "crm")
    assert page.rstrip().endswith(chart_scripts("projects/crm.md").rstrip())
    assert page.count("chart-templates.js") == 1


def test_sample_project_charts_are_valid() -> None:
    analysis = prepare(read_portfolio(SAMPLE), "org")
    page = project_page(analysis, "ehr-upgrade")
    charts = charts_of(page)
    assert set(charts) == {"chart-milestones", "chart-s-curve", "chart-rag-history"}
    for spec in charts.values():
        assert_drawable(spec)
    assert len(charts["chart-rag-history"]["datasets"]["reports"]) == len(analysis.project("ehr-upgrade").status)


def test_portfolio_trend_on_the_performance_page(analysis) -> None:
    page = unmark(performance_page(analysis))
    trend = page.split("## Trend")[1]
    charts = charts_of(trend)
    assert set(charts) == {"chart-trend", "chart-rag-counts"}
    for spec in charts.values():
        assert_drawable(spec)
    periods = charts["chart-trend"]["datasets"]["periods"]
    assert [p["p"] for p in periods] == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    by = {p["p"]: p for p in periods}
    # Nothing reported before December; identity (closed) counts only in December, when it reported:
    # PV 50,000 (its baseline finish), EV 50,000, AC 48,000. crm's reports count from January and carry on.
    assert by["2025-11"] == {"p": "2025-11", "n": 0}  # no index where none is defined
    assert by["2025-12"] == {"p": "2025-12", "n": 1, "SPI": 1.0, "CPI": round(50000 / 48000, 3)}
    assert by["2026-01"] == {"p": "2026-01", "n": 1, "SPI": 0.8, "CPI": 1.0}
    assert by["2026-03"] == {"p": "2026-03", "n": 1, "SPI": round(40000 / (100000 * 58 / 120), 3), "CPI": 0.889}
    counts = {p["p"]: p for p in charts["chart-rag-counts"]["datasets"]["periods"]}
    assert counts["2026-02"] == {"p": "2026-02", "green": 0, "amber": 1, "red": 0}
    assert counts["2025-12"] == {"p": "2025-12", "green": 1, "amber": 0, "red": 0}
    rows = re.findall(r"<tr>(.*?)</tr>", trend.split("</figure>")[-1], re.S)
    assert len(rows) == 13  # the header and the 12 months
    november = re.findall(r"<td[^>]*>(.*?)</td>", rows[8])
    assert november[0] == "2025-11" and november[1] == "0"
    assert 'n/a<span class="pmo-na-why"> (no project counted this month)</span>' in rows[8]
    assert "SPI 1.00 in 2025-12 to 0.83 in 2026-03" in caption(trend, "chart-trend")


def test_every_page_chart_carries_only_name_title_data_and_overrides() -> None:
    analysis = prepare(read_portfolio(SAMPLE), "org")
    pages = [performance_page(analysis), project_page(analysis, "ehr-upgrade")]
    for spec in (spec for page in pages for spec in inline_specs(page)):
        assert set(spec) <= {"template", "title", "datasets", "height", "autosize"}, sorted(spec)
