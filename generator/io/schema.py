"""JSON Schemas (draft 2020-12) of the data files, generated from the pydantic models, for editors.

An editor's YAML language server reads a file as YAML 1.2 (an unquoted `2026-03-31` is text, `52` a number,
`true` a boolean) and checks it against the schema as it is typed; it also offers completion, the field
descriptions on hover and the allowed values of closed vocabularies. The schemas describe what `pmo
validate` accepts, as such an editor sees it:

- an entity file (program, project, request) needs no `id:`, its file name is the id;
- a field with nothing after it (`summary:`) means "not given", so every optional field accepts null;
- a project's start, finish and budget may be left out when `withheld` gives the source's reason.

Rules that span fields or files (references, date order, unique ids) stay with `pmo validate`.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from ..data.governance import Governance
from ..data.model import WITHHELD_REQUIRED, Calendar, People, Program, Project, Request, Settings

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic import BaseModel

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = "schemas"

# kind → (model, title, the files it checks, as globs relative to the repository root)
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "portfolio": ("Settings", "portfolio.yaml: the organization and the rules of the portfolio", ("portfolio.yaml",)),
    "people": ("People", "people.yaml: people and teams", ("people.yaml",)),
    "program": ("Program", "programs/<id>.yaml: one program", ("programs/*.yaml",)),
    "project": ("Project", "projects/<id>.yaml: one project", ("projects/*.yaml",)),
    "request": ("Request", "requests/<id>.yaml: one request (demand not yet approved)", ("requests/*.yaml",)),
    "calendar": ("Calendar", "calendar.yaml: the IT calendar", ("calendar.yaml",)),
    "governance": (
        "Governance",
        "governance.yaml: gates, decision rights, regulations and the rules checked against the portfolio",
        ("governance.yaml",),
    ),
    "mapping": ("ImportMapping", "An import mapping for `pmo import`", ("*mapping.yaml",)),
}
ENTITY_KINDS = frozenset({"program", "project", "request"})
_ANNOTATIONS = ("title", "description", "examples", "default")


def _models() -> dict[str, type[BaseModel]]:
    from .import_mapping import ImportMapping

    found: dict[str, type[BaseModel]] = {
        "Settings": Settings,
        "People": People,
        "Program": Program,
        "Project": Project,
        "Request": Request,
        "Calendar": Calendar,
        "Governance": Governance,
        "ImportMapping": ImportMapping,
    }
    return found


def json_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind of file, as a dict."""
    model_name, title, _ = KINDS[kind]
    model = _models()[model_name]
    raw = model.model_json_schema(by_alias=True, mode="validation")
    schema: dict[str, Any] = {"$schema": DIALECT, "title": title}
    if model.__doc__ and kind == "mapping":
        schema["description"] = " ".join(model.__doc__.split())
    schema.update({key: value for key, value in raw.items() if key != "title"})
    for definition in [schema, *schema.get("$defs", {}).values()]:
        _allow_empty(definition)
    if kind in ENTITY_KINDS:
        schema["required"] = [name for name in schema["required"] if name != "id"]
    if kind == "project":
        _withheld_stands_in(schema)
    return schema


def _allow_empty(definition: dict[str, Any]) -> None:
    """`field:` with nothing after it is null to an editor and "not given" to pmo: fine for an optional field."""
    required = set(definition.get("required", ()))
    for name, prop in definition.get("properties", {}).items():
        if name in required or _accepts_null(prop):
            continue
        inner = {key: value for key, value in prop.items() if key not in _ANNOTATIONS}
        outer = {key: value for key, value in prop.items() if key in _ANNOTATIONS}
        definition["properties"][name] = {**outer, "anyOf": [inner, {"type": "null"}]}


def _accepts_null(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(option.get("type") == "null" for option in prop.get("anyOf", ()))


def _withheld_stands_in(schema: dict[str, Any]) -> None:
    """start, finish and budget are required, unless `withheld` lists them: as in Project._before_fields."""
    schema["required"] = [name for name in schema["required"] if name not in WITHHELD_REQUIRED]
    schema["allOf"] = [
        {
            "anyOf": [
                {"required": [name], "properties": {name: {"not": {"type": "null"}}}},
                {"required": ["withheld"], "properties": {"withheld": {"required": [name]}}},
            ]
        }
        for name in WITHHELD_REQUIRED
    ]


def schema_text(kind: str) -> str:
    """The schema as the file the repository ships: stable key order, two-space indent, a final newline."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write each schema by its name into out_dir; nothing else there is touched."""
    from ..data.transaction import replace_file

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = out_dir / f"{kind}.schema.json"
        replace_file(path, schema_text(kind).encode("utf-8"))  # a schema is whole, old or new, whatever happens
        written.append(path)
    return written


def vscode_settings(schema_dir: str = SCHEMA_DIR) -> dict[str, Any]:
    """`yaml.schemas` for VS Code's YAML extension: each schema and the files it checks, anywhere below the
    workspace (the sample portfolio, the test fixtures and imported portfolios alike)."""
    schemas = {
        f"./{schema_dir}/{kind}.schema.json": [f"**/{glob}" for glob in globs] for kind, (_, _, globs) in KINDS.items()
    }
    return {"yaml.schemas": copy.deepcopy(schemas)}
