"""The roll-up blocks and charts of the home, program, objective, benefits and prioritization pages."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from generator.analytics.kpi import value_and_risk
from generator.data.model import Benefit, Settings
from generator.pages.benefits import benefit_state, benefits_page
from generator.pages.portfolio import home_page, objective_page, program_page
from generator.pipeline import prepare, read_portfolio
from generator.widgets.blocks import unmark

from .conftest import MINI, SAMPLE


@pytest.fixture(scope="module")
def analysis():
    return prepare(read_portfolio(SAMPLE), "org")


def spec_of(page: str, name: str) -> dict:
    found = re.search(rf'data-for="chart-{name}">(.*?)</script>', page, re.S)
    assert found, f"no chart {name}"
    return json.loads(found.group(1))


def test_home_charts_count_what_the_rollup_counts(analysis) -> None:
    page = home_page(analysis, None)
    rag = spec_of(page, "rag-by-program")["datasets"]["counts"]
    assert sum(d["count"] for d in rag) == analysis.totals.active
    for r in ("green", "amber", "red"):
        assert sum(d["count"] for d in rag if d["category"] == r) == analysis.totals.by_rag[r]
    phases = spec_of(page, "phase-by-program")["datasets"]["counts"]
    assert sum(d["count"] for d in phases) == analysis.totals.projects
    spend = spec_of(page, "spend")["datasets"]["spend"]
    spent = {d["kind"]: d["amount"] for d in spend if d["measure"] == "Spent to date"}
    frame = analysis.projects
    assert spent["Run"] == pytest.approx(frame.loc[frame["kind"] == "run", "ac"].sum())
    assert sum(d["share"] for d in spend if d["measure"] == "Budget") == pytest.approx(1)


def test_program_and_objective_pages_carry_their_key_figures(analysis) -> None:
    program = "clinical-systems"
    ids = analysis.by_program[program]
    page = unmark(program_page(analysis, program))
    r = analysis.program_totals[program]
    assert "## Key figures" in page
    assert f"{r.active} active projects of {len(ids)}, by RAG" in page
    red = f'<div class="pmo-ragcount pmo-rag pmo-rag-red"><span class="pmo-ragcount-value">{r.by_rag["red"]}</span>'
    assert red in page
    assert f'<span class="pmo-tile-value">{r.open_risks}</span><span class="pmo-tile-label">open risks' in page
    objective = analysis.settings.objectives[0].id
    assert "## Key figures" in unmark(objective_page(analysis, objective))


def test_value_and_risk_axes() -> None:
    settings = Settings(organization="Test", as_of="2026-03-02")  # default criteria, risk the inverse one
    weights = {c.id: c.weight for c in settings.scoring.criteria if not c.inverse}
    scores = {"strategic_fit": 5, "value": 4, "urgency": 1, "risk": 2}
    value = sum(weights[k] * scores[k] for k in weights) / sum(weights.values())
    assert value_and_risk(scores, settings) == (pytest.approx(round(value, 4)), 2)
    assert value_and_risk({}, settings) is None


def test_benefit_states() -> None:
    class A:  # only the reporting date is read
        settings = Settings(organization="Test", as_of="2026-03-02")

    def state(**data: object) -> str:
        return benefit_state(Benefit.model_validate({"name": "b", "planned": 100, **data}), A())  # type: ignore[arg-type]

    assert state(realized=100) == "realized"
    assert state(realized=50, due=dt.date(2026, 3, 1)) == "overdue"
    assert state(realized=50, due=dt.date(2026, 3, 2)) == "due"  # due today is not overdue yet
    assert state() == "open"


def test_benefits_page_adds_money_and_keeps_other_units_apart(analysis) -> None:
    page = unmark(benefits_page(analysis))
    financial = [b for p in analysis.portfolio.projects.values() for b in p.benefits if b.kind == "financial"]
    data = spec_of(page, "benefits")["datasets"]["benefits"]
    planned = sum(d["amount"] for d in data if d["measure"] == "Planned")
    realized = sum(d["amount"] for d in data if d["measure"] == "Realized")
    assert (planned, realized) == pytest.approx((sum(b.planned for b in financial), sum(b.realized for b in financial)))
    every = [b for p in analysis.portfolio.projects.values() for b in p.benefits]
    listing = page.split("## Every benefit")[1]
    assert listing.count("<tr>") == 1 + len(every)
    unit = next(b for b in every if b.kind != "financial" and b.unit)
    assert unit.unit.split()[0] in listing


def test_project_page_shows_exposure_satisfaction_and_priority(analysis) -> None:
    from generator.pages.project import project_page

    rows = analysis.rows
    pid = next(p for p, r in rows.items() if r["satisfaction_trend"] == r["satisfaction_trend"] and r["open_risks"])
    r = rows[pid]
    page = project_page(analysis, pid)
    assert f"{int(r['risk_exposure'])} ({int(r['open_risks'])} open)" in page
    trend = f"{'+' if r['satisfaction_trend'] > 0 else ''}{r['satisfaction_trend']:.1f}".replace("-", "−")
    assert f"{r['satisfaction']:.1f} of 5 ({trend} since the last score)" in page
    mini = prepare(read_portfolio(MINI), "org")
    unscored = next(p for p, row in mini.rows.items() if row["priority_score"] != row["priority_score"])
    assert "the project has no scores" in project_page(mini, unscored)
