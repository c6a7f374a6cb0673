"""The portfolio in git: when each data file last changed, and the data folder as it was at a revision.

Everything here reads the local repository only (no fetch). The history is optional: without git, or outside a
repository, a site simply says nothing about it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .errors import Problem
    from .validate import Portfolio

# Settings of the user's git that would change what we parse.
_GIT = ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "color.ui=never"]
_COMMIT = "\x1e"  # starts the line of each commit in our log format


class GitError(Exception):
    """A git command failed; the message says which and why."""


def git(args: list[str], cwd: Path) -> str:
    """Run git in `cwd` and return its output; raises GitError with git's message when it fails or is missing."""
    return git_bytes(args, cwd).decode("utf-8", "replace")


def git_bytes(args: list[str], cwd: Path) -> bytes:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        result = subprocess.run(
            [*_GIT, *args], cwd=cwd, capture_output=True, env=env, check=False, stdin=subprocess.DEVNULL
        )
    except OSError as exc:  # no git, or no such folder
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if result.returncode != 0:
        err = result.stderr.decode("utf-8", "replace").strip()
        raise GitError(err.splitlines()[-1] if err else f"git {args[0]} failed")
    return result.stdout


def repo_root(folder: Path) -> Path | None:
    """The top folder of the work tree `folder` lies in, or None outside a repository (or without git)."""
    try:
        return Path(git(["rev-parse", "--show-toplevel"], folder).strip()).resolve()
    except GitError:
        return None


# --- when each data file last changed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """The last commit that changed a file: its date (the committer's, as git records it) and id."""

    date: dt.date
    commit: str

    @property
    def short(self) -> str:
        return self.commit[:7]


@dataclass(frozen=True)
class DataChange:
    """What a project page says about its data file: the last change and, with a known host, its history."""

    date: dt.date
    commit: str
    url: str | None


def last_changes(folder: Path) -> dict[str, FileChange]:
    """Every file under `folder` that git knows, by its path in the repository, with its last change.

    One `git log` for the whole folder, newest first, so the first commit naming a file is its last change: a
    call per file would cost seconds for a thousand projects. Empty without git or outside a repository."""
    try:
        out = git(["log", "--no-renames", "--name-only", f"--format={_COMMIT}%H %cs", "--", "."], folder)
    except GitError:
        return {}
    changes: dict[str, FileChange] = {}
    current: FileChange | None = None
    for line in out.split("\n"):  # not splitlines(): it also splits at the record separator
        if line.startswith(_COMMIT):
            commit, _, day = line[1:].partition(" ")
            current = FileChange(dt.date.fromisoformat(day), commit)
        elif line and current is not None:  # a path, relative to the top of the repository
            changes.setdefault(line, current)
    return changes


def history_link(repo_url: str | None, branch: str, path: str) -> str | None:
    """The page listing the commits that changed `path`, for GitHub and GitLab; None for another host."""
    if not repo_url:
        return None
    host = (urlsplit(repo_url).hostname or "").lower()
    base = repo_url.rstrip("/")
    if "github" in host:
        return f"{base}/commits/{branch}/{path}"
    if "gitlab" in host:
        return f"{base}/-/commits/{branch}/{path}"
    return None


_EDIT_BRANCH = re.compile(r"(?:^|/)(?:edit|blob)/([^/]+)/")


def branch_of(edit_uri: str | None, default: str = "main") -> str:
    """The branch MkDocs' edit links point at ("edit/main/docs/" → main): history links use the same one."""
    match = _EDIT_BRANCH.search(edit_uri or "")
    return match.group(1) if match else default


def project_history(
    portfolio: Portfolio, data_dir: Path, repo_url: str | None = None, edit_uri: str | None = None
) -> dict[str, DataChange]:
    """Each project's last data change (project id → change); projects git does not know are left out."""
    changes = last_changes(data_dir)
    if not changes:
        return {}
    root = repo_root(data_dir)
    if root is None:
        return {}
    branch = branch_of(edit_uri)
    out = {}
    for (folder, entity_id), source in portfolio.sources.items():
        if folder != "projects":
            continue
        try:
            path = source.path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        change = changes.get(path)
        if change is not None:
            out[entity_id] = DataChange(change.date, change.commit, history_link(repo_url, branch, path))
    return out


# --- the data as it was at a revision ---------------------------------------------------------------------------


def data_path(data_dir: Path) -> tuple[Path, str]:
    """The repository holding `data_dir` and the folder's path in it (posix); GitError outside a repository."""
    root = repo_root(data_dir if data_dir.is_dir() else Path.cwd())
    if root is None:
        raise GitError(f"{data_dir} is not in a git repository")
    try:
        return root, data_dir.resolve().relative_to(root).as_posix()
    except ValueError:
        raise GitError(f"{data_dir} is not in the git repository at {root}") from None


def resolve(root: Path, revision: str) -> str:
    """The full commit id of `revision`; GitError when the repository has no such commit."""
    if revision.startswith("-"):
        raise GitError(f"{revision!r} is not a revision")
    try:
        return git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], root).strip()
    except GitError:
        raise GitError(f"{revision!r} is not a commit of this repository") from None


def extract(root: Path, commit: str, path: str, dest: Path) -> Path:
    """Write the folder `path` as it was at `commit` into `dest`; returns the folder's copy.

    `git archive` reads the object store only: no checkout, the work tree and index stay as they are."""
    try:
        tar = git_bytes(["archive", "--format=tar", commit, "--", path], root)
    except GitError as exc:
        raise GitError(f"{commit[:12]} has no {path}/: {exc}") from None
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(dest, filter="data")  # no links out, no devices, no absolute paths
    return dest / path


def is_dirty(root: Path, path: str) -> bool:
    """Whether `path` has changes git has not committed (staged, unstaged or untracked)."""
    try:
        return bool(git(["status", "--porcelain", "--untracked-files=all", "--", path], root).strip())
    except GitError:
        return False


def portfolio_at(root: Path, revision: str, path: str) -> Portfolio:
    """The data folder `path` as it was at `revision`, validated. Problems name their files as git does,
    `revision:path/to/file.yaml`. Raises GitError for an unknown revision, PortfolioError for invalid data."""
    from .errors import PortfolioError
    from .load import display_path
    from .pipeline import read_portfolio

    commit = resolve(root, revision)
    with tempfile.TemporaryDirectory(prefix="pmo-revision-") as tmp:
        folder = extract(root, commit, path, Path(tmp))
        try:
            return read_portfolio(folder)
        except PortfolioError as exc:
            bases = [f"{base}{os.sep}" for base in (str(Path(tmp)), display_path(Path(tmp)))]

            def relabel(problem: Problem) -> Problem:
                for base in bases:
                    if problem.file.startswith(base):
                        return dataclasses.replace(problem, file=f"{revision}:{problem.file.removeprefix(base)}")
                return problem

            raise PortfolioError(relabel(p) for p in exc.problems) from None
