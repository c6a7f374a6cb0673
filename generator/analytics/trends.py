"""Stage 3, analyse: KPI trends from the status-report history, for one project and for the portfolio.

Every status report dated on or before `as_of` becomes one row of the history, with the earned value at the
report's own date (the KPI definitions of kpi.py, applied at that date instead of at `as_of`). The portfolio
trend sums those rows per monthly period. Both are computed column-wise in one pass over all reports.

What the data does not record, the history does not invent:

- The forecast finish is kept only as it is now, not as it was at each report. The derived RAG of a past
  report is therefore the worst of its SPI and CPI verdicts alone; back-dating today's slip would paint
  reports red for a delay decided months later. It is n/a when neither SPI nor CPI is defined.
- A `rag_override` has no date either, so it is not applied to past reports.
- A phase has no history: a project's current phase decides whether it counts in past periods (see
  `portfolio_trend`).
"""

from __future__ import annotations

import datetime as dt
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .kpi import RAGS, days_between, derived_rag, planned_fraction, safe_ratio

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..data.model import Project, Settings

PERIODS = 12
NOT_STARTED = frozenset({"proposal", "approved"})  # no delivery yet: their reports, if any, are not counted
ENDED = frozenset({"closed", "cancelled"})  # counted only in the periods in which they reported


def history_frame(projects: Sequence[Project], settings: Settings) -> pd.DataFrame:
    """One row per status report dated on or before `as_of`, in the order of `projects`, then oldest first.

    Columns: `project` (id), `pos` (index in `projects`), `date`, `day` (date ordinal), `rag` (reported),
    `percent_complete`, `satisfaction`, `bac`, `pv`, `ev`, `ac`, `spi`, `cpi` (NaN when the divisor is 0) and
    `derived_rag` (from SPI and CPI at the report's date; None when neither is defined)."""
    as_of = settings.as_of
    kept = [[r for r in p.status if r.date <= as_of] for p in projects]
    reports = list(chain.from_iterable(kept))
    pos = np.repeat(np.arange(len(projects)), [len(k) for k in kept])
    dates = [r.date for r in reports]
    day = np.array([d.toordinal() for d in dates], dtype=np.int64)
    start = np.array([np.nan if p.start is None else p.start.toordinal() for p in projects], dtype=float)
    planned = np.array([days_between(p.start, p.finish) for p in projects], dtype=float)
    budget = np.array([np.nan if p.budget is None else p.budget for p in projects], dtype=float)
    ids = np.array([p.id for p in projects], dtype=object)
    frame = pd.DataFrame(
        {
            "project": ids[pos],
            "pos": pos,
            "date": pd.Series(dates, dtype=object),
            "day": day,
            "rag": pd.Series([r.rag for r in reports], dtype=object),
            "percent_complete": np.array([r.percent_complete for r in reports], dtype=float),
            "satisfaction": np.array([r.satisfaction for r in reports], dtype=float),  # None becomes NaN
            "bac": budget[pos],
            "ac": np.array([r.actual_cost for r in reports], dtype=float),
            "elapsed_days": (day - start[pos]).astype(float),
            "planned_days": planned[pos],
        }
    )
    pv = frame["bac"] * planned_fraction(frame["elapsed_days"], frame["planned_days"])  # the same clamp as kpi.py
    ev = frame["bac"] * frame["percent_complete"] / 100
    spi, cpi = safe_ratio(ev, pv), safe_ratio(ev, frame["ac"])
    no_slip = pd.Series(0.0, index=frame.index)  # see the module docstring: past forecasts are not recorded
    derived = derived_rag(spi, cpi, no_slip, settings).astype(object).where(spi.notna() | cpi.notna(), None)
    frame = frame.drop(columns=["elapsed_days", "planned_days"])
    return frame.assign(pv=pv, ev=ev, spi=spi, cpi=cpi, derived_rag=derived)


def by_project(history: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The history as plain dicts per project id, oldest first: pages read single values, and plain lists are
    far cheaper than a frame lookup per project page."""
    columns = ["date", "rag", "derived_rag", "percent_complete", "pv", "ev", "ac", "spi", "cpi", "satisfaction"]
    values = [history[c].tolist() for c in columns]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for project, *row in zip(history["project"].tolist(), *values, strict=True):
        grouped.setdefault(project, []).append(dict(zip(columns, row, strict=True)))
    return grouped


def periods(as_of: dt.date, count: int = PERIODS) -> list[tuple[dt.date, dt.date]]:
    """The last `count` calendar months as (first day, period end), oldest first. The month of `as_of` is the
    last period and ends at `as_of` itself: a report dated after the reporting date is not known yet."""
    result = []
    year, month = as_of.year, as_of.month
    for _ in range(count):
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        result.append((first, min(following - dt.timedelta(days=1), as_of)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def portfolio_trend(history: pd.DataFrame, projects: Sequence[Project], settings: Settings) -> pd.DataFrame:
    """Portfolio SPI and CPI and the count of reported RAGs for each of the last 12 monthly periods.

    A project counts in a period when, at the period's end, it had started (start on or before the end) and
    had a status report; its latest report on or before the end gives its PV, EV, AC and RAG. Its current
    phase decides the rest, as phases have no history: proposals and approved projects never count; closed
    and cancelled ones count only in the periods in which they reported (their last report is about the time
    they ended); every other project's latest report carries forward, as the portfolio view of that day
    would have shown it (as kpi.py does at `as_of`, however old the report).

    SPI = Σ EV / Σ PV and CPI = Σ EV / Σ AC over the counted projects, each at its own report's date (so a
    project adds to the sum what its own history shows); NaN when the divisor's sum is 0.

    Columns: `period` ("2026-10"), `start`, `end`, `projects` (count), `pv`, `ev`, `ac`, `spi`, `cpi`,
    `green`, `amber`, `red`."""
    window = periods(settings.as_of)
    firsts = np.array([first.toordinal() for first, _ in window], dtype=np.int64)
    ends = np.array([end.toordinal() for _, end in window], dtype=np.int64)
    n, k = len(projects), len(window)
    pos, day = history["pos"].to_numpy(), history["day"].to_numpy()
    period = np.searchsorted(firsts, day, side="right") - 1  # -1: before the window
    # Each project's last report in each period, in a matrix with one column more for "before the window".
    # History rows run oldest first within a project, so the last row of a (project, period) run is the one.
    last_of_run = np.ones(len(history), dtype=bool)
    if len(history) > 1:
        last_of_run[:-1] = (pos[1:] != pos[:-1]) | (period[1:] != period[:-1])
    own = np.full((n, k + 1), -1, dtype=np.int64)
    own[pos[last_of_run], period[last_of_run] + 1] = np.flatnonzero(last_of_run)
    # Row numbers grow with the date within a project: a running maximum carries the latest report forward.
    carried = np.maximum.accumulate(own, axis=1)[:, 1:]
    own = own[:, 1:]
    phase = np.array([p.phase for p in projects], dtype=object)
    # a withheld start: the project's reports show it has started, so count them
    start = np.array([p.start.toordinal() if p.start else -1 for p in projects], dtype=np.int64)
    chosen = np.where(np.isin(phase, list(ENDED))[:, None], own, carried)
    counted = (chosen >= 0) & ~np.isin(phase, list(NOT_STARTED))[:, None] & (start[:, None] <= ends[None, :])
    row = np.where(counted, chosen, 0)

    def pick(column: str, fill: Any) -> np.ndarray:
        """The column's value of each counted cell's report, `fill` elsewhere."""
        values = history[column].to_numpy()
        return np.where(counted, values[row], fill) if len(values) else np.full((n, k), fill)

    pv, ev, ac = (pd.Series(pick(column, 0.0).astype(float).sum(axis=0)) for column in ("pv", "ev", "ac"))
    rag = pick("rag", None)
    counts = {name: (rag == name).sum(axis=0) for name in RAGS}
    return pd.DataFrame(
        {
            "period": [f"{first:%Y-%m}" for first, _ in window],
            "start": [first for first, _ in window],
            "end": [end for _, end in window],
            "projects": counted.sum(axis=0),
            "pv": pv,
            "ev": ev,
            "ac": ac,
            "spi": safe_ratio(ev, pv),
            "cpi": safe_ratio(ev, ac),
            **counts,
        }
    )
