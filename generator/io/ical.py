"""The IT calendar as iCalendar feeds (RFC 5545) that Outlook, Google Calendar and Apple Calendar subscribe to:
`calendar.ics` with every event of calendar.yaml and every open milestone of the active projects, and one feed
per program with its projects' milestones and the same events.

Pure: a portfolio (already the audience's) in, bytes out; the same data gives the same bytes (DTSTAMP is as_of,
never the clock). Every date is all-day: DTSTART and DTEND are DATEs, DTEND the day after the last (exclusive).
The icalendar library writes each text as one escaped value (backslash, comma, semicolon, newline), so no text
of the data can end a line and start a property of its own.

A subscribed calendar updates an event in place when its UID stays the same, and drops an event whose UID has
gone. So a UID is made of what identifies the thing, never its position in a file or the time of the build:
`milestone-<project id>-<slug of its name>@<slug of the organization>` and `event-<slug of its title>@…`. Reordering
calendar.yaml or a project's milestones changes nothing; moving a date updates the event; renaming a milestone or
an event replaces it (the old one disappears, the new one appears: a rename may mean another thing). Only where
two names make the same slug (two "Go-live" milestones in one project) the date is added to tell them apart,
and then the position among equal dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from typing import TYPE_CHECKING

from icalendar import Calendar
from icalendar import Event as VEvent

from ..data.model import ACTIVE_PHASES
from ..widgets import fmt
from ..widgets.md import page_url, project_path

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..data.model import Milestone, Project
    from ..data.validate import Portfolio

CALENDAR_ICS = "calendar.ics"
PROGRAM_FEEDS = "calendar"  # calendar/<program id>.ics
PRODID = "-//pmo//IT portfolio calendar//EN"
CALENDAR_PAGE = "calendar.md"  # pages/urls.CALENDAR; io sits below pages and cannot import it


def program_feed(program_id: str) -> str:
    return f"{PROGRAM_FEEDS}/{program_id}.ics"


def calendar_files(portfolio: Portfolio, site_url: str | None) -> dict[str, bytes]:
    """Every feed of the site by its path: calendar.ics, and calendar/<program id>.ics for each program the
    portfolio (the audience's) holds, even one with no open milestone (its feed still carries the events)."""
    name = portfolio.settings.organization
    # each event is written once and its lines shared by every feed that holds it: the events of calendar.yaml are
    # in every program's feed, and icalendar's writing is the slow part (2 s of a 1,000-project build otherwise)
    events = [_written(event) for event in _events(portfolio, site_url)]
    milestones = [(program_id, _written(event)) for program_id, event in _milestones(portfolio, site_url)]
    files = {CALENDAR_ICS: _feed(f"{name} IT calendar", [*events, *(m for _, m in milestones)])}
    for program_id, program in sorted(portfolio.programs.items()):
        own = [m for of, m in milestones if of == program_id]
        files[program_feed(program_id)] = _feed(f"{name} IT calendar: {program.name}", [*events, *own])
    return files


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; a text without any (all CJK, say) becomes a short hash of it."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:60].strip("-") or "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


Written = tuple[tuple[dt.date, str], bytes]  # an event's sort key (first day, UID) and its lines


def _written(event: VEvent) -> Written:
    return (event.decoded("dtstart"), str(event["uid"])), event.to_ical()


def _feed(title: str, events: list[Written]) -> bytes:
    """The calendar's lines around its events' (as icalendar writes a calendar holding them), by date and UID."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    empty, end = cal.to_ical(), b"END:VCALENDAR\r\n"
    return empty.removesuffix(end) + b"".join(lines for _, lines in sorted(events)) + end


def _event(uid: str, summary: str, first: dt.date, last: dt.date, stamp: dt.datetime, category: str) -> VEvent:
    event = VEvent()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))  # exclusive: the day after the last
    event.add("summary", summary)
    event.add("categories", [category])
    event.add("transp", "TRANSPARENT")  # a date to know, not time taken: free/busy stays free
    return event


def _stamp(portfolio: Portfolio) -> dt.datetime:
    as_of = portfolio.settings.as_of
    return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)


def _domain(portfolio: Portfolio) -> str:
    return slug(portfolio.settings.organization)


def _url(site_url: str | None, page: str) -> str | None:
    return site_url.rstrip("/") + "/" + page_url(page) if site_url else None


def _events(portfolio: Portfolio, site_url: str | None) -> list[VEvent]:
    stamp, domain, link = _stamp(portfolio), _domain(portfolio), _url(site_url, CALENDAR_PAGE)
    keys = _unique_keys((e.title, e.start) for e in portfolio.events)
    out = []
    for event, key in zip(portfolio.events, keys, strict=True):
        item = _event(f"event-{key}@{domain}", event.title, event.start, event.last_day, stamp, event.kind)
        lines = [event.note] if event.note else []
        if event.systems:
            lines.append("Systems: " + ", ".join(event.systems))
        _describe(item, lines, link)
        out.append(item)
    return out


def _milestones(portfolio: Portfolio, site_url: str | None) -> list[tuple[str, VEvent]]:
    """The open milestones (no actual date) of active projects, each with its project's program."""
    stamp, domain = _stamp(portfolio), _domain(portfolio)
    out = []
    for pid, project in sorted(portfolio.projects.items()):
        if project.phase not in ACTIVE_PHASES:
            continue
        keys = _unique_keys((m.name, m.baseline) for m in project.milestones)
        for milestone, key in zip(project.milestones, keys, strict=True):
            if milestone.actual is not None:
                continue
            date = milestone.expected
            item = _event(
                f"milestone-{pid}-{key}@{domain}", f"{project.name}: {milestone.name}", date, date, stamp, "milestone"
            )
            _describe(item, _milestone_lines(portfolio, project, milestone), _url(site_url, project_path(pid)))
            out.append((project.program, item))
    return out


def _milestone_lines(portfolio: Portfolio, project: Project, milestone: Milestone) -> list[str]:
    program = portfolio.programs.get(project.program)
    lines = [f"Milestone of the project {project.name}" + (f" (program {program.name})." if program else ".")]
    if milestone.forecast is not None and milestone.forecast != milestone.baseline:
        lines.append(f"Forecast {fmt.date(milestone.forecast)}; baseline {fmt.date(milestone.baseline)}.")
    else:
        lines.append(f"Baseline {fmt.date(milestone.baseline)}.")
    return lines


def _describe(event: VEvent, lines: list[str], link: str | None) -> None:
    """DESCRIPTION: the lines, and the page's address when the site's URL is known (with URL too)."""
    if link is not None:
        lines = [*lines, link]
        event.add("url", link)
    if lines:
        event.add("description", "\n".join(lines))


def _unique_keys(items: Iterable[tuple[str, dt.date]]) -> list[str]:
    """One UID key per (name, date), in the items' order: the name's slug, and where two names share a slug, the
    date after it; where those are equal too, a number by position among the equals (the only case where order
    counts)."""
    items = list(items)
    names = Counter(slug(name) for name, _ in items)
    keys = [slug(name) if names[slug(name)] == 1 else f"{slug(name)}-{date:%Y%m%d}" for name, date in items]
    seen: Counter[str] = Counter()
    counts = Counter(keys)
    out = []
    for key in keys:
        seen[key] += 1
        out.append(key if counts[key] == 1 else f"{key}-{seen[key]}")
    return out


def program_ids(portfolio: Portfolio) -> list[str]:
    """The programs that have a feed, in the order of their names."""
    return sorted(portfolio.programs, key=lambda pid: (portfolio.programs[pid].name, pid))
