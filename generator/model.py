"""The portfolio data model (pydantic v2), exactly the contract in shared/design/portfolio-data.md.

Every mapping forbids unknown keys. The loader hands over text for every scalar; the types here decide
what that text may mean: dates only as ISO `YYYY-MM-DD`, booleans only `true`/`false`, numbers never
`inf`/`nan`. Rules that span fields or files live in `rules.py`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .errors import show_value

ID_RE = re.compile(r"\A[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,62}\Z")
PERSON_ID_RE = re.compile(r"\A[a-z0-9](?:[a-z0-9]|[.-](?=[a-z0-9])){1,62}\Z")
CRITERION_ID_RE = re.compile(r"\A[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
ITEM_ID_RE = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9])){0,31}\Z")
# Ids become URLs and file names: refuse names MkDocs, Material or an operating system already use.
_RESERVED = "index search assets tags 404 sitemap static stylesheets javascripts images handbook con prn aux nul"
RESERVED_IDS = frozenset([*_RESERVED.split(), *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))])
_ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
_DAY_FIRST = re.compile(r"\A(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\Z")  # 31/12/2026 or 31.12.26
_MONTH = re.compile(r"\A\d{4}-(0[1-9]|1[0-2])\Z")
_MONTH_DAY = re.compile(r"\A(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\Z")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    hint = ""
    if isinstance(value, str) and (day_first := _DAY_FIRST.match(value)):
        day, month, year = day_first.groups()
        year = year if len(year) == 4 else f"20{year}"
        with contextlib.suppress(ValueError):
            hint = f"; did you mean {dt.date(int(year), int(month), int(day)).isoformat()}?"
    raise PydanticCustomError(
        "iso_date", "expected a date like 2026-03-31, got {got}{hint}", {"got": show_value(value), "hint": hint}
    )


def _month(value: Any) -> Any:
    if isinstance(value, str) and _MONTH.match(value):
        return value
    raise PydanticCustomError("month", 'expected a month like "2026-03", got {got}', {"got": show_value(value)})


def _month_day(value: Any) -> Any:
    if isinstance(value, str) and _MONTH_DAY.match(value):
        return value
    raise PydanticCustomError(
        "month_day", 'expected a month and day like "01-01", got {got}', {"got": show_value(value)}
    )


def _currency(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value):
        return value
    hint = (
        f'; did you mean "{value.upper()}"?' if isinstance(value, str) and re.fullmatch(r"[a-zA-Z]{3}", value) else ""
    )
    raise PydanticCustomError(
        "currency",
        "expected a three-letter currency code in capitals like EUR, got {got}{hint}",
        {"got": show_value(value), "hint": hint},
    )


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("boolean", "expected true or false, got {got}", {"got": show_value(value)})


def _pattern(regex: re.Pattern[str], what: str) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str) or not regex.match(value):
            raise PydanticCustomError(
                "id_pattern", "expected {what}, got {got}", {"what": what, "got": show_value(value)}
            )
        if value in RESERVED_IDS:
            raise PydanticCustomError("id_reserved", '"{got}" is a reserved name; choose another id', {"got": value})
        return value

    return check


def _js(regex: re.Pattern[str]) -> str:
    """The same rule for JSON Schema (ECMAScript has no \\A or \\Z)."""
    return "^" + regex.pattern.removeprefix("\\A").removesuffix("\\Z") + "$"


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Month = Annotated[str, BeforeValidator(_month), Field(json_schema_extra={"pattern": _js(_MONTH)}, examples=["2026-03"])]
Boolean = Annotated[bool, BeforeValidator(_boolean)]
Id = Annotated[
    str,
    AfterValidator(_pattern(ID_RE, "an id of 2-63 lowercase letters, digits and single inner hyphens")),
    Field(json_schema_extra={"pattern": _js(ID_RE)}, examples=["patient-portal"]),
]
PersonId = Annotated[
    str,
    AfterValidator(_pattern(PERSON_ID_RE, "a person id of lowercase letters, digits, dots and hyphens")),
    Field(json_schema_extra={"pattern": _js(PERSON_ID_RE)}, examples=["m.chen"]),
]
CriterionId = Annotated[
    str,
    AfterValidator(_pattern(CRITERION_ID_RE, "a snake_case criterion id like strategic_fit")),
    Field(json_schema_extra={"pattern": _js(CRITERION_ID_RE)}, examples=["strategic_fit"]),
]
ItemId = Annotated[
    str,
    AfterValidator(_pattern(ITEM_ID_RE, "a short id of letters, digits, dots, hyphens or underscores like R1")),
    Field(json_schema_extra={"pattern": _js(ITEM_ID_RE)}, examples=["R1"]),
]
Score = Annotated[int, Field(ge=1, le=5)]
Money = Annotated[float, Field(ge=0)]

Rag = Literal["green", "amber", "red"]
Visibility = Literal["org", "pmo"]
Phase = Literal["proposal", "approved", "planning", "execution", "closing", "closed", "cancelled", "on-hold"]
PHASES: tuple[str, ...] = typing.get_args(Phase)
ACTIVE_PHASES = frozenset({"planning", "execution", "closing", "on-hold"})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_not_given(cls, data: Any) -> Any:
        """`summary:` with nothing after it means "no summary": the default, or "required field is missing"."""
        if isinstance(data, dict) and None in data.values():
            # an unknown key stays, to be reported (`45,000` inside { } makes a key "000" with no value)
            known = {field.alias or name for name, field in cls.model_fields.items()}
            return {key: value for key, value in data.items() if value is not None or key not in known}
        return data


# portfolio.yaml ------------------------------------------------------------------------------------


class Objective(Strict):
    id: Id
    name: str
    description: str = ""


class Criterion(Strict):
    id: CriterionId
    name: str
    weight: float = Field(gt=0, le=1)
    inverse: Boolean = False


def _default_criteria() -> list[Criterion]:
    return [
        Criterion(id="strategic_fit", name="Strategic fit", weight=0.35),
        Criterion(id="value", name="Business value", weight=0.30),
        Criterion(id="urgency", name="Urgency / compliance", weight=0.15),
        Criterion(id="risk", name="Delivery risk", weight=0.20, inverse=True),
    ]


class Scoring(Strict):
    criteria: list[Criterion] = Field(default_factory=_default_criteria, min_length=1)


class Threshold(Strict):
    amber: float
    red: float


class RagRules(Strict):
    spi: Threshold = Threshold(amber=0.95, red=0.85)
    cpi: Threshold = Threshold(amber=0.95, red=0.85)
    slip_days: Threshold = Threshold(amber=14, red=45)


class Funding(Strict):
    available: Money


class Settings(Strict):
    """portfolio.yaml: the organization and the rules of the portfolio."""

    organization: str = Field(min_length=1)
    as_of: IsoDate
    currency: Annotated[str, BeforeValidator(_currency)] = "EUR"
    fiscal_year_start: Annotated[str, BeforeValidator(_month_day)] = "01-01"
    objectives: list[Objective] = []
    scoring: Scoring = Scoring()
    rag: RagRules = RagRules()
    funding: Funding | None = None
    stale_after_days: int = Field(40, ge=1)


# people.yaml ---------------------------------------------------------------------------------------


class Person(Strict):
    id: PersonId
    name: str
    role: str = ""
    team: Id | None = None
    email: str | None = None


class Team(Strict):
    id: Id
    name: str
    capacity_fte: float = Field(gt=0)


class People(Strict):
    people: list[Person] = Field(min_length=1)
    teams: list[Team] = []


# programs, projects, requests -----------------------------------------------------------------------


class Entity(Strict):
    """A file-backed entity: its id is its file name (an `id:` key, if given, must agree)."""

    id: Id
    name: str = Field(min_length=1)
    visibility: Visibility = "org"


class Program(Entity):
    manager: PersonId
    sponsor: PersonId | None = None
    objectives: list[Id] = []
    description: str = ""


class Milestone(Strict):
    name: str
    baseline: IsoDate
    forecast: IsoDate | None = None
    actual: IsoDate | None = None

    @property
    def expected(self) -> dt.date:
        """When the milestone was or will be reached: actual, else forecast, else baseline."""
        return self.actual or self.forecast or self.baseline


class StatusReport(Strict):
    date: IsoDate
    rag: Rag
    percent_complete: float = Field(ge=0, le=100)
    actual_cost: Money
    satisfaction: float | None = Field(None, ge=1, le=5)
    summary: str = ""


class Item(Strict):
    visibility: Visibility = "org"


class Risk(Item):
    id: ItemId
    title: str
    probability: Score
    impact: Score
    owner: PersonId
    status: Literal["open", "closed"] = "open"
    mitigation: str = ""


class Issue(Item):
    id: ItemId
    title: str
    severity: Literal["low", "medium", "high", "critical"]
    owner: PersonId
    status: Literal["open", "closed"] = "open"
    due: IsoDate | None = None


class Dependency(Strict):
    project: Id
    type: Literal["finish-to-start", "start-to-start", "finish-to-finish", "start-to-finish"] = "finish-to-start"
    note: str = ""


class Change(Item):
    id: ItemId
    date: IsoDate
    title: str
    cost: float = 0
    schedule_days: int = 0
    decision: Literal["pending", "approved", "rejected", "deferred"] = "pending"
    decided_by: str | None = None


class Benefit(Item):
    name: str
    kind: Literal["financial", "non-financial"] = "financial"
    planned: float = Field(ge=0)
    realized: float = Field(0, ge=0)
    unit: str | None = None
    due: IsoDate | None = None


class Resource(Strict):
    team: Id
    fte: float = Field(gt=0)
    from_: Month = Field(alias="from")
    to: Month


class Lesson(Item):
    category: Id
    lesson: str
    recommendation: str = ""
    date: IsoDate | None = None


class RagOverride(Strict):
    rag: Rag
    reason: str = Field(min_length=1)


class Project(Entity):
    program: Id
    kind: Literal["change", "run"] = "change"
    phase: Phase
    methodology: Literal["agile", "prince2", "pmi", "hybrid"] = "hybrid"
    objectives: list[Id] = []
    sponsor: PersonId
    manager: PersonId
    summary: str = ""
    description: str = ""
    start: IsoDate
    finish: IsoDate
    forecast_finish: IsoDate | None = None
    budget: Money
    scores: dict[CriterionId, Score] = {}
    rag_override: RagOverride | None = None
    milestones: list[Milestone] = []
    status: list[StatusReport] = []
    risks: list[Risk] = []
    issues: list[Issue] = []
    dependencies: list[Dependency] = []
    changes: list[Change] = []
    benefits: list[Benefit] = []
    resources: list[Resource] = []
    lessons: list[Lesson] = []

    @property
    def expected_finish(self) -> dt.date:
        return self.forecast_finish or self.finish

    def status_at(self, as_of: dt.date) -> StatusReport | None:
        """The current status report: the last one dated on or before `as_of`."""
        current = None
        for report in self.status:
            if report.date <= as_of:
                current = report
        return current


class Request(Entity):
    requested_by: PersonId
    submitted: IsoDate
    stage: Literal["submitted", "assessed", "approved", "rejected", "deferred"] = "submitted"
    estimated_cost: Money = 0
    scores: dict[CriterionId, Score] = {}
    objectives: list[Id] = []
    program: Id | None = None
    summary: str = ""
    description: str = ""


# calendar.yaml -------------------------------------------------------------------------------------


class Event(Strict):
    title: str
    kind: Literal["release", "freeze", "maintenance", "gate", "other"]
    start: IsoDate
    end: IsoDate | None = None
    systems: list[str] = []
    note: str = ""

    @property
    def last_day(self) -> dt.date:
        return self.end or self.start


class Calendar(Strict):
    events: list[Event] = []
