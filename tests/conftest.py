"""Shared fixtures: the small fixture portfolio, editable copies of it, and a built sample site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
SAMPLE = ROOT / "portfolio"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files (tests/golden/) from what the code makes now; review them with git diff",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text the code made with tests/golden/`name` (see tests/golden.py); rewrite it with --update-golden."""
    from .golden import GOLDEN, compare

    update = bool(request.config.getoption("--update-golden"))
    return lambda name, made: compare(GOLDEN / name, made, update)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """An editable copy of the small valid portfolio."""
    target = tmp_path / "portfolio"
    shutil.copytree(MINI, target)
    return target


Edit = Callable[[str, str, str], None]


@pytest.fixture
def edit(mini: Path) -> Edit:
    """Replace text in one file of the `mini` copy; fails loudly if the text is not there."""

    def change(name: str, old: str, new: str) -> None:
        path = mini / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, where mkdocs.yml, docs/ and methodology/ live."""
    monkeypatch.chdir(ROOT)
    return ROOT


def site_config(
    folder: Path,
    *replacements: tuple[str, str],
    docs: Path | None = None,
    portfolio: Path | None = None,
    pack: bool | None = False,
) -> Path:
    """The repository's mkdocs.yml, written into `folder` with absolute docs, handbook (and portfolio) paths,
    changed by (old, new) text replacements (applied first). `pack` is the plugin's: off unless a test asks,
    since a publish would otherwise print a board pack with Chromium; None leaves it unset, as shipped."""
    text = (ROOT / "mkdocs.yml").read_text()
    if pack is not None:
        text = text.replace("      audience: org\n", f"      audience: org\n      pack: {str(pack).lower()}\n", 1)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    text = text.replace("docs_dir: docs", f"docs_dir: {docs or ROOT / 'docs'}", 1)
    text = text.replace("handbook: methodology", f"handbook: {ROOT / 'methodology'}")
    if portfolio is not None:
        text = text.replace("portfolio: portfolio", f"portfolio: {portfolio}")
    path = folder / "mkdocs.yml"
    path.write_text(text)
    return path


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample portfolio built with --strict, once per run: tests only read it."""
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("sample") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        result = CliRunner().invoke(main, ["build", "--out", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    return out


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def unavailable(reason: str) -> NoReturn:
    """A missing tool: a failure in CI, which must run every test, a skip with the reason on a developer's machine."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: every test must run there)", pytrace=False)
    pytest.skip(reason)
