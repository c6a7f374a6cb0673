"""HTML blocks set aside while MkDocs converts a generated page, and put back unchanged."""

from __future__ import annotations

import re

import markdown
from hypothesis import given
from hypothesis import strategies as st

from generator.widgets.blocks import BLOCK_END, BLOCK_START, html_block, put_back, set_aside, unmark
from generator.widgets.markup import Markup


def test_blocks_survive_conversion_and_come_back_in_order() -> None:
    page = (
        "# PMOBLOCK0\n\n"
        + html_block(Markup("<table><tr><td>a</td></tr></table>"))
        + html_block(Markup("<p>b</p>"))
        + "## Section\n\n"
        + html_block(Markup('<div class="x">c</div>'))
    )
    text, blocks = set_aside(page)
    assert len(blocks) == 2  # adjacent blocks travel together
    assert "<table>" not in text and "<div" not in text
    html = put_back(markdown.Markdown(extensions=["toc"]).convert(text), blocks)
    assert html.index("<td>a</td>") < html.index("<p>b</p>") < html.index("<h2") < html.index('<div class="x">c')
    assert '<h1 id="pmoblock0">PMOBLOCK0</h1>' in html  # a heading that looks like a placeholder stays itself


def test_the_source_tree_keeps_the_blocks_without_marks() -> None:
    page = "# T\n" + html_block(Markup("<p>x</p>"))
    assert unmark(page) == "# T\n\n<p>x</p>\n\n"


# The definition set_aside implements with str.find: runs of blocks with only space between them, each run
# with the space after it replaced by one placeholder paragraph.
_MARKED = re.compile(re.escape(BLOCK_START) + r"\n(.*?)" + re.escape(BLOCK_END), re.S)
_RUN = re.compile(r"(?:" + _MARKED.pattern + r"\s*)+", re.S)


def _set_aside_by_regex(markdown: str) -> tuple[str, list[str]]:
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append("\n".join(_MARKED.findall(match.group(0))))
        return f"\n\nPMOBLOCK{len(blocks) - 1}\n\n"

    return _RUN.sub(keep, markdown), blocks


_PIECE = st.one_of(
    st.text(alphabet=" \n\tab#<-!>/", max_size=12),  # text, space, and pieces of marks
    st.text(alphabet="x<>\n ", max_size=8).map(html_block),
    st.sampled_from([BLOCK_START, BLOCK_END, BLOCK_START + "\n", "\n" + BLOCK_END, "\n\n", " "]),
)


@given(st.lists(_PIECE, max_size=10).map("".join))
def test_set_aside_is_the_regex_definition(markdown: str) -> None:
    assert set_aside(markdown) == _set_aside_by_regex(markdown)
