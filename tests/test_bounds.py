"""Numbers and dates have bounds: a value outside them is a located validation error, and no valid value,
however close to a bound, makes a KPI, a chart's data or an export infinite or not a number."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator.charts.specs import chart_block, priority_spec
from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.model import MAX_AMOUNT, MAX_DATE, MAX_DAYS, MAX_FTE, MIN_CAPACITY_FTE, MIN_DATE
from generator.data.validate import validate_portfolio
from generator.io.export import register, to_csv, to_json, to_xlsx
from generator.pipeline import prepare, site_tree

from .conftest import MINI, ROOT, Edit

TINY = 5e-324  # the smallest positive float: any division by it overflows
AMOUNTS = st.sampled_from([0, TINY, 1e-300, 0.01, 1, MAX_AMOUNT]) | st.floats(0, MAX_AMOUNT)
PERCENTS = st.sampled_from([0, TINY, 1e-300, 50, 100]) | st.floats(0, 100)
FTES = st.sampled_from([TINY, 1e-300, 0.5, MAX_FTE]) | st.floats(TINY, MAX_FTE)
EDGE_DATES = st.sampled_from([MIN_DATE, MAX_DATE, dt.date(2026, 3, 2)]) | st.dates(MIN_DATE, MAX_DATE)


def _later(draw: st.DrawFn, day: dt.date) -> dt.date:
    return draw(st.sampled_from([day, MAX_DATE]) | st.dates(day, MAX_DATE))


@st.composite
def edge_project(draw: st.DrawFn) -> dict[str, Any]:
    """A valid project whose numbers and dates are drawn at and between the bounds."""
    start = draw(EDGE_DATES)
    finish = _later(draw, start)
    reports, day = [], start
    for _ in range(draw(st.integers(0, 3))):
        if day >= MAX_DATE:
            break
        day = draw(st.dates(day + dt.timedelta(days=1), MAX_DATE))
        reports.append(
            {
                "date": day,
                "rag": "amber",
                "percent_complete": draw(PERCENTS),
                "actual_cost": draw(AMOUNTS),
                "satisfaction": draw(st.sampled_from([1, 5, 3.3])),
            }
        )
    first_month = draw(st.sampled_from(["1971-01", "2026-03", "2099-12"]))
    return {
        "name": "Edge",
        "program": "front-door",
        "phase": draw(st.sampled_from(["planning", "execution", "closing", "on-hold", "closed", "approved"])),
        "sponsor": "m.chen",
        "manager": "a.okafor",
        "start": start,
        "finish": finish,
        "forecast_finish": _later(draw, start),
        "budget": draw(AMOUNTS),
        "scores": {name: draw(st.integers(1, 5)) for name in ("strategic_fit", "value", "urgency", "risk")},
        "status": reports,
        "milestones": [{"name": "M", "baseline": draw(EDGE_DATES), "forecast": draw(EDGE_DATES)}],
        "risks": [{"id": "R1", "title": "R", "probability": 5, "impact": 5, "owner": "a.okafor"}],
        "changes": [
            {
                "id": "CR-1",
                "date": draw(EDGE_DATES),
                "title": "C",
                "cost": draw(st.sampled_from([-MAX_AMOUNT, MAX_AMOUNT, 0])),
                "schedule_days": draw(st.sampled_from([-MAX_DAYS, MAX_DAYS])),
            }
        ],
        "benefits": [{"name": "B", "planned": draw(AMOUNTS), "realized": draw(AMOUNTS), "due": draw(EDGE_DATES)}],
        "resources": [{"team": "web-platform", "fte": draw(FTES), "from": first_month, "to": "2099-12"}],
    }


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:  # the loader refuses aliases, and the dates repeat
        return True


def write_portfolio(folder: Path, projects: list[dict[str, Any]], as_of: dt.date, capacity: float) -> None:
    shutil.copytree(MINI, folder)
    settings_file = folder / "portfolio.yaml"
    settings_file.write_text(re.sub(r"as_of: .*", f"as_of: {as_of}", settings_file.read_text()))
    people = folder / "people.yaml"
    people.write_text(people.read_text().replace("capacity_fte: 6", f"capacity_fte: {capacity!r}"))
    for i, project in enumerate(projects):
        (folder / "projects" / f"edge-{i}.yaml").write_text(yaml.dump(project, Dumper=_NoAliases))


def _refuse(constant: str) -> None:
    raise AssertionError(f"{constant} in chart data")


CHART_SPEC = re.compile(r'<script type="application/json" class="pmo-chart-spec"[^>]*>(.*?)</script>', re.S)
NOT_FINITE = re.compile(r"\b(inf|infinity|nan)\b|∞", re.I)


def assert_finite_frame(frame: Any, what: str) -> None:
    numbers = frame.select_dtypes(include="number")
    assert not np.isinf(numbers.to_numpy(dtype=float)).any(), f"{what}: {numbers[np.isinf(numbers).any(axis=1)]}"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    projects=st.lists(edge_project(), min_size=1, max_size=3),
    as_of=EDGE_DATES,
    capacity=st.sampled_from([MIN_CAPACITY_FTE, MAX_FTE, 6]),
)
def test_no_kpi_chart_or_export_is_infinite_or_nan(
    tmp_path_factory: pytest.TempPathFactory, projects: list[dict[str, Any]], as_of: dt.date, capacity: float
) -> None:
    folder = tmp_path_factory.mktemp("edge") / "portfolio"
    write_portfolio(folder, projects, as_of, capacity)
    portfolio = validate_portfolio(load_portfolio(folder))
    analysis = prepare(portfolio, "pmo")
    for what in ("projects", "history", "trend", "indicators"):
        assert_finite_frame(getattr(analysis, what), what)
    assert_finite_frame(analysis.capacity.cells, "capacity")
    for rollup in [analysis.totals, *analysis.program_totals.values(), *analysis.objective_totals.values()]:
        for name, value in vars(rollup).items():
            assert not isinstance(value, float) or math.isfinite(value), (name, value)
    tree = site_tree(portfolio, "pmo", None, {})
    charts = 0
    for name, page in tree.pages.items():
        for payload in CHART_SPEC.findall(page):
            json.loads(payload, parse_constant=_refuse)
            charts += 1
        assert not NOT_FINITE.search(re.sub(r"<[^>]*>", " ", page)), (name, NOT_FINITE.search(page))
    assert charts
    table = register(analysis)
    assert not NOT_FINITE.search(to_csv(table))
    json.loads(to_json(table), parse_constant=_refuse)
    sheet = load_workbook(io.BytesIO(to_xlsx(table)), read_only=True).active
    for row in sheet.iter_rows(values_only=True):
        for value in row:
            assert not (isinstance(value, float) and not math.isfinite(value)), row
            assert not (isinstance(value, str) and NOT_FINITE.fullmatch(value)), row


# Out of bounds: a located error, exit 1, never a traceback -----------------------------------------------------


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "field", "message"),
    [
        ("portfolio.yaml", "as_of: 2026-03-02", "as_of: 2206-10-31", 2, "as_of", "from 1971-01-01 to 2099-12-31"),
        ("portfolio.yaml", "as_of: 2026-03-02", "as_of: 1900-01-01", 2, "as_of", "got 1900-01-01"),
        (
            "projects/crm.yaml",
            "baseline: 2026-05-01",
            "baseline: 2206-05-01",
            19,
            "milestones[1].baseline",
            "expected a date from 1971-01-01 to 2099-12-31, got 2206-05-01",
        ),
        ("projects/crm.yaml", "start: 2026-01-01", "start: 1970-12-31", 12, "start", "got 1970-12-31"),
        ("calendar.yaml", "start: 2026-03-14", "start: 2206-03-14", 2, "events[0].start", "got 2206-03-14"),
    ],
)
def test_a_date_out_of_range_is_a_located_error(
    mini: Path, edit: Edit, in_root: Path, name: str, old: str, new: str, line: int | None, field: str, message: str
) -> None:
    edit(name, old, new)
    for command in (["validate", "--data", str(mini)], ["build", "--data", str(mini), "--out", str(mini.parent / "s")]):
        code, output = pmo(*command)
        assert code == 1, output
        assert "Traceback" not in output
        found = [text for text in output.splitlines() if f": {field}: " in text]
        assert found and message in found[0], output
        if line is not None:
            assert f"{name}:{line}: {field}: " in found[0]
    assert not (mini.parent / "s").exists()


def test_a_month_out_of_range_is_a_located_error(mini: Path, edit: Edit) -> None:
    months = 'resources: [{team: integration, fte: 1, from: "1969-12", to: "2100-01"}]'
    edit("projects/identity.yaml", "\nmilestones:", f"\n{months}\nmilestones:")
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1
    assert "resources[0].from: expected a month from 1971-01 to 2099-12, got 1969-12" in output
    assert "resources[0].to: expected a month from 1971-01 to 2099-12, got 2100-01" in output


AT_MOST_10_15 = "at most 1,000,000,000,000,000"


@pytest.mark.parametrize(
    ("name", "old", "new", "field", "message"),
    [
        ("projects/crm.yaml", "budget: 100000", "budget: 1e300", "budget", f"must be {AT_MOST_10_15}, got 1e300"),
        ("projects/crm.yaml", "budget: 100000", "budget: 1e400", "budget", "expected a finite number"),
        ("projects/crm.yaml", "actual_cost: 20000", "actual_cost: 1000000000000001", "status[0].actual_cost", "most"),
        ("projects/crm.yaml", "cost: 12000", "cost: -2e15", "changes[0].cost", "at least -1,000,000,000,000,000"),
        ("projects/crm.yaml", "schedule_days: 19", "schedule_days: 99999", "changes[0].schedule_days", "50,000"),
        ("projects/crm.yaml", "percent_complete: 20", "percent_complete: 100.5", "status[0].percent_complete", "100"),
        ("people.yaml", "capacity_fte: 6", "capacity_fte: 1e-300", "teams[0].capacity_fte", "at least 0.01"),
        ("people.yaml", "capacity_fte: 6", "capacity_fte: 10001", "teams[0].capacity_fte", "at most 10,000"),
        ("portfolio.yaml", "available: 500000", "available: 1e16", "funding.available", AT_MOST_10_15),
        ("portfolio.yaml", "slip_days: {amber: 14", "slip_days: {amber: 1e9", "rag.slip_days.amber", "50,000"),
        ("requests/chatbot.yaml", "estimated_cost: 80000", "estimated_cost: 1e300", "estimated_cost", AT_MOST_10_15),
    ],
)
def test_a_number_out_of_range_is_a_located_error(
    mini: Path, edit: Edit, name: str, old: str, new: str, field: str, message: str
) -> None:
    edit(name, old, new)
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1
    assert re.search(rf"{re.escape(name)}:\d+: {re.escape(field)}: .*{re.escape(message)}", output), output


def test_the_bounds_are_in_the_schemas_and_the_data_contract() -> None:
    project = json.loads((ROOT / "schemas" / "project.schema.json").read_text())
    assert project["properties"]["budget"]["anyOf"][0]["maximum"] == MAX_AMOUNT
    date = project["properties"]["start"]["anyOf"][0]
    assert re.fullmatch(date["pattern"], "2099-12-31") and re.fullmatch(date["pattern"], "1971-01-01")
    assert not re.fullmatch(date["pattern"], "2206-10-31") and not re.fullmatch(date["pattern"], "1970-12-31")
    contract = (ROOT / "docs" / "data-contract.md").read_text()
    for bound in ("1971-01-01", "2099-12-31", "1,000,000,000,000,000", "10,000", "50,000", "U+001B"):
        assert bound in contract, bound


@pytest.mark.parametrize("as_of", [MIN_DATE, MAX_DATE])
def test_the_bounds_themselves_build(mini: Path, edit: Edit, in_root: Path, as_of: dt.date) -> None:
    edit("portfolio.yaml", "as_of: 2026-03-02", f"as_of: {as_of}")
    edit("projects/crm.yaml", "start: 2026-01-01", "start: 1971-01-01")
    edit("projects/crm.yaml", "finish: 2026-05-01", "finish: 2099-12-31")
    edit("projects/crm.yaml", "budget: 100000", f"budget: {MAX_AMOUNT}")
    code, output = pmo("build", "--data", str(mini), "--out", str(mini.parent / "site"))
    assert code == 0, output
    for fmt in ("csv", "json", "xlsx"):
        out = mini.parent / f"register.{fmt}"
        code, output = pmo("export", "--data", str(mini), "--out", str(out))
        assert code == 0, output


def test_chart_data_is_strict_json_whatever_reaches_it() -> None:
    spec = priority_spec("T", [{"label": "x", "score": math.nan, "cost": math.inf, "more": [-math.inf, 1.5]}])
    payload = CHART_SPEC.search(chart_block("p", spec, "summary", None))
    assert payload is not None
    data = json.loads(payload.group(1), parse_constant=_refuse)
    assert data["datasets"]["items"] == [{"label": "x", "score": None, "cost": None, "more": [None, 1.5]}]
