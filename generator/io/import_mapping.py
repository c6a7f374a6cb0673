"""The mapping file of `pmo import`: everything specific to one source register, none of it in code.

A mapping says how to read the file (encoding, delimiter, sheet, header row), what the source's values
mean (date formats, number formats, vocabularies, the values that mean "withheld") and which columns feed
which field of the entity each row becomes. It is YAML, read by the same guarded loader as the portfolio,
and checked by the models below, so a mistake in it is reported with its line like one in a data file.
"""

from __future__ import annotations

import re
import typing
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..data.fields import is_model, named_fields, unwrap
from ..data.model import Boolean, Person, Program, Settings, Strict, doc
from ..data.validate import ENTITY_MODELS, error_message, problem_at
from ..data.yaml_guard import SourceFile, YamlProblem, read_yaml
from ..errors import PortfolioError, Problem, closest, did_you_mean, show_value

if TYPE_CHECKING:
    from pathlib import Path

Kind = Literal["project", "program", "request"]
MODELS: dict[str, type[BaseModel]] = {
    "project": ENTITY_MODELS["projects"],
    "program": ENTITY_MODELS["programs"],
    "request": ENTITY_MODELS["requests"],
}
FOLDERS = {"project": "projects", "program": "programs", "request": "requests"}
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


class Source(Strict):
    format: Literal["csv", "xlsx"] | None = doc(
        "How the file is read; default: from its suffix (.csv, .xlsx).", "csv", default=None
    )
    encoding: str = doc(
        "The text encoding of a CSV file (Python's names: utf-8, cp1252, latin-1 …). Default utf-8, with or "
        "without a byte-order mark.",
        "cp1252",
        default="utf-8-sig",
    )
    delimiter: str = doc(
        "The character between the fields of a CSV file.", ";", default=",", min_length=1, max_length=1
    )
    sheet: str | None = doc("The worksheet of an XLSX file; default: the first.", "Register", default=None)
    header_row: int = doc("The row that holds the column names; the rows below it are the data.", 1, default=1, ge=1)
    unquote_formulas: Boolean = doc(
        "Remove the apostrophe `pmo export` puts before text starting with = + - or @ in a CSV file.",
        True,
        default=False,
    )


class Numbers(Strict):
    decimal: Literal[".", ","] = doc("The decimal separator.", ".", ",", default=".")
    thousands: Literal[",", ".", " ", "'", "none"] = doc(
        "The thousands separator (a space also matches a no-break space), or none.", ",", default=","
    )
    symbols: list[str] = doc(
        "Currency signs and units removed from a number before it is read.", ["£", "GBP", "m"], default=[]
    )
    scale: float = doc(
        "Every amount is multiplied by this: 1000000 when the source gives millions.", 1000000, default=1, gt=0
    )

    @model_validator(mode="after")
    def _separators_differ(self) -> Numbers:
        if self.decimal == self.thousands:
            raise PydanticCustomError("separators", "the decimal and thousands separators must differ", {})
        return self


class FieldSpec(Strict):
    """Where one field's value comes from: exactly one of column, columns, template or value."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [name]} for name in ("column", "columns", "template", "value")]}
    )

    column: str | None = doc(
        "The column's header. A header that occurs more than once is named with #1, #2 … in order.",
        "department",
        "colour_rating#2",
        default=None,
    )
    columns: list[str] | None = doc(
        "Several columns: the first that is neither empty nor withheld gives the value.",
        ["colour_rating#1", "colour_rating#2"],
        default=None,
        min_length=1,
    )
    template: str | None = doc(
        "Text with {column} placeholders, replaced by the row's values ({{ and }} for braces).",
        "{description_aims}\n\n{rating_comment}",
        default=None,
    )
    value: Any = doc("The same value for every row.", "execution", default=None)
    values: dict[str, str] | str | None = doc(
        "A vocabulary: the source's words and what they mean here, or the name of one under `vocabularies`. "
        "Case, spacing and a trailing * (any ending) are ignored when matching.",
        "ratings",
        {"Amber/Green": "amber"},
        default=None,
    )
    unknown: Literal["error", "keep"] = doc(
        "A value the vocabulary does not list: error (the row is reported) or keep (used as it is).",
        "keep",
        default="error",
    )
    make_id: Boolean = doc(
        "Turn the text into an id: lowercase letters, digits and hyphens, at most 63 characters.", True, default=False
    )
    scale: float | None = doc("Multiply this field's number by this (overrides numbers.scale).", 1, default=None, gt=0)
    dates: list[str] | None = doc("Date formats for this field (overrides `dates`).", ["%d/%m/%Y"], default=None)
    split: str = doc("For a list field: the separator between its items.", ";", default=";", min_length=1)
    unless_equal: str | None = doc(
        "Leave the field out when its value equals this other field's (forecast_finish: finish).",
        "finish",
        default=None,
    )

    @model_validator(mode="after")
    def _one_source(self) -> FieldSpec:
        given = [name for name in ("column", "columns", "template", "value") if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "one_source",
                "give exactly one of column, columns, template or value{got}",
                {"got": f" (got {', '.join(given)})" if given else ""},
            )
        return self

    def column_names(self) -> list[str]:
        """Every column this field reads."""
        return [name for _, name in self.column_refs()]

    def column_refs(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every column this field reads, with the key of the spec that names it (for messages)."""
        if self.column is not None:
            return [(("column",), self.column)]
        if self.columns is not None:
            return [(("columns", i), name) for i, name in enumerate(self.columns)]
        if self.template is not None:
            found = (match.group(1) for match in _PLACEHOLDER.finditer(self.template))
            return [(("template",), name) for name in found if name is not None]
        return []


def _column_shorthand(value: Any) -> Any:
    """`name: Title` is short for `name: {column: Title}`. Read as one type, not a union of two, so a mistake
    inside a field's mapping gets one message, at its own key (a union reports it once per alternative)."""
    if isinstance(value, str):
        return {"column": value}
    if not isinstance(value, dict):
        raise PydanticCustomError(
            "spec_type",
            "expected a column's header, or a mapping with one of column, columns, template or value; got {got}",
            {"got": show_value(value)},
        )
    return value


Spec = Annotated[
    FieldSpec,
    BeforeValidator(_column_shorthand, json_schema_input_type=FieldSpec | str),
    Field(description="A column's header, or a mapping saying where the value comes from.", examples=["project_name"]),
]


class ImportMapping(Strict):
    """How `pmo import` turns the rows of one CSV or XLSX register into portfolio files."""

    kind: Kind = doc("What each row becomes.", "project", default="project")
    source: Source = doc("How the file is read.", {"encoding": "cp1252", "delimiter": ";"}, default=Source())
    dates: list[str] = doc(
        "The date formats of the source (Python strptime codes), tried in order.",
        ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"],
        default=["%Y-%m-%d"],
        min_length=1,
    )
    numbers: Numbers = doc(
        "How numbers are written in the source.", {"thousands": ",", "symbols": ["£"]}, default=Numbers()
    )
    withheld: list[str] = doc(
        "Values that mean the source withholds the data: a cell starting with one of these (case and spacing "
        "ignored) becomes an empty field with the cell's text as the reason.",
        ["Exempt under Section", "Not published"],
        default=[],
    )
    empty_is_withheld: Boolean = doc(
        "An empty cell in a required field that may be withheld (a project's start, finish or budget) counts as "
        'withheld ("empty in the source") instead of missing.',
        True,
        default=False,
    )
    vocabularies: dict[str, dict[str, str]] = doc(
        "Named vocabularies for `values`: the source's words and what they mean here.",
        {"ratings": {"Green": "green", "Amber/Green": "amber", "Amber": "amber", "Amber/Red": "red", "Red": "red"}},
        default={},
    )
    fields: dict[str, Spec] = doc(
        "The fields of each row's file: a field name (a dot reaches inside: rag_override.rag, scores.value) "
        "and where its value comes from. `id` is required: it names the file.",
        {"id": {"column": "project_name", "make_id": True}, "name": "project_name"},
    )
    programs: dict[str, Spec] | None = doc(
        "A program file for each program the rows name that does not exist yet: its fields, read from the "
        "rows that name it (they must agree).",
        {"name": {"column": "department", "values": "departments", "unknown": "keep"}},
        default=None,
    )
    people: list[Person] = doc(
        "People the mapping refers to (a placeholder for a role the source does not name, say). Written to "
        "people.yaml when the portfolio has none; an existing people.yaml must already list them.",
        [{"id": "not-published", "name": "Not published in the source"}],
        default=[],
    )
    portfolio: dict[str, Spec] | None = doc(
        "portfolio.yaml, written when the portfolio has none: its fields, read from the rows (they must agree).",
        {"organization": {"value": "UK Government Major Projects Portfolio"}, "as_of": {"template": "{year}-03-31"}},
        default=None,
    )
    _source: SourceFile | None = PrivateAttr(default=None)  # the file it was read from, to locate messages

    def sections(self) -> list[tuple[str, dict[str, FieldSpec]]]:
        """The mapping's field sections by their key: fields, and programs and portfolio when given."""
        return [("fields", self.fields), ("programs", self.programs or {}), ("portfolio", self.portfolio or {})]

    def problem(self, loc: tuple[str | int, ...], message: str) -> Problem:
        """A problem located in the mapping file (its line and key), when the mapping was read from one."""
        return problem_at(self._source, loc, message)

    def spec_loc(self, section: str, target: str, inner: tuple[str | int, ...]) -> tuple[str | int, ...]:
        """Where a key of a field's spec is written: at the field itself for the `name: Title` shorthand."""
        written = self._source.data.get(section) if self._source is not None else None
        shorthand = isinstance(written, dict) and isinstance(written.get(target), str)
        return (section, target) if shorthand or self._source is None else (section, target, *inner)

    @field_validator("vocabularies")
    @classmethod
    def _vocabulary_keys_differ(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for name, words in value.items():
            seen: dict[str, str] = {}
            for word in words:
                norm = same_word(word)
                if norm in seen:
                    raise PydanticCustomError(
                        "vocabulary",
                        'vocabulary "{name}" lists "{a}" and "{b}", which match the same values',
                        {"name": name, "a": seen[norm], "b": word},
                    )
                seen[norm] = word
        return value


def normalize(text: str) -> str:
    """How column headers are compared: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


def same_word(text: str) -> str:
    """How values are compared with vocabularies and withheld markers: case and spaces do not count at all
    ("Amber / green" is "Amber/Green")."""
    return "".join(text.split()).casefold()


class MappingError(PortfolioError):
    """The mapping file has problems. It is what the user passed to `pmo import --mapping`: a usage error."""

    exit_code = 2


def load_mapping(path: Path) -> ImportMapping:
    """Read and check a mapping file; raises MappingError with every problem, located by line."""
    from ..data.load import display_path

    shown = display_path(path)
    try:
        source = read_yaml(path, shown)
    except YamlProblem as exc:
        raise MappingError([Problem(shown, exc.line, "", exc.message)]) from None
    except OSError as exc:
        raise MappingError([Problem(shown, None, "", f"cannot be read: {exc.strerror}")]) from None
    if not isinstance(source.data, dict):
        raise MappingError([Problem(shown, 1, "", "expected a mapping of fields (key: value lines)")])
    try:
        mapping = ImportMapping.model_validate(source.data)
    except ValidationError as exc:  # each error located like a data file's
        raise MappingError(
            problem_at(source, tuple(err["loc"]), error_message(ImportMapping, err)) for err in exc.errors()
        ) from None
    mapping._source = source
    problems = check_targets(mapping)
    if problems:
        raise MappingError(problems)
    return mapping


def check_targets(mapping: ImportMapping) -> list[Problem]:
    """Every mapped field exists in its model, every vocabulary named exists, the required fields are mapped.
    A misspelt required field is one mistake: its "did you mean" says so, it is not listed as missing too."""
    problems = []

    def report(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(mapping.problem(loc, message))

    sections: list[tuple[str, dict[str, FieldSpec] | None, type[BaseModel]]] = [
        ("fields", mapping.fields, MODELS[mapping.kind]),
        ("programs", mapping.programs, Program),
        ("portfolio", mapping.portfolio, Settings),
    ]
    for section, specs, model in sections:
        if specs is None:
            continue
        misspelt = set()
        for target, spec in specs.items():
            if error := target_error(model, target):
                report((section, target), error)
                misspelt.add(
                    closest(target.split(".")[0], (info.alias or name for name, info in model.model_fields.items()))
                )
            if isinstance(spec.values, str) and spec.values not in mapping.vocabularies:
                known = mapping.vocabularies
                report((section, target, "values"), f'no vocabulary "{spec.values}"{did_you_mean(spec.values, known)}')
            if spec.unless_equal is not None and spec.unless_equal not in specs:
                report((section, target, "unless_equal"), f'"{spec.unless_equal}" is not a mapped field')
        required = [
            (info.alias or name)
            for name, info in model.model_fields.items()
            if info.is_required() and not (section == "programs" and name == "id")
        ]
        missing = [
            name
            for name in required
            if name not in specs and name not in misspelt and not any(t.startswith(f"{name}.") for t in specs)
        ]
        if missing:
            report((section,), f"these required fields have no mapping: {', '.join(missing)}")
    if mapping.kind == "program" and mapping.programs is not None:
        report(("programs",), "rows that are programs need no programs section")
    return problems


def target_error(model: type[BaseModel], target: str) -> str | None:
    """Why `target` (a field, or a dotted path into a nested model or mapping) is not a field of `model`."""
    current: Any = model
    for depth, part in enumerate(target.split(".")):
        current = unwrap(current)
        if is_model(current):
            names = named_fields(current)
            if part not in names:
                where = f' in "{".".join(target.split(".")[:depth])}"' if depth else ""
                return f'unknown field "{part}"{where}{did_you_mean(part, names)}'
            current = names[part]
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return f'"{".".join(target.split(".")[:depth])}" has no fields inside it'
    return None
