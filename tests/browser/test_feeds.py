"""The feeds, as a browser reaches them: the calendar page's link downloads a calendar that parses, and a published
version's pages name the change feed in their head, at an address that answers with the Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from icalendar import Calendar

from .support import open_at
from .test_axe import REFUSED, RUN_AXE, describe, without_theme_findings
from .test_versions import versioned_site

if TYPE_CHECKING:
    from pathlib import Path

    from .support import OpenContext, Site

__all__ = ["versioned_site"]  # the fixture, used by name
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_calendar_page_downloads_a_calendar_that_parses(
    sample_site: Site, new_context: OpenContext, tmp_path: Path, screenshots: Path
) -> None:
    page, recorder = open_at(new_context, sample_site, "/calendar/")
    links = page.locator(".pmo-feeds a[download]")
    assert links.count() == 1 + len(
        list((sample_site.root / "calendar").glob("*.ics"))
    )  # the whole one, a program each
    page.screenshot(path=screenshots / "calendar-subscribe-desktop.png")
    with page.expect_download() as info:
        links.first.click()
    assert info.value.suggested_filename == "calendar.ics"
    target = tmp_path / "calendar.ics"
    info.value.save_as(target)
    calendar = Calendar.from_ical(target.read_bytes())
    events = calendar.walk("VEVENT")
    assert str(calendar["X-WR-CALNAME"]) == "Northwind Health IT calendar"
    assert any(str(e["SUMMARY"]) == "Year-end change freeze" for e in events)
    assert any("milestone" in [str(c) for c in e["CATEGORIES"].cats] for e in events)
    assert not recorder.problems(), "\n".join(recorder.problems())


def test_a_published_page_names_the_change_feed_which_answers(versioned_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, versioned_site, "/2026-10/projects/crm/")
    link = page.locator('head link[rel=alternate][type="application/atom+xml"]')
    assert link.count() == 1
    href = link.evaluate("element => element.href")  # the address the browser resolves, as a feed reader does
    assert href == versioned_site.address("/changes.xml")
    answer = page.request.get(href)
    assert answer.ok
    root = ET.fromstring(answer.body())
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["2026-10: changes since 2026-09", "2026-09: the first published version"]
    assert not recorder.problems(), "\n".join(recorder.problems())


def test_the_calendar_page_with_its_subscribe_links_is_accessible(
    sample_site: Site, new_context: OpenContext, axe_js: Path
) -> None:
    page, _ = open_at(new_context, sample_site, "/calendar/")
    page.add_script_tag(path=axe_js)
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    refused = [v for v in map(without_theme_findings, violations) if v["nodes"] and v["impact"] in REFUSED]
    assert not refused, "\n".join(describe(v) for v in refused)
