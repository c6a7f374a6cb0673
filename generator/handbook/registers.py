"""The register templates (risks, issues, changes, lessons) as Excel workbooks, made from the data model.

Each column is a field of the model's item, named by its YAML key, so a filled-in row becomes a list entry of
the project file as it is. Its type comes from the model: a fixed vocabulary becomes a drop-down list, a
1-5 score a whole number between 1 and 5, a date a date. A second sheet explains every column. The same
portfolio gives the same bytes (export.save_workbook stamps them with `as_of`).
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from annotated_types import Ge, Le
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..data.fields import unwrap
from ..data.model import Change, Issue, Lesson, Risk
from ..io.export import save_workbook
from .lessons import LESSON_CATEGORIES

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

    from ..analytics.analyse import Analysis

FOLDER = "handbook/templates/files"
ROWS = 500  # rows prepared with validation below the header (and the risk register's exposure formula)
Kind = Literal["text", "list", "whole", "decimal", "date"]
_LIST_LIMIT = 255  # characters of an inline list of choices in Excel's data validation
_LISTS = "Lists"

# The values decided_by takes: the bodies of the decision-rights table in the handbook's governance page.
DECIDED_BY = ("project-manager", "sponsor", "change-board", "steering-committee", "portfolio-review")

HELP: dict[str, str] = {
    "id": "Short id, unique in the project, never reused: R1, I1, CR-1.",
    "title": "The item in a few words.",
    "probability": "1 rare (under 10 %) to 5 almost certain (over 80 %).",
    "impact": "1 negligible to 5 severe: the highest of cost, schedule and patients/data/services.",
    "owner": "Person id from people.yaml, e.g. a.okafor.",
    "status": "open or closed.",
    "mitigation": "What is being done about it, by whom, by when.",
    "severity": "low, medium, high or critical (see the escalation table).",
    "due": "Date by which it must be resolved, YYYY-MM-DD.",
    "date": "Date it was raised or recorded, YYYY-MM-DD.",
    "cost": "Effect on the budget in the portfolio currency; negative saves money.",
    "schedule_days": "Effect on the finish date in days; negative brings it forward.",
    "decision": "pending until decided, then approved, rejected or deferred.",
    "decided_by": "Who decided, by the decision rights: project-manager, sponsor, change-board, ...",
    "category": "The lessons-library category, e.g. vendor-management, testing, scope.",
    "lesson": "What happened and what we learned, in a sentence or two.",
    "recommendation": "What the next project should do.",
    "visibility": "org (everyone, the default) or pmo (the PMO's site only).",
}


@dataclass(frozen=True)
class Column:
    key: str
    kind: Kind
    required: bool
    choices: tuple[str, ...] = ()
    strict: bool = True  # only the choices (else a warning, and any value is kept)
    low: int | None = None
    high: int | None = None
    people: bool = False  # the choices are the person ids of people.yaml


# Fields that name a person: their column offers the person ids of the portfolio's people.yaml.
PERSON_FIELDS = frozenset({"owner"})


@dataclass(frozen=True)
class RegisterTemplate:
    file: str
    title: str
    model: type[BaseModel]
    yaml_list: str  # the list of the project file the rows belong to
    suggested: dict[str, tuple[str, ...]]  # free-text fields offered a list of usual values

    def columns(self, people: tuple[str, ...] = ()) -> list[Column]:
        fields = dict(self.model.model_fields)
        visibility = fields.pop("visibility", None)
        ordered = [*fields.items(), *([("visibility", visibility)] if visibility else [])]
        return [
            Column(key, "list", info.is_required(), people, people=True)
            if key in PERSON_FIELDS and people
            else _column(key, info, self.suggested.get(key))
            for key, info in ordered
        ]


REGISTERS: tuple[RegisterTemplate, ...] = (
    RegisterTemplate("risk-register.xlsx", "Risk register", Risk, "risks", {}),
    RegisterTemplate("issue-log.xlsx", "Issue log", Issue, "issues", {}),
    RegisterTemplate("change-log.xlsx", "Change log", Change, "changes", {"decided_by": DECIDED_BY}),
    RegisterTemplate("lessons-log.xlsx", "Lessons log", Lesson, "lessons", {"category": tuple(LESSON_CATEGORIES)}),
)
BY_FILE = {register.file: register for register in REGISTERS}


def _column(key: str, info: FieldInfo, suggested: tuple[str, ...] | None) -> Column:
    annotation = unwrap(info.annotation)  # X | None: the X
    required = info.is_required()
    if typing.get_origin(annotation) is Literal:
        return Column(key, "list", required, tuple(str(v) for v in typing.get_args(annotation)))
    if annotation is dt.date:
        return Column(key, "date", required)
    if annotation is int:
        low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
        high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
        return Column(key, "whole", required, low=low, high=high)  # type: ignore[arg-type]
    if annotation is float:
        return Column(key, "decimal", required)
    if suggested:
        return Column(key, "list", required, suggested, strict=False)
    return Column(key, "text", required)


def allowed(column: Column) -> str:
    """The values a column takes, in words."""
    if column.people or column.key in PERSON_FIELDS:
        return "a person id from people.yaml"
    if column.kind == "list":
        listed = ", ".join(column.choices)
        return listed if column.strict else f"usually {listed}"
    if column.kind == "whole":
        if column.low is not None and column.high is not None:
            return f"a whole number from {column.low} to {column.high}"
        return "a whole number"
    return {"decimal": "a number", "date": "a date, YYYY-MM-DD", "text": "text"}[column.kind]


def workbook(register: RegisterTemplate, as_of: dt.date, people: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    book.properties.creator = "pmo-portfolio"
    book.properties.title = register.title
    book.properties.created = book.properties.modified = dt.datetime.combine(as_of, dt.time())
    sheet = book.active
    sheet.title = register.title
    columns = register.columns(people)
    sheet.append([c.key for c in columns])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    last = ROWS + 1
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(column)
        if column.kind == "list" and (column.people or len(",".join(column.choices)) + 2 > _LIST_LIMIT):
            _list_cells(book, index, column.choices)
        rule = _validation(column, index)
        rule.promptTitle = column.key[:32]
        rule.prompt = HELP.get(column.key, "")[:255]
        rule.showInputMessage = True
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)
        if column.kind == "date":  # the column's style: cells typed into it later show as dates
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    if register.model is Risk:  # exposure, as the site computes it: probability × impact
        keys = [c.key for c in columns]
        p, i = (get_column_letter(keys.index(k) + 1) for k in ("probability", "impact"))
        exposure = len(columns) + 1
        sheet.cell(row=1, column=exposure, value="exposure (computed)").font = bold
        sheet.column_dimensions[get_column_letter(exposure)].width = 20
        for row in range(2, last + 1):
            sheet.cell(
                row=row, column=exposure, value=f'=IF(AND(ISNUMBER({p}{row}),ISNUMBER({i}{row})),{p}{row}*{i}{row},"")'
            )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
    _guide(book, register, columns)
    return save_workbook(book, as_of)


def _width(column: Column) -> int:
    """Room for what the column holds: a line of text, a date, a number, the longest choice."""
    if column.kind == "list":
        return max(12, min(30, max((len(c) for c in column.choices), default=0) + 4))
    if column.kind == "text":
        return 10 if column.key == "id" else 44
    return 12


def _validation(column: Column, lists_column: int) -> DataValidation:
    error = "This is not a value the portfolio files accept."
    if column.kind == "list":
        listed = '"' + ",".join(column.choices) + '"'
        if column.people or len(listed) > _LIST_LIMIT:  # a long inline list makes Excel refuse the file: cells
            letter = get_column_letter(lists_column)
            listed = f"'{_LISTS}'!${letter}$1:${letter}${len(column.choices)}"
        rule = DataValidation(type="list", formula1=listed, allow_blank=True)
        rule.errorStyle = "stop" if column.strict else "warning"
    elif column.kind == "whole":
        if column.low is not None and column.high is not None:
            rule = DataValidation(type="whole", operator="between", formula1=str(column.low), formula2=str(column.high))
        else:
            rule = DataValidation(type="whole", operator="between", formula1="-1000000", formula2="1000000")
    elif column.kind == "decimal":
        rule = DataValidation(type="decimal", operator="between", formula1="-1000000000", formula2="1000000000")
    elif column.kind == "date":
        rule = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)")
    else:
        rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000")
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.errorTitle = "Not a valid value"
    rule.error = f"{column.key}: {allowed(column)}. {error}"[:255]
    return rule


def _list_cells(book: Workbook, index: int, choices: tuple[str, ...]) -> None:
    """A long list of choices in a column of the (hidden) lists sheet, the same column as in the register."""
    sheet = book[_LISTS] if _LISTS in book.sheetnames else book.create_sheet(_LISTS)
    sheet.sheet_state = "hidden"
    for row, value in enumerate(choices, start=1):
        sheet.cell(row=row, column=index, value=value)


def _guide(book: Workbook, register: RegisterTemplate, columns: list[Column]) -> None:
    guide = book.create_sheet("Guide")
    guide.append(
        [f"{register.title}: one row per item. Copy the rows into the project file under {register.yaml_list}:"]
    )
    guide.append([])
    guide.append(["Column", "Required", "Allowed values", "Meaning"])
    for cell in guide[3]:
        cell.font = Font(bold=True)
    for column in columns:
        guide.append([column.key, "yes" if column.required else "no", allowed(column), HELP.get(column.key, "")])
    for letter, width in zip("ABCD", (18, 10, 48, 80), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def register_files(analysis: Analysis) -> dict[str, bytes]:
    """Every register template, by its path in the site."""
    people = tuple(sorted(p.id for p in analysis.portfolio.people.people))
    return dict(_register_files(analysis.settings.as_of, people))


@lru_cache(maxsize=2)  # the same for every build of one period: `pmo serve` rebuilds without them
def _register_files(as_of: dt.date, people: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    return tuple((f"{FOLDER}/{register.file}", workbook(register, as_of, people)) for register in REGISTERS)
