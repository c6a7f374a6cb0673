"""The handbook: methodology/ mounted at handbook/, with the portfolio's data written into its pages.

A handbook page says where data belongs with a marker on a line of its own, for example
`<!-- pmo:scoring-criteria -->` or `<!-- pmo:role-holders role="Project manager" -->`. Each marker is
replaced by generated HTML blocks (tables made by md.table from the analysis, text made inert), so the
handbook shows the weights, thresholds, KPI definitions and people of the portfolio it is published with
and cannot drift from them. Replacing happens here, in the render stage: the MkDocs plugin and `pmo generate`
get the same pages. An unknown or malformed marker is a configuration error naming the file and line.
Markers inside fenced code blocks or `code` spans are left alone, so a page can show one.

Other files are published as they are, except a folder named `_files`: its files are downloads, published
as `files/` beside the pages of the folder that holds it, Markdown renamed to `.md.txt` (a `.md` file would
become a page). Names starting with "." or "_" are otherwise not published.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..data.regular import refuse_special_files
from ..errors import ConfigurationError
from . import blocks, governance
from .context import HANDBOOK, Context, MarkerError, download_name
from .lessons import lessons_library
from .registers import register_files
from .roles import role_holders
from .templates import template, templates_table

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from pathlib import Path

    from ..analytics.analyse import Analysis
    from ..pages.tree import SiteTree

DOWNLOADS = "_files"
_UNORDERED = 10_000
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_MARKER = re.compile(r'<!--\s*pmo:([a-z][a-z0-9-]*)((?:\s+[a-z][a-z0-9_-]*="[^"<>]*")*)\s*-->[ \t]*\n?')
_ARGUMENT = re.compile(r'([a-z][a-z0-9_-]*)="([^"<>]*)"')
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"`[^`]*`")


def _markers() -> dict[str, Callable[[Context, dict[str, str]], str]]:
    return {
        "abbreviations": blocks.abbreviations,
        "decision-rights": governance.decision_rights,
        "gates": governance.gates,
        "governance-rules": governance.governance_rules,
        "key-tasks": blocks.key_tasks,
        "kpi-definitions": blocks.kpi_definitions,
        "lessons": lessons_library,
        "raci": blocks.raci,
        "ranked-list": blocks.ranked_list,
        "regulation-checklist": governance.regulation_checklist,
        "rag-thresholds": blocks.rag_thresholds,
        "role-holders": role_holders,
        "scoring-criteria": blocks.scoring_criteria,
        "template": template,
        "templates": templates_table,
    }


def expand(text: str, context: Context, source: Path) -> str:
    """The page's Markdown with every marker outside a fenced code block replaced by its rendering."""
    renderers = _markers()
    out: list[str] = []
    fence = ""
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        if "pmo:" not in line or "<!--" not in _CODE_SPAN.sub("", line):  # a marker in `code` is only shown
            out.append(line)
            continue
        out.append(_replace(line, number, renderers, context, source))
    return "".join(out)


def _replace(
    line: str,
    number: int,
    renderers: dict[str, Callable[[Context, dict[str, str]], str]],
    context: Context,
    source: Path,
) -> str:
    where = f"{source}:{number}"
    match = _MARKER.fullmatch(line)
    if match is None:
        raise ConfigurationError(
            f'{where}: a pmo marker must stand alone on its line, like <!-- pmo:name key="value" -->: {line.strip()}'
        )
    name = match.group(1)
    renderer = renderers.get(name)
    if renderer is None:
        raise ConfigurationError(
            f"{where}: unknown handbook marker <!-- pmo:{name} -->; known markers: {', '.join(sorted(renderers))}"
        )
    try:
        return "\n" + renderer(context, dict(_ARGUMENT.findall(match.group(2)))) + "\n"
    except MarkerError as exc:
        raise ConfigurationError(f"{where}: <!-- pmo:{name} -->: {exc}") from None


def add_handbook(tree: SiteTree, analysis: Analysis, root: Path, only: Collection[str] | None = None) -> list[Any]:
    """Mount `root` at handbook/: pages with their markers replaced, downloads, other files as they are.
    Returns the navigation: folders become sections, index.md first, then by `nav_order`. With `only`, just
    those pages are rendered (what `pmo serve` shows first of an edit); each links to the others as always."""
    pages: dict[str, Path] = {}
    refuse_special_files(root, "the handbook")
    nav = _walk(tree, root, root, pages)
    tree.assets.update(register_files(analysis))
    known = frozenset(pages)
    cache: dict[str, Any] = {}
    for rel, path in pages.items():
        if only is not None and rel not in only:
            continue
        context = Context(analysis, tree, rel, known, cache)
        tree.pages[rel] = expand(path.read_text(encoding="utf-8"), context, path)
        tree.theme_search.add(rel)
        tree.edit_sources[rel] = path
    return nav


def _walk(tree: SiteTree, root: Path, folder: Path, pages: dict[str, Path]) -> list[Any]:
    entries: list[tuple[tuple[int, int, str], Any]] = []
    for path in sorted(folder.iterdir()):
        if path.name == DOWNLOADS and path.is_dir():
            _add_downloads(tree, root, path)
            continue
        if path.name.startswith((".", "_")):
            continue
        rel = f"{HANDBOOK}/{path.relative_to(root).as_posix()}"
        if path.is_dir():
            children = _walk(tree, root, path, pages)
            if children:  # a section sorts by its index page's nav_order, else after the pages
                index = path / "index.md"
                order = _nav_order(index) if index.is_file() else _UNORDERED
                entries.append(((1, order + 1, path.name), {path.name.replace("-", " ").capitalize(): children}))
            continue
        if path.suffix == ".md":
            pages[rel] = path
            order = _nav_order(path)
            entries.append(((0 if path.name == "index.md" else 1, order, path.name), rel))
        else:
            tree.copies[rel] = path
            tree.edit_sources[rel] = path
    return [entry for _, entry in sorted(entries, key=lambda e: e[0])]


def _add_downloads(tree: SiteTree, root: Path, folder: Path) -> None:
    target = f"{HANDBOOK}/{folder.parent.relative_to(root).as_posix()}/files".replace("/./", "/")
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            tree.copies[f"{target}/{download_name(path.name)}"] = path


def _nav_order(path: Path) -> int:
    """A page's place in its section: `nav_order:` in its front matter, else after the ordered pages."""
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match:
        found = re.search(r"^nav_order:\s*(\d+)\s*$", match.group(1), re.M)
        if found:
            return int(found.group(1))
    return _UNORDERED
