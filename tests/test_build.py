"""Building sites: the CLI's exit codes, the plugin path, the source tree, and that failures keep the old site."""

from __future__ import annotations

import copy
import datetime
import gzip
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.mkdocs_adapter.source_tree import _with_abbr

from .conftest import MINI, ROOT, Edit, site_config

if TYPE_CHECKING:
    from pathlib import Path


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def mkdocs_build(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Plain `mkdocs build`, in a process of its own as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )


@pytest.fixture
def mini_site(tmp_path: Path, in_root: Path) -> Path:
    out = tmp_path / "site"
    code, output = pmo("build", "--data", str(MINI), "--out", str(out), "--strict")
    assert code == 0, output
    return out


def test_build_writes_every_page(mini_site: Path) -> None:
    pages = {p.relative_to(mini_site).as_posix() for p in mini_site.rglob("index.html")}
    assert {
        "index.html",
        "projects/index.html",
        "projects/crm/index.html",
        "projects/identity/index.html",
        "programs/index.html",
        "programs/front-door/index.html",
        "objectives/index.html",
        "objectives/digital-care/index.html",
        "requests/index.html",
        "requests/chatbot/index.html",
        "calendar/index.html",
        "handbook/index.html",
        "handbook/lifecycle/index.html",
        "contributing/index.html",
    } <= pages
    assert (mini_site / "assets/pmo/pmo.css").is_file()
    assert (mini_site / "pagefind/pagefind.js").is_file()  # the search index, read by assets/pmo/search.js
    assert (mini_site / "assets/pmo/search.js").is_file()
    assert not (mini_site / "search/search_index.json").exists()  # Material's whole-site index is not written


def test_project_page_content(mini_site: Path) -> None:
    # what the page says is the golden file tests/golden/mini/projects/crm.md (tests/test_golden.py); here, that
    # it reaches the built page
    html = (mini_site / "projects/crm/index.html").read_text()
    assert "<title>Patient CRM - " in html
    assert 'class="pmo-rag pmo-rag-red"' in html  # derived: SPI 0.80
    assert "Design late by ten days." in html and "Vendors need a named lead." in html
    identity = (mini_site / "projects/identity/index.html").read_text()
    assert "depends on this project" in identity and 'href="../../projects/crm/"' in identity


def test_home_page_merges_hand_written_intro(mini_site: Path) -> None:
    html = (mini_site / "index.html").read_text()
    assert "Numbers on this site are computed, not typed" in html  # docs/index.md
    assert "Needs attention" in html and 'href="projects/crm/"' in html


def test_project_pages_are_not_in_the_navigation(mini_site: Path) -> None:
    html = (mini_site / "calendar/index.html").read_text()
    assert "March release" in html
    assert 'href="../projects/crm/"' not in html  # the nav lists sections, not every project


def test_builds_are_byte_identical(tmp_path: Path, in_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """as_of is the only clock: two builds give the same bytes, and the sitemap dates its pages by as_of
    (2026-03-02 in the fixture), not by the day of the build."""
    config = site_config(tmp_path, ("site_name:", "site_url: https://portfolio.example/\nsite_name:"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    sites = []
    for name in ("first", "second"):
        code, output = pmo("build", "--config", str(config), "--data", str(MINI), "--out", str(tmp_path / name))
        assert code == 0, output
        sites.append(tree_digest(tmp_path / name))
    assert sites[0] == sites[1]
    sitemap = gzip.decompress((tmp_path / "second/sitemap.xml.gz").read_bytes()).decode()
    assert sitemap.count("<lastmod>2026-03-02</lastmod>") > 10
    assert f"<lastmod>{datetime.date.today().isoformat()}</lastmod>" not in sitemap


def test_invalid_data_exits_1_and_keeps_the_previous_site(mini_site: Path, mini: Path, edit: Edit) -> None:
    before = tree_digest(mini_site)
    edit("projects/crm.yaml", "phase: execution", "phase: done")
    code, output = pmo("build", "--data", str(mini), "--out", str(mini_site))
    assert code == 1
    assert "crm.yaml:4: phase: expected one of" in output
    assert tree_digest(mini_site) == before
    assert not [p for p in mini_site.parent.iterdir() if p.name.startswith(".site.")]  # no leftovers


def test_a_rebuild_keeps_dot_entries_as_mkdocs_does_and_the_folder_opens_to_others(
    mini_site: Path, tmp_path: Path
) -> None:
    """site/ may be a gh-pages checkout: its .git survives a rebuild (MkDocs' clean_directory keeps names starting
    with a dot). And the site gets the usual folder permissions, not a private temporary folder's."""
    (mini_site / ".git").mkdir()
    (mini_site / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (mini_site / "stale.html").write_text("old")
    old_mask = os.umask(0o022)
    try:
        code, output = pmo("build", "--data", str(MINI), "--out", str(mini_site))
    finally:
        os.umask(old_mask)
    assert code == 0, output
    assert (mini_site / ".git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert not (mini_site / "stale.html").exists()
    assert stat.S_IMODE(mini_site.stat().st_mode) == 0o755


@pytest.mark.parametrize("command", ["build", "generate"])
def test_an_output_folder_that_cannot_be_written_is_a_usage_error(tmp_path: Path, in_root: Path, command: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    code, output = pmo(command, "--data", str(MINI), "--out", str(tmp_path / "a-file/site"))
    assert code == 2, output
    assert output.startswith(f"Error: --out {tmp_path / 'a-file/site'} cannot be made: {tmp_path / 'a-file'} is a file")
    assert "Traceback" not in output
    assert (tmp_path / "a-file").read_text() == "not a folder"


@pytest.mark.parametrize("command", ["build", "generate"])
def test_a_file_system_that_refuses_the_output_is_a_usage_error(in_root: Path, command: str) -> None:
    """/proc takes no new folder (as a read-only mount or a folder without permission would not)."""
    code, output = pmo(command, "--data", str(MINI), "--out", "/proc/pmo-site")
    assert code == 2, output
    assert output.startswith("Error: cannot write the site to --out /proc/pmo-site: no such file or directory (/proc/")
    assert "Nothing in /proc/pmo-site was changed." in output and "Traceback" not in output


def test_strict_warning_exits_1_and_keeps_the_previous_site(mini_site: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n")
    config = site_config(tmp_path, docs=docs)
    before = tree_digest(mini_site)
    code, output = pmo("build", "--config", str(config), "--data", str(MINI), "--out", str(mini_site), "--strict")
    assert code == 1, output
    assert "missing.md" in output
    assert tree_digest(mini_site) == before


def test_usage_and_configuration_errors_exit_2(tmp_path: Path, in_root: Path) -> None:
    assert pmo("build", "--audience", "everyone")[0] == 2
    code, output = pmo("build", "--config", str(tmp_path / "none.yml"), "--out", str(tmp_path / "s"))
    assert code == 2 and "no such MkDocs configuration file" in output


def test_generated_page_never_replaces_a_hand_written_one(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "projects").mkdir(parents=True)
    (docs / "projects" / "crm.md").write_text("# Mine\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text().replace("docs_dir: docs", f"docs_dir: {docs}"))
    code, output = pmo("build", "--config", str(config), "--data", str(MINI), "--out", str(tmp_path / "site"))
    assert code == 2, output
    assert "clash with generated pages" in output and "projects/crm.md" in output


def test_validate_exit_codes_and_formats(mini: Path, edit: Edit) -> None:
    code, output = pmo("validate", "--data", str(mini))
    assert (code, output.strip().endswith("valid — 2 projects, 1 programs, 1 requests.")) == (0, True)
    edit("projects/crm.yaml", "budget: 100000", "budget: lots")
    code, output = pmo("validate", "--data", str(mini), "--format", "github")
    assert code == 1
    assert output.startswith(f"::error file={mini}/projects/crm.yaml,line=15::budget: expected a number")


def test_generate_writes_a_tree_plain_mkdocs_builds(tmp_path: Path, in_root: Path) -> None:
    out = tmp_path / "tree"
    code, output = pmo("generate", "--data", str(MINI), "--out", str(out))
    assert code == 0, output
    config = (out / "mkdocs.yml").read_text()
    assert "pmo" not in config.split("plugins:")[1].split("markdown_extensions")[0]
    assert (out / "docs/projects/crm.md").read_text().startswith('---\ntitle: "Patient CRM"')
    assert (out / "docs/handbook/lifecycle.md").is_file() and (out / "docs/contributing.md").is_file()
    build = mkdocs_build("--strict", "-q", cwd=out)
    assert build.returncode == 0, build.stderr
    assert "Patient CRM" in (out / "site/projects/crm/index.html").read_text()
    # the site's name is written in from portfolio.yaml: a builder without the plugin shows it as the plugin does
    written = yaml.safe_load(config)
    assert written["site_name"] == "Mini Health IT portfolio"
    assert written["copyright"] == "Mini Health IT portfolio · data as of 2026-03-02"
    assert "<title>Patient CRM - Mini Health IT portfolio</title>" in (out / "site/projects/crm/index.html").read_text()


def test_the_generated_mkdocs_yml_reads_back_as_the_configuration_written(
    tmp_path: Path, in_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tree's mkdocs.yml is written by the house YAML writer, and reads back as the configuration it wrote."""
    from generator.io import yaml_write
    from generator.mkdocs_adapter import source_tree

    written: list[dict[str, Any]] = []

    def spy(data: dict[str, Any], header: str = "") -> str:
        written.append(copy.deepcopy(data))
        return yaml_write.nested_document(data, header)

    monkeypatch.setattr(source_tree, "nested_document", spy)
    out = tmp_path / "tree"
    assert pmo("generate", "--data", str(MINI), "--out", str(out))[0] == 0
    [config] = written
    assert yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8")) == config
    assert len(config["nav"]) > 2 and config["not_in_nav"].count("\n") >= 1  # nested lists, a multi-line text


def test_the_site_is_named_after_the_portfolios_organization(mini_site: Path) -> None:
    home = (mini_site / "index.html").read_text()
    assert "<title>Home - Mini Health IT portfolio</title>" in home
    assert "<h1>Mini Health IT portfolio</h1>" in home  # docs/index.md has no title of its own
    assert re.search(r'md-header__topic">\s*<span class="md-ellipsis">\s*Mini Health IT portfolio', home)
    assert re.search(r'md-copyright__highlight">\s*Mini Health IT portfolio · data as of 2026-03-02', home)


def test_the_shipped_configuration_and_pages_name_no_organization() -> None:
    shipped = [ROOT / "mkdocs.yml", *(ROOT / "docs").rglob("*.md"), *(ROOT / "methodology").rglob("*")]
    shipped += [*(ROOT / "generator" / "assets").rglob("*"), *(ROOT / "schemas").rglob("*")]
    shipped += [p for p in (ROOT / "generator").rglob("*.py") if p.name != "demo_words.py"]  # the demo's org is data
    named = [str(p.relative_to(ROOT)) for p in shipped if p.is_file() and b"northwind" in p.read_bytes().lower()]
    assert named == []
    assert yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_name"] == "{organization} IT portfolio"


def test_an_organization_name_is_text_in_the_title_header_and_footer() -> None:
    from generator.data.model import Settings
    from generator.mkdocs_adapter.site_name import named

    settings = Settings(organization="AT&T <img src=x onerror=alert(1)>", as_of="2026-03-02")
    filled = named(
        {"site_name": "{organization} IT portfolio", "copyright": "© {organization}", "x": "{as_of}"}, settings
    )
    assert filled == {
        "site_name": "AT&amp;T &lt;img src=x onerror=alert(1)&gt; IT portfolio",
        "copyright": "© AT&amp;T &lt;img src=x onerror=alert(1)&gt;",
    }


def test_plain_mkdocs_build_uses_the_plugin(tmp_path: Path) -> None:
    config = site_config(tmp_path, portfolio=MINI)
    build = mkdocs_build("--strict", "-q", "-f", str(config), "-d", str(tmp_path / "s"))
    assert build.returncode == 0, build.stderr
    assert (tmp_path / "s/projects/crm/index.html").is_file()
    assert not (ROOT / "docs" / "projects").exists()  # generated pages stay in memory


def test_plugin_and_generated_tree_give_the_same_page(mini_site: Path, tmp_path: Path, in_root: Path) -> None:
    """The plugin sets HTML blocks aside while MkDocs converts a page and adds the glossary's tooltips to the
    HTML; the tree has the tooltips in its blocks and as abbreviation definitions. The pages must not differ."""
    out = tmp_path / "tree"
    assert pmo("generate", "--data", str(MINI), "--out", str(out))[0] == 0
    build = mkdocs_build("-q", cwd=out)
    assert build.returncode == 0, build.stderr

    def article(site: Path, page: str) -> str:
        html = (site / page).read_text()
        return re.sub(r"\s+", " ", html[html.index("<article") : html.index("</article>")])

    def toc(site: Path, page: str) -> str:
        html = (site / page).read_text()
        start = html.index('<nav class="md-nav md-nav--secondary"')
        return re.sub(r"\s+", " ", html[start : html.index("</nav>", start)])

    pages = ("projects/crm/index.html", "index.html", "calendar/index.html")
    handbook = (
        "handbook/kpis/index.html",
        "handbook/roles/index.html",
        "handbook/templates/risk-register/index.html",
        "handbook/templates/project-charter/index.html",  # a document's preview: blank lines in an HTML block
        "handbook/lessons/index.html",
    )
    for page in pages + handbook:
        assert article(out / "site", page) == article(mini_site, page), page
        # the plugin makes the table of contents from headings it set aside; MkDocs makes it from Markdown
        assert toc(out / "site", page) == toc(mini_site, page), page
    assert 'href="#milestones"' in toc(mini_site, "projects/crm/index.html")
    assert '<abbr title="Schedule performance index: SPI = EV / PV">SPI</abbr>' in article(out / "site", pages[0])
    assert "*[PMO]: Project management office" in (out / "docs/handbook/lifecycle.md").read_text()


@pytest.mark.parametrize("target", ["portfolio", "docs", "methodology", ".", ".."])
def test_output_folder_may_not_replace_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    project = tmp_path / "repo"
    for folder in ("docs", "methodology"):
        shutil.copytree(ROOT / folder, project / folder)
    shutil.copytree(MINI, project / "portfolio")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    monkeypatch.chdir(project)
    before = tree_digest(project)
    for command in ("build", "generate"):
        code, output = pmo(command, "--out", target)
        assert code == 2, output
        assert "--out" in output and "choose" in output
    assert tree_digest(project) == before


def test_output_folder_may_not_lie_inside_the_sources(tmp_path: Path, in_root: Path) -> None:
    code, output = pmo("build", "--data", str(MINI), "--out", str(ROOT / "docs" / "site"))
    assert code == 2 and "lies inside the docs folder" in output


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("  - pmo:", "  - serch\n  - pmo:"), "serch"),
        (("audience: org", "audience: everyone"), "everyone"),
        (("docs_dir: docs", "docs_dir: docs\nuse_directory_urls: false"), "use_directory_urls"),
    ],
)
def test_configuration_errors_exit_2(tmp_path: Path, in_root: Path, change: tuple[str, str], words: str) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml").read_text().replace(*change).replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}", 1)
    )
    result = CliRunner().invoke(
        main, ["build", "--config", str(config), "--data", str(MINI), "--out", str(tmp_path / "site")]
    )
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_usage_errors_exit_2(tmp_path: Path, in_root: Path) -> None:
    assert pmo("build", "--data", str(tmp_path / "nowhere"))[0] == 2
    assert pmo("validate", "--data", str(tmp_path / "nowhere"))[0] == 2
    (tmp_path / "file").write_text("x")
    assert pmo("demo", "--projects", "3", "--out", str(tmp_path / "file"))[0] == 2


def test_strict_fails_on_a_broken_link_in_data_text(mini: Path, edit: Edit, tmp_path: Path, in_root: Path) -> None:
    edit("projects/crm.yaml", "with **one** CRM.", "with **one** CRM. See [the old page](../../old-crm/).")
    args = ["build", "--data", str(mini), "--out", str(tmp_path / "site")]
    assert pmo(*args)[0] == 0
    code, output = pmo(*args, "--strict")
    assert code == 1
    assert "Generated page 'projects/crm.md' links to '../../old-crm/'" in output
    assert f"The link is written in {mini / 'projects/crm.yaml'}:11." in output  # the description's line


def test_the_tree_turns_on_the_abbr_extension_its_tooltips_need(tmp_path: Path, in_root: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "rule.md").write_text("---\n\nA page that opens with a rule. The SPI is low.\n")  # no front matter
    config = site_config(tmp_path, ("  - abbr\n", ""), docs=docs)
    out = tmp_path / "tree"
    code, output = pmo("generate", "--config", str(config), "--data", str(MINI), "--out", str(out))
    assert code == 0, output
    assert "abbr" in yaml.safe_load((out / "mkdocs.yml").read_text())["markdown_extensions"]
    build = mkdocs_build("--strict", "-q", cwd=out)
    assert build.returncode == 0, build.stderr
    lifecycle = (out / "site/handbook/lifecycle/index.html").read_text()
    assert '<abbr title="Project management office">PMO</abbr>' in lifecycle  # Markdown text, at every use
    assert "*[PMO]" not in lifecycle
    rule = (out / "site/rule/index.html").read_text()
    assert '<abbr title="Schedule performance index: SPI = EV / PV">SPI</abbr> is low' in rule


def test_a_custom_dir_comes_before_pmos_templates_in_the_site_and_the_tree(tmp_path: Path, in_root: Path) -> None:
    """The user's theme overrides win over pmo's (its source partial); the tree carries them as its own."""
    theme = tmp_path / "my-theme"
    (theme / "partials").mkdir(parents=True)
    (theme / "main.html").write_text('{% extends "base.html" %}{% block announce %}Our notice{% endblock %}\n')
    (theme / "partials/source.html").write_text('<a href="{{ config.repo_url }}" class="md-source">Our repo</a>\n')
    config = site_config(
        tmp_path,
        ("  name: material\n", f"  name: material\n  custom_dir: {theme}\n"),
        ("site_name:", "repo_url: https://github.com/example/portfolio\nsite_name:"),
        portfolio=MINI,
    )
    site, tree = tmp_path / "site", tmp_path / "tree"
    assert pmo("build", "--config", str(config), "--out", str(site))[0] == 0
    assert pmo("generate", "--config", str(config), "--out", str(tree))[0] == 0
    assert yaml.safe_load((tree / "mkdocs.yml").read_text())["theme"]["custom_dir"] == "overrides"
    build = mkdocs_build("--strict", "-q", cwd=tree)
    assert build.returncode == 0, build.stderr
    for home in (site / "index.html", tree / "site/index.html"):
        html = home.read_text()
        assert "Our notice" in html and ">Our repo</a>" in html and "Go to repository" not in html, home


@pytest.mark.parametrize(
    ("extensions", "expected"),
    [
        (["toc", {"admonition": None}], ["toc", {"admonition": None}, "abbr"]),
        ({"toc": {"permalink": True}}, {"toc": {"permalink": True}, "abbr": None}),  # a mapping keeps its settings
        ([{"abbr": None}, "toc"], [{"abbr": None}, "toc"]),
        ({"markdown.extensions.abbr": {}}, {"markdown.extensions.abbr": {}}),
    ],
)
def test_the_tree_adds_abbr_to_either_form_of_markdown_extensions(extensions: Any, expected: Any) -> None:
    assert _with_abbr(extensions) == expected


def test_build_says_where_the_site_is_and_how_to_view_it(tmp_path: Path, in_root: Path) -> None:
    """The message names the --out folder as given, the pages it holds, and a command that serves it."""
    out = tmp_path / "elsewhere" / "my site"
    code, output = pmo("build", "--data", str(MINI), "--out", str(out))
    assert code == 0, output
    pages = len([p for p in out.rglob("*.html") if p.name != "404.html"])
    first, second = output.strip().splitlines()[-2:]
    assert re.fullmatch(rf"Built {pages} pages in {re.escape(str(out))}/ in \d+\.\d s\.", first), first
    assert second == (
        f"To view it: run `python3 -m http.server -d '{out}' 8000` and browse http://127.0.0.1:8000/ "
        f"(opening {out}/index.html directly works for the home page only: its links name folders, "
        "which need a web server)."
    )
    assert pages > 20 and (out / "index.html").is_file()


def test_generate_refuses_a_configuration_with_tags_it_cannot_carry_over(tmp_path: Path, in_root: Path) -> None:
    """MkDocs reads !ENV (and !!python/name) tags; a plain-YAML tree could not keep them: said, exit 2."""
    config = site_config(tmp_path, ("  language: en\n", "  language: !ENV [PMO_TEST_LANGUAGE, en]\n"), portfolio=MINI)
    out = tmp_path / "tree"
    code, output = pmo("generate", "--config", str(config), "--out", str(out))
    assert code == 2, output
    assert "pmo generate can only carry over a plain-YAML mkdocs.yml (no !!python or !ENV tags)" in output
    assert not out.exists() and "Traceback" not in output
