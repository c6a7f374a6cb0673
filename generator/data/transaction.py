"""All-or-nothing writes into the data folder, for `pmo import` and `pmo new`.

Every file is first written and fsynced into a staging folder beside the data folder (same file system, and
outside it, so never read as data), or inside it as a dot folder (which the loader skips) when the data folder is
a mount point or its parent is not writable, with a journal of what the commit will do. The commit is a sequence of
single-file steps that each leave a whole file: a new file is hard-linked into place (which fails rather than
replace a file made meanwhile), a replaced file is first hard-linked into the staging folder as a backup and
then replaced with os.replace. When a step fails, the steps done are undone from the journal, so the folder
is as it was. The journal is deleted once every step is done: that is the commit. A process killed before
then leaves its staging folder; the next read of the data folder (`load_portfolio`, so any pmo command that
reads it) undoes what it had done first (`recover`), as SQLite's next reader rolls back a hot journal.

A writer holds an exclusive flock on the `lock` file in its staging folder for the whole write: the lock dies
with its process, whereas a process id may be reused, so a folder is a killed run's exactly when recovery can
take that lock itself. A staging folder may also come with a pull request: before undoing anything, recovery
checks with lstat that every path it would touch is a real folder or a regular file, never a link, and refuses
(touching nothing) otherwise.

Over 400 lines: the writes, the journal and the recovery are read together to trust the all-or-nothing promise.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PmoError, WriteFailed, os_reason
from .regular import read_regular, special_kind

if TYPE_CHECKING:
    from collections.abc import Iterator

JOURNAL = "journal.json"
LOCK = "lock"
_NO_LINK_NO_WAIT = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_STAGING = re.compile(r"writing-(\d+)-[0-9a-f]+")


class WriteNotUndone(PmoError):
    """A write failed and undoing it failed too: the message says what is where."""

    def headline(self) -> str:
        return f"Error: {self}."


@dataclass(frozen=True)
class _Journal:
    files: list[str]  # paths relative to the data folder, in commit order
    existed: list[str]  # those that are replaced (each backed up before)
    new_dirs: list[str]  # folders the commit makes, parents first ("." is the data folder itself)

    def text(self) -> str:
        return json.dumps({"files": self.files, "existed": self.existed, "new_dirs": self.new_dirs}, indent=1)

    @classmethod
    def read(cls, path: Path) -> _Journal:
        """A journal left by a killed run. Its paths are checked: a folder of that name could also come from
        anyone who can add files beside the data folder (a pull request), and its undo must stay inside."""
        data = json.loads(read_regular(path, 1 << 20).decode("utf-8"))
        try:
            journal = cls(*(data[key] for key in ("files", "existed", "new_dirs")))
        except (KeyError, TypeError):
            raise ValueError(f"{path}: not a journal of pmo") from None
        lists = (journal.files, journal.existed, journal.new_dirs)
        for rel in [rel for names in lists for rel in (names if isinstance(names, list) else [None])]:
            if not _inside(rel):
                raise ValueError(f"{path}: {rel!r} is not a path inside the data folder")
        return journal


@contextlib.contextmanager
def data_writes(folder: Path, *, dry_run: bool = False) -> Iterator[list[str]]:
    """Around a command that writes into the data folder: first undo what a killed run left half done, as every
    read of the folder does (a dry run only finds it pending), yielding the sentences that say so; then turn a
    failed write (an OSError) into a WriteFailed that says truly what the folder holds."""
    try:
        sentences = recover(folder, undo=not dry_run)
    except (OSError, ValueError) as exc:
        why = os_reason(exc) if isinstance(exc, OSError) else f"its journal is unreadable ({exc})"
        raise WriteFailed(f"cannot undo an interrupted write into {folder}: {why}. Nothing else was done.") from exc
    try:
        yield sentences
    except OSError as exc:
        raise WriteFailed(f"{os_reason(exc)}. Nothing in {folder} was changed.") from exc


def write_files(folder: Path, files: dict[str, str], *, replace: bool = True) -> None:
    """Write `files` (path relative to `folder` → text) into `folder`, all or none; an existing file is
    replaced only with `replace`. Raises FileExistsError for a file that exists and may not be replaced (or
    appeared meanwhile), OSError for any other failure (the folder is then as it was), and WriteNotUndone
    when the folder could not be put back."""
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging, lock = _new_staging(folder)
    try:
        _write_locked(folder, staging, files, replace)
    finally:
        os.close(lock)  # only now may a recovery take the folder for a killed run's


def _write_locked(folder: Path, staging: Path, files: dict[str, str], replace: bool) -> None:
    try:
        journal = _stage(folder, staging, files, replace)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        _commit(folder, staging, journal)
        (staging / JOURNAL).unlink()  # the commit point: from here on, nothing is undone
        _sync_dir(staging)
    except BaseException as exc:
        _undo_or_explain(folder, staging, journal, exc)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # what stays (no journal) is removed by the next run


def replace_file(path: Path, data: bytes) -> None:
    """One file, written beside the target, fsynced, then renamed over it: a reader never sees half a file,
    and a failure or a kill leaves the previous file (or none) and no temporary one in its place."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only 0600
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def recover(folder: Path, *, undo: bool = True) -> list[str]:
    """Clean what a killed import or new left beside or inside `folder`, undoing a commit it had started;
    returns a sentence for each commit undone. Staging folders locked by a running process are left alone.
    With `undo` False nothing is changed: the sentences say which commits are pending. Raises ValueError (or
    OSError) naming the staging folder when a journal cannot be undone safely; nothing is then touched."""
    folder = folder.resolve()
    sentences = []
    for entry, pid in staging_folders(folder):
        try:
            kind = special_kind(os.lstat(entry).st_mode)
        except FileNotFoundError:  # another recovery removed it meanwhile
            continue
        if kind is not None:
            raise ValueError(f"{entry} is {kind}, not a staging folder of pmo: look at it and remove it")
        journal = _checked_journal(folder, entry)  # before the lock is made: a refused folder is not touched
        lock = _take_lock(entry, create=undo)
        if lock is _HELD:
            continue
        try:
            sentence = _recover_one(folder, entry, pid, journal, undo)
        finally:
            if isinstance(lock, int):
                os.close(lock)
        if sentence:
            sentences.append(sentence)
    return sentences


def _checked_journal(folder: Path, entry: Path) -> _Journal | None:
    """The journal of a staging folder, once every path its undo may touch is checked; None without one."""
    if not os.path.lexists(entry / JOURNAL):
        return None
    try:
        journal = _Journal.read(entry / JOURNAL)
    except OSError as exc:
        raise ValueError(f"{entry}: its journal cannot be read ({exc}): look at it and remove it") from None
    _refuse_links(folder, entry, journal)
    return journal


def _recover_one(folder: Path, entry: Path, pid: int, journal: _Journal | None, undo: bool) -> str | None:
    if not entry.is_dir() or (journal is not None and not (entry / JOURNAL).exists()):
        return None  # another recovery removed it, or its writer committed, meanwhile
    if not undo:
        if journal is None:
            return None
        return (
            f"a write into {folder} that process {pid} began and did not finish is pending "
            f"({len(journal.files)} files; {entry.name}): the next pmo command that is not a dry run undoes it"
        )
    sentence = None
    if journal is not None:
        _undo(folder, entry, journal)
        sentence = (
            f"the write into {folder} that process {pid} began and did not finish was undone "
            f"({len(journal.files)} files as they were)"
        )
    shutil.rmtree(entry)
    return sentence


_HELD = "held"


def _take_lock(entry: Path, *, create: bool) -> int | str | None:
    """The staging folder's lock taken without waiting (its descriptor), _HELD when a running process holds
    it, None when there is no lock file and none was made. A folder without one is no running writer's: a
    writer makes it before anything else and checks afterwards that its folder is still there."""
    flags = os.O_RDWR | _NO_LINK_NO_WAIT | (os.O_CREAT if create else 0)
    try:
        lock = os.open(entry / LOCK, flags, 0o600)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"{entry}: its lock file cannot be opened ({reason(exc)}): look at it and remove it") from None
    try:
        if not stat.S_ISREG(os.fstat(lock).st_mode):
            raise ValueError(f"{entry}: its lock file is not a regular file: look at it and remove it")
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        return _HELD
    except BaseException:
        os.close(lock)
        raise
    return lock


def _refuse_links(folder: Path, staging: Path, journal: _Journal) -> None:
    """ValueError unless every path the undo may touch is, component by component below the data folder and
    the staging folder, a real folder or a regular file (or absent): a link would carry the undo elsewhere."""
    for rel in journal.files:
        _check_components(folder, rel, staging)
        _check_components(staging, f"old/{rel}", staging)
        _check_components(staging, f"new/{rel}", staging)
    for rel in journal.new_dirs:
        _check_components(folder, rel, staging, last_is_dir=True)


def _check_components(base: Path, rel: str, staging: Path, last_is_dir: bool = False) -> None:
    parts = [] if rel == "." else rel.split("/")
    path = base
    for index, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return
        want_dir = last_is_dir or index < len(parts) - 1
        if not (stat.S_ISDIR(mode) if want_dir else stat.S_ISREG(mode)):
            kind = special_kind(mode) or ("a folder" if stat.S_ISDIR(mode) else "a file")
            raise ValueError(
                f"{staging}: its journal names {path}, which is {kind}, not "
                f"{'a folder' if want_dir else 'a regular file'}; nothing was undone: look at it and remove it"
            )


def staging_folders(folder: Path) -> list[tuple[Path, int]]:
    """The staging folders beside `folder` and inside it, of running or killed processes, with their process
    ids; links of such a name too (recovery refuses them)."""
    folder = folder.resolve()
    prefix = f".{folder.name}."
    places = [folder.parent] + ([folder] if _real_dir(folder) else [])
    found = []
    for place in places:
        if not place.is_dir():
            continue
        for entry in sorted(place.iterdir()):
            match = _STAGING.fullmatch(entry.name.removeprefix(prefix)) if entry.name.startswith(prefix) else None
            if match is not None and (entry.is_dir() or entry.is_symlink()):
                found.append((entry, int(match.group(1))))
    return found


def _new_staging(folder: Path) -> tuple[Path, int]:
    """A new staging folder and the descriptor of its lock, taken by this process."""
    place = _staging_place(folder)
    while True:
        staging = place / f".{folder.name}.writing-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        try:
            lock = os.open(staging / LOCK, os.O_RDWR | os.O_CREAT | _NO_LINK_NO_WAIT, 0o600)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            # a recovery may have taken the new, empty folder for a killed run's and removed it: begin anew
            if os.lstat(staging / LOCK).st_ino == os.fstat(lock).st_ino:
                return staging, lock
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(lock)
            shutil.rmtree(staging, ignore_errors=True)
            raise
        os.close(lock)


def _staging_place(folder: Path) -> Path:
    """Beside the data folder, so that nothing of a write is ever read as data; inside it, as a dot folder the
    loader skips, when the data folder is a mount point or its parent is not writable (a hard link cannot
    cross file systems, and the folder could not be made)."""
    if not _real_dir(folder):
        return folder.parent
    other_device = os.stat(folder).st_dev != os.stat(folder.parent).st_dev
    if other_device or not os.access(folder.parent, os.W_OK | os.X_OK):
        return folder
    return folder.parent


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _stage(folder: Path, staging: Path, files: dict[str, str], replace: bool) -> _Journal:
    """Every new file's bytes on disk in staging/new, and the journal; nothing in `folder` changes."""
    existed = []
    for rel, text in files.items():
        target = folder / rel
        if not replace and (target.exists() or target.is_symlink()):
            raise FileExistsError(f"{target} exists already")
        staged = staging / "new" / rel
        staged.parent.mkdir(parents=True, exist_ok=True)
        _write_synced(staged, text.encode("utf-8"))
        if target.is_file():
            os.chmod(staged, target.stat().st_mode & 0o7777)  # a replaced file keeps its permissions
            existed.append(rel)
            (staging / "old" / rel).parent.mkdir(parents=True, exist_ok=True)
    new_dirs = ["."] if not folder.is_dir() else []
    for rel in files:
        for parent in reversed(Path(rel).parents[:-1]):
            if not (folder / parent).is_dir() and parent.as_posix() not in new_dirs:
                new_dirs.append(parent.as_posix())
    for path in (staging / "new").rglob("*"):
        if path.is_dir():
            _sync_dir(path)
    journal = _Journal(list(files), existed, new_dirs)
    _write_synced(staging / "journal.tmp", journal.text().encode("utf-8"))
    os.replace(staging / "journal.tmp", staging / JOURNAL)  # whole or absent: a kill never leaves half of it
    _sync_dir(staging)
    return journal


def _commit(folder: Path, staging: Path, journal: _Journal) -> None:
    for rel in journal.new_dirs:
        (folder / rel).mkdir()
    existed = set(journal.existed)
    for rel in journal.files:
        target, staged = folder / rel, staging / "new" / rel
        if rel in existed:
            os.link(target, staging / "old" / rel)  # the backup: the same file under a second name
            os.replace(staged, target)
        else:
            os.link(staged, target)  # fails if the file exists: never replaces one made meanwhile
    for rel in sorted({Path(rel).parent.as_posix() for rel in journal.files}):
        _sync_dir(folder / rel)
    for rel in journal.new_dirs:
        _sync_dir((folder / rel).parent)


def _undo(folder: Path, staging: Path, journal: _Journal) -> None:
    """Put back what the commit did, whatever step it reached: each step leaves a trace to undo it by."""
    existed = set(journal.existed)
    for rel in reversed(journal.files):
        target, staged, backup = folder / rel, staging / "new" / rel, staging / "old" / rel
        if rel in existed:
            if _regular(backup):
                os.replace(backup, target)
        elif _regular(staged) and _regular(target) and os.path.samefile(staged, target):
            target.unlink()
    for rel in reversed(journal.new_dirs):
        path = folder / rel
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for rel in sorted({Path(rel).parent.as_posix() for rel in journal.files}):
        if (folder / rel).is_dir():
            _sync_dir(folder / rel)


def _undo_or_explain(folder: Path, staging: Path, journal: _Journal, cause: BaseException) -> None:
    try:
        _undo(folder, staging, journal)
    except OSError as exc:
        raise WriteNotUndone(
            f"writing into {folder} failed ({reason(cause)}), and undoing it failed too ({reason(exc)}): some "
            f"files are new or replaced; the previous ones are in {staging / 'old'}, and the next pmo command "
            "that reads the folder puts them back"
        ) from cause


def _inside(rel: object) -> bool:
    """A path the journal may name: "." or relative, downward, without hidden or odd parts."""
    if rel == ".":
        return True
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel:
        return False
    return all(part and not part.startswith(".") for part in rel.split("/"))


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("xb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _sync_dir(path: Path) -> None:
    """Make a folder's entries durable (the renames and links in it), as a file's fsync does its bytes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def reason(exc: BaseException) -> str:
    """Why a step failed, in the words of the system (lower case, to follow a colon)."""
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc)).lower()
    return type(exc).__name__


def process_running(pid: int) -> bool:
    """Whether the process that named a site's staging folder still runs. This process writes one thing at a
    time, so a folder it named itself is from an earlier write that failed."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
