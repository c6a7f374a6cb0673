"""Export → spreadsheet → import: `pmo export` and examples/export-mapping.yaml give back the same data.

"The same data" means: the register's own fields of every project are equal, as the validated model holds
them — id, name, program, kind, phase, methodology, objectives, sponsor, manager, visibility, summary,
start, finish, forecast finish (as the expected finish: the export writes the baseline where there is no
forecast), budget and the RAG override with its reason. The rest of a project file (description, scores,
milestones, status reports, risks …) is not in the register, so it cannot come back from it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.model import Project
from generator.data.validate import validate_portfolio

from .conftest import ROOT, SAMPLE, Edit

MAPPING = ROOT / "examples" / "export-mapping.yaml"
REGISTER_FIELDS = (
    "name",
    "program",
    "kind",
    "phase",
    "methodology",
    "objectives",
    "sponsor",
    "manager",
    "visibility",
    "summary",
    "start",
    "finish",
    "expected_finish",
    "budget",
    "rag_override",
)


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def register_fields(project: Project) -> dict[str, Any]:
    return {name: getattr(project, name) for name in REGISTER_FIELDS}


def without_projects(tmp_path: Path) -> Path:
    folder = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, folder)
    shutil.rmtree(folder / "projects")
    return folder


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_register(tmp_path: Path, fmt: str) -> None:
    register = tmp_path / f"register.{fmt}"
    assert pmo("export", "--audience", "pmo", "--out", str(register))[0] == 0
    folder = without_projects(tmp_path)
    code, output = pmo("import", str(register), "--mapping", str(MAPPING), "--data", str(folder))
    assert code == 0, output
    original = validate_portfolio(load_portfolio(SAMPLE)).projects
    imported = validate_portfolio(load_portfolio(folder)).projects
    assert sorted(imported) == sorted(original)
    for pid, project in original.items():
        assert register_fields(imported[pid]) == register_fields(project), pid


def test_an_edit_in_the_spreadsheet_comes_back(tmp_path: Path) -> None:
    register = tmp_path / "register.xlsx"
    pmo("export", "--audience", "pmo", "--out", str(register))
    book = load_workbook(register)
    sheet = book["Register"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("id")].value == "ehr-upgrade")
    row[header.index("phase")].value = "Closing"  # as a person types it
    row[header.index("bac")].value = 6_250_000
    row[header.index("override_rag")].value = "red"
    row[header.index("override_reason")].value = "Go-live moved twice"
    book.save(register)
    folder = without_projects(tmp_path)
    code, output = pmo("import", str(register), "--mapping", str(MAPPING), "--data", str(folder))
    assert code == 0, output
    ehr = validate_portfolio(load_portfolio(folder)).projects["ehr-upgrade"]
    assert (ehr.phase, ehr.budget) == ("closing", 6_250_000)
    assert ehr.rag_override is not None and (ehr.rag_override.rag, ehr.rag_override.reason) == (
        "red",
        "Go-live moved twice",
    )


def test_text_a_spreadsheet_would_run_comes_back_as_written(mini: Path, edit: Edit, tmp_path: Path) -> None:
    """The CSV export puts ' before text starting with = + - @; the mapping takes it off again."""
    edit("projects/crm.yaml", "summary: One CRM for every patient contact.", 'summary: "-5 % cost: =SUM(A1)"')
    register = tmp_path / "register.csv"
    assert pmo("export", "--data", str(mini), "--audience", "pmo", "--out", str(register))[0] == 0
    assert "'-5 % cost" in register.read_text(encoding="utf-8")
    shutil.rmtree(mini / "projects")
    code, output = pmo("import", str(register), "--mapping", str(MAPPING), "--data", str(mini))
    assert code == 0, output
    assert validate_portfolio(load_portfolio(mini)).projects["crm"].summary == "-5 % cost: =SUM(A1)"
