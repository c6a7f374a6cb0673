"""Stage 3, analyse: each team's capacity against the demand the projects' `resources` put on it, by month.

The window is the 12 calendar months starting with the month of `as_of`: the reporting month is the first
month (as_of 2026-10-31 gives 2026-10 … 2027-09). The reporting date is usually a month's end, but the
people of that month are still planned for, and starting there makes the window the same whichever day
of the month as_of falls on.

Demand on a team in a month is the sum of the `fte` of every resource line naming the team whose
`from`..`to` (both inclusive) covers the month, over the projects that will consume capacity:

- counted: `approved` (funded, about to start), `planning`, `execution`, `closing`;
- not counted: `proposal` (not approved yet: it is demand to weigh against capacity, not a commitment),
  `closed` and `cancelled` (over), and `on-hold` — paused by decision with no new spend but agreed
  holding costs, so its people work elsewhere until the portfolio review resumes it, and the resume
  decision must check capacity again. On-hold demand is kept apart (`paused`) so a team page can show
  what a resume would bring back.

Utilization = demand / capacity (`capacity_fte` is validated ≥ 0.01, so it is always defined: a team with no
demand is at 0 %); a team-month is over-allocated when demand > capacity. FTE sums are rounded to
6 decimals so that 0.1 + 0.2 counts as 0.3 and a team at exactly its capacity is not flagged.

Computed column-wise with numpy: one Python pass over the resource lines, then arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from ..data.model import Project, Team

COUNTED_PHASES = frozenset({"approved", "planning", "execution", "closing"})
PAUSED_PHASES = frozenset({"on-hold"})
WINDOW = 12
_DECIMALS = 6


def month_number(month: str) -> int:
    """ "2026-03" → a month count (year × 12 + month − 1), so months subtract."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


@dataclass(frozen=True)
class Shares:
    """FTE per team, project and month of the window, summed over the project's resource lines; sorted
    by team, project, month. Teams and projects are positions in `Capacity.teams` and `Capacity.projects`."""

    team: np.ndarray
    project: np.ndarray
    month: np.ndarray  # 0..11, the position in the window
    fte: np.ndarray

    def of_team(self, team: int) -> dict[int, list[float]]:
        """Project position → FTE in each month of the window (0 where none), for one team."""
        lo, hi = np.searchsorted(self.team, [team, team + 1])
        found: dict[int, list[float]] = {}
        for project, month, fte in zip(
            self.project[lo:hi].tolist(), self.month[lo:hi].tolist(), self.fte[lo:hi].tolist(), strict=True
        ):
            found.setdefault(project, [0.0] * WINDOW)[month] = fte
        return found


@dataclass(frozen=True)
class Capacity:
    months: tuple[str, ...]  # the window, "YYYY-MM", first = the month of as_of
    teams: tuple[str, ...]  # team ids in the order of `cells`: by name
    projects: tuple[str, ...]  # project ids, sorted: the positions `shares` refers to
    cells: pd.DataFrame  # one row per team × month, team-major: team, month, demand, capacity, utilization, over
    shares: Shares  # counted projects
    paused: Shares  # on-hold projects, not counted in `cells`

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """`cells` as plain dicts, for pages (a dict is far cheaper to read than a frame row)."""
        return self.cells.to_dict("records")

    def team_cells(self, team_id: str) -> list[dict[str, Any]]:
        """The team's 12 cells, in month order."""
        i = self.teams.index(team_id)
        return self.records[i * WINDOW : (i + 1) * WINDOW]

    def over_allocated(self) -> list[dict[str, Any]]:
        """The over-allocated team-months, by team then month."""
        return [cell for cell in self.records if cell["over"]]

    def team_projects(self, team_id: str, paused: bool = False) -> dict[str, list[float]]:
        """Project id → the team's FTE in it per month of the window, for the projects with any."""
        shares = self.paused if paused else self.shares
        return {self.projects[p]: months for p, months in shares.of_team(self.teams.index(team_id)).items()}


def capacity_plan(projects: Iterable[Project], teams: list[Team], as_of: dt.date) -> Capacity:
    """Demand against capacity for every team and each month of the 12-month window from as_of's month."""
    ordered = sorted(teams, key=lambda t: (t.name, t.id))
    team_ids = tuple(t.id for t in ordered)
    team_at = {tid: i for i, tid in enumerate(team_ids)}
    projects = sorted(projects, key=lambda p: p.id)
    first = as_of.year * 12 + as_of.month - 1
    counted = _shares(projects, COUNTED_PHASES, team_at, first)
    paused = _shares(projects, PAUSED_PHASES, team_at, first)
    n_teams = len(team_ids)
    demand = np.bincount(counted.team * WINDOW + counted.month, weights=counted.fte, minlength=n_teams * WINDOW)
    demand = demand.round(_DECIMALS)
    capacity = np.repeat(np.array([t.capacity_fte for t in ordered], dtype=float), WINDOW)
    months = tuple(month_text(first + m) for m in range(WINDOW))
    cells = pd.DataFrame(
        {
            "team": np.repeat(np.array(team_ids, dtype=object), WINDOW),
            "month": np.tile(np.array(months, dtype=object), n_teams),
            "demand": demand,
            "capacity": capacity,
            "utilization": demand / capacity,  # capacity_fte ≥ 0.01 is validated in the model
            "over": demand > capacity,
        }
    )
    return Capacity(months, team_ids, tuple(p.id for p in projects), cells, counted, paused)


def _shares(projects: list[Project], phases: frozenset[str], team_at: dict[str, int], first: int) -> Shares:
    lines = [
        (at, team_at[r.team], r.fte, month_number(r.from_), month_number(r.to))
        for at, p in enumerate(projects)
        if p.phase in phases
        for r in p.resources
        if r.team in team_at
    ]
    project, team, fte, start, end = (np.array(column) for column in zip(*lines, strict=True)) if lines else _none()
    start = np.maximum(start.astype(np.int64), first) - first  # clipped to the window, as positions in it
    end = np.minimum(end.astype(np.int64), first + WINDOW - 1) - first
    inside = start <= end
    project, team, fte, start, end = (a[inside] for a in (project, team, fte, start, end))
    # one entry per resource line and month it covers
    length = end - start + 1
    line = np.repeat(np.arange(len(start)), length)
    offset = np.arange(len(line)) - np.repeat(np.cumsum(length) - length, length)
    month = start[line] + offset
    # sum lines of the same team, project and month (a project may book a team twice); the key sorts by all three
    key = (team[line].astype(np.int64) * (len(projects) + 1) + project[line]) * WINDOW + month
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=fte[line], minlength=len(unique)).round(_DECIMALS)
    cell, month_at = np.divmod(unique, WINDOW)
    team_at_key, project_at = np.divmod(cell, len(projects) + 1)
    return Shares(team_at_key, project_at, month_at, total)


def _none() -> tuple[np.ndarray, ...]:
    return tuple(np.zeros(0, dtype=dtype) for dtype in (np.int64, np.int64, float, np.int64, np.int64))
