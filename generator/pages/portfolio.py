"""Stage 4, render: the portfolio-wide pages (dashboard, register, programs, objectives, demand, calendar).

Over 400 lines: six portfolio-wide pages that share their tables; one module per page is the next split.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..analytics.kpi import RAGS, priority_score, rag_verdicts
from ..charts.specs import chart_scripts
from ..data.model import PHASES
from ..io.export import Register, export_bytes, page_data, register
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, attributes, join, script_json, tag
from ..widgets.md import (
    EMPTY,
    facts,
    filter_form,
    front_matter,
    heading,
    link,
    marked,
    md_link,
    objective_path,
    page_scripts,
    page_url,
    paragraph,
    program_path,
    project_path,
    request_path,
    section,
    table,
    table_html,
    team_path,
)
from ..widgets.text import one_line, plain, rich
from .cockpit import first_screen
from .dashboard import by_program_charts, kpi_tiles, spend_chart
from .feeds import subscribe_section
from .roadmap import roadmap_chart
from .urls import (
    CAPACITY,
    CHANGES,
    HOME,
    OBJECTIVES,
    PROGRAMS,
    REGISTER,
    REGISTER_CSV,
    REGISTER_XLSX,
    REQUESTS,
    TABLES_JS,
)

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..analytics.kpi import Row
    from ..data.model import Event
    from .cockpit import Previous


def _project_rows(a: Analysis, here: str, ids: list[str]) -> list[tuple[str | Markup, ...]]:
    cur = a.settings.currency
    rows: list[tuple[str | Markup, ...]] = []
    for pid in ids:
        r = a.rows[pid]
        program = a.portfolio.programs.get(r["program"])
        rows.append(
            (
                marked(link(here, project_path(pid), plain(r["name"])), a.project(pid)),
                tag("code", pid),
                link(here, program_path(r["program"]), plain(program.name)) if program else plain(r["program"]),
                fmt.phase(r["phase"]),
                plain(a.person_name(r["manager"])),
                fmt.rag(r["rag"]),
                fmt.date(r["finish"]),
                fmt.date(r["forecast_finish"]),
                fmt.money(r["bac"], cur),
                fmt.percent(r["percent_complete"]),
            )
        )
    return rows


PROJECT_HEADERS = ["Project", "Id", "Program", "Phase", "Manager", "RAG", "Finish", "Forecast", "Budget", "Complete"]


EXPORT_DATA = "pmo-register-data"  # the id of the register's typed rows in the page


def register_files(table: Register) -> dict[str, bytes]:
    """The whole register as the page's downloads, by their path in the site: `pmo export`'s bytes."""
    return {REGISTER_CSV: export_bytes(table, "csv"), REGISTER_XLSX: export_bytes(table, "xlsx")}


def register_page(a: Analysis, table: Register | None = None) -> str:
    """Every project in one table, sortable by any column and filtered by program, phase, RAG and text in the
    browser (with the site's own script; without it the page is the full table). The filters and the sort
    live in the page's address; the whole register downloads as CSV and XLSX (register_files), and the rows
    shown as the same columns, written in the browser from the typed rows the page carries (`table`, the
    export's)."""
    table = table or register(a)
    ids = list(a.projects.sort_values(["program", "name"]).index)
    rows = a.rows
    row_attrs = [
        attributes(
            data_program=rows[pid]["program"],
            data_phase=rows[pid]["phase"],
            data_rag=rows[pid]["rag"] if isinstance(rows[pid]["rag"], str) else "n/a",
            data_pmo_id=pid,
        )
        for pid in ids
    ]
    programs = sorted(a.portfolio.programs.values(), key=lambda p: p.name)
    choices: dict[str, list[tuple[str, str | Markup]]] = {
        "program": [(p.id, plain(p.name)) for p in programs],
        "phase": [(ph, fmt.phase(ph)) for ph in PHASES if any(rows[pid]["phase"] == ph for pid in ids)],
        "rag": [(r, r.capitalize()) for r in (*RAGS, "n/a")],
    }
    form = filter_form("pmo-register-table", choices, len(ids), search=True, hint="name, id, manager, program")
    table_attrs = attributes(id="pmo-register-table", data_pmo_sortable=True)
    register_table = html_block(
        table_html(PROJECT_HEADERS, _project_rows(a, REGISTER, ids), "llllllllrr", table_attrs, row_attrs)
    )
    return (
        front_matter("Project register", searchable=False)
        + heading("Project register", 1)
        + f"Every project in the portfolio ({len(ids)}), as of {fmt.date(a.settings.as_of)}. "
        + "RAG is derived from SPI, CPI and schedule slip unless the PMO set an override. Sort by any column "
        + "with its heading; filter with the lists and the Find box. The page's address keeps the filters and "
        + "the sort: copy it to share the view.\n\n"
        + form
        + _downloads(len(ids))
        + register_table
        + html_block(script_json(page_data(table), id=EXPORT_DATA))  # after the table: shown before this is read
        + page_scripts(REGISTER, TABLES_JS)
    )


_WHOLE = (("CSV", REGISTER_CSV), ("XLSX", REGISTER_XLSX))
_SHOWN_BUTTONS = join(
    [
        tag("button", "CSV", type="button", class_="pmo-download", data_pmo_format="csv"),
        tag("button", "XLSX", type="button", class_="pmo-download", data_pmo_format="xlsx"),
    ],
    " ",
)


def _downloads(count: int) -> str:
    """Links to the whole register's files, and buttons for the rows shown (hidden until tables.js runs:
    without it there is nothing to write them), which the script writes from the typed rows of EXPORT_DATA."""
    up = "../" * page_url(REGISTER).count("/")
    whole = join([tag("a", label, href=up + path, download=True) for label, path in _WHOLE], " · ")
    shown = tag(
        "span",
        " The rows shown: ",
        _SHOWN_BUTTONS,
        hidden=True,
        data_pmo_export="pmo-register-table",
        data_pmo_source=EXPORT_DATA,
        data_pmo_name="register-shown",
    )
    return html_block(
        tag("p", f"Download all {count} projects, every column: ", whole, ".", shown, class_="pmo-downloads")
    )


_OWN_TITLE = re.compile(r"\s*#[ \t]")  # a hand-written home page that starts with its own h1
COUNTS = attributes(data_pmo_counts=True)  # pmo.css: a table of one row of counts, in narrow columns


ATTENTION_SHOWN = 8  # rows of "Needs attention" on the first screen; the full list is further down
ALL_ATTENTION = "all-needing-attention"  # the anchor of the full list


def home_page(
    a: Analysis,
    intro: str | None,
    changes_title: str | None = None,
    previous: Previous | None = None,
    start_here: str | None = None,
) -> str:
    """The first screen shows trouble: RAG counts, the key figures coloured by threshold with their change since
    the `previous` published version, and the top of "Needs attention"; `start_here` is the handbook's page for
    new readers. The rest follows: capacity, programs, phases, run and change, the full attention list."""
    t = a.totals
    org = plain(a.settings.organization)
    header = intro.rstrip() + "\n\n" if intro else ""
    if not (intro and _OWN_TITLE.match(intro)):  # docs/index.md may open with a title of its own
        header = heading(join([org, " IT portfolio"]), 1) + header
    shown = [ph for ph in PHASES if t.by_phase[ph]]
    # one row of counts: narrow columns, so that every phase fits on a laptop's screen
    by_phase = html_block(
        table_html([fmt.phase(ph) for ph in shown], [[str(t.by_phase[ph]) for ph in shown]], "r" * len(shown), COUNTS)
    )
    attention = needing_attention(a)
    return (
        front_matter("Home", searchable=False, hide=("navigation", "toc"))  # the screen's width for the figures
        + header
        + f"The portfolio at a glance as of **{fmt.date(a.settings.as_of)}**, the end of the current reporting "
        + f"period. See the {md_link(HOME, REGISTER, 'project register')} for every project.\n\n"
        + _start_here(start_here)
        + _changes_link(changes_title)
        + first_screen(a, previous, _attention_top(a, attention))
        + section("Capacity", _capacity(a))
        + section("Programs", _program_table(a, HOME) + "\n" + by_program_charts(a))
        + section("Projects by phase", by_phase)
        + section("Run and change", spend_chart(a, a.totals))
        + _attention_all(a, attention)
        + chart_scripts(HOME)
    )


def _start_here(page: str | None) -> str:
    """The way into the handbook for a new reader, on the first screen."""
    if page is None:
        return ""
    return html_block(
        tag(
            "p",
            tag("strong", "New here?"),
            " ",
            link(HOME, page, "Start here"),
            ": what to read first for your role, and your first week.",
            class_="pmo-start-here",
        )
    )


def _changes_link(title: str | None) -> str:
    """On a published version with a previous one: the way to what moved since then."""
    if title is None:
        return ""
    return f"What moved since the last published version: {md_link(HOME, CHANGES, plain(title))}.\n\n"


def attention_reasons(a: Analysis, row: Row) -> list[str]:
    """Why an active project needs a look: what makes it red (SPI or CPI past the red threshold, or an override),
    slipping past the amber threshold, or a stale report. The table beside says the RAG itself."""
    reasons = []
    if row["rag"] == "red":
        rules = a.settings.rag
        if row["override_rag"] == "red":
            reasons.append("set red by override")
        for verdict in rag_verdicts(row, rules):
            if verdict.rag == "red" and verdict.kpi != "slip_days":  # slip is said below, with its days
                limit = getattr(rules, verdict.kpi).red
                value = fmt.beside_threshold(verdict.kpi, verdict.value, limit)
                reasons.append(f"{verdict.kpi.upper()} {value}, under {limit:g}")
        if not reasons and row["slip_days"] < rules.slip_days.red:
            reasons.append("red")  # no input says why (not expected): still listed, as red
    if row["slip_days"] >= a.settings.rag.slip_days.amber:
        reasons.append(f"finish slipped {fmt.days(row['slip_days'])}")
    if row["stale"]:
        age = row["status_age_days"]
        reasons.append("no status report yet" if fmt.missing(age) else f"last status report {int(age)} days old")
    return reasons


Attention = list[tuple[str, "Row", list[str]]]  # project id, its row, why it needs a look


def needing_attention(a: Analysis) -> Attention:
    """The active projects that need a look, most severe first: red, then amber, then no status yet, then green;
    within each, the furthest slipped first, then by name."""
    found: Attention = [(pid, row, attention_reasons(a, row)) for pid, row in a.rows.items() if row["active"]]
    found = [item for item in found if item[2]]
    found.sort(key=lambda item: (_SEVERITY.get(item[1]["rag"], 2), -_slip(item[1]), item[1]["name"]))
    return found


_SEVERITY = {"red": 0, "amber": 1, "green": 3}  # no RAG (no status report yet) between amber and green


def _slip(row: Row) -> float:
    return 0.0 if fmt.missing(row["slip_days"]) else float(row["slip_days"])


def _attention_table(a: Analysis, found: Attention) -> Markup:
    rows = [
        (
            link(HOME, project_path(pid), plain(row["name"])),
            fmt.rag(row["rag"]),
            "; ".join(reasons),
            plain(a.person_name(row["manager"])),
        )
        for pid, row, reasons in found
    ]
    return tag("div", table_html(["Project", "RAG", "Why", "Manager"], rows), class_="pmo-attention")


def _attention_top(a: Analysis, found: Attention) -> Markup:
    """The most severe few, with a link to the full list when there are more."""
    if not found:
        return tag("p", "No active project is red, slipping or late with its status report.")
    top = _attention_table(a, found[:ATTENTION_SHOWN])
    if len(found) <= ATTENTION_SHOWN:
        return top
    more = tag(
        "p",
        f"The {ATTENTION_SHOWN} most severe of {len(found)}: ",
        tag("a", f"all {len(found)} needing attention", href=f"#{ALL_ATTENTION}"),
        ".",
        class_="pmo-attention-more",
    )
    return join([more, top])


def _attention_all(a: Analysis, found: Attention) -> str:
    if len(found) <= ATTENTION_SHOWN:
        return ""
    body = html_block(_attention_table(a, found))
    return section(f"All {len(found)} needing attention", body, anchor=ALL_ATTENTION)


def _capacity(a: Analysis) -> str:
    """Over-allocated team-months in the capacity window, by team, each team linked to its page."""
    cap = a.capacity
    more = md_link(HOME, CAPACITY, "Capacity")
    if not cap.teams:
        return f"No teams are defined, so there is no capacity to compare. See {more}.\n"
    window = f"{fmt.month(cap.months[0])} to {fmt.month(cap.months[-1])}"
    over = cap.over_allocated()
    if not over:
        return f"No team is over-allocated in the next 12 months ({window}). See {more}.\n"
    teams = a.team_names
    months: dict[str, list[str]] = defaultdict(list)
    for cell in over:
        months[cell["team"]].append(fmt.month(cell["month"]))
    items = join(
        tag("li", link(HOME, team_path(tid), plain(teams[tid])), ": ", ", ".join(found))
        for tid, found in months.items()
    )
    count = f"{len(over)} team-month{'s' if len(over) != 1 else ''}"
    return (
        paragraph(
            tag("strong", f"{count} over-allocated"),
            f" in the next 12 months ({window}): demand from the projects' resources exceeds the team's capacity "
            f"in {len(months)} team{'s' if len(months) != 1 else ''}.",
        )
        + html_block(tag("ul", items))
        + f"See {more} for every team and month.\n"
    )


def _health(a: Analysis, ids: list[str]) -> Markup:
    rags = Counter(a.rows[pid]["rag"] for pid in ids if a.rows[pid]["active"])
    return join((join([fmt.rag(r), f" {rags[r]}"]) for r in RAGS if rags[r]), " ") or Markup("—")


def _program_table(a: Analysis, here: str) -> str:
    cur = a.settings.currency
    rows = []
    for program in sorted(a.portfolio.programs.values(), key=lambda p: p.name):
        ids = a.by_program.get(program.id, [])
        rows.append(
            (
                link(here, program_path(program.id), plain(program.name)),
                plain(a.person_name(program.manager)),
                str(len(ids)),
                _health(a, ids),
                fmt.money(
                    sum(a.rows[pid]["bac"] for pid in ids if a.rows[pid]["phase"] != "cancelled"), cur, compact=True
                ),
            )
        )
    headers = ["Program", "Manager", "Projects", "Active projects by RAG", "Budget, not cancelled"]
    return table(headers, rows, align="llrlr")


def programs_page(a: Analysis) -> str:
    return front_matter("Programs", searchable=False) + heading("Programs", 1) + _program_table(a, PROGRAMS)


def program_page(a: Analysis, program_id: str) -> str:
    program = a.portfolio.programs[program_id]
    here = program_path(program_id)
    ids = sorted(a.by_program.get(program_id, []), key=lambda pid: a.rows[pid]["name"])
    roadmap = roadmap_chart(a, ids, here, "roadmap", f"{program.name} roadmap")
    objectives = a.objectives
    about = facts(
        ("Role", "Who / what"),
        [
            ("Program manager", plain(a.person_name(program.manager))),
            ("Sponsor", plain(a.person_name(program.sponsor)) or "—"),
            ("PMO analyst", plain(a.person_name(program.pmo_analyst)) or "—"),
            (
                "Objectives",
                join((link(here, objective_path(o), plain(objectives[o].name)) for o in program.objectives), ", ")
                or "—",
            ),
            ("Active projects by RAG", _health(a, ids)),
        ],
    )
    return (
        front_matter(program.name)
        + heading(marked(plain(program.name), program), 1)
        + about
        + "\n"
        + rich(program.description)
        + "\n"
        + section("Key figures", kpi_tiles(a, a.program_totals[program_id]))
        + section("Projects", table(PROJECT_HEADERS, _project_rows(a, here, ids), align="llllllllrr"))
        + section("Roadmap", roadmap)
        + (chart_scripts(here) if "pmo-chart-spec" in roadmap else "")
    )


def objectives_page(a: Analysis) -> str:
    rows = [
        (link(OBJECTIVES, objective_path(o.id), plain(o.name)), str(len(a.by_objective.get(o.id, []))))
        for o in a.settings.objectives
    ]
    return (
        front_matter("Strategic objectives", searchable=False)
        + heading("Strategic objectives", 1)
        + table(["Objective", "Projects"], rows, align="lr")
    )


def objective_page(a: Analysis, objective_id: str) -> str:
    objective = next(o for o in a.settings.objectives if o.id == objective_id)
    here = objective_path(objective_id)
    ids = sorted(a.by_objective.get(objective_id, []), key=lambda pid: a.rows[pid]["name"])
    programs = [p for p in sorted(a.portfolio.programs.values(), key=lambda p: p.name) if objective_id in p.objectives]
    program_list = join(tag("li", link(here, program_path(p.id), plain(p.name))) for p in programs)
    roadmap = roadmap_chart(a, ids, here, "roadmap", f"{objective.name} roadmap")
    return (
        front_matter(objective.name)
        + heading(plain(objective.name), 1)
        + rich(objective.description)
        + "\n"
        + section("Key figures", kpi_tiles(a, a.objective_totals[objective_id]))
        + section("Programs", html_block(tag("ul", program_list)) if program_list else EMPTY)
        + section("Projects", table(PROJECT_HEADERS, _project_rows(a, here, ids), align="llllllllrr"))
        + section("Roadmap", roadmap)
        + (chart_scripts(here) if "pmo-chart-spec" in roadmap else "")
    )


def requests_page(a: Analysis) -> str:
    cur = a.settings.currency
    ranked = sorted(
        a.portfolio.requests.values(),
        key=lambda r: (-(priority_score(r.scores, a.settings) or 0), r.name),
    )
    rows = [
        (
            link(REQUESTS, request_path(r.id), plain(r.name)),
            plain(a.person_name(r.requested_by)),
            fmt.date(r.submitted),
            r.stage,
            fmt.money(r.estimated_cost, cur),
            fmt.number(priority_score(r.scores, a.settings), 2),
        )
        for r in ranked
    ]
    return (
        front_matter("Demand", searchable=False)
        + heading("Demand", 1)
        + "Requests not yet approved as projects, highest priority first.\n\n"
        + table(
            ["Request", "Requested by", "Submitted", "Stage", "Estimated cost", "Priority score"], rows, align="llllrr"
        )
    )


def request_page(a: Analysis, request_id: str) -> str:
    r = a.portfolio.requests[request_id]
    here = request_path(request_id)
    programs = a.portfolio.programs
    objectives = a.objectives
    about = facts(
        ("Fact", "Value"),
        [
            ("Requested by", plain(a.person_name(r.requested_by))),
            ("Submitted", fmt.date(r.submitted)),
            ("Stage", r.stage),
            ("Estimated cost", fmt.money(r.estimated_cost, a.settings.currency)),
            ("Priority score", fmt.number(priority_score(r.scores, a.settings), 2)),
            (
                "Program",
                link(here, program_path(r.program), plain(programs[r.program].name)) if r.program in programs else "—",
            ),
            (
                "Objectives",
                join((link(here, objective_path(o), plain(objectives[o].name)) for o in r.objectives), ", ") or "—",
            ),
        ],
    )
    summary = paragraph(tag("strong", plain(r.summary))) if r.summary else ""
    return front_matter(r.name) + heading(marked(plain(r.name), r), 1) + about + "\n" + summary + rich(r.description)


def calendar_page(a: Analysis, site_url: str | None = None) -> str:
    """The events by month, after the links to subscribe to them (feeds.py) with the milestones."""
    events = sorted(a.portfolio.events, key=lambda e: (e.start, e.last_day, e.title))
    parts = [
        front_matter("IT calendar"),
        heading("IT calendar", 1)
        + "Release windows, change freezes, maintenance windows and gate meetings, by month.\n",
        subscribe_section(a, site_url),
    ]
    if not events:
        parts.append("_No events in the calendar._\n")
    by_month: dict[tuple[int, int], list[Event]] = defaultdict(list)
    for event in events:  # an event spanning months is listed in each of them
        year, month = event.start.year, event.start.month
        while (year, month) <= (event.last_day.year, event.last_day.month):
            by_month[(year, month)].append(event)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for (year, month), group in sorted(by_month.items()):
        rows = [
            (
                plain(e.title),
                e.kind,
                fmt.date(e.start),
                fmt.date(e.last_day),
                plain(", ".join(e.systems)) or "—",
                one_line(e.note) or "—",
            )
            for e in group
        ]
        title = f"{_MONTHS[month - 1]} {year}"
        parts.append(section(title, table(["Event", "Kind", "Start", "End", "Systems", "Note"], rows)))
    return "\n".join(parts)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
