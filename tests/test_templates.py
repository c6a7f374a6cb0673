"""`pmo new`: a commented template that is valid where it is written, and refuses ids it must not take."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.model import Program, Project, Request
from generator.data.validate import validate_portfolio
from generator.io.templates import download_templates, known, known_from

from .conftest import MINI, SAMPLE
from .test_schema import as_editor_reads, errors

MODELS = {"project": Project, "program": Program, "request": Request}
FOLDERS = {"project": "projects", "program": "programs", "request": "requests"}


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    target = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.mark.parametrize("kind", ["project", "program", "request"])
def test_new_file_is_valid_in_the_portfolio(sample: Path, kind: str) -> None:
    code, output = pmo("new", kind, "brand-new", "--data", str(sample))
    assert code == 0, output
    path = sample / FOLDERS[kind] / "brand-new.yaml"
    portfolio = validate_portfolio(load_portfolio(sample))
    assert "brand-new" in getattr(portfolio, FOLDERS[kind])
    assert not errors(kind, path.read_text(encoding="utf-8"))  # and an editor agrees


@pytest.mark.parametrize("kind", ["project", "program", "request"])
def test_every_field_is_described_with_an_example(sample: Path, kind: str) -> None:
    pmo("new", kind, "brand-new", "--data", str(sample))
    text = (sample / FOLDERS[kind] / "brand-new.yaml").read_text(encoding="utf-8")
    for name, info in MODELS[kind].model_fields.items():
        if name == "id":
            continue
        field = info.alias or name
        assert f"# {info.description}"[:60] in text, field
        assert re.search(rf"^(# )?{field}:", text, re.M), field
    if kind == "project":
        assert "One of: proposal | approved | planning | execution" in text
        assert "#   - {name: Go-live, baseline: 2026-11-27" in text


def uncomment_examples(text: str) -> str:
    """Remove the "# " of every optional field's example line (and of its list items)."""
    out = []
    inside = False
    for line in text.splitlines():
        match = re.match(r"# ([a-z_]+):( |$)", line)
        if match and match.group(1) in Project.model_fields and match.group(1) != "withheld":
            out.append(line[2:])
            inside = True
        elif inside and line.startswith("#   - {"):
            out.append(line[2:])
        else:
            out.append(line)
            inside = False
    return "\n".join(out) + "\n"


def test_uncommented_examples_are_valid_too(sample: Path) -> None:
    """Use every optional field as its example shows: the project is still valid (the examples fit)."""
    pmo("new", "project", "brand-new", "--data", str(sample))
    path = sample / "projects" / "brand-new.yaml"
    text = uncomment_examples(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    data = as_editor_reads(text)
    optional = {name for name, info in Project.model_fields.items() if not info.is_required()} - {"withheld"}
    assert set(data) >= {Project.model_fields[name].alias or name for name in optional}
    validate_portfolio(load_portfolio(sample))
    assert not errors("project", text)


def test_defaults_come_from_the_portfolio_and_are_marked(sample: Path) -> None:
    pmo("new", "project", "brand-new", "--data", str(sample))
    text = (sample / "projects" / "brand-new.yaml").read_text(encoding="utf-8")
    assert "program: clinical-systems  # TODO: the program (here: the first program)" in text
    assert "manager: j.kowalski  # TODO: the project manager (here: the program's manager)" in text
    assert "start: 2026-11-01" in text  # the month after as_of 2026-10-31
    assert text.startswith("# yaml-language-server: $schema=") is False  # no schemas/ beside this copy


def test_options_fill_the_fields(sample: Path) -> None:
    code, output = pmo(
        "new", "project", "crm-2", "--data", str(sample), "--name", "CRM 2", "--program", "data-platform",
        "--manager", "m.chen", "--sponsor", "a.rahman",
    )  # fmt: skip
    assert code == 0, output
    data = as_editor_reads((sample / "projects" / "crm-2.yaml").read_text(encoding="utf-8"))
    assert (data["name"], data["program"], data["manager"], data["sponsor"]) == (
        "CRM 2",
        "data-platform",
        "m.chen",
        "a.rahman",
    )


def test_a_field_the_user_gave_gets_no_todo(sample: Path) -> None:
    """--name, --program, --manager and --sponsor are the user's values, not placeholders: no TODO on them, and
    the message names only the fields left to fill in."""
    code, output = pmo(
        "new", "project", "crm-2", "--data", str(sample), "--name", "CRM 2", "--program", "data-platform",
        "--manager", "m.chen", "--sponsor", "a.rahman",
    )  # fmt: skip
    assert code == 0, output
    path = sample / "projects" / "crm-2.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for field, value in [
        ("name", '"CRM 2"'),
        ("program", "data-platform"),
        ("manager", "m.chen"),
        ("sponsor", "a.rahman"),
    ]:
        assert f"{field}: {value}" in lines, field  # the whole line: no comment after it
    todo = [line.split(":")[0] for line in lines if "# TODO" in line]
    assert todo == ["phase", "start", "finish", "budget"]
    assert (
        output
        == f"Wrote {path}: fill in the fields marked TODO (phase, start, finish, budget), then run pmo validate.\n"
    )


def test_a_program_given_in_full_has_no_todo_at_all(sample: Path) -> None:
    code, output = pmo("new", "program", "new-prog", "--data", str(sample), "--name", "New", "--manager", "m.chen")
    assert code == 0, output
    path = sample / "programs" / "new-prog.yaml"
    text = path.read_text(encoding="utf-8")
    assert "TODO" not in text and "placeholders" not in text
    assert output == f"Wrote {path}: check it with pmo validate.\n"


def test_schema_line_points_at_the_repository_schema(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo / "portfolio")
    (repo / "schemas").mkdir()
    (repo / "schemas" / "project.schema.json").write_text("{}")
    pmo("new", "project", "brand-new", "--data", str(repo / "portfolio"))
    first = (repo / "portfolio" / "projects" / "brand-new.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/project.schema.json"


@pytest.mark.parametrize(
    ("entity_id", "words"),
    [
        ("crm", "exists already"),
        ("Bad_Id", "not a valid id"),
        ("x", "not a valid id"),
        ("crm-", "not a valid id"),
        ("index", "reserved name"),
        ("assets", "reserved name"),
    ],
)
def test_refuses_a_taken_or_broken_id(mini: Path, entity_id: str, words: str) -> None:
    before = sorted(p.name for p in (mini / "projects").iterdir())
    code, output = pmo("new", "project", entity_id, "--data", str(mini))
    assert code == 2 and words in output
    assert sorted(p.name for p in (mini / "projects").iterdir()) == before
    assert (mini / "projects" / "crm.yaml").read_text(encoding="utf-8") == (MINI / "projects" / "crm.yaml").read_text(
        encoding="utf-8"
    )


def test_refuses_unknown_references(mini: Path) -> None:
    code, output = pmo("new", "project", "brand-new", "--data", str(mini), "--program", "nope")
    assert code == 2 and 'no program "nope"' in output
    code, output = pmo("new", "project", "brand-new", "--data", str(mini), "--manager", "nobody")
    assert code == 2 and 'no person "nobody"' in output
    assert not (mini / "projects" / "brand-new.yaml").exists()


def test_site_downloads_are_the_same_templates() -> None:
    portfolio = validate_portfolio(load_portfolio(SAMPLE))
    from_site = download_templates(known_from(portfolio))
    from_files = download_templates(known(load_portfolio(SAMPLE)))
    assert from_site == from_files
    assert sorted(from_site) == ["new-program.yaml", "new-project.yaml", "new-request.yaml"]
    assert from_site["new-project.yaml"].startswith("# yaml-language-server: $schema=../../schemas/project.schema.json")
