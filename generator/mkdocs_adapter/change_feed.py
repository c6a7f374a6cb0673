"""The change feed of a versioned site: `changes.xml` at the root of the branch, beside versions.json, with one
Atom entry per version published with `pmo publish` (io/atom.py writes it).

Why one feed at the root: a feed reader subscribes to one address and expects new entries to appear there; a
feed inside each version's folder would freeze at the version it was found in. Every page of every version
links the root feed in its head (`<link rel="alternate" type="application/atom+xml">`, theme/main.html), so a
reader finds it from any page.

How it is written: mike's deploy commits the version's folder and versions.json, and offers no hook to add a
file at the root of that commit; `set_default` writes the root's index.html in a commit of its own the same way.
So the feed is a commit of its own right after the version's, rebuilt whole each time from the records of every
version on the branch (each version folder's pmo-version.json holds its audience, its previous version and its
summary). Rebuilding rather than appending makes it repair itself: a version published again replaces its
entry (the same id, never a second one), a version removed with `mike delete` loses its entry at the next
publish, and a feed commit that failed is made good by the next publish. The entries are those of the audience
being published (a branch is one audience's site); a version published by another tool has no record and no
entry.

The same commit writes `sitemap.xml` at the root: an index of the versions' sitemaps. Material's script takes
every `<link rel="alternate">` of a page for a language version of the site and fetches the sitemap.xml beside
it; without one at the root each page would log a failed request for it.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from ..io.atom import Entry, Feed, atom_feed

if TYPE_CHECKING:
    from mike.versions import Versions

FEED = "changes.xml"
FEED_TYPE = "application/atom+xml"
SITEMAP = "sitemap.xml"
_SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def feed_title(organization: str) -> str:
    return f"{organization} IT portfolio: what changed"


def write_feed(
    branch: str,
    prefix: str,
    record_name: str,
    organization: str,
    audience: str,
    site_root: str | None,
    message: str,
) -> bool:
    """Commit the branch's feed from its versions' records; False when it was already so (nothing to commit).
    `site_root` is the address of the branch's root (site_url and deploy prefix), None when unknown: the links
    are then relative to the feed, which sits at that root."""
    from mike import commands
    from mike import git_utils as mike_git

    versions = commands.list_versions(branch, prefix)
    entries = [e for e in (_entry(branch, prefix, record_name, v, audience, site_root) for v in _names(versions)) if e]
    feed = Feed(
        title=feed_title(organization),
        organization=organization,
        audience=audience,
        link=site_root or "./",
        self_link=site_root + FEED if site_root else None,
    )
    try:
        with mike_git.Commit(branch, f"{message}: change feed") as commit:
            commit.add_file(mike_git.FileInfo(posixpath.join(prefix, FEED), atom_feed(feed, entries)))
            commit.add_file(mike_git.FileInfo(posixpath.join(prefix, SITEMAP), _sitemap_index(versions, site_root)))
    except mike_git.GitEmptyCommit:
        return False
    return True


def _sitemap_index(versions: Versions, site_root: str | None) -> bytes:
    """Each version's sitemap.xml (absolute when the site's address is known, as the sitemap protocol wants)."""
    root = ET.Element("sitemapindex", xmlns=_SITEMAPS)
    for name in _names(versions):
        ET.SubElement(ET.SubElement(root, "sitemap"), "loc").text = f"{site_root or ''}{name}/{SITEMAP}"
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _names(versions: Versions) -> list[str]:
    return [str(info.version) for info in versions]  # newest first, as mike lists them


def _entry(
    branch: str, prefix: str, record_name: str, version: str, audience: str, site_root: str | None
) -> Entry | None:
    """The version's entry from its record; None for a version of another audience or without a (pmo) record."""
    from mike import git_utils as mike_git

    try:
        record: Any = json.loads(mike_git.read_file(branch, posixpath.join(prefix, version, record_name)))
    except (mike_git.GitError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("audience") != audience:
        return None
    summary, since = record.get("summary"), record.get("since")
    try:
        as_of = dt.date.fromisoformat(str(record.get("as_of")))
    except ValueError:
        return None
    if not isinstance(summary, list) or not all(isinstance(line, str) for line in summary):
        return None
    since = since if isinstance(since, str) else None
    page = f"{version}/changes/" if since else f"{version}/"
    title = f"{version}: changes since {since}" if since else f"{version}: the first published version"
    return Entry(version, title, as_of, summary, (site_root or "") + page)
