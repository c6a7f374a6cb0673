"""KPI trends from the status-report history, against hand-computed examples."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from generator.analytics.trends import by_project, history_frame, periods, portfolio_trend
from generator.data.model import Project, Settings

AS_OF = "2026-04-15"  # mid-month: the last period ends here, not on 30 April
SETTINGS = Settings(organization="Test", as_of=AS_OF)


def report(date: str, percent: float, cost: float, rag: str = "green", **more: Any) -> dict[str, Any]:
    return {"date": date, "rag": rag, "percent_complete": percent, "actual_cost": cost, **more}


def project(pid: str, start: str, finish: str, budget: float, *reports: dict[str, Any], **changes: Any) -> Project:
    data: dict[str, Any] = {
        "id": pid,
        "name": pid,
        "program": "prog",
        "phase": "execution",
        "sponsor": "a.b",
        "manager": "a.b",
        "start": start,
        "finish": finish,
        "budget": budget,
        "status": list(reports),
        **changes,
    }
    return Project.model_validate(data)


# 120 planned days, budget 100,000: PV grows by 25,000 a month of 30 days.
ALPHA = project(
    "alpha",
    "2026-01-01",
    "2026-05-01",
    100000,
    report("2026-01-31", 20, 30000, "green", satisfaction=4.0),  # day 30:  PV 25,000  EV 20,000
    report("2026-03-02", 40, 45000, "amber"),  # day 60: PV 50,000  EV 40,000 (the data contract's worked example)
    report("2026-04-01", 75, 70000, "green"),  # day 90: PV 75,000  EV 75,000
    report("2026-04-20", 80, 80000, "red"),  # after as_of: not known yet
    forecast_finish="2026-07-01",  # 61 days late now; past reports are not judged by today's forecast
)


def nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def test_each_report_is_measured_at_its_own_date() -> None:
    h = history_frame([ALPHA], SETTINGS)
    assert h["date"].tolist() == [dt.date(2026, 1, 31), dt.date(2026, 3, 2), dt.date(2026, 4, 1)]
    assert h["pv"].tolist() == pytest.approx([25000, 50000, 75000])
    assert h["ev"].tolist() == pytest.approx([20000, 40000, 75000])
    assert h["ac"].tolist() == [30000, 45000, 70000]
    assert h["spi"].tolist() == pytest.approx([0.8, 0.8, 1.0])
    assert h["cpi"].tolist() == pytest.approx([20000 / 30000, 40000 / 45000, 75000 / 70000])
    assert h["rag"].tolist() == ["green", "amber", "green"]
    # SPI 0.80 is red (below 0.85) whatever the CPI; the last one is green although the project slips 61 days
    # now: the forecast finish of the past is not recorded, so slip is not part of a past report's RAG.
    assert h["derived_rag"].tolist() == ["red", "red", "green"]
    assert h["satisfaction"].iloc[0] == 4.0 and nan(h["satisfaction"].iloc[1])


def test_no_cost_booked_leaves_cpi_undefined() -> None:
    # 30 planned days, report on day 15: PV 30,000, EV 6,000, AC 0.
    beta = project("beta", "2026-02-01", "2026-03-03", 60000, report("2026-02-16", 10, 0))
    (row,) = history_frame([beta], SETTINGS).to_dict("records")
    assert row["pv"] == pytest.approx(30000) and row["ev"] == pytest.approx(6000)
    assert row["spi"] == pytest.approx(0.2)
    assert nan(row["cpi"])
    assert row["derived_rag"] == "red"  # SPI alone decides


def test_a_report_before_the_start_has_no_spi() -> None:
    early = project(
        "early",
        "2026-03-01",
        "2026-12-31",
        50000,
        report("2026-02-10", 0, 0),  # nothing planned, earned or spent: no index, no derived RAG
        report("2026-02-20", 2, 500),  # EV 1,000 against PV 0: SPI undefined, CPI 2.0
    )
    first, second = history_frame([early], SETTINGS).to_dict("records")
    assert first["pv"] == 0 and nan(first["spi"]) and nan(first["cpi"]) and first["derived_rag"] is None
    assert second["pv"] == 0 and nan(second["spi"]) and second["cpi"] == pytest.approx(2.0)
    assert second["derived_rag"] == "green"


def test_no_reports_no_history() -> None:
    h = history_frame([project("quiet", "2026-01-01", "2026-06-30", 1000)], SETTINGS)
    assert h.empty
    assert by_project(h) == {}
    trend = portfolio_trend(h, [project("quiet", "2026-01-01", "2026-06-30", 1000)], SETTINGS)
    assert trend["projects"].tolist() == [0] * 12
    assert trend["spi"].isna().all() and trend["cpi"].isna().all()
    assert (trend[["green", "amber", "red"]].to_numpy() == 0).all()


def test_history_by_project_is_oldest_first() -> None:
    rows = by_project(history_frame([ALPHA], SETTINGS))
    assert list(rows) == ["alpha"]
    assert [r["date"] for r in rows["alpha"]] == [dt.date(2026, 1, 31), dt.date(2026, 3, 2), dt.date(2026, 4, 1)]
    assert rows["alpha"][1]["pv"] == pytest.approx(50000) and rows["alpha"][1]["rag"] == "amber"


def test_the_window_is_twelve_months_ending_at_as_of() -> None:
    window = periods(dt.date(2026, 4, 15))
    assert len(window) == 12
    assert window[0] == (dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert window[-1] == (dt.date(2026, 4, 1), dt.date(2026, 4, 15))  # the as_of month ends at as_of
    assert window[8] == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert window[9] == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert periods(dt.date(2026, 12, 31))[-1] == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert periods(dt.date(2026, 12, 31))[0] == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def trend_portfolio() -> list[Project]:
    return [
        ALPHA,
        # Closed: counted only in June 2025, the period it reported in. 30 planned days, report on day 15.
        project(
            "closed-june", "2025-06-01", "2025-07-01", 10000, report("2025-06-16", 40, 5000, "amber"), phase="closed"
        ),
        # Cancelled, reported the day before the window and on its first day: only the second counts.
        project(
            "edge",
            "2025-01-01",
            "2025-05-01",
            10000,
            report("2025-04-30", 99, 8000, "red"),
            report("2025-05-01", 100, 9000, "green"),
            phase="cancelled",
        ),
        # On hold, last reported before the window: its latest report carries forward, as it did at the time.
        project("paused", "2025-02-01", "2025-03-03", 20000, report("2025-02-16", 30, 6000, "amber"), phase="on-hold"),
        # Approved, not started: its (odd) report does not count.
        project("approved", "2026-01-01", "2026-06-30", 5000, report("2026-02-01", 10, 100), phase="approved"),
        # Starts after as_of: not started in any period although it reported.
        project("later", "2026-05-01", "2026-09-30", 5000, report("2026-04-10", 0, 1000)),
    ]


def test_portfolio_trend_sums_each_projects_latest_report() -> None:
    projects = trend_portfolio()
    trend = portfolio_trend(history_frame(projects, SETTINGS), projects, SETTINGS)
    assert trend["period"].tolist() == [f"2025-{m:02d}" for m in range(5, 13)] + [f"2026-{m:02d}" for m in range(1, 5)]
    assert trend["end"].iloc[-1] == dt.date(2026, 4, 15)
    by = trend.set_index("period")
    # (projects, PV, EV, AC, green, amber, red), by hand; "paused" adds PV 10,000, EV 6,000, AC 6,000, amber.
    expected = {
        "2025-05": (2, 20000, 16000, 15000, 1, 1, 0),  # edge (10,000 / 10,000 / 9,000 green) + paused
        "2025-06": (2, 15000, 10000, 11000, 0, 2, 0),  # closed-june (5,000 / 4,000 / 5,000 amber) + paused
        "2025-07": (1, 10000, 6000, 6000, 0, 1, 0),  # paused alone, up to December
        "2025-12": (1, 10000, 6000, 6000, 0, 1, 0),
        "2026-01": (2, 35000, 26000, 36000, 1, 1, 0),  # alpha's first report (25,000 / 20,000 / 30,000)
        "2026-02": (2, 35000, 26000, 36000, 1, 1, 0),  # no new report: January's carries forward
        "2026-03": (2, 60000, 46000, 51000, 0, 2, 0),
        "2026-04": (2, 85000, 81000, 76000, 1, 1, 0),  # the report of 20 April is after as_of
    }
    for period, (n, pv, ev, ac, green, amber, red) in expected.items():
        got = by.loc[period]
        assert got["projects"] == n, period
        assert (got["pv"], got["ev"], got["ac"]) == (pytest.approx(pv), pytest.approx(ev), pytest.approx(ac)), period
        assert got["spi"] == pytest.approx(ev / pv) and got["cpi"] == pytest.approx(ev / ac), period
        assert (got["green"], got["amber"], got["red"]) == (green, amber, red), period
    assert by.loc["2025-06", "spi"] == pytest.approx(2 / 3) and by.loc["2026-01", "cpi"] == pytest.approx(26 / 36)


def test_periods_before_the_first_report_are_empty_and_pv_zero_is_no_spi() -> None:
    starts_now = project("starts-now", "2026-03-10", "2026-06-30", 9000, report("2026-03-10", 5, 400))
    projects = [ALPHA, starts_now]
    trend = portfolio_trend(history_frame(projects, SETTINGS), projects, SETTINGS).set_index("period")
    assert trend.loc["2025-05":"2025-12", "projects"].tolist() == [0] * 8
    assert trend.loc["2025-05":"2025-12", "spi"].isna().all()
    assert trend.loc["2025-05":"2025-12", "cpi"].isna().all()
    # March: alpha (PV 50,000, EV 40,000, AC 45,000) + starts-now on its first day (PV 0, EV 450, AC 400)
    assert trend.loc["2026-03", "spi"] == pytest.approx(40450 / 50000)
    assert trend.loc["2026-03", "cpi"] == pytest.approx(40450 / 45400)
    alone = portfolio_trend(history_frame([starts_now], SETTINGS), [starts_now], SETTINGS).set_index("period")
    assert nan(alone.loc["2026-03", "spi"]) and alone.loc["2026-03", "cpi"] == pytest.approx(450 / 400)
