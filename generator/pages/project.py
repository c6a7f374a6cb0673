"""Stage 4, render: the page of one project.

Over 400 lines: one page of a dozen sections, each a short function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analytics.kpi import milestone_slip, rag_verdicts, why_undefined
from ..charts.project import milestones_chart, trends
from ..charts.specs import chart_scripts
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, constant, join, tag
from ..widgets.md import (
    EMPTY,
    facts,
    front_matter,
    heading,
    link,
    marked,
    objective_path,
    paragraph,
    pmo_mark,
    program_path,
    project_path,
    section,
    table,
    team_path,
)
from ..widgets.text import one_line, plain, rich
from .benefits import benefit_amount, benefit_state
from .cockpit import index_tone, slip_tone
from .governance import project_governance
from .milestone_trend import trend_section

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis
    from ..analytics.kpi import Row
    from ..analytics.milestone_trend import ProjectTrend
    from ..data.model import Project, Risk, Threshold, WithheldField
    from ..io.gitdata import DataChange


def project_page(
    a: Analysis,
    project_id: str,
    history: DataChange | None = None,
    trend: ProjectTrend | None = None,
    pages: frozenset[str] = frozenset(),
) -> str:
    """The page; `pages` are the site's other pages, for links to the handbook's sections."""
    p = a.project(project_id)
    row = a.rows[project_id]
    here = project_path(p.id)
    parts = [
        front_matter(p.name, description=p.summary or p.name),
        heading(plain(p.name), 1),
        summary_card(a, p, row),
    ]
    if p.summary:
        parts.append(paragraph(tag("strong", plain(p.summary))))
    parts.append(rich(p.description))
    parts.append(_header(a, p, here))
    if history is not None:
        parts.append(_last_change(history))
    parts.append(section("Schedule and budget", _schedule_and_budget(a, p, row)))
    milestones = milestones_chart(a, p)
    parts.append(section("Milestones", milestones + _milestones(p)))
    # Milestone trend analysis (issue 18): its own section, from the reporting history
    trend_text, trend_chart = trend_section(p, trend) if trend is not None else ("", False)
    parts.append(trend_text)
    parts.append(section("Status", _status(a, p)))
    parts.append(section("Trends", trends(a, p, row)))
    parts.append(section("Risks", _risks(a, p)))
    parts.append(section("Issues", _issues(a, p)))
    # Sections a project may well not have are left out when empty: a shorter page and table of contents.
    if p.dependencies or a.needed_by.get(p.id):
        parts.append(section("Dependencies", _dependencies(a, p, here)))
    if p.changes:
        parts.append(section("Change requests", _changes(a, p)))
    if p.benefits:
        parts.append(section("Benefits", _benefits(a, p)))
    if a.governance.governance.rules or p.gates or p.waivers or p.compliance:
        parts.append(section("Governance", project_governance(a, p, here, pages)))
    if p.resources:
        parts.append(section("Resources", _resources(a, p, here)))
    if p.lessons:
        parts.append(section("Lessons learned", _lessons(p)))
    if milestones or trend_chart or a.history_rows.get(p.id):
        parts.append(chart_scripts(here))
    return "\n".join(part for part in parts if part)


def _last_change(change: DataChange) -> str:
    """When the data file last changed, from git; the commit links to the file's history where the host is known."""
    commit = tag("code", change.commit[:7])
    if change.url:
        commit = tag("a", commit, href=change.url, title=HISTORY_LINK)
    return html_block(tag("p", f"Data last changed {fmt.date(change.date)} (", commit, ")", class_="pmo-history"))


HISTORY_LINK = constant("History of this project's data file")
SET_BY_HAND = constant("Set by hand")
DERIVED = constant("Derived from SPI, CPI and schedule slip")


def summary_card(a: Analysis, p: Project, row: Row) -> str:
    """What a reader needs first, before the roles and the detail: the RAG and why, phase, slip, SPI, CPI,
    budget adherence, the latest status report and the next milestone. Slip, SPI and CPI are coloured by the
    thresholds that derive the RAG, and say their verdict in words."""
    rules = a.settings.rag
    items = [
        _card_item("RAG", _rag_text(a, p, row), wide=True),
        _card_item("Phase", join([fmt.phase(p.phase), " · ", p.kind.capitalize(), " work", pmo_mark(p)])),
        _card_item("Schedule slip", *_slip(p, row, rules.slip_days)),
        _card_item("SPI", _kpi(row, "spi", fmt.ratio(row["spi"])), index_tone(row["spi"], rules.spi)),
        _card_item("CPI", _kpi(row, "cpi", fmt.ratio(row["cpi"])), index_tone(row["cpi"], rules.cpi)),
        _card_item(
            "Budget adherence (EAC / BAC)",
            _kpi(row, "budget_adherence", fmt.percent(row["budget_adherence"], 1)),
        ),
        _card_item("Latest status", _latest_status(a, p, row), wide=True),
        _card_item("Next milestone", _next_milestone(p), wide=True),
    ]
    return html_block(tag("section", join(items), class_="pmo-card", aria_label="Summary"))


def _slip(p: Project, row: Row, threshold: Threshold) -> tuple[str | Markup, tuple[str, str] | None]:
    """The finish slip and its verdict; n/a without a baseline finish or any forecast (no `forecast_finish`, no
    status report standing by the baseline), where the slip would be a fake 0."""
    if p.finish is None:
        return _withheld(p, "finish", fmt.NA), None
    if not row["forecast_known"]:
        return fmt.na("no forecast finish and no status report yet"), None
    return fmt.days(row["slip_days"]), slip_tone(row["slip_days"], threshold)


def _card_item(label: str, value: str | Markup, tone: tuple[str, str] | None = None, wide: bool = False) -> Markup:
    classes = ["pmo-card-item"]
    if wide:
        classes.append("pmo-card-wide")
    parts: list[Markup] = [tag("span", label, class_="pmo-card-label"), tag("span", value, class_="pmo-card-value")]
    if tone is not None:
        classes.append(f"pmo-tone-{tone[0]}")
        parts.append(tag("span", tone[1], class_=f"pmo-tile-verdict pmo-rag pmo-rag-{tone[0]}"))
    return tag("div", *parts, class_=" ".join(classes))


def _rag_text(a: Analysis, p: Project, row: Row) -> Markup:
    """The RAG shown everywhere, then the derived one with the thresholds it crossed, and the reported one."""
    derived = row["derived_rag"]
    parts: list[str | Markup] = []
    if p.rag_override:
        parts += [
            fmt.rag(p.rag_override.rag, SET_BY_HAND),
            " set by hand: ",
            plain(p.rag_override.reason.rstrip(". ")),
            ". ",
        ]
        parts += ["Derived: ", fmt.rag(derived, DERIVED), " "]
    else:
        parts += [fmt.rag(derived, DERIVED), " "]
    parts.append(derived_reason(a, row))
    reported = row["reported_rag"]
    parts += [". Reported by the project: ", fmt.rag(reported) if not fmt.missing(reported) else "no report yet", "."]
    return join(parts)


def derived_reason(a: Analysis, row: Row) -> str:
    """Why the derived RAG is what it is: each threshold of portfolio.yaml crossed, or why there is none."""
    if not row["active"]:
        return f"no RAG: the project is {fmt.phase(row['phase']).lower()}, not active"
    if fmt.missing(row["ac"]):
        return "no RAG yet: no status report on or before the reporting date"
    rules = a.settings.rag
    crossed = []
    for verdict in rag_verdicts(row, rules):  # decided as the derived RAG itself is decided
        if verdict.rag == "green":
            continue
        limit = getattr(getattr(rules, verdict.kpi), verdict.rag)
        if verdict.kpi == "slip_days":
            crossed.append(f"the finish slipped {int(verdict.value)} days, {limit:g} or more ({verdict.rag})")
        else:
            value = fmt.beside_threshold(verdict.kpi, verdict.value, limit)
            crossed.append(f"{verdict.kpi.upper()} {value} is below {limit:g} ({verdict.rag})")
    return "because " + "; ".join(crossed) if crossed else "SPI, CPI and schedule slip are within their thresholds"


def _latest_status(a: Analysis, p: Project, row: Row) -> Markup:
    current = p.status_at(a.settings.as_of)
    if current is None:
        return fmt.na("no status report on or before the reporting date yet")
    age = int(row["status_age_days"])
    stale = f", {age} days old: stale" if row["stale"] else ""
    when = join([tag("strong", fmt.date(current.date)), stale, " · ", fmt.rag(current.rag), " "])
    return join([when, one_line(current.summary, 240)])


def _next_milestone(p: Project) -> str | Markup:
    """The open milestone expected soonest, with its date and slip."""
    open_ones = [m for m in p.milestones if m.actual is None]
    if not open_ones:
        return "all reached" if p.milestones else "none planned"
    m = min(open_ones, key=lambda m: (m.expected, m.name))
    slip = milestone_slip(m.baseline, m.forecast, m.actual)
    expected = "forecast" if m.forecast else "baseline"
    return join([plain(m.name), f" · {expected} {fmt.date(m.expected)} (slip {fmt.days(slip)})"])


def _header(a: Analysis, p: Project, here: str) -> str:
    program = a.portfolio.programs.get(p.program)
    program_link = link(here, program_path(p.program), plain(program.name)) if program else plain(p.program)
    objectives = a.objectives
    aligned = join(
        (link(here, objective_path(oid), plain(objectives[oid].name)) for oid in p.objectives if oid in objectives),
        ", ",
    )
    rows = [
        ("Program", program_link),
        ("Sponsor", plain(a.person_name(p.sponsor))),
        ("Project manager", plain(a.person_name(p.manager))),
        ("Methodology", p.methodology.upper() if p.methodology in {"pmi"} else p.methodology.capitalize()),
        ("Objectives", aligned or "—"),
    ]
    return facts(("Role", "Who / what"), rows)


def _withheld(p: Project, name: WithheldField, shown: str) -> str | Markup:
    """A value the source withholds is n/a, with the source's reason on hover."""
    why = p.withheld.get(name)
    return fmt.na(f"Withheld by the source: {' '.join(why.split())}") if why and shown in (fmt.NA, "—") else shown


def _kpi(row: Row, name: str, shown: str) -> str | Markup:
    return fmt.na(why_undefined(name, row)) if shown == fmt.NA else shown


def _schedule_and_budget(a: Analysis, p: Project, row: Row) -> str:
    cur = a.settings.currency
    schedule = facts(
        ("Schedule", "Date"),
        [
            ("Start", _withheld(p, "start", fmt.date(p.start))),
            ("Baseline finish", _withheld(p, "finish", fmt.date(p.finish))),
            ("Forecast finish", _withheld(p, "forecast_finish", fmt.date(p.expected_finish))),
            ("Schedule slip", fmt.days(row["slip_days"])),
            ("Planned complete by now", fmt.percent(100 * row["pv"] / row["bac"]) if row["bac"] else fmt.NA),
            ("Reported complete", _kpi(row, "percent_complete", fmt.percent(row["percent_complete"]))),
        ],
    )
    money = [
        ("Budget (BAC)", _withheld(p, "budget", fmt.money(row["bac"], cur))),
        ("Actual cost (AC)", _kpi(row, "ac", fmt.money(row["ac"], cur))),
        ("Earned value (EV)", _kpi(row, "ev", fmt.money(row["ev"], cur))),
        ("Planned value (PV)", _kpi(row, "pv", fmt.money(row["pv"], cur))),
        ("Schedule variance (SV = EV − PV)", _kpi(row, "sv", fmt.money(row["sv"], cur))),
        ("Cost variance (CV = EV − AC)", _kpi(row, "cv", fmt.money(row["cv"], cur))),
        ("SPI", _kpi(row, "spi", fmt.ratio(row["spi"]))),
        ("CPI", _kpi(row, "cpi", fmt.ratio(row["cpi"]))),
        ("Estimate at completion (EAC)", _kpi(row, "eac", fmt.money(row["eac"], cur))),
        ("Estimate to complete (ETC)", _kpi(row, "etc", fmt.money(row["etc"], cur))),
        ("Variance at completion (VAC)", _kpi(row, "vac", fmt.money(row["vac"], cur))),
        ("To-complete performance index (TCPI)", _kpi(row, "tcpi", fmt.ratio(row["tcpi"]))),
        ("Budget adherence (EAC / BAC)", _kpi(row, "budget_adherence", fmt.percent(row["budget_adherence"], 1))),
    ]
    budget = facts(("Cost", "Value"), money, align="lr")
    as_of = fmt.date(a.settings.as_of)
    report = row["status_date"]
    if report is None:
        basis = f"Planned value as of {as_of}; no status report yet, so no earned value or cost."
    elif report == a.settings.as_of:
        basis = f"Figures as of {as_of}."
    else:  # a stale report: say which figures are older than the plan they are compared with
        basis = (
            f"Planned value as of {as_of}; earned value and actual cost from the status report of {fmt.date(report)}."
        )
    withheld = join(
        (join([name.replace("_", " "), ": ", one_line(why.rstrip(". "))]) for name, why in sorted(p.withheld.items())),
        "; ",
    )
    if withheld:
        basis = join([basis, " Withheld by the source of the data: ", withheld, "."])
    return f"{paragraph(basis)}{schedule}{budget}{_indicators(row)}"


def _indicators(row: Row) -> str:
    """Risk, stakeholders and priority: the indicators beside earned value."""
    satisfaction = row["satisfaction"]
    if fmt.missing(satisfaction):
        stakeholders: str | Markup = fmt.na("no status report has a satisfaction score yet")
    else:
        trend = row["satisfaction_trend"]
        change = (
            "" if fmt.missing(trend) else f" ({'+' if trend > 0 else ''}{fmt.number(trend, 1)} since the last score)"
        )
        stakeholders = f"{fmt.number(satisfaction, 1)} of 5{change}"
    rank = row["priority_rank"]
    priority = (
        fmt.na("the project has no scores")
        if fmt.missing(row["priority_score"])
        else f"{fmt.number(row['priority_score'], 2)} (rank {int(rank)} of the scored projects)"
    )
    return facts(
        ("Indicator", "Value"),
        [
            (
                "Risk exposure (open risks, Σ probability × impact)",
                f"{int(row['risk_exposure'])} ({int(row['open_risks'])} open)",
            ),
            ("Stakeholder satisfaction (latest)", stakeholders),
            ("Priority score", priority),
        ],
        align="lr",
    )


def _milestones(p: Project) -> str:
    rows = [
        (
            plain(m.name),
            fmt.date(m.baseline),
            fmt.date(m.forecast),
            fmt.date(m.actual),
            fmt.days(milestone_slip(m.baseline, m.forecast, m.actual)),
        )
        for m in p.milestones
    ]
    return table(["Milestone", "Baseline", "Forecast", "Actual", "Slip"], rows, align="lllll")


def _status(a: Analysis, p: Project) -> str:
    current = p.status_at(a.settings.as_of)
    if current is None:
        return paragraph(tag("em", "No status report on or before the reporting date yet."))
    cur = a.settings.currency
    latest = paragraph(f"Latest report, {fmt.date(current.date)}: ", fmt.rag(current.rag)) + rich(current.summary)
    rows = [
        (
            fmt.date(s.date),
            fmt.rag(s.rag),
            fmt.percent(s.percent_complete),
            fmt.money(s.actual_cost, cur),
            fmt.number(s.satisfaction, 1) if s.satisfaction is not None else "—",
            one_line(s.summary),
        )
        for s in reversed(p.status)
    ]
    history = table(["Date", "RAG", "Complete", "Actual cost", "Satisfaction", "Summary"], rows, align="llrrrl")
    return f"{latest}{paragraph(tag('strong', 'History'), ', newest first')}{history}"


RISK_HEADERS = ["Id", "Risk", "Probability", "Impact", "Exposure", "Owner", "Status", "Mitigation"]


def risk_cells(a: Analysis, r: Risk) -> tuple[str | Markup, ...]:
    """One risk as table cells (RISK_HEADERS); exposure counts for open risks only."""
    return (
        plain(r.id),
        marked(plain(r.title), r),
        str(r.probability),
        str(r.impact),
        str(r.probability * r.impact) if r.status == "open" else "—",
        plain(a.person_name(r.owner)),
        r.status,
        one_line(r.mitigation, 240),
    )


def _risks(a: Analysis, p: Project) -> str:
    ordered = sorted(p.risks, key=lambda r: (r.status != "open", -r.probability * r.impact, r.id))
    return table(RISK_HEADERS, [risk_cells(a, r) for r in ordered], align="llrrrlll")


def _issues(a: Analysis, p: Project) -> str:
    rows = [
        (
            plain(i.id),
            marked(plain(i.title), i),
            i.severity,
            plain(a.person_name(i.owner)),
            i.status,
            fmt.date(i.due),
        )
        for i in p.issues
    ]
    return table(["Id", "Issue", "Severity", "Owner", "Status", "Due"], rows)


def _dependencies(a: Analysis, p: Project, here: str) -> str:
    def name(pid: str) -> Markup:
        other = a.portfolio.projects.get(pid)
        return link(here, project_path(pid), plain(other.name)) if other else plain(pid)

    rows = [("this project depends on", name(d.project), d.type, plain(d.note)) for d in p.dependencies]
    for dependent, i in a.needed_by.get(p.id, []):
        dep = a.project(dependent).dependencies[i]
        rows.append(("depends on this project", name(dependent), dep.type, plain(dep.note)))
    return table(["Direction", "Project", "Type", "Note"], rows)


def _changes(a: Analysis, p: Project) -> str:
    cur = a.settings.currency
    rows = [
        (
            plain(c.id),
            fmt.date(c.date),
            marked(plain(c.title), c),
            fmt.money(c.cost, cur),
            fmt.days(c.schedule_days),
            c.decision,
            plain(c.decided_by or "—"),
        )
        for c in p.changes
    ]
    return table(["Id", "Date", "Change", "Cost", "Schedule", "Decision", "Decided by"], rows, align="lllrrll")


def _benefits(a: Analysis, p: Project) -> str:
    cur = a.settings.currency
    rows = [
        (
            marked(plain(b.name), b),
            b.kind,
            benefit_amount(b.planned, b, cur),
            benefit_amount(b.realized, b, cur),
            fmt.date(b.due),
            benefit_state(b, a),
        )
        for b in p.benefits
    ]
    return table(["Benefit", "Kind", "Planned", "Realized", "Due", "State"], rows, align="llrrll")


def _resources(a: Analysis, p: Project, here: str) -> str:
    teams = a.team_names
    rows = [
        (
            link(here, team_path(r.team), plain(teams[r.team])) if r.team in teams else plain(r.team),
            fmt.number(r.fte, 1),
            r.from_,
            r.to,
        )
        for r in p.resources
    ]
    return table(["Team", "FTE", "From", "To"], rows, align="lrll")


def _lessons(p: Project) -> str:
    if not p.lessons:
        return EMPTY
    parts = []
    for lesson in p.lessons:
        when = f" ({fmt.date(lesson.date)})" if lesson.date else ""
        category = plain(lesson.category.replace("-", " ").capitalize())
        parts.append(paragraph(tag("strong", category), when, pmo_mark(lesson)) + rich(lesson.lesson))
        if lesson.recommendation:
            parts.append(paragraph(tag("em", "Recommendation:")) + rich(lesson.recommendation))
    return "\n".join(parts)
