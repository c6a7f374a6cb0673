"""`pmo export`: the register as CSV, JSON and xlsx, typed, complete, deterministic and inert in a spreadsheet."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.io.export import HEADER, register, to_xlsx
from generator.pipeline import prepare, read_portfolio

from .conftest import MINI, Edit
from .test_audience import CANARY, plant_canaries

# The issue's columns, spelled out here rather than imported: renaming or reordering one must fail a test.
REQUIRED = (  # noqa: SIM905
    "id, name, program, kind, phase, manager, rag, reported_rag, start, finish, forecast_finish, slip_days, "
    "bac, pv, ev, ac, sv, cv, spi, cpi, eac, etc, vac, tcpi, budget_adherence, risk_exposure, priority_score, "
    "priority_rank"
).split(", ")
# The worked example of the data contract is the fixture's crm project, as of 2026-03-02.
CRM = {
    "bac": 100000,
    "pv": 50000,
    "ev": 40000,
    "ac": 45000,
    "sv": -10000,
    "cv": -5000,
    "spi": 0.8,
    "eac": 112500,
    "etc": 67500,
    "vac": -12500,
    "budget_adherence": 112.5,
    "slip_days": 19,  # forecast 2026-05-20 against 2026-05-01
    "risk_exposure": 12,  # one open risk, 3 × 4
    "priority_score": 4.2,  # 0.35×5 + 0.30×4 + 0.15×3 + 0.20×(6−2)
    "priority_rank": 1,
}
EVIL = '=HYPERLINK("http://evil","x")'


def pmo(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def export(data: Path, fmt: str, *args: str) -> bytes:
    result = pmo("export", "--data", str(data), "--format", fmt, *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def csv_rows(data: Path, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export(data, "csv", *args).decode("utf-8"), newline="")))


def json_rows(data: Path, *args: str) -> list[dict[str, Any]]:
    return json.loads(export(data, "json", *args))


def xlsx_sheet(data: Path, tmp_path: Path, *args: str) -> Any:
    out = tmp_path / "register.xlsx"
    result = pmo("export", "--data", str(data), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out).active


def xlsx_rows(sheet: Any) -> list[dict[str, Any]]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


# columns and values --------------------------------------------------------------------------------


def test_required_columns_come_first_in_the_issues_order(tmp_path: Path) -> None:
    assert export(MINI, "csv").decode().splitlines()[0].split(",")[: len(REQUIRED)] == REQUIRED
    assert list(json_rows(MINI)[0])[: len(REQUIRED)] == REQUIRED
    header = [cell.value for cell in xlsx_sheet(MINI, tmp_path)[1]]
    assert header[: len(REQUIRED)] == REQUIRED
    assert {"percent_complete", "status_date", "open_risks", "objectives", "program_name"} <= set(header)
    assert len(header) == len(set(header))


def test_worked_example_in_every_format(tmp_path: Path) -> None:
    as_csv = by_id(csv_rows(MINI))["crm"]
    as_json = by_id(json_rows(MINI))["crm"]
    as_xlsx = by_id(xlsx_rows(xlsx_sheet(MINI, tmp_path)))["crm"]
    for column, expected in CRM.items():
        assert float(as_csv[column]) == pytest.approx(expected), column
        assert as_json[column] == pytest.approx(expected), column
        assert as_xlsx[column] == pytest.approx(expected), column
    for row in (as_json, as_xlsx):
        assert row["cpi"] == pytest.approx(0.889, abs=5e-4)
        assert row["tcpi"] == pytest.approx(1.091, abs=5e-4)
        assert (row["rag"], row["reported_rag"], row["manager"], row["program"]) == (
            "red",
            "amber",
            "a.okafor",
            "front-door",
        )
    # integral values are integers: no "19.0" days or "1.0" rank
    assert (as_csv["slip_days"], as_csv["priority_rank"], as_csv["bac"], as_csv["spi"]) == ("19", "1", "100000", "0.8")
    assert all(type(as_json[c]) is int for c in ("slip_days", "priority_rank", "risk_exposure", "bac", "eac"))
    assert (as_json["manager_name"], as_json["program_name"], as_json["percent_complete"]) == (
        "Ada Okafor",
        "Digital front door",
        40,
    )


def test_undefined_is_empty_or_null_and_zero_stays_zero(edit: Edit, mini: Path, tmp_path: Path) -> None:
    """crm without a status report yet: AC, EV and everything built on them is undefined; PV is still 50000.
    identity is closed (no RAG) and unscored (no priority), and its SV and ETC are a real 0."""
    edit("projects/crm.yaml", "date: 2026-01-31", "date: 2026-03-31")
    edit("projects/crm.yaml", "date: 2026-02-28", "date: 2026-04-30")
    undefined = ("ac", "ev", "sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi", "budget_adherence", "rag")
    rows = {
        "csv": by_id(csv_rows(mini)),
        "json": by_id(json_rows(mini)),
        "xlsx": by_id(xlsx_rows(xlsx_sheet(mini, tmp_path))),
    }
    empty = {"csv": "", "json": None, "xlsx": None}
    for fmt, row in rows.items():
        crm, identity = row["crm"], row["identity"]
        assert [crm[c] for c in (*undefined, "reported_rag", "status_date")] == [empty[fmt]] * (len(undefined) + 2), fmt
        assert float(crm["pv"]) == 50000, fmt
        assert [identity[c] for c in ("rag", "priority_score", "priority_rank")] == [empty[fmt]] * 3, fmt
        assert [float(identity[c]) for c in ("sv", "etc", "tcpi", "risk_exposure")] == [0, 0, 0, 0], fmt


def test_dates_are_iso_text_and_date_cells(tmp_path: Path) -> None:
    assert by_id(csv_rows(MINI))["crm"]["start"] == "2026-01-01"
    crm = by_id(json_rows(MINI))["crm"]
    assert (crm["finish"], crm["forecast_finish"], crm["status_date"], crm["as_of"]) == (
        "2026-05-01",
        "2026-05-20",
        "2026-02-28",
        "2026-03-02",
    )
    sheet = xlsx_sheet(MINI, tmp_path)
    cells = {cell.value: cell for cell in sheet[1]}
    start = sheet.cell(row=2, column=cells["start"].column)
    assert start.is_date and start.value == dt.datetime(2026, 1, 1) and start.number_format == "yyyy-mm-dd"
    bac = sheet.cell(row=2, column=cells["bac"].column)
    assert (bac.data_type, bac.value, bac.number_format) == ("n", 100000, "#,##0")


def test_json_is_a_sorted_list_with_one_key_order(mini: Path) -> None:
    (mini / "projects" / "alpha.yaml").write_text((mini / "projects" / "identity.yaml").read_text())
    rows = json_rows(mini)
    assert [row["id"] for row in rows] == ["alpha", "crm", "identity"]
    assert len({tuple(row) for row in rows}) == 1


def test_objectives_are_joined(edit: Edit, mini: Path) -> None:
    edit("projects/crm.yaml", "objectives: [digital-care]", "objectives: [digital-care, lean-ops]")
    assert by_id(csv_rows(mini))["crm"]["objectives"] == "digital-care;lean-ops"


# a spreadsheet must not run data ---------------------------------------------------------------------


def test_text_never_becomes_a_formula(edit: Edit, mini: Path, tmp_path: Path) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", f"name: '{EVIL}'")
    edit("projects/crm.yaml", "summary: One CRM for every patient contact.", "summary: '@SUM(1+1)'")
    edit("projects/identity.yaml", "name: Identity platform", "name: '#N/A'")
    edit("programs/front-door.yaml", "name: Digital front door", "name: '-2+3'")
    crm = by_id(csv_rows(mini))["crm"]
    assert (crm["name"], crm["summary"], crm["program_name"]) == (f"'{EVIL}", "'@SUM(1+1)", "'-2+3")
    assert by_id(json_rows(mini))["crm"]["name"] == EVIL  # JSON is data, not a sheet: kept as it is
    sheet = xlsx_sheet(mini, tmp_path)
    rows = by_id(xlsx_rows(sheet))
    assert (rows["crm"]["name"], rows["crm"]["summary"], rows["identity"]["name"]) == (EVIL, "@SUM(1+1)", "#N/A")
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} <= {"s", "n", "d", "b"}
    with zipfile.ZipFile(tmp_path / "register.xlsx") as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_control_characters_are_refused_and_never_break_the_workbook(edit: Edit, mini: Path) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", 'name: "Patient\\a CRM"')
    result = pmo("export", "--data", str(mini), "--format", "json")
    assert result.exit_code == 1 and "name: the control character U+0007 is not allowed in text" in result.output
    table = register(prepare(read_portfolio(MINI), "org"))  # and should one reach the workbook all the same:
    name = HEADER.index("name")
    rows = [(*row[:name], "Patient\a CRM", *row[name + 1 :]) for row in table.rows]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(dataclasses.replace(table, rows=rows)))).active
    assert {row["name"] for row in xlsx_rows(sheet)} == {"Patient\ufffd CRM"}


# the workbook -------------------------------------------------------------------------------------


def test_workbook_has_a_frozen_bold_filtered_header(tmp_path: Path) -> None:
    sheet = xlsx_sheet(MINI, tmp_path)
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}3"
    widths = [
        sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, sheet.max_column + 1)
    ]
    assert all(8 <= width <= 50 for width in widths)
    assert widths[REQUIRED.index("budget_adherence")] >= len("budget_adherence")


def test_workbook_bytes_depend_on_the_data_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two exports a day apart on the clock give the same bytes: every date inside is as_of's."""
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert pmo("export", "--data", str(MINI), "--out", str(first)).exit_code == 0
    later = time.time() + 86400
    monkeypatch.setattr(time, "time", lambda: later)
    assert pmo("export", "--data", str(MINI), "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(second) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 3, 2, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-03-02T00:00:00Z") == 2  # created and modified
    book = openpyxl.load_workbook(second)
    assert book.properties.modified == dt.datetime(2026, 3, 2)


def test_csv_is_utf8_with_crlf_and_no_bom(edit: Edit, mini: Path) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", "name: Patient CRM, Zürich")
    data = export(mini, "csv")
    assert data.startswith(b"id,name,") and data.endswith(b"\r\n") and data.count(b"\r\n") == 3
    assert b'"Patient CRM, Z\xc3\xbcrich"' in data


# audience -----------------------------------------------------------------------------------------


def test_pmo_only_projects_need_the_pmo_audience(mini: Path, tmp_path: Path) -> None:
    plant_canaries(mini)
    org = {"csv": export(mini, "csv"), "json": export(mini, "json")}
    assert all(CANARY not in data.decode() for data in org.values())
    assert [row["id"] for row in json_rows(mini)] == ["crm", "identity"]
    assert by_id(json_rows(mini))["crm"]["risk_exposure"] == 12  # the pmo-only risk (5 × 5) is not counted
    xlsx_sheet(mini, tmp_path)
    with zipfile.ZipFile(tmp_path / "register.xlsx") as archive:
        assert all(CANARY not in archive.read(name).decode() for name in archive.namelist())
    pmo_rows = by_id(json_rows(mini, "--audience", "pmo"))
    assert set(pmo_rows) == {"crm", "identity", f"{CANARY}-project", f"{CANARY}-inherited"}
    assert pmo_rows[f"{CANARY}-project"]["visibility"] == "pmo"
    assert pmo_rows["crm"]["risk_exposure"] == 37


def test_an_empty_register_keeps_its_header(mini: Path, tmp_path: Path) -> None:
    with (mini / "programs" / "front-door.yaml").open("a") as file:
        file.write("visibility: pmo\n")  # and with it both projects
    assert export(mini, "csv").decode().split(",")[: len(REQUIRED)] == REQUIRED
    assert json_rows(mini) == []
    sheet = xlsx_sheet(mini, tmp_path)
    assert [cell.value for cell in sheet[1]][: len(REQUIRED)] == REQUIRED and sheet.max_row == 1


# the command --------------------------------------------------------------------------------------


def test_out_file_and_stdout_hold_the_same_bytes(tmp_path: Path) -> None:
    for fmt in ("csv", "json"):
        out = tmp_path / f"register.{fmt}"
        result = pmo("export", "--data", str(MINI), "--format", fmt, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert result.stdout == f"Wrote 2 projects to {out}.\n"
        assert out.read_bytes() == export(MINI, fmt) == export(MINI, fmt, "--out", "-")
        assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_format_follows_the_out_suffix(tmp_path: Path) -> None:
    out = tmp_path / "register.JSON"
    assert pmo("export", "--data", str(MINI), "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text())[0]["id"] == "crm"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "xlsx"], "--out"),
        (["--format", "xlsx", "--out", "-"], "--out"),
        ([], "--format"),
        (["--out", "register.txt"], "--format"),
        (["--format", "ods"], "ods"),
        (["--format", "csv", "--audience", "everyone"], "everyone"),
        (["--format", "csv", "--out", "missing/register.csv"], "does not exist"),
    ],
)
def test_usage_errors_exit_2(args: list[str], words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = pmo("export", "--data", str(MINI), *args)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert list(tmp_path.iterdir()) == []


def test_missing_data_folder_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert pmo("export", "--data", str(tmp_path / "nowhere"), "--format", "csv").exit_code == 2
    monkeypatch.chdir(tmp_path)  # no portfolio/ here
    result = pmo("export", "--format", "csv")
    assert result.exit_code == 2 and "portfolio is not a folder" in result.output


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_invalid_data_exits_1_and_writes_nothing(edit: Edit, mini: Path, tmp_path: Path, fmt: str) -> None:
    edit("projects/crm.yaml", "phase: execution", "phase: done")
    out = tmp_path / "exports" / f"register.{fmt}"
    out.parent.mkdir()
    for previous in (None, b"the previous export"):
        if previous:
            out.write_bytes(previous)
        result = pmo("export", "--data", str(mini), "--out", str(out))
        assert result.exit_code == 1
        assert "crm.yaml:4: phase: expected one of" in result.stderr and "Nothing was written." in result.stderr
        assert result.stdout == ""
        assert [p.name for p in out.parent.iterdir()] == ([out.name] if previous else [])
        assert previous is None or out.read_bytes() == previous


def test_a_failed_write_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "register.csv"
    out.write_bytes(b"the previous export")

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = pmo("export", "--data", str(MINI), "--out", str(out))
    assert result.exit_code == 1 and "cannot write" in result.stderr and "Permission denied" in result.stderr
    assert out.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["register.csv"]  # the temporary file is gone


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
