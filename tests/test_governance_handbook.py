"""The handbook's rule tables come from governance.yaml: decision rights, gates, regulations' checklists, rules. The
sample's decision-rights table, read back from its handbook page, is the one the change checks use."""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING

import pytest

from generator.analytics.governance import change_effect, required_body
from generator.errors import ConfigurationError
from generator.pipeline import read_portfolio, site_tree

from .conftest import MINI, ROOT, SAMPLE
from .governance_fixture import GOVERNANCE, add_governance
from .test_governance_pages import Table, tables

if TYPE_CHECKING:
    from pathlib import Path

    from generator.data.governance import Governance
    from generator.data.model import Project

HANDBOOK_DIR = ROOT / "methodology"


@pytest.fixture(scope="module")
def ruled_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("governed") / "portfolio"
    shutil.copytree(MINI, folder)
    return site_tree(read_portfolio(add_governance(folder)), "org", HANDBOOK_DIR, {}).pages


def _table(page: str, first_heading: str) -> Table:
    return next(t for t in tables(page).values() if t.headers and t.headers[0] == first_heading)


Limits = tuple[float | None, float | None, int | None]


def read_decision_rights(page: str) -> list[tuple[str, Limits]]:
    """The decision-rights table as the handbook page shows it: (decided_by, (cost, percent of budget, days))."""
    table = _table(page, "Who decides")
    assert table.headers == ["Who decides", "decided_by", "Cost effect up to", "Schedule effect up to"]
    read = []
    for _, body, cost_text, days_text in table.rows:
        cost = re.search(r"[€$£]([\d,]+)", cost_text)
        share = re.search(r"([\d.]+) % of the budget", cost_text)
        days = re.fullmatch(r"(\d+) days", days_text)
        assert cost or share or cost_text == "no limit", cost_text
        assert days or days_text == "no limit", days_text
        read.append(
            (
                body,
                (
                    float(cost.group(1).replace(",", "")) if cost else None,
                    float(share.group(1)) if share else None,
                    int(days.group(1)) if days else None,
                ),
            )
        )
    return read


def decided_by_the_page(rows: list[tuple[str, Limits]], effect: tuple[float, int], budget: float | None) -> int | None:
    """The first row of the page's table whose limits all cover a change of this cumulative effect."""
    cost, days = effect
    for i, (_, (most, share, longest)) in enumerate(rows):
        if (
            (most is None or cost <= most)
            and (share is None or (budget is not None and budget > 0 and cost <= budget * share / 100))
            and (longest is None or days <= longest)
        ):
            return i
    return None


def test_the_decision_rights_table_is_governance_yamls(ruled_pages: dict[str, str]) -> None:
    page = ruled_pages["handbook/governance.md"]
    expected = [
        (row["body"], (row.get("max_cost"), row.get("max_budget_percent"), row.get("max_schedule_days")))
        for row in GOVERNANCE["decision_rights"]
    ]
    assert read_decision_rights(page) == expected
    table = _table(page, "Who decides")
    assert [row[0] for row in table.rows] == [
        "Project manager",
        "Sponsor",
        "Change control board",
        "Steering committee",
    ]
    assert table.cells[3][0] == "href=../../handbook/governance/#steering-committees"  # the section it names
    assert table.rows[1][2] == "€10,000 and 5 % of the budget" and table.rows[3][2:] == ["no limit", "no limit"]


def _check_changes(
    gov: Governance, projects: list[Project], rows: list[tuple[str, Limits]]
) -> tuple[int, list[tuple[str, str, str]]]:
    """Each decided change needs the same body by the page's table as by the change checks. Returns how many were
    checked, and those decided by a body lower in the page's table than the one they need."""
    checked, too_low = 0, []
    bodies = [body for body, _ in rows]
    for project in projects:
        for change in project.changes:
            if change.decision == "pending":
                continue
            by_page = decided_by_the_page(rows, change_effect(project, change), project.budget)
            assert by_page == required_body(gov, project, change), (project.id, change.id)
            if by_page is not None and bodies.index(change.decided_by or bodies[0]) < by_page:
                too_low.append((project.id, change.id, bodies[by_page]))
            checked += 1
    return checked, too_low


def test_the_sample_decision_rights_on_the_handbook_page_are_the_ones_the_change_checks_use() -> None:
    portfolio = read_portfolio(SAMPLE)
    gov = portfolio.governance
    page = site_tree(portfolio, "pmo", HANDBOOK_DIR, {}).pages["handbook/governance.md"]
    rows = read_decision_rights(page)
    assert len(rows) >= 3, "the sample's governance.yaml sets the decision rights"
    assert [body for body, _ in rows] == [row.body for row in gov.decision_rights]
    assert [limits for _, limits in rows] == [
        (row.max_cost, row.max_budget_percent, row.max_schedule_days) for row in gov.decision_rights
    ]
    checked, too_low = _check_changes(gov, list(portfolio.projects.values()), rows)
    assert checked >= 10
    # the one the sample shows on purpose (its change-authority finding): 28 days is above the sponsor's 14, the
    # sponsor decided it alone
    assert too_low == [("video-consultations", "CR-1", "change-board")]


def test_the_gates_table_gives_each_gates_criteria_and_deciders(ruled_pages: dict[str, str]) -> None:
    gates = _table(ruled_pages["handbook/lifecycle.md"], "Gate")
    assert gates.headers == ["Gate", "What must be true", "Who decides", "Opens the phase"]
    assert gates.rows == [
        ["G1 Approval", "Business case approved", "Sponsor", "approved"],
        [
            "G2 Baseline",
            "Baseline plan in the project file Resources confirmed by the team leads",
            "Steering committee or Sponsor",
            "execution",
        ],
        ["G3 Acceptance", "—", "Steering committee", "closing"],
    ]
    assert "href=../../handbook/lifecycle/#g1-approval" in gates.cells[0][0]
    # what the data does not hold stays on the page: each step's artefact and where it is recorded
    assert "| Intake | The request is complete enough to assess" in (HANDBOOK_DIR / "lifecycle.md").read_text()


def test_a_regulations_checklist_lists_its_items_by_gate(ruled_pages: dict[str, str]) -> None:
    page = ruled_pages["handbook/compliance.md"]
    gdpr = page[page.index("## GDPR") : page.index("## HIPAA")]
    assert _table(gdpr, "Done by").rows == [
        ["G2 Baseline", "DPIA signed off by the DPO", "dpia"],  # by the gates' order, not the file's
        ["G3 Acceptance", "Privacy notice updated", "notice"],
    ]
    assert "The project processes personal data in a new way." in gdpr
    hipaa = page[page.index("## HIPAA") : page.index("## SOX")]
    assert "defines no regulation <code>hipaa</code> yet" in hipaa  # the fixture's file has none: said, not left blank


def test_the_rules_are_listed_with_severity_what_they_apply_to_and_where_they_are_explained(
    ruled_pages: dict[str, str],
) -> None:
    rules = _table(ruled_pages["handbook/governance.md"], "Rule")
    assert rules.headers == ["Rule", "Severity", "Applies to", "Explained in"]
    assert [row[0].split()[0] for row in rules.rows] == [rule["id"] for rule in GOVERNANCE["rules"]]
    by_id = {row[0].split()[0]: row for row in rules.rows}
    assert by_id["G2-baseline"][1:] == ["Error", "projects in execution, closing, closed", "Lifecycle"]
    assert by_id["triage"][1:3] == ["Info", "requests submitted or assessed"]
    assert by_id["benefits-owned"][1:] == ["Warning", "projects", "—"]
    assert by_id["G2-baseline"][0] == "G2-baseline Execution starts after an approved G2"


def test_without_governance_yaml_each_table_says_what_is_missing() -> None:
    pages = site_tree(read_portfolio(MINI), "org", HANDBOOK_DIR, {}).pages
    assert "defines no decision rights yet" in pages["handbook/governance.md"]
    assert "defines no rules yet" in pages["handbook/governance.md"]
    assert "defines no gates yet" in pages["handbook/lifecycle.md"]
    assert "defines no regulation <code>gdpr</code> yet" in pages["handbook/compliance.md"]


def test_a_checklist_marker_without_its_regulation_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "handbook"
    folder.mkdir()
    (folder / "index.md").write_text("# Handbook\n\n<!-- pmo:regulation-checklist -->\n", encoding="utf-8")
    with pytest.raises(
        ConfigurationError, match=r"index\.md:3: <!-- pmo:regulation-checklist -->: name the regulation"
    ):
        site_tree(read_portfolio(MINI), "org", folder, {})
