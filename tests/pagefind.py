"""What the site's Pagefind index holds, read back for the tests: its files are gzip-compressed, each opening with
Pagefind's signature; a page's fragment is JSON (its URL, title and the text the index holds of it)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

SIGNATURE = b"pagefind_dcd"


def decoded(path: Path) -> bytes:
    """A file's bytes, decompressed when gzipped (whatever its name), without Pagefind's signature."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.removeprefix(SIGNATURE)


@dataclass(frozen=True)
class Fragment:
    url: str
    title: str
    content: str  # the words of the page the index holds, as plain text
    headings: dict[str, str]  # the page's headings the index holds, by id: a result can link to one


def fragments(site: Path) -> dict[str, Fragment]:
    """Each indexed page's fragment, by its URL path from the site's root ("/projects/crm/")."""
    found = {}
    for path in sorted((site / "pagefind" / "fragment").iterdir()):
        data = json.loads(decoded(path))
        headings = {a["id"]: a["text"] for a in data["anchors"] if a["element"].startswith("h")}
        found[data["url"]] = Fragment(data["url"], data["meta"].get("title", ""), data["content"], headings)
    return found
