"""The reporting history of every project's milestones, for the milestone trend analysis.

Sources, in order:

1. The published versions (`pmo publish`, the versioned site's branch, gh-pages by default): each version's
   `pmo-version.json` names its reporting date and the commit its data came from; that commit's projects are read.
2. Else the git history of the data folder. A reporting period is the `as_of` of portfolio.yaml: commits that
   leave `as_of` unchanged are corrections within the same period, and the last of them stands.
3. Else none, with the reason: no git, not a repository, or a shallow clone (CI's default) whose history is cut.

Only periods before the current reporting date are kept: the data being built is the current period. Everything
is read in a handful of git calls whatever the number of projects or periods: one `git log` for the whole folder,
and `git cat-file --batch` for the files (each distinct file once).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..analytics.milestone_trend import ForecastHistory, Period, Reading, keyed
from ..data.yaml_guard import MAX_BYTES, YamlProblem, parse_yaml
from .gitdata import GitError, data_path, git, read_objects

if TYPE_CHECKING:
    from collections.abc import Iterable

RECORD = "pmo-version.json"  # as publish.py writes it into each version's folder
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_OID = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_COMMIT = "\x1e"
_FILE_MODES = {"100644", "100755"}


@dataclass(frozen=True)
class Snapshot:
    """The project files of one reporting period: project id → blob id."""

    as_of: dt.date
    label: str
    files: dict[str, str]


def forecast_history(
    data_dir: Path, as_of: dt.date, branch: str = "gh-pages", remote: str = "origin", prefix: str = ""
) -> ForecastHistory:
    """Every project's milestones at each reporting period before `as_of`; never raises for a missing history."""
    try:
        root, data = data_path(data_dir)
    except GitError:
        return ForecastHistory(missing=f"{data_dir.name}/ is not in a git repository, and no version was published")
    try:
        snapshots = _versions(root, branch, remote, prefix, as_of)
        if snapshots:
            where = f"the published versions on {branch}"
            return ForecastHistory("versions", _periods(root, snapshots), "", where)
        if git(["rev-parse", "--is-shallow-repository"], root).strip() == "true":
            return ForecastHistory(
                missing="this is a shallow clone of the repository, whose history is cut (fetch the full history, "
                "fetch-depth: 0 in CI), and no version was published"
            )
        snapshots = _git_log(root, data, as_of)
    except GitError as exc:
        return ForecastHistory(missing=f"git could not read it ({exc})")
    where = f"the git history of {data or '.'}/"
    if not snapshots:
        return ForecastHistory(missing=f"neither a published version nor {where} holds an earlier reporting date")
    return ForecastHistory("git", _periods(root, snapshots), "", where)


# --- published versions --------------------------------------------------------------------------------------------


def _versions(root: Path, branch: str, remote: str, prefix: str, as_of: dt.date) -> list[Snapshot]:
    """The published versions older than `as_of`, with their data's project files; [] when there are none."""
    base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    refs = [f"refs/heads/{branch}", f"refs/remotes/{remote}/{branch}"]
    lists = read_objects(root, [f"{ref}:{base}versions.json" for ref in refs], MAX_BYTES)
    ref = next((ref for ref in refs if lists[f"{ref}:{base}versions.json"]), "")
    names = _version_names(lists.get(f"{ref}:{base}versions.json"))
    if not names:
        return []
    records = read_objects(root, [f"{ref}:{base}{name}/{RECORD}" for name in names], MAX_BYTES)
    chosen: dict[dt.date, tuple[str, str, str]] = {}  # as_of → (version, commit, data folder)
    for name in names:  # newest first, as mike lists them: a period published twice keeps its newest version
        record = _record(records[f"{ref}:{base}{name}/{RECORD}"])
        if record is not None and record[0] < as_of:
            chosen.setdefault(record[0], (name, record[1], record[2]))
    trees = read_objects(root, [_projects_tree(commit, data) for _, commit, data in chosen.values()], MAX_BYTES)
    snapshots = []
    for day, (name, commit, data) in sorted(chosen.items()):
        tree = trees[_projects_tree(commit, data)]
        if tree is not None:  # the commit is not in this clone, or its data has no projects/
            snapshots.append(Snapshot(day, f"version {name}", _project_entries(tree, len(commit) // 2)))
    return snapshots


def _version_names(listing: bytes | None) -> list[str]:
    try:
        versions = json.loads(listing or b"[]")
    except ValueError:
        return []
    if not isinstance(versions, list):
        return []
    names = (v.get("version") for v in versions if isinstance(v, dict))
    return [n for n in names if isinstance(n, str) and _VERSION.fullmatch(n) and ".." not in n]


def _record(text: bytes | None) -> tuple[dt.date, str, str] | None:
    """(as_of, commit, data folder) of a version's record; None for one that is missing or not pmo's."""
    try:
        record = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    day, commit, data = _date(record.get("as_of")), record.get("commit"), record.get("data")
    if day is None or not isinstance(commit, str) or not _OID.fullmatch(commit) or not isinstance(data, str):
        return None
    if PurePosixPath(data).is_absolute() or ".." in PurePosixPath(data).parts:
        return None
    return day, commit, data


def _projects_tree(commit: str, data: str) -> str:
    folder = data.strip("/")
    return f"{commit}:{folder}/projects" if folder not in ("", ".") else f"{commit}:projects"


def _project_entries(tree: bytes, oid_bytes: int) -> dict[str, str]:
    """The .yaml files of a raw git tree object ("<mode> <name>\\0<binary id>" per entry) by project id."""
    files = {}
    at = 0
    while at < len(tree):
        end = tree.index(b"\0", at)
        mode, _, name = tree[at:end].decode("utf-8", "replace").partition(" ")
        oid = tree[end + 1 : end + 1 + oid_bytes].hex()
        at = end + 1 + oid_bytes
        if mode in _FILE_MODES and name.endswith(".yaml") and not name.startswith("."):
            files[name.removesuffix(".yaml")] = oid
    return files


# --- the git history of the data folder ---------------------------------------------------------------------------


def _git_log(root: Path, data: str, as_of: dt.date) -> list[Snapshot]:
    """One snapshot per reporting period before `as_of`: the project files at the last commit of each `as_of` of
    portfolio.yaml, replaying the changes of one `git log` oldest first (the first-parent line: a merge counts once,
    with what it brought)."""
    folder = "" if data in ("", ".") else f"{data}/"
    settings, projects = f"{folder}portfolio.yaml", f"{folder}projects/"
    log = git(
        [
            "--literal-pathspecs",
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--reverse",
            "--no-renames",
            "--raw",
            "--no-abbrev",
            f"--format={_COMMIT}%H",
            "--",
            settings,
            projects,
        ],
        root,
    )
    commits = list(_commits(log))
    settings_at: list[str | None] = []
    current: str | None = None
    for _, changes in commits:
        current = changes.get(settings, current)
        settings_at.append(current)
    texts = read_objects(root, [oid for oid in dict.fromkeys(settings_at) if oid], MAX_BYTES)
    days = [_as_of(texts.get(oid)) if oid else None for oid in settings_at]
    snapshots: dict[dt.date, Snapshot] = {}
    files: dict[str, str] = {}
    for i, (commit, changes) in enumerate(commits):
        for path, oid in changes.items():
            name = path.removeprefix(projects)
            if path.startswith(projects) and "/" not in name and name.endswith(".yaml"):
                if oid is None:
                    files.pop(name.removesuffix(".yaml"), None)
                else:
                    files[name.removesuffix(".yaml")] = oid
        day = days[i]
        last_of_period = i + 1 == len(commits) or days[i + 1] != day
        if day is not None and day < as_of and last_of_period:
            snapshots[day] = Snapshot(day, f"commit {commit[:7]}", dict(files))
    return [snapshots[day] for day in sorted(snapshots)]


def _commits(log: str) -> Iterable[tuple[str, dict[str, str | None]]]:
    """Each commit of the log with its changed paths: path → new blob id, None when deleted or not a file."""
    for record in log.split(_COMMIT)[1:]:
        head, _, body = record.partition("\n")
        changes: dict[str, str | None] = {}
        for line in body.split("\n"):
            if not line.startswith(":"):
                continue
            info, _, path = line.partition("\t")
            fields = info.split()
            if len(fields) < 5 or path.startswith('"'):  # a quoted name holds characters no id has
                continue
            new_mode, new_oid, status = fields[1], fields[3], fields[4]
            changes[path] = None if status.startswith("D") or new_mode not in _FILE_MODES else new_oid
        yield head.strip(), changes


def _as_of(text: bytes | None) -> dt.date | None:
    data = _yaml(text)
    return _date(data.get("as_of")) if data is not None else None


# --- the files of the periods -------------------------------------------------------------------------------------


def _periods(root: Path, snapshots: list[Snapshot]) -> dict[str, list[Period]]:
    """Each project's periods, oldest first, every distinct file read and parsed once."""
    texts = read_objects(root, sorted({oid for s in snapshots for oid in s.files.values()}), MAX_BYTES)
    parsed: dict[str, dict[str, Reading] | None] = {}
    out: dict[str, list[Period]] = {}
    for snapshot in snapshots:
        for project_id, oid in sorted(snapshot.files.items()):
            if oid not in parsed:
                parsed[oid] = _milestones(texts.get(oid))
            milestones = parsed[oid]
            if milestones is not None:
                out.setdefault(project_id, []).append(Period(snapshot.as_of, snapshot.label, milestones))
    return out


def _milestones(text: bytes | None) -> dict[str, Reading] | None:
    """The milestones a project file held, by name; None for a file that cannot be read. A milestone whose name
    or dates are not what the model takes is left out, the rest kept: an old file need not pass today's rules."""
    data = _yaml(_milestones_block(text)) or _yaml(text)
    if data is None:
        return None
    items = data.get("milestones")
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        baseline, forecast, actual = (_date(item.get(key)) for key in ("baseline", "forecast", "actual"))
        expected = forecast or baseline
        if expected is not None and (actual is not None or item.get("actual") is None):
            found.append((item["name"], expected, actual))
    return keyed(found)


_TOP_KEY = re.compile(rb"^[A-Za-z_\"']", re.M)


def _milestones_block(text: bytes | None) -> bytes | None:
    """The `milestones:` key of a project file and what is indented under it, up to the next top-level key: a
    tenth of the file, and the parse of thousands of old files is most of the history's time. None when the file
    has no such line; the caller then parses the whole file (so does it when the block alone does not parse)."""
    start = re.search(rb"(?m)^milestones:", text or b"")
    if text is None or start is None:
        return None
    end = _TOP_KEY.search(text, text.index(b"\n", start.end()) + 1 if b"\n" in text[start.end() :] else len(text))
    return text[start.start() : end.start() if end else len(text)]


def _yaml(text: bytes | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        data = parse_yaml(text.decode("utf-8"), Path("history.yaml"), "history.yaml").data
    except (YamlProblem, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
