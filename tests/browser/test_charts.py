"""Every chart of the sample site in a real Chromium: drawn from its template (served once for the site) and its
inline data, with a tooltip on every kind of mark, over HTTP and when the site is opened from disk; a click on the
risk heat map filters the risk register."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import open_at

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

    from .support import OpenContext, Site

# Pages with charts, and the charts each must show (by element id); a project with status reports and milestones.
CHART_PAGES = {
    "/": ["chart-rag-by-program", "chart-phase-by-program", "chart-spend"],
    "/projects/ehr-upgrade/": ["chart-milestones", "chart-s-curve", "chart-rag-history"],
    "/programs/clinical-systems/": ["chart-roadmap"],
    "/performance/": ["chart-spi-cpi", "chart-trend", "chart-rag-counts"],
    "/roadmap/": ["chart-roadmap"],
    "/prioritization/": ["chart-priority", "chart-value-risk"],
    "/risks/": ["chart-risk-heatmap"],
    "/capacity/": ["chart-capacity-heatmap"],
    "/teams/web-platform/": ["chart-team-load"],
    "/benefits/": ["chart-benefits"],
}
# Mark kinds that must answer a hover with a tooltip (a line's own path is thin and curved; its points carry the
# same tooltip and are checked as symbols).
HOVERED = ("symbol", "rect", "rule")
TOOLTIP = "#vg-tooltip-element.visible"


def drawn(page: Page, chart_id: str) -> Locator:
    chart = page.locator(f"#{chart_id}")
    chart.locator("svg").wait_for()
    return chart


def hover_shows_tooltip(page: Page, mark: Locator, kind: str) -> str:
    from playwright.sync_api import expect

    tooltip = page.locator(TOOLTIP)
    page.mouse.move(0, 0)  # off every mark first, so that the tooltip seen next is this mark's
    expect(tooltip).to_have_count(0)
    box = mark.bounding_box()
    assert box is not None
    # A rule may be dashed: its middle can fall in a gap, its first pixels are always drawn.
    position = {"x": min(1.5, box["width"] / 2), "y": min(1.5, box["height"] / 2)} if kind == "rule" else None
    mark.hover(force=True, position=position)
    expect(tooltip).to_have_count(1)
    return tooltip.inner_text()


@pytest.mark.parametrize("path", list(CHART_PAGES))
def test_every_chart_draws_and_every_mark_has_a_tooltip(path: str, sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, path)
    ids = page.locator(".pmo-chart").evaluate_all("charts => charts.map(c => c.id)")
    assert set(CHART_PAGES[path]) <= set(ids), ids
    assert any(url.endswith("/assets/pmo/chart-templates.js") for url in recorder.requests)
    for chart_id in ids:
        chart = drawn(page, chart_id)
        kinds = [kind for kind in HOVERED if chart.locator(f"svg g.mark-{kind}.role-mark > *").count()]
        assert {"symbol", "rect"} & set(kinds), f"{path} {chart_id}: no point, square or bar drawn"
        for kind in kinds:
            mark = chart.locator(f"svg g.mark-{kind}.role-mark > *").first
            mark.scroll_into_view_if_needed()
            text = hover_shows_tooltip(page, mark, kind)
            assert text.strip(), f"{path} {chart_id}: empty tooltip on a {kind} mark"
    assert not recorder.problems(), "\n".join(recorder.problems())


def test_charts_are_drawn_when_the_site_is_opened_from_disk(sample_site: Site, browser: Browser) -> None:
    """From file:// a script may not fetch JSON: the templates come as a script, which loads there too."""
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        problems: list[str] = []
        # the search index loads only when the search box opens: nothing of it is requested here
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
        page.goto((sample_site.root / "projects" / "ehr-upgrade" / "index.html").as_uri(), wait_until="load")
        for chart_id in CHART_PAGES["/projects/ehr-upgrade/"]:
            assert drawn(page, chart_id).locator("svg g.mark-symbol.role-mark path").count() > 0, chart_id
        assert not problems, problems
    finally:
        context.close()


def test_heat_map_cell_filters_the_risk_register(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/risks/")
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


@pytest.mark.parametrize("path", list(CHART_PAGES))
def test_every_chart_fits_a_phone_screen(path: str, sample_site: Site, new_context: OpenContext) -> None:
    """On a 390 px phone each chart's drawing (title, legend, row names and marks) stays inside its container:
    row names are cut short there (the table under the chart has them in full), never the chart itself."""
    page, _ = open_at(new_context, sample_site, path, "mobile")
    widths = {}
    for chart_id in page.locator(".pmo-chart").evaluate_all("charts => charts.map(c => c.id)"):
        svg = drawn(page, chart_id).locator("svg").first
        # the text Vega shows (titles, legends, axis labels; not those it hides with opacity 0) against the box it
        # has: text beyond the box is cut off
        widths[chart_id] = svg.evaluate(
            """s => {
                const room = s.parentElement.getBoundingClientRect();
                const shown = [...s.querySelectorAll("text")].filter(t => !t.closest('[opacity="0"]')
                    && getComputedStyle(t).opacity !== "0" && t.textContent.trim());
                const right = Math.max(0, ...shown.map(t => t.getBoundingClientRect().right - room.left));
                const left = Math.min(room.width, ...shown.map(t => t.getBoundingClientRect().left - room.left));
                return [Math.round(left), Math.round(right), Math.round(room.width)];
            }"""
        )
    cut = {chart_id: w for chart_id, w in widths.items() if w[0] < -1 or w[1] > w[2] + 1}
    assert widths and not cut, f"{path}: charts cut on a phone (drawn from, to; room): {cut}"
