"""Untrusted text from data files → inert page content.

Single-line fields (names, titles, table cells) become plain text: every character Markdown or HTML could
read as syntax is written as a character reference, so `|`, `*`, `[`, `<`, `{` and newlines cannot break a
table or inject markup. Multi-line fields keep ordinary Markdown: rendered by Python-Markdown with no
extension that reads attributes, includes or templates, then cleaned by nh3 (a real HTML sanitizer), and
placed in the page as an HTML block MkDocs passes through unchanged.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3

from .blocks import html_block
from .markup import Markup, tag

# Characters that mean something to Markdown, its extensions, HTML or Jinja-like template engines, each
# written as a character reference. Most cells have none: searching first is three times faster.
SPECIAL = "\\`*_{}[]()<>#+!|&~:=\"'$%^"
_SPECIAL = re.compile(f"[{re.escape(SPECIAL)}]")
_REFERENCES = str.maketrans({char: f"&#{ord(char)};" for char in SPECIAL})
_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)
_MARKUP_HINT = re.compile(r"[\\`*_\[\]<>&#!|{}~\n]|^\s*[-+>\d]")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
# No `title` (nor ammonia's other default on every tag, `lang`: "*" replaces that default): the theme's tooltips
# show a title as HTML, so a Markdown link title would be markup again.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"*": set(), "a": {"href"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def plain(value: object) -> Markup:
    """One line of inert text for Markdown and HTML: an escaper, like markupsafe's escape (whose every
    character it escapes too), that also leaves Markdown and template engines nothing to read, so the text stays
    text in a page's Markdown source (blocks.unmark) as well as in its HTML."""
    text = _single_spaced(str(value))
    # str's constructor, as markup.trusted: no call more for the most frequent text of a page
    return str.__new__(Markup, text.translate(_REFERENCES) if _SPECIAL.search(text) else text)


def attribute(value: object) -> str:
    """Text safe inside a double-quoted HTML attribute or a YAML front-matter string."""
    return html.escape(_single_spaced(str(value)), quote=True)


def _single_spaced(text: str) -> str:
    """Runs of whitespace (str.isspace, as regex \\s) as one space, none at the ends."""
    return " ".join(text.split())


def rich(value: str, css_class: str = "pmo-text") -> str:
    """A block of sanitized Markdown as an HTML block, or "" for empty text."""
    if not value or not value.strip():
        return ""
    return html_block(tag("div", _NEWLINE, _render(value.strip()), _NEWLINE, class_=css_class))


_NEWLINE = Markup("\n")


@lru_cache(maxsize=4096)
def _render(text: str) -> Markup:
    """Data Markdown as HTML: the only way data text becomes Markup, through the simple renderer below (which
    escapes every character HTML reads) or through nh3."""
    if not _MARKUP_HINT.search(text):  # most summaries are one plain sentence: skip the Markdown parser
        return Markup(f"<p>{html.escape(text, quote=False)}</p>")
    simple = _render_simple(text)
    if simple is not None:
        return Markup(simple)
    # A heading in a description would break the page's outline: keep its words, as bold text.
    rendered = _HEADING.sub(r"<p><strong>\1</strong></p>", _converter().reset().convert(text))
    # Blank lines would end the HTML block in the page's Markdown and let the rest be parsed as Markdown.
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(re.sub(r"\n\s*\n", "\n", cleaned).strip())


# The Markdown most descriptions are written in: paragraphs, tight bullet lists ("- item") and **bold**, in
# text with no other character Markdown or HTML reads. Python-Markdown costs ~0.5 ms for such a text, a third
# of a large build's page rendering; this writes the same HTML (tests compare the two on generated texts).
_PLAIN = r"[^\\`_\[\]<>&#!|{}~=\t*\n\r\xa0]"  # a character no Markdown or HTML rule reads
_WORD = r"[^\\`_\[\]<>&#!|{}~=\t*\s]"
# A line: maybe a list marker, no other block starter, plain text and bold runs, no trailing space (a <br>).
_SIMPLE_LINE = re.compile(rf"(?:- )?(?![\s\d+>-])(?:{_PLAIN}|\*\*{_WORD}(?:{_PLAIN}*{_WORD})?\*\*)+(?<!\s)")
_BOLD = re.compile(r"\*\*([^*]+?)\*\*")


def _bold(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", text)


def _render_simple(text: str) -> str | None:
    """The HTML of `text` when it keeps to that subset, else None (and Python-Markdown renders it)."""
    parts: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.split("\n")
        if not all(_SIMPLE_LINE.fullmatch(line) for line in lines):
            return None
        items = [line.startswith("- ") for line in lines]
        if all(items) and parts and parts[-1].startswith("<ul>"):  # a list after a blank line: one loose list
            return None
        if all(items):
            parts.append("<ul>\n" + "".join(f"<li>{_bold(line[2:])}</li>\n" for line in lines) + "</ul>")
        elif any(items):  # a list line inside a paragraph: Markdown's rules there are subtle, let it decide
            return None
        else:
            parts.append(f"<p>{_bold(block)}</p>")
    return "\n".join(parts)


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter, reset between texts: building one costs more than converting a short text."""
    return markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


def one_line(value: str, limit: int = 160) -> Markup:
    """The start of a text as plain inert text, for a table cell."""
    text = _single_spaced(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return plain(text)
