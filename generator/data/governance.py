"""governance.yaml: the PMO's rules as data. Bodies and their decision rights, gates and their criteria, the
regulations and what each requires by which gate, and the rules checked against every project, program,
request and team. Every rule is one kind of a closed catalogue with typed parameters: there is no expression
language and nothing executable in the data. `analytics/governance.py` evaluates the rules.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Discriminator, Tag

from .model import MAX_AMOUNT, MAX_DAYS, GateId, Id, Phase, Rag, RuleId, Strict, Text, doc

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_WEIGHT: dict[str, int] = {"error": 3, "warning": 2, "info": 1}  # the data-quality score's weights
Work = Literal["change", "run"]
GateDecisionValue = Literal["approved", "rejected", "deferred"]


class Body(Strict):
    id: Id = doc("The body's id: what `decided_by` and the decision rights name.", "steering-committee")
    name: Text = doc("The body's name, as shown on pages.", "Steering committee")
    section: Text = doc(
        "The handbook section that describes it: a page and an anchor.",
        "governance.md#steering-committee",
        default="",
    )


class DecisionRight(Strict):
    """One row of the decision-rights table: a change whose cumulative effect stays within every limit given
    is decided by this body (or a higher one). A limit left out is no limit."""

    body: Id = doc("The body that decides: an id from `bodies`.", "change-board")
    max_cost: float | None = doc(
        "The largest cost effect (absolute, in the portfolio's currency) it may decide.",
        150000,
        default=None,
        ge=0,
        le=MAX_AMOUNT,
    )
    max_budget_percent: float | None = doc(
        "The largest cost effect, in percent of the project's budget, it may decide.", 10, default=None, ge=0, le=1000
    )
    max_schedule_days: int | None = doc(
        "The largest schedule effect (absolute, in days) it may decide.", 45, default=None, ge=0, le=MAX_DAYS
    )


class Gate(Strict):
    id: GateId = doc("The gate's id, as projects record it in `gates`.", "G2")
    name: Text = doc("The gate's name.", "Baseline")
    opens: Phase | None = doc(
        "The phase a project enters when it passes the gate (none for gates passed as a request).",
        "execution",
        default=None,
    )
    decided_by: list[Id] = doc("The bodies that may decide it: ids from `bodies`.", ["steering-committee"], default=[])
    criteria: list[Text] = doc(
        "What must be true to pass it, as the handbook lists it.", ["Baseline plan approved"], default=[]
    )
    section: Text = doc("The handbook section that explains it.", "lifecycle.md#planning-and-g2-baseline", default="")


class ChecklistItemDefinition(Strict):
    id: Id = doc("The item's id within its regulation, as projects record it in `checklist`.", "dpia")
    title: Text = doc("What must be done.", "Data protection impact assessment signed off by the DPO")
    by_gate: GateId = doc("The gate by which it must be done: an id from `gates`.", "G2")


class Regulation(Strict):
    id: Id = doc("The regulation's id, as projects list it in `compliance`.", "gdpr")
    name: Text = doc("Its name.", "GDPR")
    applies_when: Text = doc(
        "When a project is subject to it.", "The project processes personal data in a new way.", default=""
    )
    section: Text = doc("The handbook section that explains it.", "compliance.md#gdpr", default="")
    items: list[ChecklistItemDefinition] = doc(
        "Its checklist: what must be done by which gate.",
        [{"id": "dpia", "title": "DPIA signed off", "by_gate": "G2"}],
        default=[],
    )


# The catalogue of rule kinds: each kind's parameters ------------------------------------------------------

ProjectField = Literal[
    "summary",
    "description",
    "objectives",
    "scores",
    "milestones",
    "status",
    "risks",
    "benefits",
    "resources",
    "dependencies",
    "lessons",
    "gates",
    "compliance",
]


class RequiredFieldsParams(Strict):
    fields: list[ProjectField] = doc(
        "The project fields that must be given (non-empty) in the rule's phases.", ["milestones", "risks"], min_length=1
    )


class GateDecisionParams(Strict):
    gate: GateId = doc("The gate whose approved decision must be recorded: an id from `gates`.", "G2")


class StatusAgeParams(Strict):
    max_days: int = doc("The oldest a project's latest status report may be, in days at as_of.", 40, ge=1, le=MAX_DAYS)


class RecoveryActionParams(Strict):
    rag: list[Rag] = doc("The RAG statuses that need a recovery action.", ["red"], default=["red"])
    stale: bool = doc("A stale project (no recent status report) needs one too.", True, default=True)


class ChangeAuthorityParams(Strict):
    cumulative: bool = doc(
        "Count the effect of every change approved before it, since the baseline (so small changes cannot "
        "bypass the thresholds).",
        True,
        default=True,
    )


class RegulationChecklistParams(Strict):
    regulations: list[Id] = doc(
        "The regulations checked (ids from `regulations`); default: all.", ["gdpr", "hipaa"], default=[]
    )


class RequestTriageParams(Strict):
    score_within_days: int = doc(
        "Days after submission by which a request has a score for every criterion.", 30, ge=0, le=MAX_DAYS
    )
    decide_within_days: int = doc(
        "Days after submission by which a request is approved, rejected or deferred.", 90, ge=0, le=MAX_DAYS
    )


class WipLimitParams(Strict):
    max_projects: int = doc("The most projects a program may have in the rule's phases at once.", 4, ge=1, le=10_000)


class TeamOverallocationParams(Strict):
    max_percent: float = doc(
        "The utilization (demand over capacity, in percent) a team may reach in a month.", 100, gt=0, le=10_000
    )
    max_months: int = doc(
        "How many months in a row a team may stay above it before a decision (a waiver on the team) is needed.",
        2,
        ge=1,
        le=1200,
    )


class BenefitOwnershipParams(Strict):
    """Every benefit of the project has an `owner` and a `due` date; no parameter."""


class WaiverExpiryParams(Strict):
    """A waiver whose `until` is before as_of; no parameter."""


class RuleBase(Strict):
    id: RuleId = doc("The rule's stable id: findings, waivers and the handbook name it.", "G2-baseline")
    title: Text = doc("What the rule requires, in one line.", "Execution starts after an approved G2 decision")
    severity: Severity = doc("error fails pmo validate; warning and info are reported.", "error")
    phases: list[Phase] = doc(
        "The project phases it applies to; default: every phase.", ["execution", "closing"], default=[]
    )
    work: list[Work] = doc("The kinds of work it applies to (change, run); default: both.", ["change"], default=[])
    section: Text = doc("The handbook section that explains it.", "lifecycle.md#planning-and-g2-baseline", default="")
    if TYPE_CHECKING:  # each kind's model narrows them
        kind: str
        params: Strict


_KIND = "The kind of rule, from the catalogue."


class RequiredFieldsRule(RuleBase):
    """Projects in the rule's phases give these fields."""

    kind: Literal["required_fields"] = doc(_KIND, "required_fields")
    params: RequiredFieldsParams = doc("Its parameters.", {})


class GateDecisionRule(RuleBase):
    """Projects in the rule's phases have an approved decision of a gate."""

    kind: Literal["gate_decision"] = doc(_KIND, "gate_decision")
    params: GateDecisionParams = doc("Its parameters.", {})


class StatusAgeRule(RuleBase):
    """The latest status report is no older than max_days."""

    kind: Literal["status_age"] = doc(_KIND, "status_age")
    params: StatusAgeParams = doc("Its parameters.", {})


class RecoveryActionRule(RuleBase):
    """A red or stale project has an open issue with a due date: its recovery action."""

    kind: Literal["recovery_action"] = doc(_KIND, "recovery_action")
    params: RecoveryActionParams = doc("Its parameters.", {}, default_factory=RecoveryActionParams)


class ChangeAuthorityRule(RuleBase):
    """Each change is decided by the body its size requires, or a higher one."""

    kind: Literal["change_authority"] = doc(_KIND, "change_authority")
    params: ChangeAuthorityParams = doc("Its parameters.", {}, default_factory=ChangeAuthorityParams)


class RegulationChecklistRule(RuleBase):
    """A regulation's checklist items are done by their gate."""

    kind: Literal["regulation_checklist"] = doc(_KIND, "regulation_checklist")
    params: RegulationChecklistParams = doc("Its parameters.", {}, default_factory=RegulationChecklistParams)


class RequestTriageRule(RuleBase):
    """Requests are scored and decided within a time."""

    kind: Literal["request_triage"] = doc(_KIND, "request_triage")
    params: RequestTriageParams = doc("Its parameters.", {})


class WipLimitRule(RuleBase):
    """A program has at most max_projects projects in the rule's phases."""

    kind: Literal["wip_limit"] = doc(_KIND, "wip_limit")
    params: WipLimitParams = doc("Its parameters.", {})


class TeamOverallocationRule(RuleBase):
    """A team over capacity for too long has a decision (a waiver)."""

    kind: Literal["team_overallocation"] = doc(_KIND, "team_overallocation")
    params: TeamOverallocationParams = doc("Its parameters.", {})


class BenefitOwnershipRule(RuleBase):
    """Every benefit has an owner and a due date."""

    kind: Literal["benefit_ownership"] = doc(_KIND, "benefit_ownership")
    params: BenefitOwnershipParams = doc("Its parameters (none needed).", {}, default_factory=BenefitOwnershipParams)


class WaiverExpiryRule(RuleBase):
    """No waiver is past its date."""

    kind: Literal["waiver_expiry"] = doc(_KIND, "waiver_expiry")
    params: WaiverExpiryParams = doc("Its parameters (none needed).", {}, default_factory=WaiverExpiryParams)


RULE_MODELS: tuple[type[RuleBase], ...] = (
    RequiredFieldsRule,
    GateDecisionRule,
    StatusAgeRule,
    RecoveryActionRule,
    ChangeAuthorityRule,
    RegulationChecklistRule,
    RequestTriageRule,
    WipLimitRule,
    TeamOverallocationRule,
    BenefitOwnershipRule,
    WaiverExpiryRule,
)
# kind → its model, in the catalogue's order (the data contract's)
RULE_KINDS: dict[str, type[RuleBase]] = {
    typing.get_args(model.model_fields["kind"].annotation)[0]: model for model in RULE_MODELS
}


def _rule_kind(value: Any) -> str | None:
    return value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)


if TYPE_CHECKING:
    RuleModel = RuleBase
else:
    RuleModel = Annotated[
        Union[tuple(Annotated[model, Tag(kind)] for kind, model in RULE_KINDS.items())],  # noqa: UP007
        Discriminator(_rule_kind),
    ]


def tagless(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A location inside governance.yaml without the kind pydantic inserts after a rule's index."""
    if len(loc) > 2 and loc[0] == "rules" and loc[2] in RULE_KINDS:
        return loc[:2] + loc[3:]
    return loc


class Governance(Strict):
    """governance.yaml: the rules of the portfolio, checked by `pmo validate` and shown on the Governance page."""

    bodies: list[Body] = doc(
        "The bodies that take decisions.", [{"id": "steering-committee", "name": "Steering committee"}], default=[]
    )
    decision_rights: list[DecisionRight] = doc(
        "Who decides a change, lowest body first: the first row whose limits cover the change's cumulative effect "
        "names the lowest body that may decide it. The last row should have no limit.",
        [{"body": "sponsor", "max_cost": 25000, "max_budget_percent": 5, "max_schedule_days": 14}],
        default=[],
    )
    gates: list[Gate] = doc(
        "The lifecycle's gates.", [{"id": "G2", "name": "Baseline", "opens": "execution"}], default=[]
    )
    regulations: list[Regulation] = doc(
        "The regulations the organization is subject to, and their checklists.",
        [{"id": "gdpr", "name": "GDPR", "items": [{"id": "dpia", "title": "DPIA signed off", "by_gate": "G2"}]}],
        default=[],
    )
    rules: list[RuleModel] = doc(
        "The rules checked against the portfolio, each of one kind of the catalogue.",
        [
            {
                "id": "G2-baseline",
                "title": "Execution starts after an approved G2 decision",
                "kind": "gate_decision",
                "severity": "error",
                "phases": ["execution", "closing"],
                "params": {"gate": "G2"},
            }
        ],
        default=[],
    )

    def gate(self, gate_id: str) -> Gate | None:
        return next((gate for gate in self.gates if gate.id == gate_id), None)

    def body(self, body_id: str) -> Body | None:
        return next((body for body in self.bodies if body.id == body_id), None)

    def regulation(self, regulation_id: str) -> Regulation | None:
        return next((reg for reg in self.regulations if reg.id == regulation_id), None)

    def rule(self, rule_id: str) -> RuleBase | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)
