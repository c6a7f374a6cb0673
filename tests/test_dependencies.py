"""What pyproject.toml declares, what uv.lock pins and what the code imports agree: deploys install the lock, so
it must hold every package the tool needs, at versions the ranges allow, each with its hashes."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from .conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
RUNTIME = [Requirement(text) for text in PROJECT["dependencies"]]
TEST = [Requirement(text) for text in PROJECT["optional-dependencies"]["test"]]


def locked() -> dict[str, list[dict[str, Any]]]:
    """The lock's packages by name; a name may be pinned at two versions for different Pythons or platforms."""
    packages: dict[str, list[dict[str, Any]]] = {}
    for package in LOCK["package"]:
        packages.setdefault(canonicalize_name(package["name"]), []).append(package)
    return packages


def root() -> dict[str, Any]:
    (package,) = locked()[canonicalize_name(PROJECT["name"])]
    return package


def test_the_lock_was_made_from_this_pyproject() -> None:
    # uv records the requirements it locked from; `uv sync --locked` refuses a lock whose record differs
    recorded = root()["metadata"]
    assert sorted(
        map(
            str,
            (Requirement(r["name"] + r.get("specifier", "")) for r in recorded["requires-dist"] if "marker" not in r),
        )
    ) == sorted(str(Requirement(f"{r.name}{r.specifier}")) for r in RUNTIME)
    extras = {canonicalize_name(r["name"]) for r in recorded["requires-dist"] if "marker" in r}
    assert extras == {canonicalize_name(r.name) for r in TEST}
    assert LOCK["requires-python"] == PROJECT["requires-python"]


@pytest.mark.parametrize("requirement", RUNTIME + TEST, ids=str)
def test_every_direct_dependency_is_locked_within_its_range(requirement: Requirement) -> None:
    versions = [Version(p["version"]) for p in locked().get(canonicalize_name(requirement.name), [])]
    assert versions, f"{requirement.name} is not in uv.lock: run `uv lock`"
    for version in versions:
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)


@pytest.mark.parametrize("requirement", RUNTIME + TEST, ids=str)
def test_every_range_has_a_lower_bound_and_stops_before_the_next_major(requirement: Requirement) -> None:
    bounds = {spec.operator: Version(spec.version) for spec in requirement.specifier}
    assert set(bounds) == {">=", "<"}, f"{requirement}: give the lowest tested release and the next major"
    cap = bounds["<"]
    assert not any(cap.release[1:]), f"{requirement}: cap at a major release, not {cap}"
    for package in locked()[canonicalize_name(requirement.name)]:  # the newest release the range allowed
        assert cap.major == Version(package["version"]).major + 1, f"{requirement}: the next major after it"


def test_the_whole_dependency_tree_is_pinned_with_hashes() -> None:
    packages = locked()
    for name, versions in packages.items():
        for package in versions:
            for dependency in package.get("dependencies", []) + [
                d for group in package.get("optional-dependencies", {}).values() for d in group
            ]:
                assert canonicalize_name(dependency["name"]) in packages, (name, dependency)
            if "registry" not in package["source"]:
                assert name == canonicalize_name(PROJECT["name"]), f"{name} comes from outside the registry"
                continue
            files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
            assert files and all(f["hash"].startswith("sha256:") for f in files), name


def test_every_import_is_declared_and_every_declared_package_used() -> None:
    # deptry: no import of a package that is only there because another brought it, none missing, none unused
    # (its exceptions are in pyproject.toml, each with its reason)
    result = subprocess.run(
        [sys.executable, "-m", "deptry", "."], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No dependency issues found" in result.stdout + result.stderr
