"""governance.yaml as data: the sample's is valid and tells the intended story; a broken rule file or a project
naming what governance.yaml does not define is ONE clear problem with file, line, field and what was expected
(exit 1, no traceback); the JSON Schema agrees."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.data.governance import RULE_KINDS
from generator.pipeline import prepare, read_portfolio
from generator.widgets.blocks import anchor_ids

from .conftest import ROOT, SAMPLE
from .test_schema import errors

GOVERNANCE = """\
bodies:
  - {id: sponsor, name: Sponsor}
  - {id: steering-committee, name: Steering committee}
decision_rights:
  - {body: sponsor, max_cost: 25000, max_schedule_days: 14}
  - {body: steering-committee}
gates:
  - {id: G1, name: Approval, opens: approved, decided_by: [steering-committee]}
  - {id: G2, name: Baseline, opens: execution, decided_by: [steering-committee, sponsor]}
regulations:
  - id: gdpr
    name: GDPR
    items:
      - {id: dpia, title: DPIA signed off, by_gate: G2}
rules:
  - id: G2-baseline
    title: Execution starts after an approved G2
    kind: gate_decision
    severity: error
    phases: [execution]
    params: {gate: G2}
  - id: wip
    title: At most three projects in execution
    kind: wip_limit
    severity: warning
    params: {max_projects: 3}
  - id: gdpr-checklist
    title: GDPR items done by their gate
    kind: regulation_checklist
    severity: warning
    params: {regulations: [gdpr]}
"""

RECORDS = """\
gates:
  - {gate: G2, date: 2025-12-15, decision: approved, decided_by: steering-committee}
compliance: [gdpr]
checklist:
  - {regulation: gdpr, item: dpia, done: 2025-12-01, evidence: DPIA v1}
waivers:
  - {rule: wip, reason: Agreed at the review, approved_by: steering-committee, until: 2026-12-31}
"""

KINDS = ", ".join(RULE_KINDS)


@pytest.fixture
def governed(mini: Path) -> Path:
    """The mini portfolio with a small governance.yaml and a project that records gates, compliance, a checklist
    and a waiver."""
    (mini / "governance.yaml").write_text(GOVERNANCE, encoding="utf-8")
    crm = mini / "projects" / "crm.yaml"
    crm.write_text(crm.read_text(encoding="utf-8") + RECORDS, encoding="utf-8")
    return mini


def validate(root: Path) -> tuple[int, list[str], str]:
    """`pmo validate`: exit code, the problem lines (file:line: field: message), the whole output."""
    result = CliRunner().invoke(main, ["validate", "--data", str(root)])
    lines = [line for line in result.output.splitlines() if re.match(rf"{re.escape(str(root))}/\S+:\d+: ", line)]
    return result.exit_code, lines, result.output


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace `old`, which is there once; the number of the line where it started."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_the_governed_mini_portfolio_is_valid(governed: Path) -> None:
    code, lines, output = validate(governed)
    assert (code, lines) == (0, []), output
    portfolio = read_portfolio(governed)
    assert [rule.id for rule in portfolio.governance.rules] == ["G2-baseline", "wip", "gdpr-checklist"]
    assert portfolio.projects["crm"].waivers[0].rule == "wip"


GOVERNANCE_CASES = {
    "unknown kind, close to one": (
        "kind: wip_limit",
        "kind: wip_limits",
        "rules[1].kind",
        'unknown rule kind "wip_limits"; did you mean "wip_limit"?',
    ),
    "unknown kind": (
        "kind: wip_limit",
        "kind: quota",
        "rules[1].kind",
        f'unknown rule kind "quota"; expected one of {KINDS}',
    ),
    "missing kind": (
        "  - id: wip\n    title: At most three projects in execution\n    kind: wip_limit\n",
        "  - id: wip\n    title: At most three projects in execution\n",
        "rules[1]",
        f'required field "kind" is missing: expected one of {KINDS}',
    ),
    "unknown parameter": (
        "params: {max_projects: 3}",
        "params: {max_projects: 3, program: front-door}",
        "rules[1].params.program",
        'unknown field "program"; allowed fields: max_projects',
    ),
    "misspelled parameter": (
        "params: {max_projects: 3}",
        "params: {max_project: 3}",
        "rules[1].params.max_project",
        'unknown field "max_project"; did you mean "max_projects"?',
    ),
    "missing parameter": (
        "params: {max_projects: 3}",
        "params: {}",
        "rules[1].params.max_projects",
        "required field is missing",
    ),
    "parameter of the wrong type": (
        "params: {max_projects: 3}",
        "params: {max_projects: three}",
        "rules[1].params.max_projects",
        'expected a whole number, got "three"',
    ),
    "parameter out of range": (
        "params: {max_projects: 3}",
        "params: {max_projects: 0}",
        "rules[1].params.max_projects",
        "must be at least 1, got 0",
    ),
    "rule naming an unknown gate": (
        "params: {gate: G2}",
        "params: {gate: G5}",
        "rules[0].params.gate",
        'unknown gate "G5"; governance.yaml defines G1, G2',
    ),
    "rule naming an unknown regulation": (
        "params: {regulations: [gdpr]}",
        "params: {regulations: [gdpr, hipaa]}",
        "rules[2].params.regulations[1]",
        'unknown regulation "hipaa"; governance.yaml defines gdpr',
    ),
    "checklist item due by an unknown gate": (
        "by_gate: G2}",
        "by_gate: G3}",
        "regulations[0].items[0].by_gate",
        'unknown gate "G3"; governance.yaml defines G1, G2',
    ),
    "gate decided by an unknown body": (
        "decided_by: [steering-committee, sponsor]",
        "decided_by: [steering-committee, sponsr]",
        "gates[1].decided_by[1]",
        'unknown body "sponsr"; did you mean "sponsor"?',
    ),
    "decision right of an unknown body": (
        "{body: sponsor, max_cost",
        "{body: cfo, max_cost",
        "decision_rights[0].body",
        'unknown body "cfo"; governance.yaml defines sponsor, steering-committee',
    ),
    "duplicate rule id": (
        "  - id: gdpr-checklist\n",
        "  - id: G2-baseline\n",
        "rules[2].id",
        'duplicate rule id "G2-baseline" (also rules[0])',
    ),
    "last decision right with a limit": (
        "{body: steering-committee}",
        "{body: steering-committee, max_cost: 500000}",
        "decision_rights[1]",
        "the last body must have no limit, or a change above every limit has no one to decide it: leave out "
        "max_cost, max_budget_percent and max_schedule_days in the last row",
    ),
    "unknown severity": (
        "severity: warning\n    params: {max",
        "severity: low\n    params: {max",
        "rules[1].severity",
        'expected one of error, warning, info; got "low"',
    ),
}


@pytest.mark.parametrize(("old", "new", "field", "message"), GOVERNANCE_CASES.values(), ids=GOVERNANCE_CASES.keys())
def test_a_broken_rule_file_is_one_clear_problem(governed: Path, old: str, new: str, field: str, message: str) -> None:
    path = governed / "governance.yaml"
    line = replace_in(path, old, new)
    code, lines, output = validate(governed)
    assert code == 1
    assert "Traceback" not in output
    assert lines == [f"{path}:{line}: {field}: {message}"]


PROJECT_CASES = {
    "unknown gate": (
        "{gate: G2, date",
        "{gate: G9, date",
        "gates[0].gate",
        'unknown gate "G9"; governance.yaml defines G1, G2',
    ),
    "unknown decider": (
        "2025-12-15, decision: approved, decided_by: steering-committee}",
        "2025-12-15, decision: approved, decided_by: steering-comittee}",
        "gates[0].decided_by",
        'unknown body or person "steering-comittee"; did you mean "steering-committee"?',
    ),
    "unknown regulation": (
        "compliance: [gdpr]",
        "compliance: [gdpr, pci]",
        "compliance[1]",
        'unknown regulation "pci"; governance.yaml defines gdpr',
    ),
    "unknown checklist item": (
        "item: dpia,",
        "item: pentest,",
        "checklist[0].item",
        'unknown item "pentest" of GDPR; its items: dpia',
    ),
    "checklist of an unknown regulation": (
        "{regulation: gdpr, item",
        "{regulation: gdrp, item",
        "checklist[0].regulation",
        'unknown regulation "gdrp"; did you mean "gdpr"?',
    ),
    "waiver of an unknown rule": (
        "{rule: wip,",
        "{rule: wip-limit,",
        "waivers[0].rule",
        'unknown governance rule "wip-limit"; governance.yaml defines G2-baseline, gdpr-checklist, wip',
    ),
    "waiver without a reason": (
        "reason: Agreed at the review, approved_by",
        "approved_by",
        "waivers[0].reason",
        "required field is missing",
    ),
    "gate decision that is not one": (
        "2025-12-15, decision: approved",
        "2025-12-15, decision: yes",
        "gates[0].decision",
        'expected one of approved, rejected, deferred; got "yes"',
    ),
}


@pytest.mark.parametrize(("old", "new", "field", "message"), PROJECT_CASES.values(), ids=PROJECT_CASES.keys())
def test_a_project_naming_what_governance_does_not_define_is_one_clear_problem(
    governed: Path, old: str, new: str, field: str, message: str
) -> None:
    path = governed / "projects" / "crm.yaml"
    line = replace_in(path, old, new)
    code, lines, output = validate(governed)
    assert code == 1
    assert "Traceback" not in output
    assert lines == [f"{path}:{line}: {field}: {message}"]


def test_a_team_or_program_waiver_of_an_unknown_rule(governed: Path) -> None:
    people = governed / "people.yaml"
    line = replace_in(
        people,
        "  - {id: integration, name: Integration, capacity_fte: 4}\n",
        "  - {id: integration, name: Integration, capacity_fte: 4, waivers: [{rule: overload, reason: Peak accepted, "
        "approved_by: sponsor, until: 2027-01-31}]}\n",
    )
    code, lines, _ = validate(governed)
    assert code == 1
    assert lines == [
        f'{people}:{line}: teams[1].waivers[0].rule: unknown governance rule "overload"; governance.yaml defines '
        "G2-baseline, gdpr-checklist, wip"
    ]


def test_without_governance_yaml_a_gate_is_unknown_and_says_why(mini: Path) -> None:
    crm = mini / "projects" / "crm.yaml"
    crm.write_text(crm.read_text(encoding="utf-8") + "compliance: [gdpr]\n", encoding="utf-8")
    code, lines, _ = validate(mini)
    assert code == 1
    assert lines == [f'{crm}:{len(crm.read_text().splitlines())}: compliance[0]: unknown regulation "gdpr": '
                     "governance.yaml defines no regulations"]  # fmt: skip


# the sample -------------------------------------------------------------------------------------------------


def test_the_sample_governance_validates() -> None:
    code, lines, output = validate(SAMPLE)
    assert (code, lines) == (0, []), output
    gov = read_portfolio(SAMPLE).governance
    assert [gate.id for gate in gov.gates] == ["G0", "G1", "G2", "G3", "G4"]
    assert [reg.id for reg in gov.regulations] == ["gdpr", "hipaa", "sox"]
    assert {rule.kind for rule in gov.rules} == set(RULE_KINDS)  # the sample uses every kind of the catalogue
    assert len({rule.id for rule in gov.rules}) == len(gov.rules)


def test_every_section_of_the_sample_governance_is_a_handbook_heading() -> None:
    """Each body, gate, regulation and rule links to a page of the handbook and an anchor its headings make."""
    gov = read_portfolio(SAMPLE).governance
    sections = [entry.section for entry in [*gov.bodies, *gov.gates, *gov.regulations, *gov.rules]]
    assert all(sections)
    for section in sections:
        page, _, anchor = section.partition("#")
        path = ROOT / "methodology" / page
        assert path.is_file(), section
        html = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["toc", "attr_list"])
        assert not anchor or anchor in anchor_ids(html), section


def test_the_sample_decision_rights_are_the_handbook_table() -> None:
    """governance.md, "Decision rights for changes": the same bodies in the same order, with the same limits."""
    rights = read_portfolio(SAMPLE).governance.decision_rights
    assert [(r.body, r.max_cost, r.max_budget_percent, r.max_schedule_days) for r in rights] == [
        ("project-manager", 0, None, 5),
        ("sponsor", 25000, 5, 14),
        ("change-board", 150000, 10, 45),
        ("steering-committee", 500000, 25, None),
        ("portfolio-review", None, None, None),
    ]


# (rule, entity, waived): what a PMO reads in the sample; see the report of issue 17's data part
SAMPLE_FINDINGS = {
    ("benefits-owned", "master-patient-index", False),  # the benefit owner left, nobody named since
    ("change-authority", "video-consultations", False),  # CR-1: 28 days is above the sponsor's 14
    ("fields-execution", "medical-device-segmentation", True),  # no benefits: risk reduction, waived
    ("gdpr-checklist", "pacs-migration", False),  # breach procedure not yet handed to the service owner
    ("recovery-plan", "medical-device-segmentation", False),  # red, stale, no recovery action
    ("recovery-plan", "staff-rostering", True),  # red while the works council reviews: waived until December
    ("request-triage", "trusted-research-environment", False),  # assessed in July, undecided after 123 days
    ("sox-checklist", "payroll-vendor-exit", False),  # a pmo-only project: segregation of duties not designed
    ("status-fresh", "medical-device-segmentation", False),  # last report August
    ("status-fresh", "staff-rostering", False),  # last report August
    ("team-overload", "web-platform", True),  # 110 % November to January, accepted by the portfolio review
    ("waiver-expired", "infrastructure-modernisation", False),  # its WIP waiver ran out on 30 September
    ("wip-limit", "infrastructure-modernisation", False),  # four projects in execution, and the waiver expired
}


def test_the_sample_findings_tell_the_intended_story() -> None:
    report = prepare(read_portfolio(SAMPLE), "pmo").governance
    assert {(f.rule, f.entity, f.waived) for f in report.findings} == SAMPLE_FINDINGS
    assert not [f for f in report.findings if f.severity == "error"]  # the site builds
    assert {f.severity for f in report.open} == {"warning", "info"}


def test_the_org_audience_sees_no_finding_about_a_pmo_only_project() -> None:
    report = prepare(read_portfolio(SAMPLE), "org").governance
    pmo_only = {f for f in SAMPLE_FINDINGS if f[1] == "payroll-vendor-exit"}
    assert pmo_only
    assert {(f.rule, f.entity, f.waived) for f in report.findings} == SAMPLE_FINDINGS - pmo_only


# the JSON Schema -------------------------------------------------------------------------------------------


def test_the_schema_accepts_the_sample_governance_and_rejects_an_unknown_kind() -> None:
    text = (SAMPLE / "governance.yaml").read_text(encoding="utf-8")
    assert errors("governance", text) == []
    assert text.count("kind: wip_limit\n") == 1
    assert errors("governance", text.replace("kind: wip_limit\n", "kind: quota\n"))


def test_the_schema_rejects_an_unknown_parameter() -> None:
    text = (SAMPLE / "governance.yaml").read_text(encoding="utf-8")
    assert errors("governance", text.replace("params: {max_projects: 3}", "params: {max_projects: 3, program: x}"))
    assert errors("governance", text.replace("params: {max_projects: 3}", "params: {max_projects: three}"))
