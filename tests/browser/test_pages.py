"""Every page of the sample site, at desktop and phone size, in a real Chromium: it loads, logs no error,
requests nothing that fails and nothing from another host; a full-page screenshot of each is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import (
    VIEWPORTS,
    PageSpec,
    first_program,
    first_project,
    first_project_name,
    first_team,
    open_at,
    search,
    search_result_paths,
)

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from .support import OpenContext, Recorder, Site

# The pages under test, one line each. A `path` function finds the page in the built site.
PAGES = [
    PageSpec("home", "/"),
    PageSpec("register", "/projects/"),
    PageSpec("attention", "/attention/"),  # every project needing attention (the home shows the first 8)
    PageSpec("project", first_project),  # the first project in the register
    PageSpec("project-charts", "/projects/ehr-upgrade/"),  # status history and milestones: S-curve, RAG, milestones
    PageSpec("program", first_program),  # the first program in the program list
    PageSpec("calendar", "/calendar/"),
    PageSpec("handbook", "/handbook/lifecycle/"),
    PageSpec("search", "/", search=first_project_name),  # home, with a project's name typed into the search box
    PageSpec("demand", "/requests/"),
    PageSpec("roadmap", "/roadmap/"),
    PageSpec("performance", "/performance/"),
    PageSpec("prioritization", "/prioritization/"),
    PageSpec("risks", "/risks/"),
    PageSpec("benefits", "/benefits/"),
    PageSpec("capacity", "/capacity/"),
    PageSpec("governance", "/governance/"),  # findings by rule and program, waivers, scores
    PageSpec("handbook-governance", "/handbook/governance/"),  # decision rights and rules from governance.yaml
    PageSpec("team", first_team),  # an over-allocated team, flagged on the home page
    PageSpec("glossary", "/handbook/glossary/"),
    PageSpec("raci", "/handbook/roles/"),  # the roles and the RACI matrix
    PageSpec("role", "/handbook/roles/project-manager/"),  # a role page with its holders from the data
    PageSpec("lessons", "/handbook/lessons/"),  # the lessons library, filterable
    PageSpec("template", "/handbook/templates/risk-register/"),  # a template page with its download
    PageSpec("kpis", "/handbook/kpis/"),  # KPI definitions written from the registry
]


def page_params() -> list[object]:
    return [pytest.param(spec, id=spec.name) for spec in PAGES]


def open_page(page: Page, site: Site, spec: PageSpec) -> None:
    """Open `spec` on `site` as a person would, ending with the page settled (no request for half a second)."""
    response = page.goto(site.address(spec.resolve(site.root)), wait_until="networkidle")
    assert response is not None and response.status == 200, f"{spec.name}: HTTP {response and response.status}"
    if spec.search is not None:
        search(page, spec.search(site.root))
        page.wait_for_load_state("networkidle")


def report(recorder: Recorder) -> str:
    return "\n".join(recorder.problems())


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("spec", page_params())
def test_page_loads_cleanly(
    spec: PageSpec, viewport: str, sample_site: Site, new_context: OpenContext, screenshots: Path
) -> None:
    context, recorder = new_context(viewport)
    page = context.new_page()
    open_page(page, sample_site, spec)
    page.screenshot(path=screenshots / f"sample-{spec.name}-{viewport}.png", full_page=True)
    if recorder.problems():
        pytest.fail(f"{spec.name} at {viewport} ({page.url}):\n{report(recorder)}", pytrace=False)
    assert any(url.startswith(sample_site.url) for url in recorder.requests)
    charts = page.locator(".pmo-chart")
    for i in range(charts.count()):  # every chart was drawn, by the Vega the site serves itself
        assert charts.nth(i).locator("svg .mark-rect path, svg .mark-symbol path").count() > 0, f"chart {i} empty"


def test_search_finds_a_project_by_its_exact_name(sample_site: Site, new_context: OpenContext) -> None:
    """The search box reads the site's own Pagefind index: it must work with no other host around."""
    page, recorder = open_at(new_context, sample_site, "/")
    target = first_project(sample_site.root)
    search(page, first_project_name(sample_site.root))
    assert target in search_result_paths(page), f"no search result links to {target}: {search_result_paths(page)}"
    assert any("/pagefind/fragment/" in url for url in recorder.requests)
    if recorder.problems():
        pytest.fail(f"search ({page.url}):\n{report(recorder)}", pytrace=False)
    page.locator(f'.pmo-search__results a[href*="{target}"]').first.click()
    page.wait_for_url(f"**{target}**")
    assert first_project_name(sample_site.root) in page.locator("h1").first.inner_text()


def test_register_filters_and_sorts_in_the_browser(sample_site: Site, new_context: OpenContext) -> None:
    """The register filters by program, phase and RAG and sorts by any column, with the site's own script."""
    page, recorder = open_at(new_context, sample_site, "/projects/")
    rows = page.locator("#pmo-register-table tbody tr:not([hidden])")
    everything = rows.count()
    page.select_option("select[name=phase]", "execution")
    phases = rows.locator("td:nth-child(4)").all_inner_texts()
    assert 0 < len(phases) < everything and set(phases) == {"Execution"}
    assert page.locator("form.pmo-filters output").inner_text() == f"{len(phases)} shown"
    page.select_option("select[name=rag]", "red")
    assert set(rows.locator("td:nth-child(6)").all_inner_texts()) <= {"Red"}
    page.select_option("select[name=rag]", "")
    page.select_option("select[name=phase]", "")
    assert rows.count() == everything
    page.click("#pmo-register-table thead th:nth-child(9) button")  # Budget, ascending
    budgets = [float(t.replace("€", "").replace(",", "")) for t in rows.locator("td:nth-child(9)").all_inner_texts()]
    assert budgets == sorted(budgets)
    page.click("#pmo-register-table thead th:nth-child(9) button")  # and descending
    again = [float(t.replace("€", "").replace(",", "")) for t in rows.locator("td:nth-child(9)").all_inner_texts()]
    assert again == sorted(budgets, reverse=True)
    assert page.locator("#pmo-register-table thead th:nth-child(9)").get_attribute("aria-sort") == "descending"
    if recorder.problems():
        pytest.fail(f"register:\n{report(recorder)}", pytrace=False)


def test_risk_register_filters_by_status(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/risks/")
    rows = page.locator("#pmo-risk-table tbody tr:not([hidden])")
    everything = rows.count()
    page.select_option("select[name=status]", "closed")
    statuses = rows.locator("td:nth-child(8)").all_inner_texts()
    assert 0 < len(statuses) < everything and set(statuses) == {"closed"}
    assert page.locator("svg .mark-rect path").count() >= 25  # the 5 × 5 heat map was drawn
    if recorder.problems():
        pytest.fail(f"risks:\n{report(recorder)}", pytrace=False)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_capacity_heat_map_shows_a_tooltip(viewport: str, sample_site: Site, new_context: OpenContext) -> None:
    """Pointing at an over-allocated cell of the heat map shows its figures in Vega's tooltip."""
    context, recorder = new_context(viewport)
    page = context.new_page()
    page.goto(sample_site.address("/capacity/"), wait_until="networkidle")
    cells = page.locator("#chart-capacity-heatmap svg .mark-rect path")
    assert cells.count() >= 12  # a row of 12 months per team
    over = page.locator('#chart-capacity-heatmap svg .mark-rect path[fill="#c62828"]').first
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    text = " ".join(tooltip.inner_text().split())
    assert "Over-allocated yes" in text and "Demand (FTE)" in text and "Largest demands" in text, text
    if recorder.problems():
        pytest.fail(f"capacity at {viewport}:\n{report(recorder)}", pytrace=False)


def test_lessons_library_filters_and_searches(sample_site: Site, new_context: OpenContext) -> None:
    """The search box keeps the lessons with all its words; a category left empty is hidden with its heading."""
    page, recorder = open_at(new_context, sample_site, "/handbook/lessons/")
    rows = page.locator("table[id^=pmo-lessons-] tbody tr:not([hidden])")
    everything = rows.count()
    assert everything > 5
    page.fill("form.pmo-filters input[type=search]", "Champion")  # case does not matter
    kept = rows.all_inner_texts()
    assert 0 < len(kept) < everything and all("champion" in row.lower() for row in kept)
    assert page.locator("form.pmo-filters output").inner_text() == f"{len(kept)} shown"
    assert page.locator("table[id^=pmo-lessons-][hidden]").count() > 0
    assert page.locator("#lessons-governance").is_hidden()  # no governance lesson mentions champions
    page.fill("form.pmo-filters input[type=search]", "")
    assert rows.count() == everything and page.locator("#lessons-governance").is_visible()
    page.select_option("select[name=phase]", "closed")
    assert set(rows.locator("td:nth-child(4)").all_inner_texts()) == {"Closed"}
    page.select_option("select[name=phase]", "")
    # a category's name finds its lessons, though their text need not say it
    vendors = page.locator("#pmo-lessons-vendor-management tbody tr")
    page.fill("form.pmo-filters input[type=search]", "vendor management")
    assert rows.count() == vendors.count() > 0
    assert any("vendor" not in text.lower() for text in vendors.all_inner_texts())
    page.fill("form.pmo-filters input[type=search]", "")
    page.select_option("select[name=category]", "vendor-management")
    assert rows.count() == vendors.count() and page.locator("#lessons-governance").is_hidden()
    if recorder.problems():
        pytest.fail(f"lessons:\n{report(recorder)}", pytrace=False)


def test_number_columns_are_right_aligned(sample_site: Site, new_context: OpenContext) -> None:
    """Tables name their aligned columns once (data-pmo-num / data-pmo-mid); pmo.css aligns the cells."""
    page, _ = open_at(new_context, sample_site, "/projects/ehr-upgrade/")
    alignments = page.evaluate(
        """() => [...document.querySelectorAll('article table[data-pmo-num]')].map(table => {
            const cell = n => getComputedStyle(table.querySelector(`tbody tr > :nth-child(${n})`)).textAlign;
            return table.dataset.pmoNum.split(' ').map(cell).concat([cell(1)]);
        })"""
    )
    assert len(alignments) >= 3
    for *numbers, first in alignments:
        assert set(numbers) == {"right"} and first != "right", alignments


def test_the_home_page_counts_fit_beside_the_table_of_contents(sample_site: Site, new_context: OpenContext) -> None:
    """Every phase of "Projects by phase" shows on a laptop screen, without scrolling the table sideways."""
    page, _ = open_at(new_context, sample_site, "/")  # 1366 px wide
    widths = page.evaluate(
        """() => [...document.querySelectorAll('article table[data-pmo-counts]')].map(table => {
            const box = table.closest('.md-typeset__scrollwrap') || table;
            return [box.scrollWidth, box.clientWidth, table.querySelectorAll('th').length];
        })"""
    )
    assert len(widths) == 1 and widths[0][2] == 8, widths  # the sample has a project in every phase (RAG: tiles)
    for scroll, client, _ in widths:
        assert scroll <= client, widths
