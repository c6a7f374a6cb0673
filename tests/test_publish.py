"""`pmo publish`: versions on a gh-pages branch with mike, pushed to a bare remote, in a throwaway repository."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from .conftest import MINI
from .gitrepo import commit_all, git, identity, site_repo

__all__ = ["identity"]  # the fixture, used by name


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def set_text(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


class Pages:
    """The gh-pages branch of a repository (the bare remote, to see what was pushed)."""

    def __init__(self, repo: Path, branch: str = "gh-pages") -> None:
        self.repo, self.branch = repo, branch

    def read(self, path: str) -> str:
        return git(self.repo, "show", f"{self.branch}:{path}")

    def exists(self, path: str) -> bool:
        return bool(git(self.repo, "ls-tree", "--name-only", self.branch, "--", path).strip())

    def tree(self, path: str) -> str:
        return git(self.repo, "rev-parse", f"{self.branch}:{path}").strip()

    def versions(self) -> list[tuple[str, list[str]]]:
        return [(v["version"], v["aliases"]) for v in json.loads(self.read("versions.json"))]

    def commits(self) -> int:
        return int(git(self.repo, "rev-list", "--count", self.branch).strip())


@pytest.fixture
def repo(tmp_path: Path, identity: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini portfolio in a repository with a bare remote, reporting period September 2026."""
    remote = tmp_path / "remote.git"
    remote.mkdir()
    git(remote, "init", "-q", "--bare")
    repo = site_repo(tmp_path / "repo", MINI)
    set_text(repo / "portfolio" / "portfolio.yaml", "as_of: 2026-03-02", "as_of: 2026-09-30")
    git(repo, "remote", "add", "origin", str(remote))
    commit_all(repo, "September", date="2026-09-30T12:00:00+00:00")
    monkeypatch.chdir(repo)
    return repo


def next_period(repo: Path) -> str:
    """October's data: a new reporting date, a bigger budget and a later forecast for the CRM."""
    set_text(repo / "portfolio" / "portfolio.yaml", "as_of: 2026-09-30", "as_of: 2026-10-31")
    crm = repo / "portfolio" / "projects" / "crm.yaml"
    set_text(crm, "budget: 100000", "budget: 125000")
    set_text(crm, "forecast_finish: 2026-05-20", "forecast_finish: 2026-12-18")
    return commit_all(repo, "October", date="2026-10-31T12:00:00+00:00")


def article(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<article") : page.index("</article>")]))


def test_two_versions_published_and_pushed(repo: Path) -> None:
    remote = Pages(repo.parent / "remote.git")
    code, out = pmo("publish", "--push")
    assert code == 0, out
    assert "Published version 2026-09 (latest) on the branch gh-pages." in out and "Pushed gh-pages" in out
    september = remote.tree("2026-09")
    october_commit = next_period(repo)
    code, out = pmo("publish", "--push")
    assert code == 0, out
    assert 'Its page "Changes since 2026-09"' in out

    assert remote.versions() == [("2026-10", ["latest"]), ("2026-09", [])]
    for version in ("2026-09", "2026-10", "latest"):
        assert remote.exists(f"{version}/index.html") and remote.exists(f"{version}/projects/crm/index.html")
        assert not remote.exists(f"{version}/.pmo-output")  # the marker of a local output folder stays local
    assert remote.tree("2026-09") == september  # the older version was not touched
    assert remote.tree("latest") == remote.tree("2026-10")  # the alias is a copy of the version
    assert 'url=latest/"' in remote.read("index.html")  # the site's root opens the latest version
    record = json.loads(remote.read("2026-10/pmo-version.json"))
    assert record == {
        "as_of": "2026-10-31",
        "commit": october_commit,
        "data": "portfolio",
        "version": "2026-10",
        "audience": "org",  # the change feed's entry (change_feed.py): whose site, since when, what changed
        "since": "2026-09",
        "summary": record["summary"],
    }
    assert (
        record["summary"][0] == "From 2026-09 (as of 2026-09-30, 2 projects) to 2026-10 (as of 2026-10-31, 2 projects)."
    )
    assert "Budget: 1 (Patient CRM)." in record["summary"]
    # each version is the site as it was built for its period
    assert "€100,000" in article(remote.read("2026-09/projects/crm/index.html"))
    assert "€125,000" in article(remote.read("2026-10/projects/crm/index.html"))

    changes = article(remote.read("2026-10/changes/index.html"))
    assert "Changes since 2026-09" in changes
    assert "From 2026-09 (as of 2026-09-30, 2 projects) to 2026-10 (as of 2026-10-31, 2 projects)." in changes
    assert re.search(r"Patient CRM\s+Finish \(forecast\)\s+2026-05-20\s+2026-12-18\s+\+212 d", changes)
    assert re.search(r"Patient CRM\s+€100,000\s+€125,000\s+\+€25,000", changes)
    assert '<a href="changes/">Changes since 2026-09</a>' in remote.read("2026-10/index.html")
    assert not remote.exists("2026-09/changes") and "Changes since" not in remote.read("2026-09/index.html")


def test_the_version_selector_is_configured(repo: Path) -> None:
    assert pmo("publish", "--version", "2026-09")[0] == 0
    pages = Pages(repo)
    home = pages.read("2026-09/index.html")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', home, re.S)[1])
    assert config["version"] == {"alias": True, "provider": "mike"}
    bundle = re.search(r'src="(assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"', home)[1]
    assert '"../versions.json"' in pages.read(f"2026-09/{bundle}")  # Material's selector reads the branch's list
    assert pages.versions() == [("2026-09", ["latest"])]


def test_an_ordinary_build_has_no_version_selector(repo: Path, tmp_path: Path) -> None:
    assert pmo("build", "--out", str(tmp_path / "site"))[0] == 0
    home = (tmp_path / "site" / "index.html").read_text()
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', home)[1])
    assert config["search"] and config.get("version") is None  # nothing would answer ../versions.json


def test_publishing_a_version_again_replaces_it_and_nothing_else(repo: Path) -> None:
    pages = Pages(repo)
    assert pmo("publish")[0] == 0
    next_period(repo)
    assert pmo("publish")[0] == 0
    september, commits = pages.tree("2026-09"), pages.commits()
    code, out = pmo("publish")  # the same data again: nothing to commit
    assert code == 0 and "Unchanged (already published with the same content): version 2026-10" in out
    assert pages.commits() == commits
    set_text(repo / "portfolio" / "projects" / "crm.yaml", "budget: 125000", "budget: 130000")
    commit_all(repo, "October, corrected")
    assert pmo("publish")[0] == 0
    assert pages.versions() == [("2026-10", ["latest"]), ("2026-09", [])]
    assert "€130,000" in article(pages.read("2026-10/projects/crm/index.html"))
    assert "€130,000" in article(pages.read("latest/projects/crm/index.html"))
    assert pages.tree("2026-09") == september


def test_a_named_version_without_alias_leaves_latest_alone(repo: Path) -> None:
    pages = Pages(repo)
    next_period(repo)
    assert pmo("publish")[0] == 0  # 2026-10, latest
    code, out = pmo("publish", "--version", "2026-08", "--title", "August (late)", "--no-alias")
    assert code == 0, out
    assert pages.versions() == [("2026-10", ["latest"]), ("2026-08", [])]
    assert json.loads(pages.read("versions.json"))[1]["title"] == "August (late)"
    assert 'url=latest/"' in pages.read("index.html")


def test_the_changes_page_says_when_the_previous_data_is_gone(repo: Path, tmp_path: Path) -> None:
    assert pmo("publish")[0] == 0
    # a clone without that commit (a shallow CI checkout, rewritten history): here, a record naming another commit
    worktree = tmp_path / "pages"
    git(repo, "worktree", "add", "-q", str(worktree), "gh-pages")
    record = worktree / "2026-09" / "pmo-version.json"
    record.write_text(record.read_text().replace(git(repo, "rev-parse", "HEAD").strip(), "d" * 40))
    commit_all(worktree, "a record naming a commit this clone lacks")
    git(repo, "worktree", "remove", str(worktree))
    next_period(repo)
    code, out = pmo("publish")
    assert code == 0, out
    assert "Warning: no changes since 2026-09: its data (commit ddddddd) is not in this clone" in out
    page = article(Pages(repo).read("2026-10/changes/index.html"))
    assert "What changed since 2026-09 cannot be shown: its data (commit ddddddd) is not in this clone" in page


def test_uncommitted_data_is_published_with_a_warning(repo: Path) -> None:
    set_text(repo / "portfolio" / "projects" / "crm.yaml", "budget: 100000", "budget: 110000")
    code, out = pmo("publish")
    assert code == 0
    assert "portfolio/ has uncommitted changes: this version records commit" in out
    assert "€110,000" in article(Pages(repo).read("2026-09/projects/crm/index.html"))


def test_invalid_data_publishes_nothing(repo: Path) -> None:
    set_text(repo / "portfolio" / "projects" / "crm.yaml", "budget: 100000", "budget: lots")
    code, out = pmo("publish")
    assert code == 1
    assert "portfolio/projects/crm.yaml" in out and "The branch was not changed." in out
    assert not git(repo, "branch", "--list", "gh-pages").strip()


def test_a_bad_version_name_is_a_usage_error(repo: Path) -> None:
    for name in ("../up", ".", "a/b"):
        code, out = pmo("publish", "--version", name)
        assert code == 2, (name, out)
    assert pmo("publish", "--version", "latest")[0] == 2  # the alias's own name


def test_publishing_needs_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "plain"
    shutil.copytree(MINI, folder / "portfolio")
    monkeypatch.chdir(folder)
    code, out = pmo("publish")
    assert code == 2 and "not in a git repository" in out


def test_the_previous_version_is_the_newest_older_one() -> None:
    from mike.versions import Versions

    from generator.mkdocs_adapter.publish import previous_version

    versions = Versions()
    for name in ("2026-09", "2026-11", "2026-10", "dev"):
        versions.add(name)
    assert previous_version(versions, "2026-11") == "2026-10"
    assert previous_version(versions, "2026-10") == "2026-09"  # republishing a period compares with the one before
    assert previous_version(versions, "2026-12") == "2026-11"  # not "dev", which mike sorts as the newest
    assert previous_version(versions, "2026-09") is None


def test_a_build_by_mike_itself_gets_the_version_selector(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIKE_DOCS_VERSION", "2026-09")  # what `mike deploy` sets when it runs mkdocs build
    assert pmo("build", "--out", str(tmp_path / "site"))[0] == 0
    assert '"provider": "mike"' in (tmp_path / "site" / "index.html").read_text()


# --- one bad commit does not stop later publishes -------------------------------------------------------------------


def test_a_link_in_a_published_commit_does_not_stop_later_publishes(repo: Path) -> None:
    readme = repo / "portfolio" / "README.md"
    readme.symlink_to("../../outside.md")  # what it points at does not matter: it is never followed
    bad = commit_all(repo, "a link beside the data")
    code, out = pmo("publish")
    assert code == 1 and "portfolio/README.md: a symbolic link is not data: replace it with the file itself" in out
    assert not git(repo, "branch", "--list", "gh-pages").strip()
    # the link replaced in the working tree only: this version records the commit that holds the link
    readme.unlink()
    readme.write_text("# The portfolio\n")
    code, out = pmo("publish")
    assert code == 0 and f"records commit {bad[:7]}" in out
    commit_all(repo, "the file itself")
    next_period(repo)
    code, out = pmo("publish")
    assert code == 0, out
    reason = (
        f"its data (commit {bad[:7]}) cannot be compared: "
        f"{bad[:7]}:portfolio/README.md: a symbolic link is not data: replace it with the file itself"
    )
    assert f"Warning: no changes since 2026-09: {reason}." in out
    page = article(Pages(repo).read("2026-10/changes/index.html"))
    assert f"What changed since 2026-09 cannot be shown: {reason}." in page
    code, out = pmo("publish", "--version", "2026-11")  # the version after compares again
    assert code == 0 and 'Its page "Changes since 2026-10" lists what moved' in out


# --- publishing cannot overwrite the sources ------------------------------------------------------------------------


def git_state(repo: Path) -> dict[str, object]:
    """Everything a refused publish must leave as it was: refs, stashes, work trees and every byte under .git."""
    files = {
        path.relative_to(repo / ".git").as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((repo / ".git").rglob("*"))
        if path.is_file()
    }
    return {
        "refs": git(repo, "for-each-ref"),
        "stashes": git(repo, "stash", "list"),
        "worktrees": git(repo, "worktree", "list", "--porcelain"),
        "files": files,
    }


REFUSED = [
    ("--branch", "main"),  # checked out
    ("--branch", "source"),  # holds the data's commit
    ("--branch", "released"),  # a tag
    ("--branch", "HEAD"),
    ("--branch", "@"),
    ("--branch", "@{-1}"),
    ("--branch", "-x"),
    ("--branch", "a..b"),
    ("--branch", "gh pages"),
    ("--branch", "refs/heads/main"),
    ("--branch", "origin/main"),  # the remote's copy of the sources
    ("--version", "-x"),
    ("--version", "a..b"),
    ("--version", "a/b"),
    ("--version", "<b>"),
    ("--version", "v\n1"),
    ("--version", "versions.json"),
    ("--version", "x" * 65),
    ("--title", "<img src=x onerror=alert(1)>"),  # the version selector inserts a title as HTML
    ("--title", "Q3 \u202eevil"),
    ("--title", "x" * 81),
    ("--alias", "-x"),
    ("--alias", "a/b"),
    ("--alias", "<b>onmouseover=alert(1)"),
    ("--alias", ".."),
    ("--remote", "--receive-pack=touch pwned"),
    ("--remote", "a/b"),
]


@pytest.mark.parametrize(("option", "name"), REFUSED)
def test_a_refused_name_is_a_usage_error_that_leaves_git_as_it_was(repo: Path, option: str, name: str) -> None:
    git(repo, "branch", "source")
    git(repo, "tag", "released")
    git(repo, "push", "-q", "origin", "main")  # refs/remotes/origin/main
    before = git_state(repo)
    code, out = pmo("publish", "--push", f"{option}={name}")
    assert code == 2, out
    assert out.startswith("Error: ") and out.count("\n") == 1, out  # one sentence
    assert git_state(repo) == before
    assert not (repo / "pwned").exists()


def test_the_branch_the_data_comes_from_is_refused_on_a_detached_checkout(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach")  # as CI checks out a commit
    before = git_state(repo)
    code, out = pmo("publish", "--branch", "main")
    assert code == 2 and "the branch 'main' holds the sources" in out
    assert git_state(repo) == before


def test_mkdocs_remote_branch_is_checked_as_well(repo: Path) -> None:
    set_text(repo / "mkdocs.yml", "site_name:", "remote_branch: main\nsite_name:")
    before = git_state(repo)
    code, out = pmo("publish")
    assert code == 2 and "the branch 'main' is checked out" in out
    assert git_state(repo) == before


def test_a_branch_of_its_own_and_plain_names_are_accepted(repo: Path) -> None:
    code, out = pmo("publish", "--branch", "site/pages", "--version", "v2.1_rc-1", "--alias", "stable")
    assert code == 0, out
    assert Pages(repo, "site/pages").versions() == [("v2.1_rc-1", ["stable"])]


def test_a_failed_fetch_shows_the_whole_git_message_and_what_pmo_was_doing(repo: Path, tmp_path: Path) -> None:
    """git explains a missing remote over several lines; the last one alone ("and the repository exists.")
    says nothing. Every line is shown, after what pmo asked git to do."""
    missing = tmp_path / "no-such-remote.git"
    git(repo, "remote", "set-url", "origin", str(missing))
    code, out = pmo("publish", "--push")
    assert code == 1, out
    assert out.startswith(
        "Error: cannot fetch the branch gh-pages from the remote origin before publishing: git fetch failed:\n"
        f"  fatal: '{missing}' does not appear to be a git repository\n"
        "  fatal: Could not read from remote repository.\n"
        "  Please make sure you have the correct access rights\n"
        "  and the repository exists.\n"
    ), out


def test_a_refused_push_shows_every_line_of_the_remote_s_answer(repo: Path) -> None:
    hook = repo.parent / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'Pushes to gh-pages need a review.' >&2\necho 'Ask the PMO lead.' >&2\nexit 1\n")
    hook.chmod(0o755)
    code, out = pmo("publish", "--push")
    assert code == 1, out
    assert out.startswith("Error: failed to push branch gh-pages to origin:\n"), out
    assert "remote: Pushes to gh-pages need a review.\n" in out and "remote: Ask the PMO lead.\n" in out, out
    assert "[remote rejected]" in out and "pre-receive hook declined" in out, out
    assert out.endswith(
        "The version is committed on the local branch gh-pages: push it with `git push origin gh-pages` or run "
        "pmo publish --push again.\n"
    ), out
