"""The demo portfolio's governance: its governance.yaml, and the gate decisions, compliance checklists, waivers and
change deciders of its projects, in proportions a PMO would recognise (nearly every gate recorded, a few
checklist items late, most changes decided at the right level, a few waivers, some expired).

Its draws come from their own random stream (`random.Random(f"governance-{seed}")`), so the rest of the demo is
the same with or without it, and the same seed still gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass

AS_OF = dt.date(2026, 10, 31)
DAY = dt.timedelta(days=1)

# (body, max_cost, max_budget_percent, max_schedule_days): the handbook's table, lowest body first
DECISION_RIGHTS: tuple[tuple[str, float | None, float | None, int | None], ...] = (
    ("project-manager", 0, None, 5),
    ("sponsor", 25_000, 5, 14),
    ("change-board", 150_000, 10, 45),
    ("steering-committee", 500_000, 25, None),
    ("portfolio-review", None, None, None),
)
BODIES = (
    ("project-manager", "Project manager"),
    ("sponsor", "Sponsor"),
    ("pmo-director", "PMO director"),
    ("change-board", "Change control board"),
    ("steering-committee", "Steering committee"),
    ("portfolio-review", "Portfolio review"),
    ("executive-committee", "Executive committee"),
)
# gate, name, the phase it opens, who decides (above €1,000,000 the executive committee approves G1)
GATES = (
    ("G0", "Assessment", "proposal", "pmo-director"),
    ("G1", "Approval", "approved", "portfolio-review, executive-committee"),
    ("G2", "Baseline", "execution", "steering-committee"),
    ("G3", "Acceptance", "closing", "steering-committee"),
    ("G4", "Closure", "closed", "sponsor"),
)
# regulation → (item, title, by gate)
REGULATIONS: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "gdpr": (
        "GDPR",
        (
            ("data-inventory", "Personal data listed", "G2"),
            ("dpia", "Data protection impact assessment reviewed by the DPO", "G2"),
            ("processors", "Data processing agreements in place", "G2"),
            ("privacy-notice", "Privacy notice updated", "G3"),
            ("breach-procedure", "Breach procedure known to the service owner", "G3"),
        ),
    ),
    "sox": (
        "SOX",
        (
            ("key-controls", "Key controls affected by the change listed", "G2"),
            ("segregation-of-duties", "Segregation of duties designed into the new roles", "G2"),
            ("migration-reconciled", "Data migration reconciled and signed by finance", "G3"),
            ("evidence-archived", "Evidence archived for the audit period", "G4"),
        ),
    ),
}
# id, title, kind, severity, phases, work, params (YAML flow text)
_RULES: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "G1-approval",
        "Funded work has an approved G1",
        "gate_decision",
        "error",
        "approved, planning, execution, closing, closed",
        "change",
        "gate: G1",
    ),
    (
        "G2-baseline",
        "Execution starts after an approved G2",
        "gate_decision",
        "error",
        "execution, closing, closed",
        "change",
        "gate: G2",
    ),
    (
        "G3-acceptance",
        "Go-live after an approved G3",
        "gate_decision",
        "error",
        "closing, closed",
        "change",
        "gate: G3",
    ),
    ("G4-closure", "A closed project has its G4", "gate_decision", "error", "closed", "change", "gate: G4"),
    (
        "fields-execution",
        "A project in execution keeps its baseline",
        "required_fields",
        "warning",
        "execution, closing",
        "change",
        "fields: [milestones, status, risks, benefits, resources]",
    ),
    (
        "status-fresh",
        "Active projects report at least every 40 days",
        "status_age",
        "warning",
        "planning, execution, closing, on-hold",
        "",
        "max_days: 40",
    ),
    (
        "recovery-plan",
        "A red or stale project has a recovery action",
        "recovery_action",
        "warning",
        "planning, execution, closing",
        "",
        "rag: [red], stale: true",
    ),
    (
        "change-authority",
        "Each change is decided at the level its size requires",
        "change_authority",
        "warning",
        "",
        "",
        "cumulative: true",
    ),
    (
        "gdpr-checklist",
        "GDPR checklist items done by their gate",
        "regulation_checklist",
        "warning",
        "planning, execution, closing, closed, on-hold",
        "",
        "regulations: [gdpr]",
    ),
    (
        "sox-checklist",
        "SOX checklist items done by their gate",
        "regulation_checklist",
        "warning",
        "planning, execution, closing, closed, on-hold",
        "",
        "regulations: [sox]",
    ),
    (
        "benefits-owned",
        "Every benefit has an owner and a due date",
        "benefit_ownership",
        "info",
        "approved, planning, execution, closing, closed",
        "change",
        "",
    ),
    (
        "wip-limit",
        "A program has at most five change projects in execution",
        "wip_limit",
        "info",
        "execution",
        "change",
        "max_projects: 5",
    ),
    (
        "team-overload",
        "A team over capacity for more than two months has a decision",
        "team_overallocation",
        "warning",
        "",
        "",
        "max_percent: 100, max_months: 2",
    ),
    (
        "request-triage",
        "Requests are scored within 30 days and decided within 90",
        "request_triage",
        "warning",
        "",
        "",
        "score_within_days: 30, decide_within_days: 90",
    ),
    ("waiver-expired", "No waiver is past its date", "waiver_expiry", "warning", "", "", ""),
)
# rules a project may be granted a waiver of, with the reason given
_PROJECT_WAIVERS = (
    ("status-fresh", "Reporting paused while the project team moves to the new supplier"),
    ("recovery-plan", "Re-plan held until the steering committee's funding decision"),
    ("fields-execution", "Risk register kept in the supplier's tool until the contract change"),
    ("change-authority", "Emergency change decided by the sponsor, ratified at the next steering committee"),
)


def _limit(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def governance_yaml() -> str:
    """The demo's governance.yaml: the handbook's bodies, decision rights, gates, two regulations and every kind
    of rule."""
    lines = ["bodies:"]
    lines += [f"  - {{id: {bid}, name: {name}}}" for bid, name in BODIES]
    lines.append("decision_rights:")
    for body, cost, percent, days in DECISION_RIGHTS:
        limits = [
            f"{key}: {_limit(value)}"
            for key, value in (("max_cost", cost), ("max_budget_percent", percent), ("max_schedule_days", days))
            if value is not None
        ]
        lines.append(f"  - {{{', '.join([f'body: {body}', *limits])}}}")
    lines.append("gates:")
    for gid, name, opens, decider in GATES:
        lines.append(f"  - {{id: {gid}, name: {name}, opens: {opens}, decided_by: [{decider}]}}")
    lines.append("regulations:")
    for rid, (name, items) in REGULATIONS.items():
        lines += [f"  - id: {rid}", f"    name: {name}", "    items:"]
        lines += [f"      - {{id: {iid}, title: {title}, by_gate: {gate}}}" for iid, title, gate in items]
    lines.append("rules:")
    for rule_id, title, kind, severity, phases, work, params in _RULES:
        lines += [f"  - id: {rule_id}", f"    title: {title}", f"    kind: {kind}", f"    severity: {severity}"]
        lines += [f"    {key}: [{value}]" for key, value in (("phases", phases), ("work", work)) if value]
        lines += [f"    params: {{{params}}}"] if params else []
    return "\n".join(lines) + "\n"


def required_body(cost: float, days: int, budget: float) -> int:
    """The position of the lowest body whose limits cover a change's (cumulative) effect, as the rule counts it."""
    for i, (_, max_cost, max_percent, max_days) in enumerate(DECISION_RIGHTS):
        if max_cost is not None and cost > max_cost:
            continue
        if max_percent is not None and not (budget > 0 and cost <= budget * max_percent / 100):
            continue
        if max_days is not None and days > max_days:
            continue
        return i
    return len(DECISION_RIGHTS) - 1


@dataclass
class Plan:
    """What the governance of one project needs from its plan."""

    phase: str
    kind: str
    start: dt.date
    forecast_finish: dt.date
    stop: dt.date | None
    budget: float
    theme: str
    started: bool


class Governance:
    """The governance records of the demo's projects and teams, from their own random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"governance-{seed}")
        self.cumulative = (0.0, 0)  # the approved changes of the project being written: cost and days, by size

    # changes --------------------------------------------------------------------------------------------

    def start_project(self) -> None:
        self.cumulative = (0.0, 0)

    def decider(self, cost: float, days: int, budget: float, decision: str) -> str:
        """Who decided a change: the body its size requires, now and then one level higher or lower."""
        total = (self.cumulative[0] + abs(cost), self.cumulative[1] + abs(days))
        needed = required_body(*total, budget)
        r = self.rng.random()
        if r < 0.06 and needed > 1:
            needed -= 1  # one level too low: a finding
        elif r < 0.12 and needed < len(DECISION_RIGHTS) - 1:
            needed += 1
        if decision == "approved":
            self.cumulative = total
        return DECISION_RIGHTS[max(needed, 1)][0]  # the project manager decides nothing recorded as a change

    # benefits -------------------------------------------------------------------------------------------

    def benefit_owner(self, sponsor: str) -> str:
        return "" if self.rng.random() < 0.06 else f", owner: {sponsor}"

    # gates, compliance, checklist, waivers ----------------------------------------------------------------

    def passed_gates(self, p: Plan) -> list[str]:
        if p.kind != "change":
            return []  # run work is approved in the yearly budget cycle, not gate by gate
        count = {"proposal": 1, "approved": 2, "planning": 2, "execution": 3, "closing": 4, "closed": 5}.get(p.phase)
        if count is None:  # on hold or cancelled: the gates it passed before it stopped
            count = 3 if p.started and p.stop is not None and p.stop > p.start + 30 * DAY else 2
        return [gate for gate, *_ in GATES[:count]]

    def gate_dates(self, p: Plan, gates: list[str]) -> dict[str, dt.date]:
        rng = self.rng
        ideal = {
            "G0": p.start - rng.randint(100, 200) * DAY,
            "G1": p.start - rng.randint(20, 80) * DAY,
            "G2": p.start + rng.randint(14, 60) * DAY,
            "G3": p.forecast_finish - rng.randint(15, 45) * DAY,
            "G4": p.forecast_finish + rng.randint(10, 45) * DAY,
        }
        latest = min(AS_OF, p.stop) if p.stop is not None else AS_OF
        dates: dict[str, dt.date] = {}
        for gate in reversed(gates):  # each on or before as_of (or the stop) and before the next gate
            day = min(ideal[gate], latest - DAY)
            dates[gate] = day
            latest = day
        return dict(reversed(dates.items()))

    def records(self, p: Plan) -> list[str]:
        rng = self.rng
        gates = self.passed_gates(p)
        dates = self.gate_dates(p, gates)
        out: list[str] = []
        if gates:
            out.append("gates:")
            for gid, name, _opens, decider in GATES:
                if gid not in dates:
                    continue
                deciders = decider.split(", ")
                # above €1,000,000 the executive committee approves G1, on the portfolio review's recommendation
                decider = deciders[-1] if gid == "G1" and p.budget > 1_000_000 else deciders[0]
                conditions = ""
                if gid in ("G2", "G3") and rng.random() < 0.15:
                    conditions = f", conditions: [{name} conditions reviewed at the next steering committee]"
                out.append(
                    f"  - {{gate: {gid}, date: {dates[gid].isoformat()}, decision: approved, decided_by: {decider}"
                    f"{conditions}}}"
                )
        out += self.compliance(p, dates)
        out += self.waivers(p)
        return out

    def compliance(self, p: Plan, dates: dict[str, dt.date]) -> list[str]:
        rng = self.rng
        if p.kind != "change":
            return []
        regulations = []
        if rng.random() < (0.7 if p.theme in ("Digital front door", "Data and analytics") else 0.2):
            regulations.append("gdpr")
        if rng.random() < (0.8 if p.theme == "Finance transformation" else 0.03):
            regulations.append("sox")
        if not regulations:
            return []
        out = [f"compliance: [{', '.join(regulations)}]"]
        entries = []
        for rid in regulations:
            for iid, _title, gate in REGULATIONS[rid][1]:
                if gate not in dates:
                    continue
                if rng.random() < 0.05:  # late: recorded, not done
                    entries.append(f"  - {{regulation: {rid}, item: {iid}, evidence: Scheduled with the owner}}")
                    continue
                done = dates[gate] - rng.randint(3, 40) * DAY
                entries.append(f"  - {{regulation: {rid}, item: {iid}, done: {done.isoformat()}}}")
        return out + (["checklist:", *entries] if entries else [])

    def waivers(self, p: Plan) -> list[str]:
        rng = self.rng
        if rng.random() >= 0.03:
            return []
        rule, reason = _PROJECT_WAIVERS[int(rng.random() * len(_PROJECT_WAIVERS))]
        expired = rng.random() < 0.3
        until = AS_OF + (-rng.randint(5, 90) if expired else rng.randint(20, 200)) * DAY
        approver = "steering-committee" if rule != "change-authority" else "portfolio-review"
        return [
            "waivers:",
            f"  - {{rule: {rule}, reason: {json.dumps(reason)}, approved_by: {approver}, until: {until.isoformat()}}}",
        ]

    def team_waiver(self, over: bool) -> str:
        """A waiver for a team over capacity at as_of, for about one in three of them: the accepted peak."""
        if not over or self.rng.random() >= 0.35:
            return ""
        until = AS_OF + self.rng.randint(30, 150) * DAY
        return (
            ", waivers: [{rule: team-overload, reason: Peak accepted with contractors, approved_by: portfolio-review, "
            f"until: {until.isoformat()}}}]"
        )
