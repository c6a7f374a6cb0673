"""Audiences: the org-wide site holds nothing of a pmo-only entity, anywhere; the pmo site holds all of it."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

from .conftest import MINI, ROOT
from .pagefind import decoded, fragments

CANARY = "zq7canaryx"


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def plant_canaries(folder: Path) -> None:
    """A pmo-only program, project, request, and pmo-only items of an org project: the canary in every field."""
    c = CANARY
    _dump(
        folder / "programs" / f"{c}-program.yaml",
        {
            "name": f"{c} program",
            "manager": "j.berg",
            "sponsor": "m.chen",
            "objectives": ["digital-care"],
            "description": f"{c} description",
            "visibility": "pmo",
        },
    )
    project = {
        "name": f"{c} project",
        "program": "front-door",
        "kind": "change",
        "phase": "execution",
        "methodology": "agile",
        "objectives": ["digital-care"],
        "sponsor": "m.chen",
        "manager": "a.okafor",
        "visibility": "pmo",
        "summary": f"{c} summary",
        "description": f"{c} description",
        "start": "2026-01-01",
        "finish": "2026-06-30",
        "budget": 987654,
        "scores": {"strategic_fit": 5, "value": 5, "urgency": 5, "risk": 1},
        "rag_override": {"rag": "red", "reason": f"{c} reason"},
        "milestones": [{"name": f"{c} milestone", "baseline": "2026-03-01"}],
        "status": [
            {"date": "2026-02-28", "rag": "red", "percent_complete": 10, "actual_cost": 5000, "summary": f"{c} status"}
        ],
        "risks": [
            {
                "id": "R9",
                "title": f"{c} risk",
                "probability": 5,
                "impact": 5,
                "owner": "a.okafor",
                "mitigation": f"{c} mitigation",
            }
        ],
        "issues": [{"id": "I9", "title": f"{c} issue", "severity": "critical", "owner": "a.okafor"}],
        "dependencies": [{"project": "identity", "note": f"{c} note"}],
        "changes": [{"id": "CR-9", "date": "2026-02-01", "title": f"{c} change", "decided_by": f"{c} board"}],
        "benefits": [{"name": f"{c} benefit", "planned": 1, "unit": f"{c} unit", "kind": "non-financial"}],
        "resources": [{"team": "integration", "fte": 1, "from": "2026-01", "to": "2026-06"}],
        "lessons": [{"category": "vendor-management", "lesson": f"{c} lesson", "recommendation": f"{c} rec"}],
    }
    _dump(folder / "projects" / f"{c}-project.yaml", project)
    # an org project inside the pmo-only program is pmo-only too
    _dump(
        folder / "projects" / f"{c}-inherited.yaml",
        {
            **{k: v for k, v in project.items() if k != "visibility"},
            "program": f"{c}-program",
        },
    )
    _dump(
        folder / "requests" / f"{c}-request.yaml",
        {
            "name": f"{c} request",
            "requested_by": "m.chen",
            "submitted": "2026-02-01",
            "stage": "assessed",
            "estimated_cost": 123456,
            "scores": {"strategic_fit": 5, "value": 5, "urgency": 5, "risk": 1},
            "objectives": ["digital-care"],
            "summary": f"{c} summary",
            "description": f"{c} description",
            "visibility": "pmo",
        },
    )
    crm_path = folder / "projects" / "crm.yaml"
    crm = yaml.safe_load(crm_path.read_text())
    secret = {"visibility": "pmo"}
    crm["risks"].append(
        {
            "id": "R8",
            "title": f"{c} risk",
            "probability": 5,
            "impact": 5,
            "owner": "a.okafor",
            "mitigation": f"{c} mitigation",
            **secret,
        }
    )
    crm["issues"].append({"id": "I8", "title": f"{c} issue", "severity": "low", "owner": "a.okafor", **secret})
    # approved without saying who decided: a finding of the change checks, about a pmo-only item
    crm["changes"].append(
        {"id": "CR-8", "date": "2026-02-01", "title": f"{c} change", "cost": 55555, "decision": "approved", **secret}
    )
    crm["benefits"].append({"name": f"{c} benefit", "planned": 77777, **secret})
    crm["lessons"].append({"category": "scope", "lesson": f"{c} lesson", "recommendation": f"{c} rec", **secret})
    crm["dependencies"].append({"project": f"{c}-project", "note": f"{c} note"})
    _dump(crm_path, crm)
    _dump(folder / "governance.yaml", GOVERNANCE)


# Rules whose findings concern the pmo-only items above: the canary project in execution without a G2 decision,
# crm's pmo-only CR-8 decided by nobody.
GOVERNANCE = {
    "bodies": [{"id": "sponsor", "name": "Sponsor"}, {"id": "steering-committee", "name": "Steering committee"}],
    "decision_rights": [{"body": "sponsor", "max_cost": 20000}, {"body": "steering-committee"}],
    "gates": [{"id": "G2", "name": "Baseline", "opens": "execution", "decided_by": ["steering-committee"]}],
    "rules": [
        {"id": "G2-baseline", "title": "G2 before execution", "kind": "gate_decision", "severity": "warning",
         "phases": ["execution"], "params": {"gate": "G2"}},
        {"id": "change-authority", "title": "Changes decided by the right body", "kind": "change_authority",
         "severity": "warning"},
    ],
}  # fmt: skip
PMO_ONLY_FINDING = "change CR-8 is approved without saying who decided"


def build(data: Path, out: Path, audience: str, tmp_path: Path) -> Path:
    config = tmp_path / f"mkdocs-{audience}.yml"  # a site_url, so the sitemap lists every page
    config.write_text(
        (ROOT / "mkdocs.yml")
        .read_text()
        .replace("site_name:", "site_url: https://portfolio.example/\nsite_name:")
        .replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}")
        .replace("handbook: methodology", f"handbook: {ROOT / 'methodology'}")
    )
    result = CliRunner().invoke(
        main, ["build", "--config", str(config), "--data", str(data), "--out", str(out), "--audience", audience]
    )
    assert result.exit_code == 0, result.output
    return out


def findings(site: Path) -> list[str]:
    """Every output file whose path or bytes (decompressed when gzipped, as the sitemap and every file of the
    search index are) hold the canary."""
    found = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if CANARY in rel.lower():
            found.append(f"path: {rel}")
        if path.is_file() and CANARY.encode() in decoded(path).lower():
            found.append(f"content: {rel}")
    return found


def texts_holding(site: Path, words: str) -> list[str]:
    """Every page and search index fragment whose text holds `words`: markup taken out (the glossary wraps "CR" in
    a tooltip) and spaces made single."""
    found = []
    for path in sorted([*site.rglob("*.html"), *site.rglob("*.json"), *(site / "pagefind/fragment").iterdir()]):
        if words in text_of(decoded(path).decode("utf-8")):
            found.append(f"content: {path.relative_to(site).as_posix()}")
    return found


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", markup)).split())


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("audience")
    data = tmp / "portfolio"
    shutil.copytree(MINI, data)
    plant_canaries(data)
    return {audience: build(data, tmp / f"site-{audience}", audience, tmp) for audience in ("org", "pmo")}


def test_org_site_holds_no_trace_of_pmo_only_data(sites: dict[str, Path]) -> None:
    assert findings(sites["org"]) == []


def test_positive_control_the_scan_finds_the_canary_in_the_pmo_site(sites: dict[str, Path]) -> None:
    found = findings(sites["pmo"])
    for expected in (
        f"path: projects/{CANARY}-project",
        f"path: programs/{CANARY}-program",
        f"path: requests/{CANARY}-request",
        "content: sitemap.xml.gz",
        "content: projects/crm/index.html",
        "content: index.html",
    ):
        assert expected in found, expected
    indexed = [f for f in found if f.startswith("content: pagefind/")]
    assert any(f.startswith("content: pagefind/fragment/") for f in indexed), found  # the project's words
    assert any(f.startswith("content: pagefind/index/") for f in indexed), found  # the canary as a word to find


def test_findings_about_pmo_only_items_are_on_the_pmo_site_only(sites: dict[str, Path]) -> None:
    """The governance findings are those of the audience's portfolio: none about a pmo-only change or project on
    any page or in the search index of the org site; on the pmo site, the Governance page and the project's."""
    assert texts_holding(sites["org"], PMO_ONLY_FINDING) == []
    pmo = texts_holding(sites["pmo"], PMO_ONLY_FINDING)
    for expected in ("governance/index.html", "projects/crm/index.html"):
        assert f"content: {expected}" in pmo, expected
    fragment = next(f for f in fragments(sites["pmo"]).values() if f.url == "/projects/crm/")
    assert PMO_ONLY_FINDING in " ".join(fragment.content.split())  # in the pmo site's index
    listed = {
        audience: text_of((sites[audience] / "governance" / "index.html").read_text().split('id="pmo-findings"')[1])
        for audience in ("org", "pmo")
    }
    assert f"{CANARY} project" in listed["pmo"]  # its G2 finding
    # positive control: the org site has findings too, about what it shows
    assert "Patient CRM" in listed["org"] and "without an approved G2 (Baseline) decision" in listed["org"]


def test_totals_leave_pmo_only_projects_out(sites: dict[str, Path]) -> None:
    org, pmo = ((sites[a] / "index.html").read_text() for a in ("org", "pmo"))
    assert "active projects of 2" in org and "active projects of 4" in pmo


def test_pmo_site_marks_what_is_pmo_only(sites: dict[str, Path]) -> None:
    html = (sites["pmo"] / "projects" / f"{CANARY}-project" / "index.html").read_text()
    assert "pmo only" in html


def test_pmo_site_marks_pmo_only_items_of_org_projects(sites: dict[str, Path]) -> None:
    html = (sites["pmo"] / "projects" / "crm" / "index.html").read_text()
    marked = html.split(f"{CANARY} risk", 1)[1][:60]
    assert 'class="pmo-only"' in marked
    register = (sites["pmo"] / "projects" / "index.html").read_text()
    assert 'class="pmo-only"' in register.split(f"{CANARY} project", 1)[1][:80]


def test_generated_source_tree_for_the_org_holds_no_trace(tmp_path: Path) -> None:
    """The Markdown tree other builders (Zensical) read is filtered the same way."""
    data = tmp_path / "portfolio"
    shutil.copytree(MINI, data)
    plant_canaries(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        for audience in ("org", "pmo"):
            result = CliRunner().invoke(
                main, ["generate", "--data", str(data), "--out", str(tmp_path / audience), "--audience", audience]
            )
            assert result.exit_code == 0, result.output
    assert findings(tmp_path / "org") == []
    assert f"path: docs/projects/{CANARY}-project.md" in findings(tmp_path / "pmo")  # positive control
