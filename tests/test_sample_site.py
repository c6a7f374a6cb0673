"""The embedded sample portfolio: valid, rich, and built with --strict into a complete site."""

from __future__ import annotations

import re
import typing
from collections import Counter
from typing import TYPE_CHECKING

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.model import Phase
from generator.data.validate import validate_portfolio

from .conftest import ROOT, SAMPLE
from .pagefind import fragments

if TYPE_CHECKING:
    from pathlib import Path


def test_sample_is_a_believable_portfolio() -> None:
    portfolio = validate_portfolio(load_portfolio(SAMPLE))
    projects = portfolio.projects.values()
    assert 35 <= len(portfolio.projects) <= 45 and len(portfolio.programs) == 5
    assert 3 <= len(portfolio.settings.objectives) <= 4 and portfolio.requests and portfolio.events
    phases = Counter(p.phase for p in projects)
    assert set(typing.get_args(Phase)) == set(phases)
    assert {p.kind for p in projects} == {"change", "run"}
    as_of = portfolio.settings.as_of
    for p in projects:
        if p.phase in {"execution", "closing"}:  # monthly reports: the last 12 months, or since the start
            months = (as_of.year - p.start.year) * 12 + as_of.month - p.start.month
            assert len(p.status) >= min(12, months) - 1, p.id
    for items in ("risks", "issues", "dependencies", "changes", "benefits", "resources", "lessons"):
        assert sum(len(getattr(p, items)) for p in projects) >= 5, items
    assert all(team.capacity_fte > 0 for team in portfolio.people.teams)


def test_every_entity_has_its_page(sample_site: Path) -> None:
    portfolio = validate_portfolio(load_portfolio(SAMPLE))
    org = {
        pid
        for pid, p in portfolio.projects.items()
        if p.visibility == "org" and portfolio.programs[p.program].visibility == "org"
    }
    built = {p.parent.name for p in (sample_site / "projects").glob("*/index.html")}
    assert built == org
    assert {p.parent.name for p in (sample_site / "programs").glob("*/index.html")} == {
        pid for pid, p in portfolio.programs.items() if p.visibility == "org"
    }
    assert {p.parent.name for p in (sample_site / "objectives").glob("*/index.html")} == {
        o.id for o in portfolio.settings.objectives
    }
    for page in (
        "index.html",
        "projects/index.html",
        "calendar/index.html",
        "requests/index.html",
        "handbook/index.html",
        "handbook/kpis/index.html",
        "contributing/index.html",
        "404.html",
    ):
        assert (sample_site / page).is_file(), page


def test_pmo_only_project_is_not_in_the_org_site(sample_site: Path) -> None:
    hidden = [
        path.stem
        for path in (SAMPLE / "projects").glob("*.yaml")
        if yaml.safe_load(path.read_text()).get("visibility") == "pmo"
    ]
    assert hidden, "the sample should show a pmo-only project"
    indexed = fragments(sample_site)
    assert "/projects/ehr-upgrade/" in indexed  # positive control: an org project is in the search index
    for project_id in hidden:
        assert not (sample_site / "projects" / project_id).exists()
        assert not [url for url, page in indexed.items() if project_id in url or project_id in page.content]


def test_key_content_of_a_project_page(sample_site: Path) -> None:
    portfolio = validate_portfolio(load_portfolio(SAMPLE))
    as_of = portfolio.settings.as_of
    project = next(
        p
        for pid, p in sorted(portfolio.projects.items())
        if p.phase == "execution" and p.visibility == "org" and p.risks and p.milestones and len(p.status) > 3
    )
    html = (sample_site / "projects" / project.id / "index.html").read_text()
    current = [s for s in project.status if s.date <= as_of][-1]
    earned = project.budget * current.percent_complete / 100
    assert f"€{earned:,.0f}" in html  # EV = BAC × % complete, as the contract defines it
    assert f"€{project.budget:,.0f}" in html and f"€{current.actual_cost:,.0f}" in html
    assert portfolio.programs[project.program].name.replace("&", "&amp;") in html
    for milestone in project.milestones:
        assert milestone.baseline.isoformat() in html
    for risk in project.risks:
        assert f">{risk.id}</td>" in html
    assert portfolio.people.people[0].name  # people resolved to names, not ids
    manager = next(p.name for p in portfolio.people.people if p.id == project.manager)
    assert manager in html


@pytest.fixture(scope="module")
def pmo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample-pmo") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(main, ["build", "--audience", "pmo", "--out", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("audience", ["org", "pmo"])
def test_every_internal_link_resolves(audience: str, request: pytest.FixtureRequest) -> None:
    """Generated tables link by URL (MkDocs does not check HTML blocks): every href and src must reach a file
    (a query string aside), and every #anchor an id of the page it points to (the handbook's included)."""
    site: Path = request.getfixturevalue("sample_site" if audience == "org" else "pmo_site")
    reference = re.compile(r'(href|src)="([^"#?]*)(?:\?[^"#]*)?(?:#([^"]*))?"')
    ids: dict[Path, set[str]] = {}
    broken = []
    checked: Counter[str] = Counter()
    for page in site.rglob("*.html"):
        if page.name == "404.html":  # served at any depth, so its links are absolute by design
            continue
        for attribute, target, anchor in reference.findall(page.read_text(encoding="utf-8")):
            checked[attribute] += 1
            if target and (re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("//")):
                continue
            resolved = (page.parent / target).resolve() if target else page
            file = resolved if resolved.is_file() else resolved / "index.html"
            if not file.is_file():
                broken.append(f"{page.relative_to(site)} → {target}")
            elif anchor and file.suffix == ".html":
                if file not in ids:
                    ids[file] = set(re.findall(r'\b(?:id|name)="([^"]+)"', file.read_text(encoding="utf-8")))
                if anchor not in ids[file]:
                    broken.append(f"{page.relative_to(site)} → {target}#{anchor}")
    assert any(page.parts[-3:-1] == ("handbook", "kpis") for page in ids)  # anchors into the handbook were checked
    assert checked["src"] > 100 and checked["href"] > 10 * checked["src"]  # scripts and images too
    assert not broken, "\n".join(broken[:20])


def test_team_pages_are_built_and_found_by_name(sample_site: Path) -> None:
    portfolio = validate_portfolio(load_portfolio(SAMPLE))
    assert (sample_site / "capacity/index.html").is_file()
    titles = {url: page.title for url, page in fragments(sample_site).items()}
    for team in portfolio.people.teams:
        assert (sample_site / "teams" / team.id / "index.html").is_file()
        assert titles.get(f"/teams/{team.id}/") == team.name  # the words, as the search box shows them
    assert "/capacity/" not in titles  # a listing page, like the other portfolio pages
