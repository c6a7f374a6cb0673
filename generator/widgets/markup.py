"""The one HTML builder of the generated pages: whether text is escaped is decided by its type.

A plain `str` is always escaped (markupsafe's `escape`, in C); only `Markup` passes through unchanged. Markup
is what this module, `text.plain` (an escaper that also makes text Markdown-inert) and `text.rich` (data
Markdown through the nh3 sanitizer) return, and the odd constant written in the code. Data text never
becomes Markup any other way.

A `title` attribute takes only a `Constant`, text written in this code: mkdocs-material's `content.tooltips`
puts a title into its tooltip as HTML on hover, so data text there would be markup again, even escaped (the
browser unescapes attributes). Markup made from data (text.plain, a joined cell) is not a Constant, and a
Constant is no string that data could be added to. Data text that explains something goes into visible
text or a `data-` attribute instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "HTML_SPECIAL",
    "Constant",
    "Markup",
    "anchor",
    "attributes",
    "constant",
    "escape",
    "join",
    "script_json",
    "tag",
    "to_html",
    "trusted",
]

VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source"})
# Attributes a script or the theme turns into markup: only constants of the code may fill them.
CONSTANT_ONLY = frozenset({"title"})
HTML_SPECIAL = re.compile("[&<>\"']")  # the characters escape() replaces
_special = HTML_SPECIAL.search


@dataclass(frozen=True, slots=True)
class Constant:
    """Text written in this code, never from data: the only kind of value a title takes. It is no str, so
    nothing can be joined, concatenated or formatted onto it; escaped when written, like any text."""

    text: str

    def __html__(self) -> Markup:
        return escape(self.text)


def constant(text: str) -> Constant:
    return Constant(text)


def to_html(value: object) -> str:
    """`value` as HTML: Markup as it is, anything else escaped. Most text has nothing to escape, and a search
    in C finds that sooner than markupsafe's escape makes a Markup object of it (a cost per table cell)."""
    if type(value) is str:
        return escape(value) if _special(value) else value
    if isinstance(value, Markup):
        return value
    if hasattr(value, "__html__"):
        return escape(value)
    text = str(value)
    return escape(text) if _special(text) else text


def trusted(html: str) -> Markup:
    """HTML this code wrote or escaped itself, as Markup: str's own constructor, without Markup()'s check for
    __html__ (an exception for every plain string; a large build makes hundreds of thousands)."""
    return str.__new__(Markup, html)


def tag(element: str, /, *content: object, **attrs: object) -> Markup:
    """`<element attrs>content</element>`: each item of `content` escaped unless it is Markup, joined without
    separator. Attribute names drop a trailing "_" (`class_`) and write "_" as "-" (`data_pmo_num`)."""
    opening = f"<{element}{_attributes(attrs)}>" if attrs else f"<{element}>"
    if element in VOID:
        if content:
            raise ValueError(f"<{element}> is a void element: it has no content")
        return trusted(opening)
    if len(content) == 1:  # to_html inlined for the usual single Markup or text with nothing to escape
        inner = content[0]
        if not (type(inner) is Markup or (type(inner) is str and not _special(inner))):
            inner = to_html(inner)
    else:
        inner = "".join(map(to_html, content))
    return str.__new__(Markup, f"{opening}{inner}</{element}>")


def anchor(url: str, text: object) -> Markup:
    """`<a href="url">text</a>`: tag("a") without its keyword handling, for the tens of thousands of links in
    the tables of a large site."""
    return trusted(f'<a href="{to_html(url)}">{to_html(text)}</a>')


def attributes(**attrs: object) -> Markup:
    """Attributes with a leading space each, values escaped and double-quoted: None and False leave an
    attribute out, True writes it bare. For a table's rows, where a whole element per row is not wanted."""
    return trusted(_attributes(attrs))


def _attributes(attrs: dict[str, object]) -> str:
    parts: list[str] = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = _NAMES.get(key) or _NAMES.setdefault(key, key.rstrip("_").replace("_", "-"))
        if name in CONSTANT_ONLY and type(value) is not Constant:
            raise ValueError(f"a {name} attribute takes a constant of the code (Constant), not {value!r:.60}")
        if value is True:
            parts.append(f" {name}")
        elif type(value) is str and not _special(value):
            parts.append(f' {name}="{value}"')
        else:
            parts.append(f' {name}="{to_html(value)}"')
    return "".join(parts)


_NAMES: dict[str, str] = {}  # keyword → attribute name: class_ → class, data_pmo_num → data-pmo-num


def join(parts: Iterable[object], separator: str | Markup = "") -> Markup:
    """The parts one after the other (each escaped unless Markup), `separator` between them."""
    return trusted(to_html(separator).join(map(to_html, parts)))


_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(value: object, **attrs: object) -> Markup:
    """`value` as strict JSON in a `<script type="application/json">` element. HTML's character references mean
    nothing inside a script element, so "<", ">" and "&" are written as JSON escapes instead: no text from the
    data can close the element (`</script>`) or open a comment in it."""
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return tag("script", in_script(payload), type="application/json", **attrs)


def in_script(json_text: str) -> Markup:
    """JSON text made safe inside a script element (see script_json), for JSON serialized its own way."""
    return trusted(json_text.translate(_SCRIPT_SAFE))
