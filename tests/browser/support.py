"""Helpers for the browser suite: the served sites, what a browser context saw, and the site's search box."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Request, Response, Route, WebError

LOCAL_HOST = "127.0.0.1"

# Every page is checked at both sizes; the mobile one is a phone held upright, with touch.
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "mobile": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}


@dataclass(frozen=True)
class Site:
    """A built site (`root`) served over HTTP at `url` (no trailing slash)."""

    name: str
    root: Path
    url: str

    def address(self, path: str) -> str:
        return self.url + "/" + path.lstrip("/")


# --- what is in a built site ------------------------------------------------------------------------------------


class _Links(HTMLParser):
    """The links of a page's article, in order, as (href, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._depth = 0  # inside <article>
        self._open: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self._depth += 1
        elif tag == "a" and self._depth:
            self._href, self._open = dict(attrs).get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._depth -= 1
        elif tag == "a" and self._open is not None:
            self.links.append((self._href, " ".join("".join(self._open).split())))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def entity_links(root: Path, section: str) -> list[tuple[str, str]]:
    """(URL path, link text) of every `/<section>/<id>/` page linked from `/<section>/`, in the page's order."""
    parser = _Links()
    parser.feed((root / section / "index.html").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for href, text in parser.links:
        path = urlsplit(urljoin(f"/{section}/", href)).path
        if re.fullmatch(rf"/{section}/[a-z0-9]+(?:-[a-z0-9]+)*/", path) and text:
            found.setdefault(path, text)
    assert found, f"/{section}/ links no page of its own section"
    return list(found.items())


def first_project(root: Path) -> str:
    """The first project in the register."""
    return entity_links(root, "projects")[0][0]


def first_project_name(root: Path) -> str:
    return entity_links(root, "projects")[0][1]


def first_team(root: Path) -> str:
    """The first team the home page flags as over-allocated, else the first team on the Capacity page."""
    for page, url in (("index.html", "/"), ("capacity/index.html", "/capacity/")):
        parser = _Links()
        parser.feed((root / page).read_text(encoding="utf-8"))
        for href, _ in parser.links:
            path = urlsplit(urljoin(url, href)).path
            if re.fullmatch(r"/teams/[a-z0-9]+(?:-[a-z0-9]+)*/", path):
                return path
    raise AssertionError("no page links a team page")


def first_program(root: Path) -> str:
    """The first program in the program list."""
    return entity_links(root, "programs")[0][0]


@dataclass(frozen=True)
class PageSpec:
    """One page of the site to open. `path` is a URL path, or finds one in the built site.

    With `search`, the page is opened and the text that `search` finds in the built site is typed into Material's
    search box; the page checked is then the page with its search results showing.
    """

    name: str
    path: str | Callable[[Path], str]
    search: Callable[[Path], str] | None = None

    def resolve(self, root: Path) -> str:
        return self.path if isinstance(self.path, str) else self.path(root)


# --- what a browser context saw -----------------------------------------------------------------------------------


@dataclass
class Recorder:
    """Everything a context did that a test may want to refuse: errors, failed and foreign requests, dialogs."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    trap: list[str] = field(default_factory=list)  # hostile-site trap: alert/confirm/prompt calls, "xss-" messages

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("request", self._request)
        context.on("requestfailed", self._request_failed)
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        context.on("dialog", self._dialog)

    @staticmethod
    def is_local(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"data", "blob", "about"} or parts.hostname == LOCAL_HOST

    def _route(self, route: Route) -> None:
        url = route.request.url
        if self.is_local(url):
            route.continue_()
        else:  # never let the suite reach another host; the request listener records it as a failure
            route.abort("blockedbyclient")

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)
        if not self.is_local(request.url):
            self.external.append(f"{request.method} {request.url} (from {_frame_url(request)})")

    def _request_failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED" and request.is_navigation_request():
            return  # a page left while it loaded (a redirect page such as mike's root): the test checks where it ends
        if request.failure == "net::ERR_ABORTED" and request.url.endswith("/assets/images/favicon.png"):
            return  # the browser's own fetch of the tab's icon, which may start after networkidle, cut off by Back
        if self.is_local(request.url):  # foreign ones were aborted by us and are already in `external`
            self.failed.append(f"{request.method} {request.url}: {request.failure} (from {_frame_url(request)})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.request.method} {response.url}: HTTP {response.status}")

    def _console(self, message: ConsoleMessage) -> None:
        where = message.page.url if message.page else "?"
        text = message.text
        if message.type == "error":
            self.console_errors.append(f"{where}: {text}")
        if "xss-" in text:
            self.trap.append(f"console.{message.type} on {where}: {text}")

    def _web_error(self, error: WebError) -> None:
        where = error.page.url if error.page else "?"
        self.page_errors.append(f"{where}: {error.error}")
        if "xss-" in str(error.error):
            self.trap.append(f"uncaught error on {where}: {error.error}")

    def _dialog(self, dialog: Dialog) -> None:
        where = dialog.page.url if dialog.page else "?"
        self.dialogs.append(f"{dialog.type} on {where}: {dialog.message}")
        dialog.dismiss()

    def problems(self) -> list[str]:
        """Every console error, uncaught error, failed request and request to another host, one per line."""
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"uncaught error: {e}" for e in self.page_errors]
            + [f"failed request: {e}" for e in self.failed]
            + [f"request to another host: {e}" for e in self.external]
        )


def _frame_url(request: Request) -> str:
    try:
        return request.frame.url
    except Exception:  # a worker's request has no frame
        return "a worker"


# --- the site's search box (theme/partials/pmo-search.html) -------------------------------------------------------

_SEARCH_DONE = re.compile(r"matching document|No matching", re.IGNORECASE)
SEARCH_BOX = "input.pmo-search__input"
SEARCH_RESULT = ".pmo-search__results [role=option]"  # each result's link


def search(page: Page, query: str) -> None:
    """Open the header's search box and type `query`, as a person would; wait until the results are shown."""
    from playwright.sync_api import expect

    page.locator("button.pmo-search__open").click()
    box = page.locator(SEARCH_BOX)
    expect(box).to_be_focused()
    box.press_sequentially(query, delay=10)
    expect(page.locator(".pmo-search__status")).to_have_text(_SEARCH_DONE, timeout=15_000)


def open_at(new_context: OpenContext, site: Site, path: str, viewport: str = "desktop") -> tuple[Page, Recorder]:
    """A new page in a new context of `viewport`, opened at `path` of `site` and settled (no request for half a
    second); with the context's recorder."""
    context, recorder = new_context(viewport)
    page = context.new_page()
    page.goto(site.address(path), wait_until="networkidle")
    return page, recorder


def search_result_paths(page: Page) -> list[str]:
    """The URL paths (no query, no fragment) the shown search results link to."""
    hrefs: list[str] = page.locator(SEARCH_RESULT).evaluate_all("links => links.map(a => a.href)")
    return [urlsplit(h).path for h in hrefs]


if TYPE_CHECKING:
    from typing import TypeAlias

    OpenContext: TypeAlias = "Callable[[str], tuple[BrowserContext, Recorder]]"
