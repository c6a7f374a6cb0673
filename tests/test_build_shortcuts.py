"""The build's shortcuts for large portfolios change no byte of the site.

Project pages skip Python-Markdown (generator.mkdocs_adapter.html_page) and share their navigation partials
(generator.mkdocs_adapter.shared_nav); each can be switched off on its own under the pmo plugin's `shortcuts:`,
and a build of the sample portfolio is identical with both, either or neither."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from generator.mkdocs_adapter import plugin
from generator.mkdocs_adapter.html_page import HtmlPage
from generator.mkdocs_adapter.shared_nav import share_navigation
from generator.site import NOT_IN_NAV

from .conftest import MINI, ROOT, SAMPLE, site_config
from .test_build import pmo, tree_digest

if TYPE_CHECKING:
    from pathlib import Path

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File


# The four ways to set the shortcuts: both on (the default), each off alone, both off.
VARIANTS = {
    "both on": "",
    "shared navigation off": "{shared_navigation: false}",
    "html-only pages off": "{html_only_pages: false}",
    "both off": "{shared_navigation: false, html_only_pages: false}",
}
BOTH_OFF = VARIANTS["both off"]


def _config(folder: Path, shortcuts: str, portfolio: Path = SAMPLE, *replacements: tuple[str, str]) -> Path:
    """The repository's mkdocs.yml with `shortcuts:` under the pmo plugin (none: the defaults)."""
    folder.mkdir(exist_ok=True)
    option = f"      shortcuts: {shortcuts}\n" if shortcuts else ""
    audience = "      audience: org\n"
    return site_config(folder, *replacements, (audience, audience + option), portfolio=portfolio)


def _build(out: Path, *options: str) -> dict[str, str]:
    code, output = pmo("build", *options, "--out", str(out))
    assert code == 0, output
    return tree_digest(out)


class _Spy:
    """Records what the shortcuts did in a build: the HtmlPages made, the navigation partials shared."""

    def __init__(self, patch: pytest.MonkeyPatch) -> None:
        self.pages: list[str] = []
        self.cache: dict[tuple[str, str], Any] = {}
        spy = self

        class Counted(HtmlPage):
            def __init__(self, file: File, config: MkDocsConfig, html: str) -> None:
                super().__init__(file, config, html)
                spy.pages.append(file.src_uri)

        def sharing(env: Environment) -> None:
            share_navigation(env)
            spy.cache = env.globals["pmo_nav_cache"]

        patch.setattr(plugin, "HtmlPage", Counted)
        patch.setattr(plugin, "share_navigation", sharing)


@pytest.fixture(scope="module")
def sample_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, str], _Spy]]:
    """The sample portfolio built once per setting of the shortcuts, with --strict: its files' digests and
    what the shortcuts did."""
    builds = {}
    for name, shortcuts in VARIANTS.items():
        folder = tmp_path_factory.mktemp("shortcuts")
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(ROOT)
            spy = _Spy(patch)
            builds[name] = (_build(folder / "site", "--config", str(_config(folder, shortcuts)), "--strict"), spy)
    return builds


@pytest.mark.parametrize("variant", [name for name in VARIANTS if name != "both on"])
def test_shortcuts_change_no_byte_of_the_site(
    variant: str, sample_builds: dict[str, tuple[dict[str, str], _Spy]]
) -> None:
    """Each shortcut off alone, and both off: the same site, byte for byte, as with both on."""
    fast, _ = sample_builds["both on"]
    slow, _ = sample_builds[variant]
    assert len(fast) > 100
    assert slow == fast


def test_each_switch_turns_its_shortcut_off(sample_builds: dict[str, tuple[dict[str, str], _Spy]]) -> None:
    fast, spy = sample_builds["both on"]
    outside_nav = [uri for uri in fast if uri.startswith(NOT_IN_NAV) and uri.endswith("/index.html")]
    outside_nav = [uri for uri in outside_nav if uri.count("/") == 2]  # not the folders' own index pages
    assert len(spy.pages) == len(outside_nav) > 60  # every project, program, objective, team, request page
    assert {("partials/nav.html", "projects"), ("partials/tabs.html", "projects")} <= set(spy.cache)
    assert not any(folder == "" for _, folder in spy.cache)  # pages in the navigation are rendered as usual

    taken = {name: (bool(spy.pages), bool(spy.cache)) for name, (_, spy) in sample_builds.items()}
    assert taken == {
        "both on": (True, True),
        "shared navigation off": (True, False),
        "html-only pages off": (False, True),
        "both off": (False, False),
    }


def test_a_wrong_switch_is_a_configuration_error(tmp_path: Path) -> None:
    config = _config(tmp_path, "{shared_navigation: maybe}", MINI)
    code, output = pmo("build", "--config", str(config), "--out", str(tmp_path / "site"))
    assert code == 2 and "shared_navigation" in output, output
    assert "Traceback" not in output


HOOK = """\
def on_page_markdown(markdown, page, config, files):
    return markdown + "\\n\\nAdded by a hook to every page.\\n"
"""


@pytest.mark.parametrize(
    "setting",
    [
        # the user's own nav: the home page outside it, a project page in it under a title of its own
        "nav:\n  - Flagship: projects/crm.md\n  - Handbook: handbook/index.md\n  - roadmap.md\n",
        # a hook that adds Markdown to every page, an HtmlPage's too
        "hooks:\n  - HOOK\n",
    ],
    ids=["user-nav", "hook"],
)
def test_shortcuts_change_nothing_whatever_the_configuration(
    setting: str, tmp_path: Path, in_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hook.py").write_text(HOOK)
    setting = setting.replace("HOOK", str(tmp_path / "hook.py"))
    fast_config = _config(tmp_path / "fast", "", MINI, ("plugins:", f"{setting}plugins:"))
    slow_config = _config(tmp_path / "slow", BOTH_OFF, MINI, ("plugins:", f"{setting}plugins:"))
    with monkeypatch.context() as patch:
        spy = _Spy(patch)
        fast = _build(tmp_path / "fast/site", "--config", str(fast_config))
    with monkeypatch.context() as patch:
        off = _Spy(patch)
        slow = _build(tmp_path / "slow/site", "--config", str(slow_config))
    assert fast == slow
    assert spy.pages and spy.cache  # the shortcuts were taken
    assert not off.pages and not off.cache  # and switched off, not
    crm = (tmp_path / "fast/site/projects/crm/index.html").read_text()
    if "Flagship" in setting:
        assert "projects/crm.md" not in spy.pages  # in the nav: MkDocs' own page, with the nav's title
        assert ">Flagship<" in (tmp_path / "fast/site/index.html").read_text().replace("\n", "").replace(" ", "")
    else:
        assert "projects/crm.md" in spy.pages and "Added by a hook to every page." in crm


def test_html_only_needs_a_page_of_blocks_alone() -> None:
    blocks = ["<p>a</p>\n", "<p>b</p>\n"]
    front = '---\ntitle: "T"\n---\n'
    assert plugin.html_only(f"{front}\n\nPMOBLOCK0\n\n", blocks[:1]) == "<p>a</p>\n"
    assert plugin.html_only(f"{front}\nSome *Markdown*.\n\nPMOBLOCK0\n\n", blocks[:1]) is None
    assert plugin.html_only(f"{front}\n", []) is None
    assert plugin.html_only("---\n\nPMOBLOCK0\n", blocks[:1]) is None  # a rule, not front matter


def test_links_to_sections_of_html_pages_are_checked(tmp_path: Path) -> None:
    """MkDocs checks a link's anchor against the page it names; an HtmlPage finds its ids on demand."""
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "links.md"
    config = site_config(tmp_path, docs=docs)
    build = ("build", "--config", str(config), "--data", str(MINI), "--out", str(tmp_path / "site"), "--strict")
    page.write_text("# Links\n\n[Milestones of the CRM](projects/crm.md#milestones)\n")
    code, output = pmo(*build)
    assert code == 0, output
    page.write_text("# Links\n\n[Nowhere in the CRM](projects/crm.md#nowhere)\n")
    code, output = pmo(*build)
    assert code == 1
    assert "does not contain an anchor '#nowhere'" in output
