"""Print an HTML document to PDF with Chromium, driven by Playwright: the board pack's renderer.

Chromium, not a Python HTML renderer: it draws the CSS and the inline SVG charts as the site's readers see them,
and CI already has it. It is Debian's (or PMO_CHROMIUM's), never a browser Playwright downloads; `playwright` and
`pypdf` come with the `pack` extra. The document is printed twice: the first print's bookmarks (one per heading)
give each heading's page, which the second print writes into the contents. Chromium stamps the PDF with the
wall clock; those dates are replaced by the reporting date, in place, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, PmoError
from ..widgets.markup import tag

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
PAPERS = {"a4": "A4", "letter": "Letter"}
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}
INSTALL = "pip install -e '.[pack]' in pmo's repository (or 'pmo-portfolio[pack]')"


class PrintFailed(PmoError):
    """Chromium started but could not print the document."""

    exit_code = 1


def chromium() -> str:
    """The Chromium to print with: PMO_CHROMIUM when set (and then only it), else `chromium` on the PATH."""
    given = os.environ.get("PMO_CHROMIUM")
    candidates = [given] if given else [shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    where = f"PMO_CHROMIUM names {given}, which is not an executable file" if given else "no chromium on the PATH"
    raise ConfigurationError(
        f"the board pack is printed with Chromium, and {where}: install it (Debian and Ubuntu: apt-get install "
        "chromium) or set PMO_CHROMIUM to its path"
    )


def check_printer() -> str:
    """Everything printing needs, before any work: the Python packages of the `pack` extra and Chromium. Returns
    Chromium's path; ConfigurationError (exit 2) names what to install."""
    missing = []
    for module, package in (("playwright.sync_api", "playwright"), ("pypdf", "pypdf")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        raise ConfigurationError(
            f"the board pack needs the Python package{'s' if len(missing) > 1 else ''} {' and '.join(missing)} "
            f"(the `pack` extra): {INSTALL}"
        )
    return chromium()


def print_pdf(
    document: Callable[[dict[str, int] | None], str],
    heading_ids: list[str],
    paper: str,
    as_of: dt.date,
    footer: str,
) -> bytes:
    """The PDF of `document(pages)`: printed once with placeholder page numbers, its bookmarks read back (one per
    id of `heading_ids`, in order), then printed again with each heading's page. `footer` is the running footer's
    text (escaped here), beside "page N of M"."""
    executable = check_printer()
    # Playwright's sync API refuses a thread where an asyncio loop runs (a test's browser session, a notebook,
    # MkDocs' live reload): the printing has a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as printer:
        final = printer.submit(_printed, document, heading_ids, paper, footer, executable).result()
    return stamped(final, as_of)


def _printed(
    document: Callable[[dict[str, int] | None], str], heading_ids: list[str], paper: str, footer: str, executable: str
) -> bytes:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                first = _print(page, document(None), paper, footer)
                pages = dict(zip(heading_ids, bookmark_pages(first), strict=False))
                final = _print(page, document(pages), paper, footer)
            finally:
                browser.close()
    except Error as exc:
        raise PrintFailed(f"Chromium ({executable}) could not print the board pack: {_first_line(exc)}") from None
    return final


def _print(page: Any, html: str, paper: str, footer: str) -> bytes:
    page.set_content(html, wait_until="load")
    footer_html = tag(
        "div",
        tag("span", footer),
        tag("span", "Page ", tag("span", class_="pageNumber"), " of ", tag("span", class_="totalPages")),
        style="font-family: sans-serif; font-size: 7pt; color: #555; width: 100%; margin: 0 14mm; "
        "display: flex; justify-content: space-between",
    )
    pdf: bytes = page.pdf(
        format=PAPERS[paper],
        margin=MARGIN,
        print_background=True,
        display_header_footer=True,
        header_template=str(tag("span")),  # none: the footer carries the page numbers
        footer_template=str(footer_html),
        outline=True,
        tagged=True,
    )
    return pdf


def bookmark_pages(pdf: bytes) -> list[int]:
    """The page (from 1) of every bookmark of the PDF, in document order (depth first)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found: list[int] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                number = reader.get_destination_page_number(item)
                found.append(0 if number is None else number + 1)  # 0: a bookmark to no page (not expected)

    walk(reader.outline)
    return found


_STAMP = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}([^)]*)\)")


def stamped(pdf: bytes, as_of: dt.date) -> bytes:
    """The PDF with its creation and modification dates set to the reporting date, midnight UTC, written in place
    with as many bytes (the cross-reference table's offsets stay right)."""
    day = f"{as_of:%Y%m%d}000000".encode()

    def replace(match: re.Match[bytes]) -> bytes:
        zone = b"+00'00'"
        rest = match.group(2)
        zone = zone if len(rest) == len(zone) else rest  # a zone of another length is left as it was
        return b"/" + match.group(1) + b" (D:" + day + zone + b")"

    return _STAMP.sub(replace, pdf)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
