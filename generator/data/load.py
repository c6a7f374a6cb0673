"""Stage 1, load: find the portfolio's files and read each into plain data with line numbers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Problem, did_you_mean
from .regular import not_data, special_entries
from .yaml_guard import MAX_BYTES, MAX_LIST_BYTES, SourceFile, YamlProblem, read_yaml

if TYPE_CHECKING:
    from pathlib import Path
    from typing import TypeAlias

    # A file's parsed source, with what identifies its version on disk: (inode, size, modification time in ns).
    ReadCache: TypeAlias = dict[Path, tuple[tuple[int, int, int], SourceFile]]

SINGLE_FILES = ("portfolio.yaml", "people.yaml", "calendar.yaml", "governance.yaml")
FOLDERS = ("programs", "projects", "requests")
REQUIRED_FILES = ("portfolio.yaml", "people.yaml")


@dataclass
class RawPortfolio:
    """What the files hold, before the model has looked at it."""

    root: Path
    files: dict[str, SourceFile] = field(default_factory=dict)  # "portfolio.yaml" → its source
    folders: dict[str, dict[str, SourceFile]] = field(default_factory=dict)  # "projects" → id → source
    found: dict[str, set[str]] = field(default_factory=dict)  # "projects" → every id with a file, even unreadable
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was done before reading, as an interrupted write undone
    cache: ReadCache | None = None  # kept by `pmo serve` between rebuilds: only files that changed are parsed again


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def load_portfolio(root: Path, *, recover: bool = True, cache: ReadCache | None = None) -> RawPortfolio:
    """Read every data file under `root`; problems are collected, never raised, so all are reported. An
    interrupted write is undone first, unless `recover` is False (a dry run, which changes nothing). With a
    `cache`, a file unchanged since it was cached is not parsed again (the cache is updated)."""
    raw = RawPortfolio(root=root, folders={name: {} for name in FOLDERS}, cache=cache)
    if recover:
        _undo_interrupted_writes(raw)
    if not root.is_dir():
        raw.problems.append(Problem(display_path(root), None, "", "the portfolio folder does not exist"))
        return raw
    special = _refuse_special_files(raw, root)
    for entry in sorted(root.iterdir()):
        if _ignored(entry) or entry in special:
            continue
        if entry.is_dir():
            if entry.name in FOLDERS:
                _load_folder(raw, entry, special)
            else:
                hint = did_you_mean(entry.name, FOLDERS)
                raw.problems.append(Problem(display_path(entry), None, "", f"unexpected folder{hint or ''}"))
        elif entry.name in SINGLE_FILES:
            source = _read(raw, entry)
            if source is not None:
                raw.files[entry.name] = source
        else:
            hint = did_you_mean(entry.name, SINGLE_FILES) or f"; expected one of {', '.join(SINGLE_FILES)}"
            raw.problems.append(Problem(display_path(entry), None, "", f"unexpected file{hint}"))
    for name in REQUIRED_FILES:
        if name not in raw.files and not any(p.file == display_path(root / name) for p in raw.problems):
            raw.problems.append(Problem(display_path(root / name), None, "", "required file is missing"))
    return raw


def _undo_interrupted_writes(raw: RawPortfolio) -> None:
    """A `pmo import` or `pmo new` killed while it was moving its files in left the folder half changed: undo
    that first (as SQLite's next reader rolls back a hot journal), so that it is never read as data."""
    from .transaction import recover

    try:
        raw.notes += recover(raw.root)
    except (OSError, ValueError) as exc:
        raw.problems.append(
            Problem(display_path(raw.root), None, "", f"an interrupted pmo import or pmo new cannot be undone: {exc}")
        )


def _ignored(entry: Path) -> bool:
    """Hidden files and notes (README.md and the like) may sit beside the data."""
    return entry.name.startswith(".") or entry.suffix.lower() in {".md", ".txt"}


def _refuse_special_files(raw: RawPortfolio, root: Path) -> set[Path]:
    """Links, FIFOs, sockets and devices anywhere below `root`, ignored names included, each a problem; they are
    never opened or followed."""
    special = dict(special_entries(root))
    for path, kind in special.items():
        raw.problems.append(Problem(display_path(path), None, "", not_data(kind)))
    return set(special)


def _load_folder(raw: RawPortfolio, folder: Path, special: set[Path]) -> None:
    entities = raw.folders[folder.name]
    for entry in sorted(folder.iterdir()):
        if _ignored(entry):
            continue
        raw.found.setdefault(folder.name, set()).add(entry.stem)  # even when misnamed: one error, not many
        if entry in special:
            continue
        if entry.is_dir() or entry.suffix != ".yaml":
            hint = ' (rename it to end in ".yaml")' if entry.suffix in {".yml", ".YAML", ".YML"} else ""
            kind = "folder" if entry.is_dir() else "file"
            raw.problems.append(
                Problem(
                    display_path(entry),
                    None,
                    "",
                    f"unexpected {kind}: {folder.name}/ holds one .yaml file per id{hint}",
                )
            )
            continue
        source = _read(raw, entry)
        if source is not None:
            entities[entry.stem] = source


def _read(raw: RawPortfolio, path: Path) -> SourceFile | None:
    shown = display_path(path)
    try:
        version = _version(path) if raw.cache is not None else None
        cached = raw.cache.get(path) if raw.cache is not None else None
        if cached is not None and cached[0] == version and cached[1].display == shown:
            return cached[1]
        source = read_yaml(path, shown, MAX_LIST_BYTES if path.name in ("people.yaml", "calendar.yaml") else MAX_BYTES)
    except YamlProblem as exc:
        raw.problems.append(Problem(shown, exc.line, "", exc.message))
        return None
    except OSError as exc:
        raw.problems.append(Problem(shown, None, "", f"cannot be read: {exc.strerror}"))
        return None
    if not isinstance(source.data, dict):
        raw.problems.append(
            Problem(shown, 1, "", "expected a mapping of fields (key: value lines) at the top of the file")
        )
        return None
    if raw.cache is not None and version is not None:
        raw.cache[path] = (version, source)
    return source


def _version(path: Path) -> tuple[int, int, int]:
    """What changes when a file is written or replaced (an editor's save by rename gives a new inode)."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns
