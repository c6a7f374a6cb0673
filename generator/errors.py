"""pmo's exceptions: one base, PmoError, carrying its exit code and its message for the user; PortfolioError
carries every problem found in a run, with file, line and field."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

T = TypeVar("T")

# The bidirectional overrides and isolates: they make text read differently from what it holds.
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# What a terminal acts on instead of showing: C0 controls, DEL, C1 controls; and the bidirectional controls.
_UNSHOWN = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    file: str  # path relative to the data folder's parent, e.g. "portfolio/projects/crm.yaml"
    line: int | None
    field: str  # dotted field path, e.g. "milestones[2].forecast"; "" for the whole file
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return visible(text, lines=False)  # one problem, one line, whatever the file name or value holds


class PmoError(Exception):
    """Every failure pmo reports to its user, raised with what went wrong and where. The `pmo` command prints
    `user_message()` and exits with `exit_code` (1: bad data, a failed build or write; 2: usage or
    configuration), all in one place (cli.py); the MkDocs plugin turns it into MkDocs' PluginError, in one place
    too. What a caller knows and the raiser does not (that nothing was changed) it adds with `add_note`; the
    notes follow the message, each after `note_separator`."""

    exit_code: int = 1
    note_separator = "\n"

    def headline(self) -> str:
        return f"Error: {self}"

    def user_message(self) -> str:
        return self.note_separator.join([self.headline(), *getattr(self, "__notes__", ())])


class PortfolioError(PmoError):
    """Raised with all problems of a run, never only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = in_order(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found.")
        return "\n".join(lines)

    def headline(self) -> str:
        return self.report()


class ConfigurationError(PmoError):
    """A usage or site-configuration mistake (exit code 2), as opposed to bad portfolio data."""

    exit_code = 2


class WriteFailed(PmoError):
    """A file or folder could not be written; the message says which and why."""


def os_reason(exc: OSError) -> str:
    """Why the system refused, in its words (lower case, to follow a colon), with the file it names."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{(exc.strerror or str(exc)).lower()}{where}"


def every_problem(*reads: Callable[[], T]) -> list[T]:
    """Each read's result; when some find bad data, the first one's PortfolioError with the others' reports as
    notes, so that one run tells of every problem (`pmo diff`: both sides)."""
    results, failures = [], []
    for read in reads:
        try:
            results.append(read())
        except PortfolioError as exc:
            failures.append(exc)
    if failures:
        first, *others = failures
        for other in others:
            first.add_note(other.report())
        raise first
    return results


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems as they are reported: each once, by file, line, field and message."""
    return sorted(set(problems), key=_sort_key)


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.line or 0, p.field, p.message)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' Did you mean "x"?' suffix, or "" when nothing is close enough."""
    match = closest(word, choices)
    return f'; did you mean "{match}"?' if match is not None else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` is most likely a misspelling of, or None when nothing is close enough."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def show_value(value: object) -> str:
    """How a wrong value is quoted back in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def visible(text: str, lines: bool = True) -> str:
    """`text` as a terminal may print it: every control and bidirectional character as an escape like \\u001b
    (line feeds kept when `lines`). Inside a JSON text the escapes are JSON's own, so the JSON stays valid."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return char if lines and char == "\n" else f"\\u{ord(char):04x}"

    return _UNSHOWN.sub(escape, text)


def format_problems(problems: list[Problem], fmt: str, warnings: list[Problem] | None = None) -> str:
    """Render problems (and warnings, which do not fail a run) as text (one per line), JSON, or GitHub workflow
    annotations. In JSON every entry has a "severity", error or warning."""
    warnings = warnings or []
    if fmt == "json":
        entries = [{**asdict(p), "severity": "error"} for p in problems]
        entries += [{**asdict(p), "severity": "warning"} for p in warnings]
        return json.dumps(entries, indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join([*(_annotation("error", p) for p in problems), *(_annotation("warning", p) for p in warnings)])
    return "\n".join([*(str(p) for p in problems), *(warning_text(p) for p in warnings)])


def warning_text(p: Problem) -> str:
    """A warning as one line, labelled: `portfolio/projects/a.yaml:31: warning: budget: …`."""
    return str(Problem(p.file, p.line, "", f"warning: {p.field}: {p.message}" if p.field else f"warning: {p.message}"))


def _annotation(kind: str, p: Problem) -> str:
    loc = f"file={gh_escape_property(p.file)}"
    if p.line is not None:
        loc += f",line={p.line}"
    text = f"{p.field}: {p.message}" if p.field else p.message
    return f"::{kind} {loc}::{gh_escape_data(text)}"


def gh_escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_escape_property(text: str) -> str:
    return gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")
