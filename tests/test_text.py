"""Untrusted text renders inert: plain text for single-line fields, sanitized Markdown for multi-line ones."""

from __future__ import annotations

import pytest

from generator.text import one_line, plain, rich


def test_plain_text_cannot_break_a_table_or_inject_markup() -> None:
    out = plain("A | B <b>x</b> {: onclick=alert(1) } [l](javascript:x) *y*\nnext")
    for char in "|<>{}[]()*\n":
        assert char not in out
    assert out.startswith("A &#124; B &#60;b&#62;x")


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
