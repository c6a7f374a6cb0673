"""The PMO's roles and key tasks: who is responsible for what (RACI), the template each task uses and the
page of the site where it is reported. The handbook's RACI matrix and key-task table are written from here,
so the two cannot disagree and a test can check that every task has exactly one accountable role."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..pages.urls import (
    BENEFITS,
    CALENDAR,
    CAPACITY,
    HOME,
    PERFORMANCE,
    PRIORITIZATION,
    PROGRAMS,
    REGISTER,
    REQUESTS,
    RISKS,
    ROADMAP,
)


@dataclass(frozen=True)
class Role:
    id: str  # its page in the handbook: roles/<id>.md
    name: str
    aliases: tuple[str, ...] = ()  # other ways people.yaml may spell it

    @property
    def page(self) -> str:
        return f"roles/{self.id}.md"


ROLES: tuple[Role, ...] = (
    Role("pmo-director", "PMO director", ("head of pmo", "pmo lead", "pmo manager")),
    Role("pmo-analyst", "PMO analyst", ("portfolio analyst", "pmo consultant")),
    Role("pmo-coordinator", "PMO coordinator", ("pmo co-ordinator", "pmo administrator", "pmo officer")),
    Role("program-manager", "Program manager", ("programme manager",)),
    Role("project-manager", "Project manager", ("pm",)),
    Role("sponsor", "Sponsor", ("project sponsor", "executive sponsor", "senior responsible owner", "sro")),
    Role("steering-committee", "Steering committee", ("steering committee member", "project board")),
)
ROLE_IDS = tuple(role.id for role in ROLES)
_SEPARATORS = re.compile(r"[\s_-]+")


def _normal(name: str) -> str:
    return _SEPARATORS.sub(" ", name).strip().casefold()


_BY_NAME = {_normal(alias): role for role in ROLES for alias in (role.name, role.id, *role.aliases)}


def find_role(name: str) -> Role | None:
    """The handbook role a `role` of people.yaml names, whatever its case and separators ("Project Manager",
    "project-manager", "Programme manager"); None for a role the handbook does not describe."""
    return _BY_NAME.get(_normal(name))


@dataclass(frozen=True)
class KeyTask:
    id: str  # its anchor on the key-tasks page
    name: str
    summary: str
    templates: tuple[str, ...]  # template ids (see templates.py)
    reported: tuple[tuple[str, str], ...]  # (label, page of the site) where its results are shown
    raci: dict[str, str]  # role id → "A", "R", "A/R", "C" or "I"; a role not named has no part

    def letter(self, role_id: str) -> str:
        return self.raci.get(role_id, "")


_PROJECTS = ("Project pages", REGISTER)

KEY_TASKS: tuple[KeyTask, ...] = (
    KeyTask(
        "demand",
        "Demand and prioritization",
        "One front door for requests, one scoring model, one ranked list and a funding cut line.",
        ("business-case",),
        (("Demand", REQUESTS), ("Prioritization", PRIORITIZATION)),
        {
            "pmo-director": "A",
            "pmo-analyst": "R",
            "pmo-coordinator": "C",
            "program-manager": "C",
            "sponsor": "C",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "plans",
        "Plans and schedules",
        "A baseline plan approved at G2: scope, milestones, budget, team; forecasts kept current every month.",
        ("project-charter",),
        (("Roadmap", ROADMAP), _PROJECTS),
        {
            "pmo-director": "I",
            "pmo-analyst": "C",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "C",
            "steering-committee": "A",
        },
    ),
    KeyTask(
        "resources",
        "Resources and capacity",
        "Team demand in FTE per month against each team's capacity; overloads brought to the portfolio review.",
        ("project-charter",),
        (("Capacity", CAPACITY),),
        {
            "pmo-director": "A",
            "pmo-analyst": "R",
            "pmo-coordinator": "C",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "I",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "benefits",
        "Benefits realization",
        "Benefits with owners, planned values and due dates, tracked past closure until the PIR.",
        ("business-case", "post-implementation-review"),
        (("Benefits", BENEFITS),),
        {
            "pmo-director": "I",
            "pmo-analyst": "R",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "A",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "scope-and-change",
        "Scope and change control",
        "The baseline changes only through a change request decided at the right level.",
        ("change-request",),
        (_PROJECTS, ("Performance", PERFORMANCE)),
        {
            "pmo-director": "C",
            "pmo-analyst": "C",
            "pmo-coordinator": "I",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "C",
            "steering-committee": "A",
        },
    ),
    KeyTask(
        "risks-and-issues",
        "Risks and issues",
        "Risks scored by probability and impact, issues by severity; escalated by the thresholds.",
        ("risk-register", "issue-log"),
        (("Risks", RISKS), _PROJECTS),
        {
            "pmo-director": "I",
            "pmo-analyst": "C",
            "program-manager": "C",
            "project-manager": "A/R",
            "sponsor": "C",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "performance-reporting",
        "Performance reporting",
        "A monthly status report per project, the data freeze, the quality review and the portfolio pack.",
        ("status-report",),
        (("Home", HOME), ("Performance", PERFORMANCE), ("Project register", REGISTER)),
        {
            "pmo-director": "A",
            "pmo-analyst": "R",
            "pmo-coordinator": "R",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "I",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "communications",
        "Communications",
        "Who hears what, when and from whom: the communication plan, the IT calendar and the site itself.",
        ("communication-plan",),
        (("IT calendar", CALENDAR), ("Home", HOME)),
        {
            "pmo-director": "I",
            "pmo-analyst": "I",
            "pmo-coordinator": "R",
            "program-manager": "C",
            "project-manager": "A/R",
            "sponsor": "C",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "dependencies",
        "Dependencies",
        "What a project needs from another, recorded in the project that needs it and watched across programs.",
        ("risk-register",),
        (_PROJECTS, ("Programs", PROGRAMS)),
        {
            "pmo-director": "I",
            "pmo-analyst": "R",
            "program-manager": "A",
            "project-manager": "R",
            "sponsor": "I",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "quality",
        "Quality and acceptance",
        "Quality planned in the charter, tested (including UAT) before G3, accepted by the business and operations.",
        ("project-charter", "closure-report"),
        (_PROJECTS, ("Performance", PERFORMANCE)),
        {
            "pmo-director": "I",
            "pmo-analyst": "C",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "C",
            "steering-committee": "A",
        },
    ),
    KeyTask(
        "procurement",
        "Procurement and suppliers",
        "Tenders and contracts with Procurement, started early; supplier risks in the risk register.",
        ("business-case", "risk-register"),
        (("Risks", RISKS), ("Roadmap", ROADMAP)),
        {
            "pmo-director": "C",
            "pmo-analyst": "C",
            "pmo-coordinator": "I",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "A",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "integration",
        "Integration and handover",
        "One integrated plan across workstreams and projects; release slots, and handover to the service owner.",
        ("closure-report",),
        (("IT calendar", CALENDAR), ("Programs", PROGRAMS)),
        {
            "pmo-director": "I",
            "pmo-analyst": "C",
            "pmo-coordinator": "C",
            "program-manager": "A",
            "project-manager": "R",
            "sponsor": "I",
            "steering-committee": "C",
        },
    ),
    KeyTask(
        "budget-and-finance",
        "Budget and finance",
        "The budget envelope at G1, the baseline at G2, actual cost every month, forecasts from CPI.",
        ("business-case", "status-report"),
        (("Performance", PERFORMANCE), ("Project register", REGISTER)),
        {
            "pmo-director": "I",
            "pmo-analyst": "C",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "A",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "governance",
        "Governance and gates",
        "Gate meetings, the boards and their calendar, decisions recorded, this handbook kept current.",
        ("project-charter", "closure-report"),
        (("IT calendar", CALENDAR), ("Home", HOME)),
        {
            "pmo-director": "A",
            "pmo-analyst": "R",
            "pmo-coordinator": "R",
            "program-manager": "C",
            "project-manager": "C",
            "sponsor": "C",
            "steering-committee": "C",
        },
    ),
    KeyTask(
        "stakeholders",
        "Stakeholder engagement",
        "Stakeholders mapped at initiation, engaged by plan, their satisfaction surveyed during delivery.",
        ("stakeholder-map", "communication-plan"),
        (_PROJECTS, ("Performance", PERFORMANCE)),
        {
            "pmo-director": "I",
            "pmo-analyst": "I",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "A",
            "steering-committee": "I",
        },
    ),
    KeyTask(
        "closure",
        "Closure and lessons learned",
        "G4 within two months of go-live: accounts closed, items handed over, lessons recorded, then the PIR.",
        ("closure-report", "post-implementation-review"),
        (("Lessons learned", "handbook/lessons.md"), ("Benefits", BENEFITS)),
        {
            "pmo-director": "I",
            "pmo-analyst": "C",
            "pmo-coordinator": "R",
            "program-manager": "C",
            "project-manager": "R",
            "sponsor": "A",
            "steering-committee": "I",
        },
    ),
)
TASKS_BY_ID: dict[str, KeyTask] = {task.id: task for task in KEY_TASKS}
