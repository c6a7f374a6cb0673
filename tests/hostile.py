"""A portfolio written the way a careless or hostile contributor would: a payload in every text field."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .conftest import MINI

# Markup that runs when a script later turns the text of an attribute into HTML, as mkdocs-material's
# `content.tooltips` does with a `title` on hover. It needs no quotes (it must fit in a quoted Markdown link
# title), requests nothing (an empty data: image fails to load at once), leaves an element carrying the marker
# attribute, and calls alert with its own name; the browser suite looks for all three.
INJECTED = "data-pmo-xss"


def tooltip_payload(name: str) -> str:
    return f"<img src=data:, {INJECTED}=xss-{name} onerror=alert(this.dataset.pmoXss)>"


# Each payload would do harm if any page, title, nav entry or search result let it through as markup.
PAYLOADS = [
    '<script>alert("xss-script")</script>',
    "<img src=x onerror=alert('xss-img')>",
    "[click me](javascript:alert('xss-link'))",
    "[click me](JaVaScRiPt:alert('xss-case'))",
    "[click me](&#106;avascript:alert('xss-entity'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzLWRhdGEnKTwvc2NyaXB0Pg==)",
    "{: onclick=\"alert('xss-attr')\" }",
    '--8<-- "/etc/passwd"',
    "{{ config.site_name }} {% include 'x' %}",
    # The theme shows a title as HTML on hover: a Markdown link title, a raw title (before the comment below,
    # which hides the rest of a description)
    '[titled](https://example.org "<img src=x onerror=alert`xss-title`>")',
    '<p title="<img src=x onerror=alert(\'xss-raw-title\')>" lang="xss-lang">raw</p>',
    f'[a tip](#pmo-tip "{tooltip_payload("link-title")}")',  # a link title, shown as a tooltip on hover
    "<!-- the rest of the page is hidden",
    "# A heading that breaks the outline",
    "a | table | breaker",
    "<svg onload=alert('xss-svg')></svg>",
    "<a href=\"javascript:alert('xss-anchor')\">x</a>",
]
TEXT = " ".join(PAYLOADS)
# The free-text reason of a withheld value, shown on hover over each "n/a" it causes.
WITHHELD_REASON = tooltip_payload("withheld") + " " + TEXT
WITHHELD_IN = "identity"  # the project whose budget is withheld (crm keeps every figure)


def write_hostile_portfolio(target: Path) -> Path:
    """Copy the small fixture portfolio to `target` and put every payload into every free-text field."""
    shutil.copytree(MINI, target)

    def rewrite(name: str, change: object) -> None:
        path = target / name
        data = yaml.safe_load(path.read_text())
        change(data)  # type: ignore[operator]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000))

    def settings(d: dict) -> None:
        d["organization"] = f"Org {TEXT}"
        for objective in d["objectives"]:
            objective["name"] += f" {TEXT}"
            objective["description"] = TEXT
        for criterion in d["scoring"]["criteria"]:
            criterion["name"] += f" {TEXT}"

    def people(d: dict) -> None:
        for person in d["people"]:
            person["name"] += f" {TEXT}"
            person["role"] = TEXT
        for team in d["teams"]:
            team["name"] += f" {TEXT}"

    def program(d: dict) -> None:
        d["name"] += f" {TEXT}"
        d["description"] = TEXT

    def project(d: dict) -> None:
        d["name"] += f" {TEXT}"
        d["summary"] = TEXT
        d["description"] = "\n\n".join(PAYLOADS)
        d["rag_override"] = {"rag": "red", "reason": TEXT}
        for key, fields in {
            "milestones": ["name"],
            "status": ["summary"],
            "risks": ["title", "mitigation"],
            "issues": ["title"],
            "dependencies": ["note"],
            "changes": ["title", "decided_by"],
            "benefits": ["name", "unit"],
            "lessons": ["lesson", "recommendation"],
        }.items():
            for item in d.get(key, []):
                for field in fields:
                    item[field] = TEXT

    def withhold_budget(d: dict) -> None:
        del d["budget"]
        d["withheld"] = {"budget": WITHHELD_REASON}

    def request(d: dict) -> None:
        d["name"] += f" {TEXT}"
        d["summary"] = TEXT
        d["description"] = "\n\n".join(PAYLOADS)

    def calendar(d: dict) -> None:
        for event in d["events"]:
            event["title"] += f" {TEXT}"
            event["note"] = TEXT
            event["systems"] = [TEXT]

    def governed(d: dict) -> None:  # crm: a passed gate, a checklist, an active and an expired waiver
        d["gates"] = [
            {"gate": "G2", "date": "2026-01-10", "decision": "approved", "decided_by": "steering-committee"}
            | {"conditions": [TEXT]}
        ]
        d["compliance"] = ["gdpr"]
        d["checklist"] = [{"regulation": "gdpr", "item": "dpia", "done": "2026-01-05", "evidence": TEXT}]
        d["waivers"] = [
            {"rule": "benefits-owned", "reason": TEXT, "approved_by": "sponsor", "until": "2027-01-01"},
            {"rule": "gdpr-checklist", "reason": TEXT, "approved_by": "m.chen", "until": "2026-01-01"},
        ]

    rewrite("portfolio.yaml", settings)
    rewrite("people.yaml", people)
    rewrite("calendar.yaml", calendar)
    for path in (target / "programs").glob("*.yaml"):
        rewrite(f"programs/{path.name}", program)
    for path in (target / "projects").glob("*.yaml"):
        rewrite(f"projects/{path.name}", project)
    rewrite(f"projects/{WITHHELD_IN}.yaml", withhold_budget)
    rewrite("projects/crm.yaml", governed)
    (target / "governance.yaml").write_text(
        yaml.safe_dump(hostile_governance(), sort_keys=False, allow_unicode=True, width=10_000)
    )
    for path in (target / "requests").glob("*.yaml"):
        rewrite(f"requests/{path.name}", request)
    return target


def hostile_governance() -> dict:
    """governance.yaml with a payload in every text: names, titles, criteria, sections, checklist items. Its rules
    find something on both projects (a gate, a checklist item, a benefit, an expired waiver, a team), so that the
    payloads reach the findings' messages too."""
    return {
        "bodies": [
            {"id": "sponsor", "name": f"Sponsor {TEXT}", "section": TEXT},
            {"id": "steering-committee", "name": f"Steering {TEXT}", "section": "governance.md#steering-committees"},
        ],
        "decision_rights": [{"body": "sponsor", "max_cost": 10000}, {"body": "steering-committee"}],
        "gates": [
            {
                "id": "G2",
                "name": f"Baseline {TEXT}",
                "opens": "execution",
                "decided_by": ["steering-committee"],
                "criteria": [TEXT],
                "section": TEXT,
            }
        ],
        "regulations": [
            {
                "id": "gdpr",
                "name": f"GDPR {TEXT}",
                "applies_when": TEXT,
                "section": TEXT,
                "items": [
                    {"id": "dpia", "title": f"DPIA {TEXT}", "by_gate": "G2"},
                    {"id": "notice", "title": f"Notice {TEXT}", "by_gate": "G2"},
                ],
            }
        ],
        "rules": [
            {"id": "G2-baseline", "title": TEXT, "kind": "gate_decision", "severity": "error", "phases": ["closed"]}
            | {"section": TEXT, "params": {"gate": "G2"}},
            {"id": "benefits-owned", "title": TEXT, "kind": "benefit_ownership", "severity": "warning"}
            | {"section": "lifecycle.md#g1-approval"},
            {"id": "gdpr-checklist", "title": TEXT, "kind": "regulation_checklist", "severity": "warning"},
            {"id": "team-overload", "title": TEXT, "kind": "team_overallocation", "severity": "info"}
            | {"params": {"max_percent": 1, "max_months": 1}},
            {"id": "waiver-expired", "title": TEXT, "kind": "waiver_expiry", "severity": "warning"},
        ],
    }
