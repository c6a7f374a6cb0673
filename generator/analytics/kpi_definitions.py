"""What each KPI means: its name, abbreviation, formula, how to read it and when it is n/a.

One registry for the words around the numbers. kpi.py, rollups.py and capacity.py compute the numbers; the
handbook's KPI page, the glossary and the tooltips are written from here, and a test ties every entry to what
the code computes at its level (a column of `kpi.project_frame`, a field of `rollups.Rollup`, a column of the
capacity plan, a function of kpi.py), so the documentation cannot describe a KPI the code does not compute.

Over 400 lines: mostly the registry's entries, text rather than code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Threshold = Literal["spi", "cpi", "slip_days", "stale_after_days"]
# project: a column of kpi.project_frame; group: a field of rollups.Rollup (the portfolio, a program or an
# objective); milestone: a function of kpi.py; team-month: a column of the capacity plan's cells.
Level = Literal["project", "group", "milestone", "team-month"]

# The tolerance of "within budget" and "within schedule" in the roll-ups.
BAND = 0.10


@dataclass(frozen=True)
class KpiDefinition:
    column: str  # the column of kpi.project_frame that holds it
    name: str
    abbreviation: str | None
    group: str  # the section of the KPI page it is listed under
    formula: str
    read: str  # how to read it, in a sentence or two
    undefined: str = ""  # when it is n/a; "" when it is always defined
    threshold: Threshold | None = None  # the setting of portfolio.yaml that judges it
    anchor: str = ""  # its id on the KPI page; the column, dashed, when not given
    level: Level = "project"

    @property
    def id(self) -> str:
        return self.anchor or self.column.replace("_", "-")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


EARNED_VALUE = "Earned value: the inputs"
INDICES = "Variances and indices"
FORECASTS = "Forecasts"
SCHEDULE = "Schedule"
HEALTH = "Health and priority"
GROUPS = "Portfolio, program and objective"
PARTS = "Milestones and teams"
BAND_TEXT = f"{BAND:.0%}".replace("%", " %")

KPI_DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        "bac",
        "Budget at completion",
        "BAC",
        EARNED_VALUE,
        "BAC = `budget`",
        "The approved budget for the whole project. It changes only through approved change requests.",
    ),
    KpiDefinition(
        "pv",
        "Planned value",
        "PV",
        EARNED_VALUE,
        "PV = BAC × clamp((as_of − start) / (finish − start), 0, 1)",
        "The value of the work that should have been done by now if work were spread evenly over the baseline "
        "dates: 0 before the start, BAC after the baseline finish. Projects with a slow start show a low SPI "
        "early on, which is why the reported RAG and the summary matter.",
    ),
    KpiDefinition(
        "ev",
        "Earned value",
        "EV",
        EARNED_VALUE,
        "EV = BAC × `percent_complete` / 100",
        "The budgeted value of the work actually done. An honest percent complete is what makes it right.",
        "before the first status report",
    ),
    KpiDefinition(
        "ac",
        "Actual cost",
        "AC",
        EARNED_VALUE,
        "AC = `actual_cost` of the current status report",
        "The cumulative cost to date, not this month's spend.",
        "before the first status report",
    ),
    KpiDefinition(
        "percent_complete",
        "Percent complete",
        None,
        EARNED_VALUE,
        "`percent_complete` of the current status report",
        "The share of the project's work that is done and accepted: not time elapsed, not money spent.",
        "before the first status report",
    ),
    KpiDefinition(
        "sv",
        "Schedule variance",
        "SV",
        INDICES,
        "SV = EV − PV",
        "Negative means behind plan, in money: the value of the work that should have been done but was not.",
        "before the first status report",
    ),
    KpiDefinition(
        "cv",
        "Cost variance",
        "CV",
        INDICES,
        "CV = EV − AC",
        "Negative means over cost: the work done cost more than was budgeted for it.",
        "before the first status report",
    ),
    KpiDefinition(
        "spi",
        "Schedule performance index",
        "SPI",
        INDICES,
        "SPI = EV / PV",
        "1.0 is on plan, below 1 is behind. An SPI of 0.80 means that for every euro of work planned by now, "
        "80 cents' worth has been done.",
        "before the start (PV is 0) and before the first status report",
        "spi",
    ),
    KpiDefinition(
        "cpi",
        "Cost performance index",
        "CPI",
        INDICES,
        "CPI = EV / AC",
        "1.0 is on budget, below 1 is over cost. A CPI of 0.89 means that each euro spent has produced 89 cents "
        "of planned work.",
        "while no cost is booked (AC is 0)",
        "cpi",
    ),
    KpiDefinition(
        "eac",
        "Estimate at completion",
        "EAC",
        FORECASTS,
        "EAC = BAC / CPI",
        "What the project will cost in total if it goes on spending as efficiently (or inefficiently) as so far. "
        "A mechanical forecast, not the project manager's estimate: explain a large gap in the status summary.",
        "when CPI is n/a or 0",
    ),
    KpiDefinition(
        "etc",
        "Estimate to complete",
        "ETC",
        FORECASTS,
        "ETC = EAC − AC",
        "The money still needed to finish, at the current cost efficiency.",
        "when EAC is n/a",
    ),
    KpiDefinition(
        "vac",
        "Variance at completion",
        "VAC",
        FORECASTS,
        "VAC = BAC − EAC",
        "Negative means a forecast overspend at completion.",
        "when EAC is n/a",
    ),
    KpiDefinition(
        "tcpi",
        "To-complete performance index",
        "TCPI",
        FORECASTS,
        "TCPI = (BAC − EV) / (BAC − AC)",
        "The cost efficiency the remaining work needs to finish within budget. Above 1.1 the budget is rarely "
        "met without a change request.",
        "when the whole budget is spent (BAC = AC)",
    ),
    KpiDefinition(
        "budget_adherence",
        "Budget adherence",
        None,
        FORECASTS,
        "Budget adherence = EAC / BAC × 100 %",
        "The forecast cost at completion against the budget: 100 % or less is within budget; 112 % is a "
        "forecast overspend of 12 %.",
        "when EAC is n/a or the budget is 0",
    ),
    KpiDefinition(
        "slip_days",
        "Schedule slip",
        None,
        SCHEDULE,
        "Schedule slip (days) = `forecast_finish` − `finish`",
        "Positive means late. `forecast_finish` defaults to `finish`, so a project that gives no forecast shows "
        "no slip. One of the three inputs of the derived RAG.",
        threshold="slip_days",
        anchor="schedule-slip",
    ),
    KpiDefinition(
        "status_age_days",
        "Status age",
        None,
        SCHEDULE,
        "Status age (days) = as_of − `date` of the current status report",
        "How old the figures are. An active project whose report is older than the stale limit, or that has "
        "none, is marked stale and listed at the portfolio review.",
        "before the first status report (the project is then stale once it has started)",
        "stale_after_days",
    ),
    KpiDefinition(
        "derived_rag",
        "Derived RAG",
        None,
        HEALTH,
        "The worst of the SPI, CPI and schedule-slip verdicts, against their thresholds",
        "The thresholds are given with [SPI](kpis.md#spi), [CPI](kpis.md#cpi) and "
        "[schedule slip](kpis.md#schedule-slip) above. A `rag_override` in the project file always wins over it, "
        "and the reported RAG of the current status is shown beside it when they differ (see "
        "[Status reporting](status-reporting.md)).",
        "before the first status report, and once the project is closed or cancelled or not yet in planning",
    ),
    KpiDefinition(
        "risk_exposure",
        "Risk exposure",
        None,
        HEALTH,
        "Risk exposure = Σ probability × impact over the open risks (each risk 1 to 25)",
        "One risk's exposure places it in a band (low 1–4, medium 5–9, high 10–14, very high 15–25); the "
        "project's figure adds up its open risks. Closed risks do not count.",
    ),
    KpiDefinition(
        "priority_score",
        "Priority score",
        None,
        HEALTH,
        "Priority score = Σ weight × score, criteria marked `inverse` counted as (6 − score)",
        "Between 1 and 5; rank 1 is the highest score (ties: the cheaper first). The criteria and weights are "
        "those of the scoring model in [Demand management](demand-management.md#scoring).",
        "when the project has no scores",
    ),
    KpiDefinition(
        "satisfaction",
        "Stakeholder satisfaction",
        None,
        HEALTH,
        "`satisfaction` of the latest status report that has one (1 to 5)",
        "The average score of the last stakeholder survey. Its trend, the change since the survey before, "
        "matters more than its level.",
        "until a status report records a survey",
    ),
    KpiDefinition(
        "active",
        "Active projects",
        None,
        GROUPS,
        "Active = the projects in planning, execution, closing or on hold",
        "The projects whose health is judged: the counts by RAG, the shares within budget and schedule and the "
        "portfolio indexes are over these. Proposals and approved projects have not started; closed and "
        "cancelled ones are over.",
        level="group",
    ),
    KpiDefinition(
        "by_rag",
        "Projects by RAG",
        None,
        GROUPS,
        "The active projects counted by RAG (the derived RAG, or the `rag_override`)",
        "The red ones are counted as needing attention. An active project without a status report has no RAG "
        "and is counted as n/a.",
        level="group",
        anchor="projects-by-rag",
    ),
    KpiDefinition(
        "budget",
        "Total budget",
        None,
        GROUPS,
        "Total budget = Σ BAC of the projects that are not cancelled",
        "What the portfolio has approved to spend. A budget the source withholds (imported registers) is not in "
        "the sum; the number of such projects is shown beside it.",
        level="group",
        anchor="total-budget",
    ),
    KpiDefinition(
        "spent",
        "Spent to date",
        None,
        GROUPS,
        "Spent to date = Σ AC of every project, cancelled ones included",
        "Money spent on a cancelled project is gone, so it stays in the total. A project without a status "
        "report has spent nothing yet.",
        level="group",
        anchor="spent-to-date",
    ),
    KpiDefinition(
        "spi",
        "Portfolio SPI",
        None,
        GROUPS,
        "Portfolio SPI = Σ EV / Σ PV over the active projects with a status report",
        "A ratio of sums, so each project weighs by its size; a mean of the projects' SPIs would let a small "
        "project swing it. The same for a program or an objective over its projects.",
        "when Σ PV is 0 (no such project has started)",
        level="group",
        anchor="portfolio-spi",
    ),
    KpiDefinition(
        "cpi",
        "Portfolio CPI",
        None,
        GROUPS,
        "Portfolio CPI = Σ EV / Σ AC over the active projects with a status report",
        "A ratio of sums, weighted by size like the portfolio SPI.",
        "when Σ AC is 0 (no cost booked yet)",
        level="group",
        anchor="portfolio-cpi",
    ),
    KpiDefinition(
        "within_budget",
        "Share within budget",
        None,
        GROUPS,
        f"Share within budget = active projects with |VAC| ≤ {BAND_TEXT} of BAC / active projects with a VAC and a "
        "budget above 0",
        f"How much of the portfolio is on course to finish within {BAND_TEXT} of its budget, over or under.",
        "when no active project has a VAC (no cost booked yet)",
        level="group",
        anchor="portfolio-budget-adherence",
    ),
    KpiDefinition(
        "within_schedule",
        "Share within schedule",
        None,
        GROUPS,
        f"Share within schedule = active projects with a slip ≤ {BAND_TEXT} of their planned duration / active "
        "projects with a planned duration (`start` to `finish`, in days) and a known forecast (a "
        "`forecast_finish`, or a status report that keeps the baseline finish)",
        f"How much of the portfolio is on course to finish no later than {BAND_TEXT} of its planned duration after "
        "the baseline finish.",
        "when no active project has a planned duration and a known forecast",
        level="group",
        anchor="share-within-schedule",
    ),
    KpiDefinition(
        "budget_by_kind",
        "Run versus change",
        None,
        GROUPS,
        "Share of run (or change) = Σ budget (or spend) of the `kind: run` (or change) projects / Σ budget (or "
        "spend) of all",
        "Run work keeps existing services going; change work builds new capability. The split shows where the "
        "money goes, in budget (projects not cancelled) and in spend to date.",
        "when the total is 0",
        level="group",
        anchor="run-versus-change",
    ),
    KpiDefinition(
        "benefits_realized",
        "Benefits realized",
        None,
        GROUPS,
        "Benefits realized = Σ `realized` / Σ `planned` of the financial benefits",
        "Only financial benefits add up: other kinds keep their own units and are listed one by one. A benefit "
        "is overdue when its `due` date has passed and it is not realized in full.",
        "when no financial benefit is planned",
        level="group",
        anchor="benefits-realized",
    ),
    KpiDefinition(
        "risk_exposure",
        "Portfolio risk exposure",
        None,
        GROUPS,
        "Portfolio risk exposure = Σ probability × impact over the open risks of the projects",
        "The risk exposure of the projects, added up, with the number of open risks beside it.",
        level="group",
        anchor="portfolio-risk-exposure",
    ),
    KpiDefinition(
        "milestone_slip",
        "Milestone slip",
        None,
        PARTS,
        "Milestone slip (days) = (`actual`, else `forecast`, else `baseline`) − `baseline`",
        "Positive means late. Slips of early milestones are the best early warning of a slip of the finish date.",
        level="milestone",
        anchor="milestone-slip",
    ),
    KpiDefinition(
        "utilization",
        "Team utilization",
        None,
        PARTS,
        "Utilization = demand / capacity, for a team in a month",
        "Capacity is the team's `capacity_fte`; demand is the FTE of the `resources` of its projects that are "
        "approved, in planning, in execution or closing and that cover the month (`from` and `to` both count). "
        "Proposals, closed, cancelled and on-hold projects use no capacity (an on-hold project's people work "
        "elsewhere until it resumes). Above 100 % the team-month is over-allocated, flagged on the team's page "
        "and the home page.",
        level="team-month",
        anchor="team-utilization",
    ),
)

# A link in a definition's text, to a handbook page: [text](page.md#anchor).
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def words(text: str) -> str:
    """A definition's text without its links, for a tooltip."""
    return LINK.sub(r"\1", text)


# The project KPIs by column, for the reasons a project's figure is n/a.
BY_COLUMN: dict[str, KpiDefinition] = {d.column: d for d in KPI_DEFINITIONS if d.level == "project"}


def definition(column: str) -> KpiDefinition:
    return BY_COLUMN[column]
