"""The register as a table for other tools: CSV, JSON or an Excel workbook, one row per project.

Pure: an Analysis in, bytes out. Values keep their type (numbers as numbers, dates as dates, undefined as
empty or null, never 0 or NaN), and the same data gives the same bytes: `as_of` is the only clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd
from openpyxl.writer.excel import ExcelWriter

from . import xlsx_writer

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from _typeshed import StrPath
    from openpyxl import Workbook

    from ..analytics.analyse import Analysis

Format = Literal["csv", "json", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "json", "xlsx")
Kind = Literal["text", "date", "bool", "int", "money", "ratio", "percent", "score"]
Value = str | int | float | bool | dt.date | None

# The columns the issue names, in its order; other tools read them by name, so never rename or reorder.
REQUIRED: tuple[tuple[str, Kind], ...] = (
    ("id", "text"),
    ("name", "text"),
    ("program", "text"),
    ("kind", "text"),
    ("phase", "text"),
    ("manager", "text"),
    ("rag", "text"),
    ("reported_rag", "text"),
    ("start", "date"),
    ("finish", "date"),
    ("forecast_finish", "date"),
    ("slip_days", "int"),
    ("bac", "money"),
    ("pv", "money"),
    ("ev", "money"),
    ("ac", "money"),
    ("sv", "money"),
    ("cv", "money"),
    ("spi", "ratio"),
    ("cpi", "ratio"),
    ("eac", "money"),
    ("etc", "money"),
    ("vac", "money"),
    ("tcpi", "ratio"),
    ("budget_adherence", "percent"),
    ("risk_exposure", "int"),
    ("priority_score", "score"),
    ("priority_rank", "int"),
)
# More columns may follow, never come between: from the KPI frame, or from the model in `register`.
EXTRAS: tuple[tuple[str, Kind], ...] = (
    ("percent_complete", "percent"),
    ("status_date", "date"),
    ("status_age_days", "int"),
    ("stale", "bool"),  # no current status report for longer than the portfolio allows
    ("derived_rag", "text"),
    ("override_rag", "text"),
    ("override_reason", "text"),
    ("open_risks", "int"),
    ("satisfaction", "score"),
    ("satisfaction_trend", "score"),
    ("program_name", "text"),
    ("manager_name", "text"),
    ("sponsor", "text"),
    ("sponsor_name", "text"),
    ("methodology", "text"),
    ("objectives", "text"),  # objective ids joined with ";"
    ("visibility", "text"),
    ("summary", "text"),
    ("as_of", "date"),
)
COLUMNS: tuple[tuple[str, Kind], ...] = REQUIRED + EXTRAS
HEADER: tuple[str, ...] = tuple(name for name, _ in COLUMNS)

# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIGITS = 6  # rounding that removes float noise (112500.00000000001) far below anything shown
_XLSX_FORMATS: dict[str, str] = {  # by Kind
    "date": "yyyy-mm-dd",
    "int": "0",
    "money": "#,##0",
    "ratio": "0.000",
    "percent": "0.0",
    "score": "0.00",
}


@dataclass(frozen=True)
class Register:
    """The export's rows, sorted by project id, each value aligned with COLUMNS."""

    rows: list[tuple[Value, ...]]
    as_of: dt.date
    title: str

    def records(self) -> Iterator[dict[str, Value]]:
        return (dict(zip(HEADER, row, strict=True)) for row in self.rows)


def register(analysis: Analysis) -> Register:
    """The register's table, built column by column from the KPI frame (one pass per column, no .loc)."""
    frame = analysis.projects.sort_index()
    ids = [str(pid) for pid in frame.index]
    projects = [analysis.project(pid) for pid in ids]
    programs = analysis.portfolio.programs
    as_of = analysis.settings.as_of
    from_model: dict[str, Sequence[object]] = {
        "id": ids,
        "override_reason": [p.rag_override.reason if p.rag_override else None for p in projects],
        "program_name": [programs[p.program].name if p.program in programs else None for p in projects],
        "manager_name": [analysis.person_name(p.manager) for p in projects],
        "sponsor": [p.sponsor for p in projects],
        "sponsor_name": [analysis.person_name(p.sponsor) for p in projects],
        "methodology": [p.methodology for p in projects],
        "objectives": [";".join(p.objectives) for p in projects],
        "visibility": [p.visibility for p in projects],
        "summary": [p.summary for p in projects],
        "as_of": [as_of] * len(ids),
    }
    columns = [
        [_clean(value, kind) for value in (from_model[name] if name in from_model else frame[name].tolist())]
        for name, kind in COLUMNS
    ]
    title = f"{analysis.portfolio.settings.organization}: project register at {as_of.isoformat()}"
    return Register(rows=list(zip(*columns, strict=True)), as_of=as_of, title=title)


def _clean(value: object, kind: Kind) -> Value:
    """One value in its export type; NaN (or an overflowed inf), None and "" for an optional text become None
    (undefined)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or value is pd.NA:
        return None
    if kind == "text":
        return str(value) or None
    if kind == "date":
        return value if isinstance(value, dt.date) else None
    if kind == "bool":
        return bool(value)
    number = round(float(value), _DIGITS)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def export_bytes(table: Register, fmt: Format) -> bytes:
    if fmt == "csv":
        return to_csv(table).encode("utf-8")
    if fmt == "json":
        return to_json(table).encode("utf-8")
    return to_xlsx(table)


# CSV ----------------------------------------------------------------------------------------------


def to_csv(table: Register) -> str:
    """RFC 4180 as the csv module writes it (CRLF line ends), a header row, no byte-order mark."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return out.getvalue()


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return repr(value)  # the shortest text that reads back as the same number


# JSON ---------------------------------------------------------------------------------------------


def to_json(table: Register) -> str:
    """A list of objects, keys in column order, null for undefined, dates as ISO text."""
    records = [{key: v.isoformat() if isinstance(v, dt.date) else v for key, v in r.items()} for r in table.records()]
    return json.dumps(records, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# For the register page ----------------------------------------------------------------------------


def page_data(table: Register) -> dict[str, object]:
    """The register's typed rows for the page's own script (tables.js), which writes the CSV and workbook of
    the rows shown exactly as `to_csv` and `to_xlsx` write the cells: dates as ISO text, kinds by column."""
    return {
        "columns": HEADER,
        "kinds": [kind for _, kind in COLUMNS],
        "formula_start": "".join(_FORMULA_START),
        "formats": _XLSX_FORMATS,
        "as_of": table.as_of.isoformat(),
        "title": table.title,
        "rows": [[v.isoformat() if isinstance(v, dt.date) else v for v in row] for row in table.rows],
    }


# XLSX ---------------------------------------------------------------------------------------------


def to_xlsx(table: Register, sheet: str = "Register") -> bytes:
    """One sheet: a bold, frozen header row with an autofilter, typed cells, undefined left empty (xlsx_writer:
    plain XML, as the page's script writes the rows shown; openpyxl's cell objects cost 10 times as much)."""
    kinds = [kind for _, kind in COLUMNS]
    widths = _widths(table.rows)
    return xlsx_writer.workbook(HEADER, kinds, _XLSX_FORMATS, table.rows, widths, sheet, table.title, table.as_of)


def _widths(rows: Sequence[tuple[Value, ...]]) -> list[int]:
    """Each column wide enough for its longest value and its header with the filter button, within 8..50."""
    columns = list(zip(*rows, strict=True)) or [()] * len(HEADER)
    longest = [max((len(_shown(value)) for value in column if value is not None), default=0) for column in columns]
    return [min(max(max(n, len(name) + 2) + 2, 8), 50) for n, name in zip(longest, HEADER, strict=True)]


def _shown(value: Value) -> str:
    return f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members all carry one time, as_of's: openpyxl would stamp them with the wall clock."""

    def __init__(self, file: io.BytesIO, when: dt.date) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.when = (max(when.year, 1980), when.month, when.day, 0, 0, 0)  # zip dates start in 1980

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: bytes | str,  # type: ignore[override]
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.when)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o644 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: StrPath,
        arcname: StrPath | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """openpyxl adds each worksheet from a temporary file, which would carry that file's time."""
        self.writestr(os.fspath(arcname or filename), Path(filename).read_bytes(), compress_type, compresslevel)


def save_workbook(book: Workbook, as_of: dt.date) -> bytes:
    """Save through openpyxl's writer, not `Workbook.save`, which sets `modified` to the current time."""
    buffer = io.BytesIO()
    ExcelWriter(book, _FixedTimeZip(buffer, as_of)).save()
    return buffer.getvalue()
