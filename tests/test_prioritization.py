"""Prioritization: candidates ranked by priority score, each criterion's part shown, and the cut line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.analytics.kpi import contributions, cut_line
from generator.pages.prioritization import RANKED, prioritization_page, ranked
from generator.pipeline import prepare, read_portfolio
from generator.widgets.blocks import unmark


def test_cut_line_is_drawn_where_the_running_total_first_exceeds_the_funding() -> None:
    assert cut_line([100, 200, 50, 10], 320) == [True, True, False, False]  # 350 > 320: 50 and, after it, 10
    assert cut_line([100, 200], 300) == [True, True]  # exactly the funding fits
    assert cut_line([400, 10], 300) == [False, False]
    assert cut_line([5, 5], None) == [True, True]
    assert cut_line([], 100) == []


def test_contributions_add_up_to_the_score() -> None:
    from generator.data.model import Settings

    settings = Settings(organization="x", as_of="2026-01-01")
    parts = contributions({"strategic_fit": 5, "value": 4, "urgency": 3, "risk": 2}, settings)
    assert parts == {"strategic_fit": 1.75, "value": 1.2, "urgency": 0.45, "risk": 0.8}  # risk: 0.2 × (6 − 2)


@pytest.fixture
def portfolio(mini: Path) -> Path:
    """The fixture plus an approved project not yet started, a proposal, one started, and three more requests
    (funding: 500,000)."""
    _write(
        mini / "projects/kiosks.yaml",
        {
            "name": "Kiosks",
            "program": "front-door",
            "phase": "approved",
            "sponsor": "m.chen",
            "manager": "a.okafor",
            "start": "2026-06-01",
            "finish": "2026-12-31",
            "budget": 300000,
            "scores": {"strategic_fit": 5, "value": 5, "urgency": 3, "risk": 2},  # 1.75 + 1.5 + 0.45 + 0.8 = 4.5
        },
    )
    _write(
        mini / "projects/wards.yaml",
        {
            "name": "Wards",
            "program": "front-door",
            "phase": "proposal",
            "sponsor": "m.chen",
            "manager": "a.okafor",
            "start": "2027-03-01",
            "finish": "2027-12-31",
            "budget": 900000,
            "scores": {"strategic_fit": 3, "value": 3, "urgency": 3, "risk": 3},  # 1.05 + 0.9 + 0.45 + 0.6 = 3.0
        },
    )
    _write(
        mini / "projects/begun.yaml",  # approved, but its start has passed: it is committed, not a candidate
        {
            "name": "Begun",
            "program": "front-door",
            "phase": "approved",
            "sponsor": "m.chen",
            "manager": "a.okafor",
            "start": "2026-01-05",
            "finish": "2026-12-31",
            "budget": 1000,
            "scores": {"strategic_fit": 5, "value": 5, "urgency": 5, "risk": 1},
        },
    )
    _write(
        mini / "requests/app.yaml",
        {
            "name": "App",
            "requested_by": "m.chen",
            "submitted": "2026-02-01",
            "stage": "submitted",
            "estimated_cost": 250000,
            "scores": {"strategic_fit": 4, "value": 4, "urgency": 4, "risk": 3},  # 1.4 + 1.2 + 0.6 + 0.6 = 3.8
        },
    )
    _write(
        mini / "requests/fax.yaml",
        {
            "name": "Fax",
            "requested_by": "m.chen",
            "submitted": "2026-02-01",
            "stage": "rejected",
            "estimated_cost": 1,
            "scores": {"strategic_fit": 5, "value": 5, "urgency": 5, "risk": 1},
        },
    )
    _write(
        mini / "requests/unscored.yaml",
        {
            "name": "Unscored idea",
            "requested_by": "m.chen",
            "submitted": "2026-02-01",
            "estimated_cost": 10,
        },
    )
    return mini


def _write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data))


def test_ranking_and_cut_line_by_hand(portfolio: Path) -> None:
    a = prepare(read_portfolio(portfolio), "org")
    order, unscored = ranked(a)
    # Kiosks 4.5 (300,000), App 3.8 (250,000), Patient chatbot 3.2 (80,000), the proposal Wards 3.0 (900,000);
    # Fax is rejected and Begun has started: neither is a candidate
    assert [(c.name, score) for c, score in order] == [
        ("Kiosks", 4.5),
        ("App", 3.8),
        ("Patient chatbot", 3.2),
        ("Wards", 3.0),
    ]
    assert [c.name for c in unscored] == ["Unscored idea"]
    page = unmark(prioritization_page(a))
    # 300,000 fits the 500,000; 550,000 does not: the line falls after rank 1 and the rest are below it too
    assert "the first 1 of 4 candidates fit (€300,000); the cut line falls after rank 1" in page
    ranking = page.split("## Ranking")[1].split("## Value and risk")[0]
    assert ranking.count("above the cut line</td>") == 1 and ranking.count("below the cut line</td>") == 3
    assert "Fax" not in page and "Begun" not in page
    assert f"Ranked by priority score: {RANKED}." in page
