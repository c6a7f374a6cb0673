"""The portfolio data model (pydantic v2), exactly the contract in shared/design/portfolio-data.md.

Every mapping forbids unknown keys. The loader hands over text for every scalar; the types here decide
what that text may mean: dates only as ISO `YYYY-MM-DD`, booleans only `true`/`false`, numbers never
`inf`/`nan`. Every number and date has a finite range (the bounds below, documented in docs/data-contract.md and
written into the JSON Schemas), and text holds no control characters. Rules that span fields or files live in
`rules.py`.

Over 400 lines: the whole data contract in one place, one model per kind of file, read top to bottom.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticUndefined

from ..errors import BIDI_CONTROLS, show_value

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

# The bounds of every number and date: far beyond any real portfolio, near enough that no sum, ratio or date
# computed from them overflows (a float, a zip header's year, a calendar) or prints as `inf`.
MIN_DATE, MAX_DATE = dt.date(1971, 1, 1), dt.date(2099, 12, 31)
_YEAR = "(?:197[1-9]|19[89]\\d|20\\d\\d)"  # the years MIN_DATE..MAX_DATE, for the JSON Schemas' patterns
MAX_AMOUNT = 10**15  # money and benefits, in the portfolio's currency or the benefit's unit
MAX_FTE = 10**4  # full-time equivalents of one team or one resource line
MIN_CAPACITY_FTE = 0.01  # a team's capacity divides its demand: a smaller one would make utilization absurd
MAX_DAYS = 50_000  # day counts (schedule effects, thresholds): more than MIN_DATE..MAX_DATE spans
# Refused in text: C0 controls but tab and line feed, DEL, C1 controls and the bidirectional controls.
NOT_TEXT = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _in_range(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        date = None
        with contextlib.suppress(ValueError):
            date = dt.date.fromisoformat(value)
        if date is not None:
            return _in_range(date)
    hint = ""
    if isinstance(value, str) and (day_first := _DAY_FIRST.match(value)):
        day, month, year = day_first.groups()
        year = year if len(year) == 4 else f"20{year}"
        with contextlib.suppress(ValueError):
            hint = f"; did you mean {dt.date(int(year), int(month), int(day)).isoformat()}?"
    raise PydanticCustomError(
        "iso_date", "expected a date like 2026-03-31, got {got}{hint}", {"got": show_value(value), "hint": hint}
    )


def _in_range(date: dt.date) -> dt.date:
    if not MIN_DATE <= date <= MAX_DATE:
        raise PydanticCustomError(
            "date_range",
            "expected a date from {first} to {last}, got {got}",
            {"first": MIN_DATE.isoformat(), "last": MAX_DATE.isoformat(), "got": date.isoformat()},
        )
    return date


def _month(value: Any) -> Any:
    if isinstance(value, str) and _MONTH.match(value):
        if not f"{MIN_DATE:%Y-%m}" <= value <= f"{MAX_DATE:%Y-%m}":
            raise PydanticCustomError(
                "month_range",
                "expected a month from {first} to {last}, got {got}",
                {"first": f"{MIN_DATE:%Y-%m}", "last": f"{MAX_DATE:%Y-%m}", "got": value},
            )
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


def _plain_text(value: str) -> str:
    """Text is what it shows: no control character that moves a terminal's cursor, hides what follows or
    reorders what a reader sees."""
    found = NOT_TEXT.search(value)
    if found:
        char = found.group()
        kind = "bidirectional control character" if char in BIDI_CONTROLS else "control character"
        code = f"{ord(char):04X}"
        message = "the {kind} U+{code} is not allowed in text"
        raise PydanticCustomError("control_character", message, {"kind": kind, "code": code})
    return value


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


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    Field(json_schema_extra={"pattern": f"^{_YEAR}-\\d{{2}}-\\d{{2}}$"}, examples=["2026-03-31"]),
]
Month = Annotated[
    str,
    BeforeValidator(_month),
    Field(json_schema_extra={"pattern": f"^{_YEAR}-(0[1-9]|1[0-2])$"}, examples=["2026-03"]),
]
# Every free text of the data: any length, tabs and line breaks allowed, no other control character.
_TEXT_JS = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]*$"
Text = Annotated[str, AfterValidator(_plain_text), Field(json_schema_extra={"pattern": _TEXT_JS})]
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
RULE_ID_RE = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){1,47}\Z")
RuleId = Annotated[
    str,
    AfterValidator(_pattern(RULE_ID_RE, "a rule id of letters, digits and single inner hyphens like G2-baseline")),
    Field(json_schema_extra={"pattern": _js(RULE_ID_RE)}, examples=["G2-baseline"]),
]
GATE_ID_RE = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,15}\Z")
GateId = Annotated[
    str,
    AfterValidator(_pattern(GATE_ID_RE, "a gate id of letters, digits and inner hyphens like G2")),
    Field(json_schema_extra={"pattern": _js(GATE_ID_RE)}, examples=["G2"]),
]
Score = Annotated[int, Field(ge=1, le=5)]
Money = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
SignedMoney = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]  # a change's effect: a saving is negative
Percent = Annotated[float, Field(ge=0, le=100)]
Fte = Annotated[float, Field(gt=0, le=MAX_FTE)]
Days = Annotated[int, Field(ge=-MAX_DAYS, le=MAX_DAYS)]

Rag = Literal["green", "amber", "red"]
Visibility = Literal["org", "pmo"]
Phase = Literal["proposal", "approved", "planning", "execution", "closing", "closed", "cancelled", "on-hold"]
PHASES: tuple[str, ...] = typing.get_args(Phase)
ACTIVE_PHASES = frozenset({"planning", "execution", "closing", "on-hold"})


def doc(description: str, *examples: Any, default: Any = PydanticUndefined, **options: Any) -> Any:
    """A field with its description and examples: they reach the JSON Schemas (editor completion and
    hover help) and the commented templates of `pmo new`. Validation is only in the type and `options`."""
    return Field(default, description=description, examples=list(examples), **options)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_not_given(cls, data: Any) -> Any:
        """`summary:` with nothing after it means "no summary": the default, or "required field is missing"."""
        if isinstance(data, dict) and None in data.values():
            # an unknown key stays, to be reported (`45,000` inside { } makes a key "000" with no value)
            known = {field.alias or name for name, field in cls.model_fields.items()}
            data = {key: value for key, value in data.items() if value is not None or key not in known}
        return cls._before_fields(data)

    @classmethod
    def _before_fields(cls, data: Any) -> Any:
        """A hook for a model to adjust its raw data after empty values are dropped."""
        return data


# portfolio.yaml ------------------------------------------------------------------------------------


class Objective(Strict):
    id: Id = doc("The objective's id: its page is objectives/<id>/.", "digital-care")
    name: Text = doc("The objective's name, as shown on pages.", "Digital patient care")
    description: Text = doc("What the objective means (Markdown).", "Patients book, see and share online.", default="")


class Criterion(Strict):
    id: CriterionId = doc("The criterion's id (snake_case): the key in a project's `scores`.", "strategic_fit")
    name: Text = doc("The criterion's name, as shown on the Prioritization page.", "Strategic fit")
    weight: float = doc("Its weight, more than 0 and at most 1; the weights add up to 1.", 0.35, gt=0, le=1)
    inverse: Boolean = doc(
        "true when a high score is bad (delivery risk, say): it counts as 6 − score.", True, default=False
    )


def _default_criteria() -> list[Criterion]:
    return [
        Criterion(id="strategic_fit", name="Strategic fit", weight=0.35),
        Criterion(id="value", name="Business value", weight=0.30),
        Criterion(id="urgency", name="Urgency / compliance", weight=0.15),
        Criterion(id="risk", name="Delivery risk", weight=0.20, inverse=True),
    ]


class Scoring(Strict):
    criteria: list[Criterion] = doc(
        "The criteria projects and requests are scored on (1 to 5 each). Default: strategic_fit, value, urgency "
        "and risk (inverse).",
        [
            {"id": "strategic_fit", "name": "Strategic fit", "weight": 0.6},
            {"id": "value", "name": "Value", "weight": 0.4},
        ],
        default_factory=_default_criteria,
        min_length=1,
    )


class Threshold(Strict):
    amber: float = doc(
        "From here on amber: an SPI or CPI below it, or a slip of more days than it.", 0.95, ge=0, le=MAX_DAYS
    )
    red: float = doc(
        "From here on red: an SPI or CPI below it, or a slip of more days than it.", 0.85, ge=0, le=MAX_DAYS
    )


class RagRules(Strict):
    spi: Threshold = doc(
        "Schedule performance index thresholds.", {"amber": 0.95, "red": 0.85}, default=Threshold(amber=0.95, red=0.85)
    )
    cpi: Threshold = doc(
        "Cost performance index thresholds.", {"amber": 0.95, "red": 0.85}, default=Threshold(amber=0.95, red=0.85)
    )
    slip_days: Threshold = doc(
        "Days the forecast finish may lie after the baseline finish.",
        {"amber": 14, "red": 45},
        default=Threshold(amber=14, red=45),
    )


class Funding(Strict):
    available: Money = doc("Money available for new work: the cut line on the Prioritization page.", 2500000)


class Settings(Strict):
    """portfolio.yaml: the organization and the rules of the portfolio."""

    organization: Text = doc(
        "The organization's name: the site's title, header and footer.", "Example Health", min_length=1
    )
    as_of: IsoDate = doc("The status date of this reporting period: every KPI is computed at it.", "2026-10-31")
    currency: Annotated[str, BeforeValidator(_currency)] = doc(
        "The ISO 4217 code of the currency every amount is in.",
        "EUR",
        "GBP",
        default="EUR",
        json_schema_extra={"pattern": "^[A-Z]{3}$"},
    )
    fiscal_year_start: Annotated[str, BeforeValidator(_month_day)] = doc(
        "The first day of the fiscal year, as MM-DD.",
        "01-01",
        "04-01",
        default="01-01",
        json_schema_extra={"pattern": "^" + _MONTH_DAY.pattern.removeprefix("\\A").removesuffix("\\Z") + "$"},
    )
    objectives: list[Objective] = doc(
        "The strategic objectives projects and requests align to.",
        [{"id": "digital-care", "name": "Digital patient care"}],
        default=[],
    )
    scoring: Scoring = doc(
        "The weighted scoring model that ranks projects and requests.",
        {"criteria": [{"id": "strategic_fit", "name": "Strategic fit", "weight": 1}]},
        default=Scoring(),
    )
    rag: RagRules = doc(
        "The thresholds of the derived RAG status.", {"spi": {"amber": 0.95, "red": 0.85}}, default=RagRules()
    )
    funding: Funding | None = doc("Money available for new work.", {"available": 2500000}, default=None)
    stale_after_days: int = doc(
        "A project whose latest status report is older than this many days is flagged stale.",
        40,
        default=40,
        ge=1,
        le=MAX_DAYS,
    )


# governance records, in projects, programs, requests and teams (governance.yaml holds the rules) -------------


class GateDecision(Strict):
    gate: GateId = doc("The gate decided: an id from governance.yaml's `gates`.", "G2")
    date: IsoDate = doc("When it was decided.", "2026-03-02")
    decision: Literal["approved", "rejected", "deferred"] = doc("What was decided.", "approved")
    decided_by: Text = doc(
        "Who decided: a body id from governance.yaml, or a person id from people.yaml.", "steering-committee"
    )
    conditions: list[Text] = doc(
        "Conditions attached to an approval.", ["Clinical safety case signed before go-live"], default=[]
    )


class ChecklistEntry(Strict):
    regulation: Id = doc("The regulation: an id from governance.yaml's `regulations`.", "gdpr")
    item: Id = doc("The checklist item: an id from that regulation's `items`.", "dpia")
    done: IsoDate | None = doc("When it was done; leave out while it is not.", "2026-02-20", default=None)
    evidence: Text = doc("Where the proof is: a document, a ticket, a decision.", "DPIA v1.2, DPO sign-off", default="")


class Waiver(Strict):
    rule: RuleId = doc("The rule waived: an id from governance.yaml's `rules`.", "G2-baseline")
    reason: Text = doc("Why the rule does not hold here: shown beside the finding.", "Emergency work", min_length=1)
    approved_by: Text = doc(
        "Who approved it: a body id from governance.yaml, or a person id from people.yaml.", "steering-committee"
    )
    until: IsoDate = doc("The last day it holds; after it the finding is open again.", "2027-03-31")


_WAIVERS = "Decisions that a governance rule does not hold here, until a date (governance.yaml names the rules)."
_WAIVER_EXAMPLE = [
    {"rule": "G2-baseline", "reason": "Emergency work", "approved_by": "steering-committee", "until": "2027-03-31"}
]


# people.yaml ---------------------------------------------------------------------------------------


class Person(Strict):
    id: PersonId = doc("The person's id, used wherever a file names a person.", "m.chen")
    name: Text = doc("The person's full name, as shown on pages.", "Mei Chen")
    role: Text = doc("The person's role or job title.", "Chief nursing information officer", default="")
    team: Id | None = doc("The id of the team (below) the person belongs to.", "web-platform", default=None)
    email: Text | None = doc("The person's e-mail address.", "m.chen@example.org", default=None)


class Team(Strict):
    id: Id = doc("The team's id: its page is teams/<id>/.", "web-platform")
    name: Text = doc("The team's name, as shown on pages.", "Web platform")
    capacity_fte: float = doc(
        "What the team can give projects each month, in full-time equivalents.",
        8.5,
        ge=MIN_CAPACITY_FTE,
        le=MAX_FTE,
    )
    waivers: list[Waiver] = doc(_WAIVERS, *[_WAIVER_EXAMPLE], default=[])


class People(Strict):
    people: list[Person] = doc(
        "Everyone the portfolio files name.", [{"id": "m.chen", "name": "Mei Chen", "role": "Sponsor"}], min_length=1
    )
    teams: list[Team] = doc(
        "The delivery teams and their monthly capacity.",
        [{"id": "web-platform", "name": "Web platform", "capacity_fte": 8.5}],
        default=[],
    )


# programs, projects, requests -----------------------------------------------------------------------

_VISIBILITY = "org: on the organization-wide site; pmo: only on the PMO's site."


class Entity(Strict):
    """A file-backed entity: its id is its file name (an `id:` key, if given, must agree)."""

    id: Id = doc("Optional: the file name is the id. When given, it must equal the file name.", "patient-portal")
    name: Text = doc("The name, as shown on every page and in tables.", "Patient portal 2.0", min_length=1)
    visibility: Visibility = doc(_VISIBILITY, "org", "pmo", default="org")


class Program(Entity):
    manager: PersonId = doc("The program manager: a person id from people.yaml.", "j.kowalski")
    sponsor: PersonId | None = doc("The program's sponsor: a person id from people.yaml.", "a.rahman", default=None)
    pmo_analyst: PersonId | None = doc(
        "The PMO analyst who looks after the program: a person id from people.yaml.", "r.mensah", default=None
    )
    objectives: list[Id] = doc("The objective ids (portfolio.yaml) the program serves.", ["digital-care"], default=[])
    description: Text = doc("What the program is for (Markdown).", "The core systems clinicians use.", default="")
    waivers: list[Waiver] = doc(_WAIVERS, *[_WAIVER_EXAMPLE], default=[])


class Milestone(Strict):
    name: Text = doc("What is reached.", "Go-live")
    baseline: IsoDate = doc("The approved date.", "2026-11-27")
    forecast: IsoDate | None = doc(
        "The date now expected, when it differs from the baseline.", "2027-01-29", default=None
    )
    actual: IsoDate | None = doc("The date it was reached.", "2027-01-29", default=None)

    @property
    def expected(self) -> dt.date:
        """When the milestone was or will be reached: actual, else forecast, else baseline."""
        return self.actual or self.forecast or self.baseline


class StatusReport(Strict):
    date: IsoDate = doc("The status date of the report, usually a month end.", "2026-10-31")
    rag: Rag = doc("The RAG status the project reports: green, amber or red.", "amber")
    percent_complete: Percent = doc("Work done, in percent of the whole (0 to 100).", 58)
    actual_cost: Money = doc("Cost to date, in the portfolio's currency.", 760000)
    satisfaction: float | None = doc("A stakeholder survey score, 1 to 5.", 3.8, default=None, ge=1, le=5)
    summary: Text = doc("What happened and what comes next, in a sentence or two.", "Pilot ward live.", default="")


class Item(Strict):
    visibility: Visibility = doc(_VISIBILITY, "org", "pmo", default="org")


_OPEN = "open or closed."


class Risk(Item):
    id: ItemId = doc("The risk's id, unique within the project.", "R1")
    title: Text = doc("What could happen.", "Key vendor capacity")
    probability: Score = doc("How likely, 1 (rare) to 5 (almost certain).", 3)
    impact: Score = doc("How bad, 1 (minor) to 5 (severe).", 4)
    owner: PersonId = doc("Who manages the risk: a person id.", "a.okafor")
    status: Literal["open", "closed"] = doc(_OPEN, "open", default="open")
    mitigation: Text = doc("What is done about it.", "Second vendor on standby.", default="")


class Issue(Item):
    id: ItemId = doc("The issue's id, unique within the project.", "I1")
    title: Text = doc("What is wrong.", "Test environment unstable")
    severity: Literal["low", "medium", "high", "critical"] = doc("How serious.", "high")
    owner: PersonId = doc("Who resolves it: a person id.", "a.okafor")
    status: Literal["open", "closed"] = doc(_OPEN, "open", default="open")
    due: IsoDate | None = doc("When it must be resolved.", "2026-11-15", default=None)


class Dependency(Strict):
    project: Id = doc("The id of the project this one depends on.", "identity-platform")
    type: Literal["finish-to-start", "start-to-start", "finish-to-finish", "start-to-finish"] = doc(
        "How the two are linked: finish-to-start means the other project finishes before this one starts.",
        "finish-to-start",
        default="finish-to-start",
    )
    note: Text = doc("Why.", "SSO needed before go-live", default="")


class Change(Item):
    id: ItemId = doc("The change request's id, unique within the project.", "CR-3")
    date: IsoDate = doc("When it was raised.", "2026-06-12")
    title: Text = doc("What changes.", "Add video visits")
    cost: SignedMoney = doc("Its effect on cost (negative: a saving).", 120000, default=0)
    schedule_days: Days = doc("Its effect on the finish, in days.", 30, default=0)
    decision: Literal["pending", "approved", "rejected", "deferred"] = doc(
        "The decision taken.", "approved", default="pending"
    )
    decided_by: Text | None = doc("Who decided.", "steering-committee", default=None)


class Benefit(Item):
    name: Text = doc("The benefit.", "Fewer call-centre contacts")
    kind: Literal["financial", "non-financial"] = doc(
        "financial (in the portfolio's currency) or non-financial (in `unit`).", "financial", default="financial"
    )
    planned: Money = doc("The amount planned.", 400000)
    realized: Money = doc("The amount realized so far.", 0, default=0)
    unit: Text | None = doc("The unit of a non-financial benefit.", "minutes saved per shift", default=None)
    due: IsoDate | None = doc("When it should be realized in full.", "2027-12-31", default=None)
    owner: PersonId | None = doc("Who answers for realizing it: a person id.", "m.chen", default=None)


class Resource(Strict):
    team: Id = doc("The team id (people.yaml) the work needs.", "web-platform")
    fte: Fte = doc("Full-time equivalents needed each month.", 3.0)
    from_: Month = doc("The first month, YYYY-MM.", "2026-01", alias="from")
    to: Month = doc("The last month, YYYY-MM.", "2026-12")


class Lesson(Item):
    category: Id = doc("The lessons-learned category (an id).", "vendor-management")
    lesson: Text = doc("What was learned.", "Fix vendor key staff in the contract.")
    recommendation: Text = doc("What to do next time.", "Name key personnel in every contract.", default="")
    date: IsoDate | None = doc("When it was recorded.", "2026-12-15", default=None)


class RagOverride(Strict):
    rag: Rag = doc("The RAG status that replaces the derived one.", "red")
    reason: Text = doc("Why: shown beside the status on every page.", "Vendor insolvency", min_length=1)


# Fields a published register may withhold (freedom-of-information exemptions and the like). The first
# three are required: only a `withheld` entry may stand in for them, so an omission is never silent.
WithheldField = Literal["start", "finish", "budget", "forecast_finish", "rag_override"]
WITHHELD_REQUIRED = ("start", "finish", "budget")


class Project(Entity):
    program: Id = doc("The program the project belongs to: a program id.", "digital-front-door")
    kind: Literal["change", "run"] = doc(
        "change: a project; run: maintenance, operations or an internal service.", "change", default="change"
    )
    phase: Phase = doc("Where the project is in its lifecycle.", "execution")
    methodology: Literal["agile", "prince2", "pmi", "hybrid"] = doc(
        "How the project is run.", "agile", default="hybrid"
    )
    objectives: list[Id] = doc("The objective ids (portfolio.yaml) the project serves.", ["digital-care"], default=[])
    sponsor: PersonId = doc("The sponsor: a person id from people.yaml.", "m.chen")
    manager: PersonId = doc("The project manager: a person id from people.yaml.", "a.okafor")
    summary: Text = doc(
        "One line, shown in tables and cards.", "Online booking for all outpatient clinics.", default=""
    )
    description: Text = doc("The longer story (Markdown).", "Why, what and how.", default="")
    # start, finish and budget are required: None only when listed under `withheld` (see _before_fields)
    start: IsoDate | None = doc("The planned start.", "2026-01-05")
    finish: IsoDate | None = doc("The baseline finish: the end date of the approved plan.", "2026-11-27")
    forecast_finish: IsoDate | None = doc(
        "The finish now expected, when it differs from the baseline.", "2027-01-29", default=None
    )
    budget: Money | None = doc("The budget at completion (BAC), in the portfolio's currency.", 1250000)
    scores: dict[CriterionId, Score] = doc(
        "A score of 1 to 5 for each scoring criterion (portfolio.yaml).",
        {"strategic_fit": 5, "value": 4, "urgency": 3, "risk": 2},
        default={},
    )
    rag_override: RagOverride | None = doc(
        "A RAG status set by hand: it wins over the derived one, and its reason is shown.",
        {"rag": "red", "reason": "Vendor insolvency"},
        default=None,
    )
    milestones: list[Milestone] = doc(
        "Key dates of the plan.", [{"name": "Go-live", "baseline": "2026-11-27", "forecast": "2027-01-29"}], default=[]
    )
    status: list[StatusReport] = doc(
        "Status reports, oldest first; the last one on or before as_of is the current one.",
        [{"date": "2026-10-31", "rag": "amber", "percent_complete": 58, "actual_cost": 760000}],
        default=[],
    )
    risks: list[Risk] = doc(
        "The project's risks.",
        [{"id": "R1", "title": "Key vendor capacity", "probability": 3, "impact": 4, "owner": "a.okafor"}],
        default=[],
    )
    issues: list[Issue] = doc(
        "The project's issues.",
        [{"id": "I1", "title": "Test environment unstable", "severity": "high", "owner": "a.okafor"}],
        default=[],
    )
    dependencies: list[Dependency] = doc(
        "Projects this one depends on.", [{"project": "identity-platform", "type": "finish-to-start"}], default=[]
    )
    changes: list[Change] = doc(
        "Change requests and their decisions.",
        [{"id": "CR-3", "date": "2026-06-12", "title": "Add video visits", "cost": 120000, "decision": "approved"}],
        default=[],
    )
    benefits: list[Benefit] = doc(
        "The benefits the project should bring.",
        [{"name": "Fewer call-centre contacts", "planned": 400000, "due": "2027-12-31"}],
        default=[],
    )
    resources: list[Resource] = doc(
        "Planned demand on teams, in FTE per month.",
        [{"team": "web-platform", "fte": 3.0, "from": "2026-01", "to": "2026-12"}],
        default=[],
    )
    lessons: list[Lesson] = doc(
        "Lessons learned, usually at closing.",
        [{"category": "vendor-management", "lesson": "Fix key staff in the contract."}],
        default=[],
    )
    gates: list[GateDecision] = doc(
        "Gate decisions, oldest first (governance.yaml names the gates).",
        [{"gate": "G2", "date": "2026-03-02", "decision": "approved", "decided_by": "steering-committee"}],
        default=[],
    )
    compliance: list[Id] = doc(
        "The regulations the project is subject to: ids from governance.yaml's `regulations`.", ["gdpr"], default=[]
    )
    checklist: list[ChecklistEntry] = doc(
        "The regulations' checklist items and when each was done.",
        [{"regulation": "gdpr", "item": "dpia", "done": "2026-02-20"}],
        default=[],
    )
    waivers: list[Waiver] = doc(_WAIVERS, *[_WAIVER_EXAMPLE], default=[])
    withheld: dict[WithheldField, Text] = doc(
        "Values the source withholds, each with the reason it gives (imported registers). A withheld start, "
        "finish or budget stands in for the required field: the site shows n/a with this reason.",
        {"budget": "Exempt under Section 43 of the Freedom of Information Act 2000 (Commercial Interests)"},
        default={},
    )

    @classmethod
    def _before_fields(cls, data: Any) -> Any:
        withheld = data.get("withheld") if isinstance(data, dict) else None
        if isinstance(withheld, dict):
            data = {**{name: None for name in WITHHELD_REQUIRED if name in withheld}, **data}
        return data

    @field_validator("withheld")
    @classmethod
    def _withheld_is_not_given(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        given = [name for name in value if info.data.get(name) is not None]
        if given:
            raise PydanticCustomError(
                "withheld_given",
                "{names} has a value and is also listed as withheld: keep one",
                {"names": " and ".join(given)},
            )
        return value

    @property
    def expected_finish(self) -> dt.date | None:
        return self.forecast_finish or self.finish

    def status_at(self, as_of: dt.date) -> StatusReport | None:
        """The current status report: the last one dated on or before `as_of`."""
        current = None
        for report in self.status:
            if report.date <= as_of:
                current = report
        return current


class Request(Entity):
    requested_by: PersonId = doc("Who asks, on behalf of a department: a person id.", "p.oconnell")
    submitted: IsoDate = doc("When the request was submitted.", "2026-10-12")
    stage: Literal["submitted", "assessed", "approved", "rejected", "deferred"] = doc(
        "Where the request is in demand management.", "assessed", default="submitted"
    )
    estimated_cost: Money = doc("The estimated cost, in the portfolio's currency.", 180000, default=0)
    scores: dict[CriterionId, Score] = doc(
        "A score of 1 to 5 for each scoring criterion (portfolio.yaml).",
        {"strategic_fit": 3, "value": 4, "urgency": 2, "risk": 2},
        default={},
    )
    objectives: list[Id] = doc("The objective ids (portfolio.yaml) the request serves.", ["digital-care"], default=[])
    program: Id | None = doc("The program that would run it: a program id.", "corporate-services", default=None)
    summary: Text = doc("One line, shown in tables.", "Automate invoice matching exceptions.", default="")
    description: Text = doc("The need and the expected benefit (Markdown).", "Why, what and for whom.", default="")
    waivers: list[Waiver] = doc(_WAIVERS, *[_WAIVER_EXAMPLE], default=[])


# calendar.yaml -------------------------------------------------------------------------------------


class Event(Strict):
    title: Text = doc("What happens.", "EHR v24 go-live")
    kind: Literal["release", "freeze", "maintenance", "gate", "other"] = doc("The kind of event.", "freeze")
    start: IsoDate = doc("The first day.", "2026-12-18")
    end: IsoDate | None = doc("The last day, for an event of several days.", "2027-01-04", default=None)
    systems: list[Text] = doc("The systems it concerns.", ["EHR", "PACS"], default=[])
    note: Text = doc("Anything else to know.", "Emergency changes only.", default="")

    @property
    def last_day(self) -> dt.date:
        return self.end or self.start


class Calendar(Strict):
    events: list[Event] = doc(
        "Release windows, change freezes, maintenance windows and gate meetings.",
        [{"title": "Year-end change freeze", "kind": "freeze", "start": "2026-12-18", "end": "2027-01-04"}],
        default=[],
    )
