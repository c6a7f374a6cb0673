"""`pmo generate`: the complete Markdown source tree and its mkdocs.yml, with no pmo plugin needed.

MkDocs 2.0 drops plugins and Material for MkDocs reaches end of life in May 2027; its successor Zensical
reads the same mkdocs.yml and Markdown. Writing the tree keeps the site buildable by either.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from ..errors import ConfigurationError
from ..handbook.glossary import Tooltips
from ..io.gitdata import project_history
from ..io.outputs import write_marker
from ..io.yaml_write import nested_document
from ..pages.urls import HOME
from ..pipeline import docs_files, read_portfolio, site_tree
from ..site import CSS, NOT_IN_NAV, THEME_OVERRIDES
from ..widgets.blocks import is_heading, map_blocks, unmark
from .build import check_output_dir, pmo_plugin, staging_dir
from .html_page import without_front_matter
from .plugin import reporting_history
from .site_name import named

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from ..data.audience import Audience

OVERRIDES = "overrides"  # the tree's theme.custom_dir


def write_source_tree(config: MkDocsConfig, out_dir: Path, force: bool = False) -> int:
    """Write docs/ and mkdocs.yml into out_dir (replaced whole, only on success); return the file count. A
    non-empty out_dir that pmo did not write is replaced only with `force`."""
    plugin = pmo_plugin(config)
    out_dir = check_output_dir(config, out_dir, force)
    portfolio = read_portfolio(plugin.data_dir)
    docs_dir = Path(config.docs_dir)
    hand_written: dict[str, str | None] = dict.fromkeys(docs_files(docs_dir))
    if HOME in hand_written:
        hand_written[HOME] = (docs_dir / HOME).read_text(encoding="utf-8")
    history = (
        project_history(portfolio, plugin.data_dir, config.repo_url, config.edit_uri)
        if plugin.config.git_history
        else {}
    )
    audience = cast("Audience", plugin.config.audience)
    forecasts = reporting_history(config, plugin.config, plugin.data_dir, portfolio.settings.as_of)
    tree = site_tree(
        portfolio,
        audience,
        plugin.handbook_dir,
        hand_written,
        history=history,
        site_url=config.site_url,
        forecasts=forecasts,
    )
    tips = Tooltips() if plugin.config.tooltips else None
    naming = named(plugin.naming or {}, portfolio.settings)  # the site's name, written in for builders without pmo
    with staging_dir(out_dir, "generating") as staging:
        docs = staging / "docs"
        for uri in hand_written:
            if uri.endswith(".md") and uri != HOME and tips is not None:
                _write(docs / uri, _page_source((docs_dir / uri).read_text(encoding="utf-8"), tips).encode("utf-8"))
            elif uri != HOME:
                _copy(docs_dir / uri, docs / uri)
        pages = ((uri, _page_source(text, tips).encode("utf-8")) for uri, text in tree.pages.items())
        for uri, data in [*pages, *tree.assets.items()]:
            _write(docs / uri, data)
        for uri, path in tree.copies.items():
            _copy(path, docs / uri)
        _write_overrides(config, staging / OVERRIDES)
        (staging / "mkdocs.yml").write_text(
            _config_text(config, tree.nav, plugin.user_nav, abbreviations=tips is not None, naming=naming),
            encoding="utf-8",
        )
        count = sum(1 for p in docs.rglob("*") if p.is_file())
        write_marker(staging, "generate")
    return count


def _write_overrides(config: MkDocsConfig, target: Path) -> None:
    """The tree's theme overrides: the user's custom_dir, if any, and the templates the plugin puts before the
    theme's own where the user has none of that name."""
    if config.theme.custom_dir:
        shutil.copytree(config.theme.custom_dir, target)
    for path in sorted(THEME_OVERRIDES.rglob("*")):
        copy = target / path.relative_to(THEME_OVERRIDES)
        if path.is_file() and not copy.exists():
            _copy(path, copy)


def _page_source(text: str, tips: Tooltips | None) -> str:
    """A page for the tree, with the tooltips the plugin adds to the built page: in its HTML blocks the same
    <abbr> elements, and for its Markdown the abbreviations' definitions, which Python-Markdown's `abbr`
    extension (enabled in mkdocs.yml; Zensical has it too) applies at every use."""
    if tips is None:
        return unmark(text)
    source = unmark(map_blocks(text, lambda html: html if is_heading(html) else tips.apply(html)))
    prose = map_blocks(text, lambda html: html if is_heading(html) else "")  # what becomes Markdown again
    definitions = tips.definitions(without_front_matter(prose))
    return source.rstrip("\n") + "\n\n" + definitions if definitions else source


def _with_abbr(extensions: list[Any] | dict[str, Any]) -> list[Any] | dict[str, Any]:
    """mkdocs.yml's markdown_extensions (a list of names and one-key mappings, or one mapping) with `abbr`."""
    names = {"abbr", "markdown.extensions.abbr"}
    if isinstance(extensions, dict):
        return extensions if names & set(extensions) else {**extensions, "abbr": None}
    given = {next(iter(e)) if isinstance(e, dict) else e for e in extensions}
    return extensions if names & given else [*extensions, "abbr"]


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _config_text(
    config: MkDocsConfig, nav: list[Any], user_nav: bool, abbreviations: bool, naming: dict[str, str]
) -> str:
    """The user's mkdocs.yml as written, with the pmo plugin's work folded in: the site's name from the data, its
    nav, its stylesheet and, for the tooltips, the `abbr` extension that reads the pages' abbreviation
    definitions."""
    path = Path(config.config_file_path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigurationError(
            f"{path}: pmo generate can only carry over a plain-YAML mkdocs.yml (no !!python or !ENV tags): {exc}"
        ) from None
    raw.update(naming)
    raw["docs_dir"] = "docs"
    raw["site_dir"] = "site"
    theme = raw.get("theme") or {}
    raw["theme"] = {**({"name": theme} if isinstance(theme, str) else theme), "custom_dir": OVERRIDES}
    plugins = [p for p in raw.get("plugins", []) if p != "pmo" and not (isinstance(p, dict) and "pmo" in p)]
    if not any(p == "search" or (isinstance(p, dict) and "search" in p) for p in plugins):
        plugins.insert(0, "search")  # no pmo plugin there to write Pagefind's index: the theme's own search
    raw["plugins"] = plugins
    if not user_nav:
        raw["nav"] = nav
    # pages reached through tables, not the nav (the plugin marks them in memory; here, by pattern)
    raw["not_in_nav"] = "\n".join(f"/{folder}*.md" for folder in NOT_IN_NAV)
    extra_css = list(raw.get("extra_css", []))
    if CSS not in extra_css:
        extra_css.append(CSS)
    raw["extra_css"] = extra_css
    if abbreviations:
        raw["markdown_extensions"] = _with_abbr(raw.get("markdown_extensions") or [])
    header = "Generated by `pmo generate`: edit the portfolio and mkdocs.yml of the source repository instead."
    return nested_document(raw, header)
