"""The Governance page and a project page's Governance section, from the mini fixture with the governance.yaml of
tests/governance_fixture.py, whose findings, counts and scores are worked out by hand there."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

from generator.pipeline import read_portfolio, site_tree

from .conftest import MINI, ROOT
from .governance_fixture import GOVERNANCE, add_governance

if TYPE_CHECKING:
    from pathlib import Path


class Table:
    def __init__(self, attrs: dict[str, str | None]) -> None:
        self.attrs = attrs
        self.headers: list[str] = []
        self.rows: list[list[str]] = []  # cell texts
        self.cells: list[list[str]] = []  # cell HTML-ish: the classes and hrefs met in each cell
        self.row_attrs: list[dict[str, str | None]] = []


class Tables(HTMLParser):
    """Every table of a page: headings, cell texts, the classes and links in each cell, each row's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._cell: list[str] | None = None
        self._marks: list[str] = []
        self._head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._stack.append(Table(found))
            self.tables.append(self._stack[-1])
        elif not self._stack:
            return
        elif tag == "thead":
            self._head = True
        elif tag == "tbody":
            self._head = False
        elif tag == "tr" and not self._head:
            self._stack[-1].rows.append([])
            self._stack[-1].cells.append([])
            self._stack[-1].row_attrs.append(found)
        elif tag in ("td", "th"):
            self._cell, self._marks = [], []
        elif self._cell is not None:
            self._cell.append(" " if tag in ("li", "br") else "")  # a list item or a line break: words apart
            self._marks += [f"class={found['class']}"] if found.get("class") else []
            self._marks += [f"href={found['href']}"] if found.get("href") else []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            text = " ".join("".join(self._cell).split())
            table = self._stack[-1]
            if tag == "th" and self._head:
                table.headers.append(text)
            else:
                table.rows[-1].append(text)
                table.cells[-1].append(" ".join(self._marks))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, Table]:
    parser = Tables()
    parser.feed(html)
    return {t.attrs.get("id") or f"table-{i}": t for i, t in enumerate(parser.tables)}


def section_of(page: str, heading_id: str) -> str:
    """The page from the heading with that id to the next heading of the same level."""
    start = page.index(f'id="{heading_id}"')
    level = page[:start].rsplit("<h", 1)[1][0]
    end = page.find(f"<h{level} ", start)
    return page[start : end if end >= 0 else None]


@pytest.fixture(scope="module")
def ruled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("governed") / "portfolio"
    shutil.copytree(MINI, folder)
    return add_governance(folder)


@pytest.fixture(scope="module")
def pages(ruled: Path) -> dict[str, str]:
    tree = site_tree(read_portfolio(ruled), "pmo", ROOT / "methodology", {"data-contract.md": None})
    return tree.pages


@pytest.fixture(scope="module")
def page(pages: dict[str, str]) -> str:
    return pages["governance.md"]


def test_the_page_is_in_the_portfolio_navigation(ruled: Path) -> None:
    tree = site_tree(read_portfolio(ruled), "org", None, {})
    portfolio = next(entry["Portfolio"] for entry in tree.nav if "Portfolio" in entry)
    assert {"Governance": "governance.md"} in portfolio


# the matrix: (rule, severity) → open counts in Digital front door, without a program, in all; hand-computed in
# governance_fixture.py
MATRIX = {
    "G2-baseline": ("Error", "1", "0", "1"),
    "benefits-owned": ("Warning", "1", "0", "1"),
    "fields": ("Info", "0", "0", "0"),  # its one finding is waived
    "gdpr-checklist": ("Warning", "1", "0", "1"),
    "change-authority": ("Warning", "0", "0", "0"),
    "triage": ("Info", "0", "1", "1"),
    "waiver-expired": ("Warning", "1", "0", "1"),
}


def test_the_matrix_counts_open_findings_by_rule_and_program(page: str) -> None:
    matrix = tables(page)["pmo-governance-matrix"]
    assert matrix.headers == ["Rule", "Severity", "Digital front door", "No program", "Total"]
    rows = {row[0].split()[0]: [cell.split(" (worst")[0] for cell in row[1:]] for row in matrix.rows}
    assert list(rows) == [*MATRIX, "All"]  # every rule, in governance.yaml's order, then the totals
    for rule, counts in MATRIX.items():
        assert tuple(rows[rule]) == counts, rule
    assert matrix.rows[-1][2:] == ["4 (worst: error)", "1 (worst: info)", "5 (worst: error)"]  # said in words too
    assert rows["All"] == ["", "4", "1", "5"]


def test_a_count_takes_the_colour_of_the_worst_severity_it_counts_and_links_to_its_findings(page: str) -> None:
    matrix = tables(page)["pmo-governance-matrix"]
    cells = {row[0].split()[0]: marks for row, marks in zip(matrix.rows, matrix.cells, strict=True)}
    assert "pmo-sev-error" in cells["G2-baseline"][2]
    assert "href=?rule=G2-baseline&program=front-door#findings" in cells["G2-baseline"][2]
    assert "pmo-sev-info" in cells["triage"][3] and "program=-" in cells["triage"][3]
    assert "pmo-sev-none" in cells["fields"][2] and "href" not in cells["fields"][2]
    assert "pmo-sev-error" in cells["All"][2] and "pmo-sev-info" in cells["All"][3]  # front-door's worst; a request's
    assert "pmo-sev-error" in cells["All"][4]


def test_the_summary_figures_count_what_is_open(page: str) -> None:
    figures = page.split('class="pmo-tiles pmo-key-figures"')[1].split("</div></div>")[0]
    for value, label in (("1", "open errors"), ("3", "open warnings"), ("1", "open info findings")):
        assert f'<span class="pmo-tile-value">{value}</span><span class="pmo-tile-label">{label}' in figures
    assert '<span class="pmo-tile-value">63 %</span>' in figures  # 12 of 19 for the whole portfolio


def test_every_finding_is_listed_with_its_fix_and_file_line_and_filterable(page: str) -> None:
    found = tables(page)
    open_rows, waived = found["pmo-findings"], found["pmo-waived-findings"]
    assert open_rows.headers == ["Severity", "Rule", "Entity", "Finding", "Fix", "File"]
    assert [r[:3] for r in open_rows.rows] == [
        ["Error", "G2-baseline", "Identity platform"],  # errors first, then by the rules' order
        ["Warning", "benefits-owned", "Patient CRM"],
        ["Warning", "gdpr-checklist", "Patient CRM"],
        ["Warning", "waiver-expired", "Identity platform"],
        ["Info", "triage", "Request: Patient chatbot"],
    ]
    assert [(a["data-severity"], a["data-program"], a["data-rule"]) for a in open_rows.row_attrs][-1] == (
        "info",
        "-",
        "triage",
    )
    crm_gdpr = open_rows.rows[2]
    assert "DPIA signed off by the DPO (dpia, due by G2) is not done" in crm_gdpr[3]
    assert crm_gdpr[4].startswith("record checklist: [{regulation: gdpr, item: dpia")
    assert re.fullmatch(r".*/projects/crm\.yaml:\d+", crm_gdpr[5]), crm_gdpr[5]  # file:line of its compliance
    assert "href=../projects/crm/" in open_rows.cells[2][2]
    assert "href=../requests/chatbot/" in open_rows.cells[4][2]
    # a rule links to the handbook section governance.yaml names; the handbook has the page
    assert "href=../handbook/lifecycle/#planning-and-g2-baseline" in open_rows.cells[0][1]
    assert "href" not in open_rows.cells[1][1]  # benefits-owned names no section
    assert waived.rows == [
        [
            "Info",
            "fields",
            "Identity platform",
            "closed without benefits and lessons",
            "add benefits and lessons to the project file",
            waived.rows[0][5],
            "Run work: no benefits case (approved by Mei Chen, until 2026-12-31)",
        ]
    ]
    form = page.split('data-pmo-filters="pmo-findings pmo-waived-findings"')[1].split("</form>")[0]
    for name, values in {
        "severity": ["error", "warning", "info"],
        "program": ["front-door", "-"],
        "rule": ["G2-baseline", "benefits-owned", "fields", "gdpr-checklist", "triage", "waiver-expired"],
    }.items():
        options = form.split(f'<select name="{name}">')[1].split("</select>")[0]
        assert [v for v in values if f'value="{v}"' in options] == values, name


def test_the_waivers_table_lists_expired_ones_first_with_what_they_cover(page: str) -> None:
    waivers = tables(page)["pmo-waivers"]
    assert waivers.headers == ["Entity", "Rule", "Reason", "Approved by", "Until", "State", "Covers"]
    assert waivers.rows == [
        [
            "Identity platform",
            "benefits-owned",
            "Owners named at closure",
            "Sponsor",
            "2026-01-31",
            "Expired 30 days ago",
            "0",
        ],
        [
            "Identity platform",
            "fields",
            "Run work: no benefits case",
            "Mei Chen",
            "2026-12-31",
            "Active 304 days left",
            "1",
        ],
    ]
    assert "1 active and 1 expired" in section_of(page, "waivers")


def test_scores_are_percents_worst_first_by_project_program_and_manager(page: str) -> None:
    found = tables(page)
    assert [(r[0], r[-1]) for r in found["pmo-scores"].rows] == [("Patient CRM", "55 %"), ("Identity platform", "70 %")]
    assert found["pmo-scores"].rows[0][4:6] == ["4", "2 warnings"]  # its rules, its open findings
    leagues = [t for t in found.values() if t.headers[:2] in (["Program", "Projects"], ["Manager", "Projects"])]
    assert [t.rows for t in leagues] == [
        [["Digital front door", "2", "1 error, 3 warnings", "63 %"]],  # the expired waiver too: not in the score
        [["Ada Okafor", "2", "1 error, 3 warnings", "63 %"]],
    ]


def test_a_score_is_na_with_its_reason_when_no_rule_applies(tmp_path: Path) -> None:
    governance = {**GOVERNANCE, "rules": [{**rule, "phases": ["proposal"]} for rule in GOVERNANCE["rules"]]}
    shutil.copytree(MINI, tmp_path / "p")
    tree = site_tree(read_portfolio(add_governance(tmp_path / "p", governance)), "pmo", None, {})
    scores = tables(tree.pages["governance.md"])["pmo-scores"]
    assert [(row[0], row[-1]) for row in scores.rows] == [
        ("Identity platform", "n/a (no rule of governance.yaml applies to run work in the closed phase)"),
        ("Patient CRM", "n/a (no rule of governance.yaml applies to change work in the execution phase)"),
    ]
    assert "no rule applies to the project" not in tree.pages["projects/crm.md"]
    assert (
        "n/a (no rule of governance.yaml applies to change work in the execution phase)"
        in tree.pages["projects/crm.md"]
    )


def test_without_rules_the_page_says_so_and_how_to_add_them() -> None:
    tree = site_tree(read_portfolio(MINI), "pmo", ROOT / "methodology", {"data-contract.md": None})
    page = tree.pages["governance.md"]
    assert "No governance rule is checked" in page and "pmo-governance-matrix" not in page
    assert 'href="../data-contract/#governanceyaml"' in page and 'href="../handbook/governance/"' in page
    assert (
        "## Governance" not in tree.pages["projects/crm.md"] and 'id="governance"' not in tree.pages["projects/crm.md"]
    )


def test_a_project_page_shows_its_gates_findings_waivers_and_score(pages: dict[str, str]) -> None:
    crm = section_of(pages["projects/crm.md"], "governance")
    assert "Data-quality score: 55 %" in crm and "rules worth 5 of the 9 severity points of the 4 rules" in crm
    gates = next(t for t in tables(crm).values() if t.headers[:2] == ["Gate", "Outcome"])
    assert gates.rows == [
        ["G1 Approval", "approved", "2025-12-01", "Sponsor", "—"],
        ["G2 Baseline", "approved", "2026-01-10", "Steering committee", "Vendor lead named before design"],
    ]
    checklist = next(t for t in tables(crm).values() if t.headers[0] == "Regulation")
    assert checklist.rows == [
        ["GDPR", "Privacy notice updated", "G3", "not yet", "—"],
        ["GDPR", "DPIA signed off by the DPO", "G2", "not yet", "—"],
    ]
    findings = next(t for t in tables(crm).values() if t.headers[0] == "Severity")
    assert [r[1] for r in findings.rows] == ["benefits-owned", "gdpr-checklist"]
    assert "Open findings (2)" in crm
    identity = section_of(pages["projects/identity.md"], "governance")
    assert "Data-quality score: 70 %" in identity and "No gate decision recorded" in identity
    waivers = next(t for t in tables(identity).values() if t.headers[0] == "Rule" and "Covers" in t.headers)
    assert [(r[0], r[4], r[5]) for r in waivers.rows] == [
        ("fields", "Active 304 days left", "1"),
        ("benefits-owned", "Expired 30 days ago", "0"),
    ]


def test_the_summary_card_stays_first(pages: dict[str, str]) -> None:
    crm = pages["projects/crm.md"]
    assert crm.index('class="pmo-card"') < crm.index('id="governance"')


def test_a_rule_links_to_its_handbook_section_only_when_the_site_has_it(pages: dict[str, str], ruled: Path) -> None:
    """A section named in governance.yaml becomes a link only when the handbook has the page."""
    tree = site_tree(read_portfolio(ruled), "pmo", None, {})
    assert "handbook/" not in tree.pages["governance.md"]
    assert "../handbook/lifecycle/#planning-and-g2-baseline" in pages["governance.md"]
