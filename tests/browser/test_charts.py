"""Charts in a real Chromium: every chart of the chart pages is drawn with marks by the site's own Vega, shows a
tooltip when a mark is hovered, and the risk heat map filters the register when a cell is clicked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import PageSpec, first_program, first_project

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from .support import OpenContext, Site

CHART_PAGES = [
    PageSpec("home", "/"),
    PageSpec("roadmap", "/roadmap/"),
    PageSpec("project", first_project),
    PageSpec("program", first_program),
    PageSpec("performance", "/performance/"),
    PageSpec("prioritization", "/prioritization/"),
    PageSpec("risks", "/risks/"),
    PageSpec("benefits", "/benefits/"),
]
MARKS = "svg .mark-rect path, svg .mark-symbol path, svg .mark-line path, svg .mark-rule line, svg .mark-tick line"
TOOLTIP = "#vg-tooltip-element.visible"


def bbox(mark: Locator) -> dict[str, float] | None:
    return mark.bounding_box()  # type: ignore[return-value]


def largest_mark(chart: Locator) -> Locator:
    """The mark with the largest area (a hover target the mouse cannot miss)."""
    marks = chart.locator("svg .mark-rect path, svg .mark-symbol path")
    boxes = [(box["width"] * box["height"], i) for i in range(min(marks.count(), 60)) if (box := bbox(marks.nth(i)))]
    assert boxes, "the chart has no area mark to hover"
    return marks.nth(max(boxes)[1])


def hover_shows_tooltip(page: Page, chart: Locator) -> str:
    page.mouse.move(0, 0)
    mark = largest_mark(chart)
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(TOOLTIP, timeout=3000)
    return page.locator(TOOLTIP).inner_text()


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.name) for s in CHART_PAGES])
def test_every_chart_draws_marks_and_a_tooltip(spec: PageSpec, sample_site: Site, new_context: OpenContext) -> None:
    context, recorder = new_context("desktop")
    page = context.new_page()
    page.goto(sample_site.address(spec.resolve(sample_site.root)), wait_until="networkidle")
    charts = page.locator(".pmo-chart")
    assert charts.count() > 0, f"{spec.name} has no chart"
    for i in range(charts.count()):
        chart = charts.nth(i)
        name = chart.get_attribute("id")
        chart.locator("svg").first.wait_for(timeout=5000)
        assert chart.locator(MARKS).count() > 0, f"{name}: no marks"
        text = hover_shows_tooltip(page, chart)
        assert text.strip(), f"{name}: empty tooltip"
    assert not recorder.problems(), "\n".join(recorder.problems())
    assert not recorder.external


def test_heat_map_cell_filters_the_risk_register(sample_site: Site, new_context: OpenContext) -> None:
    context, recorder = new_context("desktop")
    page = context.new_page()
    page.goto(sample_site.address("/risks/"), wait_until="networkidle")
    rows = page.locator("#pmo-risk-table tbody tr:not([hidden])")
    everything = rows.count()
    counts = page.locator("#chart-risk-heatmap svg .mark-text text")  # a count is written in each cell with risks
    label = next(counts.nth(i) for i in range(counts.count()) if (counts.nth(i).text_content() or "").strip())
    expected = int(label.text_content() or "")
    label.click()
    assert page.locator("select[name=status]").input_value() == "open"
    cell = page.locator("select[name=cell]").input_value()
    probability, impact = (int(n) for n in cell.split("-"))
    assert rows.count() == expected < everything
    for i in range(rows.count()):
        assert rows.nth(i).get_attribute("data-cell") == cell
        assert rows.nth(i).locator("td:nth-child(8)").inner_text() == "open"
    assert f"{probability}-{impact}" == cell
    assert not recorder.problems(), "\n".join(recorder.problems())
