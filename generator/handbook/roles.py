"""Who holds each handbook role, from the data: the `role` of people.yaml, read tolerantly, and the people
named as manager or sponsor of programs and projects. The `role-holders` marker of a role page lists them
with their programs and projects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..widgets import fmt
from ..widgets.markup import Markup, join, tag
from ..widgets.md import link, paragraph, program_path, project_path, table, team_path
from ..widgets.text import plain
from .context import MarkerError
from .tasks import ROLES, find_role

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from .context import Context
    from .tasks import Role

_FINISHED = frozenset({"closed", "cancelled"})


@dataclass
class Duties:
    """What one person does in the portfolio, by the data."""

    manages: list[str] = field(default_factory=list)  # project ids
    sponsors: list[str] = field(default_factory=list)
    manages_programs: list[str] = field(default_factory=list)
    sponsors_programs: list[str] = field(default_factory=list)
    advises_programs: list[str] = field(default_factory=list)  # as their PMO analyst


def duties(a: Analysis) -> dict[str, Duties]:
    """Every person's programs and projects, in one pass over the portfolio (ids sorted)."""
    found: dict[str, Duties] = defaultdict(Duties)
    for pid in sorted(a.portfolio.projects):
        project = a.project(pid)
        found[project.manager].manages.append(pid)
        found[project.sponsor].sponsors.append(pid)
    for program_id in sorted(a.portfolio.programs):
        program = a.portfolio.programs[program_id]
        found[program.manager].manages_programs.append(program_id)
        if program.sponsor:
            found[program.sponsor].sponsors_programs.append(program_id)
        if program.pmo_analyst:
            found[program.pmo_analyst].advises_programs.append(program_id)
    return dict(found)


def holders(a: Analysis, role: Role, by_person: dict[str, Duties]) -> list[str]:
    """The people holding `role`: by their `role` in people.yaml, and for the roles the data names (program
    manager, project manager, sponsor) also everyone acting in it; sorted by name."""
    found = {p.id for p in a.portfolio.people.people if p.role and find_role(p.role) == role}
    acting = {
        "program-manager": lambda d: d.manages_programs,
        "project-manager": lambda d: d.manages,
        "sponsor": lambda d: d.sponsors or d.sponsors_programs,
        "pmo-analyst": lambda d: d.advises_programs,
    }.get(role.id)
    if acting is not None:
        found |= {person for person, d in by_person.items() if acting(d)}
    return sorted(found, key=lambda person: (a.person_name(person).casefold(), person))


def role_holders(context: Context, args: dict[str, str]) -> str:
    name = args.get("role", "")
    role = find_role(name)
    if role is None:
        known = ", ".join(r.name for r in ROLES)
        raise MarkerError(f'role="{name}" is not a handbook role; use one of: {known}')
    a = context.analysis
    by_person = context.cache.get("duties")
    if by_person is None:
        by_person = context.cache["duties"] = duties(a)
    if role.id == "steering-committee":
        return _committees(context)
    here = context.page
    rows = []
    for person_id in holders(a, role, by_person):
        person = a.people.get(person_id)
        d = by_person.get(person_id, Duties())
        team: str | Markup = ""
        if person and person.team:
            team_name = plain(a.team_names.get(person.team, person.team))
            team = link(here, team_path(person.team), team_name) if person.team in a.capacity.teams else team_name
        listed = plain(person.role) if person and person.role else "—"
        programs = _programs(context, d, role)
        projects = _projects(context, d, role)
        rows.append((plain(a.person_name(person_id)), team or "—", listed, programs, projects))
    if not rows:
        return paragraph(tag("em", "Nobody holds this role in the portfolio data (", plain(role.name), ")."))
    headers = ["Person", "Team", "Role in people.yaml", "Programs", "Current projects"]
    shown = [0, *(i for i in range(1, len(headers)) if any(row[i] != "—" for row in rows))]  # no empty column
    count = len(rows)
    return paragraph(
        f"{count} {'person holds' if count == 1 else 'people hold'} this role in the portfolio data."
    ) + table([headers[i] for i in shown], [[row[i] for i in shown] for row in rows])


# The PMO's director and coordinator work on the whole portfolio, not on programs of their own.
_WHOLE_PORTFOLIO = frozenset({"pmo-director", "pmo-coordinator"})


def _program_ids(a: Analysis, d: Duties, role: Role) -> list[str]:
    if role.id in _WHOLE_PORTFOLIO:
        return sorted(a.portfolio.programs)
    return {
        "program-manager": d.manages_programs,
        "sponsor": d.sponsors_programs,
        "pmo-analyst": d.advises_programs,
    }.get(role.id, [])


def _programs(context: Context, d: Duties, role: Role) -> str | Markup:
    a, here = context.analysis, context.page
    ids = _program_ids(a, d, role)
    if role.id in _WHOLE_PORTFOLIO:
        return f"all {len(ids)}" if ids else "—"
    return join((link(here, program_path(p), plain(a.portfolio.programs[p].name)) for p in ids), ", ") or "—"


def _projects(context: Context, d: Duties, role: Role) -> str | Markup:
    """The person's projects in this role (for a program's manager or PMO analyst, the program's projects) that
    are not finished, with the number of finished ones."""
    a, here = context.analysis, context.page
    if role.id in _WHOLE_PORTFOLIO:
        running = sum(1 for p in a.portfolio.projects.values() if p.phase not in _FINISHED)
        return f"all {running} not finished" if running else "—"
    if role.id in ("program-manager", "pmo-analyst"):
        in_programs = {p for program in _program_ids(a, d, role) for p in a.by_program.get(program, [])}
        ids = sorted(in_programs | (set(d.manages) if role.id == "program-manager" else set()))
    else:
        ids = {"project-manager": d.manages, "sponsor": d.sponsors}.get(role.id, [])
    current = sorted((p for p in ids if a.project(p).phase not in _FINISHED), key=lambda p: a.project(p).name)
    done = len(ids) - len(current)
    shown = join(
        (
            join([link(here, project_path(p), plain(a.project(p).name)), f" ({fmt.phase(a.project(p).phase).lower()})"])
            for p in current
        ),
        ", ",
    )
    if done:
        shown += f"{'; ' if shown else ''}{done} closed or cancelled"  # Markup + str: the str is escaped
    return shown or "—"


def _committees(context: Context) -> str:
    """One steering committee per program: its chair (the sponsor), the program manager and its projects."""
    a, here = context.analysis, context.page
    rows = []
    for program in sorted(a.portfolio.programs.values(), key=lambda p: p.name.casefold()):
        projects = a.by_program.get(program.id, [])
        running = sum(1 for p in projects if a.project(p).phase not in _FINISHED)
        chair = plain(a.person_name(program.sponsor)) if program.sponsor else tag("em", "no sponsor named")
        rows.append(
            (
                link(here, program_path(program.id), plain(program.name)),
                chair,
                plain(a.person_name(program.manager)),
                plain(a.person_name(program.pmo_analyst)) or "—",
                f"{running} of {len(projects)}",
            )
        )
    if not rows:
        return paragraph(tag("em", "The portfolio has no programs."))
    headers = ["Program", "Chair (sponsor)", "Program manager", "PMO adviser", "Projects not finished"]
    return table(headers, rows, "llllr") + paragraph(
        "The other members (senior user, senior supplier, service owner) are named in each project's initiation "
        "document, not in the portfolio files."
    )
