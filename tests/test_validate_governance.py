"""`pmo validate` checks governance.yaml's rules after the data: one line per finding, workflow annotations or JSON
entries, and the exit code an open error gives. Built on a copy of the mini portfolio with a governance.yaml of its
own (the shape of the sample's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.analytics.governance import Finding
from generator.cli import main
from generator.errors import Problem, visible
from generator.io.findings_report import Placed, annotation, entry, finding_line

from .conftest import Edit

GOVERNANCE = """\
bodies:
  - {id: sponsor, name: Sponsor}
  - {id: change-board, name: Change control board}
  - {id: steering-committee, name: Steering committee}
decision_rights:
  - {body: sponsor, max_cost: 25000, max_schedule_days: 14}
  - {body: change-board, max_cost: 150000, max_budget_percent: 10, max_schedule_days: 45}
  - {body: steering-committee}
gates:
  - {id: G2, name: Baseline, opens: execution, decided_by: [steering-committee, sponsor]}
  - {id: G3, name: Acceptance, opens: closing, decided_by: [steering-committee]}
regulations:
  - id: gdpr
    name: GDPR
    items:
      - {id: dpia, title: DPIA signed off, by_gate: G2}
      - {id: ropa, title: Record of processing updated, by_gate: G2}
rules:
  - {id: G2-baseline, title: Execution starts after an approved G2 decision, kind: gate_decision, severity: error,
     phases: [execution], params: {gate: G2}}
  - {id: gdpr-checklist, title: GDPR items done by their gate, kind: regulation_checklist, severity: warning}
  - {id: benefits-owned, title: Benefits have an owner and a due date, kind: benefit_ownership, severity: info,
     work: [change]}
  - {id: triage, title: Requests decided within 20 days, kind: request_triage, severity: info,
     params: {score_within_days: 30, decide_within_days: 20}}
  - {id: waiver-expired, title: Waivers are renewed or removed, kind: waiver_expiry, severity: warning}
"""
GATE_G2 = "gates:\n  - {gate: G2, date: 2026-01-05, decision: approved, decided_by: steering-committee}\n"
G2_FIX = "record gates: [{gate: G2, date: …, decision: approved, decided_by: steering-committee}] or a waiver"
TRIAGE = (
    "requests/chatbot.yaml:4: triage (info): submitted 2026-02-01 (29 days ago) and still assessed (decided within "
    "20 days); take it to the portfolio review: set stage to approved, rejected or deferred"
)
BENEFIT = (
    'projects/crm.yaml:32: benefits-owned (info): benefit "Fewer call-centre contacts" has no owner; '
    "give it an owner (a person id)"
)


@pytest.fixture
def governed(mini: Path) -> Path:
    (mini / "governance.yaml").write_text(GOVERNANCE, encoding="utf-8")
    return mini


def append(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def waiver(until: str) -> str:
    entry = f"{{rule: G2-baseline, reason: Emergency work, approved_by: steering-committee, until: {until}}}"
    return f"waivers:\n  - {entry}\n"


def validate(folder: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "--data", str(folder), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.splitlines()


def test_an_open_error_finding_fails_the_run_with_one_line_per_finding(governed: Path) -> None:
    code, lines = validate(governed)
    assert code == 1
    assert lines == [
        f"{governed}: valid — 2 projects, 1 programs, 1 requests.",
        f"{governed}/projects/crm.yaml:4: G2-baseline (error): in execution without an approved G2 (Baseline) "
        f"decision; {G2_FIX}",
        f"{governed}/{BENEFIT}",
        f"{governed}/{TRIAGE}",
        "Governance: 5 rules checked; open findings: 1 error, 0 warnings, 2 info; 0 waived. The open errors fail "
        "validation.",
    ]


def test_warnings_and_info_only_pass(governed: Path) -> None:
    append(governed, "projects/crm.yaml", GATE_G2 + "compliance: [gdpr]\n")
    code, lines = validate(governed)
    assert code == 0, lines
    crm = f"{governed}/projects/crm.yaml"
    assert lines[1:] == [
        f'{crm}:32: benefits-owned (info): benefit "Fewer call-centre contacts" has no owner; give it an owner '
        "(a person id)",
        f"{crm}:39: gdpr-checklist (warning): GDPR: DPIA signed off (dpia, due by G2) is not done; record checklist: "
        "[{regulation: gdpr, item: dpia, done: <date>, evidence: …}]",
        f"{crm}:39: gdpr-checklist (warning): GDPR: Record of processing updated (ropa, due by G2) is not done; "
        "record checklist: [{regulation: gdpr, item: ropa, done: <date>, evidence: …}]",
        f"{governed}/{TRIAGE}",
        "Governance: 5 rules checked; open findings: 0 errors, 2 warnings, 2 info; 0 waived.",
    ]


def test_a_portfolio_that_passes_every_rule_says_so(governed: Path, edit: Edit) -> None:
    append(governed, "projects/crm.yaml", GATE_G2)
    edit("projects/crm.yaml", "planned: 40000, realized: 0,", "planned: 40000, realized: 0, owner: m.chen,")
    edit("requests/chatbot.yaml", "stage: assessed", "stage: approved")
    code, lines = validate(governed)
    assert (code, lines[-1]) == (0, "Governance: 5 rules checked, no findings."), lines


def test_a_waived_error_is_listed_apart_with_its_reason_and_does_not_fail(governed: Path) -> None:
    append(governed, "projects/crm.yaml", waiver("2027-03-31"))
    code, lines = validate(governed)
    assert code == 0, lines
    assert lines[1:] == [
        f"{governed}/{BENEFIT}",
        f"{governed}/{TRIAGE}",
        f"{governed}/projects/crm.yaml:4: G2-baseline (error, waived): in execution without an approved G2 "
        "(Baseline) decision; waived until 2027-03-31 by steering-committee: Emergency work",
        "Governance: 5 rules checked; open findings: 0 errors, 0 warnings, 2 info; 1 waived.",
    ]


def test_an_expired_waiver_waives_nothing_and_is_a_finding(governed: Path) -> None:
    append(governed, "projects/crm.yaml", waiver("2026-01-31"))
    code, lines = validate(governed)
    assert code == 1
    assert f"{governed}/projects/crm.yaml:38: waiver-expired (warning): the waiver of G2-baseline expired on " in (
        "\n".join(lines)
    )
    assert lines[-1].startswith("Governance: 5 rules checked; open findings: 1 error, 1 warning, 2 info; 0 waived.")


def test_data_errors_come_first_and_the_rules_are_not_checked(governed: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "phase: execution", "phase: running")
    code, lines = validate(governed)
    assert code == 1
    assert lines[0].startswith(f"{governed}/projects/crm.yaml:4: phase: expected one of")
    assert lines[1:] == [
        "Governance: the rules of governance.yaml were not checked; they run once the data is valid.",
        "1 problem found.",
    ]
    code, lines = validate(governed, "--format", "json")
    assert code == 1 and [entry.get("rule") for entry in json.loads("\n".join(lines))] == [None]


def test_without_governance_yaml_the_output_is_as_before(mini: Path, edit: Edit) -> None:
    assert validate(mini) == (0, [f"{mini}: valid — 2 projects, 1 programs, 1 requests."])
    edit("projects/crm.yaml", "phase: execution", "phase: running")
    code, lines = validate(mini)
    assert code == 1 and lines[-1] == "1 problem found." and "Governance" not in "\n".join(lines)


def test_github_annotations_put_each_finding_on_its_line(governed: Path, edit: Edit) -> None:
    edit("projects/identity.yaml", "budget: 50000", "budget: 50000  # TODO")
    append(
        governed,
        "requests/chatbot.yaml",
        "waivers:\n  - {rule: triage, reason: Waiting for the board, approved_by: sponsor, until: 2026-04-30}\n",
    )
    code, lines = validate(governed, "--format", "github")
    assert code == 1
    crm = f"{governed}/projects/crm.yaml"
    assert lines == [
        f'::warning file={governed}/projects/identity.yaml,line=9::budget: a "# TODO" comment is left here: put in '
        "the real value, then delete the comment",
        f"::error file={crm},line=4,title=G2-baseline (error)::in execution without an approved G2 (Baseline) "
        f"decision; {G2_FIX}",
        f'::notice file={crm},line=32,title=benefits-owned (info)::benefit "Fewer call-centre contacts" has no owner; '
        "give it an owner (a person id)",
        f"::notice file={governed}/requests/chatbot.yaml,line=4,title=triage (info%2C waived)::submitted 2026-02-01 "
        "(29 days ago) and still assessed (decided within 20 days); waived until 2026-04-30 by sponsor: Waiting for "
        "the board",
    ]


def test_json_lists_every_finding_beside_the_data_warnings(governed: Path, edit: Edit) -> None:
    edit("projects/identity.yaml", "budget: 50000", "budget: 50000  # TODO")
    append(governed, "projects/crm.yaml", waiver("2027-03-31"))
    code, lines = validate(governed, "--format", "json")
    assert code == 0
    entries = json.loads("\n".join(lines))
    assert entries[0]["severity"] == "warning" and "rule" not in entries[0]  # the placeholder, as before
    assert [(e["rule"], e["severity"], e["waived"]) for e in entries[1:]] == [
        ("benefits-owned", "info", False),
        ("triage", "info", False),
        ("G2-baseline", "error", True),
    ]
    assert entries[3] == {
        "file": f"{governed}/projects/crm.yaml",
        "line": 4,
        "field": "phase",
        "message": "in execution without an approved G2 (Baseline) decision",
        "severity": "error",
        "rule": "G2-baseline",
        "entity": "crm",
        "entity_type": "project",
        "program": "front-door",
        "fix": G2_FIX,
        "waived": True,
        "waiver": {"reason": "Emergency work", "approved_by": "steering-committee", "until": "2027-03-31"},
    }
    assert entries[2]["entity_type"] == "request" and entries[2]["waiver"] is None


def test_data_text_in_a_finding_cannot_forge_lines_or_annotations(governed: Path, edit: Edit) -> None:
    """A waiver's reason and a benefit's name may hold line breaks (text allows them): each finding stays one line,
    and none becomes a workflow command of its own."""
    edit("projects/crm.yaml", "{name: Fewer call-centre contacts,", '{name: "Fewer 100% calls\\n::error::forged",')
    append(
        governed,
        "projects/crm.yaml",
        'waivers:\n  - {rule: G2-baseline, reason: "Agreed\\n::error file=x::forged, 50%", approved_by: sponsor, '
        "until: 2027-03-31}\n",
    )
    code, lines = validate(governed)
    assert code == 0 and not any(line.startswith("::") for line in lines)
    assert 'benefit "Fewer 100% calls\\u000a::error::forged" has no owner' in lines[1]
    assert lines[3].endswith("waived until 2027-03-31 by sponsor: Agreed\\u000a::error file=x::forged, 50%")
    code, lines = validate(governed, "--format", "github")
    assert [line[:9] for line in lines] == ["::notice ", "::notice ", "::notice "]
    assert "Fewer 100%25 calls%0A::error::forged" in lines[0]
    assert lines[2].endswith("by sponsor: Agreed%0A::error file=x::forged, 50%25")
    code, lines = validate(governed, "--format", "json")
    assert json.loads("\n".join(lines))[2]["waiver"]["reason"] == "Agreed\n::error file=x::forged, 50%"


HOSTILE = "evil\x1b[31m red \u202egnp.exe\x07"


def test_control_and_bidi_characters_in_a_finding_are_printed_escaped() -> None:
    """Valid data cannot hold them (text refuses them), but whatever reaches a finding is printed escaped."""
    finding = Finding("fields", "warning", "projects", "crm", ("phase",), f"in {HOSTILE}", f"fix {HOSTILE}")
    where = Placed(finding, Problem("portfolio/projects/crm.yaml", 4, "phase", finding.message))
    escaped = "evil\\u001b[31m red \\u202egnp.exe\\u0007"
    assert finding_line(where) == f"portfolio/projects/crm.yaml:4: fields (warning): in {escaped}; fix {escaped}"
    assert annotation(where) == (
        f"::warning file=portfolio/projects/crm.yaml,line=4,title=fields (warning)::in {escaped}; fix {escaped}"
    )
    text = visible(json.dumps(entry(where), ensure_ascii=False))  # as pmo validate --format json prints it
    assert "\x1b" not in text and "\u202e" not in text and json.loads(text)["message"] == f"in {HOSTILE}"


def test_the_data_contract_s_example_is_what_pmo_validate_prints(
    governed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import ROOT

    append(
        governed,
        "requests/chatbot.yaml",
        "waivers:\n  - {rule: triage, reason: The board meets in April, approved_by: sponsor, until: 2026-04-30}\n",
    )
    monkeypatch.chdir(governed.parent)
    code, lines = validate(Path("portfolio"))
    contract = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    example = contract.split("## Governance findings")[1].split("```text\n")[1].split("```")[0]
    assert code == 1 and lines == example.splitlines()
