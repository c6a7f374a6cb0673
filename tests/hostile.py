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

    rewrite("portfolio.yaml", settings)
    rewrite("people.yaml", people)
    rewrite("calendar.yaml", calendar)
    for path in (target / "programs").glob("*.yaml"):
        rewrite(f"programs/{path.name}", program)
    for path in (target / "projects").glob("*.yaml"):
        rewrite(f"projects/{path.name}", project)
    rewrite(f"projects/{WITHHELD_IN}.yaml", withhold_budget)
    for path in (target / "requests").glob("*.yaml"):
        rewrite(f"requests/{path.name}", request)
    return target
