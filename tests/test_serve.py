"""`pmo serve`: editing the portfolio or the handbook rebuilds the live preview."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from typing import TYPE_CHECKING

from .conftest import MINI, ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
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
def serving(folder: Path) -> Iterator[str]:
    """`pmo serve` run in `folder`, on a free port: its address."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
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
        page = handbook / "lifecycle.md"
        page.write_text(page.read_text() + "\n\nA sentence added while serving.\n")
        assert "A sentence added while serving." in wait_for(f"{base}/handbook/lifecycle/", "A sentence added")
        settings = data / "portfolio.yaml"  # the site's name follows the data too
        settings.write_text(settings.read_text().replace("organization: Mini Health", "organization: Maxi Care"))
        assert "<title>Home - Maxi Care IT portfolio</title>" in wait_for(f"{base}/", "Maxi Care IT portfolio")


def test_serve_without_a_mkdocs_yml_uses_the_built_in_site_as_build_does(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "portfolio")
    shutil.copytree(ROOT / "methodology", tmp_path / "methodology")
    with serving(tmp_path) as base:
        page = wait_for(f"{base}/projects/crm/", "Patient CRM")
        assert "<title>Patient CRM - Mini Health IT portfolio</title>" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["methodology", "portfolio"]  # nothing written here
