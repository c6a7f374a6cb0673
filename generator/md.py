"""Small builders for the Markdown of generated pages. Cell text must already be inert (text.plain)."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from .text import attribute

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

EMPTY = "_None recorded._"


def front_matter(title: str, **meta: str) -> str:
    """YAML front matter with a plain-text title; values are HTML-escaped since themes print them raw."""
    lines = ["---", f'title: "{_yaml_text(title)}"']
    lines += [f'{key}: "{_yaml_text(value)}"' for key, value in meta.items()]
    return "\n".join([*lines, "---", ""]) + "\n"


def _yaml_text(value: str) -> str:
    # attribute() leaves no quote, backslash-free control or newline that could end the YAML string
    return attribute(value).replace("\\", "&#92;")


def link(page: str, target: str, text: str, anchor: str = "") -> str:
    """A relative Markdown link from the page at `page` to the page at `target` (both src paths)."""
    rel = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return f"[{text}]({rel}{'#' + anchor if anchor else ''})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A Markdown table; `align` is one letter per column (l, r, c), default left."""
    rows = list(rows)
    if not rows:
        return EMPTY + "\n"
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    rule = [marks.get(align[i] if i < len(align) else "l", ":--") for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def facts(headers: tuple[str, str], pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column table of labelled facts."""
    return table(headers, ((f"**{label}**", value) for label, value in pairs))


def section(title: str, body: str, level: int = 2) -> str:
    return f"{'#' * level} {title}\n\n{body}\n"
