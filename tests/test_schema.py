"""The JSON Schemas for editors: shipped and current, valid, describing every field, accepting every file
`pmo validate` accepts and rejecting broken ones, as an editor's YAML 1.2 language server reads them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.validate import validate_portfolio
from generator.errors import PortfolioError
from generator.io.schema import KINDS, json_schema, schema_text, vscode_settings

from .conftest import MINI, ROOT, SAMPLE

SCHEMAS = ROOT / "schemas"
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def as_editor_reads(text: str) -> Any:
    """YAML as VS Code's YAML language server reads it: YAML 1.2 core schema. Unquoted 2026-03-31 and 01-01
    stay text (YAML 1.1 would make the first a date), yes/no/on/off stay text, 52 is a number, true a
    boolean, an empty value null. PyYAML's loaders are YAML 1.1, so resolve the composed nodes here."""

    def value(node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {value(k): value(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [value(item) for item in node.value]
        text = node.value
        if node.style is not None:  # quoted or a block scalar: always text
            return text
        if text in ("", "~", "null", "Null", "NULL"):
            return None
        if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return text.lower() == "true"
        if _INT.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        return text

    return value(yaml.compose(text, Loader=yaml.SafeLoader))


def kind_of(path: Path) -> str:
    single = {
        "portfolio.yaml": "portfolio",
        "people.yaml": "people",
        "calendar.yaml": "calendar",
        "governance.yaml": "governance",
    }
    folders = {"projects": "project", "programs": "program", "requests": "request"}
    return single.get(path.name) or folders[path.parent.name]


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(json_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(kind: str, text: str) -> list[str]:
    return [error.message for error in validator(kind).iter_errors(as_editor_reads(text))]


@pytest.mark.parametrize("kind", list(KINDS))
def test_shipped_schemas_are_current(kind: str) -> None:
    assert (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_text(kind), (
        "regenerate with: pmo schema"
    )


def test_pmo_schema_writes_the_same_bytes(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for kind in KINDS:
        assert (tmp_path / "out" / f"{kind}.schema.json").read_bytes() == (SCHEMAS / f"{kind}.schema.json").read_bytes()


@pytest.mark.parametrize("kind", list(KINDS))
def test_schemas_are_valid_draft_2020_12(kind: str) -> None:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for where, definition in [("", schema), *schema.get("$defs", {}).items()]:
        for name, prop in definition.get("properties", {}).items():
            found.append((f"{where}.{name}", prop))
    return found


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_has_a_description_and_an_example(kind: str) -> None:
    schema = json_schema(kind)
    bare = [name for name, prop in _properties(schema) if not prop.get("description") or not prop.get("examples")]
    assert not bare


def test_closed_vocabularies_are_enums_and_ids_have_the_pattern() -> None:
    project = json_schema("project")
    phase = project["properties"]["phase"]
    assert phase["enum"] == [
        "proposal",
        "approved",
        "planning",
        "execution",
        "closing",
        "closed",
        "cancelled",
        "on-hold",
    ]
    assert project["$defs"]["StatusReport"]["properties"]["rag"]["enum"] == ["green", "amber", "red"]
    program = project["properties"]["program"]
    assert re.fullmatch(program["pattern"], "digital-front-door") and not re.fullmatch(program["pattern"], "Front_Door")
    assert "id" not in project["required"]  # the file name is the id


def test_vscode_settings_map_every_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == vscode_settings()["yaml.schemas"]
    for path in settings["yaml.schemas"]:
        assert (ROOT / path).is_file()


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.yaml") if p.parent == folder or p.parent.parent == folder)


@pytest.mark.parametrize("folder", [SAMPLE, MINI], ids=["sample", "mini"])
def test_every_valid_file_is_accepted(folder: Path) -> None:
    validate_portfolio(load_portfolio(folder))  # pmo validate accepts them
    for path in _data_files(folder):
        found = errors(kind_of(path), path.read_text(encoding="utf-8"))
        assert not found, f"{path}: {found}"


def test_mappings_are_accepted() -> None:
    mappings = sorted((ROOT / "examples").rglob("*mapping.yaml"))
    assert len(mappings) >= 2
    for path in mappings:
        assert not errors("mapping", path.read_text(encoding="utf-8")), path


WITHHELD = "start: 2026-01-01\nfinish: 2026-06-30\nwithheld: {budget: Exempt under Section 43}\n"
PROJECT = (
    "name: CRM\nprogram: front-door\nphase: execution\nsponsor: m.chen\nmanager: a.okafor\n"
    "start: 2026-01-01\nfinish: 2026-06-30\nbudget: 100000\n"
)


def test_editor_reading_keeps_dates_and_special_words_text() -> None:
    assert as_editor_reads("a: 2026-03-31\nb: 01-01\nc: no\nd: 52\ne: 1.5\nf: true\ng:\n") == {
        "a": "2026-03-31",
        "b": "01-01",
        "c": "no",
        "d": 52,
        "e": 1.5,
        "f": True,
        "g": None,
    }


def test_what_an_editor_accepts() -> None:
    assert not errors("project", PROJECT)
    assert not errors("project", PROJECT.replace("budget: 100000\n", "") + "withheld: {budget: Exempt}\n")
    assert not errors("project", PROJECT + "summary:\n")  # empty means not given
    assert not errors("project", PROJECT + "id: crm\n")


BROKEN = {
    "unknown field": ("project", PROJECT + "sumary: x\n"),
    "a phase not in the vocabulary": ("project", PROJECT.replace("execution", "active")),
    "a date not in ISO form": ("project", PROJECT.replace("2026-01-01", "01/01/2026")),
    "an impossible date": ("project", PROJECT.replace("2026-01-01", "2026-02-30")),
    "a bad program id": ("project", PROJECT.replace("front-door", "Front Door")),
    "a bad person id": ("project", PROJECT.replace("m.chen", "Mei Chen")),
    "a missing required field": ("project", PROJECT.replace("phase: execution\n", "")),
    "an empty required field": ("project", PROJECT.replace("phase: execution", "phase:")),
    "a budget with a separator": ("project", PROJECT.replace("100000", "100,000")),
    "a negative budget": ("project", PROJECT.replace("100000", "-5")),
    "a missing budget not withheld": ("project", PROJECT.replace("budget: 100000\n", "")),
    "percent over 100": (
        "project",
        PROJECT + "status: [{date: 2026-03-31, rag: red, percent_complete: 120, actual_cost: 1}]\n",
    ),
    "a score of 6": ("project", PROJECT + "scores: {value: 6}\n"),
    "a withheld field not allowed": ("project", PROJECT + "withheld: {name: secret}\n"),
    "a currency in lowercase": ("portfolio", "organization: X\nas_of: 2026-03-31\ncurrency: eur\n"),
    "a fiscal year start as a date": (
        "portfolio",
        "organization: X\nas_of: 2026-03-31\nfiscal_year_start: 2026-01-01\n",
    ),
    "no people": ("people", "people: []\n"),
    "a team without capacity": ("people", "people: [{id: a.b, name: A}]\nteams: [{id: ops, name: Ops}]\n"),
    "an event of an unknown kind": ("calendar", "events: [{title: X, kind: party, start: 2026-01-01}]\n"),
    "a request stage not in the vocabulary": (
        "request",
        "name: X\nrequested_by: m.chen\nsubmitted: 2026-01-01\nstage: pending\n",
    ),
    "a program without manager": ("program", "name: X\n"),
    "a mapping field without a source": ("mapping", "fields: {id: {make_id: true}}\n"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_are_rejected(case: str) -> None:
    kind, text = BROKEN[case]
    assert errors(kind, text), case


@pytest.mark.parametrize("case", [c for c in BROKEN if BROKEN[c][0] != "mapping"])
def test_pmo_validate_rejects_them_too(case: str, tmp_path: Path) -> None:
    """The schemas invent no rule of their own: each broken file fails `pmo validate` as well."""
    kind, text = BROKEN[case]
    folder = tmp_path / "portfolio"
    shutil.copytree(MINI, folder)
    target = {
        "portfolio": folder / "portfolio.yaml",
        "people": folder / "people.yaml",
        "calendar": folder / "calendar.yaml",
        "project": folder / "projects" / "crm.yaml",
        "program": folder / "programs" / "front-door.yaml",
        "request": folder / "requests" / "chatbot.yaml",
    }[kind]
    target.write_text(text, encoding="utf-8")
    with pytest.raises(PortfolioError):
        validate_portfolio(load_portfolio(folder))
