"""Stage 3, analyse: KPIs rolled up over a set of projects — the portfolio, a program or an objective.

Sums are over the projects each figure is defined for, and say so: the earned-value indexes of a group are
ratios of sums (Σ EV / Σ PV, Σ EV / Σ AC) over its active projects with a status report, which weighs each
project by its size, as a PMO reads them; a mean of the projects' own indexes would let a small project
swing the figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.model import PHASES
from .kpi import RAGS
from .kpi_definitions import BAND

KINDS = ("change", "run")


@dataclass(frozen=True)
class Rollup:
    projects: int
    active: int
    by_phase: dict[str, int]  # every phase, in lifecycle order, zeros included
    by_rag: dict[str, int]  # active projects: green, amber, red and "n/a" (no status report yet)
    by_kind: dict[str, int]
    budget: float  # BAC of the projects not cancelled
    # A sum over no known value is None (n/a, for the reason in WHY_NA), never a fake 0.
    spent: float | None  # AC to date of every project, cancelled ones too: that money is gone
    active_budget: float
    active_spent: float | None
    spi: float | None  # Σ EV / Σ PV over the active projects with a status report
    cpi: float | None  # Σ EV / Σ AC over the same projects
    # Shares (0..1) of the active projects within 10 % of budget (|VAC| ≤ 10 % of BAC) and of schedule (slip ≤
    # 10 % of the planned duration, with a known forecast), each over the active projects for which it is
    # defined; None when none is.
    within_budget: float | None
    within_schedule: float | None
    budget_by_kind: dict[str, float]  # not cancelled
    spent_by_kind: dict[str, float] | None  # None with no actual cost known (WHY_NA["spent"])
    benefits_planned: float | None  # financial benefits only: other kinds have their own units
    benefits_realized: float | None
    open_risks: int | None  # None when no project records any risk, open or closed
    risk_exposure: float | None  # Σ probability × impact of the open risks
    budget_withheld: int = 0  # projects not cancelled whose budget the source withholds: not in `budget`
    active_budget_withheld: int = 0  # the same among the active projects: not in `active_budget`

    @property
    def attention(self) -> int:
        return self.by_rag["red"]


# Why a figure of a roll-up is None, by field: the reason an "n/a" on a page gives.
WHY_NA = {
    "spent": "no project has a status report with its actual cost",
    "active_spent": "no active project has a status report with its actual cost",
    "spi": "no active project with a status report has planned value yet",
    "cpi": "no active project with a status report has booked cost yet",
    "within_budget": "no active project has a cost forecast (a status report with cost booked) and a budget",
    "within_schedule": "no active project has a planned duration and a finish forecast or status report",
    "benefits_planned": "no project records a financial benefit",
    "benefits_realized": "no project records a financial benefit",
    "open_risks": "no project records its risks",
    "risk_exposure": "no project records its risks",
}


def indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """Per project, the numbers a roll-up adds up: every figure of a Rollup is a sum (or a ratio of two sums) of
    these columns, so any set of groups rolls up in one groupby rather than a pass per group."""
    active = frame["active"]
    live = frame["phase"] != "cancelled"
    measured = active & frame["ac"].notna()
    bac, ac = frame["bac"], frame["ac"].fillna(0)  # no report yet: nothing spent
    budget_defined = active & frame["vac"].notna() & (bac > 0)
    schedule_defined = active & (frame["planned_days"] > 0) & frame["forecast_known"]
    columns: dict[str, pd.Series | int] = {
        "projects": 1,
        "active": active,
        "budget": bac.where(live, 0),
        "budget_withheld": live & bac.isna(),
        "active_budget_withheld": active & bac.isna(),
        "spent": ac,
        "spent_known": frame["ac"].notna(),
        "active_budget": bac.where(active, 0),
        "active_spent": ac.where(active, 0),
        "active_spent_known": active & frame["ac"].notna(),
        "ev": frame["ev"].where(measured, 0),
        "pv": frame["pv"].where(measured, 0),
        "ac": ac.where(measured, 0),
        "budget_defined": budget_defined,
        "within_budget": budget_defined & (frame["vac"].abs() <= BAND * bac),
        "schedule_defined": schedule_defined,
        "within_schedule": schedule_defined & (frame["slip_days"] <= BAND * frame["planned_days"]),
        "benefits_planned": frame["benefits_planned"],
        "benefits_realized": frame["benefits_realized"],
        "benefits_known": frame["financial_benefits"] > 0,
        "risks_known": frame["risks_recorded"] > 0,
        "open_risks": frame["open_risks"],
        "risk_exposure": frame["risk_exposure"],
    }
    for phase in PHASES:
        columns[f"phase:{phase}"] = frame["phase"] == phase
    rag = frame["rag"].where(frame["rag"].notna(), "n/a")
    for r in (*RAGS, "n/a"):
        columns[f"rag:{r}"] = active & (rag == r)
    for kind in KINDS:
        is_kind = frame["kind"] == kind
        columns[f"kind:{kind}"] = is_kind
        columns[f"budget:{kind}"] = bac.where(live & is_kind, 0)
        columns[f"spent:{kind}"] = ac.where(is_kind, 0)
    return pd.DataFrame(columns, index=frame.index).astype(float)


def rollup(frame: pd.DataFrame) -> Rollup:
    """The roll-up of the projects in `frame` (rows of kpi.project_frame; any subset of them)."""
    return from_sums(indicators(frame).sum())


def rollups(table: pd.DataFrame, groups: dict[str, list[str]]) -> dict[str, Rollup]:
    """The roll-up of each group of project ids, from `indicators` rows; a project may be in several groups
    (objectives) or none. One groupby for all of them."""
    labels = [group for group, ids in groups.items() for _ in ids]
    ids = [pid for members in groups.values() for pid in members]
    sums = table.loc[ids].groupby(np.array(labels, dtype=object), sort=False).sum() if ids else table.iloc[:0]
    empty = table.iloc[:0].sum()
    return {group: from_sums(sums.loc[group] if group in sums.index else empty) for group in groups}


def from_sums(s: pd.Series) -> Rollup:
    def ratio(numerator: str, denominator: str) -> float | None:
        if not s[denominator]:
            return None
        with np.errstate(over="ignore"):  # a divisor like 1e-300 is valid data; its quotient is n/a
            quotient = float(s[numerator] / s[denominator])
        return quotient if math.isfinite(quotient) else None

    def known(total: str, count: str) -> float | None:
        return float(s[total]) if s[count] else None

    return Rollup(
        projects=int(s["projects"]),
        active=int(s["active"]),
        by_phase={phase: int(s[f"phase:{phase}"]) for phase in PHASES},
        by_rag={r: int(s[f"rag:{r}"]) for r in (*RAGS, "n/a")},
        by_kind={kind: int(s[f"kind:{kind}"]) for kind in KINDS},
        budget=float(s["budget"]),
        spent=known("spent", "spent_known"),
        active_budget=float(s["active_budget"]),
        active_spent=known("active_spent", "active_spent_known"),
        spi=ratio("ev", "pv"),
        cpi=ratio("ev", "ac"),
        within_budget=ratio("within_budget", "budget_defined"),
        within_schedule=ratio("within_schedule", "schedule_defined"),
        budget_by_kind={kind: float(s[f"budget:{kind}"]) for kind in KINDS},
        spent_by_kind={kind: float(s[f"spent:{kind}"]) for kind in KINDS} if s["spent_known"] else None,
        benefits_planned=known("benefits_planned", "benefits_known"),
        benefits_realized=known("benefits_realized", "benefits_known"),
        open_risks=int(s["open_risks"]) if s["risks_known"] else None,
        risk_exposure=known("risk_exposure", "risks_known"),
        budget_withheld=int(s["budget_withheld"]),
        active_budget_withheld=int(s["active_budget_withheld"]),
    )
