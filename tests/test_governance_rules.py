"""governance.yaml's rules, each kind on hand-built portfolios: passing, failing (message, fix and the file line the
finding points at), waived by a valid waiver, not waived by an expired one (which is itself a finding). Numbers are
worked out by hand in the comments. as_of is 2026-06-30 throughout."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.analytics.governance import Finding, GovernanceReport, evaluate, located
from generator.data.audience import Audience
from generator.data.governance import RULE_KINDS, Governance
from generator.data.model import Waiver
from generator.data.validate import Portfolio
from generator.pipeline import prepare, read_portfolio

from .conftest import SAMPLE
from .test_bounds import EDGE_DATES, NOT_FINITE, edge_project, write_portfolio

AS_OF = "2026-06-30"
PORTFOLIO_YAML = f"""\
organization: Rule Test Health
as_of: {AS_OF}
currency: EUR
scoring:
  criteria:
    - {{id: strategic_fit, name: Strategic fit, weight: 0.5}}
    - {{id: value, name: Business value, weight: 0.5}}
"""
# people.yaml: the teams are on lines 6 (web-platform) and 7 (integration)
PEOPLE_YAML = """\
people:
  - {id: m.chen, name: Mei Chen, role: Sponsor}
  - {id: a.okafor, name: Ada Okafor, role: Project manager}
  - {id: j.berg, name: Jonas Berg, role: Project manager}
teams:
"""
TEAMS = [
    {"id": "web-platform", "name": "Web platform", "capacity_fte": 6},
    {"id": "integration", "name": "Integration", "capacity_fte": 4},
]
PROGRAM = {"name": "Digital front door", "manager": "j.berg", "sponsor": "m.chen"}  # lines 1 to 3
# A project's first nine lines; what a test adds starts on line 10.
PROJECT = {
    "name": "A project",
    "program": "front-door",
    "kind": "change",
    "phase": "execution",  # line 4
    "sponsor": "m.chen",
    "manager": "a.okafor",
    "start": "2026-01-01",
    "finish": "2026-12-31",
    "budget": 1000000,
}
REQUEST = {"name": "A request", "requested_by": "m.chen", "submitted": "2026-04-01", "stage": "submitted"}
SCORED = {"strategic_fit": 4, "value": 3}
GOVERNANCE: dict[str, Any] = {
    "bodies": [
        {"id": "project-manager", "name": "Project manager"},
        {"id": "sponsor", "name": "Sponsor"},
        {"id": "change-board", "name": "Change control board"},
        {"id": "steering-committee", "name": "Steering committee"},
        {"id": "portfolio-review", "name": "Portfolio review"},
    ],
    "decision_rights": [
        {"body": "project-manager", "max_cost": 0, "max_schedule_days": 5},
        {"body": "sponsor", "max_cost": 25000, "max_budget_percent": 5, "max_schedule_days": 14},
        {"body": "change-board", "max_cost": 150000, "max_budget_percent": 10, "max_schedule_days": 45},
        {"body": "steering-committee", "max_cost": 500000, "max_budget_percent": 25},
        {"body": "portfolio-review"},
    ],
    "gates": [
        {"id": "G1", "name": "Approval", "opens": "planning", "decided_by": ["portfolio-review"]},
        {"id": "G2", "name": "Baseline", "opens": "execution", "decided_by": ["steering-committee"]},
        {"id": "G3", "name": "Acceptance", "opens": "closing", "decided_by": ["steering-committee"]},
    ],
    "regulations": [
        {
            "id": "gdpr",
            "name": "GDPR",
            "items": [
                {"id": "dpia", "title": "DPIA signed off", "by_gate": "G2"},
                {"id": "ropa", "title": "Record of processing updated", "by_gate": "G3"},
            ],
        }
    ],
}
EXPIRY = {"id": "waiver-expired", "title": "Waivers are renewed", "kind": "waiver_expiry", "severity": "warning"}


def rule(rule_id: str, kind: str, severity: str = "warning", **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "title": f"{kind} rule", "kind": kind, "severity": severity, **extra}


def waiver(rule_id: str, until: str, reason: str = "Accepted by the board") -> dict[str, Any]:
    return {"rule": rule_id, "reason": reason, "approved_by": "steering-committee", "until": until}


def yaml_text(fields: dict[str, Any]) -> str:
    """One line per field (JSON is YAML), a list of mappings one item per line: lines are easy to count. A field
    given as None is left out."""
    lines = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines += [f"{key}:", *(f"  - {json.dumps(item)}" for item in value)]
        else:
            lines.append(f"{key}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


@dataclass
class Folder:
    """A minimal portfolio: what a test gives is added to the defaults above."""

    rules: list[dict[str, Any]] = field(default_factory=list)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → fields added to PROJECT
    programs: dict[str, dict[str, Any]] = field(default_factory=lambda: {"front-door": {}})
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: list[dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(TEAMS))
    governance: dict[str, Any] = field(default_factory=dict)  # replaces parts of GOVERNANCE

    def write(self, root: Path) -> Path:
        folder = root / "portfolio"
        for name in ("projects", "programs", "requests"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / "portfolio.yaml").write_text(PORTFOLIO_YAML)
        people = PEOPLE_YAML + "".join(f"  - {json.dumps(team)}\n" for team in self.teams)
        (folder / "people.yaml").write_text(people)
        gov = {**GOVERNANCE, **self.governance, "rules": self.rules}
        (folder / "governance.yaml").write_text(json.dumps(gov, indent=1))
        for pid, fields in self.projects.items():
            (folder / "projects" / f"{pid}.yaml").write_text(yaml_text({**PROJECT, **fields}))
        for pid, fields in self.programs.items():
            (folder / "programs" / f"{pid}.yaml").write_text(yaml_text({**PROGRAM, **fields}))
        for rid, fields in self.requests.items():
            (folder / "requests" / f"{rid}.yaml").write_text(yaml_text({**REQUEST, **fields}))
        return folder

    def load(self, root: Path) -> Portfolio:
        return read_portfolio(self.write(root))

    def report(self, root: Path, audience: Audience = "pmo") -> tuple[Portfolio, GovernanceReport]:
        portfolio = self.load(root)
        return portfolio, prepare(portfolio, audience).governance


def where(portfolio: Portfolio, finding: Finding) -> tuple[str, int | None]:
    problem = located(portfolio, finding)
    return problem.file.rsplit("/", 1)[-1], problem.line


def only(report: GovernanceReport) -> Finding:
    assert len(report.findings) == 1, report.findings
    return report.findings[0]


# One failing case per kind (but waiver_expiry, below): the portfolio, then the one finding it must give ---------


@dataclass
class Case:
    folder: Folder
    holder: tuple[str, str]  # (folder, entity) of the finding: where a waiver goes
    message: str
    fix: str
    at: tuple[str, int]  # the file name and line the finding points at
    passing: Folder  # the same portfolio put right


def _project_case(rules: list[dict[str, Any]], bad: dict[str, Any], good: dict[str, Any], *expected: Any) -> Case:
    message, fix, line = expected
    return Case(
        Folder(rules, {"crm": bad}),
        ("projects", "crm"),
        message,
        fix,
        ("crm.yaml", line),
        Folder(rules, {"crm": good}),
    )


RECENT = [{"date": "2026-06-15", "rag": "green", "percent_complete": 50, "actual_cost": 400000}]
RED = {"rag": "red", "reason": "Vendor insolvency"}
CASES: dict[str, Case] = {
    "required_fields": _project_case(
        [rule("fields", "required_fields", "info", phases=["execution"], params={"fields": ["milestones", "risks"]})],
        {},
        {
            "milestones": [{"name": "Go-live", "baseline": "2026-12-01"}],
            "risks": [{"id": "R1", "title": "Vendor", "probability": 2, "impact": 3, "owner": "a.okafor"}],
        },
        "in execution without milestones and risks",
        "add milestones and risks to the project file",
        4,  # phase
    ),
    "gate_decision": _project_case(
        [rule("G2-baseline", "gate_decision", "error", phases=["execution"], params={"gate": "G2"})],
        {},
        {"gates": [{"gate": "G2", "date": "2026-01-15", "decision": "approved", "decided_by": "steering-committee"}]},
        "in execution without an approved G2 (Baseline) decision",
        "record gates: [{gate: G2, date: …, decision: approved, decided_by: steering-committee}] or a waiver",
        4,
    ),
    # 2026-05-01 → 2026-06-30: 30 days to May 31, 30 more to June 30: 60 days; 40 days before as_of is 2026-05-21
    "status_age": _project_case(
        [rule("status-fresh", "status_age", params={"max_days": 40})],
        {"status": [{"date": "2026-05-01", "rag": "green", "percent_complete": 10, "actual_cost": 1000}]},
        {"status": [{"date": "2026-05-21", "rag": "green", "percent_complete": 10, "actual_cost": 1000}]},  # 40 days
        "the latest status report, of 2026-05-01, is 60 days old (at most 40)",
        "add a status report dated on or after 2026-05-21",
        11,  # status on line 10, its first report on 11
    ),
    "recovery_action": _project_case(
        [rule("recovery", "recovery_action")],
        {"rag_override": RED, "status": RECENT},
        {
            "rag_override": RED,
            "status": RECENT,
            # due on as_of itself: still open, still ahead
            "issues": [{"id": "I1", "title": "Recover", "severity": "high", "owner": "a.okafor", "due": AS_OF}],
        },
        "red without a recovery action",
        "add an open issue with an owner and a due date on or after 2026-06-30: what brings it back, by when",
        4,
    ),
    # €30,000 on a €1,000,000 budget: over the sponsor's €25,000; within the board's €150,000 and 10 % (€100,000)
    "change_authority": _project_case(
        [rule("change-authority", "change_authority")],
        {
            "changes": [
                {
                    "id": "CR-1",
                    "date": "2026-03-01",
                    "title": "More",
                    "cost": 30000,
                    "decision": "approved",
                    "decided_by": "sponsor",
                }
            ]
        },
        {
            "changes": [
                {
                    "id": "CR-1",
                    "date": "2026-03-01",
                    "title": "More",
                    "cost": 30000,
                    "decision": "approved",
                    "decided_by": "change-board",
                }
            ]
        },
        "change CR-1 (€30,000, 0 days) needs the Change control board or higher; decided by the Sponsor",
        "have the Change control board decide it and set decided_by: change-board, or record a waiver",
        11,
    ),
    # in execution: G2 opens execution, so the DPIA is due; the record of processing is due by G3 (closing): not yet
    "regulation_checklist": _project_case(
        [rule("gdpr-checklist", "regulation_checklist")],
        {"compliance": ["gdpr"]},
        {"compliance": ["gdpr"], "checklist": [{"regulation": "gdpr", "item": "dpia", "done": "2026-02-01"}]},
        "GDPR: DPIA signed off (dpia, due by G2) is not done",
        "record checklist: [{regulation: gdpr, item: dpia, done: <date>, evidence: …}]",
        10,  # compliance
    ),
    "benefit_ownership": _project_case(
        [rule("benefits-owned", "benefit_ownership", "info", work=["change"])],
        {"benefits": [{"name": "Fewer calls", "planned": 40000, "due": "2027-12-31"}]},
        {"benefits": [{"name": "Fewer calls", "planned": 40000, "due": "2027-12-31", "owner": "m.chen"}]},
        'benefit "Fewer calls" has no owner',
        "give it an owner (a person id)",
        11,
    ),
    # submitted 2026-04-01: 29 + 31 + 30 = 90 days before as_of; scored, so only the decision is late
    "request_triage": Case(
        Folder(
            [rule("triage", "request_triage", "info", params={"score_within_days": 30, "decide_within_days": 60})],
            requests={"chatbot": {"scores": SCORED}},
        ),
        ("requests", "chatbot"),
        "submitted 2026-04-01 (90 days ago) and still submitted (decided within 60 days)",
        "take it to the portfolio review: set stage to approved, rejected or deferred",
        ("chatbot.yaml", 4),  # stage
        Folder(
            [rule("triage", "request_triage", "info", params={"score_within_days": 30, "decide_within_days": 60})],
            requests={"chatbot": {"scores": SCORED, "submitted": "2026-05-01"}},
        ),  # 60 days: within
    ),
    "wip_limit": Case(
        Folder(
            [rule("wip", "wip_limit", "info", phases=["execution"], params={"max_projects": 1})],
            {"crm": {}, "portal": {}, "later": {"phase": "planning"}},
        ),
        ("programs", "front-door"),
        "2 projects in execution (at most 1): crm, portal",
        "finish, pause or move work before starting more, or record a waiver on the program",
        ("front-door.yaml", 1),
        Folder(
            [rule("wip", "wip_limit", "info", phases=["execution"], params={"max_projects": 1})],
            {"crm": {}, "portal": {"phase": "planning"}},
        ),
    ),
    # 7 FTE on a team of 6 (117 %) from June (as_of's month, the window's first) to August: 3 months in a row, 2 allowed
    "team_overallocation": Case(
        Folder(
            [rule("overload", "team_overallocation", params={"max_percent": 100, "max_months": 2})],
            {"crm": {"resources": [{"team": "web-platform", "fte": 7, "from": "2026-06", "to": "2026-08"}]}},
        ),
        ("people.yaml", "web-platform"),
        "Web platform is over 100 % of its capacity for 3 months in a row (2026-06 to 2026-08, up to 117 %; at most 2)",
        "move or re-plan work, add capacity, or record the decision to accept it as a waiver on the team",
        ("people.yaml", 6),
        Folder(
            [rule("overload", "team_overallocation", params={"max_percent": 100, "max_months": 2})],
            {"crm": {"resources": [{"team": "web-platform", "fte": 7, "from": "2026-06", "to": "2026-07"}]}},
        ),
    ),
}


def with_waiver(folder: Folder, holder: tuple[str, str], given: dict[str, Any]) -> tuple[Folder, int]:
    """The folder with a waiver added to the finding's entity, and the line the waiver is on."""
    folder = copy.deepcopy(folder)
    kind, entity = holder
    if kind == "people.yaml":
        team = next(t for t in folder.teams if t["id"] == entity)
        team["waivers"] = [given]
        return folder, 6 + folder.teams.index(team)  # a team is one line
    fields = {"projects": folder.projects, "programs": folder.programs, "requests": folder.requests}[kind][entity]
    base = {"projects": PROJECT, "programs": PROGRAM, "requests": REQUEST}[kind]
    lines = len(yaml_text({**base, **fields}).splitlines())
    fields["waivers"] = [given]
    return folder, lines + 2  # "waivers:" follows the last line, the waiver the line after it


def rule_id(case: Case) -> str:
    return case.folder.rules[0]["id"]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_failing(tmp_path: Path, kind: str) -> None:
    case = CASES[kind]
    portfolio, report = case.folder.report(tmp_path)
    found = only(report)
    assert (found.rule, found.severity) == (rule_id(case), case.folder.rules[0]["severity"])
    assert (found.folder, found.entity) == case.holder
    assert (found.message, found.fix) == (case.message, case.fix)
    assert where(portfolio, found) == case.at
    assert not found.waived and report.open == [found]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_passing(tmp_path: Path, kind: str) -> None:
    _, report = CASES[kind].passing.report(tmp_path)
    assert report.findings == []


@pytest.mark.parametrize("kind", sorted(CASES))
def test_waived(tmp_path: Path, kind: str) -> None:
    """A waiver valid on as_of (its last day is as_of itself) marks the finding waived, with that waiver."""
    case = CASES[kind]
    given = waiver(rule_id(case), AS_OF)
    folder, _ = with_waiver(case.folder, case.holder, given)
    folder.rules.append(EXPIRY)  # a valid waiver is no finding of it
    _, report = folder.report(tmp_path)
    found = only(report)
    assert found.waived and found.waiver is not None
    assert found.waiver.model_dump(mode="json") == given
    assert (found.message, found.fix) == (case.message, case.fix)
    assert report.open == []


@pytest.mark.parametrize("kind", sorted(CASES))
def test_expired(tmp_path: Path, kind: str) -> None:
    """A waiver whose last day was the day before as_of waives nothing, and the waiver_expiry rule reports it at
    the waiver's line."""
    case = CASES[kind]
    folder, line = with_waiver(case.folder, case.holder, waiver(rule_id(case), "2026-06-29", "Until the audit"))
    folder.rules.append(EXPIRY)
    portfolio, report = folder.report(tmp_path)
    by_rule = {f.rule: f for f in report.findings}
    assert sorted(by_rule) == sorted([rule_id(case), "waiver-expired"])
    assert not by_rule[rule_id(case)].waived
    expired = by_rule["waiver-expired"]
    assert (expired.folder, expired.entity, expired.severity) == (*case.holder, "warning")
    assert expired.message == (
        f"the waiver of {rule_id(case)} expired on 2026-06-29 (approved by steering-committee: Until the audit)"
    )
    assert expired.fix == "renew it (a new until, approved again) or remove it and fix what the rule finds"
    assert where(portfolio, expired) == (case.at[0], line)
    assert report.open == report.findings


# waiver_expiry: its own four cases --------------------------------------------------------------------------


def test_waiver_expiry_passes_on_a_waiver_valid_on_its_last_day(tmp_path: Path) -> None:
    folder = Folder(
        [rule("fields", "required_fields", params={"fields": ["risks"]}), EXPIRY],
        {"crm": {"waivers": [waiver("fields", AS_OF)]}},
    )
    _, report = folder.report(tmp_path)
    assert [(f.rule, f.waived) for f in report.findings] == [("fields", True)]


def test_waiver_expiry_fails_on_each_expired_waiver_at_its_line(tmp_path: Path) -> None:
    # a program's waivers: lines 1-3 the program, 4 "waivers:", 5 and 6 the two waivers
    folder = Folder(
        [rule("wip", "wip_limit", params={"max_projects": 1}), EXPIRY],
        programs={"front-door": {"waivers": [waiver("wip", "2026-01-31"), waiver("wip", "2026-07-31")]}},
    )
    portfolio, report = folder.report(tmp_path)
    found = only(report)
    assert found.rule == "waiver-expired" and found.folder == "programs"
    assert [where(portfolio, f) for f in report.findings] == [("front-door.yaml", 5)]
    assert found.message.startswith("the waiver of wip expired on 2026-01-31")
    assert found.loc == ("waivers", 0, "until")
    # the second one too, once it is past: a finding per waiver, each at its own line
    folder.programs["front-door"]["waivers"][1]["until"] = "2026-06-29"
    portfolio, report = folder.report(tmp_path / "again")
    assert [where(portfolio, f) for f in report.findings] == [("front-door.yaml", 5), ("front-door.yaml", 6)]


def test_waiver_expiry_is_waived_and_its_own_waiver_can_expire(tmp_path: Path) -> None:
    """A valid waiver of the expiry rule itself marks the expired waiver's finding waived; an expired one is
    reported like any other."""
    stale = waiver("fields", "2026-01-31")
    folder = Folder(
        [rule("fields", "required_fields", params={"fields": ["risks"]}), EXPIRY],
        {
            "crm": {
                "risks": [{"id": "R1", "title": "V", "probability": 1, "impact": 1, "owner": "m.chen"}],
                "waivers": [stale, waiver("waiver-expired", AS_OF)],
            }
        },
    )
    _, report = folder.report(tmp_path)
    assert [(f.rule, f.loc, f.waived) for f in report.findings] == [("waiver-expired", ("waivers", 0, "until"), True)]
    folder.projects["crm"]["waivers"][1]["until"] = "2026-06-29"
    _, report = folder.report(tmp_path / "again")
    assert [(f.rule, f.loc, f.waived) for f in report.findings] == [
        ("waiver-expired", ("waivers", 0, "until"), False),
        ("waiver-expired", ("waivers", 1, "until"), False),
    ]


def test_waiver_expiry_without_the_rule_an_expired_waiver_is_no_finding(tmp_path: Path) -> None:
    folder = Folder(
        [rule("fields", "required_fields", params={"fields": ["risks"]})],
        {"crm": {"waivers": [waiver("fields", "2026-01-31")]}},
    )
    _, report = folder.report(tmp_path)
    assert [(f.rule, f.waived) for f in report.findings] == [("fields", False)]


def test_every_kind_has_its_cases() -> None:
    assert sorted([*CASES, "waiver_expiry"]) == sorted(RULE_KINDS)


# edge cases a PMO auditor would try ----------------------------------------------------------------------------

G2_RULE = rule("G2-baseline", "gate_decision", "error", phases=["execution"], params={"gate": "G2"})


def decision(day: str, verdict: str = "approved", gate: str = "G2") -> dict[str, Any]:
    return {"gate": gate, "date": day, "decision": verdict, "decided_by": "steering-committee"}


def test_gate_decision_dated_after_as_of_is_not_passed_yet(tmp_path: Path) -> None:
    portfolio, report = Folder([G2_RULE], {"crm": {"gates": [decision("2026-07-01")]}}).report(tmp_path)
    found = only(report)
    assert found.message == (
        "in execution without an approved G2 (Baseline) decision: its G2 decision is dated 2026-07-01, "
        "after as_of 2026-06-30"
    )
    assert where(portfolio, found) == ("crm.yaml", 11)  # the decision itself


def test_gate_decision_rejected_then_approved_passes(tmp_path: Path) -> None:
    gates = [decision("2026-01-15", "rejected"), decision("2026-02-15")]
    _, report = Folder([G2_RULE], {"crm": {"gates": gates}}).report(tmp_path)
    assert report.findings == []


def test_gate_decision_rejected_points_at_the_rejection(tmp_path: Path) -> None:
    gates = [decision("2026-01-15", "deferred"), decision("2026-02-15", "rejected"), decision("2026-01-01", gate="G1")]
    portfolio, report = Folder([G2_RULE], {"crm": {"gates": gates}}).report(tmp_path)
    found = only(report)
    assert found.message.endswith(": its G2 decision of 2026-02-15 is rejected")
    assert where(portfolio, found) == ("crm.yaml", 12)  # gates on line 10: the rejection is the second decision


def test_phase_and_work_filters(tmp_path: Path) -> None:
    """A rule applies only in its phases and to its kinds of work: elsewhere no finding, and no weight in the score."""
    rules = [G2_RULE, rule("benefits-owned", "benefit_ownership", "info", work=["change"])]
    benefit = [{"name": "Fewer calls", "planned": 1000}]
    folder = Folder(
        rules,
        {
            "plan": {"phase": "planning", "kind": "run"},
            "ops": {"kind": "run", "benefits": benefit},
            "crm": {"benefits": benefit},
        },
    )
    _, report = folder.report(tmp_path)
    assert [(f.rule, f.entity) for f in report.findings] == [
        ("G2-baseline", "crm"),
        ("benefits-owned", "crm"),
        ("G2-baseline", "ops"),  # a run project in execution: the G2 rule is for every kind of work
    ]
    assert "plan" not in report.applicable and report.score("plan") is None
    assert [r.id for r in report.applicable["ops"]] == ["G2-baseline"]  # a run project in execution
    assert report.of("projects", "crm")[1].message == 'benefit "Fewer calls" has no owner and no due date'


def _change(cid: str, cost: float, by: str | None = "sponsor", **extra: Any) -> dict[str, Any]:
    found = {"id": cid, "date": "2026-03-01", "title": "A change", "cost": cost, "decision": "approved", **extra}
    return {**found, "decided_by": by} if by is not None else found


AUTHORITY = [rule("change-authority", "change_authority")]


def authority(tmp_path: Path, changes: list[dict[str, Any]], **project: Any) -> list[str]:
    _, report = Folder(AUTHORITY, {"crm": {**project, "changes": changes}}).report(tmp_path)
    return [f.message for f in report.findings]


def test_change_exactly_at_a_limit_is_within_it(tmp_path: Path) -> None:
    # €25,000 and 14 days: exactly the sponsor's limits (and 2.5 % of €1,000,000, within 5 %)
    assert authority(tmp_path / "a", [_change("CR-1", 25000, schedule_days=14)]) == []
    # one day more needs the board (15 days > 14); so does one euro more
    assert authority(tmp_path / "b", [_change("CR-1", 25000, schedule_days=15)]) == [
        "change CR-1 (€25,000, 15 days) needs the Change control board or higher; decided by the Sponsor"
    ]
    assert authority(tmp_path / "c", [_change("CR-1", 25001)]) == [
        "change CR-1 (€25,001, 0 days) needs the Change control board or higher; decided by the Sponsor"
    ]


def test_percent_limit_exactly_met_despite_floating_point(tmp_path: Path) -> None:
    """15 % of 1,039.60 is 155.94 exactly, though 1039.6 * 15 / 100 is 155.93999999999997 in binary."""
    rights = {"decision_rights": [{"body": "sponsor", "max_budget_percent": 15}, {"body": "steering-committee"}]}
    folder = Folder(AUTHORITY, {"crm": {"budget": 1039.6, "changes": [_change("CR-1", 155.94)]}}, governance=rights)
    _, report = folder.report(tmp_path)
    assert report.findings == []
    folder.projects["crm"]["changes"] = [_change("CR-1", 155.95)]
    _, report = folder.report(tmp_path / "over")
    assert [f.message for f in report.findings] == [
        "change CR-1 (€156, 0 days) needs the Steering committee or higher; decided by the Sponsor"
    ]


def test_changes_cross_a_threshold_only_together(tmp_path: Path) -> None:
    """Two approved changes of €15,000 each are within the sponsor's €25,000; the second, counted with the first
    (€30,000), is not. A rejected change and one dated later do not count."""
    changes = [
        _change("CR-1", 15000, date="2026-02-01"),
        _change("CR-0", 90000, date="2026-02-15", decision="rejected", by="steering-committee"),
        _change("CR-2", 15000, date="2026-03-01"),
        _change("CR-3", 0, date="2026-04-01", decision="pending", by=None),
    ]
    assert authority(tmp_path, changes) == [
        "change CR-2 (€15,000, 0 days; €30,000 and 0 days with the approved changes before it) needs the "
        "Change control board or higher; decided by the Sponsor"
    ]
    # without cumulative counting each change is judged alone
    _, report = Folder(
        [rule("ca", "change_authority", params={"cumulative": False})], {"crm": {"changes": changes}}
    ).report(tmp_path / "alone")
    assert report.findings == []


def test_a_saving_is_counted_by_its_size(tmp_path: Path) -> None:
    # −€30,000 is a change of €30,000: over the sponsor's €25,000
    assert authority(tmp_path, [_change("CR-1", -30000, schedule_days=-20)]) == [
        "change CR-1 (€30,000, 20 days) needs the Change control board or higher; decided by the Sponsor"
    ]


def test_percent_limit_without_a_budget_does_not_cover(tmp_path: Path) -> None:
    """A withheld budget: €10,000 is within the sponsor's €25,000, but its 5 % cannot be measured, nor the board's
    10 % or the steering committee's 25 %: only the portfolio review, which has no limit, may decide it."""
    project = {"budget": None, "withheld": {"budget": "Commercial interests"}}
    portfolio, report = Folder(AUTHORITY, {"crm": {**project, "changes": [_change("CR-1", 10000)]}}).report(tmp_path)
    assert portfolio.projects["crm"].budget is None
    assert [f.message for f in report.findings] == [
        "change CR-1 (€10,000, 0 days) needs the Portfolio review or higher; decided by the Sponsor "
        "(without a budget, no percent limit covers it)"
    ]


def test_decided_by_a_person_or_an_unknown_body(tmp_path: Path) -> None:
    assert authority(tmp_path / "a", [_change("CR-1", 30000, by="m.chen")]) == [
        "change CR-1 (€30,000, 0 days) was decided by m.chen (Mei Chen), a person, not a body of the decision "
        "rights; it needs the Change control board or higher"
    ]
    assert authority(tmp_path / "b", [_change("CR-1", 30000, by="cab")]) == [
        'change CR-1 (€30,000, 0 days) was decided by "cab", which is not a body of the decision rights; it needs '
        "the Change control board or higher"
    ]
    # a change decided without saying by whom
    _, report = Folder(AUTHORITY, {"crm": {"changes": [_change("CR-1", 30000, by=None)]}}).report(tmp_path / "c")
    assert [(f.message, f.fix) for f in report.findings] == [
        ("change CR-1 is approved without saying who decided", "set decided_by: change-board")
    ]


def test_a_higher_body_may_decide_a_small_change(tmp_path: Path) -> None:
    assert authority(tmp_path, [_change("CR-1", 1000, by="portfolio-review")]) == []


def test_request_scored_but_not_decided_and_neither(tmp_path: Path) -> None:
    rules = [rule("triage", "request_triage", "info", params={"score_within_days": 30, "decide_within_days": 60})]
    folder = Folder(
        rules,
        requests={
            "scored": {"scores": SCORED},  # 90 days: scored, not decided
            "bare": {},  # 90 days: neither
            "young": {"submitted": "2026-06-01"},  # 29 days: nothing due yet
            "done": {"stage": "approved"},  # decided: out of triage
        },
    )
    portfolio, report = folder.report(tmp_path)
    assert [(f.entity, f.message, where(portfolio, f)) for f in report.findings] == [
        ("bare", "submitted 2026-04-01 (90 days ago) and still submitted (decided within 60 days)", ("bare.yaml", 4)),
        (
            "bare",
            "submitted 2026-04-01 (90 days ago) and not scored on strategic_fit and value (within 30 days)",
            ("bare.yaml", 3),
        ),
        (
            "scored",
            "submitted 2026-04-01 (90 days ago) and still submitted (decided within 60 days)",
            ("scored.yaml", 4),
        ),
    ]
    assert report.of("requests", "bare")[1].fix == "score it on strategic_fit and value"


OVERLOAD = [rule("overload", "team_overallocation", params={"max_percent": 100, "max_months": 2})]


def _demand(*spans: tuple[str, str, float]) -> dict[str, Any]:
    return {"resources": [{"team": "web-platform", "fte": fte, "from": a, "to": b} for a, b, fte in spans]}


def test_team_exactly_at_capacity_is_not_over(tmp_path: Path) -> None:
    # 6 FTE on a team of 6 for the whole window: 100 %, not over 100 %; 2.5 + 3.5 the same
    folder = Folder(
        OVERLOAD, {"crm": _demand(("2026-06", "2027-05", 2.5)), "portal": _demand(("2026-06", "2027-05", 3.5))}
    )
    _, report = folder.report(tmp_path)
    assert report.findings == []


def test_team_run_of_months_that_ends_and_restarts(tmp_path: Path) -> None:
    """Over in June and July, not in August, over again September to November: the longest run is three months,
    September to November, not five."""
    # 7 FTE on 6 is 117 %; 7.5 in October is 125 %, the peak of the run
    spans = [("2026-06", "2026-07", 7), ("2026-09", "2026-11", 7), ("2026-10", "2026-10", 0.5)]
    folder = Folder(OVERLOAD, {"crm": _demand(*spans)})
    _, report = folder.report(tmp_path)
    assert only(report).message == (
        "Web platform is over 100 % of its capacity for 3 months in a row (2026-09 to 2026-11, up to 125 %; at most 2)"
    )
    folder.projects["crm"] = _demand(("2026-06", "2026-07", 7), ("2026-09", "2026-10", 7))
    _, report = folder.report(tmp_path / "two")
    assert report.findings == []  # two runs of two months: neither is too long


def test_team_not_counting_paused_or_proposed_work(tmp_path: Path) -> None:
    folder = Folder(
        OVERLOAD,
        {
            "crm": {**_demand(("2026-06", "2026-12", 7)), "phase": "on-hold"},
            "idea": {**_demand(("2026-06", "2026-12", 7)), "phase": "proposal"},
        },
    )
    _, report = folder.report(tmp_path)
    assert report.findings == []


GDPR_RULE = [rule("gdpr-checklist", "regulation_checklist")]


def test_regulation_item_due_by_a_gate_passed_early_or_a_phase_reached(tmp_path: Path) -> None:
    """The DPIA is due by G2, which opens execution. `early` is still planning but passed G2 already: due.
    `late` is in execution without a G2 decision: due too. `plan` is in planning without one: not yet due. The
    record of processing is due by G3 (closing): due for `closing` only, which did its DPIA."""
    gdpr = {"compliance": ["gdpr"]}
    folder = Folder(
        GDPR_RULE,
        {
            "early": {**gdpr, "phase": "planning", "gates": [decision("2026-05-01")]},
            "late": gdpr,
            "plan": {**gdpr, "phase": "planning"},
            "closing": {
                **gdpr,
                "phase": "closing",
                "checklist": [{"regulation": "gdpr", "item": "dpia", "done": AS_OF}],
            },
        },
    )
    _, report = folder.report(tmp_path)
    assert [(f.entity, f.message) for f in report.findings] == [
        ("closing", "GDPR: Record of processing updated (ropa, due by G3) is not done"),
        ("early", "GDPR: DPIA signed off (dpia, due by G2) is not done"),
        ("late", "GDPR: DPIA signed off (dpia, due by G2) is not done"),
    ]


def test_regulation_item_done_after_as_of_is_not_done(tmp_path: Path) -> None:
    entry = {"regulation": "gdpr", "item": "dpia", "done": "2026-07-15"}
    folder = Folder(GDPR_RULE, {"crm": {"compliance": ["gdpr"], "checklist": [entry]}})
    _, report = folder.report(tmp_path)
    assert only(report).message == (
        "GDPR: DPIA signed off (dpia, due by G2) is not done: its checklist entry is dated 2026-07-15, after as_of "
        "2026-06-30"
    )


def test_regulation_not_listed_or_not_checked(tmp_path: Path) -> None:
    """Only the regulations a project lists in `compliance`, and of those only the ones the rule checks."""
    hipaa = {"id": "hipaa", "name": "HIPAA", "items": [{"id": "baa", "title": "BAA signed", "by_gate": "G2"}]}
    gov = {"regulations": [*GOVERNANCE["regulations"], hipaa]}
    rules = [rule("hipaa-only", "regulation_checklist", params={"regulations": ["hipaa"]})]
    folder = Folder(rules, {"crm": {"compliance": ["gdpr", "hipaa"]}, "other": {}}, governance=gov)
    portfolio, report = folder.report(tmp_path)
    found = only(report)
    assert (found.entity, found.message) == ("crm", "HIPAA: BAA signed (baa, due by G2) is not done")
    assert where(portfolio, found) == ("crm.yaml", 10)


def test_recovery_action_for_a_stale_project_and_an_overdue_issue(tmp_path: Path) -> None:
    """No status report at all: stale. Its only open issue was due the day before as_of: no recovery action."""
    issue = {"id": "I1", "title": "Recover", "severity": "high", "owner": "a.okafor", "due": "2026-06-29"}
    closed = {**issue, "id": "I2", "status": "closed", "due": "2026-12-31"}
    folder = Folder([rule("recovery", "recovery_action")], {"crm": {"issues": [issue, closed]}})
    portfolio, report = folder.report(tmp_path)
    found = only(report)
    assert found.message == "stale without a recovery action (I1 was due 2026-06-29)"
    assert where(portfolio, found) == ("crm.yaml", 10)
    # with stale: false only the RAG counts
    folder.rules = [rule("recovery", "recovery_action", params={"rag": ["red"], "stale": False})]
    _, report = folder.report(tmp_path / "rag-only")
    assert report.findings == []


def test_pmo_only_change_is_seen_by_the_pmo_only(tmp_path: Path) -> None:
    """A finding about a pmo-only change is on the PMO's site and absent from the organization's."""
    hidden = _change("CR-9", 30000, visibility="pmo")
    portfolio = Folder(AUTHORITY, {"crm": {"changes": [_change("CR-1", 1000), hidden]}}).load(tmp_path)
    pmo, org = prepare(portfolio, "pmo").governance, prepare(portfolio, "org").governance
    assert [f.message.split(" (")[0] for f in pmo.findings] == ["change CR-9"]
    assert where(portfolio, pmo.findings[0]) == ("crm.yaml", 12)  # the second change
    assert org.findings == [] and org.score("crm") == 1.0 and pmo.score("crm") == 0.0


def test_pmo_only_project_program_and_request_are_not_evaluated_for_the_org(tmp_path: Path) -> None:
    rules = [
        G2_RULE,
        rule("triage", "request_triage", params={"score_within_days": 1, "decide_within_days": 1}),
        rule("wip", "wip_limit", params={"max_projects": 1}),
    ]
    folder = Folder(
        rules,
        {"crm": {}, "secret": {"visibility": "pmo"}, "hidden": {"program": "lab"}},
        programs={"front-door": {}, "lab": {"visibility": "pmo"}},
        requests={"idea": {"visibility": "pmo"}},
    )
    portfolio = folder.load(tmp_path)
    pmo, org = prepare(portfolio, "pmo").governance, prepare(portfolio, "org").governance
    assert {f.entity for f in pmo.findings} == {"crm", "secret", "hidden", "idea", "front-door"}
    assert {f.entity for f in org.findings} == {"crm"}
    assert all("secret" not in f.message for f in org.findings)


# data-quality scores -----------------------------------------------------------------------------------------


def test_scores_by_project_program_and_manager(tmp_path: Path) -> None:
    """Weights: G2 (error) 3, status (warning) 2, fields (info) 1.
    crm, in execution: G2 missing (open: 0 of 3), status fresh (2 of 2), risks missing but waived (1 of 1): 3 / 6.
    portal, in execution: everything: 6 / 6. plan, in planning: only the status rule applies, and fails: 0 / 2.
    done, closed: no rule applies: n/a (None), not a perfect score.
    front-door (crm, portal, plan) pools its weights: (3 + 6 + 0) / (6 + 6 + 2) = 9 / 14, not the mean of the three
    scores (0.5). a.okafor manages crm and portal: 9 / 12. j.berg manages plan and done: 0 / 2."""
    status = {"status": RECENT}
    risks = {"risks": [{"id": "R1", "title": "Vendor", "probability": 2, "impact": 3, "owner": "a.okafor"}]}
    g2 = {"gates": [decision("2026-01-15")]}
    rules = [
        G2_RULE,
        rule("status-fresh", "status_age", phases=["planning", "execution"], params={"max_days": 40}),
        rule("fields", "required_fields", "info", phases=["execution"], params={"fields": ["risks"]}),
    ]
    folder = Folder(
        rules,
        {
            "crm": {**status, "waivers": [waiver("fields", "2026-12-31")]},
            "portal": {**status, **risks, **g2},
            "plan": {"phase": "planning", "manager": "j.berg"},
            "done": {"phase": "closed", "manager": "j.berg", "program": "lab"},
        },
        programs={"front-door": {}, "lab": {}},
    )
    _, report = folder.report(tmp_path)
    assert [(f.entity, f.rule, f.waived) for f in report.findings] == [
        ("crm", "G2-baseline", False),
        ("crm", "fields", True),
        ("plan", "status-fresh", False),
    ]
    assert report.weights("crm") == (3, 6) and report.score("crm") == 0.5
    assert report.score("portal") == 1.0
    assert report.weights("plan") == (0, 2) and report.score("plan") == 0.0
    assert report.weights("done") == (0, 0) and report.score("done") is None
    assert report.score(["crm", "portal", "plan"]) == pytest.approx(9 / 14)
    assert report.score(["done"]) is None  # the lab program: n/a
    assert report.score(["crm", "portal"]) == 0.75  # a.okafor
    assert report.score(["plan", "done"]) == 0.0  # j.berg: an n/a project adds no weight
    assert report.score([]) is None


def test_waived_counts_as_passed_and_expired_as_failed(tmp_path: Path) -> None:
    fields = [rule("fields", "required_fields", "error", params={"fields": ["risks"]})]
    _, waived = Folder(fields, {"crm": {"waivers": [waiver("fields", AS_OF)]}}).report(tmp_path / "a")
    _, expired = Folder(fields, {"crm": {"waivers": [waiver("fields", "2026-06-29")]}}).report(tmp_path / "b")
    assert (waived.score("crm"), expired.score("crm")) == (1.0, 0.0)


def test_scores_ignore_findings_of_other_entities_and_non_project_rules(tmp_path: Path) -> None:
    """A program's WIP finding and a waiver_expiry finding on another project do not lower crm's score; the
    expired waiver on `old` is a finding of the expiry rule, which weighs on old's score only if it is a project
    rule: it is not (it applies to anything with waivers), so old scores on the fields rule alone."""
    rules = [
        rule("wip", "wip_limit", "error", params={"max_projects": 1}),
        EXPIRY,
        rule("fields", "required_fields", "info", params={"fields": ["summary"]}),
    ]
    folder = Folder(
        rules, {"crm": {"summary": "One CRM."}, "old": {"summary": "Old.", "waivers": [waiver("wip", "2026-01-01")]}}
    )
    _, report = folder.report(tmp_path)
    assert sorted((f.folder, f.rule) for f in report.open) == [("programs", "wip"), ("projects", "waiver-expired")]
    assert report.score("crm") == 1.0 and report.score("old") == 1.0
    assert [r.id for r in report.applicable["crm"]] == ["fields"]


# properties, on the sample portfolio with drawn rules and waivers ------------------------------------------------

SAMPLE_TEMPLATES: list[dict[str, Any]] = [  # one rule of each kind, as /tmp/gs/governance.yaml's shape has them
    rule("G2-baseline", "gate_decision", params={"gate": "G2"}),
    rule("status-fresh", "status_age", params={"max_days": 40}),
    rule("recovery", "recovery_action"),
    rule("change-authority", "change_authority"),
    rule("gdpr-checklist", "regulation_checklist"),
    rule("triage", "request_triage", params={"score_within_days": 30, "decide_within_days": 60}),
    rule("wip", "wip_limit", params={"max_projects": 4}),
    rule("overload", "team_overallocation", params={"max_percent": 100, "max_months": 2}),
    rule("benefits-owned", "benefit_ownership"),
    rule("fields", "required_fields", params={"fields": ["milestones", "risks", "benefits"]}),
    EXPIRY,
]
PHASE_NAMES = ["proposal", "approved", "planning", "execution", "closing", "closed", "cancelled", "on-hold"]


@pytest.fixture(scope="module")
def sample() -> tuple[Portfolio, dict[str, Any], Any]:
    """The sample portfolio, its KPI rows and its capacity plan: waivers and rules change neither."""
    portfolio = read_portfolio(SAMPLE)
    analysis = prepare(portfolio, "pmo")
    return portfolio, analysis.rows, analysis.capacity


def _holders(portfolio: Portfolio) -> list[tuple[str, str]]:
    return [
        *(("projects", pid) for pid in sorted(portfolio.projects)),
        *(("programs", pid) for pid in sorted(portfolio.programs)),
        *(("requests", rid) for rid in sorted(portfolio.requests)),
        *(("people.yaml", team.id) for team in portfolio.people.teams),
    ]


@st.composite
def drawn_rules(draw: st.DrawFn) -> list[dict[str, Any]]:
    chosen = draw(st.lists(st.sampled_from(SAMPLE_TEMPLATES), unique_by=lambda r: r["id"], max_size=11))
    return [
        {
            **template,
            "severity": draw(st.sampled_from(["error", "warning", "info"])),
            "phases": draw(st.lists(st.sampled_from(PHASE_NAMES), unique=True, max_size=3)),
            "work": draw(st.lists(st.sampled_from(["change", "run"]), unique=True, max_size=2)),
        }
        for template in chosen
    ]


def _governance(rules: list[dict[str, Any]]) -> Governance:
    return Governance.model_validate({**GOVERNANCE, "rules": rules})


RULE_IDS = [template["id"] for template in SAMPLE_TEMPLATES]
# (holder index, rule id, days from as_of to the waiver's last day)
WAIVER = st.tuples(st.integers(0, 10_000), st.sampled_from(RULE_IDS), st.integers(-400, 400))


def _with_waivers(portfolio: Portfolio, rules: list[dict[str, Any]], waivers: list[tuple[int, str, int]]) -> Portfolio:
    """The portfolio under these rules, with these waivers added to their holders."""
    holders = _holders(portfolio)
    added: dict[tuple[str, str], list[Waiver]] = {}
    for index, rule_id, days in waivers:
        until = portfolio.settings.as_of + dt.timedelta(days=days)
        given = Waiver(rule=rule_id, reason="Drawn", approved_by="steering-committee", until=until)
        added.setdefault(holders[index % len(holders)], []).append(given)

    def more(folder: str, entities: dict[str, Any]) -> dict[str, Any]:
        return {
            key: entity.model_copy(update={"waivers": [*entity.waivers, *added[(folder, key)]]})
            if (folder, key) in added
            else entity
            for key, entity in entities.items()
        }

    teams = [
        team.model_copy(update={"waivers": [*team.waivers, *added.get(("people.yaml", team.id), [])]})
        for team in portfolio.people.teams
    ]
    return dataclasses.replace(
        portfolio,
        governance=_governance(rules),
        projects=more("projects", portfolio.projects),
        programs=more("programs", portfolio.programs),
        requests=more("requests", portfolio.requests),
        people=portfolio.people.model_copy(update={"teams": teams}),
    )


def _evaluate(sample: tuple[Portfolio, dict[str, Any], Any], portfolio: Portfolio) -> GovernanceReport:
    return evaluate(portfolio, sample[1], lambda: sample[2])


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(waivers=st.lists(WAIVER, max_size=8))
def test_no_rules_no_findings(
    sample: tuple[Portfolio, dict[str, Any], Any], waivers: list[tuple[int, str, int]]
) -> None:
    """Without rules nothing is found, whatever waivers (valid or expired) the data carries, and no score is
    given: n/a, not a perfect 1."""
    report = _evaluate(sample, _with_waivers(sample[0], [], waivers))
    assert report.findings == [] and report.applicable == {}
    assert all(report.score(pid) is None for pid in sample[0].projects)


def _key(finding: Finding) -> tuple[str, str, str, tuple[str, ...]]:
    return finding.rule, finding.folder, finding.entity, tuple(str(part) for part in finding.loc)


@PROPERTY
@given(rules=drawn_rules(), waivers=st.lists(WAIVER, max_size=6), extra=WAIVER)
def test_a_valid_waiver_never_adds_a_finding(
    sample: tuple[Portfolio, dict[str, Any], Any],
    rules: list[dict[str, Any]],
    waivers: list[tuple[int, str, int]],
    extra: tuple[int, str, int],
) -> None:
    """Adding a waiver valid on as_of (its last day as_of or later) never adds a finding, never opens a waived one,
    and never lowers a score."""
    index, rule_id, days = extra
    before = _evaluate(sample, _with_waivers(sample[0], rules, waivers))
    after = _evaluate(sample, _with_waivers(sample[0], rules, [*waivers, (index, rule_id, abs(days))]))
    assert {_key(f) for f in after.findings} <= {_key(f) for f in before.findings}
    assert {_key(f) for f in after.open} <= {_key(f) for f in before.open}
    waived_before = {_key(f) for f in before.findings if f.waived}
    assert waived_before <= {_key(f) for f in after.findings if f.waived}
    for pid in sample[0].projects:
        assert (after.score(pid) or 0) >= (before.score(pid) or 0)


@PROPERTY
@given(rules=drawn_rules(), waivers=st.lists(WAIVER, max_size=6))
def test_scores_are_shares_or_none(
    sample: tuple[Portfolio, dict[str, Any], Any], rules: list[dict[str, Any]], waivers: list[tuple[int, str, int]]
) -> None:
    portfolio = sample[0]
    report = _evaluate(sample, _with_waivers(portfolio, rules, waivers))
    groups: list[list[str] | str] = [*portfolio.projects, sorted(portfolio.projects)]
    groups += [[p for p in portfolio.projects if portfolio.projects[p].program == g] for g in portfolio.programs]
    for group in groups:
        score = report.score(group)
        assert score is None or (0 <= score <= 1 and math.isfinite(score)), (group, score)
        assert (score is None) == (
            sum(report.weights(p)[1] for p in ([group] if isinstance(group, str) else group)) == 0
        )
    for finding in report.findings:
        assert "\n" not in finding.message and finding.message and finding.fix
        assert "nan" not in finding.message.lower().split() and "inf" not in finding.message.lower().split()


@pytest.mark.parametrize(
    ("phase", "opening"),
    [("planning", "in planning"), ("on-hold", "on hold"), ("closed", "closed"), ("proposal", "at proposal")],
)
def test_messages_name_the_phase_as_a_sentence_would(tmp_path: Path, phase: str, opening: str) -> None:
    folder = Folder([rule("fields", "required_fields", params={"fields": ["risks"]})], {"crm": {"phase": phase}})
    _, report = folder.report(tmp_path)
    assert only(report).message == f"{opening} without risks"


def test_the_same_decision_recorded_twice_is_pointed_at_where_it_was_last_recorded(tmp_path: Path) -> None:
    twice = [decision("2026-02-15", "rejected"), decision("2026-02-15", "rejected")]
    portfolio, report = Folder([G2_RULE], {"crm": {"gates": twice}}).report(tmp_path)
    assert where(portfolio, only(report)) == ("crm.yaml", 12)


def test_status_report_dated_after_as_of_is_not_the_current_one(tmp_path: Path) -> None:
    """The current report is the last one on or before as_of: a report dated later does not make it fresh, and
    a project whose only report is later has none."""

    def report_of(day: str) -> dict[str, Any]:
        return {"date": day, "rag": "green", "percent_complete": 10, "actual_cost": 1000}

    rules = [rule("status-fresh", "status_age", params={"max_days": 40})]
    folder = Folder(
        rules,
        {
            "crm": {"status": [report_of("2026-05-01"), report_of("2026-07-31")]},
            "new": {"status": [report_of("2026-07-31")]},
        },
    )
    portfolio, report = folder.report(tmp_path)
    assert [(f.entity, f.message, where(portfolio, f)) for f in report.findings] == [
        ("crm", "the latest status report, of 2026-05-01, is 60 days old (at most 40)", ("crm.yaml", 11)),
        ("new", "in execution with no status report on or before 2026-06-30", ("new.yaml", 10)),
    ]
    assert report.of("projects", "new")[0].fix == "add a status report dated between 2026-05-21 and 2026-06-30"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    projects=st.lists(edge_project(), min_size=1, max_size=3),
    as_of=EDGE_DATES,
    decided=st.sampled_from(["pending", "approved", "rejected"]),
    rules=drawn_rules(),
)
def test_rules_at_the_bounds_give_finite_located_findings(
    tmp_path_factory: pytest.TempPathFactory,
    projects: list[dict[str, Any]],
    as_of: dt.date,
    decided: str,
    rules: list[dict[str, Any]],
) -> None:
    """Projects whose numbers and dates sit at the model's bounds (changes of the largest amount, budgets of the
    smallest float, dates at the first and last day allowed), under drawn rules: every finding is one line
    without inf or nan, located in its file, and every score a share or None."""
    folder = tmp_path_factory.mktemp("edge") / "portfolio"
    for project in projects:
        project["changes"][0].update({"decision": decided, "decided_by": "sponsor"})
    write_portfolio(folder, projects, as_of, 6)
    (folder / "governance.yaml").write_text(json.dumps({**GOVERNANCE, "rules": rules}))
    portfolio = read_portfolio(folder)
    report = prepare(portfolio, "pmo").governance
    for finding in report.findings:
        text = f"{finding.message} {finding.fix}"
        assert "\n" not in text and not NOT_FINITE.search(text), text
        assert located(portfolio, finding).line is not None, finding
    for pid in portfolio.projects:
        score = report.score(pid)
        assert score is None or (0 <= score <= 1 and math.isfinite(score))


def test_gate_approved_by_a_body_that_does_not_decide_it(tmp_path: Path) -> None:
    """G2 is the steering committee's: the portfolio review's approval is a finding at its decided_by; a person's
    approval (a sponsor by name) is not, a person may hold the deciding role."""
    by_review = {**decision("2026-02-15"), "decided_by": "portfolio-review"}
    portfolio, report = Folder([G2_RULE], {"crm": {"gates": [by_review]}}).report(tmp_path)
    found = only(report)
    assert found.message == (
        "G2 (Baseline) was approved by the Portfolio review, which does not decide it "
        "(it is for the Steering committee)"
    )
    assert found.loc == ("gates", 0, "decided_by")
    assert where(portfolio, found) == ("crm.yaml", 11)
    by_person = {**decision("2026-02-15"), "decided_by": "m.chen"}
    _, report = Folder([G2_RULE], {"crm": {"gates": [by_person]}}).report(tmp_path / "person")
    assert report.findings == []
