"""Stage 4, render: the portfolio-wide pages (dashboard, register, programs, objectives, demand, calendar).

Over 400 lines: six portfolio-wide pages that share their tables; one module per page is the next split.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..analytics.kpi import RAGS, priority_score, rag_verdicts
from ..charts.specs import chart_scripts
from ..data.model import PHASES
from ..io.export import Register, export_bytes, page_data
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
    ATTENTION,
    CAPACITY,
    CHANGES,
    HOME,
    OBJECTIVES,
    PROGRAMS,
    REGISTER,
    REGISTER_CSV,
    REGISTER_TYPED,
    REGISTER_XLSX,
    REQUESTS,
    TABLES_JS,
)

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..analytics.kpi import Row
    from ..data.model import Event, Program
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


REGISTER_ROWS = "pmo-register-rows"  # the id of the register's rows in the page (register_rows)
REGISTER_SHOWN = 50  # rows written as HTML (all the page shows without JavaScript) and rendered at a time


def register_files(table: Register) -> dict[str, bytes]:
    """The whole register as the page's downloads, by their path in the site: `pmo export`'s bytes, and the typed
    rows tables.js writes the downloads of the rows shown from (fetched on a click, never on a visit)."""
    typed = json.dumps(page_data(table), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return {
        REGISTER_CSV: export_bytes(table, "csv"),
        REGISTER_XLSX: export_bytes(table, "xlsx"),
        REGISTER_TYPED: typed.encode("utf-8"),
    }


def register_order(a: Analysis) -> list[str]:
    """The register's rows before any sort: by program, then name."""
    return list(a.projects.sort_values(["program", "name"]).index)


def register_rows(a: Analysis, ids: list[str]) -> dict[str, object]:
    """The register's rows as tables.js renders them, about 40 bytes a project besides its name: one list
    per column; the columns of few values (program, phase, manager, RAG) as indexes into lists of those values;
    an id that is its name's slug as 0 (the script makes the slug, see `slug`); dates as days after `as_of`;
    numbers rounded as the page writes them, so the sort follows what the reader sees. Text from the data is data
    here: the script writes it with textContent."""
    rows = a.rows
    programs = sorted({rows[pid]["program"] for pid in ids})
    managers = sorted({_line(a.person_name(rows[pid]["manager"])) for pid in ids})
    phases = [ph for ph in PHASES if any(rows[pid]["phase"] == ph for pid in ids)]
    known = a.portfolio.programs
    program_at = {program: n for n, program in enumerate(programs)}
    manager_at = {manager: n for n, manager in enumerate(managers)}
    rag_at = {rag: n for n, rag in enumerate(RAGS)}
    names = {p: _line(known[p].name) if p in known else _line(p) for p in programs}
    as_of = a.settings.as_of
    return {
        "up": "../" * page_url(REGISTER).count("/"),  # to the site's root, for the links to each page
        "as_of": as_of.isoformat(),
        "currency": _currency(a.settings.currency),
        "programs": [[_unless_slug(p, names[p]), names[p], int(p in known)] for p in programs],
        "phases": [[ph, fmt.phase(ph)] for ph in phases],
        "managers": managers,
        "rags": list(RAGS),
        "name": [_line(rows[pid]["name"]) for pid in ids],
        "id": [_unless_slug(pid, _line(rows[pid]["name"])) for pid in ids],
        "program": [program_at[rows[pid]["program"]] for pid in ids],
        "phase": [phases.index(rows[pid]["phase"]) for pid in ids],
        "manager": [manager_at[_line(a.person_name(rows[pid]["manager"]))] for pid in ids],
        "rag": [rag_at.get(rows[pid]["rag"]) if isinstance(rows[pid]["rag"], str) else None for pid in ids],
        "finish": [_days_after(as_of, rows[pid]["finish"]) for pid in ids],
        "forecast": [_days_after(as_of, rows[pid]["forecast_finish"]) for pid in ids],
        "budget": [_whole(rows[pid]["bac"]) for pid in ids],
        "complete": [_whole(rows[pid]["percent_complete"]) for pid in ids],
        "pmo_only": [i for i, pid in enumerate(ids) if a.project(pid).visibility == "pmo"],
    }


def slug(name: str) -> str | None:
    """An ASCII name as tables.js slugs it (lower case, runs of other characters as one hyphen, none at the ends);
    None for a name beyond ASCII, whose lower case may differ between Python and JavaScript."""
    if not name.isascii():
        return None
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _unless_slug(entity_id: str, name: str) -> str | int:
    """The id, or 0 when it is the slug of the name beside it (demo data and many real ids: a third of the bytes)."""
    return 0 if slug(name) == entity_id else entity_id


def _line(value: object) -> str:
    """Text as a page shows it (widgets.text.plain, unescaped): runs of whitespace as one space."""
    return " ".join(str(value).split())


def _days_after(as_of: dt.date, value: object) -> int | None:
    return (value - as_of).days if isinstance(value, dt.date) else None


def _currency(code: str) -> list[str]:
    """How fmt.money writes an amount: [before, after] the digits."""
    symbol = fmt.CURRENCY_SYMBOLS.get(code)
    return [symbol, ""] if symbol else ["", f" {code}"]


def _whole(value: object) -> int | None:
    """A number as the page writes it (fmt.money, fmt.percent: no decimals, Python's rounding), or None."""
    return None if fmt.missing(value) else int(f"{float(value):.0f}")  # type: ignore[arg-type]


def register_page(a: Analysis) -> str:
    """Every project, sortable by any column and filtered by program, phase, RAG and text in the browser. The rows
    travel as compact JSON (register_rows) and tables.js renders REGISTER_SHOWN of them at a time, so that 5,000
    projects neither weigh megabytes nor freeze the tab; without JavaScript the page shows the first rows as HTML
    and the downloads hold them all. The filters and the sort live in the page's address; the whole register
    downloads as CSV and XLSX (register_files), and the rows shown as the same columns."""
    ids = register_order(a)
    rows = a.rows
    first = ids[:REGISTER_SHOWN]
    row_attrs = [attributes(data_pmo_id=pid) for pid in first]
    programs = sorted(a.portfolio.programs.values(), key=lambda p: p.name)
    choices: dict[str, list[tuple[str, str | Markup]]] = {
        "program": [(p.id, plain(p.name)) for p in programs],
        "phase": [(ph, fmt.phase(ph)) for ph in PHASES if any(rows[pid]["phase"] == ph for pid in ids)],
        "rag": [(r, r.capitalize()) for r in (*RAGS, "n/a")],
    }
    form = filter_form("pmo-register-table", choices, len(first), search=True, hint="name, id, manager, program")
    table_attrs = attributes(id="pmo-register-table", data_pmo_sortable=True, data_pmo_rows=REGISTER_ROWS)
    register_table = html_block(
        table_html(PROJECT_HEADERS, _project_rows(a, REGISTER, first), "llllllllrr", table_attrs, row_attrs)
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
        + _more(len(first), len(ids))
        + html_block(script_json(register_rows(a, ids), id=REGISTER_ROWS))
        + page_scripts(REGISTER, TABLES_JS)
    )


def _more(shown: int, count: int) -> str:
    """Below the table: what the page holds without JavaScript (tables.js puts its "show more" button here)."""
    if shown == count:
        return html_block(tag("p", class_="pmo-register-more", id="pmo-register-more", hidden=True))
    return html_block(
        tag(
            "p",
            f"The first {shown} of {count} projects; the downloads above hold them all.",
            class_="pmo-register-more",
            id="pmo-register-more",
        )
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
    without it there is nothing to write them), which the script writes from the typed rows of REGISTER_TYPED."""
    up = "../" * page_url(REGISTER).count("/")
    whole = join([tag("a", label, href=up + path, download=True) for label, path in _WHOLE], " · ")
    shown = tag(
        "span",
        " The rows shown: ",
        _SHOWN_BUTTONS,
        hidden=True,
        data_pmo_export="pmo-register-table",
        data_pmo_source=up + REGISTER_TYPED,
        data_pmo_name="register-shown",
    )
    return html_block(
        tag("p", f"Download all {count} projects, every column: ", whole, ".", shown, class_="pmo-downloads")
    )


_OWN_TITLE = re.compile(r"\s*#[ \t]")  # a hand-written home page that starts with its own h1
COUNTS = attributes(data_pmo_counts=True)  # pmo.css: a table of one row of counts, in narrow columns


ATTENTION_SHOWN = 8  # rows of "Needs attention" on the first screen; the full list has a page of its own
PROGRAMS_SHOWN = 8  # programs in the home page's table and charts; the Programs page lists them all


def home_page(
    a: Analysis,
    intro: str | None,
    changes_title: str | None = None,
    previous: Previous | None = None,
    start_here: str | None = None,
    board_pack: str | None = None,
) -> str:
    """The first screen shows trouble: RAG counts, the key figures coloured by threshold with their change since
    the `previous` published version, and the top of "Needs attention"; `start_here` is the handbook's page for
    new readers; `board_pack` the path of the period's board pack, when the site has one. The rest follows:
    capacity, programs (the PROGRAMS_SHOWN most in trouble when there are more), phases, run and change. Nothing on
    it grows with the number of projects: the full attention list is a page of its own (attention_page)."""
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
        + _board_pack_link(board_pack)
        + first_screen(a, previous, _attention_top(a, attention))
        + section("Capacity", _capacity(a))
        + section("Programs", _home_programs(a))
        + section("Projects by phase", by_phase)
        + section("Run and change", spend_chart(a, a.totals))
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


def _board_pack_link(path: str | None) -> str:
    """The period's board pack, the PDF the steering committee reads: this version's figures, printed."""
    if path is None:
        return ""
    link_text = md_link(HOME, path, "Board pack (PDF)")
    return f"The board pack of this period, as the steering committee reads it: {link_text}.\n\n"


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


def _attention_table(a: Analysis, here: str, found: Attention) -> Markup:
    rows = [
        (
            link(here, project_path(pid), plain(row["name"])),
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
    top = _attention_table(a, HOME, found[:ATTENTION_SHOWN])
    if len(found) <= ATTENTION_SHOWN:
        return top
    more = tag(
        "p",
        f"The {ATTENTION_SHOWN} most severe of {len(found)}: ",
        link(HOME, ATTENTION, f"all {len(found)} needing attention"),
        ".",
        class_="pmo-attention-more",
    )
    return join([more, top])


def attention_page(a: Analysis) -> str:
    """Every active project that needs a look, most severe first (the home page shows the first few)."""
    found = needing_attention(a)
    body = (
        html_block(_attention_table(a, ATTENTION, found))
        if found
        else "No active project is red, slipping or late with its status report.\n"
    )
    return (
        front_matter("Needs attention", searchable=False)
        + heading("Needs attention", 1)
        + f"The {len(found)} active projects that are red, slipping or late with their status report, as of "
        + f"{fmt.date(a.settings.as_of)}: red first, then amber, then those without a status report; the furthest "
        + "slipped first within each.\n\n"
        + body
    )


def _home_programs(a: Analysis) -> str:
    """The programs table and charts, of every program when they are few; else of the PROGRAMS_SHOWN with the
    most red, then amber, active projects, and a link to the Programs page, which lists them all."""
    programs = sorted(a.portfolio.programs.values(), key=lambda p: p.name)
    if len(programs) <= PROGRAMS_SHOWN:
        return _program_table(a, HOME, programs) + "\n" + by_program_charts(a, programs)

    def trouble(program: Program) -> tuple[int, int, str]:
        by_rag = a.program_totals[program.id].by_rag
        return -by_rag["red"], -by_rag["amber"], program.name

    worst = sorted(programs, key=trouble)[:PROGRAMS_SHOWN]
    more = paragraph(
        f"The {PROGRAMS_SHOWN} programs with the most red, then amber, active projects, of {len(programs)}: ",
        link(HOME, PROGRAMS, f"all {len(programs)} programs"),
        ".",
    )
    return more + _program_table(a, HOME, worst) + "\n" + by_program_charts(a, worst)


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


def _program_table(a: Analysis, here: str, programs: list[Program] | None = None) -> str:
    """A row per program of `programs` (all of them, by name, when None)."""
    cur = a.settings.currency
    rows = []
    for program in programs if programs is not None else sorted(a.portfolio.programs.values(), key=lambda p: p.name):
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
