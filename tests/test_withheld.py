"""`withheld`: a published register may withhold a project's start, finish or budget. The value is left out,
the reason is kept, and every figure that needs the value is n/a with that reason, never 0."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from generator.analytics.kpi import project_frame, why_undefined
from generator.data.load import load_portfolio
from generator.data.validate import validate_portfolio
from generator.errors import PortfolioError, Problem
from generator.io.export import HEADER, register
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.blocks import unmark

from .conftest import Edit
from .test_kpi import SETTINGS, project

EXEMPT = "Exempt under Section 43 of the Freedom of Information Act 2000 (Commercial Interests)."


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(PortfolioError) as info:
        validate_portfolio(load_portfolio(folder))
    return info.value.problems


def test_a_missing_budget_is_still_an_error(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "budget: 100000\n", "")
    (p,) = problems(mini)
    assert (p.field, p.message) == ("budget", "required field is missing")


def test_a_withheld_budget_stands_in_for_it(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "budget: 100000\n", f'withheld: {{budget: "{EXEMPT}"}}\n')
    crm = validate_portfolio(load_portfolio(mini)).projects["crm"]
    assert crm.budget is None and crm.withheld == {"budget": EXEMPT}


def test_an_empty_value_with_its_reason_is_withheld_too(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "start: 2026-01-01\n", "start:\nwithheld: {start: Not published}\n")
    assert validate_portfolio(load_portfolio(mini)).projects["crm"].start is None


def test_a_value_and_a_reason_for_withholding_it_conflict(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "budget: 100000\n", "budget: 100000\nwithheld: {budget: Exempt}\n")
    (p,) = problems(mini)
    assert (p.field, p.message) == ("withheld", "budget has a value and is also listed as withheld: keep one")
    assert p.line == 16


def test_only_some_fields_may_be_withheld(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "budget: 100000\n", "budget: 100000\nwithheld: {name: Secret}\n")
    (p,) = problems(mini)
    assert p.field == "withheld.name"
    assert p.message.startswith("expected one of start, finish, budget, forecast_finish, rag_override")


def test_kpis_that_need_a_withheld_value_are_undefined() -> None:
    withheld = {"budget": EXEMPT, "start": "Not published"}
    row = project_frame([project(budget=None, start=None, withheld=withheld)], SETTINGS).iloc[0]
    for kpi in ("pv", "ev", "sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi", "budget_adherence"):
        assert math.isnan(row[kpi]), kpi
        assert "withheld" in why_undefined(kpi, row)
    assert math.isnan(row["planned_days"]) and row["slip_days"] == 0  # the baseline finish is known
    assert row["ac"] == 45000  # what is known stays known
    only_dates = project_frame([project(start=None, withheld={"start": "Not published"})], SETTINGS).iloc[0]
    assert only_dates["ev"] == 40000 and math.isnan(only_dates["pv"])
    assert why_undefined("spi", only_dates) == "the start or the baseline finish is withheld by the source of the data"


def test_the_site_says_n_a_with_the_reason(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "start: 2026-01-01\n", "")
    edit("projects/crm.yaml", "budget: 100000\n", f'withheld: {{start: Not published, budget: "{EXEMPT}"}}\n')
    analysis = prepare(read_portfolio(mini), "org")
    tree = site_tree(read_portfolio(mini), "org", None, {})
    page = unmark(tree.pages["projects/crm.md"])
    # the reason is text on the n/a (shown on hover), never a title: the theme shows a title as HTML
    assert f'n/a<span class="pmo-na-why"> (Withheld by the source: {EXEMPT})</span>' in page
    assert 'title="Withheld' not in page
    assert "Withheld by the source of the data: budget: Exempt under Section 43" in page
    assert "planned and earned value are undefined" in page  # the S-curve's text alternative
    assert "1 active project without a start or baseline finish (withheld by the source) not shown" in unmark(
        tree.pages["roadmap.md"]
    )
    assert analysis.totals.budget_withheld == 1 and analysis.totals.budget == 50000  # identity's only
    assert "(1 withheld budget not counted)" in tree.pages["index.md"]
    row = dict(zip(HEADER, register(analysis).rows[0], strict=True))
    assert row["id"] == "crm" and row["bac"] is None and row["start"] is None  # empty cells in the export
