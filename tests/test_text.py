"""Untrusted text renders inert: plain text for single-line fields, sanitized Markdown for multi-line ones."""

from __future__ import annotations

import html
import re
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.widgets.text import SPECIAL, attribute, one_line, plain, rich


def test_plain_text_cannot_break_a_table_or_inject_markup() -> None:
    out = plain("A | B <b>x</b> {: onclick=alert(1) } [l](javascript:x) *y*\nnext")
    for char in "|<>{}[]()*\n":
        assert char not in out
    assert out.startswith("A &#124; B &#60;b&#62;x")


# The definition plain() implements with str.split and str.translate.
_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+!|&~:=\"'$%^]")


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8") | st.sampled_from(SPECIAL + " \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000")
    )
)
def test_plain_is_single_spaced_text_with_every_special_character_a_reference(text: str) -> None:
    expected = _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", re.sub(r"\s+", " ", text).strip())
    assert plain(text) == expected
    assert attribute(text) == html.escape(re.sub(r"\s+", " ", text).strip(), quote=True)


def test_one_line_truncates() -> None:
    assert one_line("word " * 100, 20).endswith("…")
    assert len(one_line("a" * 30, 20)) == 20


def test_rich_keeps_ordinary_markdown() -> None:
    html = rich("Some **bold**, _italic_, `code` and a [link](https://intranet.example/x).\n\n- one\n- two\n")
    for fragment in (
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<code>code</code>",
        "<li>one</li>",
        '<a href="https://intranet.example/x" rel="noopener noreferrer">link</a>',
    ):
        assert fragment in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
    ],
)
def test_rich_removes_active_content(payload: str) -> None:
    html = rich(f"Before {payload} after").lower()
    for bad in ("<script", "onerror", "javascript:", "data:text", "<iframe", "<img"):
        assert bad not in html


def test_rich_headings_do_not_break_the_outline_and_comments_do_not_hide() -> None:
    html = rich("# Takeover\n\ntext <!-- hide the rest\n\nmore")
    assert "<h1" not in html and "<strong>Takeover</strong>" in html
    assert "more" in html and "<!-- hide" not in html and "hide the rest" in html


def test_rich_output_is_one_html_block() -> None:
    # a blank line would end the HTML block and let the rest be read as page Markdown
    assert "\n\n" not in rich("para one\n\n\n\npara two\n\n- a\n\n- b").strip()


# Texts in the subset the fast renderer writes itself, with the characters most likely to tell the two apart.
_WORDS = st.text(alphabet="abcXYZ09 .,:;%/()\"'?-+*\u00e9\u2019", min_size=1, max_size=12)
_LINE = st.lists(st.one_of(_WORDS, _WORDS.map(lambda w: f"**{w}**")), min_size=1, max_size=4).map("".join)
_BLOCK = st.one_of(
    st.lists(_LINE, min_size=1, max_size=3).map("\n".join),
    st.lists(_LINE.map(lambda line: "- " + line), min_size=1, max_size=4).map("\n".join),
)
_TEXT = st.lists(_BLOCK, min_size=1, max_size=4).map("\n\n".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_the_fast_renderer_writes_what_python_markdown_writes(text: str) -> None:
    from generator.widgets.text import _converter, _render, _render_simple

    fast = _render_simple(text)
    _render.cache_clear()
    with patch("generator.widgets.text._render_simple", return_value=None):
        slow = _render(text)
    _render.cache_clear()
    assert fast is None or fast == slow, (text, fast, slow)
    assert _converter() is not None


def test_the_fast_renderer_takes_the_usual_description() -> None:
    from generator.widgets.text import _render_simple

    text = "Replace the system.\n\n**Why now:** support ends.\n\nIn scope:\n\n- data migration\n- training"
    assert _render_simple(text) == (
        "<p>Replace the system.</p>\n<p><strong>Why now:</strong> support ends.</p>\n<p>In scope:</p>\n"
        "<ul>\n<li>data migration</li>\n<li>training</li>\n</ul>"
    )
    assert _render_simple("See [the plan](https://x)") is None  # anything else goes to Python-Markdown
