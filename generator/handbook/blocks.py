"""Handbook markers that render the rules of the portfolio: scoring, RAG thresholds, KPI definitions,
abbreviations, and the PMO's key tasks with their RACI matrix. Their cost does not grow with the portfolio."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..analytics.kpi_definitions import KPI_DEFINITIONS, LINK, KpiDefinition
from ..pages.prioritization import RANKED
from ..pages.urls import PRIORITIZATION, REQUESTS
from ..widgets import fmt
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, attributes, escape, join, tag
from ..widgets.md import heading, link, paragraph, table, table_html
from ..widgets.text import plain
from .context import HANDBOOK
from .glossary import ABBREVIATIONS
from .tasks import KEY_TASKS, ROLES
from .templates import TEMPLATES

if TYPE_CHECKING:
    from ..data.model import Settings, Threshold
    from .context import Context

_CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> Markup:
    """Trusted registry text as HTML: escaped, with `code` in backticks."""
    return Markup(_CODE.sub(r"<code>\1</code>", str(escape(text))))  # re.sub over Markup would escape its own tags


def linked(text: str, context: Context) -> Markup:
    """Trusted registry text as HTML, its [links](page.md#anchor) to handbook pages made relative to the page."""
    return Markup(LINK.sub(lambda m: context.handbook_link(m.group(2), Markup(m.group(1))), str(inline(text))))


def scoring_criteria(context: Context, args: dict[str, str]) -> str:
    settings = context.analysis.settings
    criteria = settings.scoring.criteria
    rows = [
        (
            plain(c.name),
            tag("code", plain(c.id)),
            fmt.number(c.weight, 2),
            fmt.percent(100 * c.weight / sum(x.weight for x in criteria)),
            "inverse: 6 − score" if c.inverse else "as scored",
        )
        for c in criteria
    ]
    return table(["Criterion", "Key", "Weight", "Share", "Counts"], rows, "llrrl") + paragraph(
        "These are the weights in ", tag("code", "portfolio.yaml"), " today."
    )


def ranked_list(context: Context, args: dict[str, str]) -> str:
    """Who is on the ranked list (the rule the Prioritization page applies) and the funding line."""
    settings = context.analysis.settings
    funding = settings.funding
    available = (
        join(
            [
                "The funding available for new work is ",
                tag("strong", fmt.money(funding.available, settings.currency)),
                " (",
                tag("code", "funding: available"),
                " in ",
                tag("code", "portfolio.yaml"),
                ").",
            ]
        )
        if funding
        else join(
            [
                "No funding is set in ",
                tag("code", "portfolio.yaml"),
                " (",
                tag("code", "funding: available"),
                "), so no cut line is drawn.",
            ]
        )
    )
    here = context.page
    return paragraph(
        f"The ranked list holds {RANKED}, highest priority score first (on a tie, the cheaper first). ",
        available,
        " The list and its cut line are on the ",
        link(here, PRIORITIZATION, "Prioritization"),
        " page, the requests on the ",
        link(here, REQUESTS, "Demand"),
        " page.",
    )


def _verdicts(settings: Settings, key: str) -> tuple[str, str]:
    threshold: Threshold = getattr(settings.rag, key)
    if key == "slip_days":
        return f"{fmt.number(threshold.amber)} days late or more", f"{fmt.number(threshold.red)} days late or more"
    return f"below {fmt.number(threshold.amber, 2)}", f"below {fmt.number(threshold.red, 2)}"


def _threshold_text(settings: Settings, kpi: KpiDefinition) -> str:
    if kpi.threshold is None:
        return ""
    if kpi.threshold == "stale_after_days":
        return f"Stale after {settings.stale_after_days} days without a report."
    amber, red = _verdicts(settings, kpi.threshold)
    return f"Amber {amber}, red {red}; green otherwise."


def rag_thresholds(context: Context, args: dict[str, str]) -> str:
    settings = context.analysis.settings
    rows = []
    for key, name in (("spi", "SPI"), ("cpi", "CPI"), ("slip_days", "Schedule slip")):
        amber, red = _verdicts(settings, key)
        rows.append((name, amber, red))
    rows.append(("Status report age", f"more than {settings.stale_after_days} days: stale", "—"))
    return table(["Measure", "Amber when", "Red when"], rows) + paragraph(
        "The thresholds are set in ",
        tag("code", "portfolio.yaml"),
        " (",
        tag("code", "rag"),
        ", ",
        tag("code", "stale_after_days"),
        ") by the portfolio review; the derived RAG is the worst of the three verdicts.",
    )


def kpi_definitions(context: Context, args: dict[str, str]) -> str:
    """One section per group, one subsection per KPI with its formula, reading, n/a rule and thresholds."""
    settings = context.analysis.settings
    parts: list[str] = []
    group = ""
    for kpi in KPI_DEFINITIONS:
        if kpi.group != group:
            group = kpi.group
            parts.append(heading(group, 2))
        lines = [tag("strong", inline(kpi.formula)), linked(kpi.read, context)]
        if kpi.undefined:
            lines.append(join([tag("em", "n/a"), " ", linked(kpi.undefined, context), "."]))
        threshold = _threshold_text(settings, kpi)
        if threshold:
            lines.append(join([tag("em", "Thresholds in ", tag("code", "portfolio.yaml"), ":"), " ", threshold]))
        parts.append(heading(kpi.label, 3, kpi.id))
        parts.append(paragraph(join(lines, _LINE_BREAK)))
    return "".join(parts)


_LINE_BREAK = join([tag("br"), "\n"])


def abbreviations(context: Context, args: dict[str, str]) -> str:
    rows = []
    for a in ABBREVIATIONS:
        meaning = inline(a.meaning)
        if a.see and context.has_page(a.see):
            meaning += join([" ", context.handbook_link(a.see, f"More about {a.abbreviation}")])
        name = tag("strong", a.abbreviation, id=f"abbr-{a.abbreviation.lower()}")
        rows.append((name, a.expansion, meaning))
    return table(["Abbreviation", "Stands for", "Meaning"], rows)


def raci(context: Context, args: dict[str, str]) -> str:
    headers = ["Key task", *(context.handbook_link(role.page, role.name) for role in ROLES)]
    rows = [
        (context.handbook_link(f"key-tasks.md#{task.id}", task.name), *(task.letter(role.id) for role in ROLES))
        for task in KEY_TASKS
    ]
    return html_block(table_html(headers, rows, "l" + "c" * len(ROLES), attributes(data_pmo_compact=True)))


def key_tasks(context: Context, args: dict[str, str]) -> str:
    rows = []
    for task in KEY_TASKS:
        templates = join(
            (context.handbook_link(TEMPLATES[t].page, TEMPLATES[t].name) for t in task.templates if t in TEMPLATES),
            ", ",
        )
        reported = join(
            (
                context.handbook_link(page.removeprefix(f"{HANDBOOK}/"), label)
                if page.startswith(f"{HANDBOOK}/")
                else link(context.page, page, label)
                for label, page in task.reported
            ),
            ", ",
        )
        accountable = next(
            (context.handbook_link(r.page, r.name) for r in ROLES if task.letter(r.id) in {"A", "A/R"}), "—"
        )
        name = context.handbook_link(f"key-tasks.md#{task.id}", task.name)
        rows.append((name, inline(task.summary), templates or "—", reported, accountable))
    return table(["Task", "In short", "Template", "Reported on", "Accountable"], rows)
