"""The demo portfolio generator: valid at every size, deterministic per seed, every phase and file kind."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
import yaml

from generator.data.governance import RULE_KINDS
from generator.data.model import ACTIVE_PHASES
from generator.io.demo import AS_OF, PHASES, write_demo
from generator.pipeline import prepare, read_portfolio

if TYPE_CHECKING:
    from pathlib import Path


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo60(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "portfolio"
    write_demo(out, 60, seed=3)
    return out


@pytest.mark.parametrize("size", [1, 2, 7, 8, 60])
def test_demo_validates_with_the_expected_counts(tmp_path: Path, size: int) -> None:
    out = tmp_path / "portfolio"
    write_demo(out, size)
    portfolio = read_portfolio(out)  # raises PortfolioError listing every problem
    assert len(list((out / "projects").glob("*.yaml"))) == len(portfolio.projects) == size
    assert sorted(p.name for p in out.iterdir()) == [
        "calendar.yaml",
        "governance.yaml",
        "people.yaml",
        "portfolio.yaml",
        "programs",
        "projects",
        "requests",
    ]
    assert len(portfolio.programs) == max(2, round(size / 8))
    assert len(portfolio.people.people) >= size // 2 + 10
    assert len(portfolio.people.teams) == size // 25 + 3
    assert len(portfolio.settings.objectives) == 4
    assert portfolio.requests and portfolio.events
    assert portfolio.settings.as_of == AS_OF == dt.date(2026, 10, 31)


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    write_demo(tmp_path / "a", 40, seed=11)
    write_demo(tmp_path / "b", 40, seed=11)
    write_demo(tmp_path / "c", 40, seed=12)
    first = tree(tmp_path / "a")
    assert first == tree(tmp_path / "b")
    assert first != tree(tmp_path / "c")


def test_every_phase_kind_and_list_appears(demo60: Path) -> None:
    portfolio = read_portfolio(demo60)
    projects = list(portfolio.projects.values())
    assert {p.phase for p in projects} == set(PHASES)
    assert max(PHASES, key=lambda ph: sum(p.phase == ph for p in projects)) == "execution"
    assert {p.kind for p in projects} == {"change", "run"}
    for name in (
        "milestones",
        "status",
        "risks",
        "issues",
        "dependencies",
        "changes",
        "benefits",
        "resources",
        "lessons",
    ):
        assert any(getattr(p, name) for p in projects), name
    assert all(3 <= len(p.milestones) <= 6 for p in projects)
    assert all(len(p.status) <= 12 and len(p.risks) <= 5 and len(p.issues) <= 3 for p in projects)
    assert any(p.visibility == "pmo" for p in [*projects, *portfolio.programs.values()]) or any(
        item.visibility == "pmo" for p in projects for item in [*p.risks, *p.issues, *p.changes, *p.lessons]
    )


def test_status_reports_are_coherent(demo60: Path) -> None:
    portfolio = read_portfolio(demo60)
    for p in portfolio.projects.values():
        if p.phase in ("proposal", "approved"):
            assert not p.status, p.id
        elif p.phase in ACTIVE_PHASES - {"planning"} or p.phase == "closed":
            assert p.status, p.id
        percents = [s.percent_complete for s in p.status]
        costs = [s.actual_cost for s in p.status]
        assert percents == sorted(percents) and costs == sorted(costs), p.id
        assert all(s.date <= AS_OF for s in p.status), p.id
        if p.phase == "closed":
            assert percents[-1] == 100 and all(m.actual for m in p.milestones), p.id
        if p.lessons:
            assert p.phase in ("closed", "cancelled", "closing"), p.id


def test_dependencies_form_a_dag_on_earlier_projects(demo60: Path) -> None:
    portfolio = read_portfolio(demo60)  # the validator reports cycles; check the edges exist too
    edges = [(p.id, d.project) for p in portfolio.projects.values() for d in p.dependencies]
    assert edges and all(target in portfolio.projects and target != source for source, target in edges)


def test_standard_yaml_reads_months_as_text_and_dates_as_dates(demo60: Path) -> None:
    settings = yaml.safe_load((demo60 / "portfolio.yaml").read_text(encoding="utf-8"))
    assert settings["fiscal_year_start"] == "01-01" and settings["as_of"] == AS_OF
    some = next(iter(sorted((demo60 / "projects").glob("*.yaml"))))
    data = yaml.safe_load(some.read_text(encoding="utf-8"))
    assert isinstance(data["start"], dt.date)
    assert all(isinstance(r["from"], str) and isinstance(r["to"], str) for r in data["resources"])


@pytest.mark.parametrize("size", [0, -3])
def test_no_projects_is_refused(tmp_path: Path, size: int) -> None:
    with pytest.raises(ValueError, match="at least one project"):
        write_demo(tmp_path / "portfolio", size)
    assert not (tmp_path / "portfolio").exists()


def test_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_demo(tmp_path, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_governance_is_used_with_some_findings_and_no_error(demo60: Path) -> None:
    """The demo has governance.yaml with every rule kind, gate decisions on every change project past a gate,
    checklists, waivers and benefit owners in realistic proportions: some findings for the benchmark to evaluate,
    none an error (the demo site builds)."""
    portfolio = read_portfolio(demo60)
    assert {rule.kind for rule in portfolio.governance.rules} == set(RULE_KINDS)
    projects = list(portfolio.projects.values())
    past_g1 = [p for p in projects if p.kind == "change" and p.phase in ("approved", "planning", "execution", "closed")]
    assert past_g1 and all(any(g.gate == "G1" and g.decision == "approved" for g in p.gates) for p in past_g1)
    assert not any(p.gates for p in projects if p.kind == "run")
    assert any(p.compliance and p.checklist for p in projects)
    benefits = [b for p in projects for b in p.benefits]
    assert 0.8 < sum(b.owner is not None for b in benefits) / len(benefits) < 1
    report = prepare(portfolio, "pmo").governance
    assert report.findings and not [f for f in report.findings if f.severity == "error"]


def test_governance_at_scale_has_waivers_active_and_expired(tmp_path: Path) -> None:
    write_demo(tmp_path / "p", 400, seed=5)
    portfolio = read_portfolio(tmp_path / "p")
    waivers = [w for p in portfolio.projects.values() for w in p.waivers]
    waivers += [w for t in portfolio.people.teams for w in t.waivers]
    assert any(w.until >= AS_OF for w in waivers) and any(w.until < AS_OF for w in waivers)
    report = prepare(portfolio, "pmo").governance
    assert {f.rule for f in report.findings} >= {"change-authority", "waiver-expired", "status-fresh"}
    assert not [f for f in report.findings if f.severity == "error"]
    assert any(f.waived for f in report.findings)
