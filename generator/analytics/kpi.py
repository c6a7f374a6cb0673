"""Stage 3, analyse: the KPIs of shared/design/portfolio-data.md, computed at `as_of` with pandas.

One row per project, built column-wise (building frames from dict records is 40x slower). A KPI whose
divisor is zero or whose input is missing is NaN here and "n/a" with its reason on a page, never 0 or inf.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data.model import ACTIVE_PHASES
from .kpi_definitions import BY_COLUMN

if TYPE_CHECKING:
    import datetime as dt

    from ..data.model import Project, RagRules, Settings

RAG_ORDER = {"green": 0, "amber": 1, "red": 2}
Row = Mapping[str, Any]  # one project's facts and KPIs, as a pandas row or a plain dict
RAGS = ("green", "amber", "red")


def project_frame(projects: list[Project], settings: Settings) -> pd.DataFrame:
    """Every project's facts and KPIs at `as_of`, indexed by project id."""
    as_of = settings.as_of
    current = [p.status_at(as_of) for p in projects]
    satisfaction = [_satisfaction(p, as_of) for p in projects]
    scores = [priority_score(p.scores, settings) for p in projects]
    frame = pd.DataFrame(
        {
            "name": [p.name for p in projects],
            "program": [p.program for p in projects],
            "kind": [p.kind for p in projects],
            "phase": [p.phase for p in projects],
            "manager": [p.manager for p in projects],
            "start": [p.start for p in projects],
            "finish": [p.finish for p in projects],
            "forecast_finish": [p.expected_finish for p in projects],
            "bac": np.array([np.nan if p.budget is None else p.budget for p in projects], dtype=float),
            "percent_complete": np.array([s.percent_complete if s else np.nan for s in current], dtype=float),
            "ac": np.array([s.actual_cost if s else np.nan for s in current], dtype=float),
            "status_date": [s.date if s else None for s in current],
            "reported_rag": [s.rag if s else None for s in current],
            "override_rag": [p.rag_override.rag if p.rag_override else None for p in projects],
            "planned_days": np.array([days_between(p.start, p.finish) for p in projects], dtype=float),
            "elapsed_days": np.array([days_between(p.start, as_of) for p in projects], dtype=float),
            "slip_days": np.array([days_between(p.finish, p.expected_finish) for p in projects], dtype=float),
            "status_age_days": np.array([(as_of - s.date).days if s else np.nan for s in current], dtype=float),
            "risk_exposure": np.array([_exposure(p) for p in projects], dtype=float),
            "open_risks": np.array([sum(r.status == "open" for r in p.risks) for p in projects], dtype=int),
            "satisfaction": np.array([latest for latest, _ in satisfaction], dtype=float),
            "satisfaction_trend": np.array([trend for _, trend in satisfaction], dtype=float),
            "risks_recorded": np.array([len(p.risks) for p in projects], dtype=int),
            "financial_benefits": np.array(
                [sum(b.kind == "financial" for b in p.benefits) for p in projects], dtype=int
            ),
            # a finish forecast is known when given, or when a status report stands by the baseline finish
            "forecast_known": [
                p.forecast_finish is not None or (s is not None and "forecast_finish" not in p.withheld)
                for p, s in zip(projects, current, strict=True)
            ],
            "benefits_planned": np.array([_benefits(p, "planned") for p in projects], dtype=float),
            "benefits_realized": np.array([_benefits(p, "realized") for p in projects], dtype=float),
            "priority_score": np.array([np.nan if s is None else s for s in scores], dtype=float),
        },
        index=pd.Index([p.id for p in projects], name="id"),
    )
    frame["priority_rank"] = priority_rank(frame["priority_score"], frame["bac"], frame["name"])
    return add_kpis(frame, settings)


def days_between(first: dt.date | None, last: dt.date | None) -> float:
    """Days from `first` to `last`; NaN when either is unknown (withheld by the source of the data)."""
    return np.nan if first is None or last is None else float((last - first).days)


def _exposure(project: Project) -> int:
    """Σ probability × impact over the open risks; 0 when none is open (no risk is a real 0, not n/a)."""
    return sum(r.probability * r.impact for r in project.risks if r.status == "open")


def _benefits(project: Project, which: str) -> float:
    """Σ of the project's financial benefits, planned or realized (other kinds carry their own units)."""
    return sum(getattr(b, which) for b in project.benefits if b.kind == "financial")


def _satisfaction(project: Project, as_of: dt.date) -> tuple[float, float]:
    """The latest stakeholder satisfaction on or before as_of, and its change since the report before that
    had one (NaN when there are fewer than two scores)."""
    scored = [r.satisfaction for r in project.status if r.date <= as_of and r.satisfaction is not None]
    latest = scored[-1] if scored else np.nan
    return latest, (scored[-1] - scored[-2]) if len(scored) > 1 else np.nan


def priority_rank(score: pd.Series, cost: pd.Series, name: pd.Series) -> pd.Series:
    """Rank 1 is the highest score among the scored projects (ties: the cheaper first, then by name, as on
    the Prioritization page); unscored projects have no rank (NaN)."""
    order = pd.DataFrame({"neg": -score, "cost": cost, "name": name}).dropna(subset=["neg"])
    ranked = order.sort_values(["neg", "cost", "name"], kind="stable").index
    return pd.Series(np.arange(1, len(ranked) + 1, dtype=float), index=ranked).reindex(score.index)


def planned_fraction(elapsed_days: pd.Series, planned_days: pd.Series) -> pd.Series:
    """Straight-line share of the plan due by as_of, clamped to 0..1; a zero-day plan is due on its day."""
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = (elapsed_days / planned_days).clip(0, 1)
    same_day = planned_days == 0
    return fraction.where(~same_day, (elapsed_days >= 0).astype(float))


def add_kpis(frame: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    bac, ac = frame["bac"], frame["ac"]
    pv = bac * planned_fraction(frame["elapsed_days"], frame["planned_days"])
    ev = bac * frame["percent_complete"] / 100
    spi = safe_ratio(ev, pv)
    cpi = safe_ratio(ev, ac)
    eac = safe_ratio(bac, cpi)
    kpis = frame.assign(
        pv=pv,
        ev=ev,
        sv=ev - pv,
        cv=ev - ac,
        spi=spi,
        cpi=cpi,
        eac=eac,
        etc=eac - ac,
        vac=bac - eac,
        tcpi=safe_ratio(bac - ev, bac - ac),
        budget_adherence=safe_ratio(eac * 100, bac),
    )
    active = kpis["phase"].isin(ACTIVE_PHASES)
    # A RAG judges delivery in progress: none before the first status report, none once closed or cancelled.
    derived = derived_rag(kpis["spi"], kpis["cpi"], kpis["slip_days"], settings).where(active & kpis["ac"].notna())
    rag = kpis["override_rag"].where(kpis["override_rag"].notna(), derived)
    started = kpis["elapsed_days"] >= 0
    stale = (
        active
        & (kpis["phase"] != "on-hold")
        & started
        & (kpis["status_age_days"].isna() | (kpis["status_age_days"] > settings.stale_after_days))
    )
    return kpis.assign(derived_rag=derived, rag=rag, active=active, stale=stale)


def safe_ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN (never inf) where the denominator is 0 or missing, or so small against the
    numerator that the quotient overflows (a cost of 1e-300 is valid data, not a meaningful divisor)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        result = numerator / denominator
    return result.where(denominator.notna() & (denominator != 0) & np.isfinite(result))


def derived_rag(spi: pd.Series, cpi: pd.Series, slip: pd.Series, settings: Settings) -> pd.Series:
    """The worst of the SPI, CPI and slip verdicts; an undefined index gives no verdict of its own."""
    rules = settings.rag
    level = pd.Series(0, index=spi.index)
    for values, t in ((spi, rules.spi), (cpi, rules.cpi)):
        verdict = np.select([values < t.red, values < t.amber], [2, 1], 0)
        level = np.maximum(level, pd.Series(verdict, index=spi.index).where(values.notna(), 0))
    slip_verdict = np.select([slip >= rules.slip_days.red, slip >= rules.slip_days.amber], [2, 1], 0)
    level = np.maximum(level, slip_verdict)
    return level.map(dict(enumerate(RAGS)))


VERDICT_KPIS = ("spi", "cpi", "slip_days")  # the inputs of the derived RAG, in the order pages name them


@dataclass(frozen=True)
class Verdict:
    """What one input of the derived RAG says about a project: its value and the level it gives."""

    kpi: str  # one of VERDICT_KPIS
    value: float  # NaN when undefined: then it gives no verdict of its own (green)
    rag: str  # green | amber | red

    @property
    def level(self) -> int:
        return RAG_ORDER[self.rag]


def rag_verdicts(row: Row, rules: RagRules) -> list[Verdict]:
    """One project's SPI, CPI and slip verdicts, decided as derived_rag decides them (its scalar twin, for
    saying why: the derived RAG is the worst of them, for an active project with a status report)."""
    verdicts = []
    for kpi in VERDICT_KPIS:
        value = row[kpi]
        value = np.nan if value is None else float(value)
        t = getattr(rules, kpi)
        if kpi == "slip_days":  # more slip is worse: the threshold itself already counts
            level = 2 if value >= t.red else 1 if value >= t.amber else 0
        else:
            level = 2 if value < t.red else 1 if value < t.amber else 0
        verdicts.append(Verdict(kpi, value, RAGS[level]))  # NaN compares False: green
    return verdicts


def contributions(scores: dict[str, int], settings: Settings) -> dict[str, float]:
    """Each criterion's part of the priority score: weight × score, or weight × (6 − score) when inverse."""
    return {
        c.id: round(c.weight * ((6 - scores[c.id]) if c.inverse else scores[c.id]), 4)
        for c in settings.scoring.criteria
    }


def value_and_risk(scores: dict[str, int], settings: Settings) -> tuple[float, float] | None:
    """The two axes of the value × risk chart, each a weighted mean score on the 1-5 scale: value over the
    ordinary criteria, delivery risk over the inverse ones (as scored, 5 = riskiest). None when the item is not
    scored or the scoring has no criterion of one of the two kinds."""
    if not scores:
        return None
    means = []
    for inverse in (False, True):
        group = [c for c in settings.scoring.criteria if c.inverse is inverse]
        weight = sum(c.weight for c in group)
        if not weight:
            return None
        means.append(round(sum(c.weight * scores[c.id] for c in group) / weight, 4))
    return means[0], means[1]


def priority_score(scores: dict[str, int], settings: Settings) -> float | None:
    """Σ weight × score, inverse criteria counted as 6 − score; None when the item is not scored."""
    if not scores:
        return None
    return round(sum(contributions(scores, settings).values()), 4)


def cut_line(costs: list[float], available: float | None) -> list[bool]:
    """For items in rank order: whether each is above the cut line, i.e. it and everything ranked before it
    fit in the funding available. The line is drawn where the running total first exceeds the funding;
    nothing below it is funded, even if it alone would fit. With no funding given, everything is above."""
    if available is None:
        return [True] * len(costs)
    running, above = 0.0, list[bool]()
    for cost in costs:
        running += cost
        above.append(running <= available and (not above or above[-1]))
    return above


def milestone_slip(baseline: dt.date, forecast: dt.date | None, actual: dt.date | None) -> int:
    """Days a milestone is (or was) late against its baseline: (actual or forecast or baseline) − baseline."""
    return ((actual or forecast or baseline) - baseline).days


def why_undefined(kpi: str, row: Row) -> str:
    """The reason a KPI is n/a for this project, in words a reader understands."""
    # start, finish and budget are missing only when the source withholds them (see Project.withheld)
    if pd.isna(row["bac"]) and kpi not in {"ac", "percent_complete"}:
        return "the budget is withheld by the source of the data"
    if pd.isna(row["planned_days"]) and kpi in {"pv", "sv", "spi"}:
        return "the start or the baseline finish is withheld by the source of the data"
    if pd.isna(row["ac"]):
        return "no status report on or before the reporting date yet"
    if kpi == "spi" and row["pv"] == 0:
        return "nothing was planned to be done yet (PV is 0)"
    if kpi in {"cpi", "eac", "etc", "vac", "budget_adherence"}:  # all divide by CPI or by AC
        if row["ac"] == 0:
            return "no cost booked yet (AC is 0)"
        if row["ev"] == 0:
            return "no value earned yet (EV is 0), so CPI is 0"
        if kpi == "budget_adherence" and row["bac"] == 0:
            return "the budget is 0"
    if kpi == "tcpi" and row["bac"] == row["ac"]:
        return "the budget is fully spent (BAC = AC)"
    known = BY_COLUMN.get(kpi)
    return f"not defined {known.undefined}" if known and known.undefined else "not defined for this project"
