"""`pmo import`: the mapping carries what is specific to a source; every row is imported cleanly or reported."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.validate import validate_portfolio
from generator.data.yaml_guard import parse_yaml
from generator.errors import PortfolioError
from generator.io.import_mapping import ImportMapping, Numbers, load_mapping
from generator.io.importer import (
    Context,
    ImportFailure,
    ValueProblem,
    _date,
    _number,
    column_index,
    make_id,
    run_import,
)
from generator.io.yaml_write import document

from .conftest import MINI

HEADER = "Ref;Title;Prog;Stage;Lead;Begin;End;Cost (EUR k);Status;Status"
ROWS = [
    "P-1;Portal relaunch;Front door;In progress;m.chen;05.01.2026;30.06.2026;1.250,5;Amber/Green;",
    "P-2;Data lake;Front door;In progress;m.chen;01.02.2026;31.12.2026;€ 300;;Red",
]
MAPPING = """
kind: project
source: {encoding: cp1252, delimiter: ";"}
dates: ["%d.%m.%Y", "%Y-%m-%d"]
numbers: {decimal: ",", thousands: ".", symbols: ["€", "EUR"], scale: 1000}
withheld: ["Confidential"]
vocabularies:
  rag: {Green: green, Amber/Green: amber, Amber: amber, Amber/Red: red, Red: red}
fields:
  id: {column: Title, make_id: true}
  name: Title
  program: {column: Prog, make_id: true}
  phase: {column: Stage, values: {In progress: execution, Not started*: approved}}
  sponsor: Lead
  manager: Lead
  start: Begin
  finish: End
  budget: Cost (EUR k)
  rag_override.rag: {columns: ["Status#1", "Status#2"], values: rag}
  rag_override.reason: {template: "Status of {Ref} in the register"}
"""


def write_csv(path: Path, header: str = HEADER, rows: list[str] | None = None, encoding: str = "cp1252") -> Path:
    path.write_bytes(("\r\n".join([header, *(ROWS if rows is None else rows)]) + "\r\n").encode(encoding))
    return path


def write_mapping(path: Path, text: str = MAPPING) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def portfolio_copy(tmp_path: Path) -> Path:
    """The mini portfolio without its projects: a program "front-door", people m.chen and a.okafor."""
    folder = tmp_path / "portfolio"
    shutil.copytree(MINI, folder)
    shutil.rmtree(folder / "projects")
    (folder / "requests" / "chatbot.yaml").unlink()
    return folder


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def read(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8"), path, path.name).data


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    return write_csv(tmp_path / "register.csv"), write_mapping(tmp_path / "mapping.yaml"), portfolio_copy(tmp_path)


def test_rows_become_valid_files(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 0, output
    assert "Read 2 rows from register.csv." in output and "Wrote 2 projects" in output
    portal = read(folder / "projects" / "portal-relaunch.yaml")
    assert portal == {
        "name": "Portal relaunch",
        "program": "front-door",
        "phase": "execution",
        "sponsor": "m.chen",
        "manager": "m.chen",
        "start": "2026-01-05",
        "finish": "2026-06-30",
        "budget": "1250500",  # 1.250,5 thousand euros
        "rag_override": {"rag": "amber", "reason": "Status of P-1 in the register"},
    }
    lake = read(folder / "projects" / "data-lake.yaml")
    assert lake["budget"] == "300000" and lake["rag_override"]["rag"] == "red"  # the second Status column
    portfolio = validate_portfolio(load_portfolio(folder))
    assert sorted(portfolio.projects) == ["data-lake", "portal-relaunch"]


def test_dry_run_writes_nothing(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder), "--dry-run")
    assert code == 0 and "Would write 2 projects" in output and "nothing was written" in output
    assert not (folder / "projects").exists()


def test_existing_files_are_kept_unless_overwrite(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    assert pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))[0] == 0
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 0 and "2 files unchanged" in output  # the same data again: nothing to do
    write_csv(
        table, rows=[ROWS[0].replace("Portal relaunch;", "Portal relaunch;").replace("1.250,5", "1.300"), ROWS[1]]
    )
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1
    assert "row 2 (portal-relaunch): " in output and "exists and differs: --overwrite replaces it" in output
    assert read(folder / "projects" / "portal-relaunch.yaml")["budget"] == "1250500"
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder), "--overwrite")
    assert code == 0, output
    assert read(folder / "projects" / "portal-relaunch.yaml")["budget"] == "1300000"


def test_every_bad_row_is_reported_with_its_number(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    rows = [
        *ROWS,
        "P-3;Bad date;Front door;In progress;m.chen;31.02.2026;30.06.2026;10;Green;",
        "P-4;Bad money;Front door;In progress;m.chen;01.01.2026;30.06.2026;07. Sep;Green;",
        "P-5;Bad rating;Front door;In progress;m.chen;01.01.2026;30.06.2026;10;Purple;",
        "P-6;Bad phase;Front door;Dormant;m.chen;01.01.2026;30.06.2026;10;Green;",
        "P-7;No lead;Front door;In progress;;01.01.2026;30.06.2026;10;Green;",
        "P-8;Unknown program;Back office;In progress;m.chen;01.01.2026;30.06.2026;10;Green;",
        "P-9;Backwards;Front door;In progress;m.chen;01.07.2026;30.06.2026;10;Green;",
        "P-10;Secret;Front door;In progress;Confidential (commercial);01.01.2026;30.06.2026;10;Green;",
    ]
    write_csv(table, rows=rows)
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1
    expected = [
        'row 4 (bad-date): start ← Begin: "31.02.2026" is not a date',
        'row 5 (bad-money): budget ← Cost (EUR k): "07. Sep" is not a number',
        'row 6 (bad-rating): rag_override.rag ← Status#1 | Status#2: "Purple" is not in vocabulary "rag"',
        'row 7 (bad-phase): phase ← Stage: "Dormant" is not in the vocabulary',
        "row 8 (no-lead): manager ← Lead: empty, and required",
        'row 9 (unknown-program): program: unknown program "back-office"',
        "row 10 (backwards): finish: finish 2026-06-30 is before start 2026-07-01",
        'row 11 (secret): manager ← Lead: withheld in the source ("Confidential (commercial)"), and required',
    ]
    for words in expected:
        assert words in output, words
    assert "Not imported: 8 rows" in output
    assert sorted(p.name for p in (folder / "projects").iterdir()) == ["data-lake.yaml", "portal-relaunch.yaml"]
    validate_portfolio(load_portfolio(folder))


def test_withheld_values_become_empty_with_their_reason(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    write_csv(
        table,
        rows=[
            ROWS[0].replace("30.06.2026;1.250,5;Amber/Green", "Confidential;CONFIDENTIAL  (board only);confidential")
        ],
    )
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder), "--verbose")
    assert code == 0, output
    assert (
        "Withheld by the source in 1 rows, left empty with the source's reason: budget 1, finish 1, rag_override 1."
        in output
    )
    assert 'row 2 (portal-relaunch): budget ← Cost (EUR k): withheld: "CONFIDENTIAL (board only)"' in output
    data = read(folder / "projects" / "portal-relaunch.yaml")
    assert "finish" not in data and "budget" not in data and "rag_override" not in data
    assert data["withheld"] == {
        "budget": "CONFIDENTIAL (board only)",
        "finish": "Confidential",
        "rag_override": "confidential",
    }
    project = validate_portfolio(load_portfolio(folder)).projects["portal-relaunch"]
    assert project.budget is None and project.finish is None and project.rag_override is None


def test_rows_with_the_same_id_are_both_refused(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    write_csv(table, rows=[*ROWS, ROWS[0].replace("P-1", "P-1b")])
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1
    assert "row 2 (portal-relaunch): id: the same id as row 4" in output
    assert "row 4 (portal-relaunch): id: the same id as row 2" in output
    assert [p.name for p in (folder / "projects").iterdir()] == ["data-lake.yaml"]


def test_a_missing_column_is_named(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    write_csv(table, header=HEADER.replace("End;", "Finish;"))
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1
    assert 'fields.finish: register.csv has no column "End"; its columns are: "Ref", "Title"' in output
    assert "Nothing was imported" in output
    assert not (folder / "projects").exists()


def test_each_unknown_column_is_one_message_at_its_key_with_a_suggestion(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    table, mapping, folder = setup
    monkeypatch.chdir(table.parent)
    write_csv(table, header=HEADER.replace("End;", "Ends;"))
    write_mapping(mapping, MAPPING.replace('{template: "Status of {Ref} in', '{template: "Status of {Reff} in'))
    code, output = pmo("import", table.name, "--mapping", mapping.name, "--data", folder.name)
    assert (code, output) == (
        1,
        "Error: the mapping does not fit register.csv:\n"
        'mapping.yaml:17: fields.finish: register.csv has no column "End"; did you mean "Ends"?\n'
        'mapping.yaml:20: fields.rag_override.reason.template: register.csv has no column "Reff"; did you mean "Ref"?\n'
        "2 problems found.\n"
        "Nothing was imported.\n",
    )


def test_extra_columns_and_column_order_do_not_matter(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    header = HEADER.split(";")
    rows = [row.split(";") for row in ROWS]
    order = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    write_csv(
        table,
        header=";".join(["Extra", *(header[i] for i in order), "More"]),
        rows=[";".join(["x", *(row[i] for i in order), "y"]) for row in rows],
    )
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 0, output
    assert read(folder / "projects" / "data-lake.yaml")["rag_override"]["rag"] == "red"


def test_a_header_shared_by_columns_must_be_numbered(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    write_mapping(mapping, MAPPING.replace('columns: ["Status#1", "Status#2"]', "column: Status"))
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1 and 'has 2 columns named "Status": write "Status#1" or "Status#2"' in output


def test_mapping_mistakes_are_located(tmp_path: Path) -> None:
    path = write_mapping(
        tmp_path / "m.yaml",
        MAPPING.replace("  manager: Lead\n", "  managr: Lead\n").replace("values: rag}", "values: rags}"),
    )
    with pytest.raises(PortfolioError) as info:
        load_mapping(path)
    messages = [str(p) for p in info.value.problems]
    assert any(':15: fields.managr: unknown field "managr"; did you mean "manager"?' in m for m in messages), messages
    assert any('no vocabulary "rags"; did you mean "rag"?' in m for m in messages), messages
    assert len(messages) == 2, messages  # the misspelt manager is not also "a required field with no mapping"
    code, output = pmo("import", str(tmp_path / "m.yaml"), "--mapping", str(path))
    assert code == 2 and "nothing was imported" in output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  manager: Lead\n",
            "  managr: Lead\n",
            'm.yaml:15: fields.managr: unknown field "managr"; did you mean "manager"?',
        ),
        (
            "make_id: true}\n  name",
            "make_idd: true}\n  name",
            'm.yaml:10: fields.id.make_idd: unknown field "make_idd"; did you mean "make_id"?',
        ),
        (
            "{column: Title, make_id: true}",
            "{column: Title, value: x, make_id: true}",
            "m.yaml:10: fields.id: give exactly one of column, columns, template or value (got column, value)",
        ),
        (
            "{column: Title, make_id: true}",
            "{column: Title, make_id: maybe}",
            'm.yaml:10: fields.id.make_id: expected true or false, got "maybe"',
        ),
        (
            "{column: Title, make_id: true}",
            "{column: [Title], make_id: true}",
            "m.yaml:10: fields.id.column: expected text, got a list",
        ),
        (
            "  name: Title\n",
            "  name: [Title]\n",
            "m.yaml:11: fields.name: expected a column's header, or a mapping with one of column, columns, template or "
            "value; got a list",
        ),
    ],
)
def test_a_mapping_mistake_is_one_message_in_the_mapping_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, message: str
) -> None:
    """The message names the mapping's file, line and key (never the model's internals), once per mistake."""
    assert old in MAPPING
    monkeypatch.chdir(tmp_path)
    write_mapping(tmp_path / "m.yaml", MAPPING.replace(old, new))
    write_csv(tmp_path / "register.csv")
    code, output = pmo("import", "register.csv", "--mapping", "m.yaml")
    assert (code, output) == (2, f"{message}\n1 problem found.\nThe mapping has problems; nothing was imported.\n")


def test_a_wrong_encoding_is_explained(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    write_mapping(mapping, MAPPING.replace("encoding: cp1252", "encoding: utf-8"))
    write_csv(table, rows=[ROWS[0].replace("Portal", "Portal £")])
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1 and "is not utf-8 text: set source.encoding" in output


def test_people_the_mapping_needs_must_be_listed(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    write_mapping(mapping, MAPPING + "people:\n  - {id: not-named, name: Not named in the source}\n")
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1 and "does not list the people the mapping refers to" in output
    assert "- {id: not-named, name: " in output


def test_an_empty_folder_gets_settings_people_and_programs(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "register.csv")
    mapping = write_mapping(
        tmp_path / "mapping.yaml",
        MAPPING.replace("sponsor: Lead", "sponsor: {value: not-named}")
        + textwrap.dedent(
            """
            programs:
              name: Prog
              manager: {value: not-named}
            people:
              - {id: m.chen, name: Mei Chen}
              - {id: not-named, name: Not named in the source}
            portfolio:
              organization: {value: Example}
              as_of: {value: 2026-03-31}
              currency: {value: EUR}
            """
        ),
    )
    folder = tmp_path / "new"
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 0, output
    assert "Wrote 2 projects, 1 programs, people.yaml, portfolio.yaml" in output
    assert read(folder / "programs" / "front-door.yaml") == {"name": "Front door", "manager": "not-named"}
    portfolio = validate_portfolio(load_portfolio(folder))
    assert portfolio.settings.organization == "Example" and len(portfolio.projects) == 2


def test_rows_must_agree_on_a_shared_file(tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "register.csv", rows=[ROWS[0], ROWS[1].replace("Data lake;Front door", "Data lake;front door")]
    )
    mapping = write_mapping(
        tmp_path / "mapping.yaml", MAPPING + "programs:\n  name: Prog\n  manager: {value: m.chen}\n"
    )
    folder = portfolio_copy(tmp_path)
    shutil.rmtree(folder / "programs")
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1
    assert 'row 3 (program "front-door"): name: "front door" here, "Front door" in row 2: the rows must agree' in output


def test_xlsx_with_a_sheet_and_typed_cells(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Projects")
    sheet.append(["Title", "Prog", "Lead", "Begin", "End", "Cost"])
    sheet.append(["Portal relaunch", "front-door", "m.chen", dt.datetime(2026, 1, 5), dt.date(2026, 6, 30), 1250.5])
    book.save(tmp_path / "register.xlsx")
    mapping = write_mapping(
        tmp_path / "m.yaml",
        """
        source: {sheet: Projects}
        numbers: {scale: 1000}
        fields:
          id: {column: Title, make_id: true}
          name: Title
          program: Prog
          phase: {value: planning}
          sponsor: Lead
          manager: Lead
          start: Begin
          finish: End
          budget: Cost
        """,
    )
    folder = portfolio_copy(tmp_path)
    report = run_import(tmp_path / "register.xlsx", load_mapping(mapping), folder)
    assert not report.problems
    data = read(folder / "projects" / "portal-relaunch.yaml")
    assert (data["start"], data["finish"], data["budget"], data["phase"]) == (
        "2026-01-05",
        "2026-06-30",
        "1250500",
        "planning",
    )
    write_mapping(mapping, mapping.read_text().replace("sheet: Projects", "sheet: Register"))
    with pytest.raises(ImportFailure, match='has no sheet "Register"; its sheets: Notes, Projects'):
        run_import(tmp_path / "register.xlsx", load_mapping(mapping), folder)


# The value rules, one by one ------------------------------------------------------------------------


def context(**numbers: Any) -> Context:
    return Context(ImportMapping(fields={}, numbers=Numbers(**numbers)), {})


@pytest.mark.parametrize(
    ("text", "numbers", "value"),
    [
        ("£6.24", {"symbols": ["£"]}, "6.24"),
        ("£32,614", {"symbols": ["£"]}, "32614"),
        ("1,234,567.5", {}, "1234567.5"),
        ("1.234.567,5", {"decimal": ",", "thousands": "."}, "1234567.5"),
        ("1 234 567,5", {"decimal": ",", "thousands": " "}, "1234567.5"),
        ("1\u00a0234,5", {"decimal": ",", "thousands": " "}, "1234.5"),
        ("GBP 12.5m", {"symbols": ["GBP", "m"]}, "12.5"),
        ("-3", {}, "-3"),
        ("(3)", {}, "-3"),
        (".5", {}, "0.5"),
        ("1234", {"thousands": "none"}, "1234"),
    ],
)
def test_numbers(text: str, numbers: dict[str, Any], value: str) -> None:
    assert _number(text, context(**numbers)) == Decimal(value)


@pytest.mark.parametrize("text", ["07. Sep", "1,23", "12,3456", "1.2.3", "£", "1e5", "twelve", "1,234", "12 34"])
def test_not_numbers(text: str) -> None:
    numbers = {"thousands": "none"} if text == "1,234" else {}
    with pytest.raises(ValueProblem, match="is not a number"):
        _number(text, context(**numbers))


@pytest.mark.parametrize(
    ("text", "formats", "value"),
    [
        ("2021-04-01", ["%Y-%m-%d"], dt.date(2021, 4, 1)),
        ("20.05.2020", ["%Y-%m-%d", "%d.%m.%Y"], dt.date(2020, 5, 20)),
        ("01.04.16", ["%d.%m.%Y", "%d.%m.%y"], dt.date(2016, 4, 1)),
        (dt.date(2020, 1, 2), ["%d.%m.%Y"], dt.date(2020, 1, 2)),
    ],
)
def test_dates(text: Any, formats: list[str], value: dt.date) -> None:
    assert _date(text, formats) == value


def test_dates_are_not_guessed() -> None:
    with pytest.raises(ValueProblem, match="not a date in the mapping's formats"):
        _date("03/04/2026", ["%Y-%m-%d"])


def test_column_names() -> None:
    index = column_index(["year", "colour_rating", "colour_rating", "Project  Name", ""])
    assert index == {
        "year": 0,
        "year#1": 0,
        "colour_rating#1": 1,
        "colour_rating#2": 2,
        "project name": 3,
        "project name#1": 3,
    }


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("10,000 Additional Prison Places", "10-000-additional-prison-places"),
        ("Café — Zürich", "cafe-zurich"),
        ("x" * 70, "x" * 63),
    ],
)
def test_make_id(text: str, slug: str) -> None:
    assert make_id(text) == slug


@given(st.text(max_size=60))
@example("\n")  # "first\n\n": more than one final newline, which no literal block keeps
def test_written_text_reads_back_exactly(text: str) -> None:
    for value in (text, text + "\nsecond line\n", "first\n" + text):
        record = {"name": value, "items": [{"title": value}], "notes": {"a": value, "b": value * 3}}
        assert parse_yaml(document(record), Path("x.yaml"), "x").data == record


def test_fields_inside_a_mapping_and_unless_equal_in_any_order(tmp_path: Path) -> None:
    table = write_csv(
        tmp_path / "r.csv",
        header="Title;Start;End;Forecast;Fit;Value;Urgency;Risk",
        rows=["Portal;2026-01-01;2026-06-30;2026-06-30;5;4;3;2", "Lake;2026-01-01;2026-06-30;2026-07-31;3;3;;3"],
    )
    mapping = write_mapping(
        tmp_path / "m.yaml",
        """
        source: {delimiter: ";"}
        fields:
          id: {column: Title, make_id: true}
          forecast_finish: {column: Forecast, unless_equal: finish}
          name: Title
          program: {value: front-door}
          phase: {value: execution}
          sponsor: {value: m.chen}
          manager: {value: m.chen}
          start: Start
          finish: End
          budget: {value: 1000}
          scores.strategic_fit: Fit
          scores.value: Value
          scores.urgency: Urgency
          scores.risk: Risk
        """,
    )
    folder = portfolio_copy(tmp_path)
    report = run_import(table, load_mapping(mapping), folder)
    portal = read(folder / "projects" / "portal.yaml")
    assert "forecast_finish" not in portal  # equal to finish
    assert portal["scores"] == {"strategic_fit": "5", "value": "4", "urgency": "3", "risk": "2"}
    # a missing score is left out, and pmo validate says which criterion lacks one
    assert [str(p) for p in report.problems] == [
        "row 3 (lake): scores: every criterion needs a score; missing: urgency"
    ]
    assert not (folder / "projects" / "lake.yaml").exists()


def test_nothing_is_written_into_a_portfolio_that_does_not_validate(setup: tuple[Path, Path, Path]) -> None:
    table, mapping, folder = setup
    people = folder / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("team: web-platform", "team: nowhere", 1))
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1
    assert "The portfolio would not pass pmo validate; nothing was written:" in output
    assert 'unknown team "nowhere"' in output
    assert not (folder / "projects").exists()
