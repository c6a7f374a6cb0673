"""One exception base, PmoError, carrying its exit code and its message: every exception pmo defines derives
from it, the `pmo` command turns it into the message and the code in one place, the plugin into PluginError in
one place."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from mkdocs.exceptions import PluginError

import generator
from generator.cli import main
from generator.data.transaction import WriteNotUndone
from generator.errors import ConfigurationError, PmoError, PortfolioError, Problem, every_problem
from generator.io import schema
from generator.io.gitdata import GitError
from generator.io.templates import NewFileError
from generator.mkdocs_adapter.build import BuildFailed, SwapNotUndone
from generator.mkdocs_adapter.plugin import PortfolioPlugin

from .conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

# Every exception class generator/ defines, with the exit code it documents (1: bad data, a failed build or
# write; 2: usage or configuration). A new one must be added here, deriving from PmoError.
EXIT_CODES = {
    "PmoError": 1,
    "PortfolioError": 1,
    "ConfigurationError": 2,
    "WriteFailed": 1,
    "YamlProblem": 1,
    "WriteNotUndone": 1,
    "MarkerError": 1,
    "GitError": 1,
    "UnknownRevision": 1,
    "NewFileError": 2,
    "ImportFailure": 1,
    "MappingMismatch": 1,
    "ValueProblem": 1,
    "MappingError": 2,
    "BuildFailed": 1,
    "SiteNotWritten": 2,
    "SwapNotUndone": 1,
    "ServeFailed": 1,
    "PrintFailed": 1,
    "SearchIndexError": 1,
}
# What the system refused, as open() would say it: read_regular raises these where open() raises OSError, so
# that every caller handles both alike (and turns them into a PmoError where it knows what was attempted).
OS_ERRORS = {"NotRegular", "FileTooBig"}


def _exceptions() -> dict[str, type[BaseException]]:
    found = {}
    for module in pkgutil.walk_packages(generator.__path__, "generator."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.name:
                found[name] = value
    return found


def test_every_exception_pmo_defines_is_a_pmo_error_with_its_documented_exit_code() -> None:
    found = _exceptions()
    assert set(found) == set(EXIT_CODES) | OS_ERRORS
    assert {name for name, cls in found.items() if issubclass(cls, OSError)} == OS_ERRORS
    assert {name: cls.exit_code for name, cls in found.items() if issubclass(cls, PmoError)} == EXIT_CODES


def _handlers(source: str) -> list[tuple[str, set[str], bool]]:
    """Each `except` of a module: the function it is in, the names it catches, whether it ends the error there
    (its last statement is not a raise)."""
    found = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = f"{where}.{child.name}".lstrip(".") if isinstance(child, ast.FunctionDef | ast.ClassDef) else where
            if isinstance(child, ast.ExceptHandler):
                types = child.type.elts if isinstance(child.type, ast.Tuple) else [child.type]
                names = {getattr(t, "id", getattr(t, "attr", "")) for t in types if t is not None} or {"(bare)"}
                found.append((where, names, not isinstance(child.body[-1], ast.Raise)))
            visit(child, inner)

    visit(ast.parse(source), "")
    return found


def _swallowers(source: str) -> list[str]:
    """Where a module's code catches a PmoError (or anything, which includes one) and does not raise again."""
    catches_pmo = set(EXIT_CODES) | {"Exception", "BaseException", "(bare)"}
    return [where for where, names, ends in _handlers(source) if ends and names & catches_pmo]


def test_the_cli_turns_errors_into_messages_in_one_place() -> None:
    """No command (or helper) of cli.py catches a PmoError itself: each failure reaches _Commands.invoke. An
    except may add a note or turn an OSError into a PmoError, and raises again."""
    assert _swallowers((ROOT / "generator" / "cli.py").read_text(encoding="utf-8")) == ["_Commands.invoke"]
    caught = textwrap.dedent(
        """
        def export():
            try:
                write()
            except ConfigurationError as exc:
                _echo(f"Error: {exc}")
                sys.exit(2)
        """
    )
    assert _swallowers(caught) == ["export"]  # the check sees a command that handles one itself


def test_the_plugin_turns_errors_into_plugin_errors_in_one_place() -> None:
    source = (ROOT / "generator" / "mkdocs_adapter" / "plugin.py").read_text(encoding="utf-8")
    assert _swallowers(source) == []
    assert [where for where, names, _ in _handlers(source) if names & (set(EXIT_CODES))] == [
        "PortfolioPlugin._failures"
    ]
    plugin = PortfolioPlugin()
    for error, said in [
        (GitError("git is missing"), "git is missing"),
        (PortfolioError([Problem("a.yaml", 2, "name", "missing")]), "the portfolio data is invalid:\na.yaml:2: name"),
    ]:
        with pytest.raises(PluginError) as raised, plugin._failures():
            raise error
        assert str(raised.value).startswith(said)
        assert plugin.failure is error  # for pmo build's exit code and pmo serve's banner


def _noted(error: PmoError, note: str) -> PmoError:
    error.add_note(note)
    return error


PROBLEM = Problem("portfolio/projects/a.yaml", 3, "budget", "expected a number")


@pytest.mark.parametrize(
    ("error", "shown", "code"),
    [
        (ConfigurationError("--out x: the folder y does not exist"), "Error: --out x: the folder y does not exist", 2),
        (GitError("git log failed: no repository"), "Error: git log failed: no repository", 1),
        (NewFileError("projects/a.yaml exists already"), "Error: projects/a.yaml exists already", 2),
        (PortfolioError([PROBLEM]), "portfolio/projects/a.yaml:3: budget: expected a number\n1 problem found.", 1),
        (
            _noted(PortfolioError([PROBLEM, PROBLEM]), "Nothing was written."),
            "portfolio/projects/a.yaml:3: budget: expected a number\n1 problem found.\nNothing was written.",
            1,
        ),
        (WriteNotUndone("undoing it failed too"), "Error: undoing it failed too.", 1),
        (SwapNotUndone("putting it back failed"), "Error: putting it back failed.", 1),
        (
            _noted(BuildFailed("Aborted!", None), "Nothing in site was changed."),
            "Build failed: Aborted! Nothing in site was changed.",
            1,
        ),
        (
            BuildFailed("Aborted with a BuildError!", ConfigurationError("a FIFO")),
            "Build failed: Aborted with a BuildError!",
            2,
        ),
        (ConfigurationError("name \x1b[31mred"), "Error: name \\u001b[31mred", 2),  # never a raw control character
    ],
)
def test_a_pmo_error_is_its_message_on_stderr_and_its_exit_code(
    error: PmoError, shown: str, code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(out_dir: Path) -> list[Path]:
        raise error

    monkeypatch.setattr(schema, "write_schemas", fail)
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path)])
    assert (result.exit_code, result.stderr, result.stdout) == (code, shown + "\n", "")


def test_every_problem_tells_of_each_failed_read_at_once() -> None:
    def bad(file: str) -> int:
        raise PortfolioError([Problem(file, 1, "", "broken")])

    assert every_problem(lambda: 1, lambda: 2) == [1, 2]
    with pytest.raises(PortfolioError) as raised:
        every_problem(lambda: bad("a.yaml"), lambda: 2, lambda: bad("b.yaml"))
    assert raised.value.user_message() == "a.yaml:1: broken\n1 problem found.\nb.yaml:1: broken\n1 problem found."
    with pytest.raises(ConfigurationError):  # not bad data: reported at once, alone
        every_problem(lambda: bad("a.yaml"), lambda: (_ for _ in ()).throw(ConfigurationError("usage")))
