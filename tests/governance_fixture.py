"""A governance.yaml for the mini fixture, and the gates, checklist and waivers its projects record, with what the
rules find in it worked out by hand (as_of 2026-03-02):

- G2-baseline (error, execution to closed): crm passed G2 on 2026-01-10; identity (closed) never did: 1 open.
- benefits-owned (warning): crm's benefit has a due date but no owner: 1 open.
- fields (info, closed: benefits and lessons): identity has neither: 1, waived by identity's active waiver.
- gdpr-checklist (warning): crm lists gdpr and passed G2, by which the DPIA is due; not done: 1 open. The privacy
  notice is due by G3, which crm has not reached: none.
- change-authority (warning): crm's CR-1 (12,000, 19 days) needs the change board; the steering committee,
  higher, decided it: none.
- triage (info): the chatbot request (no program), submitted 2026-02-01, is 29 days old and still assessed, over
  the 20 days allowed; it is scored: 1 open.
- waiver-expired (warning): identity's waiver of benefits-owned ended 2026-01-31: 1 open.

Open: 1 error, 3 warnings, 1 info; in front-door 4 (worst: error), without a program 1 (info); 1 waived.
Scores (weights error 3, warning 2, info 1): crm is under G2-baseline, benefits-owned, gdpr-checklist and
change-authority (9) and fails benefits-owned and gdpr-checklist: 5/9, 55 %. identity is under those and fields
(10) and fails G2-baseline: 7/10, 70 %. Program front-door and manager a.okafor: 12/19, 63 %.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from pathlib import Path

GOVERNANCE: dict[str, Any] = {
    "bodies": [
        {"id": "project-manager", "name": "Project manager"},
        {"id": "sponsor", "name": "Sponsor", "section": "roles/sponsor.md"},
        {"id": "change-board", "name": "Change control board", "section": "governance.md#change-control-board-ccb"},
        {"id": "steering-committee", "name": "Steering committee", "section": "governance.md#steering-committees"},
    ],
    "decision_rights": [
        {"body": "project-manager", "max_cost": 0, "max_schedule_days": 5},
        {"body": "sponsor", "max_cost": 10000, "max_budget_percent": 5, "max_schedule_days": 14},
        {"body": "change-board", "max_cost": 50000, "max_schedule_days": 30},
        {"body": "steering-committee"},
    ],
    "gates": [
        {
            "id": "G1",
            "name": "Approval",
            "opens": "approved",
            "decided_by": ["sponsor"],
            "criteria": ["Business case approved"],
            "section": "lifecycle.md#g1-approval",
        },
        {
            "id": "G2",
            "name": "Baseline",
            "opens": "execution",
            "decided_by": ["steering-committee", "sponsor"],
            "criteria": ["Baseline plan in the project file", "Resources confirmed by the team leads"],
        },
        {"id": "G3", "name": "Acceptance", "opens": "closing", "decided_by": ["steering-committee"]},
    ],
    "regulations": [
        {
            "id": "gdpr",
            "name": "GDPR",
            "applies_when": "The project processes personal data in a new way.",
            "section": "compliance.md#gdpr",
            "items": [
                {"id": "notice", "title": "Privacy notice updated", "by_gate": "G3"},
                {"id": "dpia", "title": "DPIA signed off by the DPO", "by_gate": "G2"},
            ],
        }
    ],
    "rules": [
        {
            "id": "G2-baseline",
            "title": "Execution starts after an approved G2",
            "kind": "gate_decision",
            "severity": "error",
            "phases": ["execution", "closing", "closed"],
            "section": "lifecycle.md#planning-and-g2-baseline",
            "params": {"gate": "G2"},
        },
        {
            "id": "benefits-owned",
            "title": "Every benefit has an owner",
            "kind": "benefit_ownership",
            "severity": "warning",
        },
        {
            "id": "fields",
            "title": "A closed project records benefits and lessons",
            "kind": "required_fields",
            "severity": "info",
            "phases": ["closed"],
            "params": {"fields": ["benefits", "lessons"]},
        },
        {
            "id": "gdpr-checklist",
            "title": "GDPR items done by their gate",
            "kind": "regulation_checklist",
            "severity": "warning",
        },
        {
            "id": "change-authority",
            "title": "Changes decided by the body their size needs",
            "kind": "change_authority",
            "severity": "warning",
            "section": "governance.md#decision-rights-for-changes",
        },
        {
            "id": "triage",
            "title": "Requests decided within 20 days",
            "kind": "request_triage",
            "severity": "info",
            "work": [],
            "params": {"score_within_days": 10, "decide_within_days": 20},
        },
        {"id": "waiver-expired", "title": "No waiver is past its date", "kind": "waiver_expiry", "severity": "warning"},
    ],
}

CRM_GATES = [
    {"gate": "G1", "date": "2025-12-01", "decision": "approved", "decided_by": "sponsor"},
    {
        "gate": "G2",
        "date": "2026-01-10",
        "decision": "approved",
        "decided_by": "steering-committee",
        "conditions": ["Vendor lead named before design"],
    },
]
IDENTITY_WAIVERS = [
    {"rule": "fields", "reason": "Run work: no benefits case", "approved_by": "m.chen", "until": "2026-12-31"},
    {"rule": "benefits-owned", "reason": "Owners named at closure", "approved_by": "sponsor", "until": "2026-01-31"},
]


def _rewrite(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")


def add_governance(folder: Path, governance: dict[str, Any] | None = None) -> Path:
    """The mini portfolio at `folder` with governance.yaml and the records above."""
    (folder / "governance.yaml").write_text(
        yaml.safe_dump(governance or GOVERNANCE, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8"
    )

    def crm(d: dict[str, Any]) -> None:
        d["gates"] = CRM_GATES
        d["compliance"] = ["gdpr"]

    def identity(d: dict[str, Any]) -> None:
        d["waivers"] = IDENTITY_WAIVERS

    _rewrite(folder / "projects" / "crm.yaml", crm)
    _rewrite(folder / "projects" / "identity.yaml", identity)
    return folder
