"""The search box over the site's Pagefind index: nothing of the index loads with a page; a project is found by its
name, id and manager, with the words highlighted in a short excerpt; arrows, Enter and Esc work; on a phone in dark
mode too; and in a version's folder (as mike publishes it), the results stay in that version."""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from generator.data.load import load_portfolio
from generator.data.validate import validate_portfolio

from ..conftest import SAMPLE
from .conftest import serve
from .support import SEARCH_BOX, SEARCH_RESULT, open_at, search, search_result_paths

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from .support import OpenContext, Recorder, Site

PROJECT = "ehr-upgrade"
EXCERPT_WORDS = 30  # Pagefind's excerpt is 18 words around the match; a whole page flattened is hundreds


def index_requests(recorder: Recorder) -> list[str]:
    """The requests for the index's parts: its chunks of words and the pages' fragments."""
    return [url for url in recorder.requests if re.search(r"/pagefind/(fragment|index)/", url)]


def project() -> tuple[str, str]:
    """The sample project searched for: its name and its manager."""
    portfolio = validate_portfolio(load_portfolio(SAMPLE))
    found = portfolio.projects[PROJECT]
    return found.name, next(p.name for p in portfolio.people.people if p.id == found.manager)


def test_a_page_load_fetches_nothing_of_the_index(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, f"/projects/{PROJECT}/")
    assert not [url for url in recorder.requests if "/pagefind/" in url or "search_index" in url]
    page.locator("button.pmo-search__open").click()  # opening the box loads Pagefind's script, not the index
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/pagefind/pagefind.js") for url in recorder.requests)
    assert index_requests(recorder) == []
    page.locator(SEARCH_BOX).press_sequentially("upgrade", delay=10)
    expect(page.locator(SEARCH_RESULT).first).to_be_visible()
    assert index_requests(recorder)  # typing fetches the chunks of its words and the results' fragments
    assert recorder.problems() == []


def test_a_project_is_found_by_its_name_with_the_words_highlighted(sample_site: Site, new_context: OpenContext) -> None:
    name, _ = project()
    page, recorder = open_at(new_context, sample_site, "/")
    search(page, name)
    first = page.locator(SEARCH_RESULT).first
    assert urlsplit(first.get_attribute("href") or "").path == f"/projects/{PROJECT}/"
    assert first.locator(".pmo-search__title").inner_text() == name
    marks = first.locator(".pmo-search__excerpt mark").all_inner_texts()
    assert {word.strip(".,").lower() for word in marks} >= {"ehr", "upgrade"}, marks
    excerpt = first.locator(".pmo-search__excerpt").inner_text()
    assert len(excerpt.split()) <= EXCERPT_WORDS, excerpt  # a short excerpt around the match, not the page
    assert recorder.problems() == []


@pytest.mark.parametrize("what", ["id", "manager"])
def test_a_project_is_found_by_its_id_and_its_manager(what: str, sample_site: Site, new_context: OpenContext) -> None:
    _, manager = project()
    page, _ = open_at(new_context, sample_site, "/")
    search(page, PROJECT if what == "id" else manager)
    assert f"/projects/{PROJECT}/" in search_result_paths(page)


def test_handbook_and_lesson_pages_are_found_by_their_words(sample_site: Site, new_context: OpenContext) -> None:
    page, _ = open_at(new_context, sample_site, "/")
    search(page, "Clinician champions")  # a lesson's words
    assert "/handbook/lessons/" in search_result_paths(page)
    page.locator(SEARCH_BOX).fill("")
    page.locator(SEARCH_BOX).press_sequentially("benefits realisation", delay=10)
    expect(page.locator(SEARCH_RESULT).first).to_be_visible()
    assert any(path.startswith("/handbook/") for path in search_result_paths(page))


def test_a_result_opens_the_section_whose_words_it_found(sample_site: Site, new_context: OpenContext) -> None:
    """Words of one section of a long page: the result names that section under the page's title, shows that
    section's excerpt and opens the page at its heading."""
    page, recorder = open_at(new_context, sample_site, "/")
    search(page, "survey users")  # the lifecycle's post-implementation review
    result = page.locator(SEARCH_RESULT).filter(has_text="Project lifecycle").first
    href = urlsplit(result.get_attribute("href") or "")
    assert (href.path, href.fragment) == ("/handbook/lifecycle/", "post-implementation-review-pir")
    assert result.locator(".pmo-search__section").inner_text() == "Post-implementation review (PIR)"
    marks = {word.strip(".,").lower() for word in result.locator(".pmo-search__excerpt mark").all_inner_texts()}
    assert marks >= {"survey", "users"}, marks
    result.click()
    page.wait_for_url("**/handbook/lifecycle/#post-implementation-review-pir")
    heading = page.locator("#post-implementation-review-pir")
    expect(heading).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, 0)")
    search(page, "survey users")  # on the page it names: the box closes over the section, which scrolls in
    page.locator(SEARCH_RESULT).filter(has_text="Project lifecycle").first.click()
    expect(page.locator(".pmo-search__dialog")).to_be_hidden()
    expect(heading).to_be_in_viewport()
    assert recorder.problems() == []


def test_the_keyboard_chooses_and_opens_a_result(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/calendar/")
    page.keyboard.press("/")  # opens the box, as in Material
    box = page.locator(SEARCH_BOX)
    expect(box).to_be_focused()
    box.press_sequentially("EHR", delay=10)
    results = page.locator(SEARCH_RESULT)
    expect(results.nth(1)).to_be_visible()
    expect(results.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(results.nth(1)).to_have_attribute("aria-selected", "true")
    expect(results.first).to_have_attribute("aria-selected", "false")
    assert box.get_attribute("aria-activedescendant") == results.nth(1).get_attribute("id")
    box.press("ArrowUp")
    box.press("ArrowUp")  # from the first result to the last
    expect(results.last).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    target = urlsplit(results.first.get_attribute("href") or "").path
    box.press("Enter")
    page.wait_for_url(f"**{target}")
    page.keyboard.press("/")
    expect(page.locator(".pmo-search__dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".pmo-search__dialog")).to_be_hidden()
    assert recorder.problems() == []


def test_search_on_a_phone_in_dark_mode(sample_site: Site, new_context: OpenContext, screenshots: Path) -> None:
    context, recorder = new_context("mobile")
    page = context.new_page()
    page.emulate_media(color_scheme="dark")
    page.goto(sample_site.address(f"/projects/{PROJECT}/"), wait_until="networkidle")
    name, _ = project()
    search(page, name)
    dialog = page.locator(".pmo-search__dialog").bounding_box()
    assert dialog is not None and dialog["x"] >= 0 and dialog["x"] + dialog["width"] <= 390
    colors = page.locator(".pmo-search__dialog").evaluate(
        "d => [getComputedStyle(d).backgroundColor, getComputedStyle(d.querySelector('.pmo-search__title')).color]"
    )
    assert colors[0] != "rgb(255, 255, 255)" and colors[0] != colors[1], colors  # the slate palette's colours
    page.screenshot(path=screenshots / "search-mobile-dark.png")
    assert recorder.problems() == []


@pytest.fixture(scope="module")
def versioned_site(sample_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The sample site in a version's folder, as mike publishes it: served from a folder above."""
    root = tmp_path_factory.mktemp("versioned")
    shutil.copytree(sample_site.root, root / "2026-10")
    yield from serve("versioned", root)


def test_a_version_searches_its_own_index(versioned_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, versioned_site, f"/2026-10/projects/{PROJECT}/")
    search(page, PROJECT)
    assert f"/2026-10/projects/{PROJECT}/" in search_result_paths(page)
    assert all(path.startswith("/2026-10/") for path in search_result_paths(page))
    assert all("/2026-10/pagefind/" in url for url in recorder.requests if "/pagefind/" in url)
    assert recorder.problems() == []
