"""`pmo validate`'s governance findings: one line each, GitHub workflow annotations, or JSON entries that sit
beside the data problems of errors.format_problems (same keys, plus the finding's own).

Open findings come first, by file and line as a compiler lists them; waived ones follow, with the waiver's
reason, and never fail the run. An open error finding does (exit 1); warnings and info do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analytics.diff import ENTITY_TYPES, waived_words
from ..analytics.governance import located
from ..errors import gh_escape_data, gh_escape_property, visible

if TYPE_CHECKING:
    from ..analytics.governance import Finding, GovernanceReport
    from ..data.validate import Portfolio
    from ..errors import Problem

SEVERITIES = ("error", "warning", "info")
# The workflow command of each severity; a waived finding is a notice whatever its rule's severity.
_ANNOTATIONS = {"error": "error", "warning": "warning", "info": "notice"}


@dataclass(frozen=True)
class Placed:
    """A finding and where it points: the file (as the data folder was named), line and field."""

    finding: Finding
    where: Problem

    @property
    def location(self) -> str:
        return self.where.file if self.where.line is None else f"{self.where.file}:{self.where.line}"


def placed(portfolio: Portfolio, report: GovernanceReport) -> list[Placed]:
    """Every finding with its place: open ones first, then waived ones; each by file, line and rule."""
    found = [Placed(f, located(portfolio, f)) for f in report.findings]
    return sorted(found, key=lambda p: (p.finding.waived, p.where.file, p.where.line or 0, p.finding.rule))


def failing(report: GovernanceReport) -> bool:
    """Whether the findings fail `pmo validate`: an open (not waived) error."""
    return any(f.severity == "error" for f in report.open)


def waiver_text(finding: Finding) -> str:
    """ "waived until 2027-03-31 by steering-committee: reason" ("" for an open finding)."""
    return waived_words(finding.waiver) if finding.waiver is not None else ""


def finding_line(p: Placed) -> str:
    """`portfolio/projects/crm.yaml:4: G3-baseline (error): message; fix`, or for a waived finding its waiver in
    place of the fix. One line, whatever the data's text holds."""
    f = p.finding
    if f.waived:
        return visible(f"{p.location}: {f.rule} ({f.severity}, waived): {f.message}; {waiver_text(f)}", lines=False)
    return visible(f"{p.location}: {f.rule} ({f.severity}): {f.message}; {f.fix}", lines=False)


def annotation(p: Placed) -> str:
    """A workflow annotation on the finding's line: error, warning or notice (info, and every waived finding)."""
    f = p.finding
    command = "notice" if f.waived else _ANNOTATIONS[f.severity]
    props = f"file={gh_escape_property(p.where.file)}"
    if p.where.line is not None:
        props += f",line={p.where.line}"
    title = f"{f.rule} ({f.severity}, waived)" if f.waived else f"{f.rule} ({f.severity})"
    props += f",title={gh_escape_property(title)}"
    text = f"{f.message}; {waiver_text(f) if f.waived else f.fix}"
    return visible(f"::{command} {props}::{gh_escape_data(text)}")


def entry(p: Placed) -> dict[str, Any]:
    """A finding as a JSON entry: the keys of a data problem (file, line, field, message, severity) and the
    finding's own (rule, entity, entity_type, program, fix, waived, waiver)."""
    f = p.finding
    waiver = f.waiver
    return {
        "file": p.where.file,
        "line": p.where.line,
        "field": p.where.field,
        "message": f.message,
        "severity": f.severity,
        "rule": f.rule,
        "entity": f.entity,
        "entity_type": ENTITY_TYPES.get(f.folder, f.folder),
        "program": f.program,
        "fix": f.fix,
        "waived": f.waived,
        "waiver": None
        if waiver is None
        else {"reason": waiver.reason, "approved_by": waiver.approved_by, "until": waiver.until.isoformat()},
    }


def count_line(report: GovernanceReport) -> str:
    """The last line of `pmo validate` when governance.yaml has rules: the open findings by severity, and the
    waived ones."""
    rules = len(report.governance.rules)
    checked = f"Governance: {rules} rule{'s' if rules != 1 else ''} checked"
    if not report.findings:
        return f"{checked}, no findings."
    counts = {s: sum(f.severity == s for f in report.open) for s in SEVERITIES}
    words = [f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items()]
    waived = len(report.findings) - len(report.open)
    tail = " The open errors fail validation." if counts["error"] else ""
    return f"{checked}; open findings: {', '.join(words)}; {waived} waived.{tail}"


NOT_CHECKED = "Governance: the rules of governance.yaml were not checked; they run once the data is valid."
