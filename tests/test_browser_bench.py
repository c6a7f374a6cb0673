"""The pure parts of benchmarks/browser_scale.py: which search engine a built site carries, the verdicts against
the issue's targets, and the table the script prints. Nothing here is timed; the browser runs are the script's."""

from __future__ import annotations

import importlib.util
import re
import sys
from typing import TYPE_CHECKING, Any

import pytest

from generator.io.demo import write_demo

from .conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("browser_scale", ROOT / "benchmarks" / "browser_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["browser_scale"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def figure(bench: ModuleType, key: str) -> Any:
    return next(f for f in bench.FIGURES if f.key == key)


def test_a_site_with_a_pagefind_folder_is_pagefind(bench: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text("{}")  # a leftover of Material's search
    assert bench.detect_engine(tmp_path) == "pagefind"


def test_a_site_with_materials_index_is_material(bench: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text("{}")
    assert bench.detect_engine(tmp_path) == "material"


def test_a_site_without_a_search_index_is_refused_by_name(bench: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()  # a folder, but no index in it
    with pytest.raises(SystemExit, match="no search index found"):
        bench.detect_engine(tmp_path)


def test_every_engine_names_its_box_its_results_and_its_files(bench: ModuleType) -> None:
    assert set(bench.ENGINES) == {"material", "pagefind"}
    for engine in bench.ENGINES.values():
        assert engine.box and engine.result and engine.files


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("type_desktop", 0.299, "met"),
        ("type_desktop", 0.3, "MISSED"),  # "under 300 ms": 300 ms misses
        ("type_slow", 0.599, "met"),
        ("type_slow", 0.6, "MISSED"),
        ("search_bytes", 500_000, "met"),  # "at most 500 KB": 500 KB meets
        ("search_bytes", 500_001, "MISSED"),
        ("project_own_bytes", 399_999, "met"),
        ("project_own_bytes", 400_000, "MISSED"),
        ("home_own_bytes", 999_999, "met"),
        ("register_bytes", 1_000_000, "MISSED"),
        ("sort_slow", 0.199, "met"),
        ("filter_slow", 0.2, "MISSED"),
        ("reload_project", 1.0, "met"),  # "within 1 s"
        ("reload_handbook", 1.01, "MISSED"),
    ],
)
def test_verdicts_follow_the_issues_targets(bench: ModuleType, key: str, value: float, expected: str) -> None:
    assert bench.verdict(figure(bench, key), value) == expected


def test_no_verdict_without_a_target_or_without_a_measure(bench: ModuleType) -> None:
    assert bench.verdict(figure(bench, "project_bytes"), 10**9) == ""
    assert bench.verdict(figure(bench, "reload_project"), "n/a: not measured") == ""
    assert bench.verdict(figure(bench, "reload_project"), None) == ""


def test_values_are_shown_in_readable_units(bench: ModuleType) -> None:
    size, seconds = figure(bench, "home_bytes"), figure(bench, "type_desktop")
    assert bench.show(size, 6_420_000) == "6.42 MB"
    assert bench.show(size, 412_400) == "412 KB"
    assert bench.show(seconds, 0.2861) == "286 ms"
    assert bench.show(seconds, 3.294) == "3.29 s"
    assert bench.show(seconds, "n/a: not measured") == "n/a: not measured"
    assert bench.show(seconds, None) == "n/a"
    assert bench.target(seconds) == "< 300 ms" and bench.target(figure(bench, "search_bytes")) == "≤ 500 KB"
    assert bench.target(figure(bench, "project_bytes")) == ""


def test_the_table_sets_baseline_and_current_side_by_side_with_verdicts(bench: ModuleType) -> None:
    baseline = {"engine": "material", "type_desktop": 2.2, "home_own_bytes": 6_000_000, "project_bytes": 7_000_000}
    current = {"engine": "pagefind", "type_desktop": 0.12, "home_own_bytes": 1_200_000, "project_bytes": 300_000}
    lines = bench.table(1000, {"baseline": baseline, "current": current}).splitlines()
    assert lines[0].split() == [
        "1,000",
        "projects",
        "baseline",
        "(material)",
        "current",
        "(pagefind)",
        "target",
        "verdict",
    ]
    assert len(lines) == 1 + len(bench.FIGURES)
    row = {cells[0]: cells[1:] for cells in (re.split(r"\s{2,}", line.strip()) for line in lines[1:])}
    assert row["first result after the last keystroke, desktop"] == ["2.20 s", "120 ms", "< 300 ms", "met (was MISSED)"]
    assert row["home page, without images and chart scripts"] == ["6.00 MB", "1.20 MB", "< 1.00 MB", "MISSED"]
    assert row["project page, first visit"] == ["7.00 MB", "300 KB"]  # no target: no verdict
    assert row["register sort, CPU 4×"] == ["n/a", "n/a", "< 200 ms"]  # not measured: no verdict


def test_a_table_of_the_current_site_alone_gives_its_verdicts(bench: ModuleType) -> None:
    lines = bench.table(5000, {"current": {"engine": "pagefind", "search_bytes": 120_000}}).splitlines()
    search = next(line for line in lines if line.startswith("a search"))
    assert re.split(r"\s{2,}", search) == [
        "a search (engine files + from focus to results)",
        "120 KB",
        "≤ 500 KB",
        "met",
    ]


def test_the_charts_shared_scripts_and_the_engines_files_are_told_apart(bench: ModuleType) -> None:
    assert bench._chart_script("http://127.0.0.1:8000/assets/pmo/vega.min.js")
    assert bench._chart_script("http://127.0.0.1:8000/assets/pmo/chart-templates.js?h=1")
    assert not bench._chart_script("http://127.0.0.1:8000/assets/pmo/tables.js")
    assert not bench._chart_script("http://127.0.0.1:8000/images/charts.png")
    material, pagefind = bench.ENGINES["material"], bench.ENGINES["pagefind"]
    assert bench._engine_file(material, "http://127.0.0.1:8000/search/search_index.json")
    assert bench._engine_file(material, "http://127.0.0.1:8000/assets/javascripts/workers/search.f8cc74c7.min.js")
    assert not bench._engine_file(material, "http://127.0.0.1:8000/assets/javascripts/bundle.js")
    assert bench._engine_file(pagefind, "http://127.0.0.1:8000/pagefind/fragment/en_1a2b.pf_fragment")
    assert bench._engine_file(pagefind, "http://127.0.0.1:8000/assets/pmo/search.js")
    assert not bench._engine_file(pagefind, "http://127.0.0.1:8000/projects/")


def test_the_searched_project_is_the_same_for_the_same_demo(bench: ModuleType, tmp_path: Path) -> None:
    write_demo(tmp_path / "a", 12, seed=1)
    write_demo(tmp_path / "b", 12, seed=1)
    chosen = bench.subject(tmp_path / "a")
    assert chosen == bench.subject(tmp_path / "b")
    assert (tmp_path / "a" / "projects" / f"{chosen.path.split('/')[2]}.yaml").is_file()
    assert chosen.path.startswith("/projects/") and chosen.path.endswith("/")
    assert chosen.name and chosen.word == chosen.name.split()[0]


def test_a_timed_figure_shows_the_range_of_its_runs(bench: ModuleType) -> None:
    column = {"type_desktop": 0.729, "type_desktop_runs": [0.358, 0.729, 1.455], "sort_slow": "n/a: no sort heading"}
    assert bench.cell(figure(bench, "type_desktop"), column) == "729 ms (358 ms–1.46 s)"
    assert bench.cell(figure(bench, "sort_slow"), column) == "n/a: no sort heading"
    assert bench.cell(figure(bench, "home_bytes"), {"home_bytes": 1_460_000}) == "1.46 MB"
