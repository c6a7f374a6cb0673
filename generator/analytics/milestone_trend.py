"""Milestone trend analysis: how each milestone's forecast moved from one reporting period to the next.

Pure: the readings of past periods come from io/forecast_history.py (published versions or the git history of
the data), the current period from the data being built. Definitions, also stated on the pages:

- A *period* is a reporting date (`as_of`); the latest reading of a project in that period stands.
- A milestone is matched across periods by its *name* (a name used twice in one project is told apart by its
  place, "Go-live (2)"): a renamed milestone starts a new line, and its old name's line stops.
- A milestone's value in a period is its actual date once reached (the line then ends on the diagonal), else its
  forecast, else its baseline.
- A *move* is a change of that value from one period to the next. A milestone is listed for the portfolio when
  its forecast moved the same way (later, or earlier) in three or more consecutive periods.
- *Forecast accuracy* is the mean absolute difference in days between the actual date of a reached milestone and
  each forecast of it made in an earlier period (before it was reached), bucketed by how far ahead it was made.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence

    from ..data.model import Milestone

STREAK = 3  # consecutive moves the same way that put a milestone on the portfolio's list
# How far ahead of the actual date a forecast was made: (label, most days ahead)
HORIZONS: tuple[tuple[str, int | None], ...] = (
    ("up to 30 days ahead", 30),
    ("31 to 90 days ahead", 90),
    ("more than 90 days ahead", None),
)
Source = Literal["versions", "git", "none"]


@dataclass(frozen=True)
class Reading:
    """One milestone as one period reported it."""

    forecast: dt.date  # forecast, else baseline
    actual: dt.date | None


@dataclass(frozen=True)
class Period:
    """What a project's data said at one reporting date; `label` says where it was read ("version 2026-09",
    "commit abc1234", "current data")."""

    as_of: dt.date
    label: str
    milestones: dict[str, Reading]


@dataclass(frozen=True)
class ForecastHistory:
    """The past periods of every project (id → periods before the current reporting date, oldest first), where
    they were read from, and when there is no history, why."""

    source: Source = "none"
    periods: dict[str, list[Period]] = field(default_factory=dict)
    missing: str = "no git history or published version was given to this build"
    where: str = ""  # "the published versions on gh-pages", "the git history of portfolio/"


@dataclass(frozen=True)
class Point:
    period: dt.date
    value: dt.date  # the forecast in that period, or the actual date where the line reaches the diagonal
    reached: bool
    label: str  # where the period was read


@dataclass(frozen=True)
class Line:
    milestone: str
    points: list[Point]

    @property
    def reached(self) -> bool:
        return bool(self.points) and self.points[-1].reached

    def moves(self) -> list[int]:
        """The day changes of the value from each period to the next."""
        return [(b.value - a.value).days for a, b in zip(self.points, self.points[1:], strict=False)]


@dataclass(frozen=True)
class Streak:
    """The latest run of at least STREAK consecutive moves the same way."""

    milestone: str
    periods: list[dt.date]  # the periods of the run, its first move ending at periods[1]
    moves: list[int]

    @property
    def total(self) -> int:
        return sum(self.moves)

    @property
    def direction(self) -> str:
        return "slipping" if self.total > 0 else "pulled in"


@dataclass(frozen=True)
class Accuracy:
    """Mean absolute slip of past forecasts against the actual date; `mean` None with `why` when undefined."""

    mean: float | None
    forecasts: int
    milestones: int
    by_horizon: list[tuple[str, float | None, int]]  # (horizon, mean days or None, forecasts)
    why: str = ""


@dataclass(frozen=True)
class ProjectTrend:
    """One project's milestone trend: its periods (oldest first, the current one last) and a line per milestone."""

    periods: list[Period]
    lines: list[Line]
    source: Source
    missing: str  # why there is no trend to draw ("" when there is)
    ended: list[tuple[str, dt.date]]  # open milestones whose name is no longer reported: (name, last period)

    def streaks(self) -> list[Streak]:
        return [s for line in self.lines if (s := streak(line)) is not None]

    def accuracy(self) -> Accuracy:
        if self.missing:
            return _undefined("there is no earlier reporting period whose forecasts could be compared")
        return forecast_accuracy(self.periods)


def readings(milestones: Iterable[Milestone]) -> dict[str, Reading]:
    """A project's milestones by name, a repeated name told apart by its place."""
    return keyed((m.name, m.forecast or m.baseline, m.actual) for m in milestones)


def keyed(items: Iterable[tuple[str, dt.date, dt.date | None]]) -> dict[str, Reading]:
    items = list(items)
    names = Counter(name for name, _, _ in items)
    seen: Counter[str] = Counter()
    out = {}
    for name, forecast, actual in items:
        seen[name] += 1
        out[name if names[name] == 1 else f"{name} ({seen[name]})"] = Reading(forecast, actual)
    return out


def project_trend(history: ForecastHistory, project_id: str, current: Period) -> ProjectTrend:
    """The trend of one project: its past periods and the current one."""
    past = [p for p in history.periods.get(project_id, []) if p.as_of < current.as_of]
    periods = [*past, current]
    if history.source == "none":
        missing = f"The reporting history is missing: {history.missing}. Without it no trend is drawn."
    elif not past:
        missing = f"This project has no earlier reporting period in {history.where}: its trend starts next period."
    else:
        missing = ""
    lines = [] if missing else trend_lines(periods)
    return ProjectTrend(periods, lines, history.source, missing, [] if missing else _ended(periods))


def trend_lines(periods: Sequence[Period]) -> list[Line]:
    """A line per milestone name, in order of first appearance; it stops at the period that reports it reached."""
    lines: dict[str, list[Point]] = {}
    for period in periods:
        for name, reading in period.milestones.items():
            points = lines.setdefault(name, [])
            if points and points[-1].reached:
                continue
            if reading.actual is not None and reading.actual <= period.as_of:
                points.append(Point(reading.actual, reading.actual, True, period.label))  # on the diagonal
            else:
                points.append(Point(period.as_of, reading.forecast, False, period.label))
    return [Line(name, points) for name, points in lines.items()]


def _ended(periods: Sequence[Period]) -> list[tuple[str, dt.date]]:
    current = periods[-1].milestones
    last_seen: dict[str, Period] = {}
    for period in periods[:-1]:
        for name in period.milestones:
            last_seen[name] = period
    return [
        (name, period.as_of)
        for name, period in last_seen.items()
        if name not in current and period.milestones[name].actual is None
    ]


def streak(line: Line) -> Streak | None:
    """The latest run of STREAK or more consecutive moves the same way; a period without a move breaks it."""
    moves = line.moves()
    best: tuple[int, int] | None = None
    start = 0
    for i in range(1, len(moves) + 1):
        if i == len(moves) or _sign(moves[i]) == 0 or _sign(moves[i]) != _sign(moves[start]):
            if _sign(moves[start]) != 0 and i - start >= STREAK:
                best = (start, i)
            start = i
    if best is None:
        return None
    first, end = best
    return Streak(line.milestone, [p.period for p in line.points[first : end + 1]], moves[first:end])


def _sign(days: int) -> int:
    return (days > 0) - (days < 0)


def forecast_accuracy(periods: Sequence[Period]) -> Accuracy:
    """Each forecast of a milestone made in a period before it was reached, against the actual date the latest
    period gives."""
    current = periods[-1].milestones
    reached = {name: r.actual for name, r in current.items() if r.actual is not None}
    if not reached:
        return _undefined("no milestone has been reached yet")
    errors: list[tuple[int, int]] = []  # (days off, days ahead)
    counted: set[str] = set()
    for period in periods[:-1]:
        for name, reading in period.milestones.items():
            actual = reached.get(name)
            if actual is None or reading.actual is not None or period.as_of >= actual:
                continue
            errors.append((abs((reading.forecast - actual).days), (actual - period.as_of).days))
            counted.add(name)
    if not errors:
        return _undefined("no reached milestone was forecast in an earlier reporting period")
    by_horizon = []
    low = 0
    for label, high in HORIZONS:
        bucket = [off for off, ahead in errors if ahead > low and (high is None or ahead <= high)]
        by_horizon.append((label, _mean(bucket), len(bucket)))
        low = high or low
    return Accuracy(_mean([off for off, _ in errors]), len(errors), len(counted), by_horizon)


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _undefined(why: str) -> Accuracy:
    return Accuracy(None, 0, 0, [(label, None, 0) for label, _ in HORIZONS], why)
