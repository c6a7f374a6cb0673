"""The change feed as Atom (RFC 4287): one entry per published version, its "what changed" summary as content.

Pure: entries in, bytes out, the same entries giving the same bytes (`updated` is each version's as_of, never
the clock). Written with the standard library's ElementTree rather than a feed library: an Atom feed is a
dozen elements, ElementTree escapes every text and attribute it writes, and feedgen, the well-kept one, would
bring lxml and dateutil in for it. The entry's content is HTML (type="html"), built with the escape-by-default
builder and then escaped once more as the element's text, as Atom wants it.

An entry's id is a `urn:uuid:` made (UUID 5) from the organization, the audience and the version's name: the
same version published again has the same id, so a feed reader replaces the entry instead of adding one; it
does not depend on where the site is served, so moving the site duplicates nothing. (A `tag:` URI would need a
domain and a date the organization owned it, which pmo does not know.)
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..widgets.markup import tag, to_html

ATOM = "http://www.w3.org/2005/Atom"
_NAMESPACE = uuid.UUID("5b0c7c1e-3f0e-5a53-9d6e-7a0c9c1f8e21")  # pmo's change feeds; never change it
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


@dataclass(frozen=True)
class Entry:
    version: str
    title: str
    as_of: dt.date
    summary: list[str]  # plain sentences: the first a paragraph, the others a list
    link: str  # the version's changes page (its home for the first version), absolute or relative to the feed


@dataclass(frozen=True)
class Feed:
    title: str
    organization: str
    audience: str
    link: str  # the site (its root), absolute or relative to the feed
    self_link: str | None  # the feed's own address, when the site's URL is known


def feed_id(organization: str, audience: str) -> str:
    return _urn(organization, audience, "")


def entry_id(organization: str, audience: str, version: str) -> str:
    return _urn(organization, audience, version)


def _urn(organization: str, audience: str, version: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, "\n".join((organization, audience, version))))


def atom_feed(feed: Feed, entries: list[Entry]) -> bytes:
    """The feed, entries in the order given (newest first)."""
    root = ET.Element("feed", xmlns=ATOM)  # elements unqualified under this default namespace, as feeds are written
    _text(root, "id", feed_id(feed.organization, feed.audience))
    _text(root, "title", feed.title)
    _text(root, "updated", _time(max((e.as_of for e in entries), default=dt.date(1970, 1, 1))))
    _link(root, "alternate", feed.link, "text/html")
    if feed.self_link:
        _link(root, "self", feed.self_link, "application/atom+xml")
    author = ET.SubElement(root, "author")
    _text(author, "name", feed.organization)
    _text(root, "generator", "pmo")
    for entry in entries:
        item = ET.SubElement(root, "entry")
        _text(item, "id", entry_id(feed.organization, feed.audience, entry.version))
        _text(item, "title", entry.title)
        _text(item, "updated", _time(entry.as_of))
        _link(item, "alternate", entry.link, "text/html")
        content = _text(item, "content", _html(entry.summary))
        content.set("type", "html")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _html(summary: list[str]) -> str:
    first, rest = (summary[0], summary[1:]) if summary else ("", [])
    parts = [tag("p", first)]
    if rest:
        parts.append(tag("ul", *(tag("li", line) for line in rest)))
    return "".join(map(to_html, parts))


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = _NOT_XML.sub("", text)
    return element


def _link(parent: ET.Element, rel: str, href: str, kind: str) -> None:
    ET.SubElement(parent, "link", rel=rel, type=kind, href=_NOT_XML.sub("", href))


def _time(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
