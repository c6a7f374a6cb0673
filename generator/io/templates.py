"""Commented YAML templates for a new project, program or request, generated from the data model.

Every field of the model appears with its description, its allowed values and an example: the required
ones first, filled in with values that make the file valid in the portfolio at hand (each marked TODO and
saying where it came from), the optional ones commented out. `pmo new` writes one into the portfolio; the
site offers the same text for download (`assets/templates/new-<kind>.yaml`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from ..data.fields import unwrap
from ..data.model import ID_RE, RESERVED_IDS, Program, Project, Request
from ..data.transaction import write_files
from ..errors import PmoError
from . import yaml_write

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from ..data.load import RawPortfolio
    from ..data.validate import Portfolio

Kind = Literal["project", "program", "request"]
MODELS: dict[str, type[BaseModel]] = {"project": Project, "program": Program, "request": Request}
FOLDERS = {"project": "projects", "program": "programs", "request": "requests"}
INTRO = {
    "project": "A project of the portfolio: change work or run work (maintenance, operations, a service).",
    "program": "A program: a group of projects with one manager, serving the same objectives.",
    "request": "A request: demand for new IT work, not yet approved.",
}
_WIDTH = 110
_ISO = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")


_PLACEHOLDERS_NOTE = (
    "# Required fields come first. Their values are placeholders that keep the file valid: replace each one",
    '# marked TODO. Optional fields follow, commented out: delete the "# " before one to use it.',
)
_GIVEN_NOTE = ('# Required fields come first. Optional fields follow, commented out: delete the "# " to use one.',)


class NewFileError(PmoError):
    """The file cannot be made: a bad or taken id, an unknown reference, no portfolio to fill it from."""

    exit_code = 2  # what the command was asked for cannot be: usage


@dataclass(frozen=True)
class Filled:
    """A required field's value in a template, and where it came from (said in its TODO comment). A value the
    user gave (`pmo new --manager`) is theirs, not a placeholder: it gets no TODO."""

    value: Any
    note: str
    given: bool = False


def yaml_template(kind: Kind, entity_id: str, filled: dict[str, Filled], schema: str | None = None) -> str:
    """The commented YAML of a new `kind` whose required fields hold `filled`."""
    model = MODELS[kind]
    lines = []
    if schema:
        lines.append(f"# yaml-language-server: $schema={schema}")
    lines += [
        f"# {INTRO[kind]}",
        f"# The file name is the id: {FOLDERS[kind]}/{entity_id}.yaml (it becomes the page's address, so it stays).",
        *(_PLACEHOLDERS_NOTE if not all(value.given for value in filled.values()) else _GIVEN_NOTE),
        '# Check with `pmo validate`. The handbook page "Editing the portfolio" explains the editor support.',
        "",
    ]
    fields = [(info.alias or name, info) for name, info in model.model_fields.items() if name != "id"]
    for name, info in fields:
        if name in filled:
            lines += _describe(name, info)
            value = filled[name]
            entry = yaml_write.field(name, _dates(value.value)).rstrip("\n")
            lines.append(f"{entry}  # TODO: {value.note}" if "\n" not in entry and not value.given else entry)
            lines.append("")
    lines.append("# Optional fields ------------------------------------------------------------------------------")
    lines.append("")
    for name, info in fields:
        if name not in filled:
            lines += _describe(name, info)
            lines += [f"# {line}" for line in _example(name, info).splitlines()]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _describe(name: str, info: FieldInfo) -> list[str]:
    """The comment above a field: what it is, what it allows, its default, and the fields of a list's items."""
    text = info.description or ""
    annotation = unwrap(info.annotation)
    choices = _choices(annotation)
    if choices:
        text += f" One of: {' | '.join(choices)}."
    default = info.get_default(call_default_factory=True)
    if not info.is_required() and default not in (None, "", [], {}) and not isinstance(default, BaseModel):
        text += f" Default: {yaml_write.scalar(default)}."
    lines = [f"# {line}" for line in textwrap.wrap(text, _WIDTH - 2, break_on_hyphens=False)]
    item = _item_model(annotation)
    if item is not None:
        lines.append("# Each item has:" if typing.get_origin(annotation) is list else "# Its fields:")
        for sub_name, sub in item.model_fields.items():
            sub_choices = _choices(unwrap(sub.annotation))
            required = " (required)" if sub.is_required() else ""
            allowed = f" One of: {' | '.join(sub_choices)}." if sub_choices else ""
            entry = f"{sub.alias or sub_name}{required}: {sub.description or ''}{allowed}"
            wrapped = textwrap.wrap(entry, _WIDTH - 4, subsequent_indent="  ", break_on_hyphens=False)
            lines += [f"#   {line}" for line in wrapped]
    return lines


def _choices(annotation: Any) -> tuple[str, ...]:
    return tuple(map(str, typing.get_args(annotation))) if typing.get_origin(annotation) is Literal else ()


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a list's items, or of a nested record."""
    if typing.get_origin(annotation) is list:
        annotation = unwrap(typing.get_args(annotation)[0])
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _example(name: str, info: FieldInfo) -> str:
    example = _dates(info.examples[0]) if info.examples else ""
    return yaml_write.field(name, example).rstrip("\n")


def _dates(value: Any) -> Any:
    """Example dates are text in the model (JSON has no dates); written unquoted like a real file's."""
    if isinstance(value, str) and _ISO.match(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, list):
        return [_dates(item) for item in value]
    if isinstance(value, dict):
        return {key: _dates(item) for key, item in value.items()}
    return value


# Filling in the required fields from the portfolio at hand -------------------------------------------


@dataclass(frozen=True)
class Known:
    """What a new file may refer to, read from the portfolio's files (valid or not)."""

    as_of: dt.date | None
    people: list[str]
    programs: dict[str, dict[str, Any]]  # id → the program file's data
    taken: dict[str, set[str]]  # folder → ids with a file


def known(raw: RawPortfolio) -> Known:
    settings = raw.files.get("portfolio.yaml")
    as_of_text = settings.data.get("as_of") if settings is not None else None
    try:
        as_of = dt.date.fromisoformat(as_of_text) if isinstance(as_of_text, str) else None
    except ValueError:
        as_of = None
    people_file = raw.files.get("people.yaml")
    entries = people_file.data.get("people") if people_file is not None else None
    people = [
        str(entry["id"])
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    ]
    programs = {pid: dict(source.data) for pid, source in sorted(raw.folders.get("programs", {}).items())}
    return Known(as_of, people, programs, {name: set(ids) for name, ids in raw.found.items()})


def known_from(portfolio: Portfolio) -> Known:
    """The same, from a validated portfolio (the site's)."""
    programs = {
        pid: {"manager": program.manager, "sponsor": program.sponsor}
        for pid, program in sorted(portfolio.programs.items())
    }
    taken = {
        "projects": set(portfolio.projects),
        "programs": set(portfolio.programs),
        "requests": set(portfolio.requests),
    }
    return Known(portfolio.settings.as_of, [person.id for person in portfolio.people.people], programs, taken)


def fill(
    kind: Kind,
    entity_id: str,
    portfolio: Known,
    *,
    name: str | None = None,
    program: str | None = None,
    manager: str | None = None,
    sponsor: str | None = None,
) -> dict[str, Filled]:
    """Values for the required fields that make the new file valid here, each saying where it came from."""
    filled = {
        "name": Filled(name or entity_id.replace("-", " ").capitalize(), "the name shown on every page", bool(name))
    }
    if kind == "program":
        filled["manager"] = _person(manager, portfolio, "the program manager", "")
        return filled
    program_id = _program(program, portfolio)
    program_data = portfolio.programs.get(program_id, {})
    as_of = portfolio.as_of
    if as_of is None:
        raise NewFileError("portfolio.yaml has no valid as_of date to start the dates from; fix it first")
    if kind == "request":
        filled["requested_by"] = _person(manager, portfolio, "who asks for it", "")
        filled["submitted"] = Filled(as_of, "the day it was submitted (here: the portfolio's as_of)")
        return filled
    filled["program"] = Filled(program_id, "the program (here: the first program)", program is not None)
    filled["phase"] = Filled("proposal", "where the project is in its lifecycle")
    lead = program_data.get("manager") if isinstance(program_data.get("manager"), str) else None
    backer = program_data.get("sponsor") if isinstance(program_data.get("sponsor"), str) else lead
    filled["sponsor"] = _person(sponsor, portfolio, "the sponsor", backer, "the program's sponsor")
    filled["manager"] = _person(manager, portfolio, "the project manager", lead, "the program's manager")
    start = (as_of.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    finish = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    filled["start"] = Filled(start, "the planned start (here: the month after as_of)")
    filled["finish"] = Filled(finish, "the baseline finish of the approved plan (here: a year after the start)")
    filled["budget"] = Filled(0, "the approved budget (BAC); 0 until there is one")
    return filled


def _program(given: str | None, portfolio: Known) -> str:
    if given is not None:
        if given not in portfolio.taken.get("programs", set()):
            raise NewFileError(f'no program "{given}" in programs/: choose one of {", ".join(portfolio.programs)}')
        return given
    if not portfolio.programs:
        raise NewFileError("the portfolio has no program yet: create one first with pmo new program ID")
    return next(iter(portfolio.programs))


def _person(given: str | None, portfolio: Known, role: str, fallback: str | None, fallback_note: str = "") -> Filled:
    if given is not None:
        if given not in portfolio.people:
            raise NewFileError(f'no person "{given}" in people.yaml')
        return Filled(given, role, given=True)
    if fallback and fallback in portfolio.people:
        return Filled(fallback, f"{role} (here: {fallback_note})")
    if not portfolio.people:
        raise NewFileError("people.yaml lists nobody yet: add the people first")
    return Filled(portfolio.people[0], f"{role} (here: the first person in people.yaml)")


def check_id(kind: Kind, entity_id: str, portfolio: Known) -> None:
    if entity_id in RESERVED_IDS:
        raise NewFileError(f'"{entity_id}" is a reserved name; choose another id')
    if not ID_RE.match(entity_id):
        raise NewFileError(
            f'"{entity_id}" is not a valid id: use 2-63 lowercase letters, digits and single inner hyphens, '
            "like patient-portal"
        )
    folder = FOLDERS[kind]
    if entity_id in portfolio.taken.get(folder, set()):
        raise NewFileError(f"{folder}/{entity_id}.yaml exists already: choose another id or edit that file")


def schema_reference(target: Path, kind: Kind) -> str | None:
    """The relative path from a new file to the repository's schema of its kind, when there is one."""
    here = Path.cwd().resolve()
    roots = [target.parent.parent.parent.resolve()]
    if target.resolve().is_relative_to(here):
        roots.append(here)
    for root in roots:
        schema = root / "schemas" / f"{kind}.schema.json"
        if schema.is_file():
            return Path(os.path.relpath(schema.resolve(), target.parent.resolve())).as_posix()
    return None


def new_file(
    folder: Path,
    kind: str,
    entity_id: str,
    *,
    name: str | None = None,
    program: str | None = None,
    manager: str | None = None,
    sponsor: str | None = None,
) -> Path:
    """Write the template of a new `kind` into the portfolio folder; refuses a bad or taken id."""
    from ..data.load import load_portfolio

    if kind not in MODELS:
        raise NewFileError(f"cannot make a {kind}: choose project, program or request")
    typed: Kind = typing.cast("Kind", kind)
    raw = load_portfolio(folder)
    # the template is filled from the portfolio's files: "nobody in people.yaml" or "no program yet" would be
    # untrue of a file that cannot be read
    unusable = [p for p in raw.problems if p.message.startswith("cannot be read")]
    if unusable:
        raise NewFileError(f"{unusable[0]}: the template is filled from it, so fix it first")
    portfolio = known(raw)
    check_id(typed, entity_id, portfolio)
    filled = fill(typed, entity_id, portfolio, name=name, program=program, manager=manager, sponsor=sponsor)
    target = folder / FOLDERS[typed] / f"{entity_id}.yaml"
    text = yaml_template(typed, entity_id, filled, schema_reference(target, typed))
    try:  # whole or not at all; never replaces a file made meanwhile
        write_files(folder, {f"{FOLDERS[typed]}/{entity_id}.yaml": text}, replace=False)
    except FileExistsError:
        raise NewFileError(f"{target} exists already") from None
    return target


def placeholders(path: Path) -> list[str]:
    """The fields of a file `pmo new` wrote that still hold a placeholder (marked TODO)."""
    marked = re.compile(r"^([a-z_]+):.*  # TODO: ", re.M)
    return marked.findall(path.read_text(encoding="utf-8"))


TEMPLATES = "assets/templates"


def download_templates(portfolio: Known) -> dict[str, str]:
    """The templates the site offers for download (new-project.yaml …), filled in from its portfolio. Saved
    into the portfolio's folder of their kind, their first line finds the repository's schema."""
    out = {}
    for kind in MODELS:
        typed: Kind = typing.cast("Kind", kind)
        entity_id = f"new-{kind}"
        try:
            filled = fill(typed, entity_id, portfolio)
        except NewFileError:
            continue
        out[f"new-{kind}.yaml"] = yaml_template(typed, entity_id, filled, f"../../schemas/{kind}.schema.json")
    return out
