"""Only regular files are data: links, FIFOs, sockets, devices and submodules, in the working tree or in a git
revision, are refused by name, never followed or opened, never a traceback or a hang."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.data.regular import NotRegular, read_regular, special_kind
from generator.errors import ConfigurationError
from generator.io.gitdata import data_path, portfolio_at
from generator.pipeline import docs_files, read_portfolio, site_tree

from .conftest import MINI, ROOT
from .gitrepo import commit_all, git, init_repo

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

NOT_DATA = "is not data: replace it with the file itself"


@contextlib.contextmanager
def deadline(seconds: int = 20) -> Iterator[None]:
    """Fail instead of hanging: a blocked open() or read() is interrupted and the test fails."""

    def expire(*_: object) -> None:
        raise AssertionError(f"still waiting after {seconds} s: something opened a FIFO")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def pmo(*args: str) -> tuple[int, str]:
    with deadline():
        result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError), result.output
    return result.exit_code, result.output


DECOY_TEXT = "name: a file outside the data folder\n"
DECOY = Path("/nonexistent")  # set for each test by the fixture below


@pytest.fixture(autouse=True)
def decoy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file links point at: outside every folder pmo reads, and never a file of the machine, in case a
    regression writes through a link."""
    target = tmp_path / "outside" / "secret.yaml"
    target.parent.mkdir()
    target.write_text(DECOY_TEXT)
    monkeypatch.setattr(sys.modules[__name__], "DECOY", target, raising=False)
    return target


def make_link(path: Path) -> str:
    path.symlink_to(DECOY)
    return "a symbolic link"


def make_folder_link(path: Path) -> str:
    path.symlink_to(path.parent.parent / "programs", target_is_directory=True)
    return "a symbolic link"


def make_fifo(path: Path) -> str:
    os.mkfifo(path)
    return "a FIFO (named pipe)"


def make_socket(path: Path) -> str:
    here = Path.cwd()
    os.chdir(path.parent)  # a socket's address is limited to about 100 bytes: bind the short relative name
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path.name)
    finally:
        os.chdir(here)
    return "a socket"


def make_device(path: Path) -> str:
    """A character device like /dev/null (1, 3): harmless even to a regression that reads it."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:  # creating a device needs CAP_MKNOD; the mode-only test below still runs
        pytest.skip("this machine does not allow creating a device node")
    return "a character device"


MAKERS: dict[str, Callable[[Path], str]] = {
    "link": make_link,
    "folder link": make_folder_link,
    "fifo": make_fifo,
    "socket": make_socket,
    "device": make_device,
}
# where: a data file, a file pmo ignores, a required file, a folder pmo reads, a hidden or unexpected place
PLACES = ["projects/extra.yaml", "README.md", "people.yaml", "projects/notes.txt", ".hidden", "requests/old"]


# --- the working tree -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", MAKERS)
def test_anything_but_a_file_in_the_data_folder_is_refused_by_name(mini: Path, kind: str, place: str) -> None:
    target = mini / place
    if place == "people.yaml":
        target.unlink()
    what = MAKERS[kind](target)
    code, out = pmo("validate", "--data", str(mini))
    assert code == 1, out
    assert f"{target}: {what} {NOT_DATA}" in out
    assert "required file is missing" not in out and "is not a known" not in out  # one problem, not a cascade


def test_a_linked_entity_folder_is_not_followed(mini: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(mini / "projects", elsewhere)
    (mini / "projects").symlink_to(elsewhere, target_is_directory=True)
    code, out = pmo("validate", "--data", str(mini))
    assert code == 1 and f"{mini / 'projects'}: a symbolic link {NOT_DATA}" in out
    assert "crm.yaml" not in out  # nothing behind the link was read


@pytest.mark.parametrize("kind", ["link", "fifo", "socket"])
def test_build_and_diff_refuse_them_too(mini: Path, tmp_path: Path, kind: str) -> None:
    shutil.copytree(mini, tmp_path / "before")
    what = MAKERS[kind](mini / "projects" / "extra.yaml")
    code, out = pmo("diff", str(tmp_path / "before"), str(mini))
    assert code == 1 and f"{what} {NOT_DATA}" in out
    code, out = pmo("build", "--data", str(mini), "--out", str(tmp_path / "site"))
    assert code == 1 and f"{what} {NOT_DATA}" in out and not (tmp_path / "site").exists()


def test_read_regular_refuses_without_opening_what_is_not_a_file(tmp_path: Path) -> None:
    fifo, link, big = tmp_path / "fifo.yaml", tmp_path / "link.yaml", tmp_path / "big.yaml"
    os.mkfifo(fifo)
    link.symlink_to(MINI / "people.yaml")
    big.write_bytes(b"x" * 2048)
    with deadline():
        for path, kind in ((fifo, "a FIFO (named pipe)"), (link, "a symbolic link")):
            with pytest.raises(NotRegular, match=re.escape(kind)):
                read_regular(path, 1024)
    with pytest.raises(OSError, match="file is 2 KiB; this file is limited to 1 KiB"):
        read_regular(big, 1024)
    assert read_regular(big, 4096) == b"x" * 2048


def test_every_kind_of_file_has_a_name() -> None:
    assert special_kind(stat.S_IFREG | 0o644) is None and special_kind(stat.S_IFDIR | 0o755) is None
    names = {mode: special_kind(mode | 0o600) for mode in (stat.S_IFLNK, stat.S_IFIFO, stat.S_IFSOCK)}
    names |= {mode: special_kind(mode | 0o600) for mode in (stat.S_IFBLK, stat.S_IFCHR)}  # devices: by their mode
    assert list(names.values()) == [
        "a symbolic link",
        "a FIFO (named pipe)",
        "a socket",
        "a block device",
        "a character device",
    ]


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_the_handbook_and_the_docs_folder_refuse_them(tmp_path: Path, kind: str) -> None:
    handbook = tmp_path / "methodology"
    shutil.copytree(ROOT / "methodology", handbook)
    what = MAKERS[kind](handbook / "extra.md")
    refused = re.escape(f"extra.md: {what} is not allowed in the handbook")
    with deadline(), pytest.raises(ConfigurationError, match=refused):
        site_tree(read_portfolio(MINI), "org", handbook, {})
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n")
    MAKERS[kind](docs / "page.md")
    with deadline(), pytest.raises(ConfigurationError, match=re.escape(f"page.md: {what} is not allowed in the docs")):
        list(docs_files(docs))


def test_a_fifo_in_the_docs_folder_fails_the_build_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import site_config

    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    os.mkfifo(docs / "waiting.md")
    shutil.copytree(MINI, tmp_path / "portfolio")
    site_config(tmp_path, docs=docs)
    monkeypatch.chdir(tmp_path)
    code, out = pmo("build", "--out", str(tmp_path / "site"))
    assert code == 2 and f"{docs / 'waiting.md'}: a FIFO (named pipe) is not allowed in the docs folder" in out


# --- git revisions --------------------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(MINI, repo / "portfolio")
    commit_all(repo, "good")
    monkeypatch.chdir(repo)
    return repo


def add_submodule(repo: Path, path: str) -> None:
    """A gitlink: the commit of another repository, recorded without cloning it."""
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},{path}")


@pytest.mark.parametrize(
    ("place", "make", "what"),
    [
        ("portfolio/README.md", lambda p: p.symlink_to("../../outside/secret.yaml"), "a symbolic link"),
        ("portfolio/projects/linked.yaml", lambda p: p.symlink_to("crm.yaml"), "a symbolic link"),
        ("portfolio/requests/old", lambda p: p.symlink_to("../programs"), "a symbolic link"),
        ("portfolio/vendor", None, "a submodule (a commit of another repository)"),
    ],
)
def test_a_revision_holding_a_link_or_a_submodule_is_refused(
    repo: Path, place: str, make: Callable[[Path], None] | None, what: str
) -> None:
    if make is None:
        add_submodule(repo, place)
        git(repo, "commit", "-q", "-m", "a submodule")  # not commit_all: `add -A` drops a gitlink with no folder
    else:
        make(repo / place)
        commit_all(repo, "not data")
    code, out = pmo("diff", "HEAD~1", "HEAD")
    assert code == 1, out
    assert f"HEAD:{place}: {what} {NOT_DATA}" in out
    assert "HEAD~1:" not in out  # the good revision reads as before


def test_a_data_folder_that_is_a_link_in_the_revision_is_refused(repo: Path) -> None:
    git(repo, "mv", "portfolio", "data")
    (repo / "portfolio").symlink_to("data")
    commit_all(repo, "the data folder is a link")
    root, data = data_path(repo / "data")
    with pytest.raises(Exception, match=f"HEAD:portfolio: a symbolic link {NOT_DATA}"):
        portfolio_at(root, "HEAD", "portfolio")
    assert portfolio_at(root, "HEAD", data).projects  # the folder it points to is read as itself


def test_a_hand_made_tree_cannot_write_outside_the_copy(repo: Path) -> None:
    blob = _blob(repo, "name: escaped\n")
    evil = _mktree(repo, f"100644 blob {blob}\t..\n")
    portfolio = git(repo, "ls-tree", "HEAD:portfolio")
    data = _mktree(repo, f"{portfolio}040000 tree {evil}\tevil\n")
    top = _mktree(repo, f"040000 tree {data}\tportfolio\n")
    commit = git(repo, "commit-tree", top, "-m", "hostile").strip()
    code, out = pmo("diff", commit, "HEAD")
    assert code == 1 and f"{commit}:portfolio/evil/..: a path that git would not check out" in out


def test_a_huge_file_in_a_revision_is_refused_by_its_size(repo: Path) -> None:
    (repo / "portfolio" / "projects" / "huge.yaml").write_bytes(b"#" * (9 * 1024 * 1024))
    commit_all(repo, "huge")
    code, out = pmo("diff", "HEAD~1", "HEAD")
    assert code == 1 and "HEAD:portfolio/projects/huge.yaml: file is 9216 KiB; this file is limited to 256 KiB" in out


def test_a_revision_is_read_from_the_object_store_only(repo: Path) -> None:
    crm = repo / "portfolio" / "projects" / "crm.yaml"
    crm.write_text(crm.read_text().replace("budget: 100000", "budget: 120000"))
    code, out = pmo("diff", "HEAD", "--format", "json")
    assert code == 0 and '"change": 20000' in out
    assert not git(repo, "status", "--porcelain", "--", "portfolio/programs").strip()  # nothing else was touched


def _blob(repo: Path, text: str) -> str:
    path = repo.parent / "blob.txt"
    path.write_text(text)
    return git(repo, "hash-object", "-w", str(path)).strip()


def _mktree(repo: Path, listing: str) -> str:
    """A tree object as `git mktree` writes it from an ls-tree listing, with no check of the names."""
    return subprocess.run(
        ["git", "mktree"], cwd=repo, input=listing, capture_output=True, text=True, check=True
    ).stdout.strip()


# --- pmo import ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_import_refuses_a_data_folder_holding_them(
    tmp_path: Path, decoy: Path, kind: str, overwrite: list[str]
) -> None:
    from .test_importer import portfolio_copy, write_csv, write_mapping

    table, mapping, folder = write_csv(tmp_path / "t.csv"), write_mapping(tmp_path / "m.yaml"), portfolio_copy(tmp_path)
    (folder / "projects").mkdir()
    target = folder / "projects" / "portal-relaunch.yaml"  # the file the first row would write
    what = MAKERS[kind](target)
    code, out = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder), *overwrite)
    assert code == 1 and f"{target}: {what} {NOT_DATA}" in out
    assert target.is_symlink() if kind == "link" else stat.S_ISFIFO(target.lstat().st_mode)  # left as it was
    assert decoy.read_text() == DECOY_TEXT  # nothing was written through the link
