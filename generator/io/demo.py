"""Synthetic demo portfolios: realistic, valid, deterministic, and fast enough for thousands of projects.

    from generator.io.demo import write_demo
    write_demo(Path("demo-portfolio"), projects=500, seed=7)

or from a shell: `python -m generator.io.demo demo-portfolio --projects 500 --seed 7`.

The same seed always gives byte-identical files (one `random.Random(seed)`, no clock, no global state).
The portfolio has every file kind of the data contract (shared/design/portfolio-data.md): about N/8
programs, four objectives, N/2 + 10 people in N/25 + 3 teams, every phase (mostly execution), change and
run work, milestones, monthly status reports whose percent complete and actual cost follow one plan, RAID
items, dependencies (a DAG: a project only depends on projects generated before it), change requests,
benefits, resource demand, lessons on finished work, scores, requests, an IT calendar, a few items only
the PMO may see, and governance (governance.yaml, gate decisions, compliance checklists, waivers: see
demo_governance.py). The status date is 2026-10-31.

The YAML text is written directly (no emitter): flow mappings one per line like the hand-written files,
free text double-quoted when it is not a safe plain scalar, months and "MM-DD" quoted, dates unquoted ISO.

Over 400 lines: its parts draw from one random stream in a fixed order, and that order is the output.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..data.model import ACTIVE_PHASES, ID_RE, PHASES, RESERVED_IDS
from .demo_governance import Governance, Plan, governance_yaml
from .demo_words import (
    BUSINESS_UNITS,
    CALENDAR_SYSTEMS,
    CHANGE_ACTIONS,
    CHANGES,
    DECIDERS,
    DEPENDENCY_NOTES,
    DEPENDENCY_TYPES,
    DRIVERS,
    FINANCIAL_BENEFITS,
    FIRST,
    ISSUES,
    LAST,
    LESSONS,
    MILESTONES,
    NON_FINANCIAL_BENEFITS,
    OBJECTIVES,
    ORGANIZATIONS,
    PROGRAM_QUALIFIERS,
    RAG_REASONS,
    REQUEST_IDEAS,
    RISKS,
    RUN_ACTIONS,
    SCOPE_ITEMS,
    SITES,
    STATUS_TEXT,
    TEAMS,
    THEMES,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

T = TypeVar("T")

__all__ = ["AS_OF", "PHASES", "write_demo"]

AS_OF = dt.date(2026, 10, 31)
# The order guarantees the most common phases first for tiny portfolios (1 project: execution).
_PHASE_ORDER = ("execution", "planning", "closed", "closing", "on-hold", "approved", "proposal", "cancelled")
_PHASE_WEIGHTS = {
    "execution": 46,
    "planning": 11,
    "closed": 15,
    "closing": 6,
    "on-hold": 4,
    "approved": 7,
    "proposal": 6,
    "cancelled": 5,
}
DAY = dt.timedelta(days=1)

# Word lists ---------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()&'+-]*")
_YAML_WORDS = frozenset({"yes", "no", "y", "n", "true", "false", "on", "off", "null"})


def _q(text: str) -> str:
    """A YAML scalar for free text: plain when that is unambiguous (also inside a flow mapping), else quoted."""
    if _PLAIN.fullmatch(text) and text[-1] != " " and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(round(value, 2))


def _block(key: str, text: str) -> str:
    """A literal block scalar (`key: |`), for Markdown text."""
    body = "".join(f"  {line}\n" if line else "\n" for line in text.split("\n"))
    return f"{key}: |\n{body}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _month(d: dt.date) -> str:
    return f'"{d.year:04d}-{d.month:02d}"'


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - DAY


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month end from the one of `first`'s month up to `last` (inclusive)."""
    out: list[dt.date] = []
    year, month = first.year, first.month
    while True:
        end = _month_end(year, month)
        if end > last:
            return out
        out.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _lower(name: str) -> str:
    """A name as it reads inside a sentence: "data warehouse", but "CRM" and "Finance ERP" unchanged."""
    return name.lower() if not name.isupper() and name[1:].islower() else name


def _clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


# The generator ------------------------------------------------------------------------------------------


@dataclass
class _Project:
    """What the sections of one project file need to agree on."""

    index: int
    phase: str
    kind: str
    start: dt.date
    finish: dt.date  # the baseline finish
    forecast_finish: dt.date
    stop: dt.date | None  # cancelled: when work stopped; on-hold: when it was put on hold
    stale: bool  # the latest status report is months old
    budget: float = 0
    manager: str = ""
    sponsor: str = ""

    @property
    def started(self) -> bool:
        return self.start <= AS_OF and self.phase not in ("proposal", "approved")

    @property
    def finished(self) -> bool:
        return self.phase in ("closed", "cancelled")


class _Demo:
    def __init__(self, projects: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = projects
        self.files: dict[str, str] = {}  # relative path → text
        self.used_ids: dict[str, set[str]] = {"projects": set(), "programs": set(), "requests": set()}
        self.gov = Governance(seed)  # gate decisions, checklists, waivers: their own random stream

    # helpers ------------------------------------------------------------------------------------------

    def unique_id(self, folder: str, name: str) -> str:
        base = _slug(name)[:56].strip("-")
        candidate, k = base, 2
        used = self.used_ids[folder]
        while candidate in used or candidate in RESERVED_IDS or not ID_RE.match(candidate):
            candidate, k = f"{base}-{k}", k + 1
        used.add(candidate)
        return candidate

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.rng.random() * len(seq))]

    def pmo_only(self, chance: float) -> str:
        return ", visibility: pmo" if self.rng.random() < chance else ""

    # portfolio.yaml -----------------------------------------------------------------------------------

    def settings(self) -> None:
        rng = self.rng
        organization = self.pick(ORGANIZATIONS)
        available = round(self.n * rng.uniform(40_000, 120_000), -4)
        lines = [
            f"organization: {_q(organization)}",
            f"as_of: {AS_OF.isoformat()}",
            "currency: EUR",
            'fiscal_year_start: "01-01"',
            "objectives:",
            *(f"  - {{id: {oid}, name: {_q(name)}, description: {_q(text)}}}" for oid, name, text in OBJECTIVES),
            "scoring:",
            "  criteria:",
            "    - {id: strategic_fit, name: Strategic fit, weight: 0.35}",
            "    - {id: value, name: Business value, weight: 0.30}",
            "    - {id: urgency, name: Urgency / compliance, weight: 0.15}",
            "    - {id: risk, name: Delivery risk, weight: 0.20, inverse: true}",
            "rag:",
            "  spi: {amber: 0.95, red: 0.85}",
            "  cpi: {amber: 0.95, red: 0.85}",
            "  slip_days: {amber: 14, red: 45}",
            f"funding: {{available: {_num(available)}}}",
            "stale_after_days: 40",
        ]
        self.files["portfolio.yaml"] = "\n".join(lines) + "\n"

    # people.yaml --------------------------------------------------------------------------------------

    def people(self) -> None:
        """People by role, and the teams (their capacity is written once the demand is known)."""
        n_people = self.n // 2 + 10
        n_teams = self.n // 25 + 3
        self.n_programs = max(2, round(self.n / 8))
        self.team_list: list[tuple[str, str]] = []
        for i in range(n_teams):
            base, rnd = TEAMS[i % len(TEAMS)], i // len(TEAMS)
            if rnd == 0:
                name = base
            elif rnd <= len(SITES):
                name = f"{base} {SITES[rnd - 1]}"
            else:
                name = f"{base} {SITES[(rnd - 1) % len(SITES)]} {(rnd - 1) // len(SITES) + 1}"
            self.team_list.append((_slug(name), name))
        self.teams = [tid for tid, _ in self.team_list]
        self.demand = dict.fromkeys(self.teams, 0.0)  # FTE booked at as_of, to size the teams

        # roles in priority order; project managers and specialists share what is left
        quota = [
            ("PMO director", 1),
            ("PMO analyst", max(1, n_people // 80)),
            ("PMO coordinator", 1 if n_people >= 20 else 0),
            ("Executive", max(1, n_people // 120)),
            ("Sponsor", max(1, n_people // 15)),
            ("Program manager", max(1, min(self.n_programs, n_people // 12))),
            ("Team lead", n_teams),
        ]
        rest = max(2, n_people - sum(count for _, count in quota))
        pms = max(2, round(rest * 0.6))
        quota += [
            ("Project manager", pms),
            ("Business analyst", (rest - pms + 1) // 2),
            ("Architect", (rest - pms) // 2),
        ]
        person_ids: set[str] = set()
        self.by_role: dict[str, list[str]] = {}
        lines = ["people:"]
        for i, role in enumerate(role for role, count in quota for _ in range(count)):
            first, last = self.pick(FIRST), self.pick(LAST)
            base = f"{first[0]}.{last}".lower()
            pid, k = base, 2
            while pid in person_ids:
                pid, k = f"{base}{k}", k + 1
            person_ids.add(pid)
            self.by_role.setdefault(role, []).append(pid)
            team = None
            if role == "Team lead":
                team = self.teams[len(self.by_role[role]) - 1]
            elif role in ("Business analyst", "Architect") or (role == "Project manager" and i % 3 == 0):
                team = self.pick(self.teams)
            team_part = f", team: {team}" if team else ""
            lines.append(f"  - {{id: {pid}, name: {first} {last}, role: {role}{team_part}}}")
        self.people_lines = lines
        self.sponsors = self.by_role.get("Executive", []) + self.by_role.get("Sponsor", [])
        self.managers = self.by_role["Project manager"]
        self.owners = self.managers + self.by_role.get("Team lead", []) + self.by_role.get("Architect", [])

    def teams_and_capacity(self) -> None:
        """Teams sized to the demand the projects put on them at as_of: most are busy, a few overbooked."""
        rng = self.rng
        lines = [*self.people_lines, "teams:"]
        for tid, name in self.team_list:
            demand = self.demand[tid]
            capacity = demand * rng.uniform(0.8, 1.35) if demand else rng.uniform(3, 8)
            capacity = max(2.0, round(capacity * 2) / 2)
            waiver = self.gov.team_waiver(demand > capacity)
            lines.append(f"  - {{id: {tid}, name: {_q(name)}, capacity_fte: {_num(capacity)}{waiver}}}")
        self.files["people.yaml"] = "\n".join(lines) + "\n"

    # programs -----------------------------------------------------------------------------------------

    def programs(self) -> None:
        """About N/8 programs, one per theme first, then regional and later waves; the last is PMO-only."""
        themes = list(range(len(THEMES)))
        self.rng.shuffle(themes)
        self.program_list: list[tuple[str, int]] = []  # (id, theme index)
        program_managers = self.by_role["Program manager"]
        analysts = self.by_role["PMO analyst"]
        for i in range(self.n_programs):
            theme, rnd = themes[i % len(themes)], i // len(themes)
            title, systems, objectives = THEMES[theme]
            if rnd == 0:
                name = title
            elif rnd < len(PROGRAM_QUALIFIERS):
                name = f"{title} {PROGRAM_QUALIFIERS[rnd]}"
            else:
                name = f"{title} wave {rnd - len(PROGRAM_QUALIFIERS) + 2}"
            pid = self.unique_id("programs", name)
            self.program_list.append((pid, theme))
            description = (
                f"The {_lower(name)} program groups the work on {', '.join(_lower(s) for s in systems[:3])} "
                f"and related systems.\n\n"
                f"**Why:** {self.pick(DRIVERS)}\n\n"
                f"The program board meets monthly and reviews every project's status, risks and benefits."
            )
            lines = [
                f"name: {_q(name)}",
                f"manager: {program_managers[i % len(program_managers)]}",
                f"sponsor: {self.pick(self.sponsors)}",
                f"pmo_analyst: {analysts[i % len(analysts)]}",
                f"objectives: [{', '.join(objectives)}]",
            ]
            if self.n_programs >= 5 and i == self.n_programs - 1:
                lines.append("visibility: pmo")
            self.files[f"programs/{pid}.yaml"] = "\n".join(lines) + "\n" + _block("description", description)

    # projects -----------------------------------------------------------------------------------------

    def phases(self) -> list[str]:
        """One phase per project: every phase at least once from 8 projects on, mostly execution."""
        rng = self.rng
        first = list(_PHASE_ORDER[: min(self.n, len(_PHASE_ORDER))])
        rest = rng.choices(list(_PHASE_WEIGHTS), list(_PHASE_WEIGHTS.values()), k=self.n - len(first))
        if self.n < len(_PHASE_ORDER):
            return first  # tiny portfolios: the most common phases, in order
        phases = first + rest
        rng.shuffle(phases)
        return phases

    def projects(self) -> None:
        self.project_ids: list[str] = []
        name_counts: dict[str, int] = {}
        for i, phase in enumerate(self.phases()):
            self.project(i, phase, name_counts)

    def project(self, i: int, phase: str, name_counts: dict[str, int]) -> None:
        rng, pick = self.rng, self.pick
        program_id, theme = self.program_list[i] if i < len(self.program_list) else pick(self.program_list)
        system = pick(THEMES[theme][1])
        kind = "run" if rng.random() < 0.18 else "change"
        if kind == "run":
            p, base_name, summary_template, methodology = self.run_plan(i, phase, system)
        else:
            p, base_name, summary_template, methodology = self.change_plan(i, phase, system)
        count = name_counts[base_name] = name_counts.get(base_name, 0) + 1
        name = base_name if count == 1 else f"{base_name} wave {count}"
        pid = self.unique_id("projects", name)
        self.project_ids.append(pid)

        out = self.header(p, name, program_id, theme, summary_template.format(s=_lower(system)), methodology)
        out += self.milestones(p, "run" if kind == "run" else methodology)
        out += self.status_reports(p)
        out += self.risks(p)
        out += self.issues(p)
        out += self.dependencies(p)
        out += self.changes(p)
        out += self.benefits(p)
        out += self.resources(p)
        out += self.lessons(p)
        plan = Plan(p.phase, p.kind, p.start, p.forecast_finish, p.stop, p.budget, THEMES[theme][0], p.started)
        out += self.gov.records(plan)
        self.files[f"projects/{pid}.yaml"] = "\n".join(out) + "\n"

    def run_plan(self, i: int, phase: str, system: str) -> tuple[_Project, str, str, str]:
        """Run work follows the calendar year: last year's is closed, next year's is being planned."""
        rng = self.rng
        year = {"closed": 2025, "proposal": 2027, "approved": 2027, "planning": 2027}.get(phase, 2026)
        if phase == "cancelled":
            year = self.pick((2025, 2026))
        start, finish = dt.date(year, 1, 1), dt.date(year, 12, 31)
        action, summary = self.pick(RUN_ACTIONS)
        methodology = "hybrid" if rng.random() < 0.6 else self.pick(("agile", "pmi"))
        stop = None
        if phase == "on-hold":
            stop = max(start, AS_OF - rng.randint(20, 90) * DAY)
        forecast_finish = finish
        if phase == "cancelled":
            stop = self.stopped(start, forecast_finish)
        if phase == "closed" and forecast_finish > AS_OF:
            forecast_finish = AS_OF - 10 * DAY
        p = _Project(i, phase, "run", start, finish, forecast_finish, stop, stale=False)
        return p, f"{system} {action} {year}", summary, methodology

    def change_plan(self, i: int, phase: str, system: str) -> tuple[_Project, str, str, str]:
        """Change work: a start and duration placed so the phase is true at as_of, and a slip."""
        rng = self.rng
        action, summary = self.pick(CHANGE_ACTIONS)
        methodology = rng.choices(("agile", "hybrid", "prince2", "pmi"), (35, 30, 20, 15))[0]
        duration = rng.randint(90, 620)
        r = rng.random()
        if r < 0.55:
            slip = 0
        elif r < 0.83:
            slip = rng.randint(3, 25)
        elif r < 0.95:
            slip = rng.randint(25, 60)
        elif r < 0.97:
            slip = rng.randint(60, 180)
        else:
            slip = -rng.randint(3, 15)
        stop, stale = None, False
        if phase == "proposal":
            start, slip = AS_OF + rng.randint(30, 270) * DAY, 0
        elif phase == "approved":
            start, slip = AS_OF + rng.randint(10, 150) * DAY, 0
        elif phase == "planning":
            start, slip = AS_OF + rng.randint(-75, 40) * DAY, max(0, slip // 3)
        elif phase == "execution":
            if rng.random() < 0.06:  # past its baseline finish, still running
                elapsed = int(duration * rng.uniform(1.0, 1.25))
                slip = max(slip, elapsed - duration + rng.randint(15, 120))
            else:
                elapsed = int(duration * rng.uniform(0.08, 0.95))
                slip = max(slip, elapsed - duration + 10)
            start = AS_OF - elapsed * DAY
            stale = rng.random() < 0.06
        elif phase == "closing":
            start = AS_OF + (rng.randint(-40, 25) - duration - slip) * DAY
        elif phase == "closed":
            start = AS_OF - (rng.randint(20, 640) + duration + slip) * DAY
        elif phase == "cancelled":
            start = AS_OF - rng.randint(60, 520) * DAY
        else:  # on-hold
            held = rng.randint(20, 120)
            elapsed = int(duration * rng.uniform(0.2, 0.8))
            start = AS_OF - (held + elapsed) * DAY
            stop = AS_OF - held * DAY
            slip = max(slip, 0) + held + rng.randint(10, 60)
        finish = start + duration * DAY
        forecast_finish = finish + slip * DAY
        if phase == "cancelled":
            stop = self.stopped(start, forecast_finish)
        p = _Project(i, phase, "change", start, finish, forecast_finish, stop, stale)
        return p, f"{system} {action}", summary, methodology

    def stopped(self, start: dt.date, forecast_finish: dt.date) -> dt.date:
        """When a cancelled project stopped: a tenth to 60 % into its plan, at least five days ago."""
        span = (forecast_finish - start).days
        stop = min(start + int(span * self.rng.uniform(0.1, 0.6)) * DAY, AS_OF - 5 * DAY)
        return max(stop, start)

    def header(self, p: _Project, name: str, program_id: str, theme: int, summary: str, methodology: str) -> list[str]:
        rng, pick = self.rng, self.pick
        bu = pick(BUSINESS_UNITS)
        scope = rng.sample(SCOPE_ITEMS, 3)
        description = (
            f"{summary} Its main users are in {bu}.\n\n"
            f"**Why now:** {pick(DRIVERS)}\n\n"
            f"In scope:\n\n- {scope[0]}\n- {scope[1]}\n- {scope[2]}\n\n"
            f"Out of scope: changes to {pick(SCOPE_ITEMS)}."
        )
        run_scale = 0.4 if p.kind == "run" else 1.0
        p.budget = round(min(rng.lognormvariate(13.0, 0.8) * run_scale, 9_000_000) + 20_000, -4)
        p.manager = pick(self.managers)
        objectives = list(THEMES[theme][2])
        if len(objectives) > 1 and rng.random() < 0.4:
            objectives = objectives[:1]
        if rng.random() < 0.15:
            extra = pick(OBJECTIVES)[0]
            if extra not in objectives:
                objectives.append(extra)
        p.sponsor = pick(self.sponsors)
        out = [
            f"name: {_q(name)}",
            f"program: {program_id}",
            f"kind: {p.kind}",
            f"phase: {p.phase}",
            f"methodology: {methodology}",
            f"objectives: [{', '.join(objectives)}]",
            f"sponsor: {p.sponsor}",
            f"manager: {p.manager}",
        ]
        if rng.random() < 0.02:
            out.append("visibility: pmo")
        out.append(f"summary: {_q(summary)}")
        out.append(_block("description", description).rstrip("\n"))
        out += [f"start: {p.start.isoformat()}", f"finish: {p.finish.isoformat()}"]
        if p.forecast_finish != p.finish:
            out.append(f"forecast_finish: {p.forecast_finish.isoformat()}")
        out.append(f"budget: {_num(p.budget)}")
        if rng.random() < 0.9:
            s = [rng.randint(1, 5) for _ in range(4)]
            out.append(f"scores: {{strategic_fit: {s[0]}, value: {s[1]}, urgency: {s[2]}, risk: {s[3]}}}")
        if p.phase in ACTIVE_PHASES and p.started and rng.random() < 0.03:
            out.append(f"rag_override: {{rag: red, reason: {_q(pick(RAG_REASONS))}}}")
        return out

    def milestones(self, p: _Project, gates: str) -> list[str]:
        """3-6 milestones spread over the plan, moved with the forecast; reached ones have an actual date."""
        rng = self.rng
        k = rng.randint(3, 6)
        names = MILESTONES[gates]
        chosen = [*sorted(rng.sample(range(len(names) - 1), k - 1)), len(names) - 1]
        planned = (p.finish - p.start).days
        forecast_span = (p.forecast_finish - p.start).days
        reached_by = p.stop if p.stop is not None else AS_OF
        out = ["milestones:"]
        for j, index in enumerate(chosen):
            share = (j + 1) / k
            baseline = p.start + round(planned * share) * DAY
            forecast = p.start + round(forecast_span * share) * DAY
            parts = [f"name: {_q(names[index])}", f"baseline: {baseline.isoformat()}"]
            if forecast != baseline:
                parts.append(f"forecast: {forecast.isoformat()}")
            if p.started and forecast <= reached_by:
                actual = min(max(forecast + rng.randint(-3, 6) * DAY, p.start), reached_by)
                parts.append(f"actual: {actual.isoformat()}")
            out.append(f"  - {{{', '.join(parts)}}}")
        return out

    def status_reports(self, p: _Project) -> list[str]:
        """Month-end reports since the start (the last 12), progress along the forecast plan."""
        if not p.started:
            return []
        last = AS_OF
        if p.phase == "closed":
            last = min(_month_end(p.forecast_finish.year, p.forecast_finish.month), AS_OF)
        elif p.phase == "cancelled" and p.stop is not None:
            last = p.stop
        elif p.stale:
            last = _month_end(AS_OF.year, AS_OF.month - self.rng.randint(2, 3))
        dates = _month_ends(p.start, last)
        if p.phase == "cancelled" and p.stop is not None and (not dates or dates[-1] != p.stop):
            dates.append(p.stop)
        dates = dates[-12:]
        return ["status:", *self.status(p, dates)] if dates else []

    def status(self, p: _Project, dates: list[dt.date]) -> list[str]:
        """Reports whose progress follows the forecast plan and whose cost follows one cost efficiency."""
        rng = self.rng
        cpi = _clamp(rng.gauss(1.01, 0.06), 0.8, 1.2) if rng.random() > 0.06 else rng.uniform(0.7, 0.85)
        planned_days = max((p.finish - p.start).days, 1)
        forecast_days = max((p.forecast_finish - p.start).days, 1)
        setup = p.budget * rng.uniform(0.001, 0.006)  # mobilisation cost booked before progress shows
        percent = 0
        lines = []
        for d in dates:
            progress_date = min(d, p.stop) if p.stop is not None else d
            share = _clamp((progress_date - p.start).days / forecast_days, 0, 1)
            if p.kind == "change":
                share *= rng.uniform(0.96, 1.03)
            if p.phase == "planning":
                share *= rng.uniform(0.85, 1.0)
            target = round(100 * _clamp(share, 0, 1))
            if p.phase not in ("closed", "closing") or progress_date < p.forecast_finish:
                target = min(target, 99)
            if p.phase == "closed" and d >= p.forecast_finish:
                target = 100
            percent = max(percent, target)
            cost = round(p.budget * percent / 100 / cpi + setup, -2)
            # the RAG a project manager would report: the thresholds of portfolio.yaml, sometimes a shade greener,
            # with the slip known at the time (it grows as the project goes on)
            planned_share = _clamp((d - p.start).days / planned_days, 0, 1)
            spi = percent / (100 * planned_share) if planned_share > 0 else 1.0
            slip = (p.forecast_finish - p.finish).days * min(1.0, 1.5 * (d - p.start).days / forecast_days)
            level = max(
                2 if spi < 0.85 else 1 if spi < 0.95 else 0,
                2 if cpi < 0.85 else 1 if cpi < 0.95 else 0,
                2 if slip >= 45 else 1 if slip >= 14 else 0,
            )
            if level and rng.random() < 0.2:
                level -= 1
            rag = ("green", "amber", "red")[level]
            if p.phase == "on-hold" and p.stop is not None and d > p.stop:
                text = "On hold pending a funding decision."
            elif p.phase == "closed" and percent == 100:
                text = "Delivered; handed over to operations."
            else:
                text = self.pick(STATUS_TEXT["run" if p.kind == "run" and rag == "green" else rag])
            satisfaction = ""
            if d.month % 3 == 0 and rng.random() < 0.6:
                satisfaction = f", satisfaction: {rng.uniform(2.5, 4.9):.1f}"
            lines.append(
                f"  - {{date: {d.isoformat()}, rag: {rag}, percent_complete: {percent}, actual_cost: {_num(cost)}"
                f"{satisfaction}, summary: {_q(text)}}}"
            )
        return lines

    def risks(self, p: _Project) -> list[str]:
        rng = self.rng
        weights = (4, 3, 2, 1, 0, 0) if p.finished else (2, 3, 4, 4, 2, 1)
        n_risks = rng.choices(range(6), weights)[0]
        if not n_risks:
            return []
        out = ["risks:"]
        for j, (title, mitigation) in enumerate(rng.sample(RISKS, n_risks), 1):
            status = "closed" if p.finished or rng.random() < 0.2 else "open"
            owner = p.manager if rng.random() < 0.5 else self.pick(self.owners)
            vis = self.pmo_only(0.04)
            probability, impact = rng.randint(1, 5), rng.randint(1, 5)
            out.append(
                f"  - {{id: R{j}, title: {_q(title)}, probability: {probability}, impact: {impact}, owner: {owner}, "
                f"status: {status}, mitigation: {_q(mitigation)}{vis}}}"
            )
        return out

    def issues(self, p: _Project) -> list[str]:
        rng = self.rng
        n_issues = rng.choices(range(4), (4, 3, 2, 1))[0] if p.started else 0
        if not n_issues:
            return []
        out = ["issues:"]
        for j, title in enumerate(rng.sample(ISSUES, n_issues), 1):
            severity = rng.choices(("low", "medium", "high", "critical"), (25, 40, 25, 10))[0]
            is_open = not p.finished and rng.random() < 0.7
            if is_open:
                due = AS_OF + rng.randint(-20, 60) * DAY
            else:
                due = min(AS_OF, p.forecast_finish) - rng.randint(5, 60) * DAY
            out.append(
                f"  - {{id: I{j}, title: {_q(title)}, severity: {severity}, owner: {self.pick(self.owners)}, "
                f"status: {'open' if is_open else 'closed'}, due: {due.isoformat()}}}"
            )
        return out

    def dependencies(self, p: _Project) -> list[str]:
        """About a third of the projects depend on one or two of the 40 projects generated just before."""
        rng = self.rng
        if p.index == 0 or rng.random() >= 0.35:
            return []
        window = self.project_ids[max(0, p.index - 40) : p.index]
        targets = rng.sample(window, min(len(window), rng.choice((1, 1, 2))))
        out = ["dependencies:"]
        for target in targets:
            dep_type = rng.choices(DEPENDENCY_TYPES, (70, 15, 10, 5))[0]
            note = self.pick(DEPENDENCY_NOTES)
            out.append(f"  - {{project: {target}, type: {dep_type}" + (f", note: {_q(note)}" if note else "") + "}")
        return out

    def changes(self, p: _Project) -> list[str]:
        rng = self.rng
        if not p.started:
            return []
        end = min(AS_OF, p.stop or p.forecast_finish, p.forecast_finish)
        span = max((end - p.start).days, 1)
        n_changes = rng.choices(range(4), (4, 3, 2, 1))[0]
        if not n_changes:
            return []
        out = ["changes:"]
        self.gov.start_project()
        for j, offset in enumerate(sorted(rng.sample(range(span + 1), min(n_changes, span + 1))), 1):
            when = p.start + offset * DAY
            cost = round(p.budget * rng.uniform(-0.03, 0.15), -3)
            decision = "pending"
            if AS_OF - when >= 21 * DAY or p.finished:
                decision = rng.choices(("approved", "rejected", "deferred"), (65, 20, 15))[0]
                self.pick(DECIDERS)  # drawn as before, so the rest of the demo is unchanged; the table decides
            vis = self.pmo_only(0.04)
            title, days = self.pick(CHANGES), rng.randint(-5, 45)
            decided = f"decision: {decision}"
            if decision != "pending":
                decided += f", decided_by: {self.gov.decider(cost, days, p.budget, decision)}"
            out.append(
                f"  - {{id: CR-{j}, date: {when.isoformat()}, title: {_q(title)}, cost: {_num(cost)}, "
                f"schedule_days: {days}, {decided}{vis}}}"
            )
        return out

    def benefits(self, p: _Project) -> list[str]:
        rng = self.rng
        n_benefits = rng.randint(1, 3) if p.kind == "change" else rng.randint(0, 1)
        if not n_benefits or p.phase == "cancelled":
            return []
        out = ["benefits:"]
        for _ in range(n_benefits):
            due = p.forecast_finish + rng.randint(90, 720) * DAY
            reached = p.phase == "closed" and due <= AS_OF
            vis = self.pmo_only(0.03)
            if rng.random() < 0.6:
                planned = round(p.budget * rng.uniform(0.2, 1.5), -3)
                realized = round(planned * rng.uniform(0.3, 1.1), -3) if reached else 0
                out.append(
                    f"  - {{name: {_q(self.pick(FINANCIAL_BENEFITS))}, kind: financial, planned: {_num(planned)}, "
                    f"realized: {_num(realized)}, due: {due.isoformat()}{self.gov.benefit_owner(p.sponsor)}{vis}}}"
                )
            else:
                label, unit = self.pick(NON_FINANCIAL_BENEFITS)
                planned = rng.randint(2, 50)
                realized = round(planned * rng.uniform(0.3, 1.1)) if reached else 0
                out.append(
                    f"  - {{name: {_q(label)}, kind: non-financial, planned: {planned}, realized: {realized}, "
                    f"unit: {_q(unit)}, due: {due.isoformat()}{self.gov.benefit_owner(p.sponsor)}{vis}}}"
                )
        return out

    def resources(self, p: _Project) -> list[str]:
        """Team demand consistent with the budget: ~55 % of it is internal labour at ~9,000 a month per FTE."""
        rng = self.rng
        end = p.stop or p.forecast_finish
        months = max(1.0, (end - p.start).days / 30.4)
        total_fte = _clamp(p.budget * 0.55 / 9000 / months, 0.5, 30)
        teams = rng.sample(self.teams, min(rng.randint(1, 3), len(self.teams)))
        shares = [rng.uniform(0.5, 1.5) for _ in teams]
        out = ["resources:"]
        for team, share in zip(teams, shares, strict=True):
            fte = max(0.5, round(total_fte * share / sum(shares) * 2) / 2)
            if p.start <= AS_OF <= end and p.phase not in ("cancelled", "on-hold"):
                self.demand[team] += fte
            out.append(f"  - {{team: {team}, fte: {_num(fte)}, from: {_month(p.start)}, to: {_month(end)}}}")
        return out

    def lessons(self, p: _Project) -> list[str]:
        rng = self.rng
        low, high = {"closed": (1, 3), "cancelled": (1, 2), "closing": (0, 1)}.get(p.phase, (0, 0))
        n_lessons = rng.randint(low, high) if high else 0
        if not n_lessons:
            return []
        out = ["lessons:"]
        when = min(p.stop or p.forecast_finish, AS_OF)
        for category, lesson, recommendation in rng.sample(LESSONS, n_lessons):
            vis = self.pmo_only(0.05)
            out.append(
                f"  - {{category: {category}, lesson: {_q(lesson)}, recommendation: {_q(recommendation)}, "
                f"date: {when.isoformat()}{vis}}}"
            )
        return out

    # requests -----------------------------------------------------------------------------------------

    def requests(self) -> None:
        rng = self.rng
        count = max(2, self.n // 6)
        requesters = self.sponsors + self.by_role.get("Business analyst", []) + self.managers
        name_counts: dict[str, int] = {}
        for _ in range(count):
            program_id, theme = self.pick(self.program_list)
            system = self.pick(THEMES[theme][1])
            idea, idea_text = self.pick(REQUEST_IDEAS)
            base_name = f"{system} {idea}"
            seen = name_counts.get(base_name, 0) + 1
            name_counts[base_name] = seen
            name = base_name if seen == 1 else f"{base_name} ({seen})"
            rid = self.unique_id("requests", name)
            stage = rng.choices(("submitted", "assessed", "approved", "rejected", "deferred"), (35, 30, 15, 10, 10))[0]
            submitted = AS_OF - rng.randint(3, 200) * DAY
            cost = round(rng.lognormvariate(12.3, 0.8), -4) + 10_000
            lines = [
                f"name: {_q(name)}",
                f"requested_by: {self.pick(requesters)}",
                f"submitted: {submitted.isoformat()}",
                f"stage: {stage}",
                f"estimated_cost: {_num(cost)}",
            ]
            if stage != "submitted":
                s = [rng.randint(1, 5) for _ in range(4)]
                lines.append(f"scores: {{strategic_fit: {s[0]}, value: {s[1]}, urgency: {s[2]}, risk: {s[3]}}}")
            lines.append(f"objectives: [{', '.join(THEMES[theme][2][:1])}]")
            if rng.random() < 0.7:
                lines.append(f"program: {program_id}")
            if rng.random() < 0.03:
                lines.append("visibility: pmo")
            lines.append(
                f"summary: {_q(f'{self.pick(BUSINESS_UNITS)} asks for {idea_text} for the {_lower(system)}.')}"
            )
            description = (
                f"{self.pick(DRIVERS)}\n\n"
                f"The requester expects a first result within {rng.choice((3, 4, 6, 9))} months."
            )
            self.files[f"requests/{rid}.yaml"] = "\n".join(lines) + "\n" + _block("description", description)

    # calendar.yaml ------------------------------------------------------------------------------------

    def calendar(self) -> None:
        rng = self.rng
        events: list[tuple[dt.date, str]] = []

        def add(title: str, kind: str, start: dt.date, end: dt.date | None, systems: list[str], note: str = "") -> None:
            parts = [f"title: {_q(title)}", f"kind: {kind}", f"start: {start.isoformat()}"]
            if end is not None:
                parts.append(f"end: {end.isoformat()}")
            if systems:
                parts.append(f"systems: [{', '.join(_q(s) for s in systems)}]")
            if note:
                parts.append(f"note: {_q(note)}")
            events.append((start, f"  - {{{', '.join(parts)}}}"))

        for year, month in [(2026, m) for m in range(1, 13)] + [(2027, m) for m in range(1, 4)]:
            first = dt.date(year, month, 1)
            second_saturday = first + ((5 - first.weekday()) % 7 + 7) * DAY
            add(
                f"Release {year}.{month:02d}", "release", second_saturday, None, sorted(rng.sample(CALENDAR_SYSTEMS, 3))
            )
            first_sunday = first + ((6 - first.weekday()) % 7) * DAY
            add(
                f"Maintenance window {year}.{month:02d}",
                "maintenance",
                first_sunday,
                None,
                sorted(rng.sample(CALENDAR_SYSTEMS, 2)),
                "Patching 22:00-04:00.",
            )
            if month in (3, 6, 9, 12):
                close = _month_end(year, month)
                add(
                    f"Quarter-end close Q{month // 3} {year}",
                    "freeze",
                    close - 3 * DAY,
                    close + 3 * DAY,
                    ["ERP", "Payroll"],
                    "No changes to finance systems.",
                )
                add(f"Portfolio review Q{month // 3} {year}", "gate", close - 10 * DAY, None, [])
        for year in (2025, 2026):
            add(
                f"Year-end freeze {year}",
                "freeze",
                dt.date(year, 12, 15),
                dt.date(year + 1, 1, 5),
                [],
                "Emergency changes only.",
            )
        add("Disaster recovery test", "other", dt.date(2026, 5, 16), dt.date(2026, 5, 17), ["ERP", "Data warehouse"])
        events.sort(key=lambda e: e[0])
        self.files["calendar.yaml"] = "events:\n" + "\n".join(line for _, line in events) + "\n"


def write_demo(out: Path, projects: int, seed: int = 1) -> None:
    """Write a complete, valid synthetic portfolio of `projects` projects into the folder `out`.

    The folder is created if needed and must be empty (the demo never mixes with other files). The same
    `seed` always gives byte-identical files. Raises ValueError when `projects` < 1.
    """
    if isinstance(projects, bool) or not isinstance(projects, int) or projects < 1:
        raise ValueError(f"a demo portfolio needs at least one project, got {projects!r}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out} is a file, not a folder")
    names = sorted(entry.name for entry in out.iterdir()) if out.exists() else []
    if names:
        examples = ", ".join(f"`{name}`" for name in names[:3])
        raise FileExistsError(
            f"--out {out} holds files (e.g. {examples}); pmo demo writes only into an empty or new folder and "
            "never replaces one"
        )
    demo = _Demo(projects, seed)
    demo.settings()
    demo.people()
    demo.programs()
    demo.projects()
    demo.teams_and_capacity()
    demo.requests()
    demo.calendar()
    demo.files["governance.yaml"] = governance_yaml()
    for folder in ("programs", "projects", "requests"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for rel, text in demo.files.items():
        (out / rel).write_text(text, encoding="utf-8", newline="\n")
