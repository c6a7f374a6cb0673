"""The abbreviations of the site, and the tooltips that explain them on every page.

One registry: the glossary page of the handbook lists it (the `abbreviations` marker) and the plugin wraps
every use of an abbreviation on every page in `<abbr title="…">`. The KPI abbreviations come from the KPI
registry, so a KPI's tooltip, its glossary entry and its definition say the same thing.

Over 400 lines: mostly the registry's entries, text rather than code.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..analytics.kpi_definitions import KPI_DEFINITIONS, words
from ..widgets.text import attribute

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True)
class Abbreviation:
    abbreviation: str
    expansion: str
    meaning: str  # one sentence; `code` in backticks
    see: str = ""  # the handbook page (path in the handbook, with an optional #anchor) that explains it
    title: str = ""  # the tooltip, when it should say more than the expansion

    @property
    def tooltip(self) -> str:
        return self.title or self.expansion


# The PMO's own abbreviations: each has a handbook page that explains it.
_GENERAL: tuple[Abbreviation, ...] = (
    Abbreviation(
        "BAA", "Business associate agreement", "HIPAA contract with a supplier that handles PHI.", "compliance.md#hipaa"
    ),
    Abbreviation(
        "CAB",
        "Change advisory board",
        "IT operations board that approves changes to production systems. Not the same as the CCB.",
        "governance.md",
    ),
    Abbreviation(
        "CCB",
        "Change control board",
        "Board that decides project change requests between the sponsor's and the steering committee's thresholds.",
        "governance.md#change-control-board-ccb",
    ),
    Abbreviation("CIO", "Chief information officer", "Chairs the monthly portfolio review.", "governance.md"),
    Abbreviation(
        "CISO",
        "Chief information security officer",
        "Member of the portfolio review; screens requests and gate packs for security.",
        "compliance.md#security-review-at-the-gates",
    ),
    Abbreviation(
        "CMIO", "Chief medical information officer", "Clinical member of the portfolio review.", "governance.md"
    ),
    Abbreviation(
        "CR",
        "Change request",
        "A proposal to change a project's baseline scope, cost or schedule (`changes`).",
        "raid.md#change-requests",
    ),
    Abbreviation(
        "DPIA",
        "Data protection impact assessment",
        "Assessment required before processing personal data in a new way; checked at G2.",
        "compliance.md#gdpr",
    ),
    Abbreviation(
        "DPO",
        "Data protection officer",
        "Advises on and monitors compliance with data protection law; consulted on every DPIA.",
        "compliance.md#gdpr",
    ),
    Abbreviation(
        "FTE",
        "Full-time equivalent",
        "One person working full time for a month; team capacity and project demand are in FTE.",
        "key-tasks.md#resources",
    ),
    Abbreviation(
        "G0", "Gate 0: assessment", "Is the request worth an investment decision?", "lifecycle.md#g0-assessment"
    ),
    Abbreviation("G1", "Gate 1: approval", "Fund it, defer it or reject it.", "lifecycle.md#g1-approval"),
    Abbreviation(
        "G2",
        "Gate 2: baseline",
        "Is the plan good enough to spend the budget?",
        "lifecycle.md#planning-and-g2-baseline",
    ),
    Abbreviation(
        "G3", "Gate 3: acceptance", "Ready to go live and hand over?", "lifecycle.md#execution-and-g3-acceptance"
    ),
    Abbreviation("G4", "Gate 4: closure", "Can the project be closed?", "lifecycle.md#closing-and-g4-closure"),
    Abbreviation(
        "GDPR",
        "General Data Protection Regulation",
        "EU law on personal data; health data is a special category under its Article 9.",
        "compliance.md#gdpr",
    ),
    Abbreviation(
        "HIPAA",
        "Health Insurance Portability and Accountability Act",
        "US law protecting health information; applies to work for the group's US clinics.",
        "compliance.md#hipaa",
    ),
    Abbreviation(
        "ITGC",
        "IT general controls",
        "Access, change and operations controls over systems that feed financial reporting; tested for SOX.",
        "compliance.md#sox",
    ),
    Abbreviation(
        "KPI",
        "Key performance indicator",
        "A measure computed by the site for every project.",
        "kpis.md",
    ),
    Abbreviation(
        "PHI",
        "Protected health information",
        "Health information that identifies a patient, in HIPAA's terms.",
        "compliance.md#hipaa",
    ),
    Abbreviation(
        "PID",
        "Project initiation document",
        "The plan approved at G2: scope, approach, baseline, organization, risks, benefits.",
        "templates/project-charter.md",
    ),
    Abbreviation(
        "PIR",
        "Post-implementation review",
        "Review of benefits and operations three to six months after go-live.",
        "lifecycle.md#post-implementation-review-pir",
    ),
    Abbreviation(
        "PMI",
        "Project Management Institute",
        "Publisher of the PMBOK standard; `pmi` projects follow its process groups.",
        "methodologies.md#pmi-style",
    ),
    Abbreviation(
        "PMO",
        "Project management office",
        "The team that runs the portfolio process and publishes this site.",
        "index.md",
    ),
    Abbreviation(
        "PRINCE2",
        "Projects in controlled environments",
        "A stage-based project method with a project board; `prince2` projects follow it.",
        "methodologies.md#prince2-style",
    ),
    Abbreviation(
        "RACI",
        "Responsible, accountable, consulted, informed",
        "Matrix showing who does what.",
        "roles/index.md#raci-matrix",
    ),
    Abbreviation(
        "RAG",
        "Red, amber, green",
        "Traffic-light status of a project.",
        "status-reporting.md#what-green-amber-and-red-mean",
    ),
    Abbreviation(
        "RAID",
        "Risks, assumptions, issues, dependencies",
        "The project's log of things that may go or have gone wrong.",
        "raid.md",
    ),
    Abbreviation(
        "RFP",
        "Request for proposal",
        "The tender document that asks suppliers for offers.",
        "key-tasks.md#procurement",
    ),
    Abbreviation(
        "SLA",
        "Service level agreement",
        "Agreed service levels of a live service or a supplier; part of the G3 handover.",
        "key-tasks.md#integration",
    ),
    Abbreviation(
        "SOX",
        "Sarbanes-Oxley Act",
        "US law on the reliability of financial reporting; applies to systems that feed the group's accounts.",
        "compliance.md#sox",
    ),
    Abbreviation(
        "SRO",
        "Senior responsible owner",
        "The person accountable for a project's benefits; in this handbook, the sponsor.",
        "roles/sponsor.md",
    ),
    Abbreviation(
        "UAT",
        "User acceptance testing",
        "Testing by the business to confirm that the result meets its needs; evidence for G3.",
        "key-tasks.md#quality",
    ),
    Abbreviation(
        "WBS",
        "Work breakdown structure",
        "The scope broken down into deliverables and work packages; the basis of the plan.",
        "key-tasks.md#plans",
    ),
)


# Abbreviations of the organization's business and technology, used in the handbook and in the portfolio's
# own texts; `see` where a handbook page says more.
DOMAIN: tuple[Abbreviation, ...] = (
    Abbreviation("API", "Application programming interface", "How one system calls another's functions or data."),
    Abbreviation("BI", "Business intelligence", "Reporting and analysis of the organization's data."),
    Abbreviation("CFO", "Chief financial officer", "Heads finance; member of the executive committee."),
    Abbreviation("CMS", "Content management system", "The software that publishes a website or intranet."),
    Abbreviation(
        "CSV",
        "Comma-separated values",
        "A plain-text table, as spreadsheets export it.",
        "editing-the-portfolio.md#import",
    ),
    Abbreviation("CT", "Computed tomography", "A medical imaging scan; its images are stored in the PACS."),
    Abbreviation(
        "DICOM",
        "Digital Imaging and Communications in Medicine",
        "The standard format and protocol for medical images.",
    ),
    Abbreviation("DR", "Disaster recovery", "Restoring IT services at another site after a major failure."),
    Abbreviation(
        "EEA",
        "European Economic Area",
        "The EU and Iceland, Liechtenstein and Norway; personal data may leave it only under GDPR safeguards.",
        "compliance.md#gdpr",
    ),
    Abbreviation("EHR", "Electronic health record", "The clinical record system of the hospitals."),
    Abbreviation(
        "ERP",
        "Enterprise resource planning",
        "The finance, procurement and HR system; in scope of SOX controls.",
        "compliance.md#sox",
    ),
    Abbreviation("EU", "European Union", "Where GDPR applies; patient data is hosted in it.", "compliance.md#gdpr"),
    Abbreviation(
        "GMPP",
        "Government Major Projects Portfolio",
        "The UK government's register of its largest projects, published every year.",
        "editing-the-portfolio.md#gmpp",
    ),
    Abbreviation("GP", "General practitioner", "A family doctor in primary care."),
    Abbreviation("HR", "Human resources", "The people function: recruitment, payroll, rostering."),
    Abbreviation("ICU", "Intensive care unit", "The hospital ward for the most critically ill patients."),
    Abbreviation(
        "IPA",
        "Infrastructure and Projects Authority",
        "The UK government body that rates the delivery confidence of GMPP projects.",
        "editing-the-portfolio.md#gmpp",
    ),
    Abbreviation("LIS", "Laboratory information system", "The system that runs the pathology laboratories."),
    Abbreviation("MFA", "Multi-factor authentication", "Signing in with a second proof, such as a phone app."),
    Abbreviation(
        "MVP",
        "Minimum viable product",
        "The smallest release that users can work with and give feedback on.",
        "methodologies.md#agile",
    ),
    Abbreviation(
        "PACS", "Picture archiving and communication system", "Stores and shows medical images such as CT scans."
    ),
    Abbreviation(
        "PMBOK",
        "Project Management Body of Knowledge",
        "The PMI's guide to project management; the basis of PMI-style projects.",
        "methodologies.md#pmi-style",
    ),
    Abbreviation("SIEM", "Security information and event management", "Collects and correlates security logs."),
    Abbreviation("SOC", "Security operations centre", "The team that watches for and responds to security incidents."),
    Abbreviation("SSO", "Single sign-on", "One sign-in for many applications."),
    Abbreviation("VPN", "Virtual private network", "An encrypted connection into the organization's network."),
    Abbreviation(
        "SD-WAN", "Software-defined wide area network", "A network linking sites over ordinary internet lines."
    ),
    Abbreviation(
        "WCAG", "Web Content Accessibility Guidelines", "The accessibility standard public websites must meet."
    ),
    Abbreviation(
        "YAML",
        "YAML Ain't Markup Language",
        "The plain-text format of the portfolio's files.",
        "editing-the-portfolio.md",
    ),
)


def _kpi_abbreviations() -> Iterable[Abbreviation]:
    for kpi in KPI_DEFINITIONS:
        if kpi.abbreviation:
            formula = kpi.formula.replace("`", "")
            yield Abbreviation(
                kpi.abbreviation,
                kpi.name,
                f"{kpi.formula}. {words(kpi.read).split('. ')[0].rstrip('.')}.",
                f"kpis.md#{kpi.id}",
                title=f"{kpi.name}: {formula}",
            )


ABBREVIATIONS: tuple[Abbreviation, ...] = tuple(
    sorted([*_GENERAL, *DOMAIN, *_kpi_abbreviations()], key=lambda a: a.abbreviation.casefold())
)

# Elements whose text is not prose: code, existing abbreviations, and elements that may not hold an <abbr>
# (a select's options, a button's label, a page title).
_SKIP = re.compile(
    r"<(script|style|code|pre|kbd|samp|abbr|select|option|textarea|button|svg|math|title)\b.*?</\1\s*>", re.S
)
_WORD_BEFORE = re.compile(r"[\w&#/.-]")  # a character that makes a match part of a longer word, entity or path


class Tooltips:
    """Wraps every use of an abbreviation of the glossary in <abbr title="…">; the page's HTML in, out.

    Runs over every page of the site, so the search is built for speed: the abbreviations are one regex
    alternation factored as a trie, which starts with a plain branch so that the regex engine skips ahead in
    C to the characters that can start one. Each match is then checked in Python: not inside a tag (its
    attributes) or a comment, not inside a skipped element, not part of a longer word."""

    def __init__(self, abbreviations: Iterable[Abbreviation] = ABBREVIATIONS) -> None:
        abbreviations = list(abbreviations)
        self.tooltips = {a.abbreviation: a.tooltip for a in abbreviations}
        self.titles = {a.abbreviation: attribute(a.tooltip) for a in abbreviations}

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile(f"({_trie(list(self.titles))})(s?)(?!\\w)")

    def apply(self, html: str) -> str:
        if not self.titles:
            return html
        parts: list[str] = []
        last = 0
        skipped: tuple[list[int], list[int]] | None = None
        for match in self._pattern.finditer(html):
            start = match.start()
            if start and _WORD_BEFORE.match(html, start - 1):
                continue
            if html.rfind("<", 0, start) > html.rfind(">", 0, start):  # inside a tag, an attribute or a comment
                continue
            if skipped is None:
                skipped = _spans(html)
            starts, ends = skipped
            inner = bisect_right(starts, start) - 1
            if inner >= 0 and start < ends[inner]:
                continue
            word = match.group(1)
            parts += [html[last:start], f'<abbr title="{self.titles[word]}">{word}{match.group(2)}</abbr>']
            last = match.end()
        if not parts:
            return html
        parts.append(html[last:])
        return "".join(parts)

    def definitions(self, markdown: str) -> str:
        """Python-Markdown `abbr` definitions (`*[SPI]: …`) of the abbreviations used in `markdown`, plural
        forms included, so that the `abbr` extension wraps them as apply() would."""
        used = {
            (m.group(1), m.group(2))
            for m in self._pattern.finditer(markdown)
            if not (m.start() and _WORD_BEFORE.match(markdown, m.start() - 1))
        }
        return "".join(f"*[{word}{plural}]: {self.tooltips[word]}\n" for word, plural in sorted(used))


def _spans(html: str) -> tuple[list[int], list[int]]:
    """Where the skipped elements start and end, in order (they do not nest: the regex takes the outer one)."""
    starts, ends = [], []
    for match in _SKIP.finditer(html):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def _trie(words: list[str]) -> str:
    """An alternation of `words` with common prefixes factored out: AC|BAC|BAA → AC|BA(?:A|C)."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        ends = "" in node
        options = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not options:
            return ""
        body = "|".join(options)
        if ends:
            return f"(?:{body})?"
        return body if len(options) == 1 else f"(?:{body})"

    return branch(tree)
