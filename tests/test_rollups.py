"""Roll-ups over a set of projects, against hand-computed figures."""

from __future__ import annotations

import pytest

from generator.analytics.kpi import project_frame
from generator.analytics.rollups import indicators, rollup, rollups

from .test_kpi import SETTINGS, project


def report(percent: float, cost: float) -> list[dict]:
    return [{"date": "2026-03-01", "rag": "green", "percent_complete": percent, "actual_cost": cost}]


def test_rollup_by_hand() -> None:
    # as_of 2026-03-02, plan 2026-01-01 .. 2026-05-01: 60 of 120 days → PV = BAC / 2
    projects = [
        project(id="aa"),  # BAC 100k: PV 50k, EV 40k, AC 45k → red (SPI 0.80)
        project(id="bb", kind="run", budget=200000, status=report(50, 90000)),  # PV 100k, EV 100k, AC 90k → green
        project(id="cc", status=[]),  # active, no report: n/a, out of the indexes
        project(id="dd", phase="closed", budget=50000, status=report(100, 60000)),  # closed: spent counts
        project(id="ee", phase="cancelled", kind="run", budget=80000, status=report(10, 5000)),
        project(id="ff", phase="approved", budget=30000, status=[], benefits=[{"name": "x", "planned": 70000}]),
        project(
            id="gg",
            phase="execution",
            status=[],
            risks=[
                {"id": "R1", "title": "a", "probability": 3, "impact": 4, "owner": "a.b"},
                {"id": "R2", "title": "b", "probability": 5, "impact": 5, "owner": "a.b", "status": "closed"},
            ],
            benefits=[{"name": "y", "planned": 10000, "realized": 2500}],
        ),
    ]
    r = rollup(project_frame(projects, SETTINGS))
    assert (r.projects, r.active) == (7, 4)  # aa, bb, cc, gg
    assert r.by_phase["execution"] == 4 and r.by_phase["closed"] == 1 and r.by_phase["proposal"] == 0
    assert r.by_rag == {"green": 1, "amber": 0, "red": 1, "n/a": 2}
    assert r.by_kind == {"change": 5, "run": 2}
    assert r.budget == 100000 + 200000 + 100000 + 50000 + 30000 + 100000  # all but the cancelled one
    assert r.spent == 45000 + 90000 + 60000 + 5000
    assert (r.active_budget, r.active_spent) == (500000, 135000)
    assert r.spi == pytest.approx(140000 / 150000)  # (40k + 100k) / (50k + 100k)
    assert r.cpi == pytest.approx(140000 / 135000)
    assert r.budget_by_kind == {"change": 380000, "run": 200000}
    assert r.spent_by_kind == {"change": 105000, "run": 95000}
    assert (r.benefits_planned, r.benefits_realized) == (80000, 2500)
    assert (r.open_risks, r.risk_exposure) == (1, 12)
    assert r.within_budget == pytest.approx(1 / 2)  # aa VAC −12.5 % out, bb VAC +10 % in


def test_rollup_without_any_status_has_no_indexes() -> None:
    r = rollup(project_frame([project(status=[]), project(id="bb", phase="closed")], SETTINGS))
    assert r.spi is None and r.cpi is None
    assert r.spent == 45000  # the closed project's report still counts as money spent
    assert r.by_rag == {"green": 0, "amber": 0, "red": 0, "n/a": 1}


def test_shares_within_ten_percent() -> None:
    # a: VAC −12,500 of 100,000 (12.5 %, outside); slip 0 (inside)
    # b: percent 50 at cost 52,000 → CPI 0.96, EAC 104,000, VAC −4,000 (inside); slip 20 of 120 days (outside)
    # c: no status: its budget share is undefined; slip 5 of 120 days (inside)
    # d: closed: not active, not counted
    projects = [
        project(id="aa"),
        project(
            id="bb",
            forecast_finish="2026-05-21",
            status=[{"date": "2026-03-01", "rag": "green", "percent_complete": 50, "actual_cost": 52000}],
        ),
        project(id="cc", status=[], forecast_finish="2026-05-06"),
        project(id="dd", phase="closed", forecast_finish="2027-01-01"),
    ]
    r = rollup(project_frame(projects, SETTINGS))
    assert r.within_budget == pytest.approx(1 / 2)
    assert r.within_schedule == pytest.approx(2 / 3)


def test_shares_with_no_active_project() -> None:
    r = rollup(project_frame([project(phase="closed")], SETTINGS))
    assert (r.within_budget, r.within_schedule) == (None, None)


def test_groups_roll_up_as_their_subsets_do() -> None:
    projects = [
        project(id="aa"),
        project(id="bb", kind="run", budget=200000, status=report(50, 90000)),
        project(id="cc", status=[]),
        project(id="dd", phase="closed", budget=50000, status=report(100, 60000)),
    ]
    frame = project_frame(projects, SETTINGS)
    groups = {"one": ["aa", "bb"], "two": ["bb", "cc", "dd"], "none": []}  # bb in two groups, like objectives
    found = rollups(indicators(frame), groups)
    for group, ids in groups.items():
        assert found[group] == rollup(frame.loc[ids]), group
    assert found["none"].projects == 0 and found["none"].spi is None
