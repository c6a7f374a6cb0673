"""The portfolio in git: when each data file last changed, and the data folder as it was at a revision.

Everything here reads the local repository only (no fetch). The history is optional: without git, or outside a
repository, a site simply says nothing about it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from ..data.regular import GIT_FILE_MODES, GIT_KINDS, not_data
from ..data.yaml_guard import MAX_LIST_BYTES
from ..errors import PmoError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..data.validate import Portfolio
    from ..errors import Problem

# Settings of the user's git that would change what we parse.
_GIT = ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "color.ui=never"]
_COMMIT = "\x1e"  # starts the line of each commit in our log format


class GitError(PmoError):
    """A git command failed; the message says which and why."""


def git(args: list[str], cwd: Path) -> str:
    """Run git in `cwd` and return its output; raises GitError with git's message when it fails or is missing."""
    return git_bytes(args, cwd).decode("utf-8", "replace")


def git_bytes(args: list[str], cwd: Path) -> bytes:
    try:
        result = subprocess.run(
            [*_GIT, *args], cwd=cwd, capture_output=True, env=_env(), check=False, stdin=subprocess.DEVNULL
        )
    except OSError as exc:  # no git, or no such folder
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if result.returncode != 0:
        raise GitError(git_failure(args[0], result.stderr.decode("utf-8", "replace")))
    return result.stdout


def git_failure(command: str, stderr: str) -> str:
    """git's whole message, every line of it: its last line alone ("and the repository exists.") says nothing."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if len(lines) <= 1:
        return f"git {command} failed" + (f": {lines[0]}" if lines else "")
    return f"git {command} failed:\n" + "\n".join(f"  {line}" for line in lines)


def _env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}


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


class UnknownRevision(GitError):
    """The repository (this clone of it) has no such commit."""


def resolve(root: Path, revision: str) -> str:
    """The full commit id of `revision`; UnknownRevision when the repository has no such commit."""
    if revision.startswith("-"):
        raise UnknownRevision(f"{revision!r} is not a revision")
    try:
        return git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], root).strip()
    except GitError:
        raise UnknownRevision(f"{revision!r} is not a commit of this repository") from None


@dataclass(frozen=True)
class TreeEntry:
    mode: str  # git's: 100644 a file, 120000 a symbolic link, 160000 a submodule
    kind: str  # blob | tree | commit
    oid: str
    path: str  # below the data folder, posix


def extract(root: Path, commit: str, path: str, dest: Path, label: str | None = None) -> Path:
    """Write the folder `path` as it was at `commit` into `dest`; returns the folder's copy.

    Only the object store is read (`git ls-tree`, `git cat-file`): no checkout, the work tree and index stay as
    they are. Every entry's mode is checked before any file is written: a symbolic link or a submodule anywhere in
    the folder raises PortfolioError naming it as `label:path/to/it` (`label` defaults to the commit)."""
    from ..errors import PortfolioError, Problem

    label = label or commit
    entries = _data_tree(root, commit, path)
    refused = [
        Problem(f"{label}:{_join(path, e.path)}", None, "", _refusal(e))
        for e in entries
        if e.mode not in GIT_FILE_MODES or not _safe_parts(e.path)
    ]
    if refused:
        raise PortfolioError(refused)
    folder = dest / path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_blobs(root, [(e.oid, folder / e.path) for e in entries])
    except OSError as exc:  # a name this file system cannot hold, or two names it takes for one
        where = Path(exc.filename).relative_to(folder).as_posix() if exc.filename else ""
        reason = f"cannot be copied out of git: {exc.strerror or exc}"
        raise PortfolioError([Problem(f"{label}:{_join(path, where)}", None, "", reason)]) from None
    return folder


def _data_tree(root: Path, commit: str, path: str) -> list[TreeEntry]:
    """Every file below `path` at `commit`, the folder itself first checked: a link where the folder should be is
    refused as one entry."""
    if path not in ("", "."):
        top = _ls_tree(root, ["ls-tree", "-z", "--full-tree", commit, "--", path])
        own = [e for e in top if e.path == path]
        if not own:
            raise GitError(f"{commit[:12]} has no {path}/")
        if own[0].kind != "tree":
            if own[0].mode in GIT_KINDS:
                return [dataclasses.replace(own[0], path="")]
            raise GitError(f"{commit[:12]} has a file {path}, not a folder")
    tree = commit if path in ("", ".") else f"{commit}:{path}"
    return _ls_tree(root, ["ls-tree", "-r", "-z", "--full-tree", tree])


def _ls_tree(root: Path, args: list[str]) -> list[TreeEntry]:
    out = git_bytes(["--literal-pathspecs", *args], root).decode("utf-8", "replace")
    entries = []
    for record in out.split("\0"):
        if record:
            info, _, name = record.partition("\t")
            mode, kind, obj = info.split(" ")
            entries.append(TreeEntry(mode, kind, obj, name))
    return entries


def _refusal(entry: TreeEntry) -> str:
    if entry.mode in GIT_KINDS:
        return not_data(GIT_KINDS[entry.mode])
    if entry.mode not in GIT_FILE_MODES:
        return not_data(f"an entry of git mode {entry.mode}")
    return "a path that git would not check out (a part that is empty, . or .., or holds a backslash): rename it"


def _safe_parts(path: str) -> bool:
    """A tree written by hand (`git mktree`, a hostile push) may hold names a checkout refuses: they would write
    outside the copy."""
    return all(part not in ("", ".", "..") and "\\" not in part for part in path.split("/"))


def _join(folder: str, path: str) -> str:
    return "/".join(p for p in (folder if folder != "." else "", path) if p)


def _write_blobs(root: Path, blobs: list[tuple[str, Path]]) -> None:
    """Write each blob to its path, in one `git cat-file --batch`. A blob larger than any data file may be is
    written as an empty file of its size (sparse): the loader refuses it by its size, without reading it."""
    sizes = _blob_sizes(root, [oid for oid, _ in blobs])
    small = []
    for oid, target in blobs:
        target.parent.mkdir(parents=True, exist_ok=True)
        if sizes[oid] > MAX_LIST_BYTES:
            with open(target, "xb") as file:
                file.truncate(sizes[oid])
        else:
            small.append((oid, target))
    with _batch(root, "--batch", [oid for oid, _ in small]) as out:
        for oid, target in small:
            _header(out, oid)
            with open(target, "xb") as file:  # "x": never through a name written before
                file.write(out.read(sizes[oid]))
            out.read(1)  # the newline after each object


def _blob_sizes(root: Path, oids: list[str]) -> dict[str, int]:
    with _batch(root, "--batch-check", oids) as out:
        return {oid: _header(out, oid) for oid in oids}


def _header(out: IO[bytes], oid: str) -> int:
    """The size in `<oid> blob <size>`, the line `git cat-file` puts before each object."""
    fields = out.readline().split()
    if len(fields) != 3 or fields[0].decode() != oid or fields[1] != b"blob":
        raise GitError(f"cannot read {oid[:12]} from the repository: {b' '.join(fields).decode(errors='replace')}")
    return int(fields[2])


@contextlib.contextmanager
def _batch(root: Path, mode: str, oids: list[str]) -> Iterator[IO[bytes]]:
    """The output of `git cat-file <mode>` for `oids`, read as it comes. The request is a file rather than a pipe:
    git's answers cannot block on a request not yet written."""
    with tempfile.TemporaryFile() as request:
        request.write("".join(f"{oid}\n" for oid in oids).encode())
        request.seek(0)
        process = subprocess.Popen(
            [*_GIT, "cat-file", mode],
            cwd=root,
            stdin=request,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        assert process.stdout is not None
        try:
            yield process.stdout
        finally:
            process.stdout.close()
            process.kill()
            process.wait()


def is_dirty(root: Path, path: str) -> bool:
    """Whether `path` has changes git has not committed (staged, unstaged or untracked)."""
    try:
        return bool(git(["status", "--porcelain", "--untracked-files=all", "--", path], root).strip())
    except GitError:
        return False


def portfolio_at(root: Path, revision: str, path: str, label: str | None = None) -> Portfolio:
    """The data folder `path` as it was at `revision`, validated. Problems name their files as git does,
    `label:path/to/file.yaml` (label: the revision as given). Raises UnknownRevision for an unknown revision,
    GitError when git cannot give the folder, PortfolioError for invalid data, links and submodules included."""
    from ..data.load import display_path, load_portfolio
    from ..data.validate import validate_portfolio
    from ..errors import PortfolioError

    label = label or revision
    commit = resolve(root, revision)
    with tempfile.TemporaryDirectory(prefix="pmo-revision-") as tmp:
        folder = extract(root, commit, path, Path(tmp), label)
        try:
            return validate_portfolio(load_portfolio(folder))  # as pipeline.read_portfolio reads it
        except PortfolioError as exc:
            bases = [f"{base}{os.sep}" for base in (str(Path(tmp)), display_path(Path(tmp)))]

            def relabel(problem: Problem) -> Problem:
                for base in bases:
                    if problem.file.startswith(base):
                        return dataclasses.replace(problem, file=f"{label}:{problem.file.removeprefix(base)}")
                return problem

            raise PortfolioError(relabel(p) for p in exc.problems) from None
