"""A real register: the UK Government Major Projects Portfolio 2022 (examples/gmpp), imported and built.

235 projects; the 18 departments become programs; the delivery confidence ratings become the projects'
RAG; exemptions become empty fields with the publication's reason. The mapping must keep working for other
years of the publication, which add columns, use other date formats and the five-point rating scale.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.validate import Portfolio, validate_portfolio
from generator.io.import_mapping import load_mapping
from generator.io.importer import ImportFailure, run_import

from .conftest import ROOT

GMPP = ROOT / "examples" / "gmpp"
CSV = GMPP / "gmpp-2022.csv"
MAPPING = GMPP / "mapping.yaml"


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def source_rows() -> list[list[str]]:
    with CSV.open(encoding="cp1252", newline="") as file:
        return list(csv.reader(file, delimiter=";"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("gmpp") / "portfolio"
    code, output = pmo("import", str(CSV), "--mapping", str(MAPPING), "--data", str(folder))
    assert code == 0, output
    return folder, output


@pytest.fixture(scope="module")
def portfolio(imported: tuple[Path, str]) -> Portfolio:
    return validate_portfolio(load_portfolio(imported[0]))  # pmo validate passes


def test_the_file_ships_with_its_licence() -> None:
    readme = (GMPP / "README.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in readme and "Infrastructure and Projects Authority" in readme


def test_every_row_is_a_project(imported: tuple[Path, str], portfolio: Portfolio) -> None:
    _, output = imported
    assert "Read 235 rows from gmpp-2022.csv." in output and "Not imported" not in output
    assert len(portfolio.projects) == 235
    names = sorted(row[2] for row in source_rows()[1:])
    assert sorted(p.name for p in portfolio.projects.values()) == names


def test_departments_are_programs(portfolio: Portfolio) -> None:
    departments = Counter(row[3] for row in source_rows()[1:])
    assert len(portfolio.programs) == len(departments) == 18
    assert portfolio.programs["mod"].name == "Ministry of Defence"
    by_program = Counter(p.program for p in portfolio.projects.values())
    assert by_program == Counter({dept.lower(): n for dept, n in departments.items()})
    assert portfolio.programs["mod"].manager == "not-published"
    assert portfolio.people.people[0].name == "Not published in the source"


def test_ratings_are_the_rag(portfolio: Portfolio) -> None:
    """The IPA's rating (first colour_rating), else the SRO's (second); exemption sentences are no rating."""
    expected = Counter()
    for row in source_rows()[1:]:
        rating = next((value for value in row[6:8] if value in ("Green", "Amber", "Red")), None)
        expected[rating.lower() if rating else None] += 1
    found = Counter(p.rag_override.rag if p.rag_override else None for p in portfolio.projects.values())
    assert found == expected == Counter({"amber": 170, "red": 27, "green": 24, None: 14})
    submarine = portfolio.projects["submarine-dismantling-project"]
    assert submarine.rag_override is not None and submarine.rag_override.rag == "amber"
    assert "GMPP annual report 2022" in submarine.rag_override.reason


def test_withheld_values_are_empty_with_the_reason(imported: tuple[Path, str], portfolio: Portfolio) -> None:
    _, output = imported
    assert "budget 44, finish 17, rag_override 14, start 11" in output
    withheld = Counter(name for p in portfolio.projects.values() for name in p.withheld)
    assert withheld == Counter({"budget": 44, "finish": 17, "rag_override": 14, "start": 11})
    balloon = portfolio.projects["a417-air-balloon"]
    assert balloon.budget is None
    assert balloon.withheld["budget"].startswith("Exempt under Section 43 of the Freedom of Information Act 2000")
    no_cost = [p for p in portfolio.projects.values() if p.withheld.get("budget") == "empty in the source"]
    assert len(no_cost) == 2  # two rows leave the whole-life cost empty: said so, not zero


def test_money_dates_and_text(portfolio: Portfolio) -> None:
    submarine = portfolio.projects["submarine-dismantling-project"]
    assert submarine.budget == 278_000_000  # "£278" in £ millions
    assert (submarine.start.isoformat(), submarine.finish.isoformat()) == ("2013-03-29", "2026-12-31")  # type: ignore[union-attr]
    assert submarine.summary == "Military Capability project of MOD (MOD_0135_2122-Q1)"
    assert "£M" in submarine.description and "\r" not in submarine.description
    prisons = portfolio.projects["10-000-additional-prison-places"]
    assert prisons.budget == 32_614_000_000  # "£32,614"
    assert portfolio.settings.as_of.isoformat() == "2022-03-31" and portfolio.settings.currency == "GBP"


@pytest.fixture(scope="module")
def site(imported: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site `pmo build` makes of the GMPP data with the repository's own mkdocs.yml, docs and handbook."""
    folder, _ = imported
    out = tmp_path_factory.mktemp("gmpp-site") / "site"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(ROOT)
        code, output = pmo("build", "--data", str(folder), "--out", str(out))
    assert code == 0, output
    return out


def test_a_site_is_built(site: Path) -> None:
    out = site
    pages = {p.parent.name for p in (out / "projects").glob("*/index.html")}
    assert len(pages) == 235
    assert {p.parent.name for p in (out / "programs").glob("*/index.html")} >= {"mod", "moj", "dft", "hmt"}
    page = (out / "projects" / "a417-air-balloon" / "index.html").read_text(encoding="utf-8")
    assert "pmo-rag-amber" in page
    assert re.search(r'n/a<span class="pmo-na-why"> \(Withheld by the source: Exempt under Section 43', page)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "(44 withheld budgets not counted)" in home
    # no data behind spend, benefits, earned value or forecasts: n/a and why, never £0 or 100 %
    values = re.findall(r'<span class="pmo-tile-value">(.*?)</span><span class="pmo-tile-label">', home)
    assert len(values) == 6 and all(v.startswith('<span class="pmo-na">n/a<span class="pmo-na-why"> (') for v in values)
    assert "no project records a financial benefit" in home and "status report with its actual cost" in home
    assert "spent of £494.2 bn budget of active projects" in home  # not £494,181.0 M
    # the run-versus-change table and chart say n/a for spend too, not £0 or "nothing spent" (the run budget's £0 is
    # real: no project is run work)
    assert "nothing is spent" not in home
    benefits = (out / "benefits" / "index.html").read_text(encoding="utf-8")
    tiles = re.findall(
        r'<div class="pmo-tile"><span class="pmo-tile-value">(.*?)</span><span class="pmo-tile-label">', benefits
    )
    assert (
        tiles[2]
        == '<span class="pmo-na">n/a<span class="pmo-na-why"> (no project records a financial benefit)</span></span>'
    )
    assert home.count("<td>£0</td>") == 1
    assert "<td>£494.2 bn</td>" in home and "494,181" not in home  # the summary tables read as people write too
    assert "spend is n/a: no project has a status report with its actual cost" in home


ORGANIZATION = "UK Government major projects"  # mapping.yaml's organization: the title reads "… IT portfolio"


def test_the_site_carries_its_own_organizations_name_and_no_other(site: Path) -> None:
    """Nothing of the sample's organization is left in the title, the header, the home page or the footer (the
    shipped mkdocs.yml, docs and handbook name none): every byte of every file of the site is searched."""
    named = [
        p.relative_to(site).as_posix()
        for p in sorted(site.rglob("*"))
        if p.is_file() and b"Northwind" in p.read_bytes()
    ]
    assert named == []
    for page in ("index.html", "projects/index.html", "handbook/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert re.search(rf"<title>[^<]* - {ORGANIZATION} IT portfolio</title>", text), page
        header = text[text.index('<div class="md-header__topic">') :][:300]
        assert f"{ORGANIZATION} IT portfolio" in header, page
        footer = text[text.index('<div class="md-copyright__highlight">') :][:300]
        assert f"{ORGANIZATION} IT portfolio · data as of 2022-03-31" in footer, page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{ORGANIZATION} IT portfolio</h1>" in home
    assert home.index("<h1>") < home.index("Every IT project, program and request of the organization")
    assert f'<meta name="description" content="The IT project portfolio and PMO handbook of {ORGANIZATION}.">' in home


def _rewrite(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("cp1252")


def test_another_year_with_more_columns_and_other_formats(tmp_path: Path) -> None:
    """Other years add columns, write dates as 20.05.2020 or 01.04.16 and rate Amber/Red or Amber/Green."""
    rows = source_rows()
    header, data = rows[0], rows[1:4]
    data[0][9], data[0][10] = "20.05.2020", "01.04.26"
    data[1][6], data[2][6], data[2][7] = "Amber/Red", "", "Amber / green"
    changed = [[*header[:5], "sro_name", *header[5:], "whole_life_forecast"]]
    changed += [[*row[:5], "A. Person", *row[5:], "£1.5"] for row in data]
    table = tmp_path / "gmpp-2023.csv"
    table.write_bytes(_rewrite(changed))
    folder = tmp_path / "portfolio"
    report = run_import(table, load_mapping(MAPPING), folder)
    assert not report.problems and report.imported == 3
    projects = validate_portfolio(load_portfolio(folder)).projects
    ids = (
        "submarine-dismantling-project",
        "10-000-additional-prison-places",
        "10-000-additional-prison-places-programme-estate-expansions",
    )
    first, second, third = (projects[p] for p in ids)
    assert (first.start.isoformat(), first.finish.isoformat()) == ("2020-05-20", "2026-04-01")  # type: ignore[union-attr]
    assert second.rag_override is not None and second.rag_override.rag == "red"
    assert third.rag_override is not None and third.rag_override.rag == "amber"


def test_a_year_without_a_mapped_column_is_refused_by_name(tmp_path: Path) -> None:
    rows = source_rows()
    drop = rows[0].index("end_date")
    table = tmp_path / "gmpp-2019.csv"
    table.write_bytes(_rewrite([[cell for i, cell in enumerate(row) if i != drop] for row in rows[:3]]))
    with pytest.raises(ImportFailure, match=r'fields\.finish: gmpp-2019\.csv has no column "end_date"'):
        run_import(table, load_mapping(MAPPING), tmp_path / "portfolio")
    assert not (tmp_path / "portfolio").exists()
