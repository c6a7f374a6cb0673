"""The register's rows as the page carries them (pages/portfolio.register_rows): every column of every project,
decoded back to what the table shows, a few dozen bytes a row besides the names, the same bytes on every build,
and the first rows as HTML for a reader without JavaScript."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING

import pytest

from generator.analytics.kpi import RAGS
from generator.io.demo import write_demo
from generator.pages.portfolio import REGISTER_SHOWN, register_order, register_page, register_rows, slug
from generator.pipeline import prepare, read_portfolio
from generator.widgets import fmt

from .conftest import SAMPLE

if TYPE_CHECKING:
    from pathlib import Path

    from generator.analytics.analyse import Analysis

COLUMNS = ("name", "id", "program", "phase", "manager", "rag", "finish", "forecast", "budget", "complete")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """A demo portfolio of 300 projects (ids that are their names' slugs, as in much real data)."""
    folder: Path = tmp_path_factory.mktemp("register-rows") / "portfolio"
    write_demo(folder, 300)
    return prepare(read_portfolio(folder), "org")


@pytest.fixture(scope="module")
def sample() -> Analysis:
    return prepare(read_portfolio(SAMPLE), "org")


def decoded(data: dict) -> list[dict[str, object]]:
    """Each row as tables.js reads it: ids from their slugs, indexes into their lists, days after as_of as dates."""
    as_of = dt.date.fromisoformat(data["as_of"])
    programs = [[p[0] or slug(p[1]), p[1], p[2]] for p in data["programs"]]

    def day(days: int | None) -> str:
        return "—" if days is None else (as_of + dt.timedelta(days=days)).isoformat()

    return [
        {
            "name": data["name"][i],
            "id": data["id"][i] or slug(data["name"][i]),
            "program": programs[data["program"][i]][0],
            "phase": data["phases"][data["phase"][i]][0],
            "manager": data["managers"][data["manager"][i]],
            "rag": "n/a" if data["rag"][i] is None else data["rags"][data["rag"][i]],
            "finish": day(data["finish"][i]),
            "forecast": day(data["forecast"][i]),
            "budget": data["budget"][i],
            "complete": data["complete"][i],
        }
        for i in range(len(data["name"]))
    ]


@pytest.mark.parametrize("which", ["sample", "demo"])
def test_every_column_of_every_project_reads_back_as_the_table_shows_it(
    which: str, request: pytest.FixtureRequest
) -> None:
    a: Analysis = request.getfixturevalue(which)
    ids = register_order(a)
    data = register_rows(a, ids)
    assert all(len(data[column]) == len(ids) for column in COLUMNS)
    rows = decoded(data)
    assert [row["id"] for row in rows] == ids
    for row in rows:
        source = a.rows[row["id"]]
        cur = a.settings.currency
        assert row["name"] == " ".join(str(source["name"]).split())
        assert (row["program"], row["phase"]) == (source["program"], source["phase"])
        assert row["manager"] == a.person_name(source["manager"])
        assert row["rag"] == (source["rag"] if isinstance(source["rag"], str) else "n/a")
        assert row["finish"] == fmt.date(source["finish"]) and row["forecast"] == fmt.date(source["forecast_finish"])
        budget = "n/a" if row["budget"] is None else data["currency"][0] + f"{row['budget']:,}" + data["currency"][1]
        assert budget == fmt.money(source["bac"], cur)
        complete = "n/a" if row["complete"] is None else f"{row['complete']} %"
        assert complete == fmt.percent(source["percent_complete"])
    assert data["rags"] == list(RAGS)


def test_a_row_costs_a_few_dozen_bytes_besides_its_name(demo: Analysis) -> None:
    """5,000 projects must fit the register page's budget: besides the names and the lists of programs and
    managers, a row is under 50 bytes (ids that are their names' slugs cost one; 33 at 5,000 projects)."""
    data = register_rows(demo, register_order(demo))
    size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    names = sum(len(json.dumps(name, ensure_ascii=False).encode()) + 1 for name in data["name"])
    lists = sum(len(json.dumps(data[key], ensure_ascii=False).encode()) for key in ("programs", "managers"))
    assert (size - names - lists) / len(data["name"]) < 50
    assert data["id"].count(0) == len(data["id"])  # the demo's ids are their names' slugs


def test_an_id_beyond_its_name_s_slug_is_written_out() -> None:
    assert slug("Patient CRM: phase 2") == "patient-crm-phase-2" and slug("  --Déjà vu") is None


def test_the_rows_are_the_same_bytes_on_every_build(sample: Analysis) -> None:
    assert register_page(sample) == register_page(prepare(read_portfolio(SAMPLE), "org"))


def test_without_javascript_the_page_shows_the_first_rows_and_says_where_the_rest_are(demo: Analysis) -> None:
    page = register_page(demo)
    ids = register_order(demo)
    assert re.findall(r'<tr data-pmo-id="([^"]+)"', page) == ids[:REGISTER_SHOWN]
    assert f"The first {REGISTER_SHOWN} of {len(ids)} projects; the downloads above hold them all." in page
    assert 'id="pmo-register-more" hidden' not in page
