"""Property-based tests: random and mutated files never crash the loader or validator, and valid random
portfolios always build."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.validate import validate_portfolio
from generator.errors import BIDI_CONTROLS, PortfolioError
from generator.pipeline import site_tree
from generator.widgets.blocks import unmark

from .conftest import MINI, ROOT

FILES = [
    "portfolio.yaml",
    "people.yaml",
    "calendar.yaml",
    "programs/front-door.yaml",
    "projects/crm.yaml",
    "requests/chatbot.yaml",
]
YAML_BITS = [
    "&a ",
    "*a",
    "<<: ",
    "!!python/object:os.system ",
    "!!binary ",
    "[",
    "]",
    "{",
    "}",
    "- ",
    ": ",
    "\t",
    "---\n",
    "? ",
    "|\n",
    ">\n",
    "'",
    '"',
    "#",
    "~",
    "null",
    "no",
    "1.10",
    "2026-13-45",
    "\x00",
    "\ufeff",
    "é",
    "%YAML 1.1\n",
    "@",
    "`",
]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(folder: Path) -> None:
    """Validation either succeeds or reports clean problems, each naming a file."""
    try:
        validate_portfolio(load_portfolio(folder))
    except PortfolioError as exc:
        assert exc.problems
        assert all(p.file and p.message for p in exc.problems)


def with_file(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "portfolio"
        shutil.copytree(MINI, folder)
        (folder / name).write_bytes(content)
        check(folder)


@FUZZ
@given(name=st.sampled_from(FILES), content=st.binary(max_size=2000))
def test_random_bytes_never_crash(name: str, content: bytes) -> None:
    with_file(name, content)


@FUZZ
@given(
    name=st.sampled_from(FILES),
    content=st.lists(st.sampled_from(YAML_BITS + list("abc:-0123 \n")), max_size=120).map("".join),
)
def test_random_yaml_like_text_never_crashes(name: str, content: str) -> None:
    with_file(name, content.encode("utf-8", "surrogatepass"))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FILES))
    lines = (MINI / name).read_text().splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        kind = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "swap", "indent"]))
        if kind == "delete" and lines:
            del lines[i]
        elif kind == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif kind == "insert":
            lines.insert(i, draw(st.sampled_from(YAML_BITS)) + draw(st.sampled_from(["x", "1", ""])) + "\n")
        elif kind == "replace" and lines:
            line = lines[i]
            at = draw(st.integers(0, max(len(line) - 1, 0)))
            lines[i] = line[:at] + draw(st.sampled_from(YAML_BITS)) + line[at + 1 :]
        elif kind == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent" and lines:
            lines[i] = draw(st.sampled_from(["  ", "    ", "\t"])) + lines[i]
    return name, "".join(lines).encode()


@FUZZ
@given(mutated())
def test_mutated_files_never_crash(case: tuple[str, bytes]) -> None:
    with_file(*case)


DATES = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31))
# Any text a data file may hold: every character but the control and bidirectional ones the model refuses.
TEXT_CHARS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=BIDI_CONTROLS) | st.sampled_from("\t\n")


def text(min_size: int = 0, max_size: int = 80) -> st.SearchStrategy[str]:
    return st.text(TEXT_CHARS, min_size=min_size, max_size=max_size)


@st.composite
def valid_project(draw: st.DrawFn) -> dict:
    start = draw(DATES)
    finish = start + dt.timedelta(days=draw(st.integers(0, 900)))
    budget = draw(st.integers(0, 5_000_000))
    reports, day, percent, cost = [], start, 0.0, 0.0
    for _ in range(draw(st.integers(0, 14))):
        day += dt.timedelta(days=draw(st.integers(1, 60)))
        percent = min(100.0, percent + draw(st.integers(0, 30)))
        cost += draw(st.integers(0, 400_000))
        reports.append(
            {
                "date": day,
                "rag": draw(st.sampled_from(["green", "amber", "red"])),
                "percent_complete": percent,
                "actual_cost": cost,
                "summary": draw(text(max_size=80)),
            }
        )
    return {
        "name": draw(text(min_size=1, max_size=60).filter(str.strip)),
        "program": "front-door",
        "kind": draw(st.sampled_from(["change", "run"])),
        "phase": draw(
            st.sampled_from(
                ["proposal", "approved", "planning", "execution", "closing", "closed", "cancelled", "on-hold"]
            )
        ),
        "sponsor": "m.chen",
        "manager": "a.okafor",
        "start": start,
        "finish": finish,
        "forecast_finish": draw(st.none() | st.just(finish + dt.timedelta(days=draw(st.integers(-30, 200))))),
        "budget": budget,
        "status": reports,
        "description": draw(text(max_size=200)),
        "milestones": [
            {
                "name": draw(text(min_size=1, max_size=30)),
                "baseline": draw(DATES),
                "forecast": draw(st.none() | DATES),
            }
            for _ in range(draw(st.integers(0, 4)))
        ],
        "risks": [
            {
                "id": f"R{i}",
                "title": draw(text(min_size=1, max_size=40)),
                "probability": draw(st.integers(1, 5)),
                "impact": draw(st.integers(1, 5)),
                "owner": "a.okafor",
            }
            for i in range(draw(st.integers(0, 3)))
        ],
    }


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:  # our loader refuses aliases, rightly
        return True


@contextlib.contextmanager
def portfolio_with(projects: list[dict]) -> Iterator[Path]:
    """The fixture portfolio plus these random projects (random-0.yaml, …), in a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "portfolio"
        shutil.copytree(MINI, folder)
        for i, project in enumerate(projects):
            if project["forecast_finish"] is not None and project["forecast_finish"] < project["start"]:
                project["forecast_finish"] = project["start"]
            text = yaml.dump(project, Dumper=_NoAliases, allow_unicode=True)
            (folder / "projects" / f"random-{i}.yaml").write_text(text)
        yield folder


RANDOM_PROJECTS = st.lists(valid_project(), min_size=1, max_size=3)
NOT_A_NUMBER = re.compile(r"\b(inf|-inf|nan)\b", re.I)


@settings(max_examples=30, deadline=None)
@given(RANDOM_PROJECTS)
def test_valid_random_projects_render(projects: list[dict]) -> None:
    with portfolio_with(projects) as folder:
        tree = site_tree(validate_portfolio(load_portfolio(folder)), "pmo", None, {})
    for i in range(len(projects)):
        page = unmark(tree.pages[f"projects/random-{i}.md"])
        figures = page.split("## Schedule and budget")[1].split("## Milestones")[0]
        assert not NOT_A_NUMBER.search(figures), figures


@settings(max_examples=4, deadline=None)
@given(RANDOM_PROJECTS)
def test_valid_random_portfolios_build(projects: list[dict]) -> None:
    with portfolio_with(projects) as folder, pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        out = folder.parent / "site"
        result = CliRunner().invoke(main, ["build", "--data", str(folder), "--out", str(out), "--strict"])
        assert result.exit_code == 0, result.output
        for i in range(len(projects)):
            assert (out / f"projects/random-{i}/index.html").is_file()
