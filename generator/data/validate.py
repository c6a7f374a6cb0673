"""Stage 2, validate: raw file data → the typed Portfolio, or one PortfolioError listing every problem.

Over 400 lines: checking a file against its model and turning each of pydantic's errors into one located problem a
PMO analyst can act on (the salvage of what is valid, a misspelled field reported once, the messages) is one job.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import typing
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import PortfolioError, Problem, closest, did_you_mean, in_order, show_value
from . import rules
from .fields import is_model, step, unwrap
from .governance import RULE_KINDS, Governance, tagless
from .model import (
    ID_RE,
    RESERVED_IDS,
    Calendar,
    Entity,
    Event,
    People,
    Program,
    Project,
    Request,
    Settings,
)

if typing.TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable

    from .load import RawPortfolio
    from .yaml_guard import Path_, SourceFile

M = TypeVar("M", bound=BaseModel)
ENTITY_MODELS: dict[str, type[Entity]] = {"programs": Program, "projects": Project, "requests": Request}

# Each file's model and problems, kept by `pmo serve` between builds under (folder or file name, id): reused while
# the loader's cache hands back the very same parsed file, that is while the file is unchanged on disk.
ModelCache: TypeAlias = "dict[tuple[str, str], tuple[SourceFile, Any, list[Problem]]]"


@dataclass
class Portfolio:
    """The validated portfolio: every model, and the file each came from (for messages and edit links)."""

    settings: Settings
    people: People
    programs: dict[str, Program]
    projects: dict[str, Project]
    requests: dict[str, Request]
    events: list[Event]
    sources: dict[tuple[str, str], SourceFile] = field(default_factory=dict)  # ("projects", id) → file
    governance: Governance = field(default_factory=Governance)  # governance.yaml: no rules when there is none

    def source(self, folder: str, entity_id: str = "") -> SourceFile | None:
        return self.sources.get((folder, entity_id))


def validate_portfolio(raw: RawPortfolio, models: ModelCache | None = None) -> Portfolio:
    """Check every file against the model and every cross-reference; raise all problems together."""
    portfolio, problems = validated(raw, models)
    if portfolio is None:
        raise PortfolioError(problems)
    return portfolio


def validated(raw: RawPortfolio, models: ModelCache | None = None) -> tuple[Portfolio | None, list[Problem]]:
    """The portfolio and no problem, or None and every problem found (for `pmo validate`, which shows them in
    the format asked for). With `models`, a file unchanged since it was cached is not checked against its model
    again; the checks across files (references, cycles) always run on the whole portfolio."""
    problems = list(raw.problems)

    def single(model: type[M], name: str) -> M | None:
        source = raw.files.get(name)
        return _kept(models, (name, ""), source, problems, lambda found: _model(model, source, found))

    settings, people = single(Settings, "portfolio.yaml"), single(People, "people.yaml")
    calendar = single(Calendar, "calendar.yaml") if "calendar.yaml" in raw.files else Calendar()
    governance = single(Governance, "governance.yaml") if "governance.yaml" in raw.files else Governance()
    entities: dict[str, dict[str, Any]] = {}
    sources = {(name, ""): source for name, source in raw.files.items()}
    unmodelled = [("people.yaml", "")] if people is None and "people.yaml" in raw.files else []
    for name, model in ENTITY_MODELS.items():
        entities[name] = {}
        for entity_id, source in raw.folders.get(name, {}).items():
            sources[(name, entity_id)] = source
            entity = _kept(models, (name, entity_id), source, problems, partial(_entity, model, entity_id, source))
            if entity is not None:
                entities[name][entity_id] = entity
            elif ID_RE.match(entity_id) and entity_id not in RESERVED_IDS:
                unmodelled.append((name, entity_id))
    checks = rules.RuleInput(
        settings=settings,
        people=people,
        programs=entities["programs"],
        projects=entities["projects"],
        requests=entities["requests"],
        events=calendar.events if calendar else [],
        known=known_ids(raw),
        governance=governance,
        unmodelled=[
            _unmodelled(folder, entity_id, sources[(folder, entity_id)], problems) for folder, entity_id in unmodelled
        ],
    )
    for finding in rules.check(checks):
        problems.append(problem_at(sources.get((finding.folder, finding.entity_id)), finding.loc, finding.message))
    problems = _suggest_people_by_name(problems, raw.files.get("people.yaml"))
    if problems or settings is None or people is None or calendar is None or governance is None:
        return None, in_order(problems)
    portfolio = Portfolio(
        settings=settings,
        people=people,
        programs=entities["programs"],
        projects=entities["projects"],
        requests=entities["requests"],
        events=calendar.events,
        sources=sources,
        governance=governance,
    )
    return portfolio, []


def _kept(
    models: ModelCache | None,
    key: tuple[str, str],
    source: SourceFile | None,
    problems: list[Problem],
    check: Callable[[list[Problem]], M | None],
) -> M | None:
    """`check(problems)`, or what it gave for the same parsed file last time (`models`)."""
    if models is None or source is None:
        return check(problems)
    kept = models.get(key)
    if kept is None or kept[0] is not source:
        found: list[Problem] = []
        kept = models[key] = (source, check(found), found)
    problems.extend(kept[2])
    return typing.cast("M | None", kept[1])


def _unmodelled(folder: str, entity_id: str, source: SourceFile, problems: list[Problem]) -> rules.Unmodelled:
    """A file without a model, for the reference checks of its fields whose own value is valid."""
    failed_fields = {p.field for p in problems if p.file == source.display and p.field}

    def failed(loc: Path_) -> bool:
        return any(field_path(loc[:end]) in failed_fields for end in range(1, len(loc) + 1))

    return rules.Unmodelled(folder, entity_id, source.data, failed)


_PERSON_ID_PROBLEM = re.compile(r'^expected a person id of .*, got "(?P<got>[^"]+)"$')


def _suggest_people_by_name(problems: list[Problem], people: SourceFile | None) -> list[Problem]:
    """`manager: Thanh Nguyen` is a name where an id belongs: say which id that person has."""
    entries = people.data.get("people") if people is not None else None
    names = {
        str(entry["name"]).strip().lower(): str(entry["id"])
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and entry.get("name") and entry.get("id")
    }
    out = []
    for problem in problems:
        match = _PERSON_ID_PROBLEM.match(problem.message)
        person_id = names.get(match["got"].strip().lower()) if match else None
        if person_id and match:
            problem = dataclasses.replace(
                problem, message=f'{problem.message}; that is the name of "{person_id}": write the id'
            )
        out.append(problem)
    return out


def known_ids(raw: RawPortfolio) -> dict[str, Collection[str] | None]:
    """Every id the files name, valid or not, so a reference to a broken entry is not also "unknown".

    None means the list could not be read at all: references to it are not checked (its own error says why).
    """

    def ids(source: SourceFile | None, *path: str) -> list[str] | None:
        if source is None:
            return None
        node: Any = source.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None and path[-1] == "criteria":
            return [c.id for c in Settings.model_fields["scoring"].default.criteria]
        if not isinstance(node, list):
            return None if node is not None else []
        return [item["id"] for item in node if isinstance(item, dict) and isinstance(item.get("id"), str)]

    settings, people = raw.files.get("portfolio.yaml"), raw.files.get("people.yaml")
    governance = raw.files.get("governance.yaml")

    def as_set(found: list[str] | None) -> frozenset[str] | None:
        return None if found is None else frozenset(found)

    known: dict[str, Collection[str] | None] = {
        "people": as_set(ids(people, "people")),
        "teams": as_set(ids(people, "teams")),
        "objectives": as_set(ids(settings, "objectives")),
        "criteria": ids(settings, "scoring", "criteria"),  # ordered: "missing" scores are listed in order
    }
    for name in ("bodies", "gates", "regulations", "rules"):  # without governance.yaml there are none
        known[name] = frozenset(ids(governance, name) or ()) if governance is not None else frozenset()
    bodies, persons = known["bodies"], known["people"]
    known["deciders"] = None if bodies is None or persons is None else frozenset([*bodies, *persons])
    known.update({name: frozenset(raw.found.get(name, ())) for name in ENTITY_MODELS})
    return known


def _entity(model: type[Entity], entity_id: str, source: SourceFile, problems: list[Problem]) -> Entity | None:
    data = dict(source.data)
    given = data.get("id")
    if not ID_RE.match(entity_id) or entity_id in RESERVED_IDS:
        reason = (
            "is a reserved name"
            if entity_id in RESERVED_IDS
            else ("is not a valid id: use 2-63 lowercase letters, digits and single inner hyphens")
        )
        problems.append(Problem(source.display, None, "", f'file name "{source.path.name}" {reason}'))
        return None
    if given is not None and given != entity_id:
        problems.append(
            problem_at(
                source, ("id",), f'"{given}" does not match the file name "{source.path.name}": the file name is the id'
            )
        )  # and the rest of the file is checked as if it said the file name
    data["id"] = entity_id
    return _model(model, source, problems, data)


def _model(model: type[M], source: SourceFile | None, problems: list[Problem], data: Any = None) -> M | None:
    """The file's model; on errors, they are reported and the model of what is valid in the file is returned
    (see _salvage), so that the run's other checks still see the file and report their problems too."""
    if source is None:
        return None
    given = source.data if data is None else data
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        errors = exc.errors()
    misspelled = _misspelled_required(model, errors)
    problems.extend(
        problem_at(source, _shown_loc(err), error_message(model, err)) for err in errors if id(err) not in misspelled
    )
    return _salvage(model, given, errors, source, problems)


def _shown_loc(err: Any) -> tuple[Any, ...]:
    """Where a problem is shown: an unknown rule kind at its `kind` line, not at the rule's first line."""
    loc = tuple(err["loc"])
    return (*loc, "kind") if err["type"] == "union_tag_invalid" else loc


def _misspelled_required(model: type[BaseModel], errors: list[Any]) -> set[int]:
    """The "required field is missing" errors of a field that an unknown field beside it is a misspelling of
    (`max_project: 3` for `max_projects`): the unknown field's message already suggests it, one problem not two."""
    suggested = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            parent = _loc(err)[:-1]
            match = closest(str(err["loc"][-1]), _fields_at(model, tuple(err["loc"][:-1])))
            if match is not None:
                suggested.add((*parent, match))
    return {id(err) for err in errors if err["type"] == "missing" and _loc(err) in suggested}


_SALVAGE_PASSES = 4


def _salvage(model: type[M], data: Any, errors: list[Any], source: SourceFile, problems: list[Problem]) -> M | None:
    """The model of `data` without the fields that failed (an unknown key, a wrong optional value), for the
    checks that need a model: references, dates in order, cycles. Errors the smaller data shows that the first
    pass could not (a model checks its fields together only once each is valid) are reported too. None when
    the model needs what was taken out (a required field, an item of a list: taking one out would renumber the
    others and misplace their messages): the file's own errors are reported, its references are not checked."""
    current = copy.deepcopy(data)
    taken: set[tuple[Any, ...]] = set()
    for _ in range(_SALVAGE_PASSES):
        locs = [_loc(err) for err in errors]
        if any(_within(loc, taken) for loc in locs) or not all(_drop(current, loc) for loc in locs):
            return None
        taken.update(locs)
        try:
            return model.model_validate(current)
        except ValidationError as exc:
            errors = exc.errors()
        problems.extend(
            problem_at(source, _loc(err), error_message(model, err)) for err in errors if not _within(_loc(err), taken)
        )
    return None


def _loc(err: Any) -> tuple[Any, ...]:
    return tagless(tuple(part for part in err["loc"] if part != "[key]"))


def _within(loc: tuple[Any, ...], taken: set[tuple[Any, ...]]) -> bool:
    return any(loc[:end] in taken for end in range(1, len(loc) + 1))


def _drop(data: Any, loc: tuple[Any, ...]) -> bool:
    """Take the mapping key at `loc` out of `data`; False when `loc` is not a key of a mapping in it."""
    if not loc or not isinstance(loc[-1], str):
        return False
    node = data
    for part in loc[:-1]:
        within_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (within_list or (isinstance(node, dict) and part in node)):
            return False
        node = node[part]
    if isinstance(node, dict) and loc[-1] in node:
        del node[loc[-1]]
        return True
    return False


def problem_at(source: SourceFile | None, loc: Path_, message: str) -> Problem:
    loc = tagless(tuple(part for part in loc if part != "[key]"))
    if source is None:
        return Problem("", None, field_path(loc), message)
    return Problem(source.display, source.line_of(loc), field_path(loc), message)


def field_path(loc: Iterable[str | int]) -> str:
    """("milestones", 2, "forecast") → "milestones[2].forecast"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# pydantic's error types → what a PMO analyst can act on ------------------------------------------------

_PLAIN = {
    "missing": "required field is missing",
    "string_type": "expected text, got {got}",
    "list_type": 'expected a list (lines starting with "- "), got {got}',
    "dict_type": "expected a mapping (key: value pairs), got {got}",
    "model_type": "expected a mapping of fields (key: value lines), got {got}",
    "model_attributes_type": "expected a mapping of fields (key: value lines), got {got}",
    "int_type": "expected a whole number, got {got}",
    "int_parsing": "expected a whole number, got {got}",
    "int_from_float": "expected a whole number, got {got}",
    "float_type": "expected a number, got {got}",
    "float_parsing": "expected a number (digits, no currency symbol or thousands separator), got {got}",
    "finite_number": "expected a finite number, got {got}",
    "greater_than_equal": "must be at least {ge}, got {got}",
    "greater_than": "must be more than {gt}, got {got}",
    "less_than_equal": "must be at most {le}, got {got}",
    "less_than": "must be less than {lt}, got {got}",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
}


def error_message(model: type[BaseModel], err: Any) -> str:
    kind = err["type"]
    got = show_value(err.get("input"))
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        if name.isdigit() and len(err["loc"]) > 1:  # `actual_cost: 760,000` inside { }: a new field "000"
            return (
                f'unexpected field "{name}": a comma inside {{ }} starts a new field; write numbers without '
                "thousands separators (760000) and decimals with a dot (3.5)"
            )
        allowed = _fields_at(model, tuple(err["loc"][:-1]))
        return f'unknown field "{name}"{did_you_mean(name, allowed)}' + (
            f"; allowed fields: {', '.join(sorted(allowed))}" if allowed and not did_you_mean(name, allowed) else ""
        )
    if kind == "union_tag_invalid":  # a governance rule's kind
        tag = str(ctx.get("tag", ""))
        hint = did_you_mean(tag, RULE_KINDS)
        return f"unknown rule kind {show_value(tag)}" + (hint or f"; expected one of {', '.join(RULE_KINDS)}")
    if kind == "union_tag_not_found":
        return f'required field "kind" is missing: expected one of {", ".join(RULE_KINDS)}'
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        value = err.get("input")
        hint = ""
        if isinstance(value, str):
            synonym = SYNONYMS.get(value.lower())
            hint = f'; did you mean "{synonym}"?' if synonym in choices else did_you_mean(value.lower(), choices)
        return f"expected one of {', '.join(choices)}; got {got}{hint}"
    if kind == "string_pattern_mismatch":
        return f"{got} does not have the expected form (pattern {ctx.get('pattern')})"
    if kind.startswith(("greater_than", "less_than")):
        got = str(err.get("input"))
    if kind in _PLAIN:
        return _PLAIN[kind].format(got=got, **{k: _num(v) for k, v in ctx.items()})
    return str(err["msg"])  # our own PydanticCustomError messages are already phrased for people


# Words people use for a value of a closed vocabulary: suggested when they write them.
SYNONYMS = {
    "yellow": "amber",
    "orange": "amber",
    "done": "closed",
    "complete": "closed",
    "completed": "closed",
    "finished": "closed",
    "active": "execution",
    "in progress": "execution",
    "delivery": "execution",
    "paused": "on-hold",
    "on hold": "on-hold",
    "onhold": "on-hold",
    "fs": "finish-to-start",
    "ss": "start-to-start",
    "ff": "finish-to-finish",
    "sf": "start-to-finish",
    "agile/scrum": "agile",
    "scrum": "agile",
    "waterfall": "pmi",
    "accepted": "approved",
    "declined": "rejected",
}


def _num(value: Any) -> Any:
    """A bound as people read it: 14, 0.95, 1,000,000,000,000,000."""
    number = int(value) if isinstance(value, float) and value.is_integer() else value
    return f"{number:,}" if isinstance(number, int) and abs(number) >= 10_000 else number


def _fields_at(model: type[BaseModel], loc: Path_) -> list[str]:
    """The field names the model allows at `loc` (for "did you mean")."""
    current: Any = model
    for part in loc:
        current = step(current, part)
        if current is None:
            return []
    current = unwrap(current)
    if is_model(current):
        return [f.alias or name for name, f in current.model_fields.items() if name != "id" or current is not model]
    return []
