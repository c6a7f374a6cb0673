"""HTML blocks set aside while MkDocs converts a generated page, and put back unchanged."""

from __future__ import annotations

import markdown

from generator.blocks import html_block, put_back, set_aside, unmark


def test_blocks_survive_conversion_and_come_back_in_order() -> None:
    page = (
        "# PMOBLOCK0\n\n"
        + html_block("<table><tr><td>a</td></tr></table>")
        + html_block("<p>b</p>")
        + "## Section\n\n"
        + html_block('<div class="x">c</div>')
    )
    text, blocks = set_aside(page)
    assert len(blocks) == 2  # adjacent blocks travel together
    assert "<table>" not in text and "<div" not in text
    html = put_back(markdown.Markdown(extensions=["toc"]).convert(text), blocks)
    assert html.index("<td>a</td>") < html.index("<p>b</p>") < html.index("<h2") < html.index('<div class="x">c')
    assert '<h1 id="pmoblock0">PMOBLOCK0</h1>' in html  # a heading that looks like a placeholder stays itself


def test_the_source_tree_keeps_the_blocks_without_marks() -> None:
    page = "# T\n" + html_block("<p>x</p>")
    assert unmark(page) == "# T\n\n<p>x</p>\n\n"
