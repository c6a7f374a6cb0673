"""Handbook markers that render governance.yaml: the decision rights for changes, the gates with their criteria and
deciders, each regulation's checklist by gate, and every rule checked. The handbook's prose and the checks of
`pmo validate` then read the same file and cannot disagree. Text from governance.yaml is data: escaped and made
inert like any other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..data.model import PHASES
from ..pages.urls import GOVERNANCE
from ..widgets import fmt
from ..widgets.markup import Markup, join, tag
from ..widgets.md import link, paragraph, table
from ..widgets.text import plain
from .context import MarkerError

if TYPE_CHECKING:
    from ..data.governance import Governance, RuleBase
    from .context import Context

_FILE = tag("code", "governance.yaml")


def _governance(context: Context) -> Governance:
    return context.analysis.portfolio.governance


def _none(what: str | Markup) -> str:
    return paragraph(tag("em", join([_FILE, " defines no ", what, " yet."])))


def _body(context: Context, body_id: str) -> Markup:
    """A body's name, linked to the handbook section that describes it."""
    body = _governance(context).body(body_id)
    if body is None:
        return plain(body_id)
    return _section(context, body.section, plain(body.name))


def _section(context: Context, ref: str, text: Markup) -> Markup:
    """`text` linked to a handbook section as governance.yaml names one ("governance.md#x"), when the handbook
    has the page; the page is looked up among the handbook's pages, never taken from the data as a URL."""
    return context.handbook_link(ref, text) if ref else text


def decision_rights(context: Context, args: dict[str, str]) -> str:
    """Who decides a change of which size: governance.yaml's `decision_rights`, the table the change_authority
    rule checks every decided change against."""
    gov = _governance(context)
    if not gov.decision_rights:
        return _none("decision rights")
    currency = context.analysis.settings.currency
    rows = [
        (
            _body(context, row.body),
            tag("code", plain(row.body), class_="pmo-token"),
            _cost_limit(row.max_cost, row.max_budget_percent, currency),
            f"{row.max_schedule_days} days" if row.max_schedule_days is not None else NO_LIMIT,
        )
        for row in gov.decision_rights
    ]
    headers = ["Who decides", "decided_by", "Cost effect up to", "Schedule effect up to"]
    return table(headers, rows, "llll") + paragraph(
        "A change is decided by the first body whose limits all cover its cumulative effect, or by a body further "
        "down the table. The table is ",
        tag("code", "decision_rights"),
        " in ",
        _FILE,
        ": the checks of ",
        tag("code", "pmo validate"),
        " use the same rows.",
    )


NO_LIMIT = "no limit"


def _cost_limit(cost: float | None, share: float | None, currency: str) -> str:
    """ "€25,000 and 5 % of the budget": both limits hold."""
    parts = [fmt.money(cost, currency)] if cost is not None else []
    if share is not None:
        parts.append(f"{fmt.number(share, 1).removesuffix('.0')} % of the budget")
    return " and ".join(parts) or NO_LIMIT


def gates(context: Context, args: dict[str, str]) -> str:
    """The gates with what must be true to pass each and who decides it."""
    gov = _governance(context)
    if not gov.gates:
        return _none("gates")
    rows = []
    for gate in gov.gates:
        name = _section(context, gate.section, join([tag("strong", plain(gate.id)), " ", plain(gate.name)]))
        criteria = tag("ul", join(tag("li", plain(c)) for c in gate.criteria)) if gate.criteria else "—"
        deciders = join((_body(context, b) for b in gate.decided_by), " or ") if gate.decided_by else "—"
        opens = tag("code", gate.opens, class_="pmo-token") if gate.opens else "—"
        rows.append((name, criteria, deciders, opens))
    return table(["Gate", "What must be true", "Who decides", "Opens the phase"], rows) + paragraph(
        "From ",
        tag("code", "gates"),
        " in ",
        _FILE,
        ". A project records each decision in its file as ",
        tag("code", "gates: [{gate, date, decision, decided_by, conditions}]"),
        ".",
    )


def regulation_checklist(context: Context, args: dict[str, str]) -> str:
    """One regulation's checklist, by the gate each item is due at."""
    regulation_id = args.get("regulation")
    if not regulation_id:
        raise MarkerError('name the regulation: <!-- pmo:regulation-checklist regulation="gdpr" -->')
    gov = _governance(context)
    regulation = gov.regulation(regulation_id)
    if regulation is None:
        return _none(join(["regulation ", tag("code", regulation_id)]))
    order = {gate.id: i for i, gate in enumerate(gov.gates)}
    items = sorted(regulation.items, key=lambda item: order.get(item.by_gate, len(order)))
    rows = [(_gate_name(gov, item.by_gate), plain(item.title), tag("code", plain(item.id))) for item in items]
    applies = (
        paragraph(tag("strong", "Applies when: "), plain(regulation.applies_when)) if regulation.applies_when else ""
    )
    return (
        applies
        + table(["Done by", "Item", "Id"], rows)
        + paragraph(
            "A project that lists ",
            tag("code", plain(regulation.id)),
            " under ",
            tag("code", "compliance"),
            " records each item when it is done: ",
            tag("code", join(["checklist: [{regulation: ", plain(regulation.id), ", item: …, done: …, evidence: …}]"])),
            ".",
        )
    )


def _gate_name(gov: Governance, gate_id: str) -> Markup:
    gate = gov.gate(gate_id)
    return join([plain(gate_id), " ", plain(gate.name)]) if gate else plain(gate_id)


def governance_rules(context: Context, args: dict[str, str]) -> str:
    """Every rule of governance.yaml: what it checks, how severe, to what, and where the handbook explains it."""
    gov = _governance(context)
    if not gov.rules:
        return _none("rules")
    rows = [
        (
            join(
                [tag("code", plain(rule.id), class_="pmo-token", id=f"rule-{rule.id}"), _LINE_BREAK, plain(rule.title)]
            ),
            tag("span", rule.severity.capitalize(), class_=f"pmo-sev pmo-sev-{rule.severity}"),
            applies_to(rule),
            _section(context, rule.section, plain(_section_label(rule.section))) if rule.section else "—",
        )
        for rule in gov.rules
    ]
    return table(["Rule", "Severity", "Applies to", "Explained in"], rows) + paragraph(
        "An error fails ",
        tag("code", "pmo validate"),
        " (and the pull request); warnings and info are reported. A waiver in the file of what a rule finds (",
        tag("code", "waivers: [{rule, reason, approved_by, until}]"),
        ") records a decision that it does not hold there, until a date. What the rules find today is on the ",
        link(context.page, GOVERNANCE, "Governance page"),
        ".",
    )


_ENTITIES = {
    "request_triage": "requests submitted or assessed",
    "team_overallocation": "teams",
    "waiver_expiry": "every waiver",
}


def applies_to(rule: RuleBase) -> str:
    """What a rule looks at, in words: its kind of work and phases for projects (all, unless it names some)."""
    if rule.kind in _ENTITIES:
        return _ENTITIES[rule.kind]
    work = " and ".join(rule.work) + " " if rule.work else ""
    phases = [p for p in PHASES if p in rule.phases]
    where = f" in {', '.join(fmt.phase(p).lower() for p in phases)}" if phases else ""
    subject = f"{work}projects{where}"
    return f"programs, counting {subject}" if rule.kind == "wip_limit" else subject


def _section_label(ref: str) -> str:
    """The handbook page a section is on, by its name: "lifecycle.md#g1-approval" → "Lifecycle"."""
    return ref.partition("#")[0].removesuffix(".md").rsplit("/", 1)[-1].replace("-", " ").capitalize()


_LINE_BREAK = tag("br")
