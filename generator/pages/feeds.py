"""Stage 4, render: the calendar page's subscribe links, to calendar.ics and each program's feed (io/ical.py).

A calendar application subscribes to an absolute address, so with the site's URL known (`site_url` in
mkdocs.yml) each feed gets a webcal:// link, which opens the application, and its https address to paste; without
it the site cannot know its own address, and the links download the file, which an application imports once
(an import does not update: the page says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..io.ical import CALENDAR_ICS, program_feed, program_ids
from ..widgets.blocks import html_block
from ..widgets.markup import Markup, join, tag
from ..widgets.md import page_url, section
from ..widgets.text import plain
from .urls import CALENDAR

if TYPE_CHECKING:
    from ..analytics.analyse import Analysis

HOW_TO = (
    "Outlook: Add calendar → Subscribe from web (or From Internet), paste the address. "
    "Google Calendar: Other calendars → + → From URL, paste the address. "
    "The calendar then updates by itself."
)
HOW_TO_IMPORT = (
    "Outlook: File → Open & Export → Import/Export; Google Calendar: Settings → Import & export. "
    "An imported file does not update: import it again after the next publication. "
    "(Subscribing needs the site's address: site_url in mkdocs.yml.)"
)


def subscribe_section(a: Analysis, site_url: str | None) -> str:
    """ "Subscribe": the whole calendar and one feed per program, with a one-line how-to."""
    up = "../" * page_url(CALENDAR).count("/")
    feeds = [("The whole IT calendar", CALENDAR_ICS)]
    feeds += [(a.portfolio.programs[pid].name, program_feed(pid)) for pid in program_ids(a.portfolio)]
    rows = [tag("li", plain(name), ": ", *_links(name, path, up, site_url)) for name, path in feeds]
    intro = (
        "The events below and the open milestones of the active projects, in your calendar application. "
        "A program's feed has its projects' milestones and every event: freezes and windows concern all."
    )
    how_to = HOW_TO if site_url else HOW_TO_IMPORT
    body = join([tag("p", intro), tag("ul", *rows, class_="pmo-feeds"), tag("p", how_to, class_="pmo-how-to")], "\n")
    return section("Subscribe", html_block(body), anchor="subscribe")


def _links(name: str, path: str, up: str, site_url: str | None) -> list[Markup | str]:
    """The feed's links, each named for a screen reader by the calendar it is for (every row has the same words)."""
    if not site_url:
        return [tag("a", "download (.ics)", href=up + path, download=True, aria_label=f"Download {name} (.ics)")]
    address = site_url.rstrip("/") + "/" + path
    scheme, separator, rest = address.partition("://")
    subscribe = f"webcal://{rest}" if separator and scheme in ("http", "https") else address
    return [tag("a", "subscribe", href=subscribe, aria_label=f"Subscribe to {name}"), " · ", tag("code", address)]
