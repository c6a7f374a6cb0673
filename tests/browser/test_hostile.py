"""The hostile portfolio in a real browser: no payload may run, whatever page shows it and whatever is clicked,
hovered or focused.

A trap is installed before any page script: alert, confirm and prompt are replaced by functions that report
their calls, any console message or uncaught error naming "xss-" (every payload does) is recorded, and so is
every element that carries the fixtures' marker attribute (only markup made from data can). Real dialogs are
recorded too. Each page must leave all of them empty.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from ..conftest import MINI
from ..hostile import INJECTED, tooltip_payload
from .support import SEARCH_RESULT, VIEWPORTS, search

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .support import OpenContext, Recorder, Site

TRAP = """
(() => {
  const report = (name, message) => {
    try { window.__pmoTrap(name, message); } catch (e) {}
  };
  for (const name of ["alert", "confirm", "prompt"]) {
    const trapped = function (...args) {
      report(name, String(args[0]));
      return name === "confirm" ? false : null;
    };
    Object.defineProperty(window, name, { value: trapped, writable: false, configurable: false });
  }
  // Markup made from data, however short-lived (a tooltip is removed again when the pointer leaves).
  const marked = (node) =>
    node.nodeType === 1 ? [node, ...node.querySelectorAll("[MARKER]")].filter((e) => e.hasAttribute("MARKER")) : [];
  new MutationObserver((records) => {
    for (const record of records) {
      const found = record.type === "attributes" ? [record.target] : [...record.addedNodes].flatMap(marked);
      for (const element of found) report("injected", element.outerHTML.slice(0, 160));
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["MARKER"] });
})();
""".replace("MARKER", INJECTED)


def _ids(folder: str) -> list[str]:
    return sorted(p.stem for p in (MINI / folder).glob("*.yaml"))


def _teams() -> list[str]:
    people = yaml.safe_load((MINI / "people.yaml").read_text(encoding="utf-8"))
    return [t["id"] for t in people["teams"]]


def _objectives() -> list[str]:
    settings = yaml.safe_load((MINI / "portfolio.yaml").read_text(encoding="utf-8"))
    return [o["id"] for o in settings["objectives"]]


# The hostile portfolio is the mini fixture with payloads added, so its pages are known before it is built: every
# page that shows data (every text field holds a payload, so those are the pages showing "xss-"; the changes page
# needs a git history and is not built). test_every_page_showing_data_is_checked keeps this list in step.
PROJECTS = [f"/projects/{pid}/" for pid in _ids("projects")]  # one of them has a withheld budget
PROGRAMS = [f"/programs/{pid}/" for pid in _ids("programs")]
OBJECTIVES = [f"/objectives/{oid}/" for oid in _objectives()]
REQUESTS = [f"/requests/{rid}/" for rid in _ids("requests")]
TEAMS = [f"/teams/{tid}/" for tid in _teams()]
# the handbook pages whose markers render the portfolio (roles only for the roles people hold in the fixture)
ROLES = [f"/handbook/roles/{role}/" for role in ["program-manager", "project-manager", "sponsor", "steering-committee"]]
# and the pages whose tables come from governance.yaml
GOVERNED = ["/handbook/governance/", "/handbook/lifecycle/", "/handbook/compliance/"]
HANDBOOK_WITH_DATA = ["/handbook/demand-management/", "/handbook/lessons/", *ROLES, *GOVERNED]
PORTFOLIO_VIEWS = [
    f"/{view}/"
    for view in [
        "attention",
        "calendar",
        "capacity",
        "roadmap",
        "risks",
        "performance",
        "benefits",
        "prioritization",
        "governance",
    ]
]
HOSTILE_PAGES = [
    "/",
    "/projects/",
    *PROJECTS,
    "/programs/",
    *PROGRAMS,
    "/objectives/",
    *OBJECTIVES,
    "/requests/",
    *REQUESTS,
    *TEAMS,
    *PORTFOLIO_VIEWS,
    *HANDBOOK_WITH_DATA,
]
SEARCHES = ["xss", "script"]
CLICKABLE = re.compile(r"^\s*(?:click me|x)\s*$")  # the link texts of the payloads that would run when clicked


def trapped_context(new_context: OpenContext, viewport: str = "desktop") -> tuple[Page, Recorder]:
    context, recorder = new_context(viewport)

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
    # what a tooltip does with a title that holds one of the fixtures' tooltip payloads
    payload = tooltip_payload("tooltip-selftest")
    page.evaluate(f"() => {{ document.body.insertAdjacentHTML('beforeend', {payload!r}); }}")
    page.wait_for_timeout(100)
    assert any("alert('xss-selftest')" in t for t in recorder.trap), recorder.trap
    assert any("console.log" in t for t in recorder.trap), recorder.trap
    assert any(t.startswith(f'injected(\'<img src="data:," {INJECTED}=') for t in recorder.trap), recorder.trap
    assert any("alert('xss-tooltip-selftest')" in t for t in recorder.trap), recorder.trap  # its onerror ran


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
    results = page.locator(SEARCH_RESULT)
    assert results.count() > 0
    for index in range(results.count()):  # hover each result, then choose each with the keyboard
        results.nth(index).hover()
    for _ in range(results.count()):
        page.keyboard.press("ArrowDown")
    page.wait_for_timeout(200)
    assert "<script>" in results.first.inner_text() or "xss" in results.first.inner_text()  # shown as text
    results.first.click()  # and follow one
    page.wait_for_load_state("networkidle")
    if found := verdict(recorder):
        pytest.fail(f"search {query!r}:\n{found}", pytrace=False)


# --- hovering and focusing ----------------------------------------------------------------------------------------

# Desktop hovers every page that shows data. The phone shows the same markup with other styles: it hovers one page
# of each template (both projects: only one has the withheld figure and its "n/a").
OTHERS_OF_THEIR_TEMPLATE = {*OBJECTIVES[1:], *TEAMS[1:], *ROLES[1:], *PROGRAMS[1:], *REQUESTS[1:]}
HOVERED = [("desktop", path) for path in HOSTILE_PAGES] + [
    ("mobile", path) for path in HOSTILE_PAGES if path not in OTHERS_OF_THEIR_TEMPLATE
]

# Marks every element to hover and focus, in document order (folded blocks opened first): every link, every
# element with a title or a tooltip attribute, and Material's other tooltip hosts. `key` is what its tooltip
# would show: elements with the same text show the same tooltip, so one of them is enough.
_MARK = """() => {
  for (const folded of document.querySelectorAll("details:not([open])")) folded.open = true;
  const tooltip = (el) => [...el.attributes].filter((a) => a.name === "title" || /tooltip/i.test(a.name));
  const targets = [...document.querySelectorAll("body *")].filter(
    (el) => el.matches("a[href], abbr, .md-annotation, .footnote-ref") || tooltip(el).length,
  );
  return targets.map((el, index) => {
    el.setAttribute("data-pmo-probe", index);
    const tip = tooltip(el).map((a) => a.value).join(" ");
    return tip || (el.matches("abbr, .md-annotation, .footnote-ref") ? el.outerHTML : null);
  });
}"""

_WAIT_FOR_TOOLTIP = """
async (el, titled) => {  // Material shows a tooltip on the frame after the pointer or the focus arrives
  for (let frames = 0; titled && frames < 4 && !el.hasAttribute("aria-describedby"); frames++)
    await new Promise((done) => requestAnimationFrame(done));
  return titled && el.hasAttribute("aria-describedby");
}"""

# Waits for the tooltip of the element hovered last, if it has one, and returns whether it showed, with where
# to put the pointer to hover the next: its centre, scrolled into view, if it is the element there.
_NEXT = (
    """async ([last, titled, index]) => {
  const waitForTooltip = """
    + _WAIT_FOR_TOOLTIP
    + """;
  const shown = last !== null && (await waitForTooltip(document.querySelector(`[data-pmo-probe="${last}"]`), titled));
  const el = document.querySelector(`[data-pmo-probe="${index}"]`);
  if (index === null || !el.checkVisibility()) return [shown, null];
  let box = el.getBoundingClientRect();
  if (box.top < 0 || box.left < 0 || box.bottom > innerHeight || box.right > innerWidth) {
    el.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    box = el.getBoundingClientRect();
  }
  const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
  const there = box.width && box.height && document.elementFromPoint(x, y);
  return [shown, there && (there === el || el.contains(there)) ? [x, y] : null];
}"""
)

# Focuses every target, with tabindex=-1 on those a script could focus but the keyboard cannot, and waits for
# the tooltip of each new tooltip text. Returns how many were focused and how many showed a tooltip.
_FOCUS = (
    """async (keys) => {
  const waitForTooltip = """
    + _WAIT_FOR_TOOLTIP
    + """;
  const shown = new Set();
  let focused = 0;
  for (const [index, key] of keys.entries()) {
    if (key !== null && shown.has(key)) continue;
    const el = document.querySelector(`[data-pmo-probe="${index}"]`);
    const added = !el.hasAttribute("tabindex");
    if (added) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    if (document.activeElement === el) {
      focused++;
      if (await waitForTooltip(el, key !== null)) shown.add(key);
    }
    if (added) el.removeAttribute("tabindex");
  }
  document.activeElement?.blur?.();
  for (let frames = 0; frames < 2; frames++) await new Promise((done) => requestAnimationFrame(done));
  return [focused, shown.size];
}"""
)


def is_site_file(site: Site, url: str) -> bool:
    """Whether `url` asks the local server for a file of the built site (the search index loading late is one)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.netloc != urlsplit(site.url).netloc:
        return False
    path = site.root / unquote(parts.path).lstrip("/")
    return (path / "index.html" if parts.path.endswith("/") else path).is_file()


def hover_and_focus(page: Page) -> dict[str, int]:
    """Hover every link and tooltip host with the pointer (Material reads the pointer's real :hover state, so
    dispatched events would not do), then focus each; one of the elements that share a tooltip text is enough."""
    keys: list[str | None] = page.evaluate(_MARK)
    shown: set[str] = set()
    last: int | None = None
    hovered = 0
    for index in [*range(len(keys)), None]:  # None: only wait for the last one's tooltip
        if index is not None and keys[index] in shown:
            continue
        tooltip, point = page.evaluate(_NEXT, [last, last is not None and keys[last] is not None, index])
        if tooltip:
            shown.add(keys[last])  # type: ignore[index,arg-type]
        last = None
        if point is not None:  # else hidden, or under another element: focusing it still shows its tooltip
            page.mouse.move(*point)
            hovered, last = hovered + 1, index
    focused, focus_tooltips = page.evaluate(_FOCUS, keys)
    return {
        "targets": len(keys),
        "hovered": hovered,
        "tooltips on hover": len(shown),
        "focused": focused,
        "tooltips on focus": focus_tooltips,
    }


@pytest.mark.parametrize(("viewport", "path"), HOVERED, ids=[f"{path}-{viewport}" for viewport, path in HOVERED])
def test_no_payload_runs_on_hover_or_focus(
    path: str, viewport: str, hostile_site: Site, new_context: OpenContext
) -> None:
    """Material's content.tooltips turns a title into the HTML of its tooltip on hover and on focus: no text from
    data may reach it as markup, whichever element carries it."""
    page, recorder = trapped_context(new_context, viewport)
    page.goto(hostile_site.address(path), wait_until="load")  # Material mounts its tooltips before `load`
    loaded = len(recorder.requests)
    seen = hover_and_focus(page)
    page.wait_for_timeout(50)  # the trap's last reports reach the recorder
    requested = [
        f"request for no file of the site while hovering and focusing: {url}"
        for url in recorder.requests[loaded:]
        if not is_site_file(hostile_site, url)
    ]
    if found := "\n".join(filter(None, [verdict(recorder), *requested])):
        pytest.fail(f"{path} on {viewport} ({seen}):\n{found}", pytrace=False)
    # the probe did what it says: Material showed tooltips for it (its header's buttons have titles)
    assert seen["tooltips on hover"] and seen["tooltips on focus"], seen


def test_every_page_showing_data_is_checked(hostile_site: Site) -> None:
    """The lists above are every page of the hostile build that shows a payload in its content, and only those: a
    new page that shows data is clicked and hovered too, or this fails. The site's frame (title, header, footer)
    shows the organization's name on every page, handbook pages included; the listed pages check that frame."""
    pages = {
        "/" + "".join(f"{part}/" for part in index.parent.relative_to(hostile_site.root).parts): index.read_text(
            encoding="utf-8"
        )
        for index in hostile_site.root.rglob("index.html")
    }
    showing_data = {
        path for path, html in pages.items() if "xss-" in html.partition("<article")[2].partition("</article>")[0]
    }
    assert sorted(showing_data) == sorted(HOSTILE_PAGES)
    framed = {path for path, html in pages.items() if "xss-" in html.partition("<article")[0]}  # title, header
    assert framed == set(pages), "the hostile organization's name is in every page's header"
    assert set(VIEWPORTS) == {viewport for viewport, _ in HOVERED}
