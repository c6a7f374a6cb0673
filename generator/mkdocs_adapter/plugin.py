"""The MkDocs adapter: `plugins: [pmo]` runs the pipeline, adds its pages in memory and indexes the site for search."""

from __future__ import annotations

import calendar
import contextlib
import functools
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import get_toc

from ..analytics.milestone_trend import ForecastHistory
from ..data.regular import refuse_special_files
from ..errors import PmoError, PortfolioError
from ..handbook.glossary import Tooltips
from ..io.forecast_history import forecast_history
from ..io.gitdata import project_history
from ..pages.urls import HOME
from ..pipeline import Timings, read_portfolio, site_tree, some_pages
from ..site import CSS, NOT_IN_NAV, THEME_OVERRIDES
from ..widgets.blocks import anchor_ids, broken_links, put_back, set_aside, toc_tokens
from ..widgets.md import page_url
from .change_feed import FEED, FEED_TYPE, feed_title
from .html_page import HtmlPage, html_only
from .search import SearchIndex
from .serve_state import Generated, keep_theme_files, leave_unchanged_pages_out, mark_changes, remove
from .shared_nav import share_navigation
from .site_name import NAMED, named

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from ..data.audience import Audience
    from ..data.validate import Portfolio
    from ..pages.changes import Baseline
    from ..pages.tree import SiteTree
    from .serve_state import ServeState


log = logging.getLogger("mkdocs.plugins.pmo")  # under "mkdocs": --strict counts its warnings


class ShortcutsConfig(Config):
    """The build's speed shortcuts, each on by default and switched off on its own (they change no byte of the
    site; off, a build of a large portfolio takes longer): a way around them if a MkDocs, Material or theme
    release breaks the internals one leans on."""

    shared_navigation = c.Type(bool, default=True)  # navigation partials rendered once per folder (shared_nav)
    html_only_pages = c.Type(bool, default=True)  # pages of pmo's blocks alone skip Python-Markdown (html_page)


class PortfolioConfig(Config):
    portfolio = c.Type(str, default="portfolio")
    handbook = c.Type(str, default="methodology")
    audience = c.Choice(("org", "pmo"), default="org")
    git_history = c.Type(bool, default=True)  # each project page says when its data file last changed
    tooltips = c.Type(bool, default=True)  # explain the glossary's abbreviations on every page
    # the period's board pack as board-pack.pdf, linked from the home page, printed by Chromium (the `pack`
    # extra). Unset: `pmo publish` adds it to every version it publishes, `pmo build` does not (a print takes
    # seconds); true: both; false: neither. A build or publish that should print it and cannot fails, saying
    # what to install.
    pack = c.Optional(c.Type(bool))
    pack_paper = c.Choice(("a4", "letter"), default="a4")
    shortcuts = c.SubConfig(ShortcutsConfig)


def reporting_history(
    config: MkDocsConfig, options: PortfolioConfig, data_dir: Path, as_of: dt.date
) -> ForecastHistory:
    """The milestones of past reporting periods, for the milestone trend analysis: from the versions published on
    mkdocs.yml's remote_branch (under mike's deploy_prefix), else the data's git history; off with git_history."""
    if not options.git_history:
        return ForecastHistory(missing="git_history is switched off in mkdocs.yml")
    mike = config.plugins.get("mike")
    prefix = str(dict(mike.config).get("deploy_prefix") or "") if mike is not None else ""
    branch, remote = config.remote_branch or "gh-pages", config.remote_name or "origin"
    return forecast_history(data_dir, as_of, branch, remote, prefix)


# mike's build of a version sets this (`mike deploy` runs `mkdocs build` with it); `pmo publish` sets `version`.
MIKE_VERSION = "MIKE_DOCS_VERSION"


class PortfolioPlugin(BasePlugin[PortfolioConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.preloaded: Portfolio | None = None  # set by `pmo build`, which has validated already
        self.timings = Timings()
        self.failure: Exception | None = None  # why the last build failed, for the CLI's exit code
        self.blocks: dict[str, list[str]] = {}  # page → its HTML blocks, set aside while MkDocs converts it
        self.search_index = True  # index the site for its search box (a preview may switch it off: no index then)
        self.indexer: SearchIndex | None = None  # this build's index, made while MkDocs renders (search.py)
        self.version: str | None = None  # set by `pmo publish`: the version being built
        self.baseline: Baseline | None = None  # set by `pmo publish`: the previous version, for "Changes since"
        self.feed_url: str | None = None  # set by `pmo publish`: the folder a calendar subscription follows
        self.publishing = False  # set by `pmo publish`: an unset `pack` then means the pack is printed
        self.change_summary: list[str] = []  # what changed since the previous version: its change feed entry
        self.organization = ""
        self.tooltips = Tooltips()
        self.html_pages: dict[str, str] = {}  # generated pages that are HTML only, until on_nav makes them pages
        self.naming: dict[str, str] | None = None  # site_name &c. as mkdocs.yml writes them: {organization}
        self.serve_state: ServeState | None = None  # set by `pmo serve`
        self.nav_pages: set[int] = set()  # the ids of the pages the navigation lists
        self.whole_render: tuple[SiteTree, dict[Path, tuple[int, int, int]]] | None = None  # kept once built

    def prints_pack(self) -> bool:
        """Whether this build adds the board pack: as `pack` says, else when it is a publish."""
        return self.publishing if self.config.pack is None else bool(self.config.pack)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path or ".").resolve().parent
        self.data_dir = (base / self.config.portfolio).resolve()
        self.handbook_dir = (base / self.config.handbook).resolve()
        self.user_nav = config.nav is not None
        if self.naming is None:  # on_config runs again for the build: keep the templates, not their filled-in text
            self.naming = {key: config[key] for key in NAMED if isinstance(config[key], str)}
        if not config.use_directory_urls:
            raise PluginError(
                "the pmo plugin needs use_directory_urls: true (the default): its tables link to directory URLs"
            )
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        if str(THEME_OVERRIDES) not in config.theme.dirs:  # a user's custom_dir still comes first
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_OVERRIDES))
        _without_theme_search(config)
        if (self.version or os.environ.get(MIKE_VERSION)) and not config.extra.get("version"):
            # Material's version selector reads ../versions.json, which only a versioned deployment has: an
            # ordinary build without it would request a missing file on every page.
            config.extra["version"] = {"provider": "mike", "alias": True}
        if self.serve_state is not None:
            keep_theme_files(self.serve_state, config.theme)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.failure = None
        self.on_build_error(error=None)  # a previous build's index, if it never finished
        if self.search_index and not (self.serve_state is not None and self.serve_state.incremental):
            # a preview's update keeps the index of its last whole build: the fast path does not wait for it
            self.indexer = SearchIndex(str(config.theme.get("language") or "en"))
        with self._failures():  # MkDocs follows links in the docs folder and would wait forever on a FIFO
            refuse_special_files(Path(config.docs_dir), "the docs folder")
        home = files.get_file_from_path(HOME)
        merge_home = home is not None and home.generated_by is None
        hand_written: dict[str, str | None] = {f.src_uri: None for f in files if f.generated_by is None}
        if home is not None and merge_home:
            hand_written[HOME] = home.content_string
        with self._failures():
            state = self.serve_state
            if state is not None:
                state.folders = (self.data_dir, self.handbook_dir)
                # the files as rendered, for the next edit (a whole render's only: a first pass that turns out whole
                # looks after the read, and a save in between only sends the next edit the slow way)
                versions = {} if state.first else state.snapshot()
                state.retitled = False
            portfolio = self.preloaded or (
                read_portfolio(self.data_dir, self.timings, state.read_cache, state.models)
                if state is not None
                else read_portfolio(self.data_dir, self.timings)
            )
            audience = cast("Audience", self.config.audience)
            history = (
                project_history(portfolio, self.data_dir, config.repo_url, config.edit_uri)
                if self.config.git_history
                else {}
            )
            site_url = self.feed_url or config.site_url
            paper = self.config.pack_paper if self.prints_pack() else None
            with self.timings.stage("history"):
                forecasts = reporting_history(config, self.config, self.data_dir, portfolio.settings.as_of)
            alone = None
            if state is not None and state.first and state.tree is not None:
                docs = sorted(hand_written)
                handbook = frozenset(state.tree.theme_search)  # no file came or went since (state.edited_pages)
                alone = some_pages(
                    portfolio, audience, self.handbook_dir, docs, state.first, history, forecasts, handbook
                )
            if state is not None and state.tree is not None and alone is not None:
                tree = replace(state.tree, pages={**state.tree.pages, **alone})
            else:
                tree = site_tree(
                    portfolio,
                    audience,
                    self.handbook_dir,
                    hand_written,
                    self.timings,
                    history,
                    self.baseline,
                    site_url,
                    pack_paper=paper,
                    forecasts=forecasts,
                )
            if state is not None:
                state.partial = alone is not None
                self.whole_render = None if state.partial else (tree, versions or state.snapshot())
        self.change_summary, self.organization = tree.change_summary, portfolio.settings.organization
        for key, value in named(self.naming or {}, portfolio.settings).items():
            config[key] = value
        if merge_home:
            files.remove(home)  # type: ignore[arg-type]  # its text opens the generated home page; edits still go to docs/index.md
        self.blocks = {}
        self.html_pages = {}
        shortcuts = self.config.shortcuts
        split = self.serve_state.split if self.serve_state is not None else {}
        for uri, text in tree.pages.items():
            if (kept := split.get(uri)) is None or kept[0] != text:  # under serve, a page is split once
                split[uri] = kept = (text, *set_aside(text))
            _, markdown, blocks = kept
            if blocks or uri not in tree.theme_search:  # a handbook page without markers is plain Markdown
                self.blocks[uri] = blocks
            if shortcuts.html_only_pages and (html := html_only(markdown, blocks)) is not None:
                self.html_pages[uri] = html
            files.append(Generated.generated(config, uri, content=markdown, inclusion=_inclusion(uri)))
        for uri, data in tree.assets.items():
            files.append(Generated.generated(config, uri, content=data))
        for uri, path in tree.copies.items():
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        for uri, source in tree.edit_sources.items():  # the edit button opens the data file behind a page
            files.get_file_from_path(uri).edit_uri = _edit_path(source, config.docs_dir)  # type: ignore[union-attr]
        site_urls = self._site_urls(files)
        for uri, blocks in self.blocks.items():
            for target in self._broken_links(uri, blocks, site_urls):
                log.warning(
                    "Generated page '%s' links to '%s', which is not a page or file of the site.%s",
                    uri,
                    target,
                    _written_from(tree.edit_sources.get(uri), target),
                )
        if merge_home:
            files.get_file_from_path(HOME).edit_uri = HOME  # type: ignore[union-attr]
        if not self.user_nav:
            config.nav = tree.nav
        if self.serve_state is not None:
            mark_changes(self.serve_state, tree, files, config)
            if self.serve_state.partial:
                leave_unchanged_pages_out(files, config)
        # as_of is the only clock: MkDocs dates pages and the sitemap from SOURCE_DATE_EPOCH when set
        as_of = portfolio.settings.as_of
        os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(as_of.timetuple()))
        return files

    def _site_urls(self, files: Files) -> set[str]:
        """The site's addresses; under serve, worked out (and every page's links checked) when a file came or went."""
        state = self.serve_state
        if state is None:
            return {f.url for f in files}
        uris = frozenset(f.src_uri for f in files)
        if uris != state.site_files:
            state.links, state.site_files, state.site_urls = {}, uris, {f.url for f in files}
        return state.site_urls

    def _broken_links(self, uri: str, blocks: list[str], site_urls: set[str]) -> list[str]:
        """The links of a generated page to nothing in the site; under serve, found again only when the page or
        the site's set of files changed (see _site_urls)."""
        state = self.serve_state
        if state is None:
            return broken_links(page_url(uri), blocks, site_urls)
        kept = state.links.get(uri)
        if kept is None or kept[0] is not blocks:
            state.links[uri] = kept = (blocks, broken_links(page_url(uri), blocks, site_urls))
        return kept[1]

    @contextlib.contextmanager
    def _failures(self) -> Iterator[None]:
        """The one place a PmoError becomes MkDocs' PluginError, which MkDocs reports before it aborts the build.
        The error is kept: `pmo build` exits with its code, `pmo serve` shows its problems in the browser."""
        try:
            yield
        except PmoError as exc:
            self.failure = exc
            reason = f"the portfolio data is invalid:\n{exc.report()}" if isinstance(exc, PortfolioError) else str(exc)
            raise PluginError(reason) from None

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Pages of HTML outside the navigation become HtmlPages. In it, a page keeps the title the nav gives
        it, which only the Page MkDocs made has."""
        in_nav = {id(page) for page in nav.pages}
        self.nav_pages = in_nav
        if self.serve_state is not None:  # a page MkDocs does not read again keeps the title read last time
            for page in nav.pages:
                if not page.file.is_modified() and page.file.src_uri in self.serve_state.titles:
                    page.title = self.serve_state.titles[page.file.src_uri]
        for uri, html in self.html_pages.items():
            file = files.get_file_from_path(uri)
            if file is not None and id(file.page) not in in_nav and not file.inclusion.is_excluded():
                HtmlPage(file, config, html)  # replaces file.page; MkDocs builds every page from there
                self.blocks[uri] = []  # its HTML travels in the HtmlPage: this copy is not needed any more
        self.html_pages = {}
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # a version `pmo publish` builds: every page's head links the branch's change feed, one folder up
        env.globals["pmo_change_feed"] = (
            {"href": FEED, "type": FEED_TYPE, "title": feed_title(self.organization)} if self.version else None
        )
        env.globals["pmo_search"] = True  # the header's search box (partials/header.html), over pmo's index
        if self.indexer is not None:  # every page's content is known now: index it while MkDocs renders them
            self.indexer.start(Path(config.site_dir))
        if self.config.shortcuts.shared_navigation:
            share_navigation(env)
        if self.serve_state is not None:
            env.bytecode_cache = self.serve_state.templates
        return env

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        blocks = self.blocks.get(uri)
        if blocks is not None and not isinstance(page, HtmlPage):
            html = put_back(html, blocks)
            page.toc = get_toc(toc_tokens(html))  # type: ignore[arg-type]  # the headings were set aside too
            if page.present_anchor_ids is not None and not uri.startswith(NOT_IN_NAV):
                page.present_anchor_ids |= anchor_ids(html)  # MkDocs checks links to them; it never saw the blocks
        search = page.meta.get("search")
        if self.indexer is not None and not (isinstance(search, dict) and search.get("exclude")):
            self.indexer.add(page.url, html)
        state = self.serve_state
        if state is not None:
            state.retitled |= uri in state.titles and state.titles[uri] != page.title and id(page) in self.nav_pages
            state.titles[uri] = page.title
        if self.config.tooltips:
            with self.timings.stage("tooltips"):
                html = self.tooltips.apply(html)
        return html

    @event_priority(-100)  # after every other plugin has written its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        state = self.serve_state
        if state is not None:
            if self.whole_render is not None:  # the site is built: the next edit is compared with this render
                state.tree, state.versions = self.whole_render
            site = Path(config.site_dir)
            for uri in state.removed:  # a page or file the data or the docs folder no longer makes
                remove(site, uri)
        if self.indexer is not None:
            indexer, self.indexer = self.indexer, None
            with self._failures(), self.timings.stage("search"):  # what the build waits for the index, if at all
                indexer.finish()

    def on_build_error(self, *, error: Exception | None) -> None:
        if self.indexer is not None:
            self.indexer.discard()
            self.indexer = None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for folder in (self.data_dir, self.handbook_dir):
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _without_theme_search(config: MkDocsConfig) -> None:
    """Material's search, still listed in an older mkdocs.yml, writes no index: it would send every reader the
    whole site's text (5.9 MB at 1,000 projects) on every page. Pagefind's index replaces it."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(plugin.config, "enabled"):
            plugin.config.enabled = False


@functools.lru_cache(maxsize=65536)  # the same thousands of files at each build of `pmo serve`
def _edit_path(source: Path, docs_dir: str) -> str:
    """Where the edit button of a page made from `source` points: the file, relative to the docs folder."""
    return Path(os.path.relpath(source, docs_dir)).as_posix()


def _written_from(source: Path | None, target: str) -> str:
    """Where to fix a broken link of a generated page: its data file, at the line that holds the link."""
    if source is None:
        return ""
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    relative = os.path.relpath(source)
    where = str(source) if relative.startswith("..") else relative
    line = next((n for n, text in enumerate(lines, 1) if target in text), None)
    return f" The link is written in {where}{f':{line}' if line else ''}."


def _inclusion(uri: str) -> InclusionLevel:
    index = uri.endswith("/index.md")
    return InclusionLevel.NOT_IN_NAV if uri.startswith(NOT_IN_NAV) and not index else InclusionLevel.UNDEFINED
