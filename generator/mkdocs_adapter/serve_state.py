"""What `pmo serve` keeps from one build to the next (the pmo plugin reads and fills it under serve)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.structure.files import File, InclusionLevel

from ..pages.urls import HOME
from .site_name import NAMED

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.theme import Theme

    from ..data.load import ReadCache
    from ..data.validate import ModelCache
    from ..pages.tree import SiteTree


@dataclass
class ServeState:
    """What `pmo serve` keeps from one good build to the next, so that a rebuild parses only the data files that
    changed and MkDocs writes only the pages whose generated source changed (its dirty build, into the last good
    site). Which pages changed is found by comparing sources, never from a list of what depends on what."""

    read_cache: ReadCache = field(default_factory=dict)
    models: ModelCache = field(default_factory=dict)  # each data file's model while the file is unchanged
    sources: dict[str, str | bytes] = field(default_factory=dict)  # generated path → the last good build's source
    shape: str = ""  # what every page shows besides its own source: navigation, site name, the set of files
    outputs: dict[str, str] = field(default_factory=dict)  # every file of the site → where MkDocs writes it
    titles: dict[str, str | None] = field(default_factory=dict)  # page → its title, for pages MkDocs skips
    incremental: bool = False  # set by serve: this build updates the last good site in place
    settings: int | None = None  # set by serve: when mkdocs.yml was last changed
    written: list[str] = field(default_factory=list)  # the generated pages the last build wrote
    removed: list[str] = field(default_factory=list)  # what the site held at the build before and holds no more
    retitled: bool = False  # a page the navigation lists got another title: every page shows it
    # The first of two passes: render only these pages (the edited files' own), keep the rest of the last tree
    first: set[str] = field(default_factory=set)
    partial: bool = False  # the last build rendered only the pages of `first`: the rest of the site is to follow
    tree: SiteTree | None = None  # the last whole render
    folders: tuple[Path, ...] = ()  # the data and handbook folders
    versions: dict[Path, tuple[int, int, int]] = field(default_factory=dict)  # their files at the last whole render
    templates: TemplateCache = field(default_factory=lambda: TemplateCache())
    split: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)  # page → source, Markdown, blocks
    links: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # page → its blocks, broken links
    site_files: frozenset[str] = frozenset()  # the site's files when `links` were found
    site_urls: set[str] = field(default_factory=set)  # and their addresses
    theme_files: dict[tuple[object, ...], list[str]] = field(default_factory=dict)  # see keep_theme_files

    def snapshot(self) -> dict[Path, tuple[int, int, int]]:
        return {
            path: (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            for folder in self.folders
            for path in sorted(folder.rglob("*"))
            if S_ISREG((stat := path.lstat()).st_mode)
        }

    def edited_pages(self) -> set[str]:
        """The pages made from the files changed since the last whole render; none when a file came or went, or
        one changed that no page is made from (only a whole render can tell what it changes)."""
        now = self.snapshot()
        if self.tree is None or now.keys() != self.versions.keys():
            return set()
        changed = {path for path, version in now.items() if self.versions[path] != version}
        pages = {page for page, source in self.tree.edit_sources.items() if source in changed}
        made_from = set(self.tree.edit_sources.values())
        return pages if all(path in made_from for path in changed) else set()


class TemplateCache(BytecodeCache):
    """The theme's templates compiled once for all the builds of `pmo serve` (MkDocs makes a new Jinja environment
    for each build, which compiles them again); a template whose source changed is compiled again (its checksum)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def keep_theme_files(state: ServeState, theme: Theme) -> None:
    """The theme's static files listed once for all the builds of `pmo serve`: MkDocs walks the theme's folders,
    thousands of templates and icons, at each build to find its few dozen files. Only without a custom_dir: the
    installed themes do not change while serving, a project's own overrides may."""
    if theme.custom_dir is not None:
        return
    make_env = theme.get_env

    def get_env() -> Environment:
        env = make_env()
        list_templates = env.list_templates

        def listed(extensions: Any = None, filter_func: Callable[[str], bool] | None = None) -> list[str]:
            if extensions is not None or filter_func is None:
                return list_templates(extensions, filter_func)
            key = (*theme.dirs, *theme.static_templates, filter_func.__module__, filter_func.__qualname__)
            if key not in state.theme_files:
                state.theme_files[key] = list_templates(filter_func=filter_func)
            return state.theme_files[key]

        env.list_templates = listed  # type: ignore[method-assign]
        return env

    theme.get_env = get_env  # type: ignore[method-assign]


class Generated(File):
    """A generated file that tells MkDocs' dirty build whether its source changed since the last good build."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


def mark_changes(state: ServeState, tree: SiteTree, files: Files, config: MkDocsConfig) -> None:
    """Under `pmo serve`, after a good build: only what changed is written. When what every page shows
    changed (the navigation, the site's name, the set of files), every page is."""
    sources: dict[str, str | bytes] = {**tree.pages, **tree.assets}
    shape = repr((config.nav, [config[key] for key in NAMED], sorted(f.src_uri for f in files)))
    whole = not state.incremental or shape != state.shape
    state.written = []
    for file in files:
        if isinstance(file, Generated):
            file.changed = whole or state.sources.get(file.src_uri) != sources[file.src_uri]
            if file.changed and file.src_uri in tree.pages:
                state.written.append(file.src_uri)
        elif whole and file.is_documentation_page():
            file.is_modified = lambda: True  # type: ignore[method-assign]  # a hand-written page shows the nav
    outputs = {file.src_uri: file.dest_uri for file in files}
    state.removed = sorted(set(state.outputs.values()) - set(outputs.values())) if state.incremental else []
    state.sources, state.shape, state.outputs = sources, shape, outputs


def leave_unchanged_pages_out(files: Files, config: MkDocsConfig) -> None:
    """The first of two passes writes only the edited pages: MkDocs is told that the other generated pages, but
    those the navigation lists, are excluded, so it makes no page object for them (2,600 at 1,000 projects).
    They stay in `files`: a link to one resolves as ever (MkDocs notes that it is excluded; preview.py hides the
    note), and the second pass writes the whole site as usual. The sitemap, which would list only the pages
    left in, is left to the second pass too."""
    config.theme.static_templates.discard("sitemap.xml")
    listed = {HOME, *_nav_pages(config.nav)}
    for file in files:
        unchanged = isinstance(file, Generated) and not file.changed
        if unchanged and file.is_documentation_page() and file.src_uri not in listed:
            file.inclusion = InclusionLevel.EXCLUDED


def _nav_pages(nav: Any) -> list[str]:
    """The pages a `nav` setting (mkdocs.yml's form: lists of titles to pages or to sections) lists."""
    if isinstance(nav, str):
        return [posixpath.normpath(nav.lstrip("/"))]  # "./a.md" and "/a.md" name a.md, as MkDocs reads them
    items = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else []
    return [page for item in items for page in _nav_pages(item)]


def remove(site: Path, uri: str) -> None:
    """A file of the site, and the folders it leaves empty."""
    (site / uri).unlink(missing_ok=True)
    for folder in (site / uri).parents:
        if folder == site or not folder.is_dir() or any(folder.iterdir()):
            break
        folder.rmdir()
