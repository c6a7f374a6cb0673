"""generator/io/xlsx_writer.py: the register's workbook, written without openpyxl, reads back in openpyxl (normal and
read-only) exactly as the workbook openpyxl wrote before; its XML parts are well-formed and consistent, its bytes
depend on the data only, and the browser's writer (tables.js, run here in Node) writes the same parts."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import io
import json
import posixpath
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

import generator
from generator.io import export
from generator.io.export import COLUMNS, HEADER, Register, page_data, register, save_workbook, to_xlsx
from generator.pipeline import prepare, read_portfolio

from .conftest import SAMPLE, unavailable

TABLES_JS = str(Path(generator.__file__).parent / "assets" / "tables.js")
HOSTILE_TEXT = [
    "=cmd|' /C calc'!A0",
    "<b>&\"'",
    "#N/A",
    "@SUM(1+1)",
    "control \x01\x08\x0b\x0c\x1f characters",
    "line\nbreak, tab\tand CR LF\r\nend",
    "  spaces kept  ",
    "Zürich – 中文 – 😀 – \u202eright-to-left",
    "x" * 40000,
    "]]><!-- &amp; <![CDATA[",
]


def openpyxl_workbook(table: Register, sheet: str = "Register") -> bytes:
    """The workbook as export.to_xlsx wrote it with openpyxl until the plain writer replaced it: the reference."""
    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = dt.datetime.combine(table.as_of, dt.time())
    book.properties.creator = "pmo-portfolio"
    book.properties.title = ILLEGAL_CHARACTERS_RE.sub("\ufffd", table.title)
    ws = book.active
    ws.title = sheet
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=2):
        for c, ((_, kind), value) in enumerate(zip(COLUMNS, row, strict=True), start=1):
            if value is None:
                continue
            text = isinstance(value, str)
            cell = ws.cell(row=r, column=c, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if text else value)
            if text:
                cell.data_type = "s"
            elif kind in export._XLSX_FORMATS:
                cell.number_format = export._XLSX_FORMATS[kind]
    for c, width in enumerate(export._widths(table.rows), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(table.rows) + 1}"
    return save_workbook(book, table.as_of)


def read_back(data: bytes, read_only: bool) -> dict[str, Any]:
    """Everything a reader sees: each cell's value, type, number format and data type, and the sheet's settings."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=read_only)
    ws = book.active
    cells = [[(c.value, type(c.value), c.number_format, c.data_type) for c in row] for row in ws.iter_rows()]
    props = book.properties
    seen: dict[str, Any] = {
        "sheet": (book.sheetnames, ws.title),
        "cells": cells,
        "properties": (props.title, props.creator, props.created, props.modified),
    }
    if not read_only:
        seen["bold"] = [c.font.b for row in ws.iter_rows() for c in row]
        seen["freeze"] = ws.freeze_panes
        seen["filter"] = ws.auto_filter.ref
        columns = range(1, len(HEADER) + 1)
        seen["widths"] = [ws.column_dimensions[get_column_letter(c)].width for c in columns]
        seen["size"] = (ws.max_row, ws.max_column)
    return seen


@functools.cache
def sample() -> Register:
    return register(prepare(read_portfolio(SAMPLE), "org"))


def hostile() -> Register:
    """The sample's rows with a payload in every text column, by turns, and a row with every optional cell empty."""
    table = sample()
    texts = [i for i, (_, kind) in enumerate(COLUMNS) if kind == "text" and HEADER[i] != "id"]
    rows = []
    for n, row in enumerate(table.rows):
        values = list(row)
        for k, i in enumerate(texts):
            values[i] = HOSTILE_TEXT[(n + k) % len(HOSTILE_TEXT)]
        rows.append(tuple(values))
    rows.append((f"{HOSTILE_TEXT[1]}-id", *[None] * (len(HEADER) - 1)))
    return dataclasses.replace(table, rows=rows, title=f"{HOSTILE_TEXT[1]} \x07 register")


@pytest.mark.parametrize(
    "table",
    [sample, hostile, lambda: dataclasses.replace(sample(), rows=[])],
    ids=["sample", "hostile", "empty"],
)
@pytest.mark.parametrize("read_only", [False, True], ids=["normal", "read_only"])
def test_reads_back_as_openpyxls_workbook_did(table: Any, read_only: bool) -> None:
    table = table()
    new, old = read_back(to_xlsx(table), read_only), read_back(openpyxl_workbook(table), read_only)
    assert new.keys() == old.keys()
    for key in new:
        assert new[key] == old[key], key
    if not read_only:  # and what that means, spelled out
        assert new["freeze"] == "A2" and new["filter"] == f"A1:AU{len(table.rows) + 1}"
        assert new["bold"][: len(HEADER)] == [True] * len(HEADER) and not any(new["bold"][len(HEADER) :])
        assert new["properties"] == (
            table.title.replace("\x07", "\ufffd"),
            "pmo-portfolio",
            *[table_midnight(table)] * 2,
        )


def table_midnight(table: Register) -> dt.datetime:
    return dt.datetime.combine(table.as_of, dt.time())


def test_hostile_text_is_text_as_written() -> None:
    """Formulas, markup and errors stay text; control characters (and U+FFFE, which openpyxl wrote into a
    workbook nothing could open) become U+FFFD; CR LF reads back as LF, as every XML reader does; a text longer
    than a cell holds is cut at 32,767 characters."""
    table = hostile()
    name = HEADER.index("name")
    rows = [
        (*row[:name], text, *row[name + 1 :])
        for row, text in zip(table.rows, [*HOSTILE_TEXT, "a\ufffeb\uffff"], strict=False)
    ]
    data = to_xlsx(dataclasses.replace(table, rows=rows))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    names = [row[name].value for row in sheet.iter_rows(min_row=2)]
    expected = [t.replace("\r\n", "\n") for t in HOSTILE_TEXT]
    expected[4] = "control \ufffd\ufffd\ufffd\ufffd\ufffd characters"
    expected[8] = "x" * 32767  # Excel's most in a cell, where openpyxl cut it too
    assert names == [*expected, "a\ufffdb\ufffd"]
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} <= {"s", "n", "d", "b"}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        worksheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in worksheet and "<f " not in worksheet and 't="s"' not in worksheet and 't="e"' not in worksheet


def test_bytes_depend_on_the_data_only(monkeypatch: pytest.MonkeyPatch) -> None:
    first = to_xlsx(sample())
    monkeypatch.setattr(dt, "datetime", None)  # a writer that reads the clock would fail here
    assert to_xlsx(sample()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(*sample().as_of.timetuple()[:3], 0, 0, 0)}
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())


@pytest.mark.parametrize("table", [sample, hostile], ids=["sample", "hostile"])
def test_every_part_is_well_formed_and_the_package_is_consistent(table: Any) -> None:
    """Every part parses (with DTDs and entities refused); each content type override names a part and each part
    has a content type; each relationship's target is a part of the archive."""
    with zipfile.ZipFile(io.BytesIO(to_xlsx(table()))) as archive:
        names = archive.namelist()
        parts = {name: SafeET.fromstring(archive.read(name)) for name in names}
    types = parts.pop("[Content_Types].xml")
    overrides = {o.get("PartName") for o in types if o.tag.endswith("Override")}
    defaults = {d.get("Extension") for d in types if d.tag.endswith("Default")}
    assert overrides == {f"/{name}" for name in parts if not name.endswith(".rels")}
    assert {name.rsplit(".", 1)[1] for name in parts} <= defaults
    targets = set()
    for rels in [name for name in parts if name.endswith(".rels")]:
        folder = posixpath.dirname(posixpath.dirname(rels))
        for relation in parts[rels]:
            targets.add(posixpath.normpath(posixpath.join(folder, relation.get("Target"))))
            assert relation.get("Type").startswith("http://schemas.openxmlformats.org/"), relation.attrib
    assert targets == {name for name in parts if not name.endswith(".rels")}
    assert len(names) == len(set(names)) == 7


# the browser's writer --------------------------------------------------------------------------------------

# tables.js is one function expression run at once; its last statement starts it on the page. Run in Node with a
# document that is still loading (nothing starts), it hands back its workbook writer and its zip.
_NODE_SCRIPT = r"""
const fs = require("fs");
const source = fs.readFileSync(process.argv[1], "utf8").trimEnd();
if (!source.endsWith("})();")) throw new Error("tables.js no longer ends with its function's call");
const body = source.slice(0, -"})();".length) + "return {workbook, zip};})()";
const api = new Function("document", "return (" + body + "\n);")(
  { readyState: "loading", addEventListener() {} });
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const parts = api.workbook(input.data, input.data.rows, input.sheet);
const bytes = Buffer.concat(api.zip(parts, input.data.as_of).map((part) => Buffer.from(part)));
process.stdout.write(JSON.stringify({ parts, zip: bytes.toString("base64") }));
"""


def browser_workbook(table: Register, sheet: str = "Register") -> tuple[dict[str, str], bytes]:
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed: the browser's writer is compared in tests/browser/test_register.py")
    stdin = json.dumps({"data": page_data(table), "sheet": sheet})
    done = subprocess.run(
        [node, "-e", _NODE_SCRIPT, TABLES_JS], input=stdin, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return dict(result["parts"]), base64.b64decode(result["zip"])


@pytest.mark.parametrize(
    "table", [sample, hostile, lambda: dataclasses.replace(sample(), rows=[])], ids=["sample", "hostile", "empty"]
)
def test_the_browser_writes_the_same_parts(table: Any) -> None:
    """tables.js, given the page's typed rows in the same order, writes every XML part with the same text; its
    stored zip reads back in openpyxl with the same cells as the build's deflated one."""
    table = table()
    parts, stored = browser_workbook(table)
    data = to_xlsx(table)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert list(parts) == archive.namelist()
        for name, text in parts.items():
            assert text == archive.read(name).decode("utf-8"), name
    assert read_back(stored, False) == read_back(data, False)
