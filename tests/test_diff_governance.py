"""`pmo diff` and the pull-request summary list the governance findings a change added, reopened, resolved or waived,
matched across versions by what they are about, not by line or wording."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.analytics.diff import compare
from generator.cli import main
from generator.io.diff_report import to_data, to_markdown
from generator.pages.changes import Baseline
from generator.pages.urls import CHANGES
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.blocks import unmark

from .conftest import MINI
from .test_validate_governance import GATE_G2, GOVERNANCE, waiver


def copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def change(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """The mini portfolio under the test rules: crm is in execution without G2 (error), its benefit has no owner
    (info), the chatbot request waits for a decision (info)."""
    folder = copy(MINI, tmp_path / "base")
    (folder / "governance.yaml").write_text(GOVERNANCE, encoding="utf-8")
    return folder


def found(base: Path, head: Path, audience: str = "pmo") -> list[tuple[str, str, str, str]]:
    diff = compare(prepare(read_portfolio(base), audience), prepare(read_portfolio(head), audience), "a", "b")  # type: ignore[arg-type]
    return [(c.change, c.rule, c.entity, c.why) for c in diff.findings]


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_findings_added_resolved_and_waived(base: Path, tmp_path: Path) -> None:
    head = copy(base, tmp_path / "head")
    append(head, "projects/crm.yaml", GATE_G2 + "compliance: [gdpr]\n")
    append(
        head,
        "requests/chatbot.yaml",
        "waivers:\n  - {rule: triage, reason: Board meets in April, approved_by: sponsor, until: 2026-04-30}\n",
    )
    assert found(base, head) == [
        ("added", "gdpr-checklist", "crm", ""),
        ("added", "gdpr-checklist", "crm", ""),
        ("resolved", "G2-baseline", "crm", "fixed in the data"),
        ("waived", "triage", "chatbot", "waived until 2026-04-30 by sponsor: Board meets in April"),
    ]


def test_moved_lines_and_changed_figures_are_the_same_finding(base: Path, tmp_path: Path) -> None:
    """Lines added above a finding move it, and a later reporting date changes its numbers ("36 days ago"): it is
    still the same open finding, neither added nor resolved."""
    head = copy(base, tmp_path / "head")
    change(head, "projects/crm.yaml", "name: Patient CRM\n", "name: Patient CRM\n# two lines\n# added above\n")
    change(head, "portfolio.yaml", "as_of: 2026-03-02", "as_of: 2026-03-09")
    was, now = (prepare(read_portfolio(folder), "pmo").governance for folder in (base, head))
    assert [f.message for f in was.findings] != [f.message for f in now.findings]  # the triage's age moved
    assert found(base, head) == []


def test_checklist_items_of_one_regulation_are_told_apart(base: Path, tmp_path: Path) -> None:
    append(base, "projects/crm.yaml", "compliance: [gdpr]\n")
    head = copy(base, tmp_path / "head")
    append(head, "projects/crm.yaml", "checklist:\n  - {regulation: gdpr, item: dpia, done: 2026-02-20}\n")
    change(head, "portfolio.yaml", "as_of: 2026-03-02", "as_of: 2026-03-05")
    diff = compare(prepare(read_portfolio(base), "pmo"), prepare(read_portfolio(head), "pmo"), "a", "b")
    assert [(c.change, c.rule, c.message) for c in diff.findings] == [
        ("resolved", "gdpr-checklist", "GDPR: DPIA signed off (dpia, due by G2) is not done"),
    ]


def test_a_waiver_that_expires_reopens_its_finding(base: Path, tmp_path: Path) -> None:
    append(base, "projects/crm.yaml", waiver("2026-03-31"))
    head = copy(base, tmp_path / "head")
    change(head, "portfolio.yaml", "as_of: 2026-03-02", "as_of: 2026-04-02")
    assert found(base, head) == [
        ("added", "waiver-expired", "crm", ""),
        ("reopened", "G2-baseline", "crm", "its waiver (until 2026-03-31, by steering-committee) expired"),
    ]


def test_rules_added_or_removed_say_so(base: Path, tmp_path: Path) -> None:
    head = copy(base, tmp_path / "head")
    change(
        head,
        "governance.yaml",
        "  - {id: benefits-owned, title: Benefits have an owner and a due date, kind: benefit_ownership, "
        "severity: info,\n     work: [change]}\n",
        "  - {id: status-fresh, title: A status report of the last day, kind: status_age, severity: warning,\n"
        "     phases: [execution], params: {max_days: 1}}\n",
    )
    assert found(base, head) == [
        ("added", "status-fresh", "crm", "the rule is new in governance.yaml"),
        ("resolved", "benefits-owned", "crm", "the rule was removed from governance.yaml"),
    ]


def test_a_new_finding_waived_in_the_same_change_is_listed_as_waived(base: Path, tmp_path: Path) -> None:
    """The waiver is the decision a reviewer must see, even when the finding was never open."""
    head = copy(base, tmp_path / "head")
    (head / "projects" / "kiosk.yaml").write_text(
        "name: Kiosk\nprogram: front-door\nphase: execution\nsponsor: m.chen\nmanager: a.okafor\n"
        "start: 2026-01-01\nfinish: 2026-12-31\nbudget: 10000\n"
        "waivers:\n  - {rule: G2-baseline, reason: Pilot, approved_by: sponsor, until: 2026-06-30}\n",
        encoding="utf-8",
    )
    assert found(base, head) == [("waived", "G2-baseline", "kiosk", "new, waived until 2026-06-30 by sponsor: Pilot")]


def test_a_removed_project_s_findings_are_resolved_with_the_reason(base: Path, tmp_path: Path) -> None:
    head = copy(base, tmp_path / "head")
    (head / "requests" / "chatbot.yaml").unlink()
    assert found(base, head) == [("resolved", "triage", "chatbot", "the request is no longer in the data")]


def test_the_org_audience_never_shows_pmo_only_findings(base: Path, tmp_path: Path) -> None:
    change(base, "projects/crm.yaml", "name: Patient CRM\n", "name: Patient CRM\nvisibility: pmo\n")
    head = copy(base, tmp_path / "head")
    append(head, "projects/crm.yaml", "compliance: [gdpr]\n")
    assert [c[:3] for c in found(base, head, "pmo")] == [("added", "gdpr-checklist", "crm")] * 2
    assert found(base, head, "org") == []
    code, out = pmo("diff", str(base), str(head), "--audience", "org", "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == [] and "crm" not in out


def test_the_pull_request_summary_shows_the_findings(base: Path, tmp_path: Path) -> None:
    """What the PR workflow posts (`pmo diff BASE >> $GITHUB_STEP_SUMMARY`): a count, then a table of the findings
    added and one of those resolved, data text made inert."""
    change(base, "projects/crm.yaml", "{name: Fewer call-centre contacts,", "{name: Fewer *calls* | <b>x</b>,")
    head = copy(base, tmp_path / "head")
    append(head, "projects/crm.yaml", GATE_G2 + "compliance: [gdpr]\n")
    append(
        head,
        "requests/chatbot.yaml",
        "waivers:\n  - {rule: triage, reason: Board meets in April, approved_by: sponsor, until: 2026-04-30}\n",
    )
    code, out = pmo("diff", str(base), str(head))
    assert code == 0, out
    assert "\nGovernance findings: 2 added (2 warnings), 2 resolved or waived (1 waived).\n" in out
    added = out.split("## Governance findings added\n\n")[1].split("\n\n")[0].splitlines()
    assert added == [
        "| Severity | Rule | About | Finding | What would fix it |",
        "|---|---|---|---|---|",
        "| warning | `gdpr-checklist` | Patient CRM | GDPR: DPIA signed off (dpia, due by G2) is not done | record "
        "checklist: \\[{regulation: gdpr, item: dpia, done: \\<date\\>, evidence: …}\\] |",
        "| warning | `gdpr-checklist` | Patient CRM | GDPR: Record of processing updated (ropa, due by G2) is not done "
        "| record checklist: \\[{regulation: gdpr, item: ropa, done: \\<date\\>, evidence: …}\\] |",
    ]
    resolved = out.split("## Governance findings resolved or waived\n\n")[1].split("\n\n")[0].splitlines()
    assert resolved[2:] == [
        "| error | `G2-baseline` | Patient CRM | in execution without an approved G2 (Baseline) decision | fixed in "
        "the data |",
        "| info | `triage` | Patient chatbot (request) | submitted 2026-02-01 (29 days ago) and still assessed "
        "(decided within 20 days) | waived until 2026-04-30 by sponsor: Board meets in April |",
    ]
    assert "Fewer" not in out  # the benefit's finding is open on both sides: not a change


def test_markdown_text_of_a_finding_is_inert(base: Path, tmp_path: Path) -> None:
    head = copy(base, tmp_path / "head")
    change(head, "projects/crm.yaml", "{name: Fewer call-centre contacts,", "{name: Fewer *calls* | <b>x</b>,")
    code, out = pmo("diff", str(base), str(head))
    assert code == 0
    assert '| benefit "Fewer \\*calls\\* \\| \\<b\\>x\\</b\\>" has no owner |' in out  # renamed: a new finding


def test_json_lists_the_findings_with_documented_keys(base: Path, tmp_path: Path) -> None:
    head = copy(base, tmp_path / "head")
    append(
        head,
        "requests/chatbot.yaml",
        "waivers:\n  - {rule: triage, reason: Board meets in April, approved_by: sponsor, until: 2026-04-30}\n",
    )
    code, out = pmo("diff", str(base), str(head), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["empty"] is False
    assert data["findings"] == [
        {
            "rule": "triage",
            "severity": "info",
            "entity_type": "request",
            "entity": "chatbot",
            "name": "Patient chatbot",
            "change": "waived",
            "message": "submitted 2026-02-01 (29 days ago) and still assessed (decided within 20 days)",
            "fix": "take it to the portfolio review: set stage to approved, rejected or deferred",
            "why": "waived until 2026-04-30 by sponsor: Board meets in April",
            "waiver": {"reason": "Board meets in April", "approved_by": "sponsor", "until": "2026-04-30"},
        }
    ]


def test_no_finding_changed_is_an_empty_diff(base: Path) -> None:
    a = prepare(read_portfolio(base), "pmo")
    assert a.governance.open  # there are findings, on both sides
    same = compare(a, a, "x", "y")
    assert same.empty and same.findings == []
    assert "No changes to projects, dates, budgets, risks, change requests or governance findings." in to_markdown(same)
    assert to_data(same)["findings"] == []


def test_the_changes_page_of_a_version_lists_them_too(base: Path, tmp_path: Path) -> None:
    head = copy(base, tmp_path / "head")
    append(head, "projects/crm.yaml", GATE_G2)
    before, after = read_portfolio(base), read_portfolio(head)
    page = html.unescape(
        unmark(site_tree(after, "org", None, {}, baseline=Baseline("v1", "v2", before)).pages[CHANGES])
    )
    assert "## Governance findings resolved or waived" in page
    assert '<a href="../projects/crm/">Patient CRM</a>' in page and "fixed in the data" in page
