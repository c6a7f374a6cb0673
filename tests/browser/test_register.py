"""The project register in a real Chromium: the Find box, the view kept in the page's address (filters and sort,
over a reload and Back), a hostile address that does nothing, and the downloads of the rows shown, checked
against the whole register the build wrote (CSV bytes per cell, workbook values per type). Nothing is fetched
from another host."""

from __future__ import annotations

import csv
import io
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from .support import open_at

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from .support import OpenContext, Recorder, Site

ROWS = "#pmo-register-table tbody tr:not([hidden])"
FIND = "form.pmo-filters input[name=find]"


def shown_ids(page: Page) -> list[str]:
    return page.locator(ROWS).evaluate_all("rows => rows.map(row => row.dataset.pmoId)")


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def wait_for_query(page: Page, name: str, value: str | None) -> None:
    """The address is written a moment after typing stops: wait until `name` has `value` (None: is absent)."""
    page.wait_for_function(
        "([name, value]) => new URLSearchParams(location.search).get(name) === value", arg=[name, value]
    )


def build_csv(site: Site) -> tuple[list[str], dict[str, list[str]]]:
    """The whole register the build wrote: its header and each project's cells, by id."""
    rows = list(csv.reader(io.StringIO((site.root / "projects/register.csv").read_text("utf-8"), newline="")))
    return rows[0], {row[0]: row for row in rows[1:]}


def build_xlsx(site: Site) -> tuple[list[object], dict[str, list[object]]]:
    sheet = openpyxl.load_workbook(site.root / "projects/register.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return rows[0], {str(row[0]): row for row in rows[1:]}


def number_formats(sheet: Any) -> dict[int, set[str]]:
    """Each column's number formats, over its cells with a value."""
    formats: dict[int, set[str]] = {}
    for row in sheet.iter_rows(min_row=2):
        for column, cell in enumerate(row):
            if cell.value is not None:
                formats.setdefault(column, set()).add(cell.number_format)
    return formats


def in_flight(page: Page) -> set[object]:
    """The requests of `page` not yet answered, kept up to date."""
    pending: set[object] = set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    return pending


def reload(page: Page, pending: set[object]) -> None:
    """Reload once no request is in flight: Chromium fetches the favicon again each time history.replaceState
    changes the address, and a reload would cut that request off (a failed request to the recorder)."""
    page.wait_for_timeout(200)  # the favicon request starts a moment after the address changes
    deadline = time.monotonic() + 10
    while pending and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.reload(wait_until="networkidle")


def no_problems(recorder: Recorder, what: str) -> None:
    problems = recorder.problems() + recorder.dialogs
    if problems:
        pytest.fail(f"{what}:\n" + "\n".join(problems), pytrace=False)


def test_find_box_filters_by_visible_text_and_writes_the_address(sample_site: Site, new_context: OpenContext) -> None:
    """Case and accents do not matter; every word must be in the row; the address follows the box."""
    page, recorder = open_at(new_context, sample_site, "/projects/")
    everything = page.locator(ROWS).count()
    page.fill(FIND, "GARCIA")  # Marta García manages them
    managers = page.locator(f"{ROWS} td:nth-child(5)").all_inner_texts()
    assert 0 < len(managers) < everything and set(managers) == {"Marta García"}
    assert page.locator("form.pmo-filters output").inner_text() == f"{len(managers)} shown"
    wait_for_query(page, "find", "GARCIA")
    page.fill(FIND, "clinical red")  # a program's name and a RAG, in any column of the row
    texts = page.locator(ROWS).all_inner_texts()
    assert texts and all("clinical" in t.lower() and "red" in t.lower() for t in texts)
    page.fill(FIND, "ehr-upgrade")  # an id
    assert shown_ids(page) == ["ehr-upgrade"]
    page.fill(FIND, "")
    wait_for_query(page, "find", None)
    assert page.locator(ROWS).count() == everything
    no_problems(recorder, "find")


def test_a_link_opens_the_view_it_names(sample_site: Site, new_context: OpenContext) -> None:
    """`?rag=red&program=clinical-systems`: all red projects in Clinical Systems, and only those."""
    header, projects = build_csv(sample_site)
    rag, program = header.index("rag"), header.index("program")
    expected = {pid for pid, row in projects.items() if row[rag] == "red" and row[program] == "clinical-systems"}
    assert expected, "the sample has red projects in Clinical Systems"
    page, recorder = open_at(new_context, sample_site, "/projects/?rag=red&program=clinical-systems")
    assert set(shown_ids(page)) == expected and len(shown_ids(page)) == len(expected)
    assert page.locator("select[name=rag]").input_value() == "red"
    assert page.locator("select[name=program]").input_value() == "clinical-systems"
    assert page.locator("form.pmo-filters output").inner_text() == f"{len(expected)} shown"
    page.select_option("select[name=rag]", "")  # a change of the lists rewrites the address
    wait_for_query(page, "rag", None)
    assert query(page) == {"program": ["clinical-systems"]}
    no_problems(recorder, "link")


def test_sort_is_kept_in_the_address_over_a_reload_and_back(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/projects/?phase=execution")
    pending = in_flight(page)
    finish = page.locator("#pmo-register-table thead th:nth-child(7)")
    finish.locator("button").click()
    finish.locator("button").click()
    assert query(page) == {"phase": ["execution"], "sort": ["finish-desc"]}
    dates = page.locator(f"{ROWS} td:nth-child(7)").all_inner_texts()
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1
    order = shown_ids(page)
    reload(page, pending)
    assert shown_ids(page) == order and finish.get_attribute("aria-sort") == "descending"
    assert page.locator("select[name=phase]").input_value() == "execution"
    page.locator(f"{ROWS} td:first-child a").first.click()  # to a project, and Back
    page.wait_for_url("**/projects/*/")
    page.wait_for_load_state("networkidle")  # the project page settled: its requests are not cut off by Back
    page.go_back(wait_until="networkidle")
    assert query(page) == {"phase": ["execution"], "sort": ["finish-desc"]} and shown_ids(page) == order
    page.goto(sample_site.address("/projects/?sort=budget-asc"), wait_until="networkidle")
    budgets = [float(re.sub(r"[^\d.]", "", t)) for t in page.locator(f"{ROWS} td:nth-child(9)").all_inner_texts()]
    assert budgets == sorted(budgets) and len(budgets) > 30
    no_problems(recorder, "sort")


ROW_CONTENT = """row => Array.from(row.cells, (td) => [
  td.textContent.replace(/\\s+/g, " ").trim(),
  Array.from(td.querySelectorAll("a"), (a) => a.getAttribute("href")),
  Array.from(td.querySelectorAll("span:not(.pmo-cell), code"), (e) => e.tagName + "." + e.className),
])"""


def test_sorts_and_filters_refill_the_rows_shown_as_the_build_writes_them(
    sample_pmo_site: Site, new_context: OpenContext
) -> None:
    """A sort or a filter refills the rows already in the table (new elements would cost the browser a style
    computation each: at 5,000 projects that made a sort miss its 200 ms). Each row refilled, after sorts that move
    every project through many rows, reads as the build's own HTML row of that project: texts, links, the RAG's
    class, the "pmo only" badge, added and taken away."""
    page, recorder = open_at(new_context, sample_pmo_site, "/projects/")
    built = page.evaluate(
        f"""async () => {{
          const html = await (await fetch(location.href)).text();
          const built = new DOMParser().parseFromString(html, "text/html");
          const rows = built.querySelectorAll("#pmo-register-table tbody tr");
          return Object.fromEntries(Array.from(rows, (row) => [row.dataset.pmoId, ({ROW_CONTENT})(row)]));
        }}"""
    )
    pmo_only = [pid for pid, cells in built.items() if "pmo only" in cells[0][0]]
    assert len(built) == page.locator(ROWS).count() and 0 < len(pmo_only) < len(built)
    page.evaluate("window.rowsBefore = Array.from(document.querySelectorAll('#pmo-register-table tbody tr'))")
    for column in (9, 1, 6, 5, 7, 9):  # budget, project, RAG, manager, finish, budget down
        page.locator(f"#pmo-register-table thead th:nth-child({column}) button").click()
    assert page.evaluate(
        "window.rowsBefore.every((row, n) => row === document.querySelectorAll('#pmo-register-table tbody tr')[n])"
    ), "the rows were made again, not refilled"
    page.select_option("select[name=rag]", "red")  # fewer rows, then every row again: some made anew
    page.select_option("select[name=rag]", "")
    shown = page.locator(ROWS).evaluate_all(f"rows => rows.map(row => [row.dataset.pmoId, ({ROW_CONTENT})(row)])")
    assert [pid for pid, _ in shown] != list(built), "the sorts moved the projects"
    for pid, cells in shown:
        assert cells == built[pid], pid
    no_problems(recorder, "refilled rows")


def test_a_hostile_address_does_nothing(sample_site: Site, new_context: OpenContext) -> None:
    """Values the lists do not offer are ignored (and dropped from the address); the Find box takes its text as
    text. No dialog, no element made from the address."""
    payload = "<img src=x onerror=alert(1)>"
    hostile = (
        "/projects/?find=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&rag=%3Cscript%3Ealert(2)%3C%2Fscript%3E"
        "&program=%22%5D%2C%3Csvg%20onload%3Dalert(3)%3E&sort=%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E-asc"
        "&phase=execution%22%20onfocus%3D%22alert(5)"
    )
    page, recorder = open_at(new_context, sample_site, hostile)
    assert page.locator(FIND).input_value() == payload
    assert (
        page.locator("select[name=rag]").input_value() == "" and page.locator("select[name=phase]").input_value() == ""
    )
    assert page.locator("img[src=x], article svg[onload], article script:not([src]):not([type])").count() == 0
    assert page.locator("#pmo-register-table thead th[aria-sort=ascending]").count() == 0
    assert "rag" not in query(page) and "program" not in query(page) and "phase" not in query(page)
    assert page.locator(ROWS).count() == 0  # no project's text holds the payload
    page.fill(FIND, "")
    assert page.locator(ROWS).count() > 30
    no_problems(recorder, "hostile address")


def download(page: Page, fmt: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.click(f".pmo-downloads button[data-pmo-format={fmt}]")
    assert info.value.suggested_filename == f"register-shown.{fmt}"
    target = tmp_path / f"shown.{fmt}"
    info.value.save_as(target)
    return target.read_bytes()


def test_download_shown_as_csv_holds_the_rows_shown(
    sample_site: Site, new_context: OpenContext, tmp_path: Path
) -> None:
    """The rows shown, in their order, with the columns and cells of the build's register.csv."""
    page, recorder = open_at(new_context, sample_site, "/projects/?phase=execution&sort=budget-desc")
    ids = shown_ids(page)
    header, projects = build_csv(sample_site)
    assert 1 < len(ids) < len(projects)  # the filters leave some out: the table holds the rows kept, no others
    data = download(page, "csv", tmp_path)
    assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == header
    assert rows[1:] == [projects[pid] for pid in ids]
    whole = (sample_site.root / "projects/register.csv").read_bytes()
    assert data.split(b"\r\n", 1)[0] == whole.split(b"\r\n", 1)[0]
    no_problems(recorder, "csv download")


def test_download_shown_as_xlsx_holds_the_rows_shown(
    sample_site: Site, new_context: OpenContext, tmp_path: Path
) -> None:
    """The workbook of the rows shown opens in openpyxl with the build's register.xlsx's typed values, a bold frozen
    header and an autofilter."""
    page, recorder = open_at(new_context, sample_site, "/projects/?rag=red")
    page.fill(FIND, "a")
    ids = shown_ids(page)
    assert len(ids) > 1
    data = download(page, "xlsx", tmp_path)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, projects = build_xlsx(sample_site)
    assert rows[0] == header and rows[1:] == [projects[pid] for pid in ids]
    assert sheet.title == "Register" and sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.auto_filter.ref == f"A1:AU{len(ids) + 1}"
    whole = openpyxl.load_workbook(sample_site.root / "projects/register.xlsx").active
    assert number_formats(sheet) == {c: f for c, f in number_formats(whole).items() if c in number_formats(sheet)}
    no_problems(recorder, "xlsx download")


def test_hostile_text_downloads_as_the_build_writes_it(
    hostile_site: Site, new_context: OpenContext, tmp_path: Path
) -> None:
    """A payload in every text field (formulas, quotes, line breaks, markup): the browser's CSV of every row has the
    build's cells, and its workbook holds text as text."""
    page, recorder = open_at(new_context, hostile_site, "/projects/")
    ids = shown_ids(page)
    rows = list(csv.reader(io.StringIO(download(page, "csv", tmp_path).decode("utf-8"), newline="")))
    header, projects = build_csv(hostile_site)
    assert rows[0] == header and rows[1:] == [projects[pid] for pid in ids]
    book = openpyxl.load_workbook(io.BytesIO(download(page, "xlsx", tmp_path)))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert {cell.data_type for cell in cells} <= {"s", "n", "d", "b"}
    values = [[cell.value for cell in row] for row in book.active.iter_rows()]
    xheader, xprojects = build_xlsx(hostile_site)
    assert values[0] == xheader and values[1:] == [xprojects[pid] for pid in ids]
    if recorder.problems() or recorder.dialogs or recorder.trap:
        pytest.fail("\n".join(recorder.problems() + recorder.dialogs + recorder.trap), pytrace=False)


def test_risks_keep_their_filters_in_the_address_too(sample_site: Site, new_context: OpenContext) -> None:
    page, recorder = open_at(new_context, sample_site, "/risks/?status=closed")
    statuses = page.locator("#pmo-risk-table tbody tr:not([hidden]) td:nth-child(8)").all_inner_texts()
    assert statuses and set(statuses) == {"closed"}
    page.select_option("select[name=status]", "open")
    wait_for_query(page, "status", "open")
    no_problems(recorder, "risks")


@pytest.mark.parametrize("width", [390, 1440, 1920])
def test_register_with_filters_screenshot(width: int, sample_site: Site, browser: object, screenshots: Path) -> None:
    """The filtered register at a phone's and a desktop's width, for a person to look at: the controls fit."""
    context = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(sample_site.address("/projects/?rag=red&find=a&sort=finish-desc"), wait_until="networkidle")
        overflow = page.evaluate("document.querySelector('form.pmo-filters').scrollWidth - innerWidth")
        assert overflow <= 0, f"the filters are {overflow}px wider than the screen"
        page.screenshot(path=screenshots / f"register-filtered-{width}.png", full_page=True)
    finally:
        context.close()


def test_lessons_keep_their_find_and_each_tables_sort_in_the_address(
    sample_site: Site, new_context: OpenContext
) -> None:
    """Several sortable tables on one page: each table's sort has its own parameter, named by the table's id."""
    page, recorder = open_at(new_context, sample_site, "/handbook/lessons/?find=Champion")
    pending = in_flight(page)
    rows = page.locator("table[id^=pmo-lessons-] tbody tr:not([hidden])")
    assert rows.count() > 0 and all("champion" in text.lower() for text in rows.all_inner_texts())
    assert page.locator("form.pmo-filters input[name=find]").input_value() == "Champion"
    page.fill("form.pmo-filters input[name=find]", "")
    wait_for_query(page, "find", None)
    table = page.locator("table[id^=pmo-lessons-]").first
    table_id = table.get_attribute("id")
    table.locator("thead th:nth-child(1) button").click()
    assert list(query(page)) == [f"sort-{table_id}"] and query(page)[f"sort-{table_id}"][0].endswith("-asc")
    reload(page, pending)
    assert table.locator("thead th:nth-child(1)").get_attribute("aria-sort") == "ascending"
    no_problems(recorder, "lessons")


# --- a register longer than its window: 200 projects, 50 rows rendered at a time ------------------------------------

WINDOW = 50  # tables.js's WINDOW, generator/pages/portfolio.py's REGISTER_SHOWN


def all_shown_ids(page: Page) -> list[str]:
    """Every row kept by the filters, in order: "Show more" until the table holds them all."""
    more = page.locator("#pmo-register-more button")
    while more.count() and more.is_visible():
        more.click()
    return shown_ids(page)


def test_a_long_register_renders_a_window_and_shows_more(demo_site: Site, new_context: OpenContext) -> None:
    """200 projects: the first 50 rows, a count that says so, and a button that adds 50 more and keeps the
    keyboard where it was; every project reachable, each once."""
    _, projects = build_csv(demo_site)
    page, recorder = open_at(new_context, demo_site, "/projects/")
    assert page.locator(ROWS).count() == WINDOW
    assert page.locator("form.pmo-filters output").inner_text() == f"{WINDOW} of {len(projects)} shown"
    more = page.locator("#pmo-register-more button")
    assert more.inner_text() == f"Show {WINDOW} more"
    more.click()
    assert page.locator(ROWS).count() == 2 * WINDOW
    assert page.evaluate("document.activeElement.closest('#pmo-register-more') !== null")
    ids = all_shown_ids(page)
    assert sorted(ids) == sorted(projects) and len(ids) == len(set(ids))
    assert page.locator("#pmo-register-more").is_hidden()
    assert page.locator("form.pmo-filters output").inner_text() == f"{len(projects)} shown"
    no_problems(recorder, "show more")


def test_a_long_register_sorts_and_filters_every_row_not_only_the_window(
    demo_site: Site, new_context: OpenContext, tmp_path: Path
) -> None:
    """Filters and sort apply to all 200 projects: the rows kept are those the build's CSV says, in the order of
    the column, over a reload; the download of the rows shown holds them all, not the window."""
    header, projects = build_csv(demo_site)
    phase, bac, finish = header.index("phase"), header.index("bac"), header.index("finish")
    expected = {pid for pid, row in projects.items() if row[phase] == "execution"}
    assert len(expected) > WINDOW
    page, recorder = open_at(new_context, demo_site, "/projects/?phase=execution")
    pending = in_flight(page)
    page.locator("#pmo-register-table thead th:nth-child(9) button").click()  # Budget, up
    assert query(page) == {"phase": ["execution"], "sort": ["budget-asc"]}
    ids = all_shown_ids(page)
    assert set(ids) == expected and len(ids) == len(expected)
    budgets = [float(projects[pid][bac]) for pid in ids]
    assert budgets == sorted(budgets)
    reload(page, pending)
    assert all_shown_ids(page) == ids
    page.locator("#pmo-register-table thead th:nth-child(7) button").click()  # Finish, up
    page.locator("#pmo-register-table thead th:nth-child(7) button").click()  # and down
    assert page.locator(ROWS).count() == WINDOW  # a new order starts from the top of it
    rows = list(csv.reader(io.StringIO(download(page, "csv", tmp_path).decode("utf-8"), newline="")))
    finishes = [row[finish] for row in rows[1:]]
    assert {row[0] for row in rows[1:]} == expected and finishes == sorted(finishes, reverse=True)
    assert [row[0] for row in rows[1 : WINDOW + 1]] == shown_ids(page)
    no_problems(recorder, "long register")


def test_a_long_register_finds_across_every_row(demo_site: Site, new_context: OpenContext) -> None:
    header, projects = build_csv(demo_site)
    name = header.index("name")
    word = "wave"
    expected = {pid for pid, row in projects.items() if word in row[name].lower()}
    assert 0 < len(expected) < len(projects)
    page, recorder = open_at(new_context, demo_site, f"/projects/?find={word.upper()}")
    ids = all_shown_ids(page)
    # the Find box matches every column shown: a row may match by its program or manager too
    assert set(ids) >= expected and all(word in text.lower() for text in page.locator(ROWS).all_inner_texts())
    no_problems(recorder, "find")


def test_a_phone_shows_the_rows_rendered_later_as_labelled_cards(demo_site: Site, new_context: OpenContext) -> None:
    """At 390 px each row is a card whose cells carry their column's label, the rows added by "Show more" too;
    the sort headings stay buttons."""
    page, recorder = open_at(new_context, demo_site, "/projects/", viewport="mobile")
    assert page.locator("#pmo-register-table").get_attribute("data-pmo-cards") == ""
    page.locator("#pmo-register-more button").click()
    last = page.locator(f"{ROWS}:last-child")
    labels = last.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == [
        f'"{h}"'
        for h in ["Project", "Id", "Program", "Phase", "Manager", "RAG", "Finish", "Forecast", "Budget", "Complete"]
    ]
    assert last.locator("td > .pmo-cell").count() == 10  # one box each, not wrapped twice by layout.js
    assert last.evaluate("row => getComputedStyle(row).display") == "block"
    sort = page.locator("#pmo-register-table thead th button")
    assert sort.count() == 10 and all(sort.nth(n).is_visible() for n in range(10))  # "Sort by" and its buttons
    sort.first.click()
    names = page.locator(f"{ROWS} td:first-child a").all_inner_texts()
    assert len(names) == WINDOW and names == sorted(names, key=str.lower)
    no_problems(recorder, "phone cards")


def test_hostile_rows_stay_text_when_sorted_found_hovered_focused_and_clicked(
    hostile_site: Site, new_context: OpenContext
) -> None:
    """The rows tables.js writes from the page's JSON: a payload in every text field stays text through every sort,
    the Find box, a hover and a focus of every link, and a click on each."""
    from .test_hostile import trapped_context, verdict

    page, recorder = trapped_context(new_context)
    url = hostile_site.address("/projects/")
    page.goto(url, wait_until="networkidle")
    names = page.locator(f"{ROWS} td:first-child a").all_inner_texts()
    assert names and any("<" in name for name in names)  # the markup of the payloads, shown as text
    for column in range(1, 11):
        page.locator(f"#pmo-register-table thead th:nth-child({column}) button").click()
    page.fill(FIND, "xss")
    links = page.locator(f"{ROWS} a")
    for index in range(links.count()):
        links.nth(index).hover()
        links.nth(index).focus()
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(re.fullmatch(r"\.\./(projects|programs)/[a-z0-9-]+/", href) for href in hrefs), hrefs
    first = page.locator(f"{ROWS} td:first-child a").first
    target = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{target.removeprefix('..')}")
    page.wait_for_load_state("networkidle")  # settled: Back does not cut its requests off
    page.go_back(wait_until="networkidle")
    assert page.locator("article img, article svg[onload], article iframe").count() == 0
    if found := verdict(recorder):
        pytest.fail(found, pytrace=False)
