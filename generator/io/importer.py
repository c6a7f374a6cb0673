"""`pmo import`: a CSV or XLSX register → one YAML file per row, as the mapping file says.

Pure up to the last step: read the table, turn each row into a record (every value converted as the
mapping says, or a problem naming the row, the field and the column), write the records as YAML text,
check the result with the validator exactly as `pmo validate` would (the new files over the existing
portfolio, in memory), and only then write. A row that cannot be imported cleanly is reported and not
written; nothing is guessed: a value is converted by the mapping's rules or the row is reported.

Over 400 lines: one pass from table to files (read, convert, plan, write); splitting it into those steps is left to
a later change.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import typing
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from ..data.fields import is_model, named_fields, unwrap
from ..data.load import FOLDERS as DATA_FOLDERS
from ..data.load import REQUIRED_FILES, RawPortfolio, display_path, load_portfolio
from ..data.model import ID_RE, RESERVED_IDS, Person, Program, Settings, WithheldField
from ..data.regular import kind_of, read_regular
from ..data.transaction import write_files
from ..data.validate import validate_portfolio
from ..data.yaml_guard import MAX_LIST_BYTES, YamlProblem, parse_yaml
from ..errors import PmoError, PortfolioError, Problem, closest, visible
from . import yaml_write
from .import_mapping import FOLDERS, MODELS, FieldSpec, ImportMapping, check_targets, normalize, same_word

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

Cell = str | int | float | bool | dt.date | None
WITHHOLDABLE: frozenset[str] = frozenset(typing.get_args(WithheldField))
_NEWLINES = re.compile(r"\r*\n|\r")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EMPTY_REASON = "empty in the source"


class ImportFailure(PmoError):
    """The file cannot be imported at all (unreadable, a mapped column missing): nothing is written."""


class MappingMismatch(ImportFailure):
    """The mapping does not fit the table (or the data model): every problem, located in the mapping file."""

    def __init__(self, table: str, problems: list[Problem]) -> None:
        self.problems = PortfolioError(problems).problems
        super().__init__(f"the mapping does not fit {table}:\n{PortfolioError(problems).report()}")


# Reading ------------------------------------------------------------------------------------------


@dataclass
class Table:
    name: str  # the file's name, for messages
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (the row's number as a spreadsheet shows it, its cells)
    skipped_empty: int = 0


def read_table(path: Path, mapping: ImportMapping) -> Table:
    fmt = mapping.source.format or path.suffix.lower().lstrip(".")
    if fmt == "csv":
        rows = _csv_rows(path, mapping)
    elif fmt in ("xlsx", "xlsm"):
        rows = _xlsx_rows(path, mapping)
    else:
        raise ImportFailure(f"{path.name}: cannot tell the format from the suffix; set source.format: csv or xlsx")
    header_row = mapping.source.header_row
    table = Table(name=path.name, headers=[], rows=[])
    for number, cells in rows:
        if number < header_row:
            continue
        if number == header_row:
            table.headers = [_header(cell) for cell in cells]
            while table.headers and not table.headers[-1]:
                table.headers.pop()
            continue
        if all(_blank(cell) for cell in cells):
            table.skipped_empty += 1
            continue
        table.rows.append((number, list(cells)))
    if not table.headers:
        raise ImportFailure(f"{path.name}: row {header_row} (source.header_row) holds no column names")
    return table


def _csv_rows(path: Path, mapping: ImportMapping) -> Iterator[tuple[int, list[Cell]]]:
    source = mapping.source
    try:
        with path.open(encoding=source.encoding, newline="") as file:
            for number, cells in enumerate(csv.reader(file, delimiter=source.delimiter), 1):
                yield number, list[Cell](cells)
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            f"{path.name}: byte 0x{exc.object[exc.start]:02X} at offset {exc.start} is not {source.encoding} text: "
            "set source.encoding in the mapping (cp1252 and latin-1 are common for spreadsheet exports)"
        ) from None
    except LookupError:
        raise ImportFailure(f'unknown encoding "{source.encoding}" (source.encoding)') from None
    except csv.Error as exc:
        raise ImportFailure(f"{path.name}: not readable as CSV: {exc}") from None


def _xlsx_rows(path: Path, mapping: ImportMapping) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    check_workbook(path)
    # Our own handle, closed whatever happens: openpyxl leaves the file open when a sheet fails while read.
    with path.open("rb") as stream:
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) for a file it cannot read
            raise ImportFailure(f"{path.name}: not readable as an Excel workbook ({_reason(exc)})") from None
        try:
            name = mapping.source.sheet
            if not book.worksheets:
                raise ImportFailure(f"{path.name}: the workbook has no worksheet")
            if name is not None and name not in book.sheetnames:
                raise ImportFailure(f'{path.name} has no sheet "{name}"; its sheets: {", ".join(book.sheetnames)}')
            sheet = book[name] if name is not None else book.worksheets[0]
            rows = enumerate(sheet.iter_rows(values_only=True), 1)
            while True:
                try:  # a worksheet is read as it is iterated: its faults show here
                    number, values = next(rows)
                except StopIteration:
                    return
                except Exception as exc:
                    raise ImportFailure(f"{path.name}: not readable as an Excel workbook ({_reason(exc)})") from None
                yield number, [_xlsx_cell(value) for value in values]
        finally:
            book.close()


MAX_WORKBOOK_BYTES = 512 * 1024 * 1024  # unpacked: a register of a hundred thousand rows is far less
# The parts openpyxl parses. Not the legacy drawings (.vml), which it never reads and Excel writes as loose HTML.
_XML_PARTS = (".xml", ".rels")


def check_workbook(path: Path) -> None:
    """Refuse, before openpyxl reads it, what no workbook holds: a file that is not a zip of a workbook, parts
    that unpack to more than MAX_WORKBOOK_BYTES (a zip bomb), and XML that is malformed or has a document type
    declaration, the carrier of external entities (which read local files) and entity expansion (which
    multiplies a few bytes into gigabytes). openpyxl also reads through defusedxml, which refuses entities."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailure(f"{path.name}: not an Excel workbook: an .xlsx file is a zip archive ({exc})") from None
    with archive:
        parts = archive.infolist()
        if "[Content_Types].xml" not in {part.filename for part in parts}:
            raise ImportFailure(f"{path.name}: a zip archive, but not an Excel workbook (no [Content_Types].xml)")
        unpacked = sum(part.file_size for part in parts)
        if unpacked > MAX_WORKBOOK_BYTES:
            raise ImportFailure(
                f"{path.name}: unpacks to {unpacked // 2**20:,} MiB, more than the {MAX_WORKBOOK_BYTES // 2**20:,} "
                "MiB a register may take: refused (save it again from the spreadsheet, or split it)"
            )
        for part in parts:
            if not part.filename.lower().endswith(_XML_PARTS):
                continue
            try:
                with archive.open(part) as xml:
                    for _, element in iterparse(xml, forbid_dtd=True):
                        element.clear()
            except DefusedXmlException:
                raise ImportFailure(
                    f"{path.name}: {part.filename} declares a document type (DTD, entities), which no workbook "
                    "needs and which can read local files or expand without end: refused"
                ) from None
            except ParseError as exc:
                raise ImportFailure(f"{path.name}: {part.filename} is not well-formed XML ({exc})") from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise ImportFailure(f"{path.name}: {part.filename} cannot be unpacked ({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    """An exception of a reader, in a few words: its message when it has one, else its kind."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def _xlsx_cell(value: Any) -> Cell:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    return str(value)


def _header(cell: Cell) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# Columns ------------------------------------------------------------------------------------------


def column_index(headers: Sequence[str]) -> dict[str, int]:
    """How the mapping may name each column: by its header, and as header#n (the n-th of that header).
    A header that occurs more than once is reachable only as header#n. Case and spacing do not count."""
    seen: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        if header:
            seen.setdefault(normalize(header), []).append(i)
    index: dict[str, int] = {}
    for name, positions in seen.items():
        if len(positions) == 1:
            index[name] = positions[0]
        for n, position in enumerate(positions, 1):
            index[f"{name}#{n}"] = position
    return index


def check_columns(mapping: ImportMapping, table: Table) -> dict[str, int]:
    """Every column the mapping reads is in the file; else one problem for each place the mapping names a
    column the file lacks, at that place's line and key."""
    index = column_index(table.headers)
    problems = []
    wanted = set()
    for section, specs in mapping.sections():
        for target, spec in specs.items():
            for inner, name in spec.column_refs():
                wanted.add(name)
                if normalize(name) not in index:
                    problems.append(mapping.problem(mapping.spec_loc(section, target, inner), _no_column(table, name)))
    if problems:
        raise MappingMismatch(table.name, problems)
    return {normalize(name): index[normalize(name)] for name in wanted}


def _no_column(table: Table, name: str) -> str:
    count = sum(1 for header in table.headers if normalize(header) == normalize(name))
    if count > 1:
        choices = " or ".join(f'"{name}#{n}"' for n in range(1, count + 1))
        return f'{table.name} has {count} columns named "{name}": write {choices}'
    headers = {normalize(header): header for header in table.headers if header}
    match = closest(normalize(name), headers)
    if match is not None:
        return f'{table.name} has no column "{name}"; did you mean "{headers[match]}"?'
    return f'{table.name} has no column "{name}"; its columns are: ' + ", ".join(f'"{h}"' for h in headers.values())


# Values -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Withheld:
    reason: str


class _Empty:
    def __repr__(self) -> str:
        return "EMPTY"


EMPTY = _Empty()


class ValueProblem(PmoError):
    """One cell's value does not fit its field; reported as a problem of its row (never raised out of here)."""


@dataclass(frozen=True)
class Target:
    """What a field needs: its kind of value (from the model's annotation), its choices, a list's item."""

    kind: Literal["text", "date", "number", "integer", "bool", "choice", "list", "any"]
    choices: tuple[str, ...] = ()
    item: Target | None = None


def target_of(model: type[BaseModel], path: str) -> Target:
    current: Any = model
    for part in path.split("."):
        current = unwrap(current)
        # a model's field, or the value of a mapping such as scores (the part is a key)
        current = named_fields(current)[part] if is_model(current) else typing.get_args(current)[1]
    return _target(current)


def _target(annotation: Any) -> Target:
    annotation = unwrap(annotation)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return Target("choice", tuple(str(choice) for choice in typing.get_args(annotation)))
    if origin is list:
        return Target("list", item=_target(typing.get_args(annotation)[0]))
    kinds: dict[Any, Literal["text", "date", "number", "integer", "bool"]] = {
        str: "text",
        dt.date: "date",
        float: "number",
        int: "integer",
        bool: "bool",
    }
    return Target(kinds.get(annotation, "any"))


@dataclass
class Context:
    mapping: ImportMapping
    columns: dict[str, int]  # normalized column name → position

    def cell(self, cells: list[Cell], column: str) -> Cell:
        position = self.columns[normalize(column)]
        value = cells[position] if position < len(cells) else None
        if isinstance(value, str):
            value = _NEWLINES.sub("\n", value).strip()
            if self.mapping.source.unquote_formulas and value.startswith("'") and value[1:].startswith(_FORMULA_START):
                value = value[1:]
        return None if _blank(value) else value

    def withheld(self, value: Cell) -> str | None:
        """The reason, when the cell is one of the mapping's "withheld" values."""
        if isinstance(value, str):
            text = same_word(value)
            if any(text.startswith(same_word(marker)) for marker in self.mapping.withheld if marker.strip()):
                return " ".join(value.split())
        return None


def evaluate(spec: FieldSpec, target: Target, cells: list[Cell], ctx: Context) -> Any:
    """The field's value for one row: a converted value, EMPTY, a Withheld, or ValueProblem raised."""
    if spec.value is not None:
        return convert(spec.value, target, spec, ctx)
    if spec.template is not None:
        text = _fill(spec.template, cells, ctx).strip()
        return convert(text, target, spec, ctx) if text else EMPTY
    withheld: Withheld | None = None
    for column in spec.column_names():
        value = ctx.cell(cells, column)
        if value is None:
            continue
        reason = ctx.withheld(value)
        if reason is not None:
            withheld = withheld or Withheld(reason)
            continue
        return convert(value, target, spec, ctx)
    return withheld or EMPTY


def _fill(template: str, cells: list[Cell], ctx: Context) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group()[0]  # {{ or }}
        value = ctx.cell(cells, match.group(1))
        return "" if value is None else _as_text(value)

    return re.sub(r"\{\{|\}\}|\{([^{}]*)\}", replace, template)


def convert(value: Any, target: Target, spec: FieldSpec, ctx: Context) -> Any:
    if target.kind == "list":
        assert target.item is not None
        items = value if isinstance(value, list) else [part for part in _as_text(value).split(spec.split)]
        converted = [convert(item.strip() if isinstance(item, str) else item, target.item, spec, ctx) for item in items]
        return [item for item in converted if item is not EMPTY and item != ""]
    if spec.values is not None and not isinstance(value, dict | list):
        value = _vocabulary(_as_text(value), spec, ctx)
    if target.kind == "any" or isinstance(value, dict | list):
        return value
    if target.kind == "date":
        return _date(value, spec.dates or ctx.mapping.dates)
    if target.kind in ("number", "integer"):
        scale = spec.scale if spec.scale is not None else (ctx.mapping.numbers.scale if spec.value is None else 1)
        number = _number(value, ctx) * Decimal(repr(scale))
        if target.kind == "integer" and number != number.to_integral_value():
            raise ValueProblem(f"expected a whole number, got {_show(value)}")
        return int(number) if number == number.to_integral_value() else round(float(number), 6)
    if target.kind == "bool":
        text = same_word(_as_text(value))
        if text in ("true", "yes", "y", "1"):
            return True
        if text in ("false", "no", "n", "0"):
            return False
        raise ValueProblem(f"expected true or false, got {_show(value)}")
    text = _as_text(value)
    if spec.make_id:
        text = make_id(text)
        if not text:
            raise ValueProblem(f"{_show(value)} has no letters or digits to make an id of")
    if target.kind == "choice":
        for choice in target.choices:
            if same_word(text) == choice:
                return choice
        raise ValueProblem(
            f"expected one of {', '.join(target.choices)}; got {_show(value)} (a vocabulary under `values` can "
            "translate the source's words)"
        )
    return text


def _vocabulary(text: str, spec: FieldSpec, ctx: Context) -> str:
    words = spec.values if isinstance(spec.values, dict) else ctx.mapping.vocabularies[spec.values or ""]
    wanted = same_word(text)
    for word, meaning in words.items():
        norm = same_word(word)
        if wanted == norm or (norm.endswith("*") and wanted.startswith(norm[:-1])):
            return meaning
    if spec.unknown == "keep":
        return text
    name = f'vocabulary "{spec.values}"' if isinstance(spec.values, str) else "the vocabulary"
    raise ValueProblem(f"{_show(text)} is not in {name}: add it to the mapping (it lists {', '.join(words)})")


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _show(value: Any) -> str:
    text = " ".join(_as_text(value).split())
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


def _date(value: Any, formats: Sequence[str]) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = " ".join(_as_text(value).split())
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueProblem(f"{_show(value)} is not a date in the mapping's formats ({', '.join(formats)})")


def _number(value: Any, ctx: Context) -> Decimal:
    if isinstance(value, bool):
        raise ValueProblem(f"expected a number, got {_show(value)}")
    if isinstance(value, int | float):
        return Decimal(repr(value))
    numbers = ctx.mapping.numbers
    text = " ".join(_as_text(value).split())
    changed = True
    while changed:  # currency signs and units, at either end, in any order
        changed = False
        for symbol in sorted(numbers.symbols, key=len, reverse=True):
            folded = text.casefold()
            if symbol and folded.startswith(symbol.casefold()):
                text, changed = text[len(symbol) :].strip(), True
            elif symbol and folded.endswith(symbol.casefold()):
                text, changed = text[: -len(symbol)].strip(), True
    negative = text.startswith(("-", "−")) or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()").lstrip("-−").strip()
    thousands = {"none": "", " ": " \u00a0\u202f"}.get(numbers.thousands, numbers.thousands)
    decimal = re.escape(numbers.decimal)
    grouped = rf"\d{{1,3}}(?:[{re.escape(thousands)}]\d{{3}})+" if thousands else r"(?!)"
    if not re.fullmatch(rf"(?:{grouped}|\d+)(?:{decimal}\d+)?|{decimal}\d+", text):
        raise ValueProblem(f"{_show(value)} is not a number in the mapping's format (numbers: …)")
    digits = re.sub(rf"[{re.escape(thousands)}]", "", text) if thousands else text
    try:
        number = Decimal(digits.replace(numbers.decimal, "."))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only digits
        raise ValueProblem(f"{_show(value)} is not a number") from None
    return -number if negative else number


def make_id(text: str) -> str:
    """Lowercase ASCII letters and digits joined by single hyphens, at most 63 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:63].rstrip("-")


# Rows → records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowIssue:
    """Something about one row: a problem (the row is not imported) or a note (a withheld value)."""

    row: int
    label: str  # the row's id when known
    field: str
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" ({self.label})" if self.label else "")
        what = f"{self.field} ← {self.column}" if self.column and self.field else (self.field or self.column)
        text = f"{where}: {what}: {self.message}" if what else f"{where}: {self.message}"
        return visible(text, lines=False)  # one row's issue, one line, whatever the cells hold


@dataclass
class Record:
    row: int
    entity_id: str
    data: dict[str, Any]


@dataclass
class RowOutcome:
    record: Record | None
    problems: list[RowIssue]
    notes: list[RowIssue]


def _describe(spec: FieldSpec) -> str:
    if spec.column is not None:
        return spec.column
    if spec.columns is not None:
        return " | ".join(spec.columns)
    return "template" if spec.template is not None else ""


def map_fields(
    specs: dict[str, FieldSpec],
    model: type[BaseModel],
    row: int,
    cells: list[Cell],
    ctx: Context,
    withholdable: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], dict[str, str], list[RowIssue], list[RowIssue]]:
    """One row through one section of the mapping: (values by field, withheld reasons, problems, notes)."""
    values: dict[str, Any] = {}
    withheld: dict[str, str] = {}
    problems: list[RowIssue] = []
    notes: list[RowIssue] = []
    groups: dict[str, dict[str, Any]] = {}  # top field → dotted part → result
    for target, spec in specs.items():
        try:
            result = evaluate(spec, target_of(model, target), cells, ctx)
        except ValueProblem as exc:
            problems.append(RowIssue(row, "", target, _describe(spec), str(exc)))
            continue
        top, _, rest = target.partition(".")
        groups.setdefault(top, {})[rest] = result
    fields = model.model_fields
    for top, parts in groups.items():
        info = next((i for n, i in fields.items() if (i.alias or n) == top), None)
        required = info is not None and info.is_required()
        top_spec = specs.get(top)
        inner = [spec for target, spec in specs.items() if target.startswith(f"{top}.")]
        column = _describe(top_spec) if top_spec else " | ".join(filter(None, map(_describe, inner)))
        inner_specs = [specs[f"{top}.{part}"] for part in parts if part]
        # the field itself, or the fields inside it (rag_override.rag, scores.value)
        value = parts[""] if "" in parts else _inner(parts, info, inner_specs)
        if isinstance(value, Withheld) or (
            value is EMPTY and ctx.mapping.empty_is_withheld and top in withholdable and required
        ):
            reason = value.reason if isinstance(value, Withheld) else _EMPTY_REASON
            if top in withholdable:
                withheld[top] = reason
                notes.append(RowIssue(row, "", top, column, f"withheld: {_show(reason)}"))
            elif required:
                problems.append(
                    RowIssue(row, "", top, column, f"withheld in the source ({_show(reason)}), and required")
                )
            else:
                notes.append(RowIssue(row, "", top, column, f"withheld ({_show(reason)}): left empty"))
        elif value is EMPTY:
            if required:
                problems.append(RowIssue(row, "", top, column, "empty, and required"))
        else:
            values[top] = value
    for top in list(values):  # after every field has its value, whatever the mapping's order
        other = specs[top].unless_equal if top in specs else None
        if other is not None and values[top] == values.get(other):
            del values[top]
    order = [info.alias or name for name, info in fields.items()]
    ordered = {name: values[name] for name in order if name in values}
    return ordered, withheld, problems, notes


def _inner(parts: dict[str, Any], info: Any, specs: list[FieldSpec]) -> Any:
    """The value of a field given by the fields inside it. A nested record (rag_override) is dropped as a
    whole when a part read from the row has no value (EMPTY, or the Withheld saying why); a mapping
    (scores) keeps the parts that have one."""
    gaps = [
        result for result, spec in zip(parts.values(), specs, strict=True) if _no_value(result) and spec.value is None
    ]
    kept = {part: result for part, result in parts.items() if not _no_value(result)}
    nested = unwrap(info.annotation) if info is not None else None
    if gaps and isinstance(nested, type) and issubclass(nested, BaseModel):
        return next((gap for gap in gaps if isinstance(gap, Withheld)), gaps[0])
    if not kept:
        return next((gap for gap in gaps if isinstance(gap, Withheld)), EMPTY)
    return kept


def _no_value(result: Any) -> bool:
    return result is EMPTY or isinstance(result, Withheld)


def _file_name_issues(mapping: ImportMapping, row: int, label: str, values: dict[str, Any]) -> list[RowIssue]:
    """The values that name a file (the row's id; its program, when the import writes programs) that cannot:
    checked before any path is made of them, as "..", "/" or "a/b" would lead out of the data folder."""
    issues = []
    for name, value in values.items():
        if value is None or (name == "program" and mapping.programs is None):
            continue
        if isinstance(value, str) and value in RESERVED_IDS:
            why = "is a reserved name"
        elif not isinstance(value, str) or not ID_RE.match(value):
            why = "is not an id (2-63 lowercase letters, digits, hyphens)"
        else:
            continue
        column = _describe(mapping.fields[name]) if name in mapping.fields else ""
        issues.append(RowIssue(row, "" if name == "id" else label, name, column, f"{_show(value)} {why}: set make_id"))
    return issues


def map_row(mapping: ImportMapping, row: int, cells: list[Cell], ctx: Context) -> RowOutcome:
    model = MODELS[mapping.kind]
    withholdable = WITHHOLDABLE if mapping.kind == "project" else frozenset()
    values, withheld, problems, notes = map_fields(mapping.fields, model, row, cells, ctx, withholdable)
    entity_id = values.pop("id", None)
    label = entity_id if isinstance(entity_id, str) else ""
    problems = [RowIssue(p.row, label, p.field, p.column, p.message) for p in problems]
    notes = [RowIssue(n.row, label, n.field, n.column, n.message) for n in notes]
    if not problems:
        problems = _file_name_issues(mapping, row, label, {"id": entity_id, "program": values.get("program")})
    if problems or not isinstance(entity_id, str):
        return RowOutcome(None, problems, notes)
    if withheld:
        values["withheld"] = dict(sorted({**values.get("withheld", {}), **withheld}.items()))
    return RowOutcome(Record(row, entity_id, values), [], notes)


# The plan: files to write, checked as a whole ------------------------------------------------------


@dataclass
class ImportReport:
    table: str
    rows_read: int
    kind: str
    folder: Path
    written: dict[str, list[str]] = field(default_factory=dict)  # "projects" / "programs" / "" → names
    unchanged: list[str] = field(default_factory=list)
    problems: list[RowIssue] = field(default_factory=list)
    notes: list[RowIssue] = field(default_factory=list)
    portfolio_problems: list[Problem] = field(default_factory=list)  # of files the import did not write
    skipped_empty: int = 0
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return len(self.written.get(FOLDERS[self.kind], [])) + sum(
            1 for name in self.unchanged if name.startswith(f"{FOLDERS[self.kind]}/")
        )

    @property
    def failed_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})


@dataclass
class _Plan:
    files: dict[str, str] = field(default_factory=dict)  # path relative to the folder → text
    rows_of: dict[str, list[int]] = field(default_factory=dict)  # path → the rows it comes from


def run_import(
    table_path: Path, mapping: ImportMapping, folder: Path, *, overwrite: bool = False, dry_run: bool = False
) -> ImportReport:
    """Import the table into the portfolio folder (created if need be). Raises ImportFailure when the file
    cannot be imported at all; row problems are in the report and those rows are not written."""
    target_problems = check_targets(mapping)
    if target_problems:
        raise MappingMismatch("the data model", target_problems)
    table = read_table(table_path, mapping)
    ctx = Context(mapping, check_columns(mapping, table))
    report = ImportReport(
        table=table.name,
        rows_read=len(table.rows),
        kind=mapping.kind,
        folder=folder,
        skipped_empty=table.skipped_empty,
        dry_run=dry_run,
    )
    outcomes = [(row, cells, map_row(mapping, row, cells, ctx)) for row, cells in table.rows]
    records: list[Record] = []
    for _, _, outcome in outcomes:
        report.problems += outcome.problems
        report.notes += outcome.notes
        if outcome.record is not None:
            records.append(outcome.record)
    records = _unique_ids(records, report)
    cells_of = {row: cells for row, cells, _ in outcomes}
    existing = _existing(folder, dry_run)
    _check_people(mapping, folder, existing)
    header = f"Imported by pmo import from {table.name}"
    for _ in range(3):  # dropping a row can orphan a program it alone named: plan again without it
        plan = _plan(mapping, records, cells_of, ctx, folder, existing, header, report)
        dropped = _check(plan, folder, existing, overwrite, report)
        records = [r for r in records if r.row not in dropped]
        if not dropped:
            break
    failed = set(report.failed_rows)
    report.notes = [n for n in report.notes if n.row not in failed]
    report.problems = sorted(set(report.problems), key=lambda p: (p.row, p.field, p.message))
    if dry_run or report.portfolio_problems:  # the result would not pass pmo validate: write nothing
        report.written = {} if report.portfolio_problems else report.written
        return report
    write_files(folder, plan.files)  # all or nothing, whatever fails
    return report


def _unique_ids(records: list[Record], report: ImportReport) -> list[Record]:
    """Two rows with one id: neither is right by default, so neither is imported."""
    rows: dict[str, list[int]] = {}
    for record in records:
        rows.setdefault(record.entity_id, []).append(record.row)
    for entity_id, found in rows.items():
        for row in found if len(found) > 1 else ():
            others = ", ".join(str(r) for r in found if r != row)
            report.problems.append(RowIssue(row, entity_id, "id", "", f"the same id as row {others}: make ids unique"))
    return [r for r in records if len(rows[r.entity_id]) == 1]


def _existing(folder: Path, dry_run: bool) -> RawPortfolio:
    if folder.is_dir():
        return load_portfolio(folder, recover=not dry_run)  # a dry run changes nothing, an undo included
    return RawPortfolio(root=folder, folders={name: {} for name in DATA_FOLDERS})


def _check_people(mapping: ImportMapping, folder: Path, existing: RawPortfolio) -> None:
    source = existing.files.get("people.yaml")
    if source is None or not mapping.people:
        return
    entries = source.data.get("people") if isinstance(source.data, dict) else None
    known = {e.get("id") for e in entries if isinstance(e, dict)} if isinstance(entries, list) else set()
    missing = [person for person in mapping.people if person.id not in known]
    if missing:
        lines = "\n".join(f"  - {yaml_write.scalar(_person(p))}" for p in missing)
        raise ImportFailure(
            f"{display_path(folder / 'people.yaml')} does not list the people the mapping refers to; add them "
            f"under people: and import again:\n{lines}"
        )


def _person(person: Person) -> dict[str, Any]:
    return person.model_dump(exclude_defaults=True)


def _plan(
    mapping: ImportMapping,
    records: list[Record],
    cells_of: dict[int, list[Cell]],
    ctx: Context,
    folder: Path,
    existing: RawPortfolio,
    header: str,
    report: ImportReport,
) -> _Plan:
    plan = _Plan()
    folder_name = FOLDERS[mapping.kind]
    for record in records:
        rel = f"{folder_name}/{record.entity_id}.yaml"
        plan.files[rel] = yaml_write.document(record.data, f"{header}, row {record.row}.")
        plan.rows_of[rel] = [record.row]
    if mapping.programs is not None:
        named: dict[str, list[int]] = {}
        for record in records:
            program = record.data.get("program")
            if isinstance(program, str) and program not in existing.found.get("programs", set()):
                named.setdefault(program, []).append(record.row)
        for program, rows in sorted(named.items()):
            data = _agreed(mapping.programs, Program, rows, cells_of, ctx, f'program "{program}"', report)
            if data is not None:
                rel = f"programs/{program}.yaml"
                plan.files[rel] = yaml_write.document(data, f"{header}: the program of rows {_rows(rows)}.")
                plan.rows_of[rel] = []
    if "people.yaml" not in existing.files and mapping.people:
        people = {"people": [_person(p) for p in mapping.people]}
        plan.files["people.yaml"] = yaml_write.document(people, f"{header}: the people the mapping names.")
        plan.rows_of["people.yaml"] = []
    if "portfolio.yaml" not in existing.files and mapping.portfolio is not None:
        rows = sorted(cells_of)
        settings = _agreed(mapping.portfolio, Settings, rows, cells_of, ctx, "portfolio.yaml", report)
        if settings is not None:
            plan.files["portfolio.yaml"] = yaml_write.document(settings, f"{header}: the portfolio's settings.")
            plan.rows_of["portfolio.yaml"] = []
    return plan


def _rows(rows: list[int]) -> str:
    return ", ".join(map(str, rows)) if len(rows) <= 6 else f"{', '.join(map(str, rows[:5]))} … ({len(rows)} rows)"


def _agreed(
    specs: dict[str, FieldSpec],
    model: type[BaseModel],
    rows: list[int],
    cells_of: dict[int, list[Cell]],
    ctx: Context,
    what: str,
    report: ImportReport,
) -> dict[str, Any] | None:
    """One file made from several rows (a program, portfolio.yaml): every row must give the same values."""
    first: dict[str, Any] | None = None
    first_row = 0
    for row in rows:
        values, _, problems, _ = map_fields(specs, model, row, cells_of[row], ctx)
        if problems:
            report.problems += [RowIssue(p.row, what, p.field, p.column, p.message) for p in problems]
            return None
        if first is None:
            first, first_row = values, row
        elif values != first:
            name = next(k for k in {**first, **values} if first.get(k) != values.get(k))
            report.problems.append(
                RowIssue(
                    row,
                    what,
                    name,
                    "",
                    f"{_show(values.get(name, ''))} here, {_show(first.get(name, ''))} in row {first_row}: "
                    "the rows must agree",
                )
            )
            return None
    return first


def _same_data(path: Path, text: str) -> bool:
    try:
        current = parse_yaml(read_regular(path, MAX_LIST_BYTES).decode("utf-8"), path, "").data  # never a FIFO
    except (OSError, UnicodeDecodeError, YamlProblem):
        return False
    return bool(current == parse_yaml(text, path, "").data)


def _check(plan: _Plan, folder: Path, existing: RawPortfolio, overwrite: bool, report: ImportReport) -> set[int]:
    """Validate the planned files over the existing portfolio, as `pmo validate` would; returns the rows to
    drop. Files identical to the existing ones are left alone; a different existing file is replaced only
    with `overwrite`."""
    raw = RawPortfolio(
        root=existing.root,
        files=dict(existing.files),
        folders={name: dict(files) for name, files in existing.folders.items()},
        found={name: set(ids) for name, ids in existing.found.items()},
        problems=list(existing.problems),
    )
    dropped: set[int] = set()
    report.written, report.unchanged = {}, []
    keep: dict[str, str] = {}
    for rel, text in plan.files.items():
        path = folder / rel
        if kind_of(path) is not None:  # never written through: the loader's problem names it and drops its row
            continue
        if path.is_file():
            if _same_data(path, text):  # comments aside: the provenance line names the file read
                report.unchanged.append(rel)
                continue
            if not overwrite:
                for row in plan.rows_of[rel]:
                    dropped.add(row)
                    report.problems.append(
                        RowIssue(
                            row, path.stem, "", "", f"{display_path(path)} exists and differs: --overwrite replaces it"
                        )
                    )
                continue
        keep[rel] = text
        source = parse_yaml(text, path, display_path(path))
        if "/" in rel:
            kind, entity_id = rel.removesuffix(".yaml").split("/")
            raw.folders.setdefault(kind, {})[entity_id] = source
            raw.found.setdefault(kind, set()).add(entity_id)
        else:
            raw.files[rel] = source
    added = {display_path(folder / name) for name in keep}
    raw.problems = [p for p in raw.problems if p.file not in added]
    for name in REQUIRED_FILES:
        if name not in raw.files:
            hint = "; the mapping's portfolio: section writes it" if name == "portfolio.yaml" else ""
            raw.problems.append(Problem(display_path(folder / name), None, "", f"required file is missing{hint}"))
    try:
        validate_portfolio(raw)
        problems: list[Problem] = []
    except PortfolioError as exc:
        problems = exc.problems
    row_of = {display_path(folder / rel): rows for rel, rows in plan.rows_of.items()}
    report.portfolio_problems = []
    for problem in problems:
        rows = row_of.get(problem.file)
        if rows:
            for row in rows:
                dropped.add(row)
                report.problems.append(RowIssue(row, Path(problem.file).stem, problem.field, "", problem.message))
        else:
            report.portfolio_problems.append(problem)
    plan.files = {rel: text for rel, text in keep.items() if not set(plan.rows_of[rel]) & dropped}
    for rel in plan.files:
        folder_name = rel.split("/")[0] if "/" in rel else ""
        report.written.setdefault(folder_name, []).append(rel)
    return dropped
