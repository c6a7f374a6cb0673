"""Stage 4, render: the Prioritization page — candidates ranked by priority score against the funding line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analytics.kpi import contributions, cut_line, priority_score, value_and_risk
from ..charts.specs import FIT_X, chart_block, chart_scripts, inline, place_labels, priority_spec
from ..widgets import fmt
from ..widgets.md import front_matter, heading, link, md_link, project_path, request_path, section, table, table_html
from ..widgets.text import plain
from .urls import PRIORITIZATION

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis

# What competes for the funding, as `candidates` selects it; the page and the handbook say it in these words.
RANKED = (
    "every project in proposal phase, every approved project that has not started by the reporting date, and every "
    "request that is not rejected (a submitted request on its first scores, a deferred one so it stays in view)"
)


@dataclass(frozen=True)
class Candidate:
    """Something that competes for the funding (RANKED)."""

    page: str
    name: str
    kind: str  # "project" or "request"
    stage: str
    cost: float
    scores: dict[str, int]


def candidates(a: Analysis) -> list[Candidate]:
    """The projects and requests RANKED describes."""
    found = [
        Candidate(project_path(p.id), p.name, "project", fmt.phase(p.phase), p.budget, p.scores)
        for p in a.portfolio.projects.values()
        # a withheld start or budget cannot be placed against the funding line
        if p.budget is not None
        and (p.phase == "proposal" or (p.phase == "approved" and p.start and p.start > a.settings.as_of))
    ]
    found += [
        Candidate(request_path(r.id), r.name, "request", r.stage, r.estimated_cost, r.scores)
        for r in a.portfolio.requests.values()
        if r.stage != "rejected"
    ]
    return found


def ranked(a: Analysis) -> tuple[list[tuple[Candidate, float]], list[Candidate]]:
    """The scored candidates, highest score first (ties: the cheaper first, then by name), and the unscored."""
    scored = [(c, priority_score(c.scores, a.settings)) for c in candidates(a)]
    ordered = sorted(((c, s) for c, s in scored if s is not None), key=lambda cs: (-cs[1], cs[0].cost, cs[0].name))
    return ordered, sorted((c for c, s in scored if s is None), key=lambda c: c.name)


def prioritization_page(a: Analysis) -> str:
    cur = a.settings.currency
    available = a.settings.funding.available if a.settings.funding else None
    order, unscored = ranked(a)
    above = cut_line([c.cost for c, _ in order], available)
    criteria = a.settings.scoring.criteria
    headers = [
        "Rank",
        "Candidate",
        "Kind",
        "Stage",
        "Cost",
        "Cumulative",
        *(plain(c.name) for c in criteria),
        "Score",
        "Funding",
    ]
    rows, items, bubbles, running = [], [], list[dict[str, Any]](), 0.0
    for rank, ((c, score), fits) in enumerate(zip(order, above, strict=True), start=1):
        running += c.cost
        parts = contributions(c.scores, a.settings)
        verdict = "above the cut line" if fits else "below the cut line"
        rows.append(
            (
                str(rank),
                link(PRIORITIZATION, c.page, plain(c.name)),
                c.kind,
                plain(c.stage),
                fmt.money(c.cost, cur),
                fmt.money(running, cur),
                *(fmt.number(parts[k.id], 2) for k in criteria),
                fmt.number(score, 2),
                verdict,
            )
        )
        items.append(
            {
                "rank": rank,
                "label": c.name,
                "kind": c.kind,
                "score": score,
                "cost": c.cost,
                "cumulative": running,
                "funded": verdict,
            }
        )
        axes = value_and_risk(c.scores, a.settings)
        if axes is not None:
            bubbles.append({**items[-1], "value": axes[0], "risk": axes[1]})
    funded = sum(above)
    if available is None:
        line = "No funding is given in `portfolio.yaml` (`funding: {available: …}`), so no cut line is drawn."
    else:
        cost = sum(c.cost for (c, _), fits in zip(order, above, strict=True) if fits)
        line = (
            f"Funding available: **{fmt.money(available, cur)}**. In rank order, the first {funded} of "
            f"{len(order)} candidates fit ({fmt.money(cost, cur)}); the cut line falls after rank {funded}."
        )
    weights = ", ".join(
        f"{plain(c.name)} {fmt.number(c.weight * 100)} %"
        + (" (inverse: a high score lowers priority)" if c.inverse else "")
        for c in criteria
    )
    summary = f"{len(order)} candidates by priority score; {funded} above the cut line."
    chart = chart_block("priority", priority_spec("Priority score, highest first", items), summary, None)
    value_risk = _value_risk(bubbles, cur) if bubbles else ""
    unscored_list = (
        "".join(f"- {md_link(PRIORITIZATION, c.page, plain(c.name))} ({c.kind})\n" for c in unscored) or "_None._\n"
    )
    align = "rlllrr" + "r" * len(criteria) + "rl"
    return (
        front_matter("Prioritization", searchable=False)
        + heading("Prioritization", 1)
        + f"Ranked by priority score: {RANKED}. The score is the weighted sum of the scores ({weights}); each "
        + "criterion's column is its part of the score.\n\n"
        + f"{line}\n\n"
        + (section("Ranking", chart + table(headers, rows, align=align)) if rows else "_No scored candidate._\n")
        + value_risk
        + section("Not scored yet", unscored_list)
        + (chart_scripts(PRIORITIZATION) if rows else "")
    )


TOP_RANKS = 5  # the value and risk chart names these ranks, and every candidate above the cut line …
NAMED = 10  # … up to so many


def _value_risk(bubbles: list[dict[str, Any]], currency: str) -> str:
    """Value against delivery risk, sized by cost: the quick wins sit bottom right."""
    quick = sum(1 for b in bubbles if b["value"] >= 3 > b["risk"])
    # named on the chart: the candidates above the cut line and the first ranks, in rank order
    named = [b for b in bubbles if b["funded"] == "above the cut line" or b["rank"] <= TOP_RANKS]
    for bubble in named:
        bubble["text"] = f"{bubble['rank']}. {bubble['label']}"
    place_labels(bubbles, named, ("value", "risk", "cost"), ((1, 5), (1, 5)), NAMED)
    summary = (
        f"Value against delivery risk for {len(bubbles)} scored candidates, circles sized by cost; "
        f"{quick} combine a value of 3 or more with a risk below 3."
    )
    rows = [
        (
            str(b["rank"]),
            plain(b["label"]),
            fmt.number(b["value"], 2),
            fmt.number(b["risk"], 2),
            fmt.money(b["cost"], currency),
            str(b["funded"]),
        )
        for b in bubbles
    ]
    data_table = table_html(["Rank", "Candidate", "Value", "Delivery risk", "Cost", "Funding"], rows, align="rlrrrl")
    spec = inline("value_risk", "Value and delivery risk", {"items": bubbles}, autosize=FIT_X)
    return section(
        "Value and risk",
        "Value is the weighted mean of the ordinary criteria, delivery risk the weighted mean of the inverse "
        "ones, both as scored from 1 to 5.\n\n" + chart_block("value-risk", spec, summary, data_table),
    )
