"""Who a site is for. The org-wide site gets the data with every pmo-only entity removed, before any
page, table, chart or total is computed: hiding pages would still leak names through search and totals."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .model import Project
    from .validate import Portfolio

Audience = Literal["org", "pmo"]
AUDIENCES = ("org", "pmo")
_ITEM_LISTS = ("risks", "issues", "changes", "benefits", "lessons")


def for_audience(portfolio: Portfolio, audience: Audience) -> Portfolio:
    """The portfolio as `audience` may see it. A project in a pmo-only program is pmo-only too."""
    if audience == "pmo":
        return portfolio
    programs = {pid: p for pid, p in portfolio.programs.items() if p.visibility == "org"}
    projects = {
        pid: _org_items(p) for pid, p in portfolio.projects.items() if p.visibility == "org" and p.program in programs
    }
    requests = {
        rid: r
        for rid, r in portfolio.requests.items()
        if r.visibility == "org" and (r.program is None or r.program in programs)
    }
    for pid, project in projects.items():
        deps = [d for d in project.dependencies if d.project in projects]
        if len(deps) != len(project.dependencies):
            projects[pid] = project.model_copy(update={"dependencies": deps})
    shown: dict[str, set[str]] = {"programs": set(programs), "projects": set(projects), "requests": set(requests)}
    sources = {key: src for key, src in portfolio.sources.items() if key[0] not in shown or key[1] in shown[key[0]]}
    return dataclasses.replace(portfolio, programs=programs, projects=projects, requests=requests, sources=sources)


def _org_items(project: Project) -> Project:
    update = {}
    for name in _ITEM_LISTS:
        items = getattr(project, name)
        kept = [item for item in items if item.visibility == "org"]
        if len(kept) != len(items):
            update[name] = kept
    return project.model_copy(update=update) if update else project
