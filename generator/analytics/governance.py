"""Stage 3, analyse: governance.yaml's rules checked against the portfolio, giving findings.

Each rule kind of the catalogue (data/governance.py) has one function here that yields the findings of one
rule. A finding names its entity (project, program, request or team), where in the entity's file it points, what
is wrong and what would fix it. An entity's waiver of the rule, valid on as_of, marks the finding waived (it is
still listed, with the waiver's reason); an expired waiver waives nothing and is itself a finding of the
`waiver_expiry` rule.

The rules see the portfolio as the audience sees it: on the organization-wide site the pmo-only projects,
programs, requests and items are gone before any rule runs, so no finding is about them.

Over 400 lines: the catalogue's eleven kinds, one short function each, read beside the report they feed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..data.governance import SEVERITY_WEIGHT, Governance, RuleBase
from ..data.model import PHASES
from ..data.validate import problem_at
from ..widgets.fmt import money

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from ..data import governance as g
    from ..data.model import Change, GateDecision, Program, Project, Request, Team, Waiver
    from ..data.validate import Portfolio
    from ..errors import Problem
    from .capacity import Capacity

Loc = tuple[str | int, ...]
PROJECT_KINDS = frozenset(
    {
        "required_fields",
        "gate_decision",
        "status_age",
        "recovery_action",
        "change_authority",
        "regulation_checklist",
        "benefit_ownership",
    }
)
_PHASE_ORDER = {phase: i for i, phase in enumerate(PHASES[:6])}  # proposal … closed: the lifecycle's order


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # error, warning or info: the rule's
    folder: str  # "projects", "programs", "requests" or "people.yaml" (a team)
    entity: str  # the project, program, request or team id
    loc: Loc  # where in the entity's file
    message: str  # what is wrong, with the numbers
    fix: str  # what would make it right
    program: str | None = None  # the program it concerns, for the matrix by program
    waiver: Waiver | None = None  # the waiver, valid on as_of, that covers it

    @property
    def waived(self) -> bool:
        return self.waiver is not None


@dataclass
class GovernanceReport:
    """Every finding of every rule (waived ones included), and what each project's score is made of."""

    governance: Governance
    findings: list[Finding]
    applicable: dict[str, list[RuleBase]] = field(default_factory=dict)  # project id → the project rules it is under

    @cached_property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if not f.waived]

    @cached_property
    def _open_rules(self) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = {}
        for f in self.open:
            found.setdefault((f.folder, f.entity), set()).add(f.rule)
        return found

    def of(self, folder: str, entity: str) -> list[Finding]:
        return [f for f in self.findings if f.folder == folder and f.entity == entity]

    def weights(self, project_id: str) -> tuple[int, int]:
        """(passed, applicable): the severity weights of the rules the project is under, and of those it passes
        (no open finding: a waived one passes, the decision is recorded)."""
        failed = self._open_rules.get(("projects", project_id), set())
        rules = self.applicable.get(project_id, [])
        total = sum(SEVERITY_WEIGHT[rule.severity] for rule in rules)
        passed = sum(SEVERITY_WEIGHT[rule.severity] for rule in rules if rule.id not in failed)
        return passed, total

    def score(self, project_ids: list[str] | str) -> float | None:
        """The data-quality score of a project or a group, 0 to 1: the severity-weighted share of applicable rules
        passed. None when no rule applies (n/a, not a perfect score)."""
        ids = [project_ids] if isinstance(project_ids, str) else project_ids
        passed = total = 0
        for pid in ids:
            p, t = self.weights(pid)
            passed, total = passed + p, total + t
        return passed / total if total else None


def evaluate(
    portfolio: Portfolio, rows: dict[str, dict[str, Any]], capacity: Callable[[], Capacity]
) -> GovernanceReport:
    """Every rule against the portfolio. `rows` are the projects' KPI rows (rag, stale); `capacity` gives the team
    plan, computed only when a rule needs it."""
    gov = portfolio.governance
    as_of = portfolio.settings.as_of
    check = _Check(portfolio, rows, capacity, as_of)
    findings: list[Finding] = []
    applicable: dict[str, list[RuleBase]] = {}
    for rule in gov.rules:
        if rule.kind in PROJECT_KINDS:
            for project in portfolio.projects.values():
                if _applies(rule, project):
                    applicable.setdefault(project.id, []).append(rule)
        for found in KIND_CHECKS[rule.kind](check, rule):
            findings.append(replace(found, rule=rule.id, severity=rule.severity))
    findings = [_waived(check, f) for f in findings]
    findings.sort(key=lambda f: (f.folder, f.entity, f.rule, [str(part) for part in f.loc], f.message))
    return GovernanceReport(gov, findings, applicable)


def located(portfolio: Portfolio, finding: Finding) -> Problem:
    """The finding as a problem of its file: path, line and field, for `pmo validate` and the pages."""
    if finding.folder == "people.yaml":
        source = portfolio.source("people.yaml")
    else:
        source = portfolio.source(finding.folder, finding.entity)
    return problem_at(source, _source_loc(source, finding.loc), finding.message)


def _source_loc(source: Any, loc: Loc) -> Loc:
    """The audience may have removed items from a list: a ("changes", "CR-3") location names the item by id and
    is turned into its index in the file here."""
    if len(loc) >= 2 and isinstance(loc[1], str) and loc[0] in ("changes", "issues", "risks", "benefits"):
        items = source.data.get(loc[0]) if source is not None and isinstance(source.data, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and (item.get("id") == loc[1] or item.get("name") == loc[1]):
                return (loc[0], i, *loc[2:])
        return (loc[0],)
    return loc


@dataclass
class _Check:
    portfolio: Portfolio
    rows: dict[str, dict[str, Any]]
    capacity: Callable[[], Capacity]
    as_of: dt.date

    @property
    def gov(self) -> Governance:
        return self.portfolio.governance

    def projects(self, rule: RuleBase) -> Iterator[Project]:
        for pid in sorted(self.portfolio.projects):
            project = self.portfolio.projects[pid]
            if _applies(rule, project):
                yield project

    def passed(self, project: Project, gate_id: str) -> GateDecision | None:
        """The approved decision of the gate, on or before as_of (the last one, if recorded twice)."""
        found = None
        for decision in project.gates:
            if decision.gate == gate_id and decision.decision == "approved" and decision.date <= self.as_of:
                found = decision
        return found

    def body_name(self, body_id: str) -> str:
        body = self.gov.body(body_id)
        return body.name if body else body_id


def _applies(rule: RuleBase, project: Project) -> bool:
    return (not rule.phases or project.phase in rule.phases) and (not rule.work or project.kind in rule.work)


def _finding(
    folder: str, entity: str, loc: Loc, message: str, fix: str, program: str | None
) -> Finding:  # rule and severity are filled in by evaluate
    return Finding("", "", folder, entity, loc, message, fix, program)


def _on_project(project: Project, loc: Loc, message: str, fix: str) -> Finding:
    return _finding("projects", project.id, loc, message, fix, project.program)


def _phase_text(project: Project) -> str:
    return f"in {project.phase}"


# one function per kind ---------------------------------------------------------------------------------------


def _required_fields(c: _Check, rule: g.RequiredFieldsRule) -> Iterator[Finding]:
    for project in c.projects(rule):
        missing = [name for name in rule.params.fields if not getattr(project, name)]
        if missing:
            yield _on_project(
                project,
                ("phase",),
                f"{_phase_text(project)} without {_and(missing)}",
                f"add {_and(missing)} to the project file",
            )


def _gate_decision(c: _Check, rule: g.GateDecisionRule) -> Iterator[Finding]:
    gate = c.gov.gate(rule.params.gate)
    name = f"{rule.params.gate} ({gate.name})" if gate else rule.params.gate
    decider = gate.decided_by[0] if gate and gate.decided_by else "…"
    for project in c.projects(rule):
        if c.passed(project, rule.params.gate) is not None:
            continue
        recorded = [d for d in project.gates if d.gate == rule.params.gate]
        if recorded:
            last = recorded[-1]
            why = (
                f"its {rule.params.gate} decision is dated {last.date}, after as_of {c.as_of}"
                if last.decision == "approved"
                else f"its {rule.params.gate} decision of {last.date} is {last.decision}"
            )
            message = f"{_phase_text(project)} without an approved {name} decision: {why}"
        else:
            message = f"{_phase_text(project)} without an approved {name} decision"
        at = ("gates", project.gates.index(recorded[-1])) if recorded else ("phase",)
        yield _on_project(
            project,
            at,
            message,
            f"record gates: [{{gate: {rule.params.gate}, date: …, decision: approved, decided_by: {decider}}}] "
            "or a waiver",
        )


def _status_age(c: _Check, rule: g.StatusAgeRule) -> Iterator[Finding]:
    limit = rule.params.max_days
    for project in c.projects(rule):
        current = project.status_at(c.as_of)
        if current is None:
            yield _on_project(
                project,
                ("status",) if project.status else ("phase",),
                f"{_phase_text(project)} with no status report on or before {c.as_of}",
                f"add a status report dated between {c.as_of - dt.timedelta(days=limit)} and {c.as_of}",
            )
            continue
        age = (c.as_of - current.date).days
        if age > limit:
            yield _on_project(
                project,
                ("status", project.status.index(current), "date"),
                f"the latest status report, of {current.date}, is {age} days old (at most {limit})",
                f"add a status report dated on or after {c.as_of - dt.timedelta(days=limit)}",
            )


def _recovery_action(c: _Check, rule: g.RecoveryActionRule) -> Iterator[Finding]:
    for project in c.projects(rule):
        row = c.rows.get(project.id, {})
        rag, stale = row.get("rag"), bool(row.get("stale"))
        reasons: list[str] = []
        if isinstance(rag, str) and rag in rule.params.rag:
            reasons.append(rag)
        if rule.params.stale and stale:
            reasons.append("stale")
        if not reasons:
            continue
        open_issues = [issue for issue in project.issues if issue.status == "open" and issue.due is not None]
        if any(issue.due >= c.as_of for issue in open_issues if issue.due is not None):
            continue
        overdue = ", ".join(f"{issue.id} was due {issue.due}" for issue in open_issues)
        yield _on_project(
            project,
            ("issues",) if project.issues else ("phase",),
            f"{' and '.join(reasons)} without a recovery action" + (f" ({overdue})" if overdue else ""),
            f"add an open issue with an owner and a due date on or after {c.as_of}: what brings it back, by when",
        )


def change_effect(project: Project, change: Change, cumulative: bool = True) -> tuple[float, int]:
    """The size of a change as the decision rights count it: its cost and schedule effect, plus, when `cumulative`,
    those of the approved changes dated on or before it (so a series of small changes cannot bypass the
    thresholds). Effects count by size: a saving or an earlier date changes the plan too."""
    cost, days = abs(change.cost), abs(change.schedule_days)
    if cumulative:
        for other in project.changes:
            if other is not change and other.decision == "approved" and other.date <= change.date:
                cost, days = cost + abs(other.cost), days + abs(other.schedule_days)
    return cost, days


def required_body(gov: Governance, project: Project, change: Change, cumulative: bool = True) -> int | None:
    """The position in the decision-rights table of the lowest body that may decide the change: the first row whose
    limits all cover its effect. A budget share cannot be checked without a budget: that row does not cover it.
    None when no row covers it."""
    cost, days = change_effect(project, change, cumulative)
    budget = project.budget
    for i, row in enumerate(gov.decision_rights):
        within_cost = row.max_cost is None or cost <= row.max_cost
        within_share = row.max_budget_percent is None or (
            budget is not None and budget > 0 and cost <= budget * row.max_budget_percent / 100
        )
        within_days = row.max_schedule_days is None or days <= row.max_schedule_days
        if within_cost and within_share and within_days:
            return i
    return None


def _change_authority(c: _Check, rule: g.ChangeAuthorityRule) -> Iterator[Finding]:
    bodies = [row.body for row in c.gov.decision_rights]
    currency = c.portfolio.settings.currency
    for project in c.projects(rule):
        for change in project.changes:
            if change.decision == "pending":
                continue
            at = ("changes", change.id, "decided_by")
            needed = required_body(c.gov, project, change, rule.params.cumulative)
            needed_name = c.body_name(bodies[needed]) if needed is not None else "no body"
            if change.decided_by is None:
                yield _on_project(
                    project,
                    at,
                    f"change {change.id} is {change.decision} without saying who decided",
                    f"set decided_by: {bodies[needed] if needed is not None else '…'}",
                )
                continue
            given = bodies.index(change.decided_by) if change.decided_by in bodies else None
            if given is not None and needed is not None and given >= needed:
                continue
            size = f"{money(abs(change.cost), currency)}, {abs(change.schedule_days)} days"
            cost, days = change_effect(project, change, rule.params.cumulative)
            if (cost, days) != (abs(change.cost), abs(change.schedule_days)):
                size += f"; {money(cost, currency)} and {days} days with the approved changes before it"
            if given is None:
                message = (
                    f'change {change.id} ({size}) was decided by "{change.decided_by}", which has no row in the '
                    f"decision rights; it needs the {needed_name}"
                )
            else:
                message = (
                    f"change {change.id} ({size}"
                    + f") needs the {needed_name} or higher; decided by the {c.body_name(change.decided_by)}"
                )
            yield _on_project(
                project,
                at,
                message,
                f"have the {needed_name} decide it and set decided_by: {bodies[needed] if needed is not None else '…'},"
                " or record a waiver",
            )


def _gate_due(c: _Check, project: Project, gate_id: str) -> bool:
    """Whether the project is at or past the gate: it passed it, or it is in the phase the gate opens or later."""
    if c.passed(project, gate_id) is not None:
        return True
    gate = c.gov.gate(gate_id)
    if gate is None or gate.opens not in _PHASE_ORDER or project.phase not in _PHASE_ORDER:
        return False
    return _PHASE_ORDER[project.phase] >= _PHASE_ORDER[gate.opens]


def _regulation_checklist(c: _Check, rule: g.RegulationChecklistRule) -> Iterator[Finding]:
    wanted = set(rule.params.regulations)
    for project in c.projects(rule):
        done = {(e.regulation, e.item) for e in project.checklist if e.done is not None and e.done <= c.as_of}
        for index, regulation_id in enumerate(project.compliance):
            regulation = c.gov.regulation(regulation_id)
            if regulation is None or (wanted and regulation_id not in wanted):
                continue
            late = [
                item
                for item in regulation.items
                if (regulation_id, item.id) not in done and _gate_due(c, project, item.by_gate)
            ]
            for item in late:
                yield _on_project(
                    project,
                    ("compliance", index),
                    f"{regulation.name}: {item.title} ({item.id}, due by {item.by_gate}) is not done",
                    f"record checklist: [{{regulation: {regulation_id}, item: {item.id}, done: <date>, evidence: …}}]",
                )


def _benefit_ownership(c: _Check, rule: g.BenefitOwnershipRule) -> Iterator[Finding]:
    for project in c.projects(rule):
        for benefit in project.benefits:
            missing = [name for name, value in (("owner", benefit.owner), ("due date", benefit.due)) if not value]
            if missing:
                yield _on_project(
                    project,
                    ("benefits", benefit.name),
                    f'benefit "{benefit.name}" has no {" and no ".join(missing)}',
                    "give it " + _and([_BENEFIT_FIX[name] for name in missing]),
                )


_BENEFIT_FIX = {"owner": "an owner (a person id)", "due date": "a due date"}


def _request_triage(c: _Check, rule: g.RequestTriageRule) -> Iterator[Finding]:
    criteria = [criterion.id for criterion in c.portfolio.settings.scoring.criteria]
    for rid in sorted(c.portfolio.requests):
        request = c.portfolio.requests[rid]
        if request.stage not in ("submitted", "assessed"):
            continue
        age = (c.as_of - request.submitted).days
        unscored = [name for name in criteria if name not in request.scores]
        if age > rule.params.score_within_days and unscored:
            yield _on_request(
                request,
                ("scores",) if request.scores else ("submitted",),
                f"submitted {request.submitted} ({age} days ago) and not scored on {_and(unscored)} "
                f"(within {rule.params.score_within_days} days)",
                f"score it on {_and(unscored)}",
            )
        if age > rule.params.decide_within_days:
            yield _on_request(
                request,
                ("stage",),
                f"submitted {request.submitted} ({age} days ago) and still {request.stage} "
                f"(decided within {rule.params.decide_within_days} days)",
                "take it to the portfolio review: set stage to approved, rejected or deferred",
            )


def _on_request(request: Request, loc: Loc, message: str, fix: str) -> Finding:
    return _finding("requests", request.id, loc, message, fix, request.program)


def _wip_limit(c: _Check, rule: g.WipLimitRule) -> Iterator[Finding]:
    counted: dict[str, list[str]] = {}
    for project in c.projects(rule):
        counted.setdefault(project.program, []).append(project.id)
    for program_id, ids in sorted(counted.items()):
        if len(ids) > rule.params.max_projects:
            phases = " or ".join(rule.phases) if rule.phases else "any phase"
            yield _finding(
                "programs",
                program_id,
                ("name",),
                f"{len(ids)} projects in {phases} (at most {rule.params.max_projects}): {', '.join(ids)}",
                "finish, pause or move work before starting more, or record a waiver on the program",
                program_id,
            )


def _team_overallocation(c: _Check, rule: g.TeamOverallocationRule) -> Iterator[Finding]:
    teams = c.portfolio.people.teams
    if not teams:
        return
    plan = c.capacity()
    limit = rule.params.max_percent / 100
    for index, team in enumerate(teams):
        run: list[str] = []
        longest: list[str] = []
        for cell in plan.team_cells(team.id):
            run = [*run, cell["month"]] if cell["utilization"] > limit + 1e-9 else []
            if len(run) > len(longest):
                longest = run
        if len(longest) > rule.params.max_months:
            yield _finding(
                "people.yaml",
                team.id,
                ("teams", index),
                f"{team.name} is over {rule.params.max_percent:g} % of its capacity for {len(longest)} months in a "
                f"row ({longest[0]} to {longest[-1]}; at most {rule.params.max_months})",
                "move or re-plan work, add capacity, or record the decision to accept it as a waiver on the team",
                None,
            )


def _waiver_expiry(c: _Check, rule: g.WaiverExpiryRule) -> Iterator[Finding]:
    for folder, entity, program, waivers, loc in _waiver_holders(c):
        for i, waiver in enumerate(waivers):
            if waiver.until < c.as_of:
                yield _finding(
                    folder,
                    entity,
                    (*loc, "waivers", i, "until"),
                    f"the waiver of {waiver.rule} expired on {waiver.until} (approved by {waiver.approved_by}: "
                    f"{waiver.reason})",
                    "renew it (a new until, approved again) or remove it and fix what the rule finds",
                    program,
                )


def _waiver_holders(c: _Check) -> Iterator[tuple[str, str, str | None, list[Waiver], Loc]]:
    """Everything that can carry waivers: (folder, id, program, its waivers, the location of its mapping)."""
    p = c.portfolio
    for pid in sorted(p.projects):
        yield "projects", pid, p.projects[pid].program, p.projects[pid].waivers, ()
    for pid in sorted(p.programs):
        yield "programs", pid, pid, p.programs[pid].waivers, ()
    for rid in sorted(p.requests):
        yield "requests", rid, p.requests[rid].program, p.requests[rid].waivers, ()
    for i, team in enumerate(p.people.teams):
        yield "people.yaml", team.id, None, team.waivers, ("teams", i)


def _holder(c: _Check, folder: str, entity: str) -> Project | Program | Request | Team | None:
    p = c.portfolio
    if folder == "people.yaml":
        return next((team for team in p.people.teams if team.id == entity), None)
    entities: dict[str, dict[str, Any]] = {"projects": p.projects, "programs": p.programs, "requests": p.requests}
    return entities.get(folder, {}).get(entity)


def _waived(c: _Check, finding: Finding) -> Finding:
    holder = _holder(c, finding.folder, finding.entity)
    for waiver in getattr(holder, "waivers", []):
        if waiver.rule == finding.rule and waiver.until >= c.as_of:
            return replace(finding, waiver=waiver)
    return finding


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


KIND_CHECKS: dict[str, Callable[[_Check, Any], Iterator[Finding]]] = {
    "required_fields": _required_fields,
    "gate_decision": _gate_decision,
    "status_age": _status_age,
    "recovery_action": _recovery_action,
    "change_authority": _change_authority,
    "regulation_checklist": _regulation_checklist,
    "request_triage": _request_triage,
    "wip_limit": _wip_limit,
    "team_overallocation": _team_overallocation,
    "benefit_ownership": _benefit_ownership,
    "waiver_expiry": _waiver_expiry,
}
