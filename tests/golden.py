"""Golden files: what the code makes, compared byte for byte with a file under tests/golden/ that a reviewer has
read. `python3 -m pytest --update-golden` rewrites them from the code; `git diff tests/golden` is the review."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
SHOWN_DIFF_LINES = 60
HOW_TO_UPDATE = (
    "If the change is intended, rewrite the golden files with `python3 -m pytest tests/test_golden.py "
    "--update-golden`, read `git diff tests/golden` and commit it with the change."
)


def compare(path: Path, made: str, update: bool) -> None:
    """Fail with the first lines of a unified diff when `made` differs from the file at `path`; with `update`,
    write `made` there instead (bytes as made: no newline translation)."""
    data = made.encode("utf-8")
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    if not path.is_file():
        pytest.fail(f"{path.name}: no golden file at {path}. {HOW_TO_UPDATE}", pytrace=False)
    stored = path.read_bytes()
    if stored == data:
        return
    diff = list(
        difflib.unified_diff(
            stored.decode("utf-8").splitlines(keepends=True),
            made.splitlines(keepends=True),
            f"{path.name} (golden)",
            f"{path.name} (made now)",
        )
    )
    shown = "".join(line if line.endswith("\n") else line + "\n" for line in diff[:SHOWN_DIFF_LINES])
    if len(diff) > SHOWN_DIFF_LINES:
        shown += f"… and {len(diff) - SHOWN_DIFF_LINES} more lines of diff\n"
    pytest.fail(f"{path} differs from what the code makes now:\n{shown}{HOW_TO_UPDATE}", pytrace=False)
