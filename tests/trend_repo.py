"""Hand-built reporting histories for the milestone trend tests: a repository whose data folder is committed
once per reporting period, with one project's milestones as each period reported them."""

from __future__ import annotations

import json
import re
import shutil
from typing import TYPE_CHECKING

from .gitrepo import commit_all, git, init_repo

if TYPE_CHECKING:
    from pathlib import Path

# A period: its as_of and the milestones (name, forecast, actual or None) of the project.
Milestones = list[tuple[str, str, str | None]]


def set_period(data: Path, project: str, as_of: str, milestones: Milestones) -> None:
    """Write `as_of` into portfolio.yaml and `milestones` (baseline = first forecast) into the project's file."""
    settings = data / "portfolio.yaml"
    settings.write_text(re.sub(r"(?m)^as_of: .*$", f"as_of: {as_of}", settings.read_text()))
    path = data / "projects" / f"{project}.yaml"
    lines = "".join(
        f"  - {{name: {json.dumps(name)}, baseline: {forecast}, forecast: {forecast}"
        + (f", actual: {actual}" if actual else "")
        + "}\n"
        for name, forecast, actual in milestones
    )
    text = re.sub(r"(?ms)^milestones:\n(?:  - .*?\n)+", "milestones:\n" + lines, path.read_text())
    path.write_text(text)


def history_repo(
    path: Path,
    source: Path,
    project: str,
    periods: list[tuple[str, Milestones]],
    current: tuple[str, Milestones] | None,
) -> Path:
    """A repository with `source` copied to portfolio/, a commit per period (dated on its as_of), and the current
    period written but not committed (the data being built; None: `source` as it is). Returns the data folder."""
    repo = init_repo(path)
    data = repo / "portfolio"
    shutil.copytree(source, data)
    for as_of, milestones in periods:
        set_period(data, project, as_of, milestones)
        commit_all(repo, f"report {as_of}", date=f"{as_of}T18:00:00+00:00")
    if current is None:
        for name in ("portfolio.yaml", f"projects/{project}.yaml"):
            shutil.copy(source / name, data / name)
    else:
        set_period(data, project, *current)
    return data


def publish_by_hand(repo: Path, versions: list[tuple[str, str, str]], branch: str = "gh-pages") -> None:
    """A versions branch as `pmo publish` leaves it, written with git's plumbing: versions.json (newest first) and
    each version's pmo-version.json naming (as_of, commit)."""
    entries = []
    for name, as_of, commit in versions:
        record = json.dumps({"version": name, "as_of": as_of, "commit": commit, "data": "portfolio"})
        blob = _hash(repo, record)
        tree = _mktree(repo, f"100644 blob {blob}\tpmo-version.json\n")
        entries.append(f"040000 tree {tree}\t{name}\n")
    listing = json.dumps([{"version": name, "title": name, "aliases": []} for name, _, _ in reversed(versions)])
    entries.append(f"100644 blob {_hash(repo, listing)}\tversions.json\n")
    top = _mktree(repo, "".join(entries))
    commit = git(repo, "commit-tree", top, "-m", "publish").strip()
    git(repo, "update-ref", f"refs/heads/{branch}", commit)


def _hash(repo: Path, text: str) -> str:
    blob = repo / ".blob"
    blob.write_text(text)
    oid = git(repo, "hash-object", "-w", str(blob)).strip()
    blob.unlink()
    return oid


def _mktree(repo: Path, listing: str) -> str:
    import subprocess

    run = subprocess.run(["git", "mktree"], cwd=repo, input=listing, capture_output=True, text=True, check=True)
    return run.stdout.strip()
