"""Writing portfolio YAML in the house style of the sample files, so that `yaml_guard` reads back exactly the
values written: ids, enums, dates and numbers plain; free text double-quoted; multi-line text as a literal
block; lists of scalars and small mappings in flow style (`[a, b]`, `{rag: red, reason: "…"}`); a list of
mappings as one flow mapping per line.

Nothing here relies on YAML 1.1 implicit typing (the loader does none), but text that an editor's YAML
1.2 language server would read as a number, a boolean or null is quoted, so that it is text there too.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

# Unquoted, this is text for every YAML reader: starts with a letter, then letters, digits and . _ / -
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")
_SPECIAL_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"])
# YAML's printable set (spec 5.1), less the line breaks of YAML 1.1 (U+0085, U+2028, U+2029): escaped
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def scalar(value: Any) -> str:
    """One value as YAML text on one line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} to a portfolio file")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k)}: {scalar(v)}" for k, v in value.items()) + "}"
    return text(str(value))


def text(value: str) -> str:
    """Text: plain when nothing could read it as anything else, else double-quoted (JSON escapes are YAML)."""
    if _PLAIN.fullmatch(value) and value.lower() not in _SPECIAL_WORDS:
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(_escape, quoted)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else f"\\u{code:04x}"  # a lone surrogate is no character


def key(name: str) -> str:
    return text(name)


def literal_block(value: str, indent: str) -> str | None:
    """A multi-line text as a `|` block, or None when a block could not hold it exactly."""
    lines = value.split("\n")
    ends_with_newline = value.endswith("\n") and not value.endswith("\n\n")
    if ends_with_newline:
        lines = lines[:-1]
    if (
        not lines
        or not lines[0].strip()
        or lines[0][0] in " \t"
        or "\r" in value
        or _NOT_PRINTABLE.search(value)
        or any(line and not line.strip() for line in lines)  # spaces-only lines lose their spaces
        or value.endswith((" ", "\t", "\n\n"))  # `|` keeps one final newline, `|-` none: more needs quotes
    ):
        return None
    indicator = "|" if ends_with_newline else "|-"
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return f"{indicator}\n{body}"


def field(name: str, value: Any, indent: str = "") -> str:
    """One `name: value` entry (with a trailing newline); multi-line text becomes a literal block, a list of
    mappings one flow mapping per line, a long mapping a block of `key: value` lines."""
    if isinstance(value, str) and "\n" in value:
        block = literal_block(value, indent + "  ")
        if block is not None:
            return f"{indent}{key(name)}: {block}\n"
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        items = "".join(f"{indent}  - {scalar(item)}\n" for item in value)
        return f"{indent}{key(name)}:\n{items}"
    if isinstance(value, dict) and value and len(scalar(value)) > 100 - len(indent) - len(name):
        return f"{indent}{key(name)}:\n" + "".join(field(k, v, indent + "  ") for k, v in value.items())
    return f"{indent}{key(name)}: {scalar(value)}\n"


def document(record: dict[str, Any], header: str = "") -> str:
    """A whole file: an optional comment header, then the record's fields in their order."""
    lines = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return lines + "".join(field(name, value) for name, value in record.items())


def nested_document(data: dict[str, Any], header: str = "") -> str:
    """A whole file of any nesting (a configuration such as mkdocs.yml, not a portfolio file): mappings as
    `key: value` lines and lists as `- item` lines, in block style all the way down; scalars as in `scalar`."""
    lines = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return lines + _block(data, "")


def _block(value: Any, indent: str) -> str:
    """A non-empty mapping or list as block lines at `indent`, each with its trailing newline."""
    if isinstance(value, dict):
        return "".join(f"{indent}{_key(k)}:{_after_key(v, indent + '  ')}" for k, v in value.items())
    return "".join(f"{indent}-{_after_dash(item, indent + '  ')}" for item in value)


def _after_key(value: Any, indent: str) -> str:
    if isinstance(value, dict | list) and value:
        return "\n" + _block(value, indent)
    return f" {_nested_scalar(value, indent)}\n"


def _after_dash(value: Any, indent: str) -> str:
    """An item of a list: a mapping starts on the dash's line (`- key: value`), a list below it."""
    if isinstance(value, dict) and value:
        return " " + _block(value, indent)[len(indent) :]
    return _after_key(value, indent)


def _nested_scalar(value: Any, indent: str) -> str:
    if isinstance(value, str) and "\n" in value:
        block = literal_block(value, indent)
        if block is not None:
            return block
    return scalar(value)


def _key(name: Any) -> str:
    """A key as written; a number or date stays one (it is read back as the same value)."""
    return key(name) if isinstance(name, str) else scalar(name)
