"""Stage 3, analyse: KPIs rolled up over a set of projects — the portfolio, a program or an objective.

Sums are over the projects each figure is defined for, and say so: the earned-value indexes of a group are
ratios of sums (Σ EV / Σ PV, Σ EV / Σ AC) over its active projects with a status report, which weighs each
project by its size, as a PMO reads them; a mean of the projects' own indexes would let a small project
swing the figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .kpi import RAGS, portfolio_shares
from .model import PHASES

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("change", "run")


@dataclass(frozen=True)
class Rollup:
    projects: int
    active: int
    by_phase: dict[str, int]  # every phase, in lifecycle order, zeros included
    by_rag: dict[str, int]  # active projects: green, amber, red and "n/a" (no status report yet)
    by_kind: dict[str, int]
    budget: float  # BAC of the projects not cancelled
    spent: float  # AC to date of every project, cancelled ones too: that money is gone
    active_budget: float
    active_spent: float
    spi: float | None  # Σ EV / Σ PV over the active projects with a status report
    cpi: float | None  # Σ EV / Σ AC over the same projects
    within_budget: float | None  # shares of active projects (0..1), see kpi.portfolio_shares
    within_schedule: float | None
    budget_by_kind: dict[str, float]  # not cancelled
    spent_by_kind: dict[str, float]
    benefits_planned: float  # financial benefits only: other kinds have their own units
    benefits_realized: float
    open_risks: int
    risk_exposure: float  # Σ probability × impact of the open risks

    @property
    def attention(self) -> int:
        return self.by_rag["red"]


def rollup(frame: pd.DataFrame) -> Rollup:
    """The roll-up of the projects in `frame` (rows of kpi.project_frame; any subset of them)."""
    active = frame[frame["active"]]
    live = frame[frame["phase"] != "cancelled"]
    measured = active[active["ac"].notna()]
    ev = float(measured["ev"].sum())
    pv, ac = float(measured["pv"].sum()), float(measured["ac"].sum())
    shares = portfolio_shares(frame)
    rag = active["rag"].fillna("n/a").value_counts()
    phases = frame["phase"].value_counts()
    kinds = frame["kind"].value_counts()
    return Rollup(
        projects=len(frame),
        active=len(active),
        by_phase={phase: int(phases.get(phase, 0)) for phase in PHASES},
        by_rag={r: int(rag.get(r, 0)) for r in (*RAGS, "n/a")},
        by_kind={kind: int(kinds.get(kind, 0)) for kind in KINDS},
        budget=float(live["bac"].sum()),
        spent=float(frame["ac"].sum()),  # NaN (no report yet) counts as nothing spent
        active_budget=float(active["bac"].sum()),
        active_spent=float(active["ac"].sum()),
        spi=ev / pv if pv else None,
        cpi=ev / ac if ac else None,
        within_budget=shares["within_budget"],
        within_schedule=shares["within_schedule"],
        budget_by_kind={kind: float(live.loc[live["kind"] == kind, "bac"].sum()) for kind in KINDS},
        spent_by_kind={kind: float(frame.loc[frame["kind"] == kind, "ac"].sum()) for kind in KINDS},
        benefits_planned=float(frame["benefits_planned"].sum()),
        benefits_realized=float(frame["benefits_realized"].sum()),
        open_risks=int(frame["open_risks"].sum()),
        risk_exposure=float(frame["risk_exposure"].sum()),
    )
