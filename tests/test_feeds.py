"""The feeds people subscribe to: calendar.ics and one iCalendar feed per program (io/ical.py), and the Atom feed
of the changes of each published version (mkdocs_adapter/change_feed.py)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar

from generator.cli import main
from generator.errors import ConfigurationError
from generator.io.atom import Entry, Feed, atom_feed, entry_id
from generator.mkdocs_adapter.publish import check_names
from generator.pages.tree import SiteTree
from generator.pipeline import read_portfolio, site_tree

from .conftest import MINI, Edit
from .gitrepo import commit_all
from .test_audience import CANARY, plant_canaries
from .test_publish import Pages, identity, next_period, pmo, repo, set_text

__all__ = ["identity", "repo"]  # fixtures, used by name

SITE = "https://pmo.example.org/portfolio/"


def tree(data: Path, audience: str = "org", site_url: str | None = None) -> SiteTree:
    return site_tree(read_portfolio(data), audience, None, {}, site_url=site_url)


def events(ics: bytes) -> dict[str, dict[str, object]]:
    """The feed's events by UID: summary, start, end (decoded), description, categories."""
    calendar = Calendar.from_ical(ics)
    found: dict[str, dict[str, object]] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, f"UID {uid} twice"
        found[uid] = {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "description": str(event.get("DESCRIPTION", "")),
            "categories": [str(c) for c in event["CATEGORIES"].cats],
            "url": str(event.get("URL", "")),
        }
    return found


def feed(data: Path, path: str = "calendar.ics", **options: object) -> dict[str, dict[str, object]]:
    return events(tree(data, **options).assets[path])  # type: ignore[arg-type]


def add_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def change_yaml(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    add_yaml(path, data)


def project(name: str, program: str, phase: str, milestones: list[dict]) -> dict:
    crm = yaml.safe_load((MINI / "projects" / "crm.yaml").read_text(encoding="utf-8"))
    keep = ("kind", "methodology", "objectives", "sponsor", "manager", "start", "finish", "budget")
    return {"name": name, "program": program, "phase": phase, **{k: crm[k] for k in keep}, "milestones": milestones}


# --- calendar.ics ----------------------------------------------------------------------------------------------


def test_the_calendar_holds_every_event_and_each_open_milestone_of_an_active_project(mini: Path) -> None:
    ms = [{"name": "Pilot", "baseline": "2026-06-01"}]
    for pid, phase in [("held", "on-hold"), ("planned", "planning"), ("idea", "proposal"), ("done", "closed")]:
        add_yaml(mini / "projects" / f"{pid}.yaml", project(f"Project {pid}", "front-door", phase, ms))
    found = feed(mini)
    summaries = sorted(e["summary"] for e in found.values())
    # crm's design sign-off was reached (actual) and identity is closed: neither is open work
    assert summaries == [
        "March release",
        "Patient CRM: Go-live",
        "Project held: Pilot",
        "Project planned: Pilot",
        "Year-end freeze",
    ]
    categories = {e["summary"]: e["categories"] for e in found.values()}
    assert categories["March release"] == ["release"]
    assert categories["Year-end freeze"] == ["freeze"]
    assert categories["Patient CRM: Go-live"] == ["milestone"]


def test_events_are_all_day_and_end_the_day_after_their_last(mini: Path) -> None:
    by_summary = {e["summary"]: e for e in feed(mini).values()}
    freeze, release, go_live = (
        by_summary["Year-end freeze"],
        by_summary["March release"],
        by_summary["Patient CRM: Go-live"],
    )
    for event in (freeze, release, go_live):
        assert type(event["start"]) is dt.date and type(event["end"]) is dt.date  # DATE, not DATE-TIME
    assert (freeze["start"], freeze["end"]) == (dt.date(2026, 12, 15), dt.date(2027, 1, 6))  # exclusive end
    assert (release["start"], release["end"]) == (dt.date(2026, 3, 14), dt.date(2026, 3, 15))  # one day
    assert (go_live["start"], go_live["end"]) == (dt.date(2026, 5, 20), dt.date(2026, 5, 21))  # its forecast
    raw = tree(mini).assets["calendar.ics"].decode()
    assert "DTSTART;VALUE=DATE:20261215\r\n" in raw and "DTEND;VALUE=DATE:20270106\r\n" in raw


def test_a_milestone_without_forecast_is_dated_at_its_baseline(edit: Edit, mini: Path) -> None:
    edit(
        "projects/crm.yaml",
        "{name: Go-live, baseline: 2026-05-01, forecast: 2026-05-20}",
        "{name: Go-live, baseline: 2026-05-01}",
    )
    go_live = next(e for e in feed(mini).values() if e["summary"].endswith("Go-live"))  # type: ignore[union-attr]
    assert go_live["start"] == dt.date(2026, 5, 1)


def test_the_calendar_has_its_header_and_a_stamp_from_as_of(mini: Path) -> None:
    first, second = tree(mini).assets["calendar.ics"], tree(mini).assets["calendar.ics"]
    assert first == second  # no clock: the same data, the same bytes
    calendar = Calendar.from_ical(first)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//pmo//IT portfolio calendar//EN"
    assert str(calendar["X-WR-CALNAME"]) == "Mini Health IT calendar"
    stamps = {e.decoded("DTSTAMP") for e in calendar.walk("VEVENT")}
    assert stamps == {dt.datetime(2026, 3, 2, tzinfo=dt.UTC)}  # as_of


def test_uids_survive_a_rebuild_and_a_reordering_of_events_and_milestones(mini: Path) -> None:
    before = feed(mini)
    change_yaml(mini / "calendar.yaml", lambda d: d["events"].reverse())
    change_yaml(mini / "projects" / "crm.yaml", lambda d: d["milestones"].reverse())
    after = feed(mini)
    assert {uid: e["summary"] for uid, e in after.items()} == {uid: e["summary"] for uid, e in before.items()}
    assert "milestone-crm-go-live@mini-health" in after
    assert "event-year-end-freeze@mini-health" in after


def test_a_moved_date_keeps_the_uid_and_a_rename_replaces_the_event(edit: Edit, mini: Path) -> None:
    edit("projects/crm.yaml", "forecast: 2026-05-20", "forecast: 2026-06-30")
    moved = feed(mini)
    assert moved["milestone-crm-go-live@mini-health"]["start"] == dt.date(2026, 6, 30)
    edit("projects/crm.yaml", "name: Go-live", "name: Launch")
    renamed = feed(mini)
    assert "milestone-crm-go-live@mini-health" not in renamed
    assert renamed["milestone-crm-launch@mini-health"]["summary"] == "Patient CRM: Launch"


def test_names_that_make_the_same_slug_get_their_date_and_stay_apart(mini: Path) -> None:
    def twins(data: dict) -> None:
        data["milestones"] += [
            {"name": "Cut-over", "baseline": "2026-07-01"},
            {"name": "Cut over", "baseline": "2026-08-01"},
        ]

    change_yaml(mini / "projects" / "crm.yaml", twins)
    uids = set(feed(mini))
    assert {"milestone-crm-cut-over-20260701@mini-health", "milestone-crm-cut-over-20260801@mini-health"} <= uids
    change_yaml(mini / "projects" / "crm.yaml", lambda d: d["milestones"].reverse())
    assert set(feed(mini)) == uids


def test_hostile_titles_stay_one_escaped_value(mini: Path) -> None:
    hostile = "Release, phase 1; go\nUID:evil@x\nBEGIN:VALARM\nATTENDEE:mailto:boss@example.org"

    def plant(data: dict) -> None:
        data["events"].append(
            {"title": hostile, "kind": "release", "start": "2026-04-01", "note": hostile, "systems": ["A,B;C"]}
        )

    change_yaml(mini / "calendar.yaml", plant)
    change_yaml(
        mini / "projects" / "crm.yaml", lambda d: d["milestones"].append({"name": hostile, "baseline": "2026-09-01"})
    )
    raw = tree(mini).assets["calendar.ics"]
    lines = raw.decode().split("\r\n")
    assert not any(line.startswith(("UID:evil", "BEGIN:VALARM", "ATTENDEE")) for line in lines)
    assert "SUMMARY:Release\\, phase 1\\; go\\nUID:evil@x\\nBEGIN:VALARM" in raw.decode().replace("\r\n ", "")
    calendar = Calendar.from_ical(raw)
    assert not calendar.walk("VALARM")
    assert all("ATTENDEE" not in event for event in calendar.walk("VEVENT"))
    found = events(raw)
    assert [e["summary"] for e in found.values()].count(hostile) == 1  # parsed back as the same text
    assert any(e["summary"] == f"Patient CRM: {hostile}" for e in found.values())
    planted = next(e for e in found.values() if e["summary"] == hostile)
    assert planted["description"] == f"{hostile}\nSystems: A,B;C"


def test_links_to_the_site_only_when_its_url_is_known(mini: Path) -> None:
    go_live = "milestone-crm-go-live@mini-health"
    without = feed(mini)[go_live]
    assert "http" not in without["description"] and without["url"] == ""  # type: ignore[operator]
    assert "Milestone of the project Patient CRM (program Digital front door)." in without["description"]  # type: ignore[operator]
    linked = feed(mini, site_url=SITE)
    assert linked[go_live]["url"] == SITE + "projects/crm/"
    assert str(linked[go_live]["description"]).endswith("\n" + SITE + "projects/crm/")
    assert linked["event-march-release@mini-health"]["url"] == SITE + "calendar/"


# --- one feed per program, and the audience ----------------------------------------------------------------------


def test_each_program_has_a_feed_of_its_milestones_and_every_event(mini: Path) -> None:
    front_door = yaml.safe_load((mini / "programs" / "front-door.yaml").read_text(encoding="utf-8"))
    add_yaml(mini / "programs" / "back-office.yaml", {**front_door, "name": "Back office"})
    ms = [{"name": "Ledger live", "baseline": "2026-10-01"}]
    add_yaml(mini / "projects" / "ledger.yaml", project("Ledger", "back-office", "execution", ms))
    site = tree(mini)
    assert {path for path in site.assets if path.endswith(".ics")} == {
        "calendar.ics",
        "calendar/front-door.ics",
        "calendar/back-office.ics",
    }
    back_office = events(site.assets["calendar/back-office.ics"])
    assert sorted(e["summary"] for e in back_office.values()) == [
        "Ledger: Ledger live",
        "March release",
        "Year-end freeze",
    ]
    front = events(site.assets["calendar/front-door.ics"])
    assert "milestone-ledger-ledger-live@mini-health" not in front and "milestone-crm-go-live@mini-health" in front
    whole = events(site.assets["calendar.ics"])
    assert set(whole) == set(front) | set(back_office)  # the same UIDs in each feed
    name = Calendar.from_ical(site.assets["calendar/back-office.ics"])["X-WR-CALNAME"]
    assert str(name) == "Mini Health IT calendar: Back office"


def test_the_org_site_has_no_pmo_only_milestone_nor_the_feed_of_a_pmo_only_program(mini: Path) -> None:
    plant_canaries(mini)
    org, pmo = tree(mini, "org"), tree(mini, "pmo")
    assert f"calendar/{CANARY}-program.ics" in pmo.assets
    assert not any(CANARY in path for path in org.assets)
    for path, data in org.assets.items():
        if path.endswith(".ics"):
            assert not any(CANARY in str(e) for e in events(data).values()), path
    assert CANARY not in org.pages["calendar.md"]
    pmo_summaries = [e["summary"] for e in events(pmo.assets["calendar.ics"]).values()]
    assert f"{CANARY} project: {CANARY} milestone" in pmo_summaries


# --- the calendar page, and both builders ------------------------------------------------------------------------


def test_the_calendar_page_offers_subscriptions_with_the_site_url(mini: Path) -> None:
    page = tree(mini, site_url=SITE).pages["calendar.md"]
    assert (
        'href="webcal://pmo.example.org/portfolio/calendar.ics" aria-label="Subscribe to The whole IT calendar"' in page
    )
    assert 'href="webcal://pmo.example.org/portfolio/calendar/front-door.ics"' in page
    assert f"<code>{SITE}calendar.ics</code>" in page
    assert "Subscribe from web" in page and "From URL" in page


def test_the_calendar_page_offers_downloads_without_a_site_url(mini: Path) -> None:
    page = tree(mini).pages["calendar.md"]
    assert "webcal:" not in page
    assert '<a href="../calendar.ics" download aria-label="Download The whole IT calendar (.ics)">' in page
    assert '<a href="../calendar/front-door.ics" download aria-label="Download Digital front door (.ics)">' in page
    assert "does not update" in page and "site_url" in page


def test_pmo_build_and_pmo_generate_carry_the_feeds(tmp_path: Path, in_root: Path) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--data", str(MINI), "--out", str(site)])
    assert result.exit_code == 0, result.output
    assert events((site / "calendar.ics").read_bytes())
    assert events((site / "calendar" / "front-door.ics").read_bytes())
    assert 'href="../calendar.ics"' in (site / "calendar" / "index.html").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", "--data", str(MINI), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    docs = tmp_path / "out" / "docs"
    assert (docs / "calendar.ics").read_bytes() == (site / "calendar.ics").read_bytes()
    assert (docs / "calendar" / "front-door.ics").is_file()


# --- the change feed (Atom) -----------------------------------------------------------------------------------

A = "{http://www.w3.org/2005/Atom}"


def atom(text: str) -> ET.Element:
    """The feed parsed back, checked for what RFC 4287 requires of a feed and of each entry."""
    root = ET.fromstring(text)
    assert root.tag == f"{A}feed"
    for element in (root, *root.findall(f"{A}entry")):
        for required in ("id", "title", "updated"):
            assert len(element.findall(f"{A}{required}")) == 1, (element.tag, required)
        dt.datetime.fromisoformat(element.findtext(f"{A}updated").replace("Z", "+00:00"))  # type: ignore[union-attr]
    assert root.find(f"{A}author/{A}name") is not None  # entries have no author of their own: the feed's is theirs
    return root


def entries(root: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "id": e.findtext(f"{A}id", ""),
            "title": e.findtext(f"{A}title", ""),
            "updated": e.findtext(f"{A}updated", ""),
            "link": e.find(f"{A}link").get("href", ""),  # type: ignore[union-attr]
            "content": e.findtext(f"{A}content", ""),
            "type": e.find(f"{A}content").get("type", ""),  # type: ignore[union-attr]
        }
        for e in root.findall(f"{A}entry")
    ]


def test_each_published_version_adds_an_entry_with_a_stable_id(repo: Path) -> None:
    pages = Pages(repo)
    assert pmo("publish")[0] == 0
    first = entries(atom(pages.read("changes.xml")))
    next_period(repo)
    assert pmo("publish")[0] == 0
    root = atom(pages.read("changes.xml"))
    october, september = entries(root)  # newest first
    assert september == first[0]  # the older entry is as it was
    assert september["title"] == "2026-09: the first published version" and september["link"] == "2026-09/"
    assert september["content"] == "<p>The first published version: 2 projects as of 2026-09-30.</p>"
    assert october["title"] == "2026-10: changes since 2026-09" and october["link"] == "2026-10/changes/"
    assert october["updated"] == "2026-10-31T00:00:00Z" and root.findtext(f"{A}updated") == "2026-10-31T00:00:00Z"
    assert october["type"] == "html"
    assert october["content"].startswith("<p>From 2026-09 (as of 2026-09-30, 2 projects) to 2026-10")
    assert "<li>Budget: 1 (Patient CRM).</li>" in october["content"]
    assert october["id"].startswith("urn:uuid:") and october["id"] != september["id"]
    assert root.findtext(f"{A}title") == "Mini Health IT portfolio: what changed"
    assert root.find(f"{A}link[@rel='self']") is None  # no site_url: the feed cannot name its own address
    # beside it, an index of the versions' sitemaps: Material fetches sitemap.xml beside any rel=alternate link
    sitemaps = ET.fromstring(pages.read("sitemap.xml"))
    locs = [loc.text for loc in sitemaps.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == ["2026-10/sitemap.xml", "2026-09/sitemap.xml"]

    set_text(repo / "portfolio" / "projects" / "crm.yaml", "budget: 125000", "budget: 130000")
    commit_all(repo, "October, corrected")
    assert pmo("publish")[0] == 0  # the same version again: its entry is replaced, not added
    again = entries(atom(pages.read("changes.xml")))
    assert [e["id"] for e in again] == [october["id"], september["id"]]
    commits = pages.commits()
    code, out = pmo("publish")
    assert code == 0 and "Unchanged" in out and pages.commits() == commits  # nothing new: no feed commit either


def test_every_published_page_links_the_feed_and_an_ordinary_build_does_not(repo: Path, tmp_path: Path) -> None:
    assert pmo("publish")[0] == 0
    pages = Pages(repo)
    link = '<link rel="alternate" type="application/atom+xml" title="Mini Health IT portfolio: what changed" href="{}">'
    assert link.format("./../changes.xml") in pages.read("2026-09/index.html")
    assert link.format("../../../changes.xml") in pages.read("2026-09/projects/crm/index.html")
    assert link.format("../../changes.xml") in pages.read("latest/calendar/index.html")
    assert pmo("build", "--out", str(tmp_path / "site"))[0] == 0
    assert "application/atom+xml" not in (tmp_path / "site" / "index.html").read_text()  # no feed to link


def test_with_a_site_url_the_feed_links_absolutely_and_the_calendar_follows_latest(repo: Path) -> None:
    hostile = 'Mini "Health" <b>&amp;'
    set_text(repo / "mkdocs.yml", "site_name:", "site_url: https://pmo.example.org/it/\nsite_name:")
    set_text(repo / "portfolio" / "portfolio.yaml", "organization: Mini Health", f"organization: '{hostile}'")
    commit_all(repo, "site_url")
    assert pmo("publish")[0] == 0
    pages = Pages(repo)
    root = atom(pages.read("changes.xml"))
    assert root.find(f"{A}link[@rel='self']").get("href") == "https://pmo.example.org/it/changes.xml"  # type: ignore[union-attr]
    assert entries(root)[0]["link"] == "https://pmo.example.org/it/2026-09/"
    assert "<loc>https://pmo.example.org/it/2026-09/sitemap.xml</loc>" in pages.read("sitemap.xml")
    assert root.findtext(f"{A}title") == f"{hostile} IT portfolio: what changed"  # escaped, and parsed back whole
    head = pages.read("2026-09/index.html")
    assert 'title="Mini &#34;Health&#34; &lt;b&gt;&amp;amp; IT portfolio: what changed"' in head
    calendar = pages.read("2026-09/calendar/index.html")
    assert 'href="webcal://pmo.example.org/it/latest/calendar.ics"' in calendar  # the alias moves on; subscribers too
    go_live = events(pages.read("2026-09/calendar.ics").encode())["milestone-crm-go-live@mini-health-b-amp"]
    assert go_live["url"] == "https://pmo.example.org/it/latest/projects/crm/"


def test_the_feed_holds_the_entries_of_the_audience_published(repo: Path) -> None:
    pages = Pages(repo)
    assert pmo("publish", "--audience", "pmo")[0] == 0
    plant_canaries(repo / "portfolio")
    next_period(repo)
    assert pmo("publish", "--audience", "pmo")[0] == 0
    pmo_feed = pages.read("changes.xml")
    assert len(entries(atom(pmo_feed))) == 2 and CANARY in pmo_feed  # the pmo site's changes name it
    assert pmo("publish", "--version", "2026-11")[0] == 0  # the org site, on the same branch
    org_feed = pages.read("changes.xml")
    assert [e["title"] for e in entries(atom(org_feed))] == ["2026-11: changes since 2026-10"]
    assert CANARY not in org_feed


@pytest.mark.parametrize("name", ["changes.xml", "sitemap.xml"])
def test_a_version_cannot_take_the_name_of_a_file_at_the_root(name: str) -> None:
    with pytest.raises(ConfigurationError, match="cannot name a version"):
        check_names(name, [], "origin")
    with pytest.raises(ConfigurationError, match="cannot name an alias"):
        check_names("2026-10", [name], "origin")


def test_hostile_text_stays_text_in_the_feed() -> None:
    hostile = "]]></content><entry><id>x</id></entry>\x01<script>alert(1)</script>"
    feed = Feed(hostile, hostile, "org", "./", None)
    data = atom_feed(feed, [Entry("v1", hostile, dt.date(2026, 1, 31), [hostile, hostile], "v1/")])
    root = atom(data.decode())
    (entry,) = entries(root)
    clean = hostile.replace("\x01", "")  # a character XML cannot hold is dropped
    assert entry["title"] == clean and root.findtext(f"{A}title") == clean
    assert "<script>" not in entry["content"] and "&lt;script&gt;" in entry["content"]  # HTML, escaped as HTML
    assert entry["id"] == entry_id(hostile, "org", "v1") == entry_id(hostile, "org", "v1")
    assert entry_id(hostile, "pmo", "v1") != entry["id"]
