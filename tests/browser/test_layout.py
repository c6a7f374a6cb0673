"""Every column visible: the tables of the portfolio pages, measured in Chromium at a phone's width and at three
desktop widths, on the sample site and on a 200-project demo; and the same pages printed on A4 landscape.

At 1280 px and wider no table (nor the page) scrolls sideways and no cell lies outside its table's scroll area or
the window. On a phone a table of three columns or more is a stack of cards whose every cell is labelled and in
view. Ids, dates and amounts never wrap inside (a token column's cell is one line high), and the risk register's
rows stay a few lines high. Handbook pages keep Material's reading width.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import VIEWPORTS, PageSpec, first_program, first_project, first_team

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .support import OpenContext, Site

# The portfolio pages: every page whose tables the issue names, and a page of each kind of entity.
PORTFOLIO = [
    PageSpec("home", "/"),
    PageSpec("register", "/projects/"),
    PageSpec("risks", "/risks/"),
    PageSpec("prioritization", "/prioritization/"),
    PageSpec("performance", "/performance/"),
    PageSpec("capacity", "/capacity/"),
    PageSpec("benefits", "/benefits/"),
    PageSpec("governance", "/governance/"),
    PageSpec("demand", "/requests/"),
    PageSpec("programs", "/programs/"),
    PageSpec("roadmap", "/roadmap/"),
    PageSpec("calendar", "/calendar/"),
    PageSpec("program", first_program),
    PageSpec("team", first_team),
    PageSpec("project", first_project),
    PageSpec("project-charts", "/projects/ehr-upgrade/"),  # the sample's fullest project: 13 tables
]
DEMO = [PageSpec("register", "/projects/"), PageSpec("risks", "/risks/")]  # 200 projects: long ids, many rows
DESKTOP_WIDTHS = [1280, 1440, 1920]
PHONE = 390
RISK_ROW_LIMIT = 150  # px: a risk's mitigation wraps in a wide column (it was 328 px in a 720 px column)
A4_LANDSCAPE = 1047  # px at 96 dpi: 297 mm less two margins of 10 mm (pmo.css @page)

# What a person sees of every table of the page, as a list of problems (empty when every column is visible).
# Chart data tables (in closed <details>) are opened first: a reader opens them too.
MEASURE = """
(phone) => {
  const problems = [];
  const doc = document.scrollingElement, view = document.documentElement.clientWidth;
  if (doc.scrollWidth > doc.clientWidth) problems.push(`the page scrolls sideways: ${doc.scrollWidth} > ${view}`);
  document.querySelectorAll('article details').forEach(d => { d.open = true; });
  const shown = [...document.querySelectorAll('article table')].filter(t => t.getClientRects().length);
  shown.forEach((table, index) => {
    const headings = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    const name = `table ${index + 1} (${headings.slice(0, 3).join(', ')}…)`;
    const wrap = table.closest('.md-typeset__scrollwrap');
    for (const box of [wrap, table.closest('.md-typeset__table'), table]) {
      if (box && box.scrollWidth > box.clientWidth + 1)
        problems.push(`${name} scrolls sideways: ${box.scrollWidth} > ${box.clientWidth} (${box.className})`);
    }
    const area = (wrap || table).getBoundingClientRect();
    const left = Math.max(0, area.left) - 1, right = Math.min(view, area.right) + 1;
    const cut = new Set();
    const px = (a, b) => `${Math.round(a)}–${Math.round(b)} px`;
    for (const row of table.rows) {
      if (row.parentElement.getBoundingClientRect().width <= 1) continue;  // headings for screen readers only
      [...row.cells].forEach((cell, column) => {
        const box = cell.getBoundingClientRect();
        if (!cell.getClientRects().length || cut.has(column)) return;  // a row a filter hides
        const heading = headings[column];
        if (box.right > right || box.left < left) {
          cut.add(column);
          problems.push(`${name}: column "${heading}" is cut (${px(box.left, box.right)} outside ${px(left, right)})`);
        } else if (cell.scrollWidth > cell.clientWidth + 1) {
          cut.add(column);
          problems.push(`${name}: the text of column "${heading}" is cut (${cell.scrollWidth} > ${cell.clientWidth})`);
        }
      });
    }
    if (phone && headings.length >= 3) {
      if (!table.hasAttribute('data-pmo-cards')) problems.push(`${name} is not laid out as cards`);
      const row = table.tBodies[0] && [...table.tBodies[0].rows].find(r => r.getClientRects().length);
      if (row) [...row.cells].forEach((cell, column) => {
        const label = getComputedStyle(cell, '::before').content;
        if (label !== JSON.stringify(headings[column]))
          problems.push(`${name}: a card's "${headings[column]}" is labelled ${label}`);
      });
    }
  });
  return problems;
}
"""

# The cells of the columns that hold tokens (ids, dates: data-pmo-tok) and numbers (data-pmo-num) that take more
# than one line. The text's boxes are measured, not the cell: a cell is as high as its row.
WRAPPED_TOKENS = """
() => {
  const wrapped = [];
  for (const table of document.querySelectorAll('article table')) {
    const named = `${table.dataset.pmoTok || ''} ${table.dataset.pmoNum || ''}`;
    const columns = named.split(' ').filter(Boolean).map(Number);
    const headings = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      for (const n of columns) {
        const cell = row.cells[n - 1];
        if (!cell || !cell.getClientRects().length) continue;
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = [...range.getClientRects()].filter(r => r.width > 1 && r.height > 1).map(r => r.top);
        const size = parseFloat(getComputedStyle(cell).fontSize);
        if (tops.length && Math.max(...tops) - Math.min(...tops) > size * 0.9)
          wrapped.push(`${headings[n - 1]}: "${cell.textContent.trim()}"`);
      }
    }
  }
  return [...new Set(wrapped)].slice(0, 10);
}
"""

RISK_ROWS = """() => Math.max(0, ...[...document.querySelectorAll('#pmo-risk-table tbody tr')]
  .map(row => row.getBoundingClientRect().height))"""


def measure(page: Page, site: Site, specs: list[PageSpec], phone: bool = False) -> dict[str, list[str]]:
    """Each page's problems (only the pages that have some), with the tokens that wrap."""
    found: dict[str, list[str]] = {}
    for spec in specs:
        # tables are laid out by layout.js and tables.js at DOMContentLoaded: "load" is enough, and networkidle's
        # half second of quiet per page was most of this suite's time
        response = page.goto(site.address(spec.resolve(site.root)), wait_until="load")
        assert response is not None and response.status == 200, f"{spec.name}: HTTP {response and response.status}"
        assert page.locator('link[href$="assets/pmo/wide.css"]').count() == 1, f"{spec.name} is not a wide page"
        problems: list[str] = page.evaluate(MEASURE, phone)
        problems += [f"a token wraps: {cell}" for cell in page.evaluate(WRAPPED_TOKENS)]
        if problems:
            found[spec.name] = problems
    return found


def report(found: dict[str, list[str]], width: int) -> str:
    return f"at {width} px:\n" + "\n".join(f"  {name}: {problem}" for name, ps in found.items() for problem in ps)


def desktop(new_context: OpenContext, width: int) -> Page:
    context, _ = new_context("desktop")
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    return page


@pytest.mark.parametrize("width", DESKTOP_WIDTHS)
def test_every_column_is_visible_at_desktop_widths(width: int, sample_site: Site, new_context: OpenContext) -> None:
    found = measure(desktop(new_context, width), sample_site, PORTFOLIO)
    assert not found, report(found, width)


@pytest.mark.parametrize("width", DESKTOP_WIDTHS)
def test_the_200_project_register_and_risks_fit_at_desktop_widths(
    width: int, demo_site: Site, new_context: OpenContext
) -> None:
    page = desktop(new_context, width)
    found = measure(page, demo_site, DEMO)
    assert not found, report(found, width)
    tallest = page.evaluate(RISK_ROWS)  # the risks page is the last one measured
    assert 0 < tallest <= RISK_ROW_LIMIT, f"a risk register row is {tallest} px tall at {width} px"


def test_the_risk_register_rows_are_a_few_lines_high(sample_site: Site, new_context: OpenContext) -> None:
    for width in DESKTOP_WIDTHS:
        page = desktop(new_context, width)
        page.goto(sample_site.address("/risks/"), wait_until="networkidle")
        tallest = page.evaluate(RISK_ROWS)
        assert 0 < tallest <= RISK_ROW_LIMIT, f"a risk register row is {tallest} px tall at {width} px"


@pytest.mark.parametrize("site_name", ["sample", "demo"])
def test_tables_are_labelled_cards_on_a_phone(
    site_name: str, request: pytest.FixtureRequest, new_context: OpenContext
) -> None:
    """At 390 px a table of three columns or more is a stack of cards: every cell in view, none cut, each labelled
    with its column's heading; sorting and filtering still work on them."""
    site: Site = request.getfixturevalue(f"{site_name}_site")
    context, _ = new_context("mobile")
    page = context.new_page()
    assert page.viewport_size == {"width": PHONE, "height": VIEWPORTS["mobile"]["viewport"]["height"]}
    found = measure(page, site, PORTFOLIO if site_name == "sample" else DEMO, phone=True)
    assert not found, report(found, PHONE)
    if site_name == "sample":
        return
    page.goto(site.address("/projects/"), wait_until="networkidle")
    table = page.locator("#pmo-register-table")
    rows = table.locator("tbody tr:not([hidden])")
    before = rows.count()
    page.select_option("form.pmo-filters select[name=rag]", "red")
    assert 0 < rows.count() < before and rows.first.is_visible()
    table.locator("thead button.pmo-sort", has_text="Project").click()
    names = rows.locator("td:first-child").all_inner_texts()
    assert names == sorted(names, key=str.lower), names


def test_handbook_pages_keep_a_reading_width(sample_site: Site, new_context: OpenContext) -> None:
    page = desktop(new_context, 1920)
    page.goto(sample_site.address("/handbook/lifecycle/"), wait_until="networkidle")
    article: float = page.evaluate("() => document.querySelector('.md-content').getBoundingClientRect().width")
    assert page.locator('link[href$="assets/pmo/wide.css"]').count() == 0
    assert article < 900, f"a handbook page's content is {article} px wide at 1920 px"
    page.goto(sample_site.address("/projects/"), wait_until="networkidle")
    wide = page.evaluate("() => document.querySelector('.md-content').getBoundingClientRect().width")
    assert wide > 1300, f"the register's content is {wide} px wide at 1920 px"


PRINTED = [s for s in PORTFOLIO if s.name in {"home", "register", "risks", "prioritization", "project-charts"}]
PRINTED.append(PageSpec("handbook", "/handbook/lifecycle/"))
HIDDEN_IN_PRINT = [
    ".md-header",
    ".md-tabs",
    ".md-sidebar--primary",
    ".md-sidebar--secondary",
    ".md-footer",
    ".pmo-search",
]

PRINT_MEASURE = """
(width) => {
  const problems = [];
  for (const [i, table] of [...document.querySelectorAll('article table')].entries()) {
    const box = table.getBoundingClientRect();
    if (!table.getClientRects().length) continue;
    if (box.left < -1 || box.right > width + 1)
      problems.push(`table ${i + 1} spans ${Math.round(box.left)}–${Math.round(box.right)} px`);
    const wrap = table.closest('.md-typeset__scrollwrap');
    if (wrap && wrap.scrollWidth > wrap.clientWidth + 1)
      problems.push(`table ${i + 1} scrolls: ${wrap.scrollWidth} > ${wrap.clientWidth}`);
  }
  for (const chart of document.querySelectorAll('article .pmo-chart svg')) {
    const box = chart.getBoundingClientRect();
    if (box.right > width + 1) problems.push(`a chart spans to ${Math.round(box.right)} px`);
  }
  const page = document.scrollingElement.scrollWidth;
  if (page > width + 1) problems.push(`the page is ${page} px wide`);
  return problems;
}
"""


def test_pages_print_on_a4_landscape(sample_site: Site, new_context: OpenContext) -> None:
    """Printed, a page is its content alone (no header, tabs, navigation, table of contents, search, filters or
    footer), its tables and charts within the printable width of A4 landscape; Chromium makes the PDF."""
    context, _ = new_context("desktop")
    page = context.new_page()
    page.set_viewport_size({"width": A4_LANDSCAPE, "height": 740})
    found: dict[str, list[str]] = {}
    for spec in PRINTED:
        page.goto(sample_site.address(spec.resolve(sample_site.root)), wait_until="networkidle")
        page.emulate_media(media="print")
        shown = [s for s in [*HIDDEN_IN_PRINT, ".pmo-filters"] if page.locator(s).first.is_visible()]
        problems = [f"{s} is printed" for s in shown] + page.evaluate(PRINT_MEASURE, A4_LANDSCAPE)
        if problems:
            found[spec.name] = problems
        page.emulate_media(media="screen")
    assert not found, "\n".join(f"{name}: {p}" for name, ps in found.items() for p in ps)
    page.goto(sample_site.address("/risks/"), wait_until="networkidle")
    assert page.locator(".pmo-filters").is_visible()  # on screen, the filters are there
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 1
