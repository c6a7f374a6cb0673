"""Stage 4, render: the Governance page — governance.yaml's rules checked against the portfolio the audience sees.

First the matrix a steering committee reads in a minute (open findings by rule and program, coloured by the
worst severity), then every finding with what would fix it and where, filterable; the waivers; and each
project's data-quality score with league tables by program and by manager. The pieces a project page's
Governance section shows (its gates, findings, waivers and score) are here too.

Every text from governance.yaml and from waivers is data: escaped and made inert like any other.

Over 400 lines: one page of four sections (the matrix, the scores, the waivers, the findings) and a project page's
Governance section, which shares their cells; each part a few short functions.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..analytics.governance import located
from ..data.governance import SEVERITIES, SEVERITY_WEIGHT
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, attributes, join, tag
from ..widgets.md import (
    filter_form,
    front_matter,
    heading,
    link,
    marked,
    page_scripts,
    paragraph,
    program_path,
    project_path,
    request_path,
    section,
    table,
    table_html,
    team_path,
)
from ..widgets.text import plain
from .cockpit import Figure, figure_grid
from .urls import GOVERNANCE, HANDBOOK, TABLES_JS

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from ..analytics.analyse import Analysis
    from ..analytics.governance import Finding, GovernanceReport
    from ..data.model import Project, Waiver

FINDINGS_TABLE, WAIVED_TABLE = "pmo-findings", "pmo-waived-findings"
# Where the page sends a reader who wants rules: the data contract (a hand-written page of the docs folder) and
# the handbook's page on governance, when the site has them.
CONTRACT_PAGE, HANDBOOK_GOVERNANCE = "data-contract.md", f"{HANDBOOK}/governance.md"
FINDING_HEADERS = ["Severity", "Rule", "Entity", "Finding", "Fix", "File"]
_ENTITY_KIND = {"programs": "Program", "requests": "Request"}  # a project is named alone (most findings are one's)
NO_PROGRAM = "-"  # the filter value of findings that concern no program (a team)


def governance_page(a: Analysis, pages: frozenset[str] = frozenset()) -> str:
    """The page; `pages` are the site's other pages (source paths), for links to the handbook and data contract."""
    report = a.governance
    here = GOVERNANCE
    parts = [front_matter("Governance", searchable=False), heading("Governance", 1)]
    if not report.governance.rules:
        parts.append(_no_rules(here, pages))
        parts.append(section("Waivers", _waivers(a, report, here, pages)) if _all_waivers(a) else "")
        return "".join(parts)
    parts += [
        _intro(a, report),
        html_block(figure_grid(_figures(a, report), "pmo-tiles pmo-key-figures")),
        # the summaries a steering committee reads first, then the detail behind them
        section("Findings by rule and program", _matrix(a, report, here, pages)),
        section("Data-quality score", _scores(a, report, here)),
        section("Waivers", _waivers(a, report, here, pages)),
        section("Findings", _findings(a, report, here, pages)),
        page_scripts(here, TABLES_JS),
    ]
    return "".join(parts)


def _no_rules(here: str, pages: frozenset[str]) -> str:
    where = []
    if CONTRACT_PAGE in pages:
        where.append(link(here, CONTRACT_PAGE, "the data contract", "governanceyaml"))
    if HANDBOOK_GOVERNANCE in pages:
        where.append(link(here, HANDBOOK_GOVERNANCE, "the handbook's governance page"))
    how = join(["The catalogue of rule kinds and their parameters is described in ", join(where, " and "), "."])
    return paragraph(
        tag("strong", "No governance rule is checked: "),
        tag("code", "governance.yaml"),
        " holds no rules, so there is no finding and no data-quality score. Add rules to ",
        tag("code", "governance.yaml"),
        " in the portfolio folder (each with an id, a title, a severity and a kind: gate decisions, decision "
        "rights for changes, status report age, regulation checklists and more); ",
        tag("code", "pmo validate"),
        " then checks them on every pull request and this page shows what they find. ",
        how if where else "",
    )


def _intro(a: Analysis, report: GovernanceReport) -> str:
    rules = report.governance.rules
    return paragraph(
        f"The {len(rules)} rules of ",
        tag("code", "governance.yaml"),
        f" checked against the portfolio as of {fmt.date(a.settings.as_of)}. An error fails ",
        tag("code", "pmo validate"),
        "; warnings and info are reported. A finding covered by a waiver (a recorded decision that the rule does "
        "not hold there, until a date) is listed apart and does not count as open.",
    )


def _figures(a: Analysis, report: GovernanceReport) -> list[Figure]:
    counts = Counter(f.severity for f in report.open)
    expired = sum(1 for _, _, waiver in _all_waivers(a) if waiver.until < a.settings.as_of)
    waived = len(report.findings) - len(report.open)
    score = report.score(sorted(report.applicable))
    return [
        Figure(str(counts["error"]), "open errors", "red" if counts["error"] else "green", _verdict(counts["error"])),
        Figure(
            str(counts["warning"]),
            "open warnings",
            "amber" if counts["warning"] else "green",
            _verdict(counts["warning"]),
        ),
        Figure(str(counts["info"]), "open info findings"),
        Figure(str(waived), "waived findings"),
        Figure(str(expired), "expired waivers", "amber" if expired else "green", _verdict(expired)),
        Figure(percent(score) if score is not None else fmt.na("no rule applies to any project"), "data-quality score"),
    ]


def _verdict(count: int) -> str:
    return "To act on" if count else "None"


def percent(score: float) -> str:
    """A score as a whole percent, rounded down: a project that fails a rule never shows 100 %."""
    return f"{math.floor(100 * score + 1e-9)} %"


# the matrix -------------------------------------------------------------------------------------------------


def severity_badge(severity: str) -> Markup:
    return tag("span", severity.capitalize(), class_=f"pmo-sev pmo-sev-{severity}")


def _worst(severities: Iterable[str]) -> str | None:
    found = set(severities)
    return next((s for s in SEVERITIES if s in found), None)


def _count(count: int, severity: str | None, href: str, worst: bool = False) -> Markup:
    """An open count, coloured by the worst severity among the findings it counts (said in words for screen
    readers in a total, where the row's severity does not say it); a link to those findings below."""
    if not count or severity is None:
        return tag("span", "0", class_="pmo-sev-none")
    says = tag("span", f" (worst: {severity})", class_="pmo-sr") if worst else ""
    return join([tag("a", str(count), href=href, class_=f"pmo-sev pmo-sev-{severity}"), says])


def _programs(a: Analysis, findings: Sequence[Finding]) -> list[tuple[str, str | Markup]]:
    """The matrix's columns: every program by name, and "No program" when a finding concerns none (a team)."""
    programs = sorted(a.portfolio.programs.values(), key=lambda p: (p.name, p.id))
    columns: list[tuple[str, str | Markup]] = [
        (p.id, link(GOVERNANCE, program_path(p.id), plain(p.name))) for p in programs
    ]
    if any(f.program is None or f.program not in a.portfolio.programs for f in findings):
        columns.append((NO_PROGRAM, "No program"))
    return columns


def _program_key(a: Analysis, finding: Finding) -> str:
    return finding.program if finding.program in a.portfolio.programs else NO_PROGRAM


def _filter_href(**choices: str) -> str:
    """The findings below, filtered (tables.js reads the choices from the address)."""
    return f"?{urlencode(choices)}#findings" if choices else "#findings"


def _matrix(a: Analysis, report: GovernanceReport, here: str, pages: frozenset[str]) -> str:
    columns = _programs(a, report.open)
    by_cell = Counter((f.rule, _program_key(a, f)) for f in report.open)
    by_rule = Counter(f.rule for f in report.open)
    rows: list[tuple[str | Markup, ...]] = []
    for rule in report.governance.rules:
        title = join([tag("strong", rule_link(a, here, rule.id, pages)), " ", plain(rule.title)])
        cells = [
            _count(by_cell[(rule.id, pid)], rule.severity, _filter_href(rule=rule.id, program=pid))
            for pid, _ in columns
        ]
        rows.append(
            (
                title,
                severity_badge(rule.severity),
                *cells,
                _count(by_rule[rule.id], rule.severity, _filter_href(rule=rule.id)),
            )
        )
    totals = []
    for pid, _ in columns:
        found = [f.severity for f in report.open if _program_key(a, f) == pid]
        totals.append(_count(len(found), _worst(found), _filter_href(program=pid), worst=True))
    everything = [f.severity for f in report.open]
    rows.append(
        (
            tag("strong", "All rules"),
            "",
            *totals,
            _count(len(everything), _worst(everything), _filter_href(), worst=True),
        )
    )
    headers = ["Rule", "Severity", *(name for _, name in columns), "Total"]
    align = "ll" + "r" * (len(columns) + 1)
    legend = paragraph(
        "Open findings of each rule in each program; a count takes the colour of its severity (",
        join((severity_badge(s) for s in SEVERITIES), ", "),
        "), a total the colour of the worst it counts. Select a count to list its findings.",
    )
    return legend + html_block(table_html(headers, rows, align, attributes(id="pmo-governance-matrix")))


def rule_link(a: Analysis, here: str, rule_id: str, pages: frozenset[str]) -> Markup:
    """The rule's id, linked to the handbook section that explains it when the site has that page."""
    rule = a.governance.governance.rule(rule_id)
    return handbook_link(here, rule.section if rule else "", token(rule_id), pages)


def handbook_link(here: str, section_ref: str, text: str | Markup, pages: frozenset[str]) -> Markup:
    """`text` linked to a handbook section given as governance.yaml writes it ("lifecycle.md#g1-approval");
    only the text when the site has no such page. The page is looked up among the site's pages, never
    taken from the data as a URL."""
    page, _, fragment = section_ref.partition("#")
    target = f"{HANDBOOK}/{page}"
    shown = text if isinstance(text, Markup) else plain(text)
    return link(here, target, shown, fragment) if page and target in pages else shown


# the findings -----------------------------------------------------------------------------------------------


def entity_cell(a: Analysis, here: str, folder: str, entity: str) -> Markup:
    """What a finding or waiver is about, linked to its page: a project, a program, a request or a team."""
    p = a.portfolio
    if folder == "people.yaml":
        name = plain(a.team_names.get(entity, entity))
        return join(["Team: ", link(here, team_path(entity), name) if entity in a.capacity.teams else name])
    paths = {"projects": project_path, "programs": program_path, "requests": request_path}
    holders: dict[str, Any] = {"projects": p.projects, "programs": p.programs, "requests": p.requests}
    holder = holders.get(folder, {}).get(entity)
    if holder is None:
        return plain(entity)
    shown = link(here, paths[folder](entity), marked(plain(holder.name), holder))
    kind = _ENTITY_KIND.get(folder)
    return join([f"{kind}: ", shown]) if kind else shown


def location(a: Analysis, finding: Finding) -> Markup:
    """file:line of what the finding points at, breaking only after a "/" (not inside a name)."""
    problem = located(a.portfolio, finding)
    where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
    return tag("code", join((token(part) for part in where.split("/")), join(["/", _BREAK])))


_BREAK = tag("wbr")


def token(text: str) -> Markup:
    """An id that never wraps at its hyphens."""
    return tag("span", text, class_="pmo-token")


def finding_cells(
    a: Analysis, here: str, finding: Finding, pages: frozenset[str], entity: bool = True
) -> tuple[str | Markup, ...]:
    cells: list[str | Markup] = [severity_badge(finding.severity), rule_link(a, here, finding.rule, pages)]
    if entity:
        cells.append(entity_cell(a, here, finding.folder, finding.entity))
    return (*cells, plain(finding.message), plain(finding.fix), location(a, finding))


def _order(report: GovernanceReport) -> dict[str, int]:
    return {rule.id: i for i, rule in enumerate(report.governance.rules)}


def sorted_findings(report: GovernanceReport, findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity, in the order of governance.yaml's rules."""
    order = _order(report)
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), order.get(f.rule, len(order))))


def waiver_text(a: Analysis, waiver: Waiver) -> Markup:
    """A waiver as a sentence: its reason, who approved it, until when."""
    return join(
        [plain(waiver.reason), " (approved by ", plain(approver(a, waiver.approved_by)), f", until {waiver.until})"]
    )


def approver(a: Analysis, who: str) -> str:
    """A body's name, a person's name, or the text as given."""
    body = a.governance.governance.body(who)
    return body.name if body else a.person_name(who)


def _findings(a: Analysis, report: GovernanceReport, here: str, pages: frozenset[str]) -> str:
    open_findings = sorted_findings(report, report.open)
    waived = sorted_findings(report, (f for f in report.findings if f.waived))
    if not report.findings:
        return paragraph(tag("em", "No finding: every rule holds for every project, program, request and team."))
    rules = report.governance.rules
    programs = {_program_key(a, f) for f in report.findings}
    choices: dict[str, list[tuple[str, str | Markup]]] = {
        "severity": [(s, s.capitalize()) for s in SEVERITIES if any(f.severity == s for f in report.findings)],
        "program": _program_choices(a, programs),
        "rule": [
            (r.id, join([plain(r.id), " — ", plain(r.title)]))
            for r in rules
            if r.id in {f.rule for f in report.findings}
        ],
    }
    tables = f"{FINDINGS_TABLE} {WAIVED_TABLE}" if waived else FINDINGS_TABLE
    form = filter_form(tables, choices, len(report.findings), search=True, hint="a name, an id, a word")
    parts = [form]
    parts.append(heading(f"Open ({len(open_findings)})", 3, "open-findings"))
    if open_findings:
        parts.append(_finding_table(a, here, open_findings, pages, FINDINGS_TABLE, "open-findings"))
    else:
        parts.append(paragraph(tag("em", "No open finding: every finding is covered by a waiver.")))
    if waived:
        parts.append(heading(f"Waived ({len(waived)})", 3, "waived-findings"))
        parts.append(_finding_table(a, here, waived, pages, WAIVED_TABLE, "waived-findings", with_waiver=True))
    return "".join(parts)


def _program_choices(a: Analysis, keys: set[str]) -> list[tuple[str, str | Markup]]:
    programs = sorted((p for pid, p in a.portfolio.programs.items() if pid in keys), key=lambda p: (p.name, p.id))
    choices: list[tuple[str, str | Markup]] = [(p.id, plain(p.name)) for p in programs]
    if NO_PROGRAM in keys:
        choices.append((NO_PROGRAM, "No program"))
    return choices


def _finding_table(
    a: Analysis,
    here: str,
    findings: list[Finding],
    pages: frozenset[str],
    table_id: str,
    heading_id: str,
    with_waiver: bool = False,
) -> str:
    headers = [*FINDING_HEADERS, "Waiver"] if with_waiver else FINDING_HEADERS
    rows, attrs = [], []
    for f in findings:
        cells = finding_cells(a, here, f, pages)
        rows.append((*cells, waiver_text(a, f.waiver)) if with_waiver and f.waiver else cells)
        attrs.append(attributes(data_severity=f.severity, data_program=_program_key(a, f), data_rule=f.rule))
    table_attrs = attributes(id=table_id, data_pmo_sortable=True, data_pmo_heading=heading_id)
    return html_block(table_html(headers, rows, "", table_attrs, attrs))


# the waivers ------------------------------------------------------------------------------------------------


def _all_waivers(a: Analysis) -> list[tuple[str, str, Waiver]]:
    """Every waiver of the portfolio: (folder, entity id, waiver), as the rules see them."""
    p = a.portfolio
    found: list[tuple[str, str, Waiver]] = []
    for folder, entities in (("projects", p.projects), ("programs", p.programs), ("requests", p.requests)):
        for eid in sorted(entities):
            found += [(folder, eid, w) for w in entities[eid].waivers]
    for team in p.people.teams:
        found += [("people.yaml", team.id, w) for w in team.waivers]
    return found


def waiver_state(a: Analysis, waiver: Waiver) -> Markup:
    days = (waiver.until - a.settings.as_of).days
    if days < 0:
        return join([tag("span", "Expired", class_="pmo-sev pmo-sev-warning"), f" {-days} days ago"])
    return join([tag("span", "Active", class_="pmo-sev pmo-sev-active"), f" {days} days left"])


def _covers(report: GovernanceReport, folder: str, entity: str, waiver: Waiver) -> int:
    return sum(1 for f in report.of(folder, entity) if f.waiver is waiver)


def _waivers(a: Analysis, report: GovernanceReport, here: str, pages: frozenset[str]) -> str:
    waivers = _all_waivers(a)
    if not waivers:
        return paragraph(tag("em", "No waiver recorded."))
    as_of = a.settings.as_of
    waivers.sort(key=lambda w: (w[2].until >= as_of, w[2].until, w[0], w[1], w[2].rule))  # expired first
    rows = []
    for folder, entity, waiver in waivers:
        rows.append(
            (
                entity_cell(a, here, folder, entity),
                rule_link(a, here, waiver.rule, pages),
                plain(waiver.reason),
                plain(approver(a, waiver.approved_by)),
                fmt.date(waiver.until),
                waiver_state(a, waiver),
                str(_covers(report, folder, entity, waiver)),
            )
        )
    expired = sum(1 for _, _, w in waivers if w.until < as_of)
    lead = paragraph(
        f"{len(waivers) - expired} active and {expired} expired. An active waiver turns the findings of its rule on "
        "its entity into waived ones (Covers counts them); an expired one waives nothing"
        + (", and is itself a finding." if any(r.kind == "waiver_expiry" for r in report.governance.rules) else ".")
    )
    headers = ["Entity", "Rule", "Reason", "Approved by", "Until", "State", "Covers"]
    return lead + html_block(table_html(headers, rows, "llllllr", attributes(id="pmo-waivers", data_pmo_sortable=True)))


# the scores -------------------------------------------------------------------------------------------------


def score_text(report: GovernanceReport, project: Project) -> str | Markup:
    score = report.score(project.id)
    return percent(score) if score is not None else fmt.na(not_applicable(project))


def not_applicable(project: Project) -> str:
    return f"no rule of governance.yaml applies to {project.kind} work in the {fmt.phase(project.phase).lower()} phase"


def _score_key(score: float | None, name: str) -> tuple[bool, float, str]:
    return (score is None, score if score is not None else 0.0, name)  # worst first, n/a last


def _open_counts(report: GovernanceReport, pids: Iterable[str]) -> Counter[str]:
    ids = set(pids)
    return Counter(f.severity for f in report.open if f.folder == "projects" and f.entity in ids)


def _counts_text(counts: Counter[str]) -> str:
    shown = [f"{counts[s]} {s}" + ("s" if counts[s] != 1 and s != "info" else "") for s in SEVERITIES if counts[s]]
    return ", ".join(shown) if shown else "—"


def _scores(a: Analysis, report: GovernanceReport, here: str) -> str:
    weights = ", ".join(f"{s} {w}" for s, w in SEVERITY_WEIGHT.items())
    lead = paragraph(
        "The share of the rules that apply to a project that it passes, each rule weighted by its severity ("
        f"{weights}); a waived finding counts as passed. Rules about programs, requests and teams are not in it. "
        "A group's score pools the weights of its projects. Worst first; n/a where no rule applies."
    )
    projects = sorted(a.portfolio.projects.values(), key=lambda p: _score_key(report.score(p.id), p.name))
    rows = []
    for p in projects:
        program = a.portfolio.programs.get(p.program)
        rows.append(
            (
                link(here, project_path(p.id), marked(plain(p.name), p)),
                link(here, program_path(p.program), plain(program.name)) if program else plain(p.program),
                plain(a.person_name(p.manager)),
                fmt.phase(p.phase),
                str(len(report.applicable.get(p.id, []))),
                _counts_text(_open_counts(report, [p.id])),
                score_text(report, p),
            )
        )
    by_project = html_block(
        table_html(
            ["Project", "Program", "Manager", "Phase", "Rules", "Open findings", "Score"],
            rows,
            "llllrlr",
            attributes(id="pmo-scores", data_pmo_sortable=True),
        )
    )
    # the two league tables side by side on a wide screen: short tables, read together
    leagues = tag(
        "div",
        tag("div", _subheading("By program"), _league(report, "Program", _by_program(a))),
        tag("div", _subheading("By manager"), _league(report, "Manager", _by_manager(a))),
        class_="pmo-leagues",
    )
    return lead + html_block(leagues) + heading("By project", 3, "score-by-project") + by_project


def _subheading(title: str) -> Markup:
    """A heading inside a block (md.heading makes a block of its own). Without an id: no engine puts a heading
    inside raw HTML in its table of contents (Zensical does not), so pmo's does not either."""
    return tag("h3", title)


def _by_program(a: Analysis) -> list[tuple[Markup, list[str]]]:
    groups: dict[str, list[str]] = {}
    for p in a.portfolio.projects.values():
        groups.setdefault(p.program, []).append(p.id)
    named = []
    for pid, ids in groups.items():
        program = a.portfolio.programs.get(pid)
        name = link(GOVERNANCE, program_path(pid), plain(program.name)) if program else plain(pid)
        named.append((name, sorted(ids)))
    return named


def _by_manager(a: Analysis) -> list[tuple[Markup, list[str]]]:
    groups: dict[str, list[str]] = {}
    for p in a.portfolio.projects.values():
        groups.setdefault(p.manager, []).append(p.id)
    return [(plain(a.person_name(manager)), sorted(ids)) for manager, ids in groups.items()]


def _league(report: GovernanceReport, label: str, groups: list[tuple[Markup, list[str]]]) -> Markup:
    scored = sorted(groups, key=lambda g: _score_key(report.score(g[1]), str(g[0])))
    rows = []
    for name, ids in scored:
        score = report.score(ids)
        rows.append(
            (
                name,
                str(len(ids)),
                _counts_text(_open_counts(report, ids)),
                percent(score) if score is not None else fmt.na("no rule applies to any of its projects"),
            )
        )
    return table_html([label, "Projects", "Open findings", "Score"], rows, "lrlr")


# a project page's Governance section -------------------------------------------------------------------------


def project_governance(a: Analysis, project: Project, here: str, pages: frozenset[str]) -> str:
    """Its score, the gates it passed (with dates, deciders and conditions), its regulations' checklists, its
    open findings and its waivers."""
    report = a.governance
    parts = [paragraph(_project_score(report, project))]
    parts += [heading("Gate decisions", 3, "governance-gates"), _gates(a, project, here, pages)]
    if project.compliance:
        parts += [heading("Compliance checklists", 3, "governance-compliance"), _checklists(a, project)]
    found = report.of("projects", project.id)
    open_findings = sorted_findings(report, (f for f in found if not f.waived))
    parts.append(heading(f"Open findings ({len(open_findings)})", 3, "governance-findings"))
    if open_findings:
        rows = [finding_cells(a, here, f, pages, entity=False) for f in open_findings]
        headers = [h for h in FINDING_HEADERS if h != "Entity"]
        parts.append(html_block(table_html(headers, rows)))
    else:
        parts.append(paragraph(tag("em", "None: the project passes every rule that applies to it, or has a waiver.")))
    if project.waivers:
        parts += [heading("Waivers", 3, "governance-waivers"), _project_waivers(a, project, here, found, pages)]
    return "".join(parts)


def _project_score(report: GovernanceReport, project: Project) -> Markup:
    passed, total = report.weights(project.id)
    rules = report.applicable.get(project.id, [])
    if not total:
        return join([tag("strong", "Data-quality score: "), fmt.NA, f" ({not_applicable(project)})."])
    score = report.score(project.id)
    return join(
        [
            tag("strong", "Data-quality score: ", percent(score) if score is not None else fmt.NA),
            f" — it passes rules worth {passed} of the {total} severity points of the {len(rules)} rules that apply "
            "to it (error 3, warning 2, info 1; a waived finding counts as passed).",
        ]
    )


def _gates(a: Analysis, project: Project, here: str, pages: frozenset[str]) -> str:
    gov = a.governance.governance
    rows = []
    for decision in project.gates:
        gate = gov.gate(decision.gate)
        name = join([decision.gate, " ", plain(gate.name)]) if gate else plain(decision.gate)
        rows.append(
            (
                handbook_link(here, gate.section, name, pages) if gate else name,
                decision.decision,
                fmt.date(decision.date),
                plain(approver(a, decision.decided_by)),
                join((plain(c) for c in decision.conditions), "; ") if decision.conditions else "—",
            )
        )
    if not rows:
        return paragraph(tag("em", "No gate decision recorded."))
    return table(["Gate", "Outcome", "Date", "Decided by", "Conditions"], rows)


def _checklists(a: Analysis, project: Project) -> str:
    gov = a.governance.governance
    done = {(e.regulation, e.item): e for e in project.checklist}
    rows = []
    for regulation_id in project.compliance:
        regulation = gov.regulation(regulation_id)
        if regulation is None:
            continue
        for item in regulation.items:
            entry = done.get((regulation_id, item.id))
            rows.append(
                (
                    plain(regulation.name),
                    plain(item.title),
                    item.by_gate,
                    fmt.date(entry.done) if entry and entry.done else "not yet",
                    plain(entry.evidence) if entry and entry.evidence else "—",
                )
            )
    return table(["Regulation", "Item", "By gate", "Done", "Evidence"], rows)


def _project_waivers(a: Analysis, project: Project, here: str, found: list[Finding], pages: frozenset[str]) -> str:
    rows = [
        (
            rule_link(a, here, w.rule, pages),
            plain(w.reason),
            plain(approver(a, w.approved_by)),
            fmt.date(w.until),
            waiver_state(a, w),
            str(sum(1 for f in found if f.waiver is w)),
        )
        for w in project.waivers
    ]
    return table(["Rule", "Reason", "Approved by", "Until", "State", "Covers"], rows, "lllllr")
