"""The one HTML builder of the generated pages: whether text is escaped is decided by its type.

A plain `str` is always escaped (markupsafe's `escape`, in C); only `Markup` passes through unchanged. Markup
is what this module, `text.plain` (an escaper that also makes text Markdown-inert) and `text.rich` (data
Markdown through the nh3 sanitizer) return, and the odd constant written in the code. Data text never
becomes Markup any other way.

A `title` attribute must be Markup (a constant of the code): mkdocs-material's `content.tooltips` puts a
title into its tooltip as HTML on hover, so data text there would be markup again. Data text that explains
something goes into visible text or a `data-` attribute instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Markup", "anchor", "attributes", "escape", "join", "tag"]

VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source"})
# Attributes a script or the theme turns into markup: only constants of the code may fill them.
CONSTANT_ONLY = frozenset({"title"})
_EMPTY = Markup("")


def tag(element: str, /, *content: object, **attrs: object) -> Markup:
    """`<element attrs>content</element>`: each item of `content` escaped unless it is Markup, joined without
    separator. Attribute names drop a trailing "_" (`class_`) and write "_" as "-" (`data_pmo_num`)."""
    opening = f"<{element}{attributes(**attrs)}>"
    if element in VOID:
        if content:
            raise ValueError(f"<{element}> is a void element: it has no content")
        return Markup(opening)
    return Markup(f"{opening}{''.join(map(escape, content))}</{element}>")


def anchor(url: str, text: object) -> Markup:
    """`<a href="url">text</a>`: tag("a") without its keyword handling, for the tens of thousands of links in
    the tables of a large site."""
    return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')


def attributes(**attrs: object) -> Markup:
    """Attributes with a leading space each, values escaped and double-quoted: None and False leave an
    attribute out, True writes it bare. For a table's rows, where a whole element per row is not wanted."""
    parts: list[str] = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        if name in CONSTANT_ONLY and not isinstance(value, Markup):
            raise ValueError(f"a {name} attribute takes a constant of the code (Markup), not text: {value!r:.60}")
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{escape(value)}"')
    return Markup("".join(parts))


def join(parts: Iterable[object], separator: str | Markup = _EMPTY) -> Markup:
    """The parts one after the other (each escaped unless Markup), `separator` between them."""
    return escape(separator).join(map(escape, parts))
