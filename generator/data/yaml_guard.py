"""Defensive YAML reading: YAML text → plain dicts, lists and strings, with the line of every field.

PyYAML's loaders expand merge keys and aliases before we could look at them (a 700-byte file can take
minutes and gigabytes) and its composer recurses until the C stack breaks on deep nesting. So we never
use them: the file is checked for size, then read as a stream of parser events (libyaml's parser is
iterative and cheap) from which we build the tree ourselves, refusing anchors, aliases, tags, merge keys,
non-scalar and duplicate keys, several documents and needless depth as we go.

No YAML 1.1 implicit typing happens here: every scalar stays the text the author typed, except the empty
value / `~` / `null`, which become None. The model decides what a field's text means (ISO dates only,
`true`/`false` only), so `no`, `on`, `1.10`, `0042` and `12:30` reach a text field unchanged.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import PmoError
from .regular import FileTooBig, NotRegular, read_regular

if TYPE_CHECKING:
    from pathlib import Path

MAX_BYTES = 256 * 1024  # one project, program or request: a few KiB in practice
MAX_LIST_BYTES = 8 * 1024 * 1024  # people.yaml and calendar.yaml grow with the organization
MAX_DEPTH = 8  # the deepest the model needs is 4 (rag → spi → amber); leave room for honest mistakes
NESTING_MESSAGE = f"nesting is deeper than {MAX_DEPTH} levels; the data model needs far less"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

try:  # libyaml's parser: ~10x faster than the pure-Python one
    _Parser: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader

Path_ = tuple[str | int, ...]


@dataclass
class SourceFile:
    """One data file: its parsed content and the 1-based line where each field path starts."""

    path: Path
    display: str  # how errors name the file
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    text: str = ""  # as read: its comments are nowhere else (pmo validate warns about "# TODO" left in one)

    def line_of(self, loc: Path_) -> int | None:
        """The line of the deepest known prefix of `loc` (a missing field points at its parent)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


class YamlProblem(PmoError):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_yaml(path: Path, display: str, limit: int = MAX_BYTES) -> SourceFile:
    """Read and parse one file; raises YamlProblem naming the line of the first thing refused (a link, a FIFO
    or a device included, without waiting on it), OSError when it cannot be read."""
    try:
        raw = read_regular(path, limit)
    except (NotRegular, FileTooBig) as exc:
        raise YamlProblem(None, str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, "file is not valid UTF-8 text (save it as UTF-8)") from None
    return parse_yaml(text, path, display)


def parse_yaml(text: str, path: Path, display: str) -> SourceFile:
    source = SourceFile(path=path, display=display, data=None, text=text)
    try:
        source.data = _build(yaml.parse(text, Loader=_Parser), source.lines)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_syntax_error(exc, text)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, found before any parsing
        # the first place of that character is where the reader stopped (positions are bytes in libyaml)
        line = text.count("\n", 0, max(text.find(chr(exc.character)), 0)) + 1
        kind = "control character" if unicodedata.category(chr(exc.character)) == "Cc" else "character"
        raise YamlProblem(line, f"the {kind} U+{exc.character:04X} is not allowed in YAML: remove it") from None
    except yaml.YAMLError as exc:  # pragma: no cover - every YAMLError PyYAML raises while parsing is one above
        raise YamlProblem(None, f"this file is not valid YAML ({exc})") from None
    return source


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """libyaml's complaint, placed where the faulty construct starts (a missing ":" or an unclosed quote
    or bracket is noticed a line or more later) and worded for people who do not know YAML's grammar."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark
    if exc.context_mark is not None and context.startswith(("while scanning", "while parsing a flow")):
        mark = exc.context_mark
    lines = text.splitlines()
    at = mark.line if mark else None
    while at is not None and at > 0 and (at >= len(lines) or not lines[at].strip()):
        at -= 1  # noticed at the end of the file: the construct opened on the last line with text
    line = at + 1 if at is not None else None
    source_line = lines[at] if at is not None and at < len(lines) else ""
    if "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
        return line, "this line is indented with a tab character: indent with spaces"
    if "could not find expected ':'" in problem:
        return line, 'this line has no ": " between a key and its value'
    if "quoted scalar" in context and ("escape" in problem or "hexdecimal" in problem or "hexadecimal" in problem):
        return line, (
            'a backslash inside "double quotes" starts an escape like \\n: put the text in single quotes '
            "('C:\\temp\\new') or write each backslash twice"
        )
    if "quoted scalar" in context:
        return line, "a quote opened on this line is never closed"
    if context.startswith("while parsing a flow"):
        closer = "]" if "']'" in problem else "}" if "'}'" in problem else "its closing bracket"
        return line, f"a bracket opened on this line is never closed: end it with {closer}, items apart with commas"
    if any(p in problem for p in ("expected <block end>", "did not find expected key", "expected '-' indicator")):
        return line, "the indentation does not match the lines above: the items of one list or mapping line up"
    if "mapping values are not allowed" in problem:
        return line, ('unexpected ": " here: quote a value that contains ": ", or line the key up with the ones above')
    if "nesting depth" in problem:  # PyYAML 6.0.4 and later stop deep flow nesting before the guard sees it
        return line, NESTING_MESSAGE
    if "cannot start any token" in problem and mark is not None:
        char = _char_at(lines, mark.line, mark.column)
        if char == "\t":
            return line, "a tab character here: YAML indents and separates with spaces"
        return line, f'a value cannot start with "{char}": put the value in quotes'
    if context.startswith(("while scanning an alias", "while scanning an anchor")):
        return line, 'a value starting with "*" or "&" must be put in quotes'
    if "tag" in problem:
        return line, 'tags ("!") are not allowed: put a value starting with "!" in quotes'
    if "block sequence entries are not allowed" in problem:
        return line, 'a list item ("- ") cannot start here: put each item on its own line, indented under its key'
    if context.startswith("while scanning a block scalar"):
        return line, 'the text of a "|" or ">" block starts on the next line, indented: nothing may follow the sign'
    if "expected node content" in problem:
        return line, 'a value is missing here, or starts with a sign YAML reserves ("]", "}", ","): quote it'
    if "incompatible YAML document" in problem or "directive" in problem:
        return line, 'remove the "%" line at the top: the portfolio files are plain YAML 1.2 without directives'
    return line, "this line is not valid YAML: check its quotes, colons, brackets and indentation"


def _char_at(lines: list[str], line: int, column: int) -> str:
    text = lines[line] if line < len(lines) else ""
    return text[column] if column < len(text) else " "


class _Node:
    """A container under construction: a dict waiting for keys or values, or a list."""

    __slots__ = ("is_map", "key", "key_line", "loc", "value")

    def __init__(self, value: dict[str, Any] | list[Any], loc: Path_) -> None:
        self.value: Any = value  # a dict when is_map, else a list
        self.is_map = isinstance(value, dict)
        self.loc = loc
        self.key: str | None = None  # a mapping's pending key
        self.key_line = 0


def _refuse_extras(event: Any, line: int) -> None:
    if event.anchor is not None:
        raise YamlProblem(line, f'anchors ("&{event.anchor}") are not allowed: write the value out in full')
    if event.tag is not None:
        raise YamlProblem(line, f'tags ("{event.tag}") are not allowed: write plain values')


_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _build(events: Any, lines: dict[Path_, int]) -> Any:
    """The tree of the event stream. Scalars are most events: they take the first, shortest path."""
    stack: list[_Node] = []
    root: Any = None
    documents = 0
    for event in events:
        kind = type(event)
        if kind is _SCALAR:
            line = event.start_mark.line + 1
            if event.anchor is not None or event.tag is not None:
                _refuse_extras(event, line)
            text = event.value
            plain = event.implicit[0]  # an unquoted scalar
            if not stack:
                root = None if plain and text in _NULLS else text
                continue
            parent = stack[-1]
            if parent.is_map:
                mapping = parent.value
                key = parent.key
                if key is None:  # this scalar is a key
                    if plain and text == "<<":
                        raise YamlProblem(line, 'merge keys ("<<") are not allowed: write the fields out in full')
                    if text in mapping:
                        first = lines.get((*parent.loc, text))
                        raise YamlProblem(line, f'duplicate key "{text}" (first given on line {first})')
                    parent.key, parent.key_line = text, line
                    continue
                mapping[key] = None if plain and text in _NULLS else text
                lines[(*parent.loc, key)] = parent.key_line
                parent.key = None
            else:
                items = parent.value
                lines[(*parent.loc, len(items))] = line
                items.append(None if plain and text in _NULLS else text)
            continue
        line = event.start_mark.line + 1
        if kind is _MAPPING or kind is _SEQUENCE:
            _refuse_extras(event, line)
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(line, NESTING_MESSAGE)
            container: dict[str, Any] | list[Any] = {} if kind is _MAPPING else []
            if not stack:
                lines[()] = line
                stack.append(_Node(container, ()))
                continue
            parent = stack[-1]
            if parent.is_map and parent.key is None:
                raise YamlProblem(line, "a key must be a plain name, not a list or mapping")
            stack.append(_Node(container, _attach(parent, container, line, lines)))
        elif kind in _ENDS:
            done = stack.pop()
            if not stack:
                root = done.value
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise YamlProblem(line, 'a file holds one document: remove the second "---"')
        elif kind is yaml.AliasEvent:
            raise YamlProblem(line, f'aliases ("*{event.anchor}") are not allowed: write the value out in full')
    if documents == 0 or root is None:
        raise YamlProblem(1, "file is empty")
    return root


def _attach(parent: _Node, value: Any, line: int, lines: dict[Path_, int]) -> Path_:
    """Put a container into its parent and record its line; return its path."""
    if parent.is_map:
        key = parent.key
        assert key is not None
        parent.value[key] = value
        parent.key = None
        loc: Path_ = (*parent.loc, key)
        lines[loc] = parent.key_line
    else:
        loc = (*parent.loc, len(parent.value))
        parent.value.append(value)
        lines[loc] = line
    return loc
