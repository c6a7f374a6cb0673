"""Rules that span fields or files: references, uniqueness, date order, dependency cycles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

    from pydantic import BaseModel

    from .governance import Governance
    from .model import Event, People, Program, Project, Request, Settings
    from .yaml_guard import Path_


@dataclass(frozen=True)
class Unmodelled:
    """A readable file no model could be made of (a required field or a list item is wrong): its references are
    checked from its raw mapping, except at the places whose own value failed (their error says why)."""

    folder: str  # as Finding.folder
    entity_id: str
    data: dict[str, Any]
    failed: Callable[[Path_], bool]


@dataclass
class RuleInput:
    """What validated, plus every id the files name (None: that list was unreadable, skip its checks)."""

    settings: Settings | None
    people: People | None
    programs: dict[str, Program]
    projects: dict[str, Project]
    requests: dict[str, Request]
    events: list[Event]
    known: dict[str, Collection[str] | None]
    unmodelled: list[Unmodelled] = field(default_factory=list)
    governance: Governance | None = None


@dataclass(frozen=True)
class Finding:
    folder: str  # "projects", "programs", "requests" or a single file name such as "people.yaml"
    entity_id: str
    loc: Path_
    message: str


def check(p: RuleInput) -> Iterator[Finding]:
    if p.settings is not None:
        yield from _settings(p.settings)
    if p.people is not None:
        yield from _people(p, p.people)
    if p.governance is not None:
        yield from _governance(p, p.governance)
    for program in p.programs.values():
        yield from _references(_at("programs", program.id), program, p.known)
    for project in p.projects.values():
        yield from _project(p, project)
    for request in p.requests.values():
        yield from _request(p, request)
    for file in p.unmodelled:
        at = _at(file.folder, file.entity_id)
        yield from _references(at, file.data, p.known, file.failed)
        if isinstance(file.data.get("scores"), dict) and not file.failed(("scores",)):
            yield from _scores(at, file.data["scores"], p.known["criteria"], file.failed)
    yield from _cycles(p)
    for i, event in enumerate(p.events):
        if event.end and event.end < event.start:
            yield Finding("calendar.yaml", "", ("events", i, "end"), f"end {event.end} is before start {event.start}")


def _at(folder: str, entity_id: str) -> tuple[str, str]:
    return (folder, entity_id)


def _finding(at: tuple[str, str], loc: Path_, message: str) -> Finding:
    return Finding(at[0], at[1], loc, message)


# Every field that names an entry of another list: its path ("*": each item of a list), the list, what it is.
REFERENCES: dict[str, tuple[tuple[tuple[str, ...], str, str], ...]] = {
    "people.yaml": (
        (("people", "*", "team"), "teams", "team"),
        (("teams", "*", "waivers", "*", "rule"), "rules", "governance rule"),
        (("teams", "*", "waivers", "*", "approved_by"), "deciders", "body or person"),
    ),
    "governance.yaml": (
        (("decision_rights", "*", "body"), "bodies", "body"),
        (("gates", "*", "decided_by", "*"), "bodies", "body"),
        (("regulations", "*", "items", "*", "by_gate"), "gates", "gate"),
        (("rules", "*", "params", "gate"), "gates", "gate"),
        (("rules", "*", "params", "regulations", "*"), "regulations", "regulation"),
    ),
    "programs": (
        (("manager",), "people", "person"),
        (("sponsor",), "people", "person"),
        (("pmo_analyst",), "people", "person"),
        (("objectives", "*"), "objectives", "objective"),
        (("waivers", "*", "rule"), "rules", "governance rule"),
        (("waivers", "*", "approved_by"), "deciders", "body or person"),
    ),
    "projects": (
        (("program",), "programs", "program"),
        (("objectives", "*"), "objectives", "objective"),
        (("sponsor",), "people", "person"),
        (("manager",), "people", "person"),
        (("risks", "*", "owner"), "people", "person"),
        (("issues", "*", "owner"), "people", "person"),
        (("dependencies", "*", "project"), "projects", "project"),
        (("resources", "*", "team"), "teams", "team"),
        (("benefits", "*", "owner"), "people", "person"),
        (("gates", "*", "gate"), "gates", "gate"),
        (("gates", "*", "decided_by"), "deciders", "body or person"),
        (("compliance", "*"), "regulations", "regulation"),
        (("checklist", "*", "regulation"), "regulations", "regulation"),
        (("waivers", "*", "rule"), "rules", "governance rule"),
        (("waivers", "*", "approved_by"), "deciders", "body or person"),
    ),
    "requests": (
        (("requested_by",), "people", "person"),
        (("objectives", "*"), "objectives", "objective"),
        (("program",), "programs", "program"),
        (("waivers", "*", "rule"), "rules", "governance rule"),
        (("waivers", "*", "approved_by"), "deciders", "body or person"),
    ),
}


def _references(
    at: tuple[str, str],
    node: BaseModel | dict[str, Any],
    known: dict[str, Collection[str] | None],
    failed: Callable[[Path_], bool] = lambda loc: False,
) -> Iterator[Finding]:
    """The references of one file, read from its model or, for a file without one, from its raw mapping."""
    for path, names, what in REFERENCES[at[0]]:
        ids = known[names]
        if ids is None:
            continue
        for loc, value in _values_at(node, path):
            if isinstance(value, str) and value not in ids and not failed(loc):
                yield _finding(at, loc, _unknown(what, value, names, ids))


_GOVERNANCE_LISTS = ("bodies", "gates", "regulations", "rules")


def _unknown(what: str, value: str, names: str, ids: Collection[str]) -> str:
    """An unknown reference; for governance.yaml's short lists, what it does define when nothing is close."""
    hint = did_you_mean(value, sorted(ids))
    if hint or names not in _GOVERNANCE_LISTS or len(ids) > 20:
        return f'unknown {what} "{value}"{hint}'
    if not ids:
        return f'unknown {what} "{value}": governance.yaml defines no {names}'
    return f'unknown {what} "{value}"; governance.yaml defines {", ".join(sorted(ids))}'


def _values_at(node: Any, path: tuple[str, ...], loc: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    if not path:
        yield loc, node
    elif path[0] == "*":
        for i, item in enumerate(node if isinstance(node, list) else []):
            yield from _values_at(item, path[1:], (*loc, i))
    else:
        child = node.get(path[0]) if isinstance(node, dict) else getattr(node, path[0], None)
        if child is not None:
            yield from _values_at(child, path[1:], (*loc, path[0]))


def _duplicates(at: tuple[str, str], loc: Path_, ids: list[str], what: str) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in seen:
            yield _finding(at, (*loc, i, "id"), f'duplicate {what} id "{item_id}" (also {loc[-1]}[{seen[item_id]}])')
        else:
            seen[item_id] = i


def _settings(s: Settings) -> Iterator[Finding]:
    at = _at("portfolio.yaml", "")
    total = sum(c.weight for c in s.scoring.criteria)
    if abs(total - 1) > 1e-6:
        yield _finding(at, ("scoring", "criteria"), f"criterion weights must add up to 1, they add up to {total:g}")
    yield from _duplicates(at, ("scoring", "criteria"), [c.id for c in s.scoring.criteria], "criterion")
    yield from _duplicates(at, ("objectives",), [o.id for o in s.objectives], "objective")
    for name in ("spi", "cpi"):
        t = getattr(s.rag, name)
        if t.red > t.amber:
            yield _finding(at, ("rag", name, "red"), f"red threshold {t.red:g} must not be above amber {t.amber:g}")
    if s.rag.slip_days.red < s.rag.slip_days.amber:
        yield _finding(at, ("rag", "slip_days", "red"), "red threshold must not be below amber (more slip is worse)")


def _people(p: RuleInput, people: People) -> Iterator[Finding]:
    at = _at("people.yaml", "")
    yield from _duplicates(at, ("people",), [person.id for person in people.people], "person")
    yield from _duplicates(at, ("teams",), [team.id for team in people.teams], "team")
    yield from _references(at, people, p.known)


def _governance(p: RuleInput, gov: Governance) -> Iterator[Finding]:
    at = _at("governance.yaml", "")
    for name in ("bodies", "gates", "regulations", "rules"):
        yield from _duplicates(at, (name,), [entry.id for entry in getattr(gov, name)], name.removesuffix("s"))
    for i, regulation in enumerate(gov.regulations):
        yield from _duplicates(at, ("regulations", i, "items"), [item.id for item in regulation.items], "item")
    yield from _references(at, gov, p.known)
    rights = gov.decision_rights
    if rights:
        last = rights[-1]
        if any(limit is not None for limit in (last.max_cost, last.max_budget_percent, last.max_schedule_days)):
            yield _finding(
                at,
                ("decision_rights", len(rights) - 1),
                "the last body must have no limit, or a change above every limit has no one to decide it: "
                "leave out max_cost, max_budget_percent and max_schedule_days in the last row",
            )
    for i, rule in enumerate(gov.rules):
        if rule.kind == "change_authority" and not rights:
            yield _finding(at, ("rules", i, "kind"), "change_authority needs the decision_rights table: add it")


def _checklist(at: tuple[str, str], project: Project, gov: Governance | None) -> Iterator[Finding]:
    """Each checklist entry names an item of its regulation."""
    for i, entry in enumerate(project.checklist):
        regulation = gov.regulation(entry.regulation) if gov is not None else None
        items = [item.id for item in regulation.items] if regulation is not None else None
        if items is not None and entry.item not in items:
            yield _finding(
                at,
                ("checklist", i, "item"),
                f'unknown item "{entry.item}" of {regulation.name if regulation else entry.regulation}'
                + (did_you_mean(entry.item, items) or f"; its items: {', '.join(items) or 'none'}"),
            )


def _scores(
    at: tuple[str, str],
    scores: dict[str, Any],
    criteria: Collection[str] | None,
    failed: Callable[[Path_], bool] = lambda loc: False,
) -> Iterator[Finding]:
    if criteria is None:
        return
    for key in scores:
        if isinstance(key, str) and key not in criteria and not failed(("scores", key)):
            yield _finding(at, ("scores", key), f'unknown scoring criterion "{key}"{did_you_mean(key, criteria)}')
    missing = [c for c in criteria if c not in scores]
    if scores and missing:
        yield _finding(at, ("scores",), f"every criterion needs a score; missing: {', '.join(missing)}")


def _project(p: RuleInput, project: Project) -> Iterator[Finding]:
    at = _at("projects", project.id)
    yield from _references(at, project, p.known)
    yield from _scores(at, project.scores, p.known["criteria"])
    yield from _checklist(at, project, p.governance)
    if project.start and project.finish and project.finish < project.start:
        yield _finding(at, ("finish",), f"finish {project.finish} is before start {project.start}")
    if project.start and project.forecast_finish and project.forecast_finish < project.start:
        yield _finding(
            at, ("forecast_finish",), f"forecast_finish {project.forecast_finish} is before start {project.start}"
        )
    for i in range(1, len(project.status)):
        previous, report = project.status[i - 1], project.status[i]
        if report.date <= previous.date:
            yield _finding(
                at,
                ("status", i, "date"),
                f"status reports go oldest first: {report.date} is not after the previous report's {previous.date}",
            )
    for name in ("risks", "issues", "changes"):
        yield from _duplicates(at, (name,), [item.id for item in getattr(project, name)], name[:-1])
    for i, dep in enumerate(project.dependencies):
        if dep.project == project.id:
            yield _finding(at, ("dependencies", i, "project"), "a project cannot depend on itself")
    for i, res in enumerate(project.resources):
        if res.to < res.from_:
            yield _finding(at, ("resources", i, "to"), f'"{res.to}" is before "from" ({res.from_})')


def _request(p: RuleInput, request: Request) -> Iterator[Finding]:
    at = _at("requests", request.id)
    yield from _references(at, request, p.known)
    yield from _scores(at, request.scores, p.known["criteria"])


def _cycles(p: RuleInput) -> Iterator[Finding]:
    """Report each dependency cycle once, at the edge that closes it (iterative DFS: portfolios are big)."""
    graph = {
        pid: [(i, d.project) for i, d in enumerate(proj.dependencies) if d.project in p.projects and d.project != pid]
        for pid, proj in sorted(p.projects.items())
    }
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in graph:
        if start in state:
            continue
        path: list[str] = [start]
        iters = [iter(graph[start])]
        state[start] = 1
        while iters:
            step = next(iters[-1], None)
            if step is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            index, target = step
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                yield _finding(
                    _at("projects", path[-1]),
                    ("dependencies", index, "project"),
                    f"dependency cycle: {' → '.join(cycle)}",
                )
            elif target not in state:
                state[target] = 1
                path.append(target)
                iters.append(iter(graph[target]))
