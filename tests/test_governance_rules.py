"""governance.yaml's rules, each kind on hand-built portfolios: passing, failing (message, fix and the file line the
finding points at), waived by a valid waiver, not waived by an expired one (which is itself a finding). Numbers are
worked out by hand in the comments. as_of is 2026-06-30 throughout."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator.analytics.governance import Finding, GovernanceReport, located
from generator.data.validate import Portfolio
from generator.pipeline import prepare, read_portfolio

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
    """One line per field (JSON is YAML), a list of mappings one item per line: lines are easy to count."""
    lines = []
    for key, value in fields.items():
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

    def report(self, root: Path, audience: str = "pmo") -> tuple[Portfolio, GovernanceReport]:
        portfolio = self.load(root)
        return portfolio, prepare(portfolio, audience).governance  # type: ignore[arg-type]


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
        {"changes": [{"id": "CR-1", "date": "2026-03-01", "title": "More", "cost": 30000, "decision": "approved",
                      "decided_by": "sponsor"}]},  # fmt: skip
        {"changes": [{"id": "CR-1", "date": "2026-03-01", "title": "More", "cost": 30000, "decision": "approved",
                      "decided_by": "change-board"}]},  # fmt: skip
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
        Folder([rule("triage", "request_triage", "info", params={"score_within_days": 30, "decide_within_days": 60})],
               requests={"chatbot": {"scores": SCORED}}),  # fmt: skip
        ("requests", "chatbot"),
        "submitted 2026-04-01 (90 days ago) and still submitted (decided within 60 days)",
        "take it to the portfolio review: set stage to approved, rejected or deferred",
        ("chatbot.yaml", 4),  # stage
        Folder([rule("triage", "request_triage", "info", params={"score_within_days": 30, "decide_within_days": 60})],
               requests={"chatbot": {"scores": SCORED, "submitted": "2026-05-01"}}),  # fmt: skip  (60 days)
    ),
    "wip_limit": Case(
        Folder([rule("wip", "wip_limit", "info", phases=["execution"], params={"max_projects": 1})],
               {"crm": {}, "portal": {}, "later": {"phase": "planning"}}),  # fmt: skip
        ("programs", "front-door"),
        "2 projects in execution (at most 1): crm, portal",
        "finish, pause or move work before starting more, or record a waiver on the program",
        ("front-door.yaml", 1),
        Folder([rule("wip", "wip_limit", "info", phases=["execution"], params={"max_projects": 1})],
               {"crm": {}, "portal": {"phase": "planning"}}),  # fmt: skip
    ),
    # 7 FTE on a team of 6 from June (as_of's month, the window's first) to August: 3 months in a row, 2 allowed
    "team_overallocation": Case(
        Folder([rule("overload", "team_overallocation", params={"max_percent": 100, "max_months": 2})],
               {"crm": {"resources": [{"team": "web-platform", "fte": 7, "from": "2026-06", "to": "2026-08"}]}}),
        ("people.yaml", "web-platform"),
        "Web platform is over 100 % of its capacity for 3 months in a row (2026-06 to 2026-08; at most 2)",
        "move or re-plan work, add capacity, or record the decision to accept it as a waiver on the team",
        ("people.yaml", 6),
        Folder([rule("overload", "team_overallocation", params={"max_percent": 100, "max_months": 2})],
               {"crm": {"resources": [{"team": "web-platform", "fte": 7, "from": "2026-06", "to": "2026-07"}]}}),
    ),  # fmt: skip
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
    folder = Folder([rule("fields", "required_fields", params={"fields": ["risks"]}), EXPIRY],
                    {"crm": {"waivers": [waiver("fields", AS_OF)]}})  # fmt: skip
    _, report = folder.report(tmp_path)
    assert [(f.rule, f.waived) for f in report.findings] == [("fields", True)]


def test_waiver_expiry_fails_on_each_expired_waiver_at_its_line(tmp_path: Path) -> None:
    # a program's waivers: lines 1-3 the program, 4 "waivers:", 5 and 6 the two waivers
    folder = Folder([rule("wip", "wip_limit", params={"max_projects": 1}), EXPIRY],
                    programs={"front-door": {"waivers": [waiver("wip", "2026-01-31"), waiver("wip", "2026-07-31")]}})
    portfolio, report = folder.report(tmp_path)  # fmt: skip
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
    folder = Folder([rule("fields", "required_fields", params={"fields": ["risks"]}), EXPIRY],
                    {"crm": {"risks": [{"id": "R1", "title": "V", "probability": 1, "impact": 1, "owner": "m.chen"}],
                             "waivers": [stale, waiver("waiver-expired", AS_OF)]}})  # fmt: skip
    _, report = folder.report(tmp_path)
    assert [(f.rule, f.loc, f.waived) for f in report.findings] == [("waiver-expired", ("waivers", 0, "until"), True)]
    folder.projects["crm"]["waivers"][1]["until"] = "2026-06-29"
    _, report = folder.report(tmp_path / "again")
    assert [(f.rule, f.loc, f.waived) for f in report.findings] == [
        ("waiver-expired", ("waivers", 0, "until"), False),
        ("waiver-expired", ("waivers", 1, "until"), False),
    ]


def test_waiver_expiry_without_the_rule_an_expired_waiver_is_no_finding(tmp_path: Path) -> None:
    folder = Folder([rule("fields", "required_fields", params={"fields": ["risks"]})],
                    {"crm": {"waivers": [waiver("fields", "2026-01-31")]}})  # fmt: skip
    _, report = folder.report(tmp_path)
    assert [(f.rule, f.waived) for f in report.findings] == [("fields", False)]


def test_every_kind_has_its_cases() -> None:
    from generator.data.governance import RULE_KINDS

    assert sorted([*CASES, "waiver_expiry"]) == sorted(RULE_KINDS)
