"""Stage 4, render: the Capacity page (demand against capacity, team × month) and one page per team."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..analytics.capacity import WINDOW
from ..charts.specs import SERIES_COLORS, capacity_heatmap_spec, chart_block, chart_scripts, load_band, team_load_spec
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, join, tag
from ..widgets.md import front_matter, heading, link, paragraph, project_path, section, table, table_html, team_path
from ..widgets.text import plain
from .dashboard import tiles
from .urls import CAPACITY

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..data.model import Team

COUNTED = "approved, in planning, in execution or closing"
_TOP = 3  # projects named in a heat map cell's tooltip
_SERIES = len(SERIES_COLORS) - 1  # projects drawn apart in a team's chart; more are stacked as one, in grey
_BEHIND = 6  # projects named behind an over-allocated month; the team page lists them all


def utilization_text(utilization: float, over: bool) -> str:
    """A utilization (a fraction) as a percent; over capacity it says so in text, not only in color. A hair
    over 100 % shows a decimal so that it does not read as "100 %"."""
    percent = 100 * utilization
    text = fmt.percent(percent, 1 if over and round(percent) <= 100 else 0)
    return f"{text} ⚠" if over else text


def _unique(names: dict[str, str]) -> dict[str, str]:
    """Labels for charts, where equal names would merge: the id is added to a name that is not unique."""
    seen = Counter(names.values())
    return {key: name if seen[name] == 1 else f"{name} ({key})" for key, name in names.items()}


def _window(a: Analysis) -> str:
    months = a.capacity.months
    return f"{fmt.month(months[0])} to {fmt.month(months[-1])}"


def _contributors(projects: dict[str, list[float]], month: int) -> list[tuple[str, float]]:
    """(project id, FTE) with demand in the month, largest first."""
    found = [(pid, months[month]) for pid, months in projects.items() if months[month] > 0]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def _cells(
    a: Analysis, team_id: str, team_label: str, projects: dict[str, list[float]], labels: dict[str, str]
) -> list[dict[str, Any]]:
    """The team's 12 months as chart rows (the heat map's cells, the team chart's month totals)."""
    rows = []
    for m, cell in enumerate(a.capacity.team_cells(team_id)):
        top = _contributors(projects, m)
        named = ", ".join(f"{labels[pid]} {fte:.1f}" for pid, fte in top[:_TOP])
        more = f", +{len(top) - _TOP} more" if len(top) > _TOP else ""
        rows.append(
            {
                "team": team_label,
                "month": fmt.month(cell["month"]),
                "demand": cell["demand"],
                "capacity": cell["capacity"],
                "utilization": round(cell["utilization"], 4),
                "band": load_band(cell["utilization"]),
                "label": fmt.percent(100 * cell["utilization"]),
                "over": "yes" if cell["over"] else "no",
                "top": (named + more) or "none",
            }
        )
    return rows


def _project_labels(a: Analysis, *groups: dict[str, list[float]]) -> dict[str, str]:
    """Labels of the projects in `groups` (a team's projects), unique among them."""
    return _unique({pid: a.rows[pid]["name"] for group in groups for pid in sorted(group)})


def _team_labels(a: Analysis) -> dict[str, str]:
    teams = {t.id: t.name for t in a.portfolio.people.teams}
    return _unique({tid: teams[tid] for tid in a.capacity.teams})


def _intro(a: Analysis) -> str:
    return (
        f"Demand is the sum of the `resources` (FTE) of the projects that are {COUNTED}; proposals, "
        "closed, cancelled and on-hold projects are not counted (a project on hold is paused by decision: its "
        "people work elsewhere until it resumes). A team-month is **over-allocated** when demand exceeds the "
        f"team's capacity. The window is the 12 months from the month of the reporting date, "
        f"{fmt.date(a.settings.as_of)}: {_window(a)}."
    )


def capacity_page(a: Analysis) -> str:
    cap = a.capacity
    head = front_matter("Capacity", searchable=False) + heading("Capacity", 1)
    if not cap.teams:
        return head + "No teams are defined in `people.yaml` (`teams:`), so there is no capacity to compare.\n"
    team_labels = _team_labels(a)
    by_team = {tid: cap.team_projects(tid) for tid in cap.teams}
    cells = []
    for tid, projects in by_team.items():
        cells += _cells(a, tid, team_labels[tid], projects, _project_labels(a, projects))
    over = cap.over_allocated()
    over_teams = len({cell["team"] for cell in over})
    count = (
        f"{len(over)} of {len(cap.records)} team-months are over-allocated, in {over_teams} of {len(cap.teams)} teams."
    )
    summary = f"Demand against capacity for {len(cap.teams)} teams, {_window(a)}: {count}"
    chart = chart_block(
        "capacity-heatmap", capacity_heatmap_spec("Demand / capacity by team and month", cells), summary, None
    )
    return (
        head
        + "Demand on each team against its capacity, month by month. "
        + _intro(a)
        + "\n\n"
        + f"**{count}**\n\n"
        + section("Heat map", chart)
        + section("Utilization by team and month", _utilization_table(a, team_labels))
        + section("Over-allocated team-months", _over_list(a, team_labels, by_team))
        + chart_scripts(CAPACITY)
    )


def _utilization_table(a: Analysis, team_labels: dict[str, str]) -> str:
    cap = a.capacity
    rows = []
    for tid in cap.teams:
        cells = cap.team_cells(tid)
        percents = [
            tag("strong", utilization_text(c["utilization"], True))
            if c["over"]
            else utilization_text(c["utilization"], False)
            for c in cells
        ]
        rows.append(
            (
                link(CAPACITY, team_path(tid), plain(team_labels[tid])),
                fmt.number(cells[0]["capacity"], 1),
                *percents,
            )
        )
    headers = ["Team", "Capacity (FTE)", *(fmt.month(m) for m in cap.months)]
    note = paragraph("Demand as a percentage of capacity; ", tag("strong", "⚠"), " marks an over-allocated month.")
    return note + table(headers, rows, align="lr" + "r" * WINDOW)


def _over_list(a: Analysis, team_labels: dict[str, str], by_team: dict[str, dict[str, list[float]]]) -> str:
    """The over-allocated months by team, each with the projects behind its demand, largest first."""
    cap = a.capacity
    teams = []
    for tid in cap.teams:
        over = [(m, cell) for m, cell in enumerate(cap.team_cells(tid)) if cell["over"]]
        if not over:
            continue
        months = join(
            tag(
                "li",
                tag("strong", fmt.month(cell["month"])),
                f": {_demand_text(cell)} — ",
                _behind(a, CAPACITY, tid, by_team[tid], m),
            )
            for m, cell in over
        )
        team = link(CAPACITY, team_path(tid), plain(team_labels[tid]))
        capacity = fmt.number(over[0][1]["capacity"], 1)
        teams.append(tag("li", team, f", capacity {capacity} FTE", tag("ul", months)))
    if not teams:
        return "No team is over-allocated in the next 12 months.\n"
    return html_block(tag("ul", join(teams)))


def _demand_text(cell: dict[str, Any]) -> str:
    return (
        f"{fmt.number(cell['demand'], 1)} FTE demanded of {fmt.number(cell['capacity'], 1)} "
        f"({utilization_text(cell['utilization'], True)})"
    )


def _behind(a: Analysis, here: str, team_id: str, projects: dict[str, list[float]], month: int) -> Markup:
    """The projects with the largest demand in the month, linked, with their FTE; the rest are counted, with
    a link to the team's table of every project."""
    found = _contributors(projects, month)
    named = join(
        (
            join([link(here, project_path(pid), plain(a.rows[pid]["name"])), " ", fmt.number(fte, 1)])
            for pid, fte in found[:_BEHIND]
        ),
        ", ",
    )
    rest = len(found) - _BEHIND
    return named + (join([" and ", link(here, team_path(team_id), f"{rest} more", "projects")]) if rest > 0 else "")


def team_page(a: Analysis, team_id: str) -> str:
    cap = a.capacity
    team = next(t for t in a.portfolio.people.teams if t.id == team_id)
    here = team_path(team_id)
    projects = cap.team_projects(team_id)
    paused = cap.team_projects(team_id, paused=True)
    labels = _project_labels(a, projects, paused)
    cells = _cells(a, team_id, team.name, projects, labels)
    frame = cap.team_cells(team_id)
    over = [cell for cell in cells if cell["over"] == "yes"]
    peak = max(range(WINDOW), key=lambda m: (frame[m]["utilization"], -m))
    figures = tiles(
        [
            (fmt.number(team.capacity_fte, 1), "FTE capacity a month"),
            (fmt.percent(100 * frame[peak]["utilization"]), f"peak utilization ({fmt.month(cap.months[peak])})"),
            (f"{len(over)} of {WINDOW}", "months over-allocated"),
            (str(len(projects)), "projects drawing on the team"),
        ]
    )
    parts = [
        front_matter(team.name, description=f"Capacity and demand of the team {team.name}"),
        heading(plain(team.name), 1),
        paragraph(
            f"Capacity against demand, {_window(a)}. Demand counts the projects that are {COUNTED}; see ",
            link(here, CAPACITY, "Capacity"),
            " for every team and how demand is counted.",
        ),
        figures,
        _flag(a, team_id, cells, projects),
        section("Demand and capacity by month", _team_chart(a, team, cells, projects, labels)),
        section("Projects", _projects_table(a, here, projects, labels, [c["demand"] for c in frame])),
    ]
    if paused:
        parts.append(
            section(
                "On hold, not counted",
                paragraph("Demand these paused projects planned on the team: it comes back if they resume.")
                + _projects_table(a, here, paused, labels, None),
            )
        )
    parts.append(section("Members", _members(a, team)))
    if projects:
        parts.append(chart_scripts(here))
    return "".join(parts)


def _flag(a: Analysis, team_id: str, cells: list[dict[str, Any]], projects: dict[str, list[float]]) -> str:
    """Over-allocated months as a warning admonition (Material's markup, written as HTML: the list holds links)."""
    over = [(m, cell) for m, cell in enumerate(cells) if cell["over"] == "yes"]
    if not over:
        return paragraph(tag("strong", "Not over-allocated"), f" in the next 12 months ({_window(a)}).")
    here = team_path(team_id)
    items = join(
        tag("li", tag("strong", cell["month"]), f": {_demand_text(cell)} — ", _behind(a, here, team_id, projects, m))
        for m, cell in over
    )
    months = "month" if len(over) == 1 else "months"
    title = tag("p", f"Over-allocated in {len(over)} of the next 12 {months}", class_="admonition-title")
    return html_block(tag("div", title, tag("ul", items), class_="admonition warning"))


def _team_chart(
    a: Analysis, team: Team, cells: list[dict[str, Any]], projects: dict[str, list[float]], labels: dict[str, str]
) -> str:
    if not projects:
        return f"No demand on this team in the next 12 months: 0 % of its capacity ({_window(a)}).\n"
    ranked = sorted(projects.items(), key=lambda item: (-sum(item[1]), labels[item[0]]))
    series = [(labels[pid], months) for pid, months in ranked[:_SERIES]]
    rest = ranked[_SERIES:]
    if len(rest) == 1:
        series.append((labels[rest[0][0]], rest[0][1]))
    elif rest:
        series.append((f"Other projects ({len(rest)})", [sum(m[i] for _, m in rest) for i in range(WINDOW)]))
    demand = [  # month-major, every series in every month: the months keep their order on the axis
        {"month": cell["month"], "project": label, "fte": round(months[m], 3), "rank": rank}
        for m, cell in enumerate(cells)
        for rank, (label, months) in enumerate(series)
    ]
    over = sum(1 for cell in cells if cell["over"] == "yes")
    summary = (
        f"{team.name}: demand per month stacked by project against a capacity of {fmt.number(team.capacity_fte, 1)} "
        f"FTE, {_window(a)}; over capacity in {over} of {WINDOW} months."
    )
    rows = [
        (
            cell["month"],
            fmt.number(cell["demand"], 1),
            fmt.number(cell["capacity"], 1),
            utilization_text(cell["utilization"], cell["over"] == "yes"),
            cell["over"],
        )
        for cell in cells
    ]
    data = table_html(["Month", "Demand (FTE)", "Capacity (FTE)", "Utilization", "Over-allocated"], rows, "lrrrl")
    spec = team_load_spec(f"{team.name}: demand and capacity", demand, cells, team.capacity_fte)
    return chart_block("team-load", spec, summary, data)


def _projects_table(
    a: Analysis, here: str, projects: dict[str, list[float]], labels: dict[str, str], totals: list[float] | None
) -> str:
    """Each project's FTE on the team per month ("—" for none), with the team's total demand below."""
    ordered = sorted(projects, key=lambda pid: (labels[pid], pid))
    rows = [
        (
            link(here, project_path(pid), plain(labels[pid])),
            fmt.phase(a.rows[pid]["phase"]),
            *(fmt.number(fte, 1) if fte else "—" for fte in projects[pid]),
        )
        for pid in ordered
    ]
    if rows and totals is not None:
        rows.append((tag("strong", "Total demand"), "", *(tag("strong", fmt.number(t, 1)) for t in totals)))
    headers = ["Project", "Phase", *(fmt.month(m) for m in a.capacity.months)]
    return table(headers, rows, align="ll" + "r" * WINDOW)


def _members(a: Analysis, team: Team) -> str:
    members = sorted((p for p in a.portfolio.people.people if p.team == team.id), key=lambda p: (p.name, p.id))
    if not members:
        return "No one in `people.yaml` is on this team.\n"
    return table(["Name", "Role"], [(plain(p.name), plain(p.role) or "—") for p in members])
