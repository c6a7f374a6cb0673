"""Throwaway git repositories for the tests: fixed identities and dates, so commits are reproducible."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, site_config

IDENTITY = {
    "GIT_AUTHOR_NAME": "PMO Test",
    "GIT_AUTHOR_EMAIL": "pmo@example.org",
    "GIT_COMMITTER_NAME": "PMO Test",
    "GIT_COMMITTER_EMAIL": "pmo@example.org",
}


def git(repo: Path, *args: str, date: str = "2026-10-14T12:00:00+00:00") -> str:
    """Run git in `repo` with a fixed identity and date, ignoring the machine's git configuration."""
    env = {
        **os.environ,
        **IDENTITY,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", IDENTITY["GIT_COMMITTER_NAME"])
    git(path, "config", "user.email", IDENTITY["GIT_COMMITTER_EMAIL"])
    return path


def commit_all(repo: Path, message: str, date: str = "2026-10-14T12:00:00+00:00") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def git_bytes(repo: Path, spec: str) -> bytes:
    """A file of a commit, as bytes (`git show REV:PATH`): a PDF, say."""
    return subprocess.run(["git", "-C", str(repo), "show", spec], capture_output=True, check=True).stdout


def site_repo(path: Path, data: Path, pack: bool | None = False) -> Path:
    """A repository like this one: the portfolio `data` in portfolio/, and the repository's mkdocs.yml (with
    absolute docs and handbook folders, which stay outside the repository; `pack` as site_config's)."""
    repo = init_repo(path)
    shutil.copytree(data, repo / "portfolio")
    site_config(repo, pack=pack)
    (repo / ".gitignore").write_text("site/\n")
    return repo


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits made by the code under test (mike's) get the test identity, whatever the machine's git has."""
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


__all__ = ["ROOT", "commit_all", "git", "identity", "init_repo", "site_repo"]
