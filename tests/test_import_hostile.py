"""`pmo import` refuses hostile files cleanly: a workbook with external entities, entity expansion, malformed XML
or a bomb's worth of data, and mapped values that would become a path or an invalid id, are a file or row error
with exit 1, no traceback, and nothing written."""

from __future__ import annotations

import io
import shutil
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from generator.cli import main
from generator.io import importer

from .conftest import MINI

MAPPING = """
kind: project
fields:
  id: {column: Title, make_id: true}
  name: Title
  program: Prog
  phase: {value: execution}
  sponsor: Lead
  manager: Lead
  start: {value: "2026-01-01"}
  finish: {value: "2026-12-31"}
  budget: {value: 1000}
"""
PROGRAMS = "programs:\n  name: Prog\n  manager: {value: m.chen}\n"
XXE = '<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>\n"
)
SST = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


def workbook(path: Path, rows: list[list[str]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Title", "Prog", "Lead"])
    for row in rows or [["Portal relaunch", "front-door", "m.chen"]]:
        sheet.append(row)
    book.save(path)
    return path


def rewrite(path: Path, part: str, text: str | bytes) -> Path:
    """The workbook with one part replaced (or added), everything else as openpyxl wrote it."""
    original = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with original as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info))
        target.writestr(part, text)
    return path


def edit_part(path: Path, part: str, old: str, new: str) -> Path:
    with zipfile.ZipFile(path) as archive:
        text = archive.read(part).decode()
    assert old in text, (part, old)
    return rewrite(path, part, text.replace(old, new, 1))


def shared_strings(tmp_path: Path, text: str) -> Path:
    """A workbook whose first cell is the first of its shared strings, `text` (openpyxl writes inline strings;
    Excel writes shared ones, in the part declared here)."""
    path = workbook(tmp_path / "register.xlsx")
    inline, shared = '<c r="A1" t="inlineStr"><is><t>Title</t></is></c>', '<c r="A1" t="s"><v>0</v></c>'
    edit_part(path, "xl/worksheets/sheet1.xml", inline, shared)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
    edit_part(path, "[Content_Types].xml", "</Types>", f"{override}</Types>")
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    edit_part(
        path,
        "xl/_rels/workbook.xml.rels",
        "</Relationships>",
        f'<Relationship Id="rIdStrings" Type="{relation}" Target="sharedStrings.xml"/></Relationships>',
    )
    return rewrite(path, "xl/sharedStrings.xml", text)


def data_and_mapping(tmp_path: Path, mapping: str = MAPPING) -> tuple[Path, Path]:
    folder = tmp_path / "portfolio"
    shutil.copytree(MINI, folder)
    shutil.rmtree(folder / "projects")
    (folder / "requests" / "chatbot.yaml").unlink()
    (tmp_path / "mapping.yaml").write_text(textwrap.dedent(mapping), encoding="utf-8")
    return folder, tmp_path / "mapping.yaml"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (
            lambda tmp: shared_strings(tmp, f"{XXE}<sst {SST}><si><t>&xxe;</t></si></sst>"),
            "xl/sharedStrings.xml declares a document type (DTD, entities)",
        ),
        (
            lambda tmp: shared_strings(tmp, f"{LAUGHS}<sst {SST}><si><t>&lol9;</t></si></sst>"),
            "xl/sharedStrings.xml declares a document type (DTD, entities)",
        ),
        (
            lambda tmp: rewrite(
                workbook(tmp / "register.xlsx"), "xl/worksheets/sheet1.xml", XXE + "<worksheet><sheetData>"
            ),
            "xl/worksheets/sheet1.xml declares a document type",
        ),
        (
            lambda tmp: rewrite(workbook(tmp / "register.xlsx"), "xl/worksheets/sheet1.xml", "<worksheet><sheetData"),
            "xl/worksheets/sheet1.xml is not well-formed XML",
        ),
        (lambda tmp: shared_strings(tmp, f"<sst {SST}><si><t>a</si></sst>"), "is not well-formed XML (mismatched tag"),
        (
            lambda tmp: rewrite(workbook(tmp / "register.xlsx"), "xl/workbook.xml", "not xml at all"),
            "xl/workbook.xml is not well-formed XML",
        ),
        (lambda tmp: _zip(tmp / "register.xlsx", {"README.txt": "hello"}), "a zip archive, but not an Excel workbook"),
        (lambda tmp: _bytes(tmp / "register.xlsx", b"Title,Prog\nx,y\n"), "not an Excel workbook: an .xlsx file is"),
        (lambda tmp: _bytes(tmp / "register.xlsx", workbook(tmp / "w.xlsx").read_bytes()[:900]), "not an Excel"),
        (
            lambda tmp: rewrite(workbook(tmp / "register.xlsx"), "xl/workbook.xml", "<workbook/>"),
            "the workbook has no worksheet",
        ),
    ],
    ids=[
        "external-entity",
        "billion-laughs",
        "dtd-in-sheet",
        "truncated-sheet",
        "mismatched",
        "not-xml",
        "zip-not-workbook",
        "not-zip",
        "truncated-zip",
        "no-sheets",
    ],
)
def test_a_hostile_or_broken_workbook_is_a_file_error(tmp_path: Path, make: Callable[[Path], Path], says: str) -> None:
    folder, mapping = data_and_mapping(tmp_path)
    table = make(tmp_path)
    before = snapshot(folder)
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1, output
    assert f"Error: {table.name}: " in output and says in output, output
    assert "Nothing was imported." in output and "Traceback" not in output
    assert snapshot(folder) == before


def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_WORKBOOK_BYTES", 8 * 2**20)  # the real limit, 512 MiB, takes long to write
    folder, mapping = data_and_mapping(tmp_path)
    huge = f"<sst {SST}><si><t>{'a' * (9 * 2**20)}</t></si></sst>"
    table = shared_strings(tmp_path, huge)
    assert table.stat().st_size < 2**20  # a small file ...
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1  # ... that would unpack to more than the limit
    assert "register.xlsx: unpacks to 9 MiB, more than the 8 MiB a register may take: refused" in output


@pytest.mark.parametrize("strings", [False, True], ids=["inline-strings", "shared-strings"])
def test_an_ordinary_workbook_still_imports(tmp_path: Path, strings: bool) -> None:
    folder, mapping = data_and_mapping(tmp_path)
    table = workbook(tmp_path / "register.xlsx")
    if strings:
        declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
        table = shared_strings(tmp_path, f"{declaration}<sst {SST}><si><t>Title</t></si></sst>")
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 0, output
    assert (folder / "projects" / "portal-relaunch.yaml").is_file()


@pytest.mark.parametrize(
    ("title", "program", "message"),
    [
        ("Alpha", "../../escape", 'program ← Prog: "../../escape" is not an id'),
        ("Alpha", "a/b", 'program ← Prog: "a/b" is not an id'),
        ("Alpha", "..", 'program ← Prog: ".." is not an id'),
        ("Alpha", "/", 'program ← Prog: "/" is not an id'),
        ("Alpha", "Front Door", 'program ← Prog: "Front Door" is not an id'),
        ("Alpha", "index", 'program ← Prog: "index" is a reserved name'),
        ("/", "front-door", 'id ← Title: "/" has no letters or digits to make an id of'),
        ("..", "front-door", 'id ← Title: ".." has no letters or digits to make an id of'),
        ("...", "front-door", 'id ← Title: "..." has no letters or digits to make an id of'),
    ],
)
def test_a_value_that_would_become_a_path_is_a_row_error(
    tmp_path: Path, title: str, program: str, message: str
) -> None:
    folder, mapping = data_and_mapping(tmp_path, MAPPING + PROGRAMS)
    shutil.rmtree(folder / "programs")
    table = workbook(tmp_path / "register.xlsx", [[title, program, "m.chen"], ["Good", "fine-program", "m.chen"]])
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1, output
    assert "row 2" in output and message in output, output
    assert "row 3" not in output
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.yaml") if p.parent.name != tmp_path.name)
    assert [name for name in written if "programs" in name or "projects" in name] == [
        "portfolio/programs/fine-program.yaml",
        "portfolio/projects/good.yaml",
    ]


@pytest.mark.parametrize("value", ["/", "..", "a/b", "../x", "Bad Id", "index"])
def test_an_id_that_is_not_an_id_is_a_row_error_without_make_id(tmp_path: Path, value: str) -> None:
    folder, mapping_file = data_and_mapping(tmp_path, MAPPING.replace("{column: Title, make_id: true}", "Title"))
    table = workbook(tmp_path / "register.xlsx", [[value, "front-door", "m.chen"]])
    code, output = pmo("import", str(table), "--mapping", str(mapping_file), "--data", str(folder))
    assert code == 1, output
    assert f'row 2: id ← Title: "{value}"' in output and "set make_id" in output
    assert not (folder / "projects").exists() or not list((folder / "projects").iterdir())
    assert not (tmp_path / "x.yaml").exists() and not (folder.parent / "x.yaml").exists()


def test_an_empty_id_is_a_row_error(tmp_path: Path) -> None:
    folder, mapping = data_and_mapping(tmp_path)
    table = workbook(tmp_path / "register.xlsx", [["", "front-door", "m.chen"], ["Good", "front-door", "m.chen"]])
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1 and "row 2: id ← Title: empty, and required" in output, output
    assert [p.name for p in (folder / "projects").iterdir()] == ["good.yaml"]


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: shared_strings(tmp, f"{XXE}<sst {SST}><si><t>&xxe;</t></si></sst>"),
        lambda tmp: shared_strings(tmp, f"{LAUGHS}<sst {SST}><si><t>&lol9;</t></si></sst>"),
        lambda tmp: shared_strings(tmp, f"<sst {SST}><si><t>Title</t></si"),
        lambda tmp: rewrite(workbook(tmp / "register.xlsx"), "xl/worksheets/sheet1.xml", XXE + "<worksheet/>"),
        lambda tmp: rewrite(workbook(tmp / "register.xlsx"), "xl/worksheets/sheet1.xml", "<worksheet><sheetData><ro"),
    ],
    ids=["external-entity", "billion-laughs", "truncated-strings", "dtd-in-sheet", "truncated-sheet"],
)
def test_openpyxl_alone_also_refuses_them_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Callable[[Path], Path]
) -> None:
    """Without the check before it, openpyxl reads through defusedxml; its errors, at load or while a sheet
    is iterated, are still a file error."""
    monkeypatch.setattr(importer, "check_workbook", lambda path: None)
    folder, mapping = data_and_mapping(tmp_path)
    table = make(tmp_path)
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1, output
    assert "Error: register.xlsx: not readable as an Excel workbook (" in output, output
    assert "passwd" not in output.replace("file:///etc/passwd", "") and "root:" not in output
