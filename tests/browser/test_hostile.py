"""The hostile portfolio in a real browser: no payload may run, whatever page shows it and whatever is clicked.

A trap is installed before any page script: alert, confirm and prompt are replaced by functions that report
their calls, and any console message or uncaught error naming "xss-" (every payload does) is recorded. Real
dialogs are recorded too. Each page must leave all of them empty.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from ..conftest import MINI
from .support import search

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .support import OpenContext, Recorder, Site

TRAP = """
(() => {
  for (const name of ["alert", "confirm", "prompt"]) {
    const trapped = function (...args) {
      try { window.__pmoTrap(name, String(args[0])); } catch (e) {}
      return name === "confirm" ? false : null;
    };
    Object.defineProperty(window, name, { value: trapped, writable: false, configurable: false });
  }
})();
"""


def _ids(folder: str) -> list[str]:
    return sorted(p.stem for p in (MINI / folder).glob("*.yaml"))


def _teams() -> list[str]:
    people = yaml.safe_load((MINI / "people.yaml").read_text(encoding="utf-8"))
    return [t["id"] for t in people["teams"]]


def _objectives() -> list[str]:
    settings = yaml.safe_load((MINI / "portfolio.yaml").read_text(encoding="utf-8"))
    return [o["id"] for o in settings["objectives"]]


# The hostile portfolio is the mini fixture with payloads added, so its pages are known before it is built.
HOSTILE_PAGES = [
    "/",
    "/projects/",
    *[f"/projects/{pid}/" for pid in _ids("projects")],
    "/programs/",
    *[f"/programs/{pid}/" for pid in _ids("programs")],
    "/objectives/",
    *[f"/objectives/{oid}/" for oid in _objectives()],
    "/requests/",
    *[f"/requests/{rid}/" for rid in _ids("requests")],
    "/calendar/",
    "/capacity/",
    *[f"/teams/{tid}/" for tid in _teams()],
]
SEARCHES = ["xss", "script"]
CLICKABLE = re.compile(r"^\s*(?:click me|x)\s*$")  # the link texts of the payloads that would run when clicked


def trapped_context(new_context: OpenContext) -> tuple[Page, Recorder]:
    context, recorder = new_context("desktop")

    def report(source: dict[str, Any], name: str, message: str) -> None:
        page = source.get("page")
        recorder.trap.append(f"{name}({message!r}) on {page.url if page else '?'}")

    context.expose_binding("__pmoTrap", report)
    context.add_init_script(TRAP)
    return context.new_page(), recorder


def verdict(recorder: Recorder) -> str:
    return "\n".join(
        [f"trap: {t}" for t in recorder.trap] + [f"dialog: {d}" for d in recorder.dialogs] + recorder.problems()
    )


def test_the_trap_catches_a_payload(hostile_site: Site, new_context: OpenContext) -> None:
    """The trap itself works: a payload run on purpose is recorded, so an empty record means something."""
    page, recorder = trapped_context(new_context)
    page.goto(hostile_site.address("/"), wait_until="load")
    page.evaluate("() => { alert('xss-selftest'); console.log('xss-selftest'); }")
    page.wait_for_timeout(100)
    assert any("alert('xss-selftest')" in t for t in recorder.trap), recorder.trap
    assert any("console.log" in t for t in recorder.trap), recorder.trap


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_no_payload_runs(path: str, hostile_site: Site, new_context: OpenContext) -> None:
    page, recorder = trapped_context(new_context)
    url = hostile_site.address(path)
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    # Every <a> showing a payload's link text, with or without the href a sanitizer may have removed.
    links = page.locator("a").filter(has_text=CLICKABLE)
    clicked = links.count()
    for index in range(clicked):
        link = links.nth(index)
        if link.is_visible():
            link.click(no_wait_after=True, timeout=5_000)
        else:  # folded away (a collapsed block): a script can still click it
            link.dispatch_event("click")
        page.wait_for_timeout(100)
        if page.url != url:
            page.goto(url, wait_until="networkidle")
    if found := verdict(recorder):
        pytest.fail(f"{path} ({clicked} payload links clicked):\n{found}", pytrace=False)


@pytest.mark.parametrize("query", SEARCHES)
def test_no_payload_runs_in_search_results(query: str, hostile_site: Site, new_context: OpenContext) -> None:
    page, recorder = trapped_context(new_context)
    page.goto(hostile_site.address("/"), wait_until="networkidle")
    search(page, query)
    page.wait_for_load_state("networkidle")
    more = page.locator(".md-search-result__more > summary")  # "N more on this page": render those results too
    for index in range(more.count()):
        more.nth(index).click()
    page.wait_for_timeout(200)
    if found := verdict(recorder):
        pytest.fail(f"search {query!r}:\n{found}", pytrace=False)
