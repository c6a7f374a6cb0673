"""Warnings of `pmo validate`: placeholders left in valid data (a "# TODO" comment, a TODO value, a zero that
stands for "not entered yet"). They do not fail validation: a placeholder is a valid value, only not a real one.

They are read from the raw files, so they are reported in the same run as any errors, for every readable file.
The zeros warned about are listed in docs/data-contract.md ("Placeholders"), each with why 0 cannot be real.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from .validate import field_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .load import RawPortfolio
    from .yaml_guard import Path_, SourceFile

_TODO = re.compile(r"\bTODO\b")
_COMMENT_TODO = re.compile(r"\A\s*TODO\b", re.IGNORECASE)
# A project past approval has an approved budget: 0 is one not entered yet (`pmo new` writes `budget: 0`).
BUDGETED_PHASES = ("approved", "planning", "execution", "closing", "on-hold", "closed")
# An assessed or approved request has been costed: 0 is an estimate not entered yet.
COSTED_STAGES = ("assessed", "approved")


def leftovers(raw: RawPortfolio) -> list[Problem]:
    """Every placeholder left in the portfolio's readable files: one warning per line (a value and the TODO
    comment beside it are one placeholder)."""
    found: list[Problem] = []
    sources = [("", source) for source in raw.files.values()]
    sources += [(folder, source) for folder, files in raw.folders.items() for source in files.values()]
    for folder, source in sources:
        warned: dict[int | None, Problem] = {}
        values = _todo_values(source.data) if "TODO" in source.text else iter(())  # a value says it in the text
        for loc, message in [*values, *_zeros(folder, source.data)]:
            line = source.line_of(loc)
            warned.setdefault(line, Problem(source.display, line, field_path(loc), message))
        for line, loc in _todo_comments(source):
            warned.setdefault(line, Problem(source.display, line, field_path(loc), _COMMENT_MESSAGE))
        found += warned.values()
    return sorted(found, key=lambda p: (p.file, p.line or 0, p.field))


_COMMENT_MESSAGE = 'a "# TODO" comment is left here: put in the real value, then delete the comment'


def _todo_values(node: Any, loc: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _todo_values(value, (*loc, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _todo_values(item, (*loc, i))
    elif isinstance(node, str) and _TODO.search(node):
        yield loc, "the value says TODO: a placeholder, replace it with the real value"


def _zeros(folder: str, data: dict[str, Any]) -> Iterator[tuple[Path_, str]]:
    if folder == "projects":
        phase = data.get("phase")
        if _is_zero(data.get("budget")) and phase in BUDGETED_PHASES:
            yield (
                ("budget",),
                (
                    f"0 on a project in phase {phase}: a placeholder (a project past approval has an approved "
                    "budget); enter the budget at completion, or list budget under withheld with the reason"
                ),
            )
        benefits = data.get("benefits")
        for i, benefit in enumerate(benefits if isinstance(benefits, list) else []):
            if isinstance(benefit, dict) and _is_zero(benefit.get("planned")):
                yield (
                    ("benefits", i, "planned"),
                    ("0: a placeholder (a benefit plans some amount); enter the amount planned"),
                )
    elif folder == "requests":
        stage = data.get("stage")
        if _is_zero(data.get("estimated_cost")) and stage in COSTED_STAGES:
            yield (
                ("estimated_cost",),
                (
                    f"0 on a request at stage {stage}: a placeholder (an {stage} request has been "
                    "costed); enter the estimate"
                ),
            )


_ZERO = re.compile(r"[+-]?(0+(\.0*)?|\.0+)")


def _is_zero(value: Any) -> bool:
    """0, 0.0, 000: the loader keeps every scalar as its text, for the model to read."""
    if isinstance(value, str):
        return _ZERO.fullmatch(value.strip()) is not None
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 0


def _todo_comments(source: SourceFile) -> Iterator[tuple[int, Path_]]:
    """(line, the field on that line) of each comment starting with TODO."""
    if "todo" not in source.text.lower():  # most files: no line to read character by character
        return
    at_line: dict[int, Path_] = {}
    for loc, line in source.lines.items():
        if len(loc) >= len(at_line.get(line, ())):
            at_line[line] = loc  # the innermost field that starts on the line
    for number, text in enumerate(source.text.splitlines(), 1):
        comment = _comment(text) if "#" in text else None
        if comment is not None and _COMMENT_TODO.match(comment):
            yield number, at_line.get(number, ())


def _comment(line: str) -> str | None:
    """The text after a line's YAML comment sign: a # at the line's start or after a space, outside quotes."""
    quote = ""
    escaped = False
    for i, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1 :]
    return None
