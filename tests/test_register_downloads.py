"""The register page's downloads: the whole register as CSV and XLSX files of the site (`pmo export`'s bytes, for
the site's audience), the typed rows the downloads of the rows shown are written from (a file fetched on the click),
the compact rows the page carries for its table (register_rows), and its Find box."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from generator.cli import main
from generator.io.export import HEADER, export_bytes, register
from generator.pages.tree import SiteTree
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.markup import script_json

from .conftest import MINI, SAMPLE, Edit
from .test_audience import CANARY, plant_canaries

CSV, XLSX, TYPED, PAGE = (
    "projects/register.csv",
    "projects/register.xlsx",
    "projects/register-rows.json",
    "projects/index.md",
)
EVIL = "=cmd|' /C calc'!A0"
BREAKOUT = "</script><img src=x onerror=alert(1)>"


def tree(data: Path, audience: str = "org") -> SiteTree:
    return site_tree(read_portfolio(data), audience, None, {})


def sheet_rows(data: bytes) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


class _Scripts(HTMLParser):
    """The text of each <script type="application/json"> by its id, as a browser parses it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("type") == "application/json":
            self._open = values.get("id") or ""
            self.found[self._open] = ""

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.found[self._open] += data


def page_rows(html: str) -> dict:
    """The compact rows the register page carries for its table, as the browser reads them."""
    parser = _Scripts()
    parser.feed(html)
    return json.loads(parser.found["pmo-register-rows"])


def typed_rows(site: SiteTree | Path) -> dict:
    """The typed rows the downloads of the rows shown are written from."""
    data = site.assets[TYPED] if isinstance(site, SiteTree) else (site / TYPED).read_bytes()
    return json.loads(data.decode("utf-8"))


def test_the_built_site_holds_the_whole_register_as_pmo_export_writes_it(sample_site: Path) -> None:
    """`pmo build` writes both files next to the register page, with the bytes of `pmo export` (org audience)."""
    table = register(prepare(read_portfolio(SAMPLE), "org"))
    for name, fmt in ((CSV, "csv"), (XLSX, "xlsx")):
        assert (sample_site / name).read_bytes() == export_bytes(table, fmt), name  # type: ignore[arg-type]
    rows = sheet_rows((sample_site / XLSX).read_bytes())
    assert [row["id"] for row in rows] == [row[0] for row in table.rows] and len(rows) > 30
    html = (sample_site / "projects" / "index.html").read_text(encoding="utf-8")
    assert 'href="../projects/register.csv" download' in html and 'href="../projects/register.xlsx" download' in html


def test_the_site_carries_the_typed_rows_of_the_export(sample_site: Path) -> None:
    """The rows shown are written from these: the export's columns, kinds and values, one row per project in the
    page's rows; the page names the file (fetched on a click) and does not carry them itself."""
    html = (sample_site / "projects" / "index.html").read_text(encoding="utf-8")
    data = typed_rows(sample_site)
    table = register(prepare(read_portfolio(SAMPLE), "org"))
    assert data["columns"] == list(HEADER) and data["as_of"] == table.as_of.isoformat()
    expected = [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in table.rows]
    assert data["rows"] == expected
    assert data["formula_start"] == "=+-@\t\r"
    assert 'data-pmo-source="../projects/register-rows.json"' in html and "pmo-register-data" not in html
    shown_ids = re.findall(r'<tr [^>]*data-pmo-id="([^"]+)"', html)
    assert sorted(shown_ids) == [row[0] for row in table.rows]  # the sample fits in the rows written as HTML


def test_hostile_names_stay_data_in_every_download(mini: Path, edit: Edit) -> None:
    """A name that a spreadsheet would run is text in the CSV (an apostrophe first) and in the workbook (a string
    cell, no formula); a name that closes a script element stays inside the page's JSON."""
    edit("projects/crm.yaml", "name: Patient CRM", f'name: "{EVIL}"')
    edit("projects/identity.yaml", "name: Identity platform", f'name: "{BREAKOUT}"')
    site = tree(mini)
    csv_text = site.assets[CSV].decode("utf-8")
    assert f"\r\ncrm,'{EVIL}," in csv_text
    rows = {row["id"]: row for row in sheet_rows(site.assets[XLSX])}
    assert rows["crm"]["name"] == EVIL and rows["identity"]["name"] == BREAKOUT
    with zipfile.ZipFile(io.BytesIO(site.assets[XLSX])) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    page = site.pages[PAGE]
    assert BREAKOUT not in page and "<img src=x" not in page  # escaped in the table and in the JSON
    names = {row[0]: row[1] for row in typed_rows(site)["rows"]}
    assert names == {"crm": EVIL, "identity": BREAKOUT}  # the JSON is data: the script writes the guard itself
    rows = page_rows(page)
    assert set(rows["name"]) == {EVIL, BREAKOUT}  # the page's rows too, as text: tables.js writes textContent


def test_script_json_cannot_be_closed_by_its_text() -> None:
    html = str(script_json({"name": "</script><!-- & -->"}, id="x"))
    assert html.count("</script>") == 1 and "<!--" not in html
    assert json.loads(html.split(">", 1)[1].rsplit("<", 1)[0]) == {"name": "</script><!-- & -->"}


def test_the_org_site_downloads_hold_no_pmo_only_project(tmp_path: Path) -> None:
    """The files and the page's rows are the audience's register: the org site's have no pmo-only project (the
    audience test scans the site's bytes, but a workbook is compressed), the pmo site's have them."""
    data = tmp_path / "portfolio"
    shutil.copytree(MINI, data)
    plant_canaries(data)
    for audience, present in (("org", False), ("pmo", True)):
        site = tree(data, audience)
        workbook_text = " ".join(str(v) for row in sheet_rows(site.assets[XLSX]) for v in row.values())
        rows = typed_rows(site)["rows"]
        page = json.dumps(page_rows(site.pages[PAGE]))
        texts = (site.assets[CSV].decode("utf-8"), workbook_text, json.dumps(rows), page)
        assert [CANARY in text.lower() for text in texts] == [present] * 4, audience
        if present:
            assert {row[0] for row in rows} >= {f"{CANARY}-project", f"{CANARY}-inherited"}


def test_generated_source_tree_holds_the_register_files(tmp_path: Path, in_root: Path) -> None:
    """`pmo generate` writes the downloads into the Markdown tree for other builders too."""
    result = CliRunner().invoke(main, ["generate", "--data", str(MINI), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    table = register(prepare(read_portfolio(MINI), "org"))
    assert (tmp_path / "out" / "docs" / CSV).read_bytes() == export_bytes(table, "csv")


def test_the_register_has_a_labelled_find_box_not_named_q() -> None:
    """Material opens its own search on a page whose address has a `q`: the box is `find`."""
    page = tree(MINI).pages[PAGE]
    assert re.search(
        r'<label>Find <input type="search" name="find" autocomplete="off" placeholder="[^"]+"></label>', page
    )
    assert 'name="q"' not in page and 'autocomplete="off"' in page.split("<form", 1)[1].split(">", 1)[0]
