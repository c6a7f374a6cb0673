"""The layers of generator/ (pyproject.toml, [tool.importlinter]): every contract holds, and the contracts do catch
what they forbid (a cycle, an import up the layers, MkDocs below the adapter)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`lint-imports` as CI runs it, in `cwd` (whose pyproject.toml holds the contracts); no cache in the tree."""
    command = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]
    return subprocess.run(
        [*command, "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_generator_keeps_its_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _project(tmp_path: Path, contracts: str, modules: dict[str, str]) -> Path:
    """A package `app` of the given modules, with the same kinds of contract as generator/'s."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.importlinter]\nroot_package = "app"\ninclude_external_packages = true\n\n' + textwrap.dedent(contracts)
    )
    for name, text in {"__init__": "", **modules}.items():
        path = tmp_path / "app" / f"{name.replace('.', '/')}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


CYCLE = """
[[tool.importlinter.contracts]]
name = "no cycles"
type = "acyclic_siblings"
ancestors = ["app"]
"""
LAYERS = """
[[tool.importlinter.contracts]]
name = "layers"
type = "layers"
layers = ["app.pages", "app.data"]
"""
EDGE = """
[[tool.importlinter.contracts]]
name = "edge"
type = "forbidden"
source_modules = ["app.pages"]
forbidden_modules = ["mkdocs"]
"""


@pytest.mark.parametrize(
    ("contracts", "modules", "named"),
    [
        # an import inside a function that dodges a cycle at import time is still a cycle
        (CYCLE, {"a": "from . import b\n", "b": "def f():\n    from . import a\n"}, "app"),
        (LAYERS, {"pages": "", "data": "from . import pages\n"}, "app.data is not allowed to import app.pages"),
        (EDGE, {"pages": "import mkdocs\n"}, "app.pages is not allowed to import mkdocs"),
    ],
    ids=["cycle", "layer", "mkdocs"],
)
def test_a_broken_contract_fails(tmp_path: Path, contracts: str, modules: dict[str, str], named: str) -> None:
    result = lint_imports(_project(tmp_path, contracts, modules))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 broken" in result.stdout
    assert named in result.stdout


def test_a_kept_contract_passes(tmp_path: Path) -> None:
    """The same contracts over imports that run one way: the failures above come from the imports alone."""
    modules = {"pages": "from . import data\n", "data": "", "a": "from . import b\n", "b": ""}
    result = lint_imports(_project(tmp_path, CYCLE + LAYERS + EDGE, modules))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_module_over_400_lines_says_why_at_its_top() -> None:
    """The tree stays readable: a long module is a choice its docstring explains ("Over 400 lines: …")."""
    import ast

    unexplained = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400 and "Over 400 lines:" not in (ast.get_docstring(ast.parse(text)) or ""):
            unexplained.append(str(path.relative_to(ROOT)))
    assert not unexplained, f"say why at the top, or split: {unexplained}"


def test_no_module_imports_another_s_private_name() -> None:
    """A leading underscore means "this module's own": another module that needs it needs a public name, whether
    it is imported by name or read off an imported module (`validate._unwrap`)."""
    import ast

    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                found += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name.startswith("_")]
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
        for node in ast.walk(tree):
            private = isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
            if private and isinstance(node.value, ast.Name) and node.value.id in imported:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not found, found
