"""Only regular files are data: symbolic links, FIFOs, sockets and devices are named and refused, never followed
or opened. A link could pull any file of the build machine into the site; opening a FIFO waits forever.

The folders pmo reads are walked with lstat (os.scandir without following links), and a file is opened with
O_NOFOLLOW | O_NONBLOCK and checked on its descriptor, so a file swapped for a link or a FIFO after the walk is
still refused, and refused at once.
"""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# What git records in a tree besides files and folders (`git ls-tree` modes)
GIT_KINDS = {"120000": "a symbolic link", "160000": "a submodule (a commit of another repository)"}
GIT_FILE_MODES = frozenset({"100644", "100755"})


class NotRegular(OSError):
    """A path that is not a regular file where pmo reads one; the message says what it is."""

    def __init__(self, kind: str) -> None:
        super().__init__(not_data(kind))
        self.kind = kind


def not_data(kind: str) -> str:
    return f"{kind} is not data: replace it with the file itself"


def special_kind(mode: int) -> str | None:
    """What a file of this st_mode is when it is neither a regular file nor a folder; None for those two."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISCHR(mode):
        return "a character device"
    return "a special file"


def special_entries(folder: Path, skip: frozenset[str] = frozenset({".git"})) -> Iterator[tuple[Path, str]]:
    """Every entry below `folder` that is neither a regular file nor a folder, with what it is, in path order.
    Links are reported, not followed: a linked folder is one entry, whatever it points at."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.name in skip:
            continue
        kind = special_kind(entry.stat(follow_symlinks=False).st_mode)
        if kind is not None:
            yield folder / entry.name, kind
        elif entry.is_dir(follow_symlinks=False):
            yield from special_entries(folder / entry.name, skip)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises NotRegular for anything else (a link, a
    FIFO, a device: without waiting), FileTooBig past the limit, OSError when it cannot be read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        kind = kind_of(path)  # O_NOFOLLOW's ELOOP, or a device that refuses to open
        if kind is not None:
            raise NotRegular(kind) from None
        raise
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        kind = special_kind(info.st_mode)
        if kind is not None or not stat.S_ISREG(info.st_mode):
            raise NotRegular(kind or "a folder")
        if info.st_size > limit:
            raise FileTooBig(info.st_size, limit)
        data = file.read(limit + 1)  # a file growing meanwhile is still cut at the limit
    if len(data) > limit:
        raise FileTooBig(len(data), limit)
    return data


class FileTooBig(OSError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is {size // 1024} KiB; this file is limited to {limit // 1024} KiB")
        self.size, self.limit = size, limit


def kind_of(path: Path) -> str | None:
    """What `path` itself is when it is neither a regular file nor a folder; None for those and a missing path."""
    try:
        return special_kind(os.lstat(path).st_mode)
    except OSError:
        return None


def refuse_special_files(folder: Path, what: str) -> None:
    """ConfigurationError naming the first link, FIFO, socket or device below `folder` (a site's own folders:
    the handbook, the docs), before anything in it is read."""
    from ..errors import ConfigurationError

    if not folder.is_dir():
        return
    for path, kind in special_entries(folder):
        raise ConfigurationError(f"{path}: {kind} is not allowed in {what}: replace it with the file itself")
