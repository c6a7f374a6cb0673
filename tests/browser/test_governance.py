"""The Governance page in Chromium, on the mini portfolio with tests/governance_fixture.py's governance.yaml (its
findings worked out by hand there): the severity filter keeps the rows of a severity in both lists and says how
many; a count of the matrix opens the list filtered to its findings; every table fits at desktop widths and is
cards on a phone."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from ..conftest import MINI
from ..governance_fixture import add_governance
from .conftest import build, serve
from .test_layout import MEASURE, PHONE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Page

    from .support import OpenContext, Site

SHOWN = """(id) => [...document.querySelectorAll(`#${id} tbody tr`)].filter(r => !r.hidden)
  .map(r => r.dataset.rule + ":" + r.dataset.severity)"""


@pytest.fixture(scope="module")
def governed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("browser-governed")
    shutil.copytree(MINI, folder / "portfolio")
    out = build(add_governance(folder / "portfolio"), folder / "site", "pmo")
    yield from serve("governed", out)


def _open(new_context: OpenContext, site: Site, path: str, viewport: str = "desktop") -> Page:
    context, _ = new_context(viewport)
    page = context.new_page()
    page.goto(site.address(path), wait_until="networkidle")
    return page


def test_filtering_by_severity_keeps_its_findings_in_both_lists(governed_site: Site, new_context: OpenContext) -> None:
    page = _open(new_context, governed_site, "/governance/")
    assert page.locator(".pmo-filters output").inner_text() == "6 shown"
    page.select_option("select[name=severity]", "warning")
    assert page.evaluate(SHOWN, "pmo-findings") == [
        "benefits-owned:warning",
        "gdpr-checklist:warning",
        "waiver-expired:warning",
    ]
    assert page.locator(".pmo-filters output").inner_text() == "3 shown"
    # the waived list holds no warning: it and its heading are hidden
    assert page.locator("#pmo-waived-findings").is_hidden() and page.locator("#waived-findings").is_hidden()
    assert "severity=warning" in page.url  # a link to the view
    page.select_option("select[name=severity]", "info")
    assert page.evaluate(SHOWN, "pmo-findings") == ["triage:info"]
    assert page.evaluate(SHOWN, "pmo-waived-findings") == ["fields:info"]


def test_a_count_of_the_matrix_lists_its_findings(governed_site: Site, new_context: OpenContext) -> None:
    page = _open(new_context, governed_site, "/governance/")
    row = page.locator("#pmo-governance-matrix tbody tr", has_text="G2-baseline")
    row.locator("a.pmo-sev").first.click()
    page.wait_for_load_state("networkidle")
    assert "rule=G2-baseline" in page.url and "program=front-door" in page.url
    assert page.evaluate(SHOWN, "pmo-findings") == ["G2-baseline:error"]
    assert page.locator("select[name=rule]").input_value() == "G2-baseline"


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_every_table_fits_at_desktop_widths(width: int, governed_site: Site, new_context: OpenContext) -> None:
    context, _ = new_context("desktop")
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    for path in ("/governance/", "/projects/crm/", "/projects/identity/"):
        page.goto(governed_site.address(path), wait_until="networkidle")
        assert page.evaluate(MEASURE, False) == [], (path, width)


def test_every_table_is_cards_on_a_phone(governed_site: Site, new_context: OpenContext) -> None:
    page = _open(new_context, governed_site, "/governance/", "mobile")
    assert page.viewport_size is not None and page.viewport_size["width"] == PHONE
    assert page.evaluate(MEASURE, True) == []
