"""Each project page says when its data file last changed, from one `git log` for the whole data folder."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.io import gitdata
from generator.io.gitdata import DataChange, branch_of, history_link, last_changes, project_history
from generator.pipeline import read_portfolio

from .conftest import MINI
from .gitrepo import commit_all, git, site_repo


def set_text(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The mini portfolio committed on 2026-09-02; the CRM's file changed again on 2026-10-14."""
    repo = site_repo(tmp_path / "repo", MINI)
    (repo / "notes.txt").write_text("outside the data folder\n")
    commit_all(repo, "first", date="2026-09-02T09:00:00+00:00")
    set_text(repo / "portfolio" / "projects" / "crm.yaml", "budget: 100000", "budget: 110000")
    (repo / "notes.txt").write_text("changed later, but not data\n")
    commit_all(repo, "second", date="2026-10-14T16:30:00+00:00")
    return repo


def test_last_change_of_every_data_file(repo: Path) -> None:
    first, second = git(repo, "log", "--format=%H").split()[::-1]
    changes = last_changes(repo / "portfolio")
    assert changes["portfolio/projects/crm.yaml"] == gitdata.FileChange(dt.date(2026, 10, 14), second)
    assert changes["portfolio/projects/identity.yaml"] == gitdata.FileChange(dt.date(2026, 9, 2), first)
    assert "notes.txt" not in changes  # only the data folder is read
    assert set(changes) == {f"portfolio/{p.relative_to(MINI).as_posix()}" for p in MINI.rglob("*.yaml")}


def test_one_git_log_for_the_whole_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(30):  # more projects must not mean more git calls
        shutil.copy(repo / "portfolio/projects/identity.yaml", repo / f"portfolio/projects/extra-{n:02d}.yaml")
    commit_all(repo, "more projects")
    calls: list[list[str]] = []
    run = subprocess.run

    def counting(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        calls.append(list(args))
        return run(args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(gitdata.subprocess, "run", counting)
    data = repo / "portfolio"
    history = project_history(read_portfolio(data), data)
    assert len(history) == 32
    assert sum("log" in call for call in calls) == 1 and len(calls) <= 2


def test_history_links_for_github_and_gitlab() -> None:
    path = "portfolio/projects/crm.yaml"
    assert history_link("https://github.com/acme/pmo/", "main", path) == (
        "https://github.com/acme/pmo/commits/main/portfolio/projects/crm.yaml"
    )
    assert history_link("https://gitlab.example.org/it/pmo", "trunk", path) == (
        "https://gitlab.example.org/it/pmo/-/commits/trunk/portfolio/projects/crm.yaml"
    )
    assert history_link("https://git.example.org/pmo", "main", path) is None  # a host whose URLs we do not know
    assert history_link(None, "main", path) is None
    assert branch_of("edit/trunk/docs/") == "trunk"
    assert branch_of("-/edit/develop/docs/") == "develop"
    assert branch_of(None) == branch_of("") == "main"


def build(tmp_path: Path, config: Path) -> Path:
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_project_page_says_when_its_data_last_changed(repo: Path, tmp_path: Path) -> None:
    config = repo / "mkdocs.yml"
    set_text(config, "site_name:", "repo_url: https://github.com/acme/pmo\nedit_uri: edit/trunk/docs/\nsite_name:")
    page = (build(tmp_path, config) / "projects/crm/index.html").read_text()
    short = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    link = "https://github.com/acme/pmo/commits/trunk/portfolio/projects/crm.yaml"
    assert (
        f'<p class="pmo-history">Data last changed 2026-10-14 (<a href="{link}" '
        f'title="History of this project\'s data file"><code>{short}</code></a>)</p>'
    ) in page.replace("&#x27;", "'").replace("&#39;", "'")


def test_without_a_repository_url_the_date_has_no_link(repo: Path, tmp_path: Path) -> None:
    page = (build(tmp_path, repo / "mkdocs.yml") / "projects/identity/index.html").read_text()
    assert "Data last changed 2026-09-02 (<code>" in page
    assert "/commits/" not in page


def test_outside_git_nothing_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "portfolio"
    shutil.copytree(MINI, data)
    assert project_history(read_portfolio(data), data) == {}
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))  # no git at all
    assert project_history(read_portfolio(MINI), MINI) == {}


def test_history_can_be_turned_off(repo: Path, tmp_path: Path) -> None:
    config = repo / "mkdocs.yml"
    set_text(config, "audience: org", "audience: org\n      git_history: false")
    page = (build(tmp_path, config) / "projects/crm/index.html").read_text()
    assert "Data last changed" not in page


def test_the_page_block_is_inert() -> None:
    from generator.pages.project import _last_change

    change = DataChange(dt.date(2026, 1, 2), "0123456789abcdef", 'https://github.com/a/b/commits/main/x"><script>')
    block = _last_change(change)
    assert "<script>" not in block and "&#34;&gt;&lt;script&gt;" in block  # markupsafe writes a quote as &#34;
