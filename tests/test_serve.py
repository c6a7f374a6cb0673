"""`pmo serve`: editing the portfolio or the handbook rebuilds the live preview."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import pytest

from .conftest import MINI, ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    """The page at `url`, an error page included ("" when nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.read().decode()
    except OSError:
        return ""


def wait_for(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = fetch(url)
        if text in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds} s; last page:\n{page[:500]}")


@contextlib.contextmanager
def serving(folder: Path, terminal: Path | None = None) -> Iterator[str]:
    """`pmo serve` run in `folder`, on a free port: its address. What it prints goes to `terminal`, if given.
    The server is stopped however the test ends."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(terminal.open("wb")) if terminal else subprocess.DEVNULL
        server = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=folder,
            stdout=output,
            stderr=output,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def test_serve_rebuilds_on_data_and_handbook_edits(tmp_path: Path) -> None:
    data, handbook = tmp_path / "portfolio", tmp_path / "methodology"
    shutil.copytree(MINI, data)
    shutil.copytree(ROOT / "methodology", handbook)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with serving(tmp_path) as base:
        wait_for(f"{base}/projects/crm/", "Patient CRM")
        project = data / "projects" / "crm.yaml"
        project.write_text(project.read_text().replace("name: Patient CRM", "name: Patient CRM renamed"))
        assert "<title>Patient CRM renamed" in wait_for(f"{base}/projects/crm/", "Patient CRM renamed")
        # shown first; the pages that list it wait for the rest of the rebuild rather than answer stale
        for page in ("projects/", "programs/front-door/", ""):
            assert "Patient CRM renamed" in fetch(f"{base}/{page}"), page
        page = handbook / "lifecycle.md"
        page.write_text(page.read_text() + "\n\nA sentence added while serving.\n")
        assert "A sentence added while serving." in wait_for(f"{base}/handbook/lifecycle/", "A sentence added")
        settings = data / "portfolio.yaml"  # the site's name follows the data too
        settings.write_text(settings.read_text().replace("organization: Mini Health", "organization: Maxi Care"))
        assert "<title>Home - Maxi Care IT portfolio</title>" in wait_for(f"{base}/", "Maxi Care IT portfolio")


def test_a_reload_is_told_the_pages_scripts_and_stylesheets_have_not_changed(tmp_path: Path) -> None:
    """MkDocs serves every file whole, with nothing to revalidate it by: each reload of a page downloaded its
    megabyte of scripts again. The preview tags stylesheets, scripts and images with their version and answers
    "304 Not Modified" while it holds; a page is always sent whole. The terminal stays quiet about it."""
    import re

    data = tmp_path / "portfolio"
    shutil.copytree(MINI, data)
    terminal = tmp_path / "terminal.txt"
    with serving(tmp_path, terminal) as base:
        page = wait_for(f"{base}/projects/crm/", "Patient CRM")
        stylesheet = re.search(r'<link rel="stylesheet" href="\.\./\.\./([^"]+)"', page)
        script = re.search(r'<script src="\.\./\.\./([^"]+)"', page)
        assert stylesheet and script
        for asset in (stylesheet[1], script[1]):
            with urllib.request.urlopen(f"{base}/{asset}", timeout=5) as response:
                tag, body = response.headers["ETag"], response.read()
                assert tag and response.headers["Cache-Control"] == "no-cache" and body
            again = urllib.request.Request(f"{base}/{asset}", headers={"If-None-Match": tag})
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(again, timeout=5)  # urllib raises for any answer but 2xx
            assert answer.value.code == 304 and answer.value.read() == b"" and answer.value.headers["ETag"] == tag
            other = urllib.request.Request(f"{base}/{asset}", headers={"If-None-Match": '"another-version"'})
            with urllib.request.urlopen(other, timeout=5) as response:
                assert response.read() == body
        with urllib.request.urlopen(f"{base}/projects/crm/", timeout=5) as response:
            assert response.headers["ETag"] is None
    assert "304" not in terminal.read_text()


def test_while_the_rest_is_rebuilt_pages_not_written_yet_and_data_files_wait() -> None:
    from generator.mkdocs_adapter.preview import _waits

    ready = frozenset({"/projects/crm/"})
    assert not _waits("/projects/crm/", ready) and not _waits("/projects/crm/index.html", ready)
    assert _waits("/projects/", ready) and _waits("/index.html", ready) and _waits("/", ready)
    assert _waits("/projects/register.xlsx", ready) and _waits("/calendar/all.ics", ready)
    assert not _waits("/assets/pmo/pmo.css", ready) and not _waits("/pagefind/pagefind.js", ready)
    assert not _waits("/livereload/1/2", ready)


def test_serve_without_a_mkdocs_yml_uses_the_built_in_site_as_build_does(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "portfolio")
    shutil.copytree(ROOT / "methodology", tmp_path / "methodology")
    with serving(tmp_path) as base:
        page = wait_for(f"{base}/projects/crm/", "Patient CRM")
        assert "<title>Patient CRM - Mini Health IT portfolio</title>" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["methodology", "portfolio"]  # nothing written here


def break_crm(data: Path) -> None:
    """Two mistakes, one quoting markup back: the browser must show it as text."""
    crm = data / "projects" / "crm.yaml"
    text = crm.read_text()
    crm.write_text(text.replace("phase: execution", "phase: running").replace("manager: a.okafor", "manager: a.<b>x"))


def test_invalid_data_while_serving_keeps_the_last_good_preview_with_the_errors_over_it(tmp_path: Path) -> None:
    data = tmp_path / "portfolio"
    shutil.copytree(MINI, data)
    shutil.copytree(ROOT / "methodology", tmp_path / "methodology")
    terminal = tmp_path / "terminal.txt"
    with serving(tmp_path, terminal) as base:
        wait_for(f"{base}/projects/crm/", "Patient CRM")
        break_crm(data)
        page = wait_for(f"{base}/projects/crm/", 'id="pmo-serve-error"')
        assert "<title>Patient CRM" in page  # the last good page, under the banner
        banner = page[page.index('id="pmo-serve-error"') :]
        assert "this preview shows the last good version" in banner
        assert "portfolio/projects/crm.yaml:4: phase: expected one of proposal" in banner
        assert "got &#34;a.&lt;b&gt;x&#34;" in banner and "<b>x" not in page  # escaped
        assert 'id="pmo-serve-error"' in fetch(f"{base}/")  # on every page
        assert "crm.yaml:4: phase: expected one of proposal" in terminal.read_text()  # and still in the terminal
        crm = data / "projects" / "crm.yaml"
        crm.write_text((MINI / "projects" / "crm.yaml").read_text().replace("Patient CRM", "Patient CRM fixed"))
        fixed = wait_for(f"{base}/projects/crm/", "Patient CRM fixed")
        assert 'id="pmo-serve-error"' not in fixed


def test_invalid_data_at_startup_serves_a_page_of_the_errors(tmp_path: Path) -> None:
    data = tmp_path / "portfolio"
    shutil.copytree(MINI, data)
    shutil.copytree(ROOT / "methodology", tmp_path / "methodology")
    break_crm(data)
    with serving(tmp_path) as base:
        page = wait_for(f"{base}/projects/crm/", 'id="pmo-serve-error"')
        assert "<title>pmo serve: the site cannot be built</title>" in page
        assert "portfolio/projects/crm.yaml:4: phase: expected one of proposal" in page
        assert "got &#34;a.&lt;b&gt;x&#34;" in page and "<b>x" not in page
        assert 'id="pmo-serve-error"' in fetch(f"{base}/")  # whatever the address
        shutil.copy(MINI / "projects" / "crm.yaml", data / "projects" / "crm.yaml")
        assert "<title>Patient CRM" in wait_for(f"{base}/projects/crm/", "<title>Patient CRM")


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_rebuilds_write_only_what_changed_and_end_as_a_whole_build_would(tmp_path: Path) -> None:
    """The serve loop's builds: after the first, the edited file's own page is rendered alone and written first,
    then the whole site is rendered and only the pages whose source changed are written, into the same site.
    After a sequence of edits that site equals a whole build of the same files, byte for byte, but for the search
    index (the fast path leaves it as the last whole build made it)."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from generator.mkdocs_adapter.build import default_config_text
    from generator.mkdocs_adapter.preview import build_preview
    from generator.mkdocs_adapter.serve_state import ServeState, _nav_pages
    from generator.pages.urls import HOME
    from generator.pipeline import read_portfolio, site_tree

    data, handbook = tmp_path / "portfolio", tmp_path / "methodology"
    shutil.copytree(MINI, data)
    shutil.copytree(ROOT / "methodology", handbook)
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(default_config_text(tmp_path))
    state = ServeState()

    def build(site: Path, *, incremental: bool) -> list[str]:
        state.incremental = incremental
        build_preview(load_config(str(config_file), site_dir=str(site)), state, "http://127.0.0.1:8000/")
        return state.written

    def update(site: Path) -> tuple[list[str], list[str]]:
        """The pages each pass wrote, as `pmo serve` runs them: the edited pages alone, then the rest."""
        state.first = state.edited_pages()
        sitemap = (site / "sitemap.xml").read_bytes()
        first = build(site, incremental=True) if state.first else []
        assert state.partial == bool(state.first)
        assert (site / "sitemap.xml").read_bytes() == sitemap  # the first pass does not list only its pages
        state.first = set()
        return first, build(site, incremental=True)

    served = tmp_path / "served"
    assert len(build(served, incremental=False)) > 30
    before = site_files(served)
    crm = data / "projects" / "crm.yaml"
    crm.write_text(crm.read_text().replace("name: Patient CRM", "name: Patient CRM renamed"))
    pages_made: dict[bool, set[str]] = {True: set(), False: set()}  # in the first pass or not → MkDocs' pages
    make_page = Page.__init__

    def counted(page: Page, title: str | None, file: File, config: object) -> None:
        pages_made[state.partial].add(file.src_uri)
        make_page(page, title, file, config)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Page, "__init__", counted)
        first, rest = update(served)
    assert first == ["projects/crm.md"] and "projects/crm.md" not in rest  # the first pass wrote it as it is
    # the first pass makes MkDocs pages for the navigation and the edited page only, not one for every project
    listed = {HOME, *_nav_pages(site_tree(read_portfolio(data), "org", handbook, {}).nav)}
    assert "projects/identity.md" in pages_made[False] and "projects/crm.md" in pages_made[True]
    assert pages_made[True] <= listed | {"projects/crm.md"}
    assert "projects/index.md" in rest and "index.md" in rest and "programs/front-door.md" in rest
    assert "handbook/lifecycle.md" not in rest and "calendar.md" not in rest
    assert before["handbook/lifecycle/index.html"] == site_files(served)["handbook/lifecycle/index.html"]
    assert "Patient CRM renamed" in (served / "projects" / "index.html").read_text()  # the register
    lifecycle = handbook / "lifecycle.md"
    lifecycle.write_text(lifecycle.read_text() + "\n\nA sentence added while serving.\n")
    assert update(served) == (["handbook/lifecycle.md"], [])
    pilot = data / "projects" / "pilot.yaml"  # a new file: no page of its own yet, only the whole render
    pilot.write_text((data / "projects" / "identity.yaml").read_text().replace("Identity platform", "Pilot"))
    first, rest = update(served)
    assert first == [] and "projects/pilot.md" in rest
    pilot.unlink()  # a page goes: its file goes from the site
    update(served)
    assert not (served / "projects" / "pilot").exists() and "Pilot" not in (served / "index.html").read_text()

    whole = tmp_path / "whole"
    build(whole, incremental=False)
    assert "A sentence added while serving." in (whole / "handbook" / "lifecycle" / "index.html").read_text()
    updated, fresh = site_files(served), site_files(whole)
    differ = {path for path in updated.keys() | fresh.keys() if updated.get(path) != fresh.get(path)}
    assert differ and all(path.startswith("pagefind/") for path in differ)  # the index the fast path keeps


def test_a_cached_load_parses_again_only_the_files_that_changed(tmp_path: Path) -> None:
    from generator.data.load import load_portfolio

    shutil.copytree(MINI, tmp_path / "portfolio")
    cache: dict = {}
    first = load_portfolio(tmp_path / "portfolio", cache=cache)
    crm = tmp_path / "portfolio" / "projects" / "crm.yaml"
    crm.write_text(crm.read_text().replace("Patient CRM", "Patient CRM renamed"))
    second = load_portfolio(tmp_path / "portfolio", cache=cache)
    assert second.folders["projects"]["identity"] is first.folders["projects"]["identity"]
    assert second.files["portfolio.yaml"] is first.files["portfolio.yaml"]
    assert second.folders["projects"]["crm"] is not first.folders["projects"]["crm"]
    assert second.folders["projects"]["crm"].data["name"] == "Patient CRM renamed"


def test_a_cached_validation_checks_again_only_the_changed_files_and_every_reference(tmp_path: Path) -> None:
    """Under serve, a file's model is kept while the file is unchanged; a change in it gives a new model, and a
    change elsewhere that breaks a reference of an unchanged file is still reported (the rules run on the whole)."""
    from generator.data.load import load_portfolio
    from generator.data.validate import validate_portfolio
    from generator.errors import PortfolioError
    from generator.pipeline import read_portfolio

    data = tmp_path / "portfolio"
    shutil.copytree(MINI, data)
    cache: dict = {}
    models: dict = {}
    first = read_portfolio(data, cache=cache, models=models)
    crm = data / "projects" / "crm.yaml"
    crm.write_text(crm.read_text().replace("name: Patient CRM", "name: Patient CRM renamed"))
    second = read_portfolio(data, cache=cache, models=models)
    assert second.projects["identity"] is first.projects["identity"] and second.people is first.people
    assert second.projects["crm"] is not first.projects["crm"] and second.projects["crm"].name == "Patient CRM renamed"
    crm.write_text(crm.read_text().replace("phase: execution", "phase: running"))  # its own problem
    with pytest.raises(PortfolioError, match=r"crm.yaml:4: phase: expected one of proposal"):
        read_portfolio(data, cache=cache, models=models)
    with pytest.raises(PortfolioError, match=r"crm.yaml:4: phase"):  # reported again while the file stays broken
        read_portfolio(data, cache=cache, models=models)
    crm.write_text(crm.read_text().replace("phase: running", "phase: execution"))
    people = data / "people.yaml"  # crm.yaml is unchanged, its manager is gone
    people.write_text(people.read_text().replace("a.okafor", "a.okonkwo"))
    with pytest.raises(PortfolioError, match=r"crm.yaml:8: manager: .*a\.okafor") as cached:
        read_portfolio(data, cache=cache, models=models)
    with pytest.raises(PortfolioError) as fresh:
        validate_portfolio(load_portfolio(data))
    assert cached.value.report() == fresh.value.report()  # the same problems as a check without a cache


def test_serve_lists_the_themes_static_files_once_unless_the_project_overrides_the_theme(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from generator.mkdocs_adapter.build import default_config_text
    from generator.mkdocs_adapter.serve_state import ServeState, keep_theme_files

    shutil.copytree(MINI, tmp_path / "portfolio")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(default_config_text(tmp_path))
    state = ServeState()

    def theme_files() -> list[str]:
        config = load_config(str(config_file))
        keep_theme_files(state, config.theme)
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)
        return sorted(file.src_uri for file in files)

    plain = Files([])
    config = load_config(str(config_file))
    plain.add_files_from_theme(config.theme.get_env(), config)
    listed = theme_files()
    assert listed == sorted(file.src_uri for file in plain) and listed
    assert len(state.theme_files) == 1
    (kept,) = state.theme_files.values()
    kept.remove(listed[0])  # what the next build lists comes from the cache, not from the disk
    assert theme_files() == listed[1:]
    (tmp_path / "theme").mkdir()
    config_file.write_text(config_file.read_text().replace("theme:\n", "theme:\n  custom_dir: theme\n", 1))
    assert theme_files() == listed and len(state.theme_files) == 1  # a project's own overrides: listed each build


def test_a_page_shown_first_renders_of_the_handbook_only_the_edited_pages_when_its_pages_are_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator import site
    from generator.pipeline import read_portfolio, site_tree, some_pages

    portfolio = read_portfolio(MINI)
    handbook = ROOT / "methodology"
    whole = site_tree(portfolio, "pmo", handbook, {})
    known = frozenset(whole.theme_search)
    rendered: list[object] = []

    def add_handbook(tree: object, a: object, root: Path, only: object = None) -> list[object]:
        rendered.append(only)
        return site_add_handbook(tree, a, root, only)

    site_add_handbook = site.add_handbook
    monkeypatch.setattr(site, "add_handbook", add_handbook)
    alone = some_pages(portfolio, "pmo", handbook, [], {"projects/crm.md"}, handbook_pages=known)
    assert alone == {"projects/crm.md": whole.pages["projects/crm.md"]} and rendered == []
    lifecycle = {"handbook/lifecycle.md"}
    alone = some_pages(portfolio, "pmo", handbook, [], lifecycle, handbook_pages=known)
    assert alone == {"handbook/lifecycle.md": whole.pages["handbook/lifecycle.md"]} and rendered == [lifecycle]
    assert some_pages(portfolio, "pmo", handbook, [], {"projects/crm.md"}) == {
        "projects/crm.md": whole.pages["projects/crm.md"]
    }  # without the names known, the whole handbook is rendered to learn them
    assert rendered == [lifecycle, None]
