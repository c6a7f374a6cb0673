"""The HTML builder: text is escaped by its type, never by convention, and data text cannot become a title."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator.handbook.glossary import ABBREVIATIONS, Tooltips
from generator.widgets import fmt
from generator.widgets.markup import Markup, attributes, constant, escape, join, tag
from generator.widgets.md import heading, link, table_html
from generator.widgets.text import attribute, plain, rich

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
HOSTILE = "<img src=x onerror=alert('x')> & \"quoted\""


def test_text_is_escaped_in_content_and_attributes() -> None:
    html = tag("a", HOSTILE, href='x" onmouseover="alert(1)', class_="c")
    assert html == (
        '<a href="x&#34; onmouseover=&#34;alert(1)" class="c">'
        "&lt;img src=x onerror=alert(&#39;x&#39;)&gt; &amp; &#34;quoted&#34;</a>"
    )
    assert isinstance(html, Markup)


def test_markup_passes_unchanged() -> None:
    assert (
        tag("p", Markup("<em>ours</em>"), " & ", tag("code", "<x>"))
        == "<p><em>ours</em> &amp; <code>&lt;x&gt;</code></p>"
    )


def test_attribute_values_and_names() -> None:
    assert tag("input", type="search", hidden=True, disabled=False, value=None) == '<input type="search" hidden>'
    assert attributes(data_pmo_num="1 2", aria_label="a<b", tabindex=0) == (
        ' data-pmo-num="1 2" aria-label="a&lt;b" tabindex="0"'
    )
    with pytest.raises(ValueError, match="void"):
        tag("br", "text")


def test_a_title_takes_only_a_constant_of_the_code() -> None:
    with pytest.raises(ValueError, match="title attribute takes a constant"):
        tag("span", "n/a", title="Withheld: <img src=x onerror=alert(1)>")
    with pytest.raises(ValueError, match="title attribute takes a constant"):
        fmt.rag("red", "a reason from the data")  # type: ignore[arg-type]
    data = "<img src=x onerror=alert(1)>"
    for escaped in (plain(data), Markup(escape(data)), join([data]), Markup(constant("Withheld: ")) + data):
        with pytest.raises(ValueError, match="title attribute takes a constant"):  # escaped data is data still
            tag("span", "n/a", title=escaped)
    assert tag("a", "¶", title=constant("Permanent link")) == '<a title="Permanent link">¶</a>'
    assert tag("a", "¶", title=constant('Its <own> "text"')) == '<a title="Its &lt;own&gt; &#34;text&#34;">¶</a>'
    with pytest.raises(TypeError):  # nothing rides along on a constant
        constant("Withheld: ") + data  # type: ignore[operator]


def test_join_escapes_text_but_not_markup() -> None:
    assert join(["<b>", tag("b", "x")], ", ") == "&lt;b&gt;, <b>x</b>"
    assert join([], ", ") == "" and isinstance(join([]), Markup)


def test_widgets_escape_text_and_pass_markup() -> None:
    table = table_html(["<th>"], [["<td>"], [tag("em", "x")]], attrs=attributes(id="t"), caption="a & b")
    assert "<th>&lt;th&gt;</th>" in table and "<td>&lt;td&gt;</td>" in table and "<td><em>x</em></td>" in table
    assert '<table tabindex="0" id="t">' in table and "<caption>a &amp; b</caption>" in table
    assert link("projects/a.md", "projects/b.md", "<b>") == '<a href="../../projects/b/">&lt;b&gt;</a>'
    assert "<h2 " in heading("a <b> heading") and "a &lt;b&gt; heading<a" in heading("a <b> heading")
    assert "&#60;b&#62;" in heading(plain("<b>"))  # plain() is an escaper: its Markup is not escaped twice


def test_cached_widgets_tell_text_from_markup() -> None:
    """heading, fmt.na and facts keep what they made: the same characters as text must still be escaped."""
    assert "<b>x</b><a" in heading(Markup("<b>x</b>"))
    assert "&lt;b&gt;x&lt;/b&gt;<a" in heading("<b>x</b>")
    assert "<b>x</b>)" in fmt.na(Markup("<b>x</b>")) and "&lt;b&gt;x&lt;/b&gt;)" in fmt.na("<b>x</b>")


def test_an_undefined_value_shows_its_reason_as_text_never_as_a_title() -> None:
    na = fmt.na(f"Withheld by the source: {HOSTILE}")
    assert "title" not in na and "<img" not in na
    assert na == (
        '<span class="pmo-na">n/a<span class="pmo-na-why"> (Withheld by the source: &lt;img src=x '
        "onerror=alert(&#39;x&#39;)&gt; &amp; &#34;quoted&#34;)</span></span>"
    )


def test_the_sanitizer_drops_link_titles() -> None:
    html = rich(
        "See [x](https://example.org \"<img src=x onerror=alert(1)>\") and [y](https://example.org 'T')\n\n"
        '<p title="<img src=x onerror=alert(2)>" lang="x">raw HTML</p>'
    )
    assert 'href="https://example.org"' in html and "raw HTML" in html
    assert "title" not in html and "lang" not in html and "<img" not in html and "onerror" not in html


def test_glossary_tooltips_come_from_the_glossary_of_the_code_only() -> None:
    """Whatever a page says, the only titles the tooltip pass writes are the glossary's own, around its own
    words: data text can be neither a term nor an expansion."""
    tooltips = Tooltips()
    page = "<p>SPI <b>ZZQ</b> XSS onerror=alert(1) KPI</p>"
    out = tooltips.apply(page)
    titles = re.findall(r'<abbr title="([^"]*)">([^<]*)</abbr>', out)
    assert [word for _, word in titles] == ["SPI", "KPI"]
    known = {attribute(a.tooltip) for a in ABBREVIATIONS}
    assert all(title in known for title, _ in titles)


# --- no hand-built tag outside the builder ------------------------------------------------------------------------

# Elements a page can hold: a string literal holding one of these as a tag writes HTML by hand.
_TAG = re.compile(
    r"</?(?:a|abbr|b|blockquote|br|caption|code|details|div|em|figcaption|figure|form|h[1-6]|hr|i|img|input|label|li"
    r"|ol|option|output|p|pre|script|select|small|span|strong|summary|sup|table|tbody|td|th|thead|tr|ul)[\s>/]"
)

# Where writing tags by hand is the point, each with its reason.
ALLOWED = {
    ("widgets/markup.py", "*"): "the builder itself",
    ("widgets/md.py", "table_html"): "the hot path of a large build: each cell escaped in C, one join per row",
    ("widgets/text.py", "_render"): "data Markdown through Python-Markdown and nh3, the one way data becomes Markup",
    ("widgets/text.py", "_render_simple"): "the same HTML as Python-Markdown for plain text (which it has checked)",
    ("widgets/text.py", "_bold"): "part of _render_simple",
    ("widgets/text.py", "<module>"): "a regex that reads the rendered Markdown's headings",
    ("handbook/glossary.py", "apply"): (
        "the tooltip pass over every page: constant titles around the glossary's own words"
    ),
    ("handbook/glossary.py", "<module>"): "a regex that reads elements to skip",
    ("widgets/blocks.py", "<module>"): "regexes that read generated headings and placeholders",
    ("mkdocs_adapter/search.py", "<module>"): "a regex that strips tags for the search index",
    ("handbook/blocks.py", "inline"): "`code` spans of escaped registry text, by regex",
    ("io/xlsx_writer.py", "_styles"): "a workbook's SpreadsheetML, not a page: `<b/>` is its header font's bold",
}


def _literals(tree: ast.AST) -> list[tuple[str, ast.Constant | ast.JoinedStr]]:
    """Each string literal (not a docstring) with the name of the function that holds it."""
    docstrings = {
        id(body[0].value)
        for node in ast.walk(tree)
        if isinstance(body := getattr(node, "body", None), list)
        and body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    }
    found: list[tuple[str, ast.Constant | ast.JoinedStr]] = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else where
            if isinstance(child, ast.JoinedStr) or (
                isinstance(child, ast.Constant) and isinstance(child.value, str) and id(child) not in docstrings
            ):
                found.append((name, child))
            elif not isinstance(child, ast.Constant):
                visit(child, name)

    visit(tree, "<module>")
    return found


def _text(node: ast.Constant | ast.JoinedStr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)


def test_no_module_writes_tags_by_hand() -> None:
    hand_built = []
    for path in sorted(GENERATOR.rglob("*.py")):
        name = path.relative_to(GENERATOR).as_posix()
        for where, node in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            allowed = (name, "*") in ALLOWED or (name, where) in ALLOWED
            if not allowed and _TAG.search(_text(node)):
                hand_built.append(f"{name}:{node.lineno} in {where}: {_text(node)[:60]!r}")
    assert hand_built == [], "build these with generator.widgets.markup.tag"


def test_the_scan_sees_a_hand_built_tag() -> None:
    found = _literals(ast.parse('def f(x):\n    """<p>doc</p>"""\n    return f"<td>{x}</td>"\n'))
    assert [(where, _TAG.search(_text(node)) is not None) for where, node in found] == [("f", True)]
