"""Capacity: team demand against capacity for the 12 months from as_of's month, hand-computed, and its pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from generator.analytics.capacity import capacity_plan, month_number, month_text
from generator.data.load import load_portfolio
from generator.data.model import Project, Team
from generator.data.validate import validate_portfolio
from generator.errors import PortfolioError
from generator.pages.capacity import capacity_page, team_page, utilization_text
from generator.pipeline import prepare, read_portfolio, site_tree

from .conftest import SAMPLE

if TYPE_CHECKING:
    from pathlib import Path

    from .conftest import Edit

AS_OF = dt.date(2026, 10, 31)  # the window: 2026-10 … 2027-09
TEAMS = [
    Team(id="web", name="Web", capacity_fte=4),
    Team(id="ops", name="Operations", capacity_fte=3),
    Team(id="tiny", name="Analytics", capacity_fte=0.3),
]


def project(pid: str, phase: str, *resources: tuple[str, float, str, str]) -> Project:
    return Project.model_validate(
        {
            "id": pid,
            "name": pid.capitalize(),
            "program": "front-door",
            "phase": phase,
            "sponsor": "m.chen",
            "manager": "a.okafor",
            "start": "2026-01-01",
            "finish": "2027-12-31",
            "budget": 1,
            "resources": [{"team": t, "fte": fte, "from": start, "to": end} for t, fte, start, end in resources],
        }
    )


PROJECTS = [
    # across the window's start: counts in Oct and Nov only; its second line on the same team adds in Nov
    project("across-start", "execution", ("web", 2.0, "2026-08", "2026-11"), ("web", 0.5, "2026-11", "2026-11")),
    project("across-end", "closing", ("web", 1.0, "2027-09", "2028-03")),  # Sep 2027, the last month, only
    project("before", "execution", ("web", 5.0, "2025-01", "2026-09")),  # ends the month before the window
    project("after", "approved", ("web", 5.0, "2027-10", "2027-12")),  # starts the month after it
    project("second", "planning", ("web", 2.0, "2026-11", "2026-12")),  # Nov: 2.5 + 2.0 = 4.5 > 4
    project("done", "closed", ("web", 9.0, "2026-01", "2027-12")),
    project("stopped", "cancelled", ("web", 9.0, "2026-01", "2027-12")),
    project("idea", "proposal", ("web", 9.0, "2026-01", "2027-12")),
    project("paused", "on-hold", ("web", 3.0, "2026-12", "2027-01")),
    project("small", "execution", ("tiny", 0.1, "2027-01", "2027-01"), ("tiny", 0.2, "2027-01", "2027-01")),
]


@pytest.fixture(scope="module")
def plan():
    return capacity_plan(PROJECTS, TEAMS, AS_OF)


def cell(plan, team: str, month: str) -> dict[str, Any]:
    rows = plan.cells[(plan.cells["team"] == team) & (plan.cells["month"] == month)].to_dict("records")
    assert len(rows) == 1
    return rows[0]


def test_the_window_is_twelve_months_starting_with_the_month_of_as_of(plan) -> None:
    assert plan.months == tuple(f"2026-{m:02d}" for m in (10, 11, 12)) + tuple(f"2027-{m:02d}" for m in range(1, 10))
    assert plan.teams == ("tiny", "ops", "web")  # by name: Analytics, Operations, Web
    assert len(plan.cells) == 3 * 12
    assert month_text(month_number("2026-12") + 1) == "2027-01"


def test_demand_by_hand(plan) -> None:
    web = {row["month"]: row["demand"] for row in plan.team_cells("web")}
    assert web["2026-10"] == 2.0  # across-start only
    assert web["2026-11"] == 4.5  # across-start 2.0 + 0.5, second 2.0
    assert web["2026-12"] == 2.0  # second; paused (on hold) is not counted
    assert web["2027-09"] == 1.0  # across-end, clipped to the window
    assert sum(web.values()) == 2.0 + 4.5 + 2.0 + 1.0  # before, after, closed, cancelled, proposal: nothing


def test_two_projects_in_one_month_over_capacity(plan) -> None:
    nov = cell(plan, "web", "2026-11")
    assert (nov["demand"], nov["capacity"], nov["utilization"], nov["over"]) == (4.5, 4.0, 1.125, True)
    oct_ = cell(plan, "web", "2026-10")
    assert (oct_["utilization"], oct_["over"]) == (0.5, False)
    over = plan.over_allocated()
    assert [(c["team"], c["month"]) for c in over] == [("web", "2026-11")]
    assert plan.team_projects("web")["across-start"][:3] == [2.0, 2.5, 0.0]
    assert plan.team_projects("web")["second"][:3] == [0.0, 2.0, 2.0]
    assert set(plan.team_projects("web")) == {"across-start", "across-end", "second"}


def test_a_team_with_no_demand_is_at_zero_percent_not_undefined(plan) -> None:
    ops = plan.team_cells("ops")
    assert [c["utilization"] for c in ops] == [0.0] * 12 and not any(c["over"] for c in ops)
    assert plan.team_projects("ops") == {}


def test_exactly_at_capacity_is_not_over_even_with_float_sums(plan) -> None:
    jan = cell(plan, "tiny", "2027-01")  # 0.1 + 0.2 on a team of 0.3
    assert (jan["demand"], jan["utilization"], jan["over"]) == (0.3, 1.0, False)


def test_on_hold_demand_is_kept_apart(plan) -> None:
    assert plan.team_projects("web", paused=True) == {"paused": [0.0, 0.0, 3.0, 3.0] + [0.0] * 8}


def test_no_projects_no_teams() -> None:
    empty = capacity_plan([], TEAMS, AS_OF)
    assert empty.cells["demand"].sum() == 0 and empty.over_allocated() == []
    assert capacity_plan(PROJECTS, [Team(id="web", name="Web", capacity_fte=4)], AS_OF).teams == ("web",)
    assert capacity_plan(PROJECTS, [], AS_OF).cells.empty


def test_capacity_must_be_more_than_zero(mini: Path, edit: Edit) -> None:
    """Utilization divides by capacity: validation refuses 0 (and anything below 0.01 FTE), so it is always
    defined and finite."""
    edit("people.yaml", "capacity_fte: 4}", "capacity_fte: 0}")
    with pytest.raises(PortfolioError) as info:
        validate_portfolio(load_portfolio(mini))
    (problem,) = info.value.problems
    assert (problem.field, problem.message) == ("teams[1].capacity_fte", "must be at least 0.01, got 0")


def test_utilization_text_says_over_in_words() -> None:
    assert utilization_text(1.125, True) == "112 % ⚠"
    assert utilization_text(1.004, True) == "100.4 % ⚠"  # not "100 %" for a team over its capacity
    assert utilization_text(1.0, False) == "100 %"
    assert utilization_text(0.0, False) == "0 %"


# --- the pages, on the sample portfolio ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return prepare(read_portfolio(SAMPLE), "org")


def specs(page: str) -> list[dict[str, Any]]:
    return [json.loads(m) for m in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page)]


def test_the_sample_has_overstretched_teams(sample) -> None:
    over = sample.capacity.over_allocated()
    assert sorted({c["team"] for c in over}) == ["data-analytics", "web-platform"]
    assert len(over) == 5


def test_capacity_page(sample) -> None:
    page = capacity_page(sample)
    assert "**5 of 96 team-months are over-allocated, in 2 of 8 teams.**" in page
    (spec,) = specs(page)
    assert len(spec["datasets"]["cells"]) == 8 * 12
    nov = next(
        c for c in spec["datasets"]["cells"] if c["team"] == "Web and mobile platform" and c["month"] == "Nov 2026"
    )
    assert (nov["demand"], nov["capacity"], nov["band"], nov["over"], nov["label"]) == (
        11.0,
        10.0,
        "over 100 %",
        "yes",
        "110 %",
    )
    assert (
        nov["top"]
        == "Patient portal 2.0 4.5, Northwind mobile app 3.0, Appointment reminders by text and email 1.5, +2 more"
    )
    assert page.count("110 % ⚠") == 3 * 2  # in the table and in the list of over-allocated months
    assert '<a href="../teams/web-platform/">Web and mobile platform</a>' in page
    assert '<a href="../projects/patient-portal-2/">Patient portal 2.0</a> 4.5' in page  # behind the over-allocation


def test_team_page(sample) -> None:
    page = team_page(sample, "web-platform")
    assert page.startswith('---\ntitle: "Web and mobile platform"\n')
    assert "search:" not in page.split("---")[1]  # a team page is found by its name
    assert '<p class="admonition-title">Over-allocated in 3 of the next 12 months</p>' in page
    assert "<li><strong>Jan 2027</strong>: 11.0 FTE demanded of 10.0 (110 % ⚠)" in page
    assert '<span class="pmo-tile-value">3 of 12</span>' in page
    assert '<span class="pmo-tile-value">110 %</span><span class="pmo-tile-label">peak utilization (Nov 2026)' in page
    assert "<td>Jordan Lee</td><td>Team lead</td>" in page  # members from people.yaml
    (spec,) = specs(page)
    demand = spec["datasets"]["demand"]
    assert len(demand) == 12 * 7 and spec["datasets"]["capacity"] == [{"capacity": 10.0}]
    assert sum(d["fte"] for d in demand if d["month"] == "Nov 2026") == 11.0
    quiet = team_page(sample, "erp")
    assert "<strong>Not over-allocated</strong>" in quiet and "admonition" not in quiet


def test_team_with_no_demand_has_no_chart(mini: Path) -> None:
    analysis = prepare(read_portfolio(mini), "org")
    page = team_page(analysis, "integration")
    assert "No demand on this team in the next 12 months: 0 % of its capacity" in page
    assert "pmo-chart" not in page and '<span class="pmo-tile-value">0 %</span>' in page


def test_home_page_flags_over_allocation(sample) -> None:
    home = site_tree(read_portfolio(SAMPLE), "org", None, {}).pages["index.md"]
    assert "<strong>5 team-months over-allocated</strong> in the next 12 months (Oct 2026 to Sep 2027)" in home
    assert '<li><a href="teams/web-platform/">Web and mobile platform</a>: Nov 2026, Dec 2026, Jan 2027</li>' in home
    # with no team over-allocated, the home says so: tests/golden/mini/index.md (tests/test_golden.py)


def test_project_page_links_its_teams(sample) -> None:
    page = site_tree(read_portfolio(SAMPLE), "org", None, {}).pages["projects/patient-portal-2.md"]
    assert '<td><a href="../../teams/web-platform/">Web and mobile platform</a></td>' in page


def test_site_has_the_capacity_page_in_the_nav_and_team_pages_outside_it() -> None:
    tree = site_tree(read_portfolio(SAMPLE), "org", None, {})
    portfolio = next(item["Portfolio"] for item in tree.nav if "Portfolio" in item)
    titles = [next(iter(entry)) for entry in portfolio]
    assert titles[titles.index("Risks") + 1] == "Capacity"
    assert {p for p in tree.pages if p.startswith("teams/")} == {f"teams/{t}.md" for t in sample_teams()}
    assert "teams/" not in str(tree.nav)
    assert tree.edit_sources["teams/erp.md"].name == "people.yaml"


def sample_teams() -> list[str]:
    return [t.id for t in validate_portfolio(load_portfolio(SAMPLE)).people.teams]


def test_pmo_only_demand_is_left_out_of_the_org_site(mini: Path, edit: Edit) -> None:
    """The org site is computed without pmo-only projects, capacity included (audience.py)."""
    edit("projects/crm.yaml", "name: Patient CRM", "name: Patient CRM\nvisibility: pmo")
    portfolio = read_portfolio(mini)
    org, pmo = prepare(portfolio, "org").capacity, prepare(portfolio, "pmo").capacity
    assert org.cells["demand"].sum() == 0
    assert [c["demand"] for c in pmo.team_cells("web-platform")][:3] == [2.0, 2.0, 2.0]  # Mar-May 2026
