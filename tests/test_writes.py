"""Writes are all or nothing under any failure: a step that fails at each point in turn (fault injection), and a
process killed with SIGKILL at several points, leave the site and the data folder as they were, and the
message says what happened, never "nothing was changed" when something was."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.data.transaction import recover, staging_folders
from generator.io.outputs import MARKER, marker_text

from .conftest import MINI, ROOT
from .test_importer import portfolio_copy, write_mapping

ROW = "P-{i};Project {i};Front door;In progress;m.chen;05.01.2026;30.06.2026;{cost};Green;"
HEADER = "Ref;Title;Prog;Stage;Lead;Begin;End;Cost (EUR k);Status;Status"


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[str, Any]:
    """Every entry under folder with its bytes (files) or kind, and the folder's own existence."""
    if not folder.exists():
        return {}
    found: dict[str, Any] = {".": "folder"}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode) if path.is_file() else "dir"
    return found


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


class Injected(OSError):
    def __init__(self) -> None:
        super().__init__(5, "Input/output error (injected)")


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, fail_at: int = 0) -> Iterator[list[int]]:
    """Wrap owner.name: count its calls, and raise an OSError at call number `fail_at` (never when 0)."""
    real: Callable[..., Any] = getattr(owner, name)
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == fail_at:
            raise Injected
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(owner, name, wrapper)
        yield calls


# The site swap ------------------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path, in_root: Path) -> Path:
    """A built site that is also a gh-pages checkout (its .git must survive every rebuild)."""
    out = tmp_path / "site"
    assert pmo("build", "--data", str(MINI), "--out", str(out))[0] == 0
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    return out


def test_a_rename_that_fails_at_any_step_of_the_swap_leaves_the_site(
    site: Path, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (mini / "projects" / "crm.yaml").write_text((mini / "projects" / "crm.yaml").read_text().replace("CRM", "CRM 2"))
    before, parent = snapshot(site), siblings(site)
    with counting(monkeypatch, os, "rename") as calls:
        assert pmo("build", "--data", str(mini), "--out", str(site))[0] == 0
    steps = calls[0]
    assert steps == 3  # .git into the new site, the site aside, the new site in
    assert snapshot(site) != before
    assert pmo("build", "--data", str(MINI), "--out", str(site))[0] == 0  # back to the first site
    assert snapshot(site) == before
    for step in range(1, steps + 1):
        with counting(monkeypatch, os, "rename", fail_at=step):
            code, output = pmo("build", "--data", str(mini), "--out", str(site))
        assert code == 2, (step, output)
        assert output.startswith(f"Error: cannot write the site to --out {site}: input/output error (injected).")
        assert f"Nothing in {site} was changed." in output and "Traceback" not in output
        assert snapshot(site) == before, step
        assert siblings(site) == parent, step


def test_when_the_swap_cannot_be_undone_the_message_says_where_the_site_is(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new site cannot be moved in, nor the old one back: exit 1, no "nothing was changed", and the next
    build puts the previous site's .git back from where the failed one left it."""
    real = os.rename

    def failing(source: Any, target: Any) -> None:
        if Path(target) == site or Path(source).name.startswith(".site.old-"):
            raise Injected
        real(source, target)

    monkeypatch.setattr(os, "rename", failing)
    code, output = pmo("build", "--data", str(MINI), "--out", str(site))
    monkeypatch.undo()
    assert code == 1, output
    assert "was changed" not in output
    assert output.startswith(f"Error: replacing --out {site} failed (input/output error (injected)), and putting")
    assert f"it is now in {site.parent / '.site.old-'}" in output and f"(for {site}: input/output error" in output
    assert output.endswith(f"; the next pmo build --out {site} puts it back.\n")
    assert not site.exists()
    monkeypatch.chdir(ROOT)
    assert pmo("build", "--data", str(MINI), "--out", str(site))[0] == 0
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert siblings(site) == ["site"]


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_the_leftovers_of_a_killed_build_are_cleaned_by_the_next(site: Path) -> None:
    """Killed between the swap's renames: the previous site is in .site.old-*, its .git in .site.building-*.
    A leftover of a process that still runs belongs to another build and stays."""
    pid = dead_pid()
    building = site.parent / f".site.building-{pid}-0123abcd"
    building.mkdir()
    (building / MARKER).write_text(marker_text("build"))  # written before the swap moves anything into it
    (site / ".git").rename(building / ".git")
    site.rename(site.parent / f".site.old-{pid}-89abcdef")
    (site.parent / ".site.generating-4567cdef").mkdir()  # of a pmo before process ids were in names
    running = site.parent / f".site.building-{os.getppid()}-00000000"
    running.mkdir()
    code, output = pmo("build", "--data", str(MINI), "--out", str(site))
    assert code == 0, output
    assert f"put the previous site back in {site} from {site.parent / f'.site.old-{pid}-89abcdef'}" in output
    assert f"put .git back in {site}, left by a killed build" in output
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert siblings(site) == [running.name, "site"]


def test_a_leftover_that_cannot_go_back_stays_for_a_later_build(site: Path) -> None:
    """The previous site's .git sits in a killed build's folder and the site is missing (its .old- folder is
    gone): the .git has no place to go back to, so its leftover stays, the build goes on, and the next build
    puts it back."""
    pid = dead_pid()
    building = site.parent / f".site.building-{pid}-0123abcd"
    building.mkdir()
    (building / MARKER).write_text(marker_text("build"))  # written before the swap moves anything into it
    (site / ".git").rename(building / ".git")
    shutil.rmtree(site)
    code, output = pmo("build", "--data", str(MINI), "--out", str(site))
    assert code == 0, output
    assert (building / ".git" / "HEAD").is_file() and (site / "index.html").is_file()
    assert pmo("build", "--data", str(MINI), "--out", str(site))[0] == 0
    assert (site / ".git" / "HEAD").is_file() and siblings(site) == ["site"]


def test_a_leftover_without_the_marker_puts_nothing_into_the_site(site: Path) -> None:
    """A folder named like a leftover but not pmo's (planted by a pull request, say) is removed, and nothing
    of it reaches the site: neither a previous site nor dot files."""
    pid = dead_pid()
    shutil.rmtree(site)
    planted_old = site.parent / f".site.old-{pid}-89abcdef"
    (planted_old / ".well-known").mkdir(parents=True)
    (planted_old / ".htaccess").write_text("planted")
    planted_building = site.parent / f".site.building-{pid}-0123abcd"
    planted_building.mkdir()
    (planted_building / ".htaccess").write_text("planted")
    code, output = pmo("build", "--data", str(MINI), "--out", str(site))
    assert code == 0, output
    assert "put" not in output and not (site / ".htaccess").exists() and not (site / ".well-known").exists()
    assert siblings(site) == ["site"]


def test_a_killed_build_leaves_the_site_and_the_next_cleans_up(site: Path) -> None:
    before = snapshot(site)
    build = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "--data", str(MINI), "--out", str(site)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(name.startswith(".site.building-") for name in siblings(site)):
        assert time.monotonic() < deadline and build.poll() is None
        time.sleep(0.01)
    time.sleep(0.2)  # into the build
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert snapshot(site) == before
    assert len(siblings(site)) == 2  # its staging folder
    assert pmo("build", "--data", str(MINI), "--out", str(site))[0] == 0
    assert siblings(site) == ["site"] and (site / ".git" / "HEAD").is_file()


# pmo import and pmo new ---------------------------------------------------------------------------


def register(path: Path, count: int, cost: int = 100) -> Path:
    rows = [ROW.format(i=i, cost=cost) for i in range(1, count + 1)]
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A portfolio without projects, a register of 4 projects and its mapping."""
    from .test_importer import MAPPING

    return portfolio_copy(tmp_path), register(tmp_path / "register.csv", 4), write_mapping(tmp_path / "m.yaml", MAPPING)


def import_args(folder: Path, table: Path, mapping: Path, *more: str) -> list[str]:
    return ["import", str(table), "--mapping", str(mapping), "--data", str(folder), *more]


FAULTS = [(os, "link"), (os, "replace"), (os, "fsync"), (os, "mkdir"), (os, "open")]


@pytest.mark.parametrize("overwrite", [False, True], ids=["new-files", "overwrite"])
@pytest.mark.parametrize(("owner", "name"), FAULTS, ids=[name for _, name in FAULTS])
def test_an_import_that_fails_at_any_step_leaves_the_data_folder(
    data: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, overwrite: bool
) -> None:
    """New files in a new projects/ folder, or existing files replaced with --overwrite: whichever call fails,
    at whichever point, the folder is as it was, byte for byte, and no staging folder stays (or, when the
    failed call was one whose failure is expected, as a mkdir of a folder that exists, all was written)."""
    folder, table, mapping = data
    if overwrite:
        assert pmo(*import_args(folder, table, mapping))[0] == 0
        os.chmod(folder / "projects" / "project-2.yaml", 0o600)
        register(table, 4, cost=250)
    extra = ["--overwrite"] if overwrite else []
    before, parent = snapshot(folder), siblings(folder)
    with counting(monkeypatch, owner, name) as calls:
        code, output = pmo(*import_args(folder, table, mapping, *extra))
    assert code == 0, output
    steps = calls[0]
    assert steps >= (4 if name in ("link", "fsync", "open") else 1)
    after = snapshot(folder)
    assert after != before and (after["projects/project-2.yaml"][1] & 0o777 == 0o600) == overwrite
    restore_all(folder, before, table, mapping, overwrite)
    for step in range(1, steps + 1):
        with counting(monkeypatch, owner, name, fail_at=step):
            code, output = pmo(*import_args(folder, table, mapping, *extra))
        if code == 0:  # the failed call changed nothing, as mkdir of a folder that exists: all was written
            assert snapshot(folder) == after, step
            restore_all(folder, before, table, mapping, overwrite)
            continue
        assert code in (1, 2), (step, output)
        if "cannot be read: Input/output error (injected)" in output:  # an input (the mapping, the portfolio)
            assert "nothing was imported" in output or "nothing was written" in output, (step, output)
        else:  # a write
            assert code == 1 and output.endswith(f"Nothing in {folder} was changed.\n"), (step, output)
            assert "input/output error (injected)" in output
        assert "Traceback" not in output
        assert snapshot(folder) == before, step
        assert siblings(folder) == parent, step


def restore(folder: Path, state: dict[str, Any]) -> None:
    """Put folder back to a snapshot taken of it (files are removed or kept; the test only adds files)."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.relative_to(folder).as_posix() not in state:
            path.unlink() if path.is_file() else path.rmdir()


def test_an_import_whose_undo_fails_says_so_and_the_next_run_undoes_it(
    data: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, table, mapping = data
    assert pmo(*import_args(folder, table, mapping))[0] == 0
    register(table, 4, cost=250)
    before = snapshot(folder)
    real_replace, calls = os.replace, [0]

    def replace(source: Any, target: Any) -> None:
        calls[0] += 1
        if calls[0] >= 3:  # the journal, the first file, then the second file's replacement and every undo fail
            raise Injected
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    code, output = pmo(*import_args(folder, table, mapping, "--overwrite"))
    monkeypatch.undo()
    assert code == 1
    assert "was changed" not in output
    assert f"Error: writing into {folder} failed (input/output error (injected)), and undoing it failed too" in output
    assert snapshot(folder) != before
    code, output = pmo("new", "project", "brand-new", "--data", str(folder))
    assert code == 0, output
    assert "Note: The write into" in output and "did not finish was undone (4 files as they were)." in output
    (folder / "projects" / "brand-new.yaml").unlink()
    assert snapshot(folder) == before
    assert siblings(folder) == ["m.yaml", "portfolio", "register.csv"]


# A process killed with SIGKILL --------------------------------------------------------------------

HOOK = """
import os, pathlib, sys, time
name, at, flag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
real, calls = getattr(os, name), [0]
def hooked(*args, **kwargs):
    calls[0] += 1
    if calls[0] == at:
        pathlib.Path(flag).write_text("here")
        time.sleep(600)
    return real(*args, **kwargs)
setattr(os, name, hooked)
from generator.cli import main
main(sys.argv[4:])
"""


def killed_at(flags: Path, name: str, at: int, args: list[str]) -> None:
    """Run pmo with args in a process of its own and kill it with SIGKILL just before its call number `at` of
    os.`name`; it says it got there by writing a file into `flags`."""
    flag = flags / f"{name}-{at}"
    process = subprocess.Popen(
        [sys.executable, "-c", HOOK, name, str(at), str(flag), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert process.poll() is None, f"finished before call {at} of os.{name}"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.kill()
    process.wait()


@pytest.mark.parametrize("overwrite", [False, True], ids=["new-files", "overwrite"])
def test_an_import_killed_at_any_point_leaves_or_gets_back_the_data_folder(
    data: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    overwrite: bool,
) -> None:
    """Killed while staging: the folder is as it was. Killed during the commit (between two links or
    replacements, or after the last one): the journal lets the next run of pmo (any command that reads the
    folder) put every file back before it reads. Killed once the journal is gone: the import is complete."""
    folder, table, mapping = data
    extra = ["--overwrite"] if overwrite else []
    if overwrite:
        assert pmo(*import_args(folder, table, mapping))[0] == 0
        register(table, 4, cost=250)
    args = import_args(folder, table, mapping, *extra)
    before, parent = snapshot(folder), siblings(folder)
    counts = {}
    for name in ("fsync", "link", "replace"):
        with counting(monkeypatch, os, name) as calls:
            assert pmo(*args)[0] == 0
        counts[name] = calls[0]
        after = snapshot(folder)
        restore_all(folder, before, table, mapping, overwrite)
    last = counts["fsync"]  # the staging folder's, once its journal is gone: the import is done
    points = [("fsync", 1), ("fsync", 4), ("fsync", last - 1), ("fsync", last), ("link", 1), ("link", counts["link"])]
    points += [("replace", counts["replace"])] if overwrite else []
    for name, at in points:
        killed_at(tmp_path_factory.mktemp("flags"), name, at, args)
        assert len(staging_folders(folder)) == 1, (name, at)
        if name == "fsync" and at <= 4:  # the first four write the four files into the staging folder
            assert snapshot(folder) == before, (name, at)
        code, output = pmo("validate", "--data", str(folder))  # the next read undoes a half-done commit first
        assert code == 0, output
        assert siblings(folder) == parent, (name, at)
        if (name, at) == ("fsync", last):
            assert snapshot(folder) == after
            restore_all(folder, before, table, mapping, overwrite)
        assert snapshot(folder) == before, (name, at)


def restore_all(folder: Path, before: dict[str, Any], table: Path, mapping: Path, overwrite: bool) -> None:
    """Undo a successful import for the next count: the new files go; replaced ones are imported back."""
    if overwrite:
        register(table, 4)
        assert pmo(*import_args(folder, table, mapping, "--overwrite"))[0] == 0
        register(table, 4, cost=250)
    else:
        restore(folder, before)
    assert snapshot(folder) == before


def test_an_import_killed_as_soon_as_its_staging_folder_appears(tmp_path: Path) -> None:
    """A large register, a process killed by a poll rather than a hook: the folder is as it was."""
    from .test_importer import MAPPING

    folder = portfolio_copy(tmp_path)
    table, mapping = register(tmp_path / "big.csv", 400), write_mapping(tmp_path / "m.yaml", MAPPING)
    before = snapshot(folder)
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", *import_args(folder, table, mapping)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not staging_folders(folder):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.001)
    process.kill()
    process.wait()
    recover(folder)
    assert snapshot(folder) == before
    assert siblings(folder) == ["big.csv", "m.yaml", "portfolio"]


@pytest.mark.parametrize(("owner", "name"), FAULTS, ids=[name for _, name in FAULTS])
def test_pmo_new_that_fails_at_any_step_leaves_the_data_folder(
    mini: Path, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str
) -> None:
    before, parent = snapshot(mini), siblings(mini)
    with counting(monkeypatch, owner, name) as calls:
        assert pmo("new", "project", "brand-new", "--data", str(mini))[0] == 0
    (mini / "projects" / "brand-new.yaml").unlink()
    for step in range(1, calls[0] + 1):
        with counting(monkeypatch, owner, name, fail_at=step):
            code, output = pmo("new", "project", "brand-new", "--data", str(mini))
        if code == 0:  # as in the import: a failure that changes nothing, and the file was written
            (mini / "projects" / "brand-new.yaml").unlink()
            continue
        if code == 2:  # a read of the portfolio failed, before anything was begun
            assert "cannot be read: Input/output error (injected): the template is filled from it" in output
        else:
            assert code == 1, (step, output)
            assert output.endswith(f"Nothing in {mini} was changed.\n"), output
        assert snapshot(mini) == before and siblings(mini) == parent, step


def test_pmo_new_never_replaces_a_file_made_meanwhile(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_link = os.link

    def someone_else_first(source: Any, target: Any) -> None:
        Path(target).write_text("theirs")
        real_link(source, target)

    monkeypatch.setattr(os, "link", someone_else_first)
    code, output = pmo("new", "project", "brand-new", "--data", str(mini))
    assert code == 2 and "brand-new.yaml exists already" in output
    assert (mini / "projects" / "brand-new.yaml").read_text() == "theirs"
    assert siblings(mini) == ["portfolio"]


@pytest.mark.parametrize("name", ["fsync", "replace"])
def test_an_export_that_fails_leaves_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    out = tmp_path / "register.csv"
    out.write_text("the previous export\n")
    with counting(monkeypatch, os, name, fail_at=1):
        code, output = pmo("export", "--data", str(MINI), "--out", str(out))
    assert code == 1 and output == f"Error: cannot write {out}: Input/output error (injected)\n"
    assert out.read_text() == "the previous export\n" and siblings(out) == ["register.csv"]


def test_a_planted_journal_cannot_reach_outside_the_data_folder(mini: Path, tmp_path: Path) -> None:
    """A folder named like a staging folder may come with a pull request: its journal is checked before any
    undo, and a backup that is a symbolic link is never moved in."""
    outside = tmp_path / "outside.txt"
    outside.write_text("mine")
    planted = tmp_path / f".portfolio.writing-{dead_pid()}-0badc0de"
    (planted / "old" / "projects").mkdir(parents=True)
    (planted / "journal.json").write_text(
        '{"files": ["../outside.txt"], "existed": ["../outside.txt"], "new_dirs": []}'
    )
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1 and "an interrupted pmo import or pmo new cannot be undone" in output
    assert "'../outside.txt' is not a path inside the data folder" in output
    assert outside.read_text() == "mine" and planted.is_dir()

    before = snapshot(mini)
    (planted / "journal.json").write_text(
        '{"files": ["projects/crm.yaml"], "existed": ["projects/crm.yaml"], "new_dirs": []}'
    )
    (planted / "old" / "projects" / "crm.yaml").symlink_to(outside)
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1 and f"{planted}: its journal names {planted}/old/projects/crm.yaml, which is a symbolic" in output
    assert snapshot(mini) == before and outside.read_text() == "mine" and planted.is_dir()


def test_an_import_interrupted_with_ctrl_c_midway_leaves_the_data_folder(
    data: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, table, mapping = data
    before, parent = snapshot(folder), siblings(folder)
    real_link, calls = os.link, [0]

    def interrupted(source: Any, target: Any) -> None:
        calls[0] += 1
        if calls[0] == 3:  # two files are in place
            raise KeyboardInterrupt
        real_link(source, target)

    monkeypatch.setattr(os, "link", interrupted)
    code, output = pmo(*import_args(folder, table, mapping))
    assert code == 1 and "Aborted!" in output
    assert snapshot(folder) == before and siblings(folder) == parent


# Recovery is safe from planted folders, decided by a lock, found inside the data folder, and said -------------


def half_done(folder: Path, pid: int, place: Path | None = None) -> Path:
    """A staging folder as an import killed in its commit leaves it: projects/half.yaml is linked into place."""
    staging = (place or folder.parent) / f".{folder.name}.writing-{pid}-0abc"
    (staging / "new" / "projects").mkdir(parents=True)
    staged = staging / "new" / "projects" / "half.yaml"
    staged.write_text("id: half\n")
    (staging / "journal.json").write_text(json.dumps({"files": ["projects/half.yaml"], "existed": [], "new_dirs": []}))
    os.link(staged, folder / "projects" / "half.yaml")
    return staging


def plant(tmp_path: Path, mini: Path, how: str) -> Path:
    """A pull request's staging folder whose undo would write into tmp_path/decoy through a link; the decoy."""
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "victim.txt").write_text("mine")
    planted = tmp_path / ".portfolio.writing-99999999-abcd"
    journal = '{"files": ["evil/victim.txt"], "existed": ["evil/victim.txt"], "new_dirs": []}'
    if how == "linked-staging-folder":  # the staging folder itself is a link to a folder of the PR's choosing
        (decoy / "old" / "projects").mkdir(parents=True)
        (decoy / "old" / "projects" / "crm.yaml").write_text("theirs")
        (decoy / "journal.json").write_text(journal.replace("evil/victim.txt", "projects/crm.yaml"))
        planted.symlink_to(decoy)
        return decoy
    planted.mkdir()
    (planted / "journal.json").write_text(journal)
    if how == "linked-data-folder":  # portfolio/evil -> decoy: the backup would replace decoy/victim.txt
        (mini / "evil").symlink_to(decoy)
        (planted / "old" / "evil").mkdir(parents=True)
        (planted / "old" / "evil" / "victim.txt").write_text("theirs")
    else:  # old/evil -> decoy in the staging folder: the decoy's file would be moved into the data folder
        (mini / "evil").mkdir()
        (planted / "old").mkdir()
        (planted / "old" / "evil").symlink_to(decoy)
    return decoy


@pytest.mark.parametrize("how", ["linked-data-folder", "linked-backup-folder", "linked-staging-folder"])
def test_a_planted_journal_is_never_undone_through_a_link(mini: Path, tmp_path: Path, how: str) -> None:
    """Every path an undo would touch is checked with lstat first: a link anywhere refuses the recovery, as a
    problem naming the staging folder, and nothing is touched (the staging folder included)."""
    decoy = plant(tmp_path, mini, how)
    planted = tmp_path / ".portfolio.writing-99999999-abcd"
    before, staged, decoyed = snapshot(mini), snapshot(planted), snapshot(decoy)
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1, output
    assert "an interrupted pmo import or pmo new cannot be undone" in output and str(planted) in output
    assert "Traceback" not in output
    assert snapshot(decoy) == decoyed and (decoy / "victim.txt").read_text() == "mine"
    assert snapshot(mini) == before and os.path.lexists(planted) and snapshot(planted) == staged


def test_a_staging_folder_is_recovered_when_no_process_holds_its_lock_whatever_its_pid(
    mini: Path, tmp_path: Path
) -> None:
    """A process id in the name may be reused: a folder named by a running process (here the test's parent)
    but locked by nobody is a killed run's, and is undone."""
    before = snapshot(mini)
    staging = half_done(mini, os.getppid())
    code, output = pmo("validate", "--data", str(mini))
    assert code == 0, output
    assert snapshot(mini) == before and not staging.exists() and siblings(mini) == ["portfolio"]


def test_a_staging_folder_whose_lock_is_held_is_left_alone_whatever_its_pid(mini: Path) -> None:
    staging = half_done(mini, dead_pid())
    (staging / "lock").touch()
    with (staging / "lock").open("rb") as lock:  # another open file description, as a running writer's
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        recover(mini)
        assert (mini / "projects" / "half.yaml").exists() and (staging / "journal.json").exists()
    assert recover(mini) == [
        f"the write into {mini} that process {staging.name.split('-')[1]} began and did not finish was undone "
        "(1 files as they were)"
    ]
    assert not (mini / "projects" / "half.yaml").exists() and not staging.exists()


def test_a_writer_holds_the_lock_of_its_staging_folder_until_it_is_done(
    data: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an import commits, a recovery (here run in the middle of its commit) leaves its folder alone."""
    folder, table, mapping = data
    real_link, seen = os.link, []

    def link_then_recover(source: Any, target: Any) -> None:
        real_link(source, target)
        if not seen:
            seen.append(recover(folder))
            seen.append(len(staging_folders(folder)))

    monkeypatch.setattr(os, "link", link_then_recover)
    code, output = pmo(*import_args(folder, table, mapping))
    assert code == 0, output
    assert seen == [[], 1]
    assert len(list((folder / "projects").iterdir())) == 4 and staging_folders(folder) == []


def read_only_parent(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Simulate a parent folder that cannot be written (as root, chmod would not stop the writes)."""
    parent = folder.parent
    real_mkdir, real_access = os.mkdir, os.access

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if Path(path).parent == parent:
            raise PermissionError(13, "Permission denied", str(path))
        real_mkdir(path, *args, **kwargs)

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        return False if Path(path) == parent and mode & os.W_OK else real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "access", access)


def mount_point(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Simulate a data folder on another file system than its parent: another st_dev, and no hard link across."""
    parent = folder.parent
    real_stat, real_link = os.stat, os.link

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)
        if isinstance(path, (str, Path)) and Path(path) == parent:
            return os.stat_result((result[0], result[1], result.st_dev + 1, *result[3:10]))
        return result

    def link(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        if Path(source).is_relative_to(folder) != Path(target).is_relative_to(folder):
            raise OSError(18, "Invalid cross-device link")
        real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "link", link)


@pytest.mark.parametrize("simulate", [read_only_parent, mount_point], ids=["read-only-parent", "mount-point"])
def test_an_import_stages_inside_a_data_folder_it_cannot_stage_beside(
    data: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, simulate: Callable[..., None]
) -> None:
    folder, table, mapping = data
    parent = siblings(folder)
    with monkeypatch.context() as patch:
        simulate(patch, folder)
        real_fsync, places = os.fsync, set()

        def fsync(fd: int) -> None:  # where the staging folder is, seen from its files' fsyncs
            places.update(p.parent for p in folder.parent.rglob(".portfolio.writing-*"))
            real_fsync(fd)

        patch.setattr(os, "fsync", fsync)
        code, output = pmo(*import_args(folder, table, mapping))
    assert code == 0, output
    assert places == {folder}
    assert len(list((folder / "projects").iterdir())) == 4
    assert siblings(folder) == parent and not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_recovery_finds_a_staging_folder_inside_the_data_folder(mini: Path) -> None:
    before = snapshot(mini)
    staging = half_done(mini, dead_pid(), place=mini)
    code, output = pmo("validate", "--data", str(mini))
    assert code == 0, output
    assert not staging.exists() and snapshot(mini) == before


def note_of(folder: Path) -> str:
    return f"Note: The write into {folder} that process "


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["export", "--format", "json"],
        ["diff", "{base}"],
        ["build", "--out", "{site}"],
        ["new", "project", "brand-new"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_that_reads_the_data_folder_says_what_it_undid(
    mini: Path, tmp_path: Path, in_root: Path, command: list[str]
) -> None:
    base = tmp_path / "base"
    shutil.copytree(mini, base)
    before = snapshot(mini)
    half_done(mini, dead_pid())
    args = [arg.format(base=base, site=tmp_path / "site") for arg in command]
    result = CliRunner().invoke(main, [*args, "--data", str(mini)])
    assert result.exit_code == 0, result.output
    assert note_of(mini) in result.stderr and "did not finish was undone (1 files as they were)." in result.stderr
    assert note_of(mini) not in result.stdout
    (mini / "projects" / "brand-new.yaml").unlink(missing_ok=True)
    assert snapshot(mini) == before


def test_an_import_dry_run_says_an_interrupted_write_is_pending_and_changes_nothing(
    data: tuple[Path, Path, Path],
) -> None:
    folder, table, mapping = data
    (folder / "projects").mkdir()
    staging = half_done(folder, dead_pid())
    before, staged = snapshot(folder), snapshot(staging)
    result = CliRunner().invoke(main, import_args(folder, table, mapping, "--dry-run"))
    assert "Note: A write into" in result.stderr and "did not finish is pending (1 files;" in result.stderr
    assert "the next pmo command that is not a dry run undoes it." in result.stderr
    assert snapshot(folder) == before and snapshot(staging) == staged
    assert pmo(*import_args(folder, table, mapping))[0] == 0
    assert not staging.exists() and not (folder / "projects" / "half.yaml").exists()


def test_a_note_never_writes_a_raw_control_character(tmp_path: Path) -> None:
    folder = tmp_path / "port\x1b[31mfolio"
    shutil.copytree(MINI, folder)
    half_done(folder, dead_pid())
    result = CliRunner().invoke(main, ["validate", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Note: The write into" in result.stderr and "\x1b" not in result.stderr


def test_a_lock_file_that_is_a_link_is_refused_and_not_followed(mini: Path, tmp_path: Path) -> None:
    decoy = tmp_path / "decoy.txt"
    decoy.write_text("mine")
    staging = half_done(mini, dead_pid())
    (staging / "lock").symlink_to(decoy)
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1 and f"{staging}: its lock file cannot be opened" in output
    assert (mini / "projects" / "half.yaml").exists() and decoy.read_text() == "mine"
