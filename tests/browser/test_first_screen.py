"""Trouble on the first screen, measured in Chromium by bounding box at 1440×900: on the home page, the RAG counts,
the key figures, the top of "Needs attention" and the Start-here link; on a project page, its summary card."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import Recorder

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

    from .support import Site

SCREEN = {"width": 1440, "height": 900}


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, Recorder]]:
    context = browser.new_context(viewport=SCREEN, service_workers="block")
    context.set_default_timeout(15_000)
    recorder = Recorder()
    recorder.attach(context)
    yield context.new_page(), recorder
    context.close()


def first_screen(page: Page, selector: str) -> dict[str, float]:
    """The element's box; fails unless it is visible and wholly within the first screen, without scrolling."""
    element = page.locator(selector).first
    assert element.is_visible(), selector
    box = element.bounding_box()
    assert box is not None, selector
    assert box["height"] > 0 and box["y"] >= 0, (selector, box)
    assert box["y"] + box["height"] <= SCREEN["height"], (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN["width"], (selector, box)
    return box


def test_home_shows_trouble_without_scrolling(page: tuple[Page, Recorder], sample_site: Site) -> None:
    tab, recorder = page
    tab.goto(sample_site.address("/"), wait_until="networkidle")
    assert tab.evaluate("window.scrollY") == 0
    first_screen(tab, ".pmo-ragcounts")
    for rag in ("green", "amber", "red", "none"):  # each count in its RAG colour, named in words
        first_screen(tab, f".pmo-ragcount.pmo-rag-{rag}")
    red = tab.locator(".pmo-ragcount.pmo-rag-red")
    assert red.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(198, 40, 40)"  # .pmo-rag-red's colour
    assert "Red" in red.inner_text()
    figures = first_screen(tab, ".pmo-key-figures")
    assert tab.locator(".pmo-key-figures .pmo-tile").count() == 6
    first_screen(
        tab, ".pmo-key-figures .pmo-tone-amber, .pmo-key-figures .pmo-tone-red, .pmo-key-figures .pmo-tone-green"
    )
    heading = first_screen(tab, "#needs-attention h2")
    first_screen(tab, "#needs-attention a[href='attention/']")
    rows = tab.locator("#needs-attention tbody tr")
    assert rows.count() == 8  # capped: the sample has more
    first_screen(tab, "#needs-attention tbody tr:nth-child(1)")
    first_screen(tab, "#needs-attention tbody tr:nth-child(3)")
    start = first_screen(tab, ".pmo-start-here a")
    assert tab.locator(".pmo-start-here a").get_attribute("href") == "handbook/start-here/"
    assert start["y"] < figures["y"] and heading["y"] < SCREEN["height"] / 2  # beside the figures, not below
    assert not recorder.problems()


def test_the_link_reaches_every_project_needing_attention(page: tuple[Page, Recorder], sample_site: Site) -> None:
    tab, _ = page
    tab.goto(sample_site.address("/"), wait_until="networkidle")
    link = tab.locator("#needs-attention a[href='attention/']")
    total = int(link.inner_text().split()[1])  # "all 15 needing attention"
    link.click()
    tab.wait_for_url("**/attention/")
    assert tab.locator("article h1").inner_text() == "Needs attention"
    assert tab.locator("article tbody tr").count() == total


def test_a_project_page_opens_with_its_summary_card(page: tuple[Page, Recorder], sample_site: Site) -> None:
    tab, recorder = page
    tab.goto(sample_site.address("/projects/staff-rostering/"), wait_until="networkidle")
    card = first_screen(tab, ".pmo-card")
    labels = tab.locator(".pmo-card .pmo-card-label").all_inner_texts()
    assert labels[:3] == ["RAG", "Phase", "Schedule slip"] and "Next milestone" in labels
    roles = tab.locator("table", has=tab.locator("th", has_text="Who / what")).first.bounding_box()
    assert roles is not None and roles["y"] > card["y"] + card["height"]  # the roles table comes after
    assert not recorder.problems()
