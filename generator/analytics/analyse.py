"""Stage 3, analyse: everything the pages need computed once — the KPI frame and the lookups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..data.model import ACTIVE_PHASES
from .capacity import Capacity, capacity_plan
from .governance import GovernanceReport, evaluate
from .kpi import project_frame
from .rollups import Rollup, from_sums, indicators, rollups
from .trends import by_project, history_frame, portfolio_trend

if TYPE_CHECKING:
    import pandas as pd

    from ..data.audience import Audience
    from ..data.model import Objective, Person, Project, Settings
    from ..data.validate import Portfolio


@dataclass
class Analysis:
    portfolio: Portfolio
    audience: Audience
    projects: pd.DataFrame  # one row per project: facts and KPIs (see kpi.py)
    history: pd.DataFrame  # one row per status report, with its earned value at its date (see trends.py)
    trend: pd.DataFrame  # one row per monthly period of the last 12: portfolio SPI, CPI and RAG counts
    people: dict[str, Person] = field(default_factory=dict)
    by_program: dict[str, list[str]] = field(default_factory=dict)  # program id → project ids
    by_objective: dict[str, list[str]] = field(default_factory=dict)
    needed_by: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # id → (dependent, its dep index)

    @property
    def settings(self) -> Settings:
        return self.portfolio.settings

    @cached_property
    def rows(self) -> dict[str, dict[str, Any]]:
        """Each project's row as a plain dict: pages read single values, and a dict is far cheaper than .loc."""
        return self.projects.to_dict("index")

    @cached_property
    def history_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Each project's status history with its earned value, oldest first (projects without one are absent)."""
        return by_project(self.history)

    @cached_property
    def objectives(self) -> dict[str, Objective]:
        return {objective.id: objective for objective in self.settings.objectives}

    @cached_property
    def team_names(self) -> dict[str, str]:
        return {team.id: team.name for team in self.portfolio.people.teams}

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return indicators(self.projects)

    @cached_property
    def totals(self) -> Rollup:
        """The whole portfolio rolled up."""
        return from_sums(self.indicators.sum())

    @cached_property
    def program_totals(self) -> dict[str, Rollup]:
        return rollups(self.indicators, {p: self.by_program.get(p, []) for p in self.portfolio.programs})

    @cached_property
    def objective_totals(self) -> dict[str, Rollup]:
        return rollups(self.indicators, {o: self.by_objective.get(o, []) for o in self.objectives})

    @cached_property
    def governance(self) -> GovernanceReport:
        """governance.yaml's rules checked against the portfolio this audience sees (see governance.py)."""
        return evaluate(self.portfolio, self.rows, lambda: self.capacity)

    @cached_property
    def capacity(self) -> Capacity:
        """Team demand against capacity for the 12 months from as_of's month (see capacity.py)."""
        return capacity_plan(self.portfolio.projects.values(), self.portfolio.people.teams, self.settings.as_of)

    def person_name(self, person_id: str | None) -> str:
        if person_id is None:
            return ""
        person = self.people.get(person_id)
        return person.name if person else person_id

    def project(self, project_id: str) -> Project:
        return self.portfolio.projects[project_id]

    @cached_property
    def time_span(self) -> tuple[dt.date, dt.date]:
        """The months every roadmap of the site shows, so that they can be compared: from the first of the month of
        the earliest start of an active project to the first of the month after the latest finish, milestone or
        the reporting date. Computed once: every program and objective page draws a roadmap."""
        days = [self.settings.as_of]
        for pid, row in self.rows.items():
            if row["phase"] not in ACTIVE_PHASES or not (_known(row["start"]) and _known(row["finish"])):
                continue  # no bar to draw (a source may withhold dates)
            days += [day for day in (row["start"], row["finish"], row["forecast_finish"]) if _known(day)]
            days += [m.expected for m in self.project(pid).milestones]
        first, last = min(days), max(days)
        after = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
        return first.replace(day=1), after


def analyse(portfolio: Portfolio, audience: Audience) -> Analysis:
    projects = sorted(portfolio.projects.values(), key=lambda p: p.id)
    by_program: dict[str, list[str]] = defaultdict(list)
    by_objective: dict[str, list[str]] = defaultdict(list)
    needed_by: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for project in projects:
        by_program[project.program].append(project.id)
        for objective in project.objectives:
            by_objective[objective].append(project.id)
        for index, dep in enumerate(project.dependencies):
            needed_by[dep.project].append((project.id, index))
    history = history_frame(projects, portfolio.settings)
    return Analysis(
        portfolio=portfolio,
        audience=audience,
        projects=project_frame(projects, portfolio.settings),
        history=history,
        trend=portfolio_trend(history, projects, portfolio.settings),
        people={person.id: person for person in portfolio.people.people},
        by_program=dict(by_program),
        by_objective=dict(by_objective),
        needed_by=dict(needed_by),
    )


def _known(value: Any) -> bool:
    """A date that is there: not None, NaN or NaT (none of which equals itself)."""
    return value is not None and value == value
