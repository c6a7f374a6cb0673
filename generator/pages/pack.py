"""Stage 4, render: the board pack — one HTML document for print, which io/pdf.py turns into a PDF.

What a steering committee reads before its meeting, from the same analysis as the site: a cover, the contents,
the executive summary (the home page's key figures and RAG counts, RAG by program, what changed since the
previous version), the exceptions, the decisions needed, a page per program and an appendix with a page per red
or amber project. Long lists are capped: at a thousand projects the pack stays a board document, and every
capped list says how many it leaves out and which page of the site has them all.

Every text of the data goes through the escaping builders of widgets/markup.py; charts are the site's own
Vega-Lite specs drawn as SVG (charts/svg.py).

The contents give page numbers, which only the printed PDF knows: `PackDocument.html(pages)` writes the
document with the page of each heading that io/pdf.py read from a first print (its bookmarks, one per heading).

Over 400 lines: one document of seven sections, each a short function, read in the order the board reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analytics.governance import required_body
from ..analytics.kpi import milestone_slip
from ..analytics.kpi_definitions import BAND, BAND_TEXT
from ..charts.svg import svg
from ..io.diff_report import rag_summary, summary
from ..widgets import fmt
from ..widgets.markup import Markup, join, tag, trusted
from ..widgets.md import page_url, program_path, project_path
from .cockpit import figure_grid, key_figures, rag_counts
from .dashboard import spend
from .portfolio import attention_reasons, needing_attention
from .project import derived_reason
from .roadmap import roadmap
from .urls import CALENDAR, CHANGES, GOVERNANCE, HOME, PERFORMANCE, PROGRAMS, REGISTER

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..analytics.governance import Finding
    from ..data.model import Change, Project
    from .changes import Changes
    from .cockpit import Previous

# The caps that keep a large portfolio's pack a board document.
LIST_ROWS = 15  # rows of each exception and decision list
PROGRAM_ROWS = 25  # projects in a program's table and roadmap
PROGRAM_PAGES = 24  # programs with a page of their own
SUMMARY_PROGRAMS = 30  # rows of "RAG by program"
APPENDIX_PAGES = 20  # red and amber projects with a page of their own
TOP_RISKS = 5
CHART_WIDTH = 640  # px: the charts' drawing width, scaled to the printed column
AUDIENCES = {"org": "Organization-wide (pmo-only projects left out)", "pmo": "PMO (every project, pmo-only included)"}


@dataclass(frozen=True)
class Heading:
    level: int  # 1 a section, 2 a program's or project's page, 3 a part of a page
    text: str
    id: str


@dataclass
class PackDocument:
    """The pack's HTML but for its contents, which wait for the page numbers of a first print."""

    title: str  # the PDF's title
    head: Markup  # cover and everything before the contents
    body: Markup  # everything after the contents
    headings: list[Heading] = field(default_factory=list)  # every h1-h3 in document order: the PDF's bookmarks
    paper: str = "a4"

    def html(self, pages: dict[str, int] | None = None) -> str:
        """The whole document; `pages` maps a heading's id to its page (None: the first print, numbers as
        placeholders of the same width, so the two prints lay out alike)."""
        contents = _contents(self.headings, pages)
        size = "A4" if self.paper == "a4" else "letter"
        style = trusted(_CSS.replace("@page {", f"@page {{ size: {size};", 1))
        return (
            "<!DOCTYPE html>\n"
            + str(
                tag(
                    "html",
                    tag("head", tag("meta", charset="utf-8"), tag("title", self.title), tag("style", style)),
                    tag("body", self.head, contents, self.body),
                    lang="en",
                )
            )
            + "\n"
        )


class _Writer:
    """Collects the headings as the document is written, so the contents and bookmarks follow it."""

    def __init__(self, a: Analysis) -> None:
        self.headings: list[Heading] = []
        self.severity = {pid: i for i, pid in enumerate(exceptions_order(a))}  # project → its rank, most severe 0

    def heading(self, level: int, text: str, id_: str, *extra: object) -> Markup:
        self.headings.append(Heading(level, text, id_))
        return tag(f"h{level}", text, *extra, id=id_)


def board_pack(
    a: Analysis,
    paper: str = "a4",
    changes: Changes | None = None,
    previous: Previous | None = None,
) -> PackDocument:
    """The pack of this analysis (already filtered for its audience). `changes` and `previous`: the comparison
    with the previous version, as the site's Changes page and cockpit have it (None: no previous version)."""
    w = _Writer(a)
    org = a.settings.organization
    head = _cover(a, changes)
    contents_heading = w.heading(1, "Contents", "contents")
    body = join(
        [
            _summary(w, a, changes, previous),
            _exceptions(w, a),
            _decisions(w, a),
            _programs(w, a),
            _appendix(w, a),
        ]
    )
    title = f"{org} board pack, as of {fmt.date(a.settings.as_of)}"
    return PackDocument(title, join([head, contents_heading]), body, w.headings, paper)


def _cover(a: Analysis, changes: Changes | None) -> Markup:
    compared = (
        tag("p", f"Compared with the previous period: {changes.since}.", class_="cover-line")
        if changes is not None
        else ""
    )
    return tag(
        "section",
        tag("p", a.settings.organization, class_="cover-org"),
        tag("p", "IT portfolio board pack", class_="cover-title"),
        tag("p", f"Reporting period: as of {fmt.date(a.settings.as_of)}", class_="cover-line"),
        tag("p", f"Audience: {AUDIENCES[a.audience]}", class_="cover-line"),
        compared,
        tag(
            "p",
            f"{a.totals.projects} projects in {len(a.portfolio.programs)} programs, {a.totals.active} active. "
            "Made with pmo from the portfolio's data; the same data gives the same pack.",
            class_="cover-note",
        ),
        class_="cover",
    )


def _contents(headings: list[Heading], pages: dict[str, int] | None) -> Markup:
    rows = []
    for h in headings:
        if h.level > 2 or h.id == "contents":
            continue
        number = str(pages.get(h.id, "")) if pages is not None else "00"
        rows.append(
            tag(
                "li",
                tag(
                    "a", tag("span", h.text, class_="toc-text"), tag("span", number, class_="toc-page"), href=f"#{h.id}"
                ),
                class_=f"toc-{h.level}",
            )
        )
    return tag("ol", *rows, class_="toc")


# --- executive summary --------------------------------------------------------------------------------------------


def _summary(w: _Writer, a: Analysis, changes: Changes | None, previous: Previous | None) -> Markup:
    t = a.totals
    intro = tag(
        "p",
        f"The portfolio as of {fmt.date(a.settings.as_of)}: {t.active} active projects of {t.projects}. "
        f"RAG is derived from SPI, CPI and schedule slip unless the PMO set an override.",
    )
    return tag(
        "section",
        w.heading(1, "Executive summary", "summary"),
        intro,
        rag_counts(t, previous),
        figure_grid(key_figures(t, a.settings, previous), "pmo-tiles"),
        w.heading(3, "RAG by program", "rag-by-program"),
        _rag_by_program(a),
        w.heading(3, "What changed", "changed"),
        _changed(a, changes),
        class_="section",
    )


def _program_order(a: Analysis) -> list[str]:
    """Programs most in trouble first: most red, then most amber active projects, then the largest budget."""
    totals = a.program_totals
    return sorted(
        a.portfolio.programs,
        key=lambda p: (-totals[p].by_rag["red"], -totals[p].by_rag["amber"], -totals[p].budget, p),
    )


def _rag_by_program(a: Analysis) -> Markup:
    cur = a.settings.currency
    order = _program_order(a)
    rows = []
    for pid in order[:SUMMARY_PROGRAMS]:
        r = a.program_totals[pid]
        rows.append(
            [
                a.portfolio.programs[pid].name,
                str(r.active),
                *(str(r.by_rag[rag]) for rag in ("red", "amber", "green", "n/a")),
                fmt.money(r.budget, cur, compact=True),
                fmt.ratio(r.spi),
                fmt.ratio(r.cpi),
            ]
        )
    headers = ["Program", "Active", "Red", "Amber", "Green", "No status", "Budget", "SPI", "CPI"]
    note = "Programs with the most red, then amber, projects first."
    return join(
        [
            tag("p", note, class_="note"),
            _table(headers, rows, "lrrrrrrrr"),
            _more(len(order), SUMMARY_PROGRAMS, PROGRAMS),
        ]
    )


def _changed(a: Analysis, changes: Changes | None) -> Markup:
    if changes is None:
        return tag("p", "No previous version to compare with: this is the first pack, or none was named.")
    if changes.diff is None:
        return tag("p", f"What changed since {changes.since} cannot be shown: {changes.unavailable}.")
    diff = changes.diff
    parts: list[Markup] = [tag("p", summary(diff))]
    if diff.empty:
        parts.append(tag("p", "No project, date, budget, risk or change request changed."))
    counts = [
        (len(diff.projects), "project added, closed or cancelled", "projects added, closed or cancelled"),
        (len(diff.rag), "RAG change", "RAG changes"),
        (len(diff.dates), "date moved", "dates moved"),
        (len(diff.budget), "budget changed", "budgets changed"),
        (len(diff.risks), "risk changed", "risks changed"),
        (len(diff.change_requests), "change request changed", "change requests changed"),
    ]
    said = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    if said:
        parts.append(tag("p", "; ".join(said) + "."))
    if diff.rag:
        parts.append(tag("p", rag_summary(diff)))
        rows = [
            [c.name, f"{_rag_word(c.before)} → {_rag_word(c.after)}", "; ".join(r.text for r in c.reasons)]
            for c in diff.rag[:LIST_ROWS]
        ]
        parts += [_table(["Project", "RAG", "Why"], rows, "lll"), _more(len(diff.rag), LIST_ROWS, CHANGES)]
    return join(parts)


def _rag_word(rag: str | None) -> str:
    return rag.capitalize() if rag else "none"


# --- exceptions ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exceptions:
    """The active projects a board is told about, by kind; the governance findings of severity error."""

    red: list[str]
    slipping: list[str]
    over_budget: list[str]
    stale: list[str]
    governance_errors: list[Finding]
    governance_rules: bool  # whether governance.yaml has rules at all


def exceptions(a: Analysis) -> Exceptions:
    """Red; slipped at or beyond the amber slip threshold; a cost forecast (EAC) more than the band over budget;
    a stale or missing status report; and the governance findings of severity error not waived. Each list is in
    the order of the home page's "Needs attention": most severe first."""
    order = exceptions_order(a)
    rows = a.rows
    amber_slip = a.settings.rag.slip_days.amber
    active = [pid for pid in order if rows[pid]["active"]]
    gov = a.governance
    return Exceptions(
        red=[pid for pid in active if rows[pid]["rag"] == "red"],
        slipping=[pid for pid in active if _value(rows[pid]["slip_days"]) >= amber_slip],
        over_budget=[pid for pid in active if _over_budget(rows[pid]) is not None],
        stale=[pid for pid in active if rows[pid]["stale"]],
        governance_errors=[f for f in gov.open if f.severity == "error"],
        governance_rules=bool(gov.governance.rules),
    )


def _value(number: Any) -> float:
    return float("-inf") if fmt.missing(number) else float(number)


def _over_budget(row: dict[str, Any]) -> float | None:
    """By how much (a share of BAC) the cost forecast exceeds the budget, when by more than the band."""
    bac, vac = row["bac"], row["vac"]
    if fmt.missing(bac) or fmt.missing(vac) or bac <= 0 or vac >= -BAND * bac:
        return None
    return float(-vac / bac)


def _exceptions(w: _Writer, a: Analysis) -> Markup:
    found = exceptions(a)
    rows, cur = a.rows, a.settings.currency

    def listed(ids: list[str], headers: list[str], cells: Any, align: str, everyone: str = HOME) -> Markup:
        """The first rows of a list; `everyone` is the page of the site that lists them all."""
        if not ids:
            return tag("p", "None.")
        rows = [[*_who(a, pid), *cells(pid)] for pid in ids[:LIST_ROWS]]
        table = _table(["Project", "Program", *headers], rows, align)
        return join([table, _more(len(ids), LIST_ROWS, everyone)])

    parts = [
        w.heading(1, "Exceptions", "exceptions"),
        tag(
            "p",
            "Active projects that are red, slipping, over budget or late with their status report, most severe first"
            + (", and the governance rules broken." if found.governance_rules else "."),
        ),
        w.heading(3, f"Red ({len(found.red)})", "red"),
        listed(found.red, ["Why"], lambda pid: ["; ".join(attention_reasons(a, rows[pid])) or "red"], "lll"),
        w.heading(3, f"Slipping ({len(found.slipping)})", "slipping"),
        tag("p", f"Forecast finish {a.settings.rag.slip_days.amber:g} days or more after the baseline.", class_="note"),
        listed(
            found.slipping,
            ["Baseline finish", "Forecast finish", "Slip"],
            lambda pid: [
                fmt.date(rows[pid]["finish"]),
                fmt.date(rows[pid]["forecast_finish"]),
                fmt.days(rows[pid]["slip_days"]),
            ],
            "llllr",
        ),
        w.heading(3, f"Over budget ({len(found.over_budget)})", "over-budget"),
        tag("p", f"Cost forecast at completion (EAC) more than {BAND_TEXT} over the budget (BAC).", class_="note"),
        listed(
            found.over_budget,
            ["Budget", "Forecast (EAC)", "Over by"],
            lambda pid: [
                fmt.money(rows[pid]["bac"], cur, compact=True),
                fmt.money(rows[pid]["eac"], cur, compact=True),
                fmt.percent(100 * (_over_budget(rows[pid]) or 0), 0),
            ],
            "llrrr",
            PERFORMANCE,  # every project's CPI, which makes its EAC
        ),
        w.heading(3, f"Stale status reports ({len(found.stale)})", "stale"),
        listed(found.stale, ["Last status report"], lambda pid: [_last_report(rows[pid])], "lll"),
    ]
    if found.governance_rules:
        errors = found.governance_errors
        parts.append(w.heading(3, f"Governance errors ({len(errors)})", "governance-errors"))
        table_rows = [[_entity(a, f.folder, f.entity), f.rule, f.message, f.fix] for f in errors[:LIST_ROWS]]
        parts.append(
            join(
                [
                    _table(["Concerns", "Rule", "What is wrong", "What would fix it"], table_rows),
                    _more(len(errors), LIST_ROWS, GOVERNANCE),
                ]
            )
            if errors
            else tag("p", "None: no rule of severity error is broken (waived findings are not listed).")
        )
    return tag("section", *parts, class_="section")


def _who(a: Analysis, pid: str) -> list[str]:
    program = a.portfolio.programs.get(a.rows[pid]["program"])
    return [a.rows[pid]["name"], program.name if program else a.rows[pid]["program"]]


def _last_report(row: dict[str, Any]) -> str:
    age = row["status_age_days"]
    if fmt.missing(age):
        return "none yet"
    return f"{fmt.date(row['status_date'])} ({int(age)} days old)"


def _entity(a: Analysis, folder: str, entity: str) -> str:
    p = a.portfolio
    named: dict[str, dict[str, Any]] = {"projects": p.projects, "programs": p.programs, "requests": p.requests}
    found = named.get(folder, {}).get(entity)
    if found is not None:
        return f"{found.name} ({folder.rstrip('s')})"
    team = next((t.name for t in p.people.teams if t.id == entity), entity)
    return f"{team} (team)"


# --- decisions needed ---------------------------------------------------------------------------------------------


def pending_changes(a: Analysis) -> list[tuple[Project, Change, str]]:
    """Every pending change request, oldest first, with the body that decides it: the lowest that governance.yaml's
    decision rights allow for its cumulative effect ("not set" without decision rights)."""
    gov = a.portfolio.governance
    bodies = {body.id: body.name for body in gov.bodies}
    found = []
    for project in a.portfolio.projects.values():
        for change in project.changes:
            if change.decision != "pending":
                continue
            if not gov.decision_rights:
                body = "not set (no decision rights in governance.yaml)"
            else:
                row = required_body(gov, project, change)
                body = (
                    "no body: the change exceeds every limit of the decision rights"
                    if row is None
                    else bodies.get(gov.decision_rights[row].body, gov.decision_rights[row].body)
                )
            found.append((project, change, body))
    found.sort(key=lambda item: (item[1].date, item[0].name, item[1].id))
    return found


def _decisions(w: _Writer, a: Analysis) -> Markup:
    cur = a.settings.currency
    pending = pending_changes(a)
    change_rows = [
        [
            project.name,
            f"{change.id}: {change.title}",
            fmt.date(change.date),
            fmt.money(change.cost, cur),
            fmt.days(change.schedule_days),
            body,
        ]
        for project, change, body in pending[:LIST_ROWS]
    ]
    as_of = a.settings.as_of
    gates = sorted(
        (e for e in a.portfolio.events if e.kind == "gate" and e.start > as_of), key=lambda e: (e.start, e.title)
    )
    gate_rows = [[fmt.date(e.start), e.title, ", ".join(e.systems) or "—", e.note or "—"] for e in gates[:LIST_ROWS]]
    return tag(
        "section",
        w.heading(1, "Decisions needed", "decisions"),
        w.heading(3, f"Pending change requests ({len(pending)})", "pending-changes"),
        tag("p", "Oldest first, with the body the decision rights give the decision to.", class_="note"),
        join(
            [
                _table(
                    ["Project", "Change request", "Raised", "Cost", "Schedule", "Decided by"], change_rows, "lllrrl"
                ),
                _more(len(pending), LIST_ROWS, REGISTER),
            ]
        )
        if pending
        else tag("p", "None."),
        w.heading(3, f"Upcoming gate meetings ({len(gates)})", "gates"),
        join([_table(["Date", "Meeting", "Systems", "Note"], gate_rows), _more(len(gates), LIST_ROWS, CALENDAR)])
        if gates
        else tag("p", f"No gate meeting in the IT calendar after {fmt.date(as_of)}."),
        class_="section",
    )


# --- programs -----------------------------------------------------------------------------------------------------


def _programs(w: _Writer, a: Analysis) -> Markup:
    order = _program_order(a)
    shown = sorted(order[:PROGRAM_PAGES], key=lambda pid: (a.portfolio.programs[pid].name, pid))
    intro = "One page per program: its figures, roadmap, projects and spend."
    if len(order) > PROGRAM_PAGES:
        intro = (
            f"One page for each of the {PROGRAM_PAGES} programs with the most red and amber projects, by name; "
            f"the other {len(order) - PROGRAM_PAGES} are in the summary's table and on the site's Programs page "
            f"({page_url(PROGRAMS)})."
        )
    pages = [tag("section", w.heading(1, "Programs", "programs"), tag("p", intro), class_="section")]
    pages += [_program(w, a, pid, first=i == 0) for i, pid in enumerate(shown)]
    return join(pages)


def _program(w: _Writer, a: Analysis, pid: str, first: bool = False) -> Markup:
    program = a.portfolio.programs[pid]
    r = a.program_totals[pid]
    ids = a.by_program.get(pid, [])
    ranked = sorted(ids, key=lambda p: w.severity[p])[:PROGRAM_ROWS]
    cur = a.settings.currency
    facts = (
        f"Program manager: {a.person_name(program.manager)} · Sponsor: {a.person_name(program.sponsor) or '—'} · "
        f"{len(ids)} projects, {r.active} active · budget {fmt.money(r.budget, cur, compact=True)} · "
        f"SPI {fmt.ratio(r.spi)} · CPI {fmt.ratio(r.cpi)}"
    )
    drawn, note = roadmap(a, ranked, project_path(pid), f"{program.name} roadmap")
    chart = svg(drawn.spec, CHART_WIDTH) if drawn else tag("p", "No active project with dates to draw.")
    rows = [
        [
            a.rows[p]["name"],
            fmt.phase(a.rows[p]["phase"]),
            _rag_word(a.rows[p]["rag"] if isinstance(a.rows[p]["rag"], str) else None),
            fmt.date(a.rows[p]["forecast_finish"]),
            fmt.days(a.rows[p]["slip_days"]) if a.rows[p]["forecast_known"] else fmt.NA,
            fmt.money(a.rows[p]["bac"], cur, compact=True),
            fmt.percent(a.rows[p]["percent_complete"]),
        ]
        for p in ranked
    ]
    spend_spec, spend_text, _, _ = spend(a, r)
    capped = (
        tag("p", f"The {PROGRAM_ROWS} most severe of {len(ids)} projects.", class_="note")
        if len(ids) > PROGRAM_ROWS
        else ""
    )
    return tag(
        "section",
        w.heading(2, program.name, f"program-{pid}"),
        tag("p", facts, class_="facts"),
        rag_counts(r, None),
        w.heading(3, "Roadmap", f"program-{pid}-roadmap"),
        capped,
        tag("figure", chart, tag("figcaption", drawn.summary if drawn else "", note), class_="chart"),
        w.heading(3, "Projects", f"program-{pid}-projects"),
        _table(["Project", "Phase", "RAG", "Forecast finish", "Slip", "Budget", "Complete"], rows, "lllrrrr"),
        _more(len(ids), PROGRAM_ROWS, program_path(pid)),
        w.heading(3, "Run and change", f"program-{pid}-spend"),
        tag("figure", svg(spend_spec, CHART_WIDTH), tag("figcaption", spend_text), class_="chart chart-small"),
        class_=_PAGE[first],
    )


def exceptions_order(a: Analysis) -> list[str]:
    """Every project, most in need of attention first (the home page's order), then the rest by name."""
    order = [pid for pid, _, _ in needing_attention(a)]
    seen = set(order)
    return order + sorted((pid for pid in a.rows if pid not in seen), key=lambda pid: (a.rows[pid]["name"], pid))


# --- appendix -----------------------------------------------------------------------------------------------------


def _appendix(w: _Writer, a: Analysis) -> Markup:
    flagged = [pid for pid in w.severity if a.rows[pid]["active"] and a.rows[pid]["rag"] in ("red", "amber")]
    intro = "One page per red or amber project, most severe first."
    if len(flagged) > APPENDIX_PAGES:
        intro = (
            f"One page for each of the {APPENDIX_PAGES} most severe of the {len(flagged)} red or amber projects; "
            f"the other {len(flagged) - APPENDIX_PAGES} are on the site's project register ({page_url(REGISTER)}), "
            "each with its own page."
        )
    if not flagged:
        intro = "No active project is red or amber."
    pages = [
        tag("section", w.heading(1, "Appendix: red and amber projects", "appendix"), tag("p", intro), class_="section")
    ]
    pages += [_project(w, a, pid, first=i == 0) for i, pid in enumerate(flagged[:APPENDIX_PAGES])]
    return join(pages)


def _project(w: _Writer, a: Analysis, pid: str, first: bool = False) -> Markup:
    p, row = a.project(pid), a.rows[pid]
    cur = a.settings.currency
    current = p.status_at(a.settings.as_of)
    program = a.portfolio.programs.get(p.program)
    open_milestones = [m for m in p.milestones if m.actual is None]
    upcoming = min(open_milestones, key=lambda m: (m.expected, m.name)) if open_milestones else None
    facts = [
        ("Program", program.name if program else p.program),
        ("Manager · Sponsor", f"{a.person_name(p.manager)} · {a.person_name(p.sponsor)}"),
        ("Phase", fmt.phase(p.phase)),
        ("RAG", f"{_rag_word(row['rag'])}: {derived_reason(a, row)}"),
        ("Schedule slip", fmt.days(row["slip_days"]) if row["forecast_known"] else fmt.NA),
        ("SPI · CPI", f"{fmt.ratio(row['spi'])} · {fmt.ratio(row['cpi'])}"),
        ("Budget · forecast (EAC)", f"{fmt.money(row['bac'], cur)} · {fmt.money(row['eac'], cur)}"),
        (
            "Latest status",
            f"{fmt.date(current.date)}, {_rag_word(current.rag)}: {_one_line(current.summary)}"
            if current
            else "no status report on or before the reporting date",
        ),
        ("Next milestone", f"{upcoming.name}, {fmt.date(upcoming.expected)}" if upcoming else "none open"),
    ]
    milestones = [
        [
            m.name,
            fmt.date(m.baseline),
            fmt.date(m.forecast),
            fmt.date(m.actual),
            fmt.days(milestone_slip(m.baseline, m.forecast, m.actual)),
        ]
        for m in p.milestones
    ]
    risks = sorted((r for r in p.risks if r.status == "open"), key=lambda r: (-r.probability * r.impact, r.id))
    risk_rows = [
        [r.title, str(r.probability * r.impact), a.person_name(r.owner), _one_line(r.mitigation) or "—"]
        for r in risks[:TOP_RISKS]
    ]
    return tag(
        "section",
        w.heading(2, p.name, f"project-{pid}"),
        tag("p", p.summary, class_="facts") if p.summary else "",
        _table(["Fact", "Value"], [list(f) for f in facts], "ll", class_="card"),
        w.heading(3, "Milestones", f"project-{pid}-milestones"),
        _table(["Milestone", "Baseline", "Forecast", "Actual", "Slip"], milestones, "llllr")
        if milestones
        else tag("p", "None."),
        w.heading(3, "Top risks", f"project-{pid}-risks"),
        _table(["Risk", "Exposure", "Owner", "Mitigation"], risk_rows, "lrll") if risk_rows else tag("p", "None open."),
        _more(len(risks), TOP_RISKS, project_path(pid), "open risks"),
        class_=_PAGE[first],
    )


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# --- shared -------------------------------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[Any]], align: str = "", class_: str | None = None) -> Markup:
    """A table whose cells are text (escaped) or Markup; "r" in `align` right-aligns that column."""
    align = align.ljust(len(headers), "l")

    def cell(element: str, value: object, i: int) -> Markup:
        return tag(element, value, class_="num" if align[i] == "r" else None)

    head = tag("thead", tag("tr", *(cell("th", h, i) for i, h in enumerate(headers))))
    body = tag("tbody", *(tag("tr", *(cell("td", v, i) for i, v in enumerate(row))) for row in rows))
    return tag("table", head, body, class_=class_)


def _more(total: int, cap: int, page: str | None = None, what: str = "") -> Markup:
    """Under a list capped at `cap` rows: how many it leaves out, and which page of the site has them all."""
    if total <= cap:
        return Markup("")
    where = " — see the site"
    if page is not None:
        where += f"'s page {page_url(page)}" if page_url(page) else "'s home page"
    return tag("p", f"and {total - cap} more{(' ' + what) if what else ''}{where}.", class_="more")


# A page of its own; the first of a part shares the sheet of the part's title and opening line.
_PAGE = {False: "page", True: "page run-on"}

_CSS = """
@page { margin: 16mm 14mm 18mm 14mm; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; color: #1a1a1a; }
body { margin: 0; }
h1 { font-size: 17pt; margin: 0 0 8pt; color: #0d3b66; }
h2 { font-size: 14pt; margin: 0 0 6pt; color: #0d3b66; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; break-after: avoid; }
p { margin: 3pt 0 6pt; }
.cover { height: 230mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.cover-org { font-size: 16pt; margin: 0; color: #444; }
.cover-title { font-size: 28pt; font-weight: bold; color: #0d3b66; margin: 4pt 0 18pt; }
.cover-line { font-size: 12pt; margin: 2pt 0; }
.cover-note { margin-top: 30pt; color: #555; }
.toc { list-style: none; padding: 0; margin: 0; break-after: page; }
.toc a { display: flex; color: inherit; text-decoration: none; }
.toc .toc-text { flex: 1; }
.toc .toc-text::after { content: ""; }
.toc .toc-page { min-width: 3em; text-align: right; font-variant-numeric: tabular-nums; }
.toc-1 { font-weight: bold; margin-top: 5pt; }
.toc-2 { padding-left: 14pt; font-size: 9pt; }
.section, .page { break-before: page; }
.run-on { break-before: auto; margin-top: 14pt; }
.facts { color: #333; }
.note { color: #555; font-size: 8.5pt; }
.more { font-style: italic; color: #555; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 6pt; font-size: 8.5pt; }
th, td { border-bottom: 0.5pt solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
tr { break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.card td:first-child { width: 28%; color: #444; }
figure.chart { margin: 4pt 0 8pt; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; max-height: 105mm; }
figure.chart-small svg { max-height: 42mm; }
figcaption { font-size: 8pt; color: #555; }
.pmo-ragstrip { margin: 4pt 0 8pt; }
.pmo-ragcounts-caption { font-size: 8.5pt; color: #555; margin: 0 0 2pt; }
.pmo-ragcounts { display: flex; gap: 6pt; }
.pmo-ragcount { flex: 1; border: 0.5pt solid #999; border-radius: 3pt; padding: 4pt 6pt; }
.pmo-ragcount-value { font-size: 16pt; font-weight: bold; display: block; }
.pmo-ragcount-label { display: block; }
.pmo-rag-red { border-left: 5pt solid #c62828; }
.pmo-rag-amber { border-left: 5pt solid #ffb300; }
.pmo-rag-green { border-left: 5pt solid #1b7f3b; }
.pmo-rag-none { border-left: 5pt solid #9e9e9e; }
.pmo-tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6pt; margin: 6pt 0; }
.pmo-tile { border: 0.5pt solid #999; border-radius: 3pt; padding: 4pt 6pt; break-inside: avoid; }
.pmo-tile-value { display: block; font-size: 14pt; font-weight: bold; }
.pmo-tile-label { display: block; font-size: 8.5pt; }
.pmo-tile-verdict { display: block; font-size: 8pt; padding-left: 4pt; margin-top: 2pt; }
.pmo-tone-red { border-left: 5pt solid #c62828; }
.pmo-tone-amber { border-left: 5pt solid #ffb300; }
.pmo-tone-green { border-left: 5pt solid #1b7f3b; }
.pmo-change { display: block; font-size: 8pt; color: #444; }
.pmo-sr { display: none; }
.pmo-na-why { font-size: 7.5pt; color: #555; }
"""
