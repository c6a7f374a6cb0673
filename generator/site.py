"""Stage 4, render: the whole generated tree — every page, the handbook, the assets, and the navigation.

Both adapters use this: the MkDocs plugin adds the files in memory, `pmo generate` writes them to disk so
any Material-compatible builder (MkDocs, Zensical) can build the same site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analytics.milestone_trend import ForecastHistory
from .charts.specs import CHARTS_JS, TEMPLATES_JS, VEGA, templates_script, vega_bundle
from .errors import ConfigurationError
from .handbook.book import HANDBOOK, add_handbook
from .io import export
from .io.ical import calendar_files
from .io.templates import TEMPLATES, download_templates, known_from
from .pages import portfolio as pages
from .pages import urls
from .pages.benefits import benefits_page
from .pages.capacity import capacity_page, team_page
from .pages.changes import Changes, change_summary, changes_page
from .pages.governance import governance_page
from .pages.milestone_trend import milestone_trends
from .pages.performance import performance_page
from .pages.prioritization import prioritization_page
from .pages.project import project_page
from .pages.risks import risks_page
from .pages.roadmap import roadmap_page
from .pages.tree import SiteTree
from .widgets.md import objective_path, program_path, project_path, request_path, team_path

if TYPE_CHECKING:
    from .analytics.analyse import Analysis
    from .io.gitdata import DataChange
    from .pages.cockpit import Previous

ASSET_DIR = Path(__file__).parent / "assets"
ASSETS = "assets/pmo"
CSS = f"{ASSETS}/pmo.css"
# loaded on portfolio pages by the theme override main.html: every column of their tables visible
WIDE_CSS, LAYOUT_JS = f"{ASSETS}/wide.css", f"{ASSETS}/layout.js"
SEARCH_JS = f"{ASSETS}/search.js"  # the header's search box (theme/partials/pmo-search.html)
# Templates that replace the theme's own (after a custom_dir, before the theme): main.html, partials/source.html
THEME_OVERRIDES = ASSET_DIR / "theme"
# Folders whose pages are reached through tables rather than the navigation: listing them all in the
# nav would make every page carry every project (a site quadratic in the number of projects).
NOT_IN_NAV = ("projects/", "programs/", "objectives/", "requests/", "teams/")


@dataclass(frozen=True)
class SiteExtras:
    """What a site shows besides the data, gathered by the adapters so that rendering stays pure: each project's
    last data change (from git), and on a published version what changed since the previous one."""

    history: dict[str, DataChange] = field(default_factory=dict)  # project id → its data file's last change
    changes: Changes | None = None
    previous: Previous | None = None  # the previous version's figures, when its data is at hand
    # The site's address (mkdocs.yml's site_url; on a published version, the folder subscribers should follow):
    # the calendar feeds link to pages and the calendar page offers webcal:// links only when it is known.
    site_url: str | None = None
    board_pack: bytes | None = None  # the period's board pack (PDF), when the plugin's `pack` is on
    forecasts: ForecastHistory = field(default_factory=ForecastHistory)  # past periods' milestones


def build_tree(
    a: Analysis,
    handbook_dir: Path | None,
    home_intro: str | None,
    docs_pages: list[str],
    extras: SiteExtras | None = None,
) -> SiteTree:
    """Everything generated for one site. `docs_pages` are the hand-written pages, for the navigation."""
    extras = extras or SiteExtras()
    tree = SiteTree()
    changes = extras.changes
    for name, text in download_templates(known_from(a.portfolio)).items():
        tree.assets[f"{TEMPLATES}/{name}"] = text.encode("utf-8")
    # The handbook first: the pages that link to its sections (rules, on the Governance and project pages) link
    # only to the pages it has.
    handbook_nav: list[Any] = []
    if handbook_dir is not None and handbook_dir.is_dir():
        handbook_nav = add_handbook(tree, a, handbook_dir)
    known = frozenset(tree.pages) | frozenset(docs_pages)
    tree.pages[urls.HOME] = pages.home_page(
        a,
        home_intro,
        changes.title if changes else None,
        extras.previous,
        start_page(handbook_dir),
        urls.BOARD_PACK if extras.board_pack is not None else None,
    )
    tree.pages[urls.ATTENTION] = pages.attention_page(a)
    if extras.board_pack is not None:
        tree.assets[urls.BOARD_PACK] = extras.board_pack
    if changes is not None:
        tree.pages[urls.CHANGES] = changes_page(a, changes)
    tree.change_summary = change_summary(a, changes)
    register = export.register(a)
    tree.pages[urls.REGISTER] = pages.register_page(a)
    tree.assets.update(pages.register_files(register))
    tree.pages[urls.PROGRAMS] = pages.programs_page(a)
    tree.pages[urls.OBJECTIVES] = pages.objectives_page(a)
    tree.pages[urls.REQUESTS] = pages.requests_page(a)
    tree.pages[urls.CALENDAR] = pages.calendar_page(a, extras.site_url)
    tree.assets.update(calendar_files(a.portfolio, extras.site_url))
    tree.pages[urls.ROADMAP] = roadmap_page(a)
    trends = milestone_trends(a, extras.forecasts)
    tree.pages[urls.PERFORMANCE] = performance_page(a, trends, extras.forecasts)
    tree.pages[urls.PRIORITIZATION] = prioritization_page(a)
    tree.pages[urls.RISKS] = risks_page(a)
    tree.pages[urls.BENEFITS] = benefits_page(a)
    tree.pages[urls.CAPACITY] = capacity_page(a)
    tree.pages[urls.GOVERNANCE] = governance_page(a, known)
    for pid in a.projects.index:
        tree.pages[project_path(pid)] = project_page(a, pid, extras.history.get(pid), trends[pid], known)
        _edit(tree, a, project_path(pid), "projects", pid)
    for program_id in a.portfolio.programs:
        tree.pages[program_path(program_id)] = pages.program_page(a, program_id)
        _edit(tree, a, program_path(program_id), "programs", program_id)
    for objective in a.settings.objectives:
        tree.pages[objective_path(objective.id)] = pages.objective_page(a, objective.id)
    for request_id in a.portfolio.requests:
        tree.pages[request_path(request_id)] = pages.request_page(a, request_id)
        _edit(tree, a, request_path(request_id), "requests", request_id)
    for team_id in a.capacity.teams:
        tree.pages[team_path(team_id)] = team_page(a, team_id)
        _edit(tree, a, team_path(team_id), "people.yaml", "")
    source = a.portfolio.source("calendar.yaml")
    if source:
        tree.edit_sources[urls.CALENDAR] = source.path
    tree.assets[CSS] = (ASSET_DIR / "pmo.css").read_bytes()
    tree.assets[WIDE_CSS] = (ASSET_DIR / "wide.css").read_bytes()
    tree.assets[LAYOUT_JS] = (ASSET_DIR / "layout.js").read_bytes()
    tree.assets[SEARCH_JS] = (ASSET_DIR / "search.js").read_bytes()
    tree.assets[CHARTS_JS] = (ASSET_DIR / "charts.js").read_bytes()
    tree.assets[TEMPLATES_JS] = templates_script()
    tree.assets[urls.TABLES_JS] = (ASSET_DIR / "tables.js").read_bytes()
    tree.assets[VEGA] = vega_bundle()
    tree.nav = _nav(handbook_nav, docs_pages)
    if changes is not None:
        tree.nav.insert(1, {changes.title: urls.CHANGES})
    return tree


def pages_alone(
    a: Analysis,
    handbook_dir: Path | None,
    docs_pages: list[str],
    wanted: set[str],
    extras: SiteExtras,
    handbook_pages: frozenset[str] | None = None,
) -> dict[str, str] | None:
    """The `wanted` pages as build_tree renders them, without the rest of the site, when each is a handbook page
    or a project's, program's or request's page (None when one is not): what `pmo serve` shows first after an
    edit, before the whole site is rendered again. `handbook_pages`, the handbook's pages when known (its files
    are the same as at the last whole render): then only its wanted pages are rendered, if any.
    """
    handbook = SiteTree()
    if handbook_dir is not None and handbook_dir.is_dir() and (handbook_pages is None or wanted & handbook_pages):
        if handbook_pages is None:
            add_handbook(handbook, a, handbook_dir)
            handbook_pages = frozenset(handbook.pages)
        else:  # only the wanted pages: the others' names are known
            add_handbook(handbook, a, handbook_dir, wanted)
    known = (handbook_pages or frozenset()) | frozenset(docs_pages)
    projects = {project_path(pid): pid for pid in a.projects.index}
    programs = {program_path(program_id): program_id for program_id in a.portfolio.programs}
    requests = {request_path(request_id): request_id for request_id in a.portfolio.requests}
    trends = milestone_trends(a, extras.forecasts, [projects[uri] for uri in wanted if uri in projects])
    alone: dict[str, str] = {}
    for uri in wanted:
        if uri in handbook.pages:
            alone[uri] = handbook.pages[uri]
        elif (pid := projects.get(uri)) is not None:
            alone[uri] = project_page(a, pid, extras.history.get(pid), trends[pid], known)
        elif uri in programs:
            alone[uri] = pages.program_page(a, programs[uri])
        elif uri in requests:
            alone[uri] = pages.request_page(a, requests[uri])
        else:
            return None
    return alone


def start_page(handbook_dir: Path | None) -> str | None:
    """The handbook's page for new readers: its start-here page, else its front page; None without a handbook."""
    for name in ("start-here.md", "index.md"):
        if handbook_dir is not None and (handbook_dir / name).is_file():
            return f"{HANDBOOK}/{name}"
    return None


def _edit(tree: SiteTree, a: Analysis, page: str, folder: str, entity_id: str) -> None:
    source = a.portfolio.source(folder, entity_id)
    if source is not None:
        tree.edit_sources[page] = source.path


def _nav(handbook: list[Any], docs_pages: list[str]) -> list[Any]:
    nav: list[Any] = [
        {"Home": urls.HOME},
        {
            "Portfolio": [
                {"Project register": urls.REGISTER},
                {"Needs attention": urls.ATTENTION},
                {"Roadmap": urls.ROADMAP},
                {"Performance": urls.PERFORMANCE},
                {"Prioritization": urls.PRIORITIZATION},
                {"Risks": urls.RISKS},
                {"Capacity": urls.CAPACITY},
                {"Benefits": urls.BENEFITS},
                {"Governance": urls.GOVERNANCE},
                {"Programs": urls.PROGRAMS},
                {"Objectives": urls.OBJECTIVES},
                {"Demand": urls.REQUESTS},
                {"IT calendar": urls.CALENDAR},
            ]
        },
    ]
    if handbook:
        nav.append({"Handbook": handbook})
    extra = [page for page in sorted(docs_pages) if page.endswith(".md") and page != urls.HOME]
    if extra:
        nav.append({"Contribute": extra})
    return nav


def check_clashes(tree: SiteTree, hand_written: set[str]) -> None:
    """A generated file must never silently replace a hand-written one (only docs/index.md is merged)."""
    clashes = sorted((set(tree.paths()) & hand_written) - {urls.HOME})
    if clashes:
        raise ConfigurationError(
            "these hand-written files in the docs folder clash with generated pages; rename or move them: "
            + ", ".join(clashes)
        )
