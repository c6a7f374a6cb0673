"""generator/io/yaml_write.py is the one YAML writer: every file pmo writes in YAML (portfolio files, the
mkdocs.yml of `pmo generate`) comes from it, and what it writes reads back as the same values."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.data.yaml_guard import parse_yaml
from generator.io.yaml_write import nested_document

from .conftest import ROOT

GENERATOR = ROOT / "generator"
AWKWARD = ["", " lead", "trail ", "1.0", "007", "yes", "No", "null", "~", "a: b", "#x", "- x", "[x]", "{x}", "@x"]
AWKWARD += ["Northwind · IT", "tab\there", "bell\x07", "two\nlines", "two\nlines\n", "gap\n\n  indented\n", "é"]


def _dumps(tree: ast.AST) -> list[str]:
    """The yaml.dump-like calls in a module: yaml.dump, yaml.safe_dump, dump_all, … (by name or attribute)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"dump", "safe_dump", "dump_all", "safe_dump_all", "emit", "serialize"}:
                names.append(f"{name} (line {node.lineno})")
        elif isinstance(node, ast.ImportFrom) and node.module == "yaml":
            names += [f"from yaml import {a.name}" for a in node.names if "dump" in a.name]
    return names


def test_no_module_but_yaml_write_writes_yaml() -> None:
    writers = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        found = _dumps(ast.parse(path.read_text(encoding="utf-8")))
        if found and path != GENERATOR / "io" / "yaml_write.py":
            writers[str(path.relative_to(ROOT))] = found
    assert writers == {}
    # and the check does see one
    assert _dumps(ast.parse("import yaml\nyaml.safe_dump({})\n")) == ["safe_dump (line 2)"]


def test_a_nested_document_reads_back_as_written() -> None:
    data: dict[str, Any] = {
        "site_name": "{organization} IT portfolio",
        "nav": [
            {"Home": "index.md"},
            {"Portfolio": [{"Project register": "projects/index.md"}, {"Deeper": [{"x": "y.md"}, "z.md"]}]},
            "roadmap.md",
        ],
        "not_in_nav": "/projects/*.md\n/programs/*.md",
        "markdown_extensions": ["abbr", {"toc": {"permalink": True, "depth": 3}}, {"abbr": None}],
        "theme": {"name": "material", "features": [], "palette": [{"media": "(x)", "toggle": {"icon": "a"}}]},
        "extra": {},
        "lists": [[1, 2.5], [], [[False]]],
        "awkward": AWKWARD,
        "keys": {text: text for text in AWKWARD if text},
        3: dt.date(2026, 10, 31),
    }
    text = nested_document(data, "Generated: do not edit.")
    assert text.startswith("# Generated: do not edit.\nsite_name: ")
    assert yaml.safe_load(text) == data


def test_yaml_guard_reads_a_nested_document_of_text_as_written(tmp_path: Path) -> None:
    """The guard reads every scalar as text: a document of text comes back exactly."""
    data = {"nav": [{"A b": "a.md"}, {"C": [{"D": "d.md"}]}], "awkward": AWKWARD, "keys": {t: t for t in AWKWARD if t}}
    assert parse_yaml(nested_document(data), tmp_path / "x.yml", "x.yml").data == data


@pytest.mark.parametrize("value", [[], {}, "", None, True, 0])
def test_empty_and_plain_values_keep_their_type(value: Any) -> None:
    assert yaml.safe_load(nested_document({"key": value, "in": [value]})) == {"key": value, "in": [value]}
