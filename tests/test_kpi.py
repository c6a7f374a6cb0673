"""KPIs against hand-computed examples, including the edges: zero budget, no status, dates outside the plan."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from generator.analytics.kpi import priority_score, project_frame, why_undefined
from generator.data.model import Project, Settings

SETTINGS = Settings(organization="Test", as_of="2026-03-02")


def project(**changes: Any) -> Project:
    data: dict[str, Any] = {
        "id": "demo",
        "name": "Demo",
        "program": "prog",
        "phase": "execution",
        "sponsor": "a.b",
        "manager": "a.b",
        "start": "2026-01-01",
        "finish": "2026-05-01",
        "budget": 100000,
        "status": [{"date": "2026-03-01", "rag": "green", "percent_complete": 40, "actual_cost": 45000}],
    }
    data.update(changes)
    return Project.model_validate(data)


def row(settings: Settings = SETTINGS, **changes: Any) -> pd.Series:
    return project_frame([project(**changes)], settings).iloc[0]


def nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def test_worked_example_of_the_data_contract() -> None:
    r = row()
    assert r["pv"] == pytest.approx(50000)
    assert r["ev"] == pytest.approx(40000)
    assert r["sv"] == pytest.approx(-10000)
    assert r["cv"] == pytest.approx(-5000)
    assert round(r["spi"], 2) == 0.80
    assert round(r["cpi"], 3) == 0.889
    assert r["eac"] == pytest.approx(112500)
    assert r["etc"] == pytest.approx(67500)
    assert r["vac"] == pytest.approx(-12500)
    assert round(r["tcpi"], 3) == 1.091
    assert r["budget_adherence"] == pytest.approx(112.5)
    assert r["derived_rag"] == "red"  # SPI 0.80 < 0.85


def test_no_status_yet_leaves_earned_value_undefined() -> None:
    r = row(status=[])
    assert r["pv"] == pytest.approx(50000)
    for kpi in ("ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi", "budget_adherence"):
        assert nan(r[kpi]), kpi
    assert why_undefined("cpi", r) == "no status report on or before the reporting date yet"


def test_a_status_after_as_of_is_not_current() -> None:
    r = row(status=[{"date": "2026-03-31", "rag": "red", "percent_complete": 90, "actual_cost": 1}])
    assert nan(r["ev"]) and pd.isna(r["reported_rag"])


def test_zero_budget() -> None:
    r = row(budget=0)
    assert r["pv"] == 0 and r["ev"] == 0
    assert nan(r["spi"])  # PV is 0
    assert r["cpi"] == 0  # EV 0 over AC 45000
    assert nan(r["eac"]) and nan(r["budget_adherence"])  # BAC / CPI with CPI 0, and EAC / BAC with BAC 0
    assert r["tcpi"] == pytest.approx(0.0)  # (0 - 0) / (0 - 45000)


def test_not_started_yet_has_zero_planned_value() -> None:
    r = row(
        start="2026-04-01",
        finish="2026-06-30",
        status=[
            {"date": "2026-03-01", "rag": "green", "percent_complete": 0, "actual_cost": 0},
        ],
    )
    assert r["pv"] == 0
    assert nan(r["spi"]) and nan(r["cpi"])
    assert why_undefined("spi", r) == "nothing was planned to be done yet (PV is 0)"
    assert why_undefined("cpi", r) == "no cost booked yet (AC is 0)"


def test_past_the_planned_finish_planned_value_is_the_budget() -> None:
    r = row(start="2025-06-01", finish="2025-12-31")
    assert r["pv"] == pytest.approx(100000)
    assert r["spi"] == pytest.approx(0.4)


def test_one_day_plan() -> None:
    before = row(start="2026-03-03", finish="2026-03-03")
    on_the_day = row(start="2026-03-02", finish="2026-03-02")
    assert before["pv"] == 0 and on_the_day["pv"] == pytest.approx(100000)


def test_budget_fully_spent_leaves_tcpi_undefined() -> None:
    r = row(status=[{"date": "2026-03-01", "rag": "red", "percent_complete": 80, "actual_cost": 100000}])
    assert nan(r["tcpi"])
    assert why_undefined("tcpi", r) == "the budget is fully spent (BAC = AC)"


@pytest.mark.parametrize(
    ("percent", "cost", "forecast", "expected"),
    [
        (50, 50000, None, "green"),  # SPI 1.0, CPI 1.0, no slip
        (47, 47000, None, "amber"),  # SPI 0.94 < 0.95
        (50, 54000, None, "amber"),  # CPI 0.926
        (50, 50000, "2026-05-15", "amber"),  # slip 14 days: at the amber threshold
        (50, 50000, "2026-05-14", "green"),  # slip 13 days
        (50, 50000, "2026-06-15", "red"),  # slip 45 days
        (42, 42000, None, "red"),  # SPI 0.84
    ],
)
def test_derived_rag_thresholds(percent: int, cost: int, forecast: str | None, expected: str) -> None:
    status = [{"date": "2026-03-01", "rag": "green", "percent_complete": percent, "actual_cost": cost}]
    assert row(status=status, forecast_finish=forecast)["derived_rag"] == expected


def test_override_wins_and_reported_rag_is_kept() -> None:
    r = row(rag_override={"rag": "green", "reason": "Recovery plan approved"})
    assert (r["derived_rag"], r["rag"], r["reported_rag"]) == ("red", "green", "green")


def test_stale_status() -> None:
    settings = Settings(organization="Test", as_of="2026-03-02", stale_after_days=20)
    fresh = row(settings)  # report one day old
    old = row(settings, status=[{"date": "2026-02-01", "rag": "green", "percent_complete": 40, "actual_cost": 1}])
    none = row(settings, status=[])
    closed = row(settings, phase="closed", status=[])
    assert (fresh["stale"], old["stale"], none["stale"], closed["stale"]) == (False, True, True, False)


def test_priority_score() -> None:
    # 0.35*5 + 0.30*4 + 0.15*3 + 0.20*(6-2) = 1.75 + 1.2 + 0.45 + 0.8 = 4.2
    assert priority_score({"strategic_fit": 5, "value": 4, "urgency": 3, "risk": 2}, SETTINGS) == pytest.approx(4.2)
    assert priority_score({}, SETTINGS) is None


def test_no_rag_without_a_status_report_or_once_delivery_is_over() -> None:
    assert pd.isna(row(status=[])["rag"])  # nothing reported yet: no verdict
    assert pd.isna(row(phase="approved")["rag"])
    assert pd.isna(row(phase="cancelled")["rag"])  # PV keeps growing after a cancellation: no verdict
    assert pd.isna(row(phase="closed")["rag"])
    assert row(phase="closed", rag_override={"rag": "amber", "reason": "Benefits at risk"})["rag"] == "amber"


def test_risk_exposure_counts_open_risks_only() -> None:
    risks = [
        {"id": "R1", "title": "Vendor", "probability": 3, "impact": 4, "owner": "a.b"},  # 12
        {"id": "R2", "title": "Skills", "probability": 2, "impact": 5, "owner": "a.b"},  # 10
        {"id": "R3", "title": "Gone", "probability": 5, "impact": 5, "owner": "a.b", "status": "closed"},
    ]
    r = row(risks=risks)
    assert (r["risk_exposure"], r["open_risks"]) == (22, 2)
    assert (row()["risk_exposure"], row()["open_risks"]) == (0, 0)  # no risk is a real 0


def test_satisfaction_latest_and_trend() -> None:
    def report(date: str, satisfaction: float | None) -> dict[str, Any]:
        return {"date": date, "rag": "green", "percent_complete": 10, "actual_cost": 1, "satisfaction": satisfaction}

    r = row(status=[report("2026-01-31", 4.2), report("2026-02-15", None), report("2026-02-28", 3.5)])
    assert r["satisfaction"] == 3.5
    assert r["satisfaction_trend"] == pytest.approx(-0.7)  # against the last report that had a score
    one = row(status=[report("2026-01-31", 4.0), report("2026-04-30", 2.0)])  # the second is after as_of
    assert one["satisfaction"] == 4.0 and nan(one["satisfaction_trend"])
    assert nan(row()["satisfaction"]) and nan(row(status=[])["satisfaction_trend"])


def test_priority_rank_highest_score_first_ties_cheaper_first() -> None:
    high = {"strategic_fit": 5, "value": 5, "urgency": 5, "risk": 1}  # 5.0
    mid = {"strategic_fit": 3, "value": 3, "urgency": 3, "risk": 3}  # 3.0
    projects = [
        project(id="aa", scores=mid, budget=200000),
        project(id="bb", scores=mid, budget=100000),
        project(id="cc", scores=high),
        project(id="dd"),  # not scored: no score, no rank
    ]
    frame = project_frame(projects, SETTINGS)
    assert frame["priority_score"].tolist()[:3] == pytest.approx([3.0, 3.0, 5.0])
    assert frame["priority_rank"].tolist()[:3] == [3, 2, 1]
    assert nan(frame.loc["dd", "priority_score"]) and nan(frame.loc["dd", "priority_rank"])


def test_benefits_sum_financial_ones_only() -> None:
    benefits = [
        {"name": "Fewer calls", "planned": 400000, "realized": 150000},
        {"name": "Licences", "planned": 100000},
        {"name": "Shorter waits", "kind": "non-financial", "planned": 30, "realized": 12, "unit": "days"},
    ]
    r = row(benefits=benefits)
    assert (r["benefits_planned"], r["benefits_realized"]) == (500000, 150000)
    assert (row()["benefits_planned"], row()["benefits_realized"]) == (0, 0)
