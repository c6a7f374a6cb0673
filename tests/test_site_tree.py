"""The generated tree: handbook mounting and order, navigation shape, and name clashes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import generator
from generator.errors import ConfigurationError
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.blocks import unmark
from generator.widgets.md import ALIGNED_COLUMNS, section, table_html
from generator.widgets.text import plain

from .conftest import MINI, ROOT, SAMPLE


@pytest.fixture(scope="module")
def portfolio():
    return read_portfolio(MINI)


def test_handbook_order_and_sections(tmp_path: Path, portfolio) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "index.md").write_text("# Handbook\n")
    (tmp_path / "zeta.md").write_text("---\nnav_order: 1\n---\n\n# First by order\n")
    (tmp_path / "alpha.md").write_text("# Unordered, after the ordered\n")
    (tmp_path / "templates" / "charter.md").write_text("# Charter\n")
    (tmp_path / "templates" / "index.md").write_text("# Templates\n")
    (tmp_path / ".hidden.md").write_text("# no\n")
    tree = site_tree(portfolio, "org", tmp_path, {})
    handbook = next(item["Handbook"] for item in tree.nav if "Handbook" in item)
    assert handbook == [
        "handbook/index.md",
        "handbook/zeta.md",
        "handbook/alpha.md",
        {"Templates": ["handbook/templates/index.md", "handbook/templates/charter.md"]},
    ]
    # handbook pages are read (their markers filled in) and indexed by the theme's search, section by section
    assert tree.pages["handbook/templates/charter.md"] == "# Charter\n"
    assert tree.edit_sources["handbook/templates/charter.md"] == tmp_path / "templates" / "charter.md"
    assert "handbook/templates/charter.md" in tree.theme_search


def test_navigation_stays_small_whatever_the_portfolio_size(portfolio) -> None:
    tree = site_tree(portfolio, "org", None, {"contributing.md": None})
    flat = str(tree.nav)
    assert "projects/crm.md" not in flat and "projects/index.md" in flat
    assert tree.nav[-1] == {"Contribute": ["contributing.md"]}


def test_clash_with_a_hand_written_page_is_an_error(portfolio) -> None:
    with pytest.raises(ConfigurationError, match=r"projects/index\.md"):
        site_tree(portfolio, "org", None, {"projects/index.md": None})


def test_hand_written_home_text_opens_the_dashboard(portfolio) -> None:
    tree = site_tree(portfolio, "org", None, {"index.md": "# Our portfolio\n\nWelcome text.\n"})
    home = unmark(tree.pages["index.md"])
    assert home.index("Welcome text.") < home.index('<div class="pmo-cockpit">')
    assert "IT portfolio</h1>" not in home  # its own title stands; without one, the organization's opens it
    untitled = unmark(site_tree(portfolio, "org", None, {"index.md": "Welcome text.\n"}).pages["index.md"])
    assert untitled.index("<h1>Mini Health IT portfolio</h1>") < untitled.index("Welcome text.")


def test_pmo_audience_sees_and_marks_pmo_only_items(portfolio) -> None:
    hidden = portfolio.projects["crm"].model_copy(update={"visibility": "pmo"})
    portfolio.projects["crm"] = hidden
    try:
        org = site_tree(portfolio, "org", None, {})
        pmo = site_tree(portfolio, "pmo", None, {})
    finally:
        portfolio.projects["crm"] = hidden.model_copy(update={"visibility": "org"})
    assert "projects/crm.md" not in org.pages and "Patient CRM" not in "".join(org.pages.values())
    assert '<span class="pmo-only">pmo only</span>' in pmo.pages["projects/crm.md"]
    assert prepare(portfolio, "org").projects.index.tolist() == ["crm", "identity"]


def test_every_id_on_a_generated_page_is_unique() -> None:
    """Headings are generated with their ids (md.heading); a repeated id would break its anchor and the TOC."""
    tree = site_tree(read_portfolio(SAMPLE), "pmo", None, {})
    for path, text in tree.pages.items():
        ids = re.findall(r'\bid="([^"]+)"', text)
        assert len(ids) == len(set(ids)), (path, sorted({i for i in ids if ids.count(i) > 1}))


def test_a_heading_with_its_own_anchor_keeps_it_in_the_source_tree() -> None:
    block = section(plain("Data & analytics"), "body", anchor="data-platform")
    assert 'id="data-platform"' in block
    assert unmark(block).lstrip().startswith("## Data &#38; analytics { #data-platform }\n")
    assert unmark(section(plain("Data & analytics"), "body")).lstrip().startswith("## Data &#38; analytics\n")


def test_table_columns_are_aligned_by_the_table_not_by_each_cell() -> None:
    html = table_html(["Name", "Cost", "Done", "Note"], [["a", "1", "x", "n"], ["b", "2", "", "m"]], "lrcl")
    assert html.startswith('<table tabindex="0" data-pmo-num="2" data-pmo-mid="3" data-pmo-prose="4">')
    assert "class=" not in html
    css = (Path(generator.__file__).parent / "assets" / "pmo.css").read_text()
    for n in range(1, ALIGNED_COLUMNS + 1):  # a rule for every column a table may align
        assert f'table[data-pmo-num~="{n}"] > * > tr > :nth-child({n})' in css
        assert f'table[data-pmo-mid~="{n}"] > * > tr > :nth-child({n})' in css
    # past the numbered rules (a scoring model with many criteria), each cell of the column carries the class
    wide = table_html(["x"] * 22, [["1"] * 22], "r" + "l" * 19 + "rc")
    assert wide.startswith('<table tabindex="0" data-pmo-num="1">')
    assert wide.count('<td class="pmo-num">') == 1 and wide.count('<td class="pmo-mid">') == 1
    assert "<td>1</td>" * 20 + '<td class="pmo-num">1</td><td class="pmo-mid">1</td>' in wide
    assert ".md-typeset table:not([class]) > * > tr > .pmo-num {" in css
    with pytest.raises(ValueError, match="a row of 1 cells in a table of 2 columns"):
        table_html(["x", "y"], [["1"]])


def test_token_and_prose_columns_are_named_by_their_headings() -> None:
    """Ids and dates never wrap inside (pmo.css: nowrap on the columns in data-pmo-tok); long text gets a wide
    column (data-pmo-prose); both named once on the table, a rule per column number in pmo.css."""
    headers = ["Project", "Id", "Risk", "Due", "Cost", "Mitigation", "Baseline finish"]
    html = table_html(headers, [["p", "R1", "r", "2026-03-31", "1", "m", "2026-04-30"]], "llllrll")
    assert html.startswith('<table tabindex="0" data-pmo-num="5" data-pmo-tok="2 4 7" data-pmo-prose="3 6">')
    assert "class=" not in html and "<td>2026-03-31</td>" in html
    assets = Path(generator.__file__).parent / "assets"
    css, wide = (assets / "pmo.css").read_text(), (assets / "wide.css").read_text()  # wide: portfolio pages only
    for n in range(1, ALIGNED_COLUMNS + 1):
        assert f'table[data-pmo-tok~="{n}"] > tbody > tr > :nth-child({n})' in css
        assert f'table[data-pmo-prose~="{n}"] > * > tr > :nth-child({n})' in wide


def test_portfolio_pages_ask_for_the_wide_layout_and_handbook_pages_do_not() -> None:
    tree = site_tree(read_portfolio(SAMPLE), "org", ROOT / "methodology", {})
    wide = {path for path, text in tree.pages.items() if "\npmo_layout: wide\n" in text.split("\n---\n", 1)[0]}
    assert {"index.md", "projects/index.md", "risks.md", "prioritization.md", "projects/ehr-upgrade.md"} <= wide
    assert all(not path.startswith("handbook/") for path in wide)
    assert any(path.startswith("handbook/") for path in tree.pages)
