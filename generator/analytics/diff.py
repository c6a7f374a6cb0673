"""What changed between two states of the portfolio: projects added, closed or cancelled, RAG and phase
changes, dates that moved, budgets, risks and change requests. Pure: two analyses in, one Diff out.

`pmo diff` prints it as Markdown or JSON and a published version shows it as its "Changes since" page, both
through io/diff_report.py. A change's reasons are worded here, where they are found.

Over 400 lines: one comparison per kind of change, each beside the wording of its reasons.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..widgets import fmt
from .kpi import RAGS, Verdict, rag_verdicts, why_undefined

if TYPE_CHECKING:
    import datetime as dt

    from ..data.model import Milestone, Project, RagOverride, RagRules, Risk, Waiver
    from ..data.validate import Portfolio
    from .analyse import Analysis
    from .governance import Finding
    from .kpi import Row


@dataclass(frozen=True)
class Side:
    """One state compared: what it is called (a revision, a folder, a version) and its reporting date."""

    label: str
    as_of: dt.date
    projects: int


@dataclass(frozen=True)
class ProjectChange:
    project: str
    name: str
    change: str  # added | removed | closed | cancelled
    phase_before: str | None
    phase_after: str | None


@dataclass(frozen=True)
class ValueChange:
    """A RAG or a phase that changed; None is "no RAG" (not started, or no longer active)."""

    project: str
    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Reason:
    """One part of why a RAG changed, in words: a threshold crossed, a stale report, an override set or lifted."""

    kind: str  # spi | cpi | slip_days | within (all three) | override | phase | report | stale
    text: str


# Why a RAG changed: in the data (a report, a date, a budget, an override, the RAG rules), or only because
# time passed (the reporting date moved; the project's figures and the rules stayed as they were).
DATA, TIME = "data", "time"


@dataclass(frozen=True)
class RagChange:
    """A RAG that changed, and why; None is "no RAG" (not started, or no longer active)."""

    project: str
    name: str
    before: str | None
    after: str | None
    cause: str  # DATA or TIME
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class DateChange:
    project: str
    name: str
    date: str  # "finish", or the milestone's name
    milestone: bool
    kind: str  # baseline | forecast | reached | added | removed
    before: dt.date | None
    after: dt.date | None
    days: int | None  # after − before; None when one side has no date


@dataclass(frozen=True)
class BudgetChange:
    project: str
    name: str
    before: float | None  # None: withheld by the source
    after: float | None
    change: float | None  # None when either side is withheld


@dataclass(frozen=True)
class RiskState:
    probability: int
    impact: int
    exposure: int
    status: str


@dataclass(frozen=True)
class RiskChange:
    project: str
    name: str
    risk: str
    title: str
    change: str  # new | closed | reopened | re-scored | removed
    before: RiskState | None
    after: RiskState | None


@dataclass(frozen=True)
class ChangeRequestChange:
    project: str
    name: str
    id: str
    title: str
    change: str  # new | decided | removed
    decision_before: str | None
    decision_after: str | None
    cost: float
    schedule_days: int


@dataclass(frozen=True)
class WaiverNote:
    reason: str
    approved_by: str
    until: dt.date


@dataclass(frozen=True)
class FindingChange:
    """A governance finding the change opened or closed. `change`: added (open in head, absent from base),
    reopened (waived in base, open in head: its waiver expired or was removed), resolved (open in base, absent
    from head), waived (waived in head; open in base, or new). `why` says how, in words ("" for a plain added
    one)."""

    rule: str
    severity: str
    entity_type: str  # project | program | request | team
    entity: str
    name: str  # the entity's name
    change: str
    message: str  # head's message, or base's for a finding resolved
    fix: str
    why: str
    waiver: WaiverNote | None  # the waiver of head (waived) or of base (reopened)


@dataclass(frozen=True)
class Diff:
    base: Side
    head: Side
    currency: str
    projects: list[ProjectChange] = field(default_factory=list)
    rag: list[RagChange] = field(default_factory=list)
    phase: list[ValueChange] = field(default_factory=list)
    dates: list[DateChange] = field(default_factory=list)
    budget: list[BudgetChange] = field(default_factory=list)
    risks: list[RiskChange] = field(default_factory=list)
    change_requests: list[ChangeRequestChange] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return (
            not any((self.projects, self.rag, self.phase, self.dates, self.budget, self.risks, self.change_requests))
            and not self.findings
        )


_ENDED = ("closed", "cancelled")


def compare(base: Analysis, head: Analysis, base_label: str, head_label: str) -> Diff:
    """Every change from `base` to `head`, each list ordered by project id, then as the data lists it."""
    before, after = base.portfolio.projects, head.portfolio.projects
    diff = Diff(
        base=Side(base_label, base.settings.as_of, len(before)),
        head=Side(head_label, head.settings.as_of, len(after)),
        currency=head.settings.currency,
    )
    for pid in sorted(after.keys() - before.keys()):
        diff.projects.append(ProjectChange(pid, after[pid].name, "added", None, after[pid].phase))
    for pid in sorted(before.keys() - after.keys()):
        diff.projects.append(ProjectChange(pid, before[pid].name, "removed", before[pid].phase, None))
    for pid in sorted(before.keys() & after.keys()):
        old, new = before[pid], after[pid]
        if old.phase != new.phase:
            if new.phase in _ENDED:
                diff.projects.append(ProjectChange(pid, new.name, new.phase, old.phase, new.phase))
            else:
                diff.phase.append(ValueChange(pid, new.name, old.phase, new.phase))
        rag_before, rag_after = _rag(base, pid), _rag(head, pid)
        if rag_before != rag_after:
            diff.rag.append(_rag_change(base, head, old, new))
        diff.dates.extend(_finish(old, new))
        diff.dates.extend(_milestones(old, new))
        if old.budget != new.budget:
            moved = None if old.budget is None or new.budget is None else new.budget - old.budget
            diff.budget.append(BudgetChange(pid, new.name, old.budget, new.budget, moved))
        diff.risks.extend(_risks(old, new))
        diff.change_requests.extend(_change_requests(old, new))
    diff.projects.sort(key=lambda c: (_PROJECT_ORDER[c.change], c.project))
    diff.findings.extend(finding_changes(base, head))
    return diff


_PROJECT_ORDER = {"added": 0, "closed": 1, "cancelled": 2, "removed": 3}


def _rag(a: Analysis, pid: str) -> str | None:
    value = a.rows[pid]["rag"]
    return None if fmt.missing(value) else str(value)


def _rag_change(base: Analysis, head: Analysis, old: Project, new: Project) -> RagChange:
    was, now = base.rows[new.id], head.rows[new.id]
    reasons = [*_activity(was, now, old, new, head), *_override(old.rag_override, new.rag_override)]
    if new.rag_override is None and not fmt.missing(now["rag"]):
        reasons += _verdicts(was, now, base.settings.rag, head.settings.rag, derived_before=_derived(was, old))
        reasons += _report(was, now, head)
    until = max(base.settings.as_of, head.settings.as_of)
    time_only = _rag_inputs(old, until) == _rag_inputs(new, until) and _rules(base) == _rules(head)
    return RagChange(
        new.id, new.name, _rag(base, new.id), _rag(head, new.id), TIME if time_only else DATA, tuple(reasons)
    )


def _rag_inputs(p: Project, until: dt.date) -> tuple[Any, ...]:
    """What a project's RAG is computed from, besides the reporting date and the portfolio's rules (reports
    dated after `until`, the later reporting date, count on neither side)."""
    reports = tuple((r.date, r.percent_complete, r.actual_cost) for r in p.status if r.date <= until)
    return (p.phase, p.start, p.finish, p.expected_finish, p.budget, p.rag_override, reports)


def _rules(a: Analysis) -> tuple[Any, ...]:
    return (a.settings.rag, a.settings.stale_after_days)


def _derived(row: Row, project: Project) -> bool:
    """Whether the row's RAG was derived from its figures (not overridden, and there is one)."""
    return project.rag_override is None and not fmt.missing(row["rag"])


def _activity(was: Row, now: Row, old: Project, new: Project, head: Analysis) -> list[Reason]:
    """A RAG judges delivery in progress from a status report: starting, ending or the first report change it."""
    out = []
    if was["active"] != now["active"]:
        ended = "" if now["active"] else ": no RAG outside delivery"
        out.append(Reason("phase", f"phase {fmt.phase(old.phase)} → {fmt.phase(new.phase)}{ended}"))
    elif now["active"] and fmt.missing(was["ac"]) != fmt.missing(now["ac"]):
        text = (
            f"no status report on or before {fmt.date(head.settings.as_of)}"
            if fmt.missing(now["ac"])
            else f"first status report, {fmt.date(now['status_date'])}"
        )
        out.append(Reason("report", text))
    return out


def _override(was: RagOverride | None, now: RagOverride | None) -> list[Reason]:
    if was == now:
        return []
    if was is not None and now is None:
        return [Reason("override", f"RAG override {was.rag.capitalize()} lifted: the RAG is derived again")]
    if was is None and now is not None:
        return [Reason("override", f"RAG override {now.rag.capitalize()} set: {now.reason}")]
    assert was is not None and now is not None
    moved = f"{was.rag.capitalize()} → {now.rag.capitalize()}" if was.rag != now.rag else now.rag.capitalize()
    return [Reason("override", f"RAG override {moved}: {now.reason}")]


_VERDICT_NAMES = {"spi": "SPI", "cpi": "CPI", "slip_days": "slip"}


def _verdicts(was: Row, now: Row, rules_was: RagRules, rules_now: RagRules, derived_before: bool) -> list[Reason]:
    """The verdicts that moved the derived RAG: each SPI, CPI or slip verdict whose level changed; when the RAG
    was not derived before (an override lifted, a first report), what the derived one rests on now."""
    after = rag_verdicts(now, rules_now)
    if not derived_before:
        shown = [v for v in after if v.level]
        if not shown:
            return [Reason("within", "SPI, CPI and slip within their thresholds")]
        return [Reason(v.kpi, _verdict_text(None, v, now, rules_now, rules_now)) for v in shown]
    before = rag_verdicts(was, rules_was)
    return [
        Reason(v.kpi, _verdict_text(b, v, now, rules_was, rules_now))
        for b, v in zip(before, after, strict=True)
        if b.rag != v.rag
    ]


def _verdict_text(was: Verdict | None, now: Verdict, row: Row, rules_was: RagRules, rules_now: RagRules) -> str:
    """In words, with the numbers: "SPI 0.93 → 0.88, below the amber threshold 0.90"."""
    kpi, worse = now.kpi, was is None or now.level > was.level
    # the threshold passed: on the way down the one of the level reached, on the way up the one just above it
    crossed = now.rag if worse else RAGS[now.level + 1]
    limit, limit_before = getattr(getattr(rules_now, kpi), crossed), getattr(getattr(rules_was, kpi), crossed)
    value = fmt.beside_threshold(kpi, now.value, limit)
    shown = f"{_VERDICT_NAMES[kpi]} {value}"
    if was is not None and (before := fmt.beside_threshold(kpi, was.value, limit)) != value:
        shown = f"{_VERDICT_NAMES[kpi]} {before} → {value}"
    if fmt.missing(now.value):
        return f"{shown}: {why_undefined(kpi, row)}, so it gives no verdict"
    if kpi == "slip_days":
        shown += " days"
        relation = ("at" if now.value == limit else "over") if worse else "back under"
    else:
        relation = "below" if worse else ("back at" if now.value == limit else "back above")
    moved = f" (was {fmt.beside_threshold(kpi, limit_before, limit_before)})" if limit_before != limit else ""
    return f"{shown}, {relation} the {crossed} threshold {fmt.beside_threshold(kpi, limit, limit)}{moved}"


def _report(was: Row, now: Row, head: Analysis) -> list[Reason]:
    """The status report the figures come from: a newer one, or how old the current one has grown."""
    out = []
    if was["status_date"] is not None and now["status_date"] not in (None, was["status_date"]):
        out.append(Reason("report", f"status report {fmt.date(was['status_date'])} → {fmt.date(now['status_date'])}"))
    if now["stale"] and not fmt.missing(now["status_age_days"]):
        out.append(
            Reason(
                "stale",
                f"latest status report {fmt.date(now['status_date'])} is {int(now['status_age_days'])} days old "
                f"at {fmt.date(head.settings.as_of)}, stale after {head.settings.stale_after_days}",
            )
        )
    return out


def _days(before: dt.date | None, after: dt.date | None) -> int | None:
    return (after - before).days if before and after else None


def _finish(old: Project, new: Project) -> list[DateChange]:
    moves = []
    if old.finish != new.finish:
        moves.append(("baseline", old.finish, new.finish))
    # Without a forecast on either side the forecast is the baseline: its move is already listed.
    explicit = old.forecast_finish is not None or new.forecast_finish is not None
    if explicit and old.expected_finish != new.expected_finish:
        moves.append(("forecast", old.expected_finish, new.expected_finish))
    return [DateChange(new.id, new.name, "finish", False, kind, a, b, _days(a, b)) for kind, a, b in moves]


def _keyed_milestones(project: Project) -> dict[tuple[str, int], Milestone]:
    """Milestones by (name, how many before it had that name): a name may repeat, as "Release" often does."""
    seen: Counter[str] = Counter()
    keyed = {}
    for milestone in project.milestones:
        keyed[(milestone.name, seen[milestone.name])] = milestone
        seen[milestone.name] += 1
    return keyed


def _milestones(old: Project, new: Project) -> list[DateChange]:
    before, after = _keyed_milestones(old), _keyed_milestones(new)
    out: list[DateChange] = []

    def add(name: str, kind: str, was: dt.date | None, now: dt.date | None) -> None:
        out.append(DateChange(new.id, new.name, name, True, kind, was, now, _days(was, now)))

    for key, m in after.items():  # in the order the head lists them
        o = before.get(key)
        if o is None:
            add(m.name, "added", None, m.expected)
            continue
        if o.baseline != m.baseline:
            add(m.name, "baseline", o.baseline, m.baseline)
        if m.actual is not None and o.actual is None:
            add(m.name, "reached", o.expected, m.actual)
        elif o.expected != m.expected and (o.forecast or o.actual or m.forecast or m.actual):
            add(m.name, "forecast", o.expected, m.expected)
    for key, o in before.items():
        if key not in after:
            add(o.name, "removed", o.expected, None)
    return out


def _risk_state(risk: Risk) -> RiskState:
    return RiskState(risk.probability, risk.impact, risk.probability * risk.impact, risk.status)


def _risks(old: Project, new: Project) -> list[RiskChange]:
    before = {r.id: r for r in old.risks}
    after = {r.id: r for r in new.risks}
    out = []
    for rid, risk in after.items():
        was = before.get(rid)
        state = _risk_state(risk)
        if was is None:
            out.append(RiskChange(new.id, new.name, rid, risk.title, "new", None, state))
            continue
        old_state = _risk_state(was)
        if was.status != risk.status:
            change = "closed" if risk.status == "closed" else "reopened"
            out.append(RiskChange(new.id, new.name, rid, risk.title, change, old_state, state))
        elif (was.probability, was.impact) != (risk.probability, risk.impact):
            out.append(RiskChange(new.id, new.name, rid, risk.title, "re-scored", old_state, state))
    for rid, was in before.items():
        if rid not in after:
            out.append(RiskChange(new.id, new.name, rid, was.title, "removed", _risk_state(was), None))
    return out


def _change_requests(old: Project, new: Project) -> list[ChangeRequestChange]:
    before = {c.id: c for c in old.changes}
    out = []
    for cr in new.changes:
        was = before.pop(cr.id, None)
        if was is None:
            change, decision_before = "new", None
        elif was.decision != cr.decision:
            change, decision_before = "decided", was.decision
        else:
            continue
        out.append(
            ChangeRequestChange(
                new.id, new.name, cr.id, cr.title, change, decision_before, cr.decision, cr.cost, cr.schedule_days
            )
        )
    for cr in before.values():  # what is left was removed
        out.append(
            ChangeRequestChange(
                new.id, new.name, cr.id, cr.title, "removed", cr.decision, None, cr.cost, cr.schedule_days
            )
        )
    return out


# Governance findings ---------------------------------------------------------------------------------------------

ENTITY_TYPES = {"projects": "project", "programs": "program", "requests": "request", "people.yaml": "team"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_FINDING_ORDER = {"added": 0, "reopened": 1, "resolved": 2, "waived": 3}


def finding_changes(base: Analysis, head: Analysis) -> list[FindingChange]:
    """The findings the change opened (added, reopened) and closed or waived (resolved, waived), most severe first.

    Which finding of base is which of head: line numbers move and messages carry figures that change with the
    data and the date (a report's age, a cost), so findings are matched on what they are about: the same rule
    on the same entity and, for rules that find per item (a change request, a benefit), the same item. Several
    findings of one rule on one entity (checklist items, expired waivers) are paired by identical message first,
    then by the same place in the file, then in order; only what is left over was added or resolved."""
    was, now = base.governance, head.governance
    gone, pairs, new = _pair(was.findings, now.findings)
    out = []
    for old, cur in pairs:
        if old.waived != cur.waived:
            waiver = cur.waiver or old.waiver
            assert waiver is not None
            note = WaiverNote(waiver.reason, waiver.approved_by, waiver.until)
            if cur.waived:
                why = waived_words(waiver)
                out.append(_finding_change(cur, head.portfolio, "waived", why, note))
            else:
                ended = "expired" if waiver.until < head.settings.as_of else "was removed"
                why = f"its waiver (until {waiver.until.isoformat()}, by {waiver.approved_by}) {ended}"
                out.append(_finding_change(cur, head.portfolio, "reopened", why, note))
    for f in new:
        if f.waived:  # new, and waived in the same change: the waiver is the decision to review
            assert f.waiver is not None
            note = WaiverNote(f.waiver.reason, f.waiver.approved_by, f.waiver.until)
            out.append(_finding_change(f, head.portfolio, "waived", f"new, {waived_words(f.waiver)}", note))
        else:
            out.append(_finding_change(f, head.portfolio, "added", _why_new(f, base.portfolio), None))
    for f in gone:
        if not f.waived:
            why = _why_gone(f, head.portfolio)
            out.append(_finding_change(f, base.portfolio, "resolved", why, None))
    out.sort(key=lambda c: (_FINDING_ORDER[c.change], _SEVERITY_ORDER[c.severity], c.rule, c.entity_type, c.entity))
    return out


def waived_words(waiver: Waiver) -> str:
    """How a waived finding is explained, in `pmo validate` and `pmo diff`."""
    return f"waived until {waiver.until.isoformat()} by {waiver.approved_by}: {waiver.reason}"


def _finding_key(f: Finding) -> tuple[str, str, str, str]:
    item = f.loc[1] if len(f.loc) >= 2 and isinstance(f.loc[1], str) else ""  # ("changes", "CR-3", …)
    return (f.rule, f.folder, f.entity, item)


def _place(f: Finding) -> tuple[str, ...]:
    """Where in its file, without list positions (which move when an item is added above)."""
    return tuple(part for part in f.loc if isinstance(part, str))


_SAME: tuple[Any, ...] = (
    lambda a, b: a.message == b.message,
    lambda a, b: _place(a) == _place(b),
    lambda a, b: True,
)


def _pair(
    before: list[Finding], after: list[Finding]
) -> tuple[list[Finding], list[tuple[Finding, Finding]], list[Finding]]:
    """(only in before, the pairs that are the same finding, only in after), each in the reports' order."""
    groups: dict[tuple[str, str, str, str], tuple[list[Finding], list[Finding]]] = {}
    for side, findings in enumerate((before, after)):
        for f in findings:
            groups.setdefault(_finding_key(f), ([], []))[side].append(f)
    gone: list[Finding] = []
    pairs: list[tuple[Finding, Finding]] = []
    new: list[Finding] = []
    for left, right in groups.values():
        for same in _SAME:
            for a in list(left):
                b = next((b for b in right if same(a, b)), None)
                if b is not None:
                    left.remove(a)
                    right.remove(b)
                    pairs.append((a, b))
        gone += left
        new += right
    return gone, pairs, new


def _why_new(f: Finding, base: Portfolio) -> str:
    if base.governance.rule(f.rule) is None:
        return "the rule is new in governance.yaml"
    if _entity(base, f.folder, f.entity) is None:
        return f"the {ENTITY_TYPES[f.folder]} is new"
    return ""


def _why_gone(f: Finding, head: Portfolio) -> str:
    if head.governance.rule(f.rule) is None:
        return "the rule was removed from governance.yaml"
    if _entity(head, f.folder, f.entity) is None:
        return f"the {ENTITY_TYPES[f.folder]} is no longer in the data"
    return "fixed in the data"


def _entity(portfolio: Portfolio, folder: str, entity: str) -> Any:
    if folder == "people.yaml":
        return next((team for team in portfolio.people.teams if team.id == entity), None)
    entities: dict[str, dict[str, Any]] = {
        "projects": portfolio.projects,
        "programs": portfolio.programs,
        "requests": portfolio.requests,
    }
    return entities.get(folder, {}).get(entity)


def _finding_change(
    f: Finding, portfolio: Portfolio, change: str, why: str, waiver: WaiverNote | None
) -> FindingChange:
    found = _entity(portfolio, f.folder, f.entity)
    name = getattr(found, "name", f.entity)
    return FindingChange(
        f.rule, f.severity, ENTITY_TYPES[f.folder], f.entity, name, change, f.message, f.fix, why, waiver
    )
