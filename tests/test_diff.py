"""`pmo diff` and the "Changes since" page: hand-made before and after portfolios with every kind of change."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.analytics.diff import (
    BudgetChange,
    ChangeRequestChange,
    DateChange,
    ProjectChange,
    RagChange,
    Reason,
    RiskState,
    ValueChange,
    compare,
)
from generator.cli import main
from generator.io.diff_report import markdown_text, to_data, to_markdown
from generator.pages.changes import Baseline
from generator.pages.urls import CHANGES
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.blocks import unmark

from .conftest import MINI
from .gitrepo import commit_all, init_repo

D = dt.date


def project(name: str, phase: str, extra: str = "", program: str = "front-door") -> str:
    return (
        f"name: {name}\nprogram: {program}\nphase: {phase}\nsponsor: m.chen\nmanager: a.okafor\n"
        f"start: 2026-01-01\nfinish: 2026-12-31\nbudget: 10000\n{extra}"
    )


CRM_BEFORE_LISTS = """\
milestones:
  - {name: Design sign-off, baseline: 2026-01-31, forecast: 2026-02-10, actual: 2026-02-12}
  - {name: Pilot, baseline: 2026-02-20, forecast: 2026-02-25}
  - {name: Go-live, baseline: 2026-05-01, forecast: 2026-05-20}
  - {name: Old step, baseline: 2026-04-15}
"""
CRM_AFTER_LISTS = """\
milestones:
  - {name: Design sign-off, baseline: 2026-01-31, forecast: 2026-02-10, actual: 2026-02-12}
  - {name: Pilot, baseline: 2026-02-20, forecast: 2026-02-25, actual: 2026-02-27}
  - {name: Go-live, baseline: 2026-05-08, forecast: 2026-06-30}
  - {name: Training, baseline: 2026-06-01}
"""
RISKS_BEFORE = """\
risks:
  - {id: R1, title: Vendor capacity, probability: 3, impact: 4, owner: a.okafor, status: open}
  - {id: R3, title: Data quality, probability: 2, impact: 2, owner: a.okafor}
  - {id: R4, title: Dropped risk, probability: 1, impact: 1, owner: a.okafor}
  - {id: R5, title: Came back, probability: 2, impact: 3, owner: a.okafor, status: closed}
"""
RISKS_AFTER = """\
risks:
  - {id: R1, title: Vendor capacity, probability: 4, impact: 4, owner: a.okafor, status: open}
  - {id: R2, title: Licence cost, probability: 2, impact: 5, owner: a.okafor}
  - {id: R3, title: Data quality, probability: 2, impact: 2, owner: a.okafor, status: closed}
  - {id: R5, title: Came back, probability: 2, impact: 3, owner: a.okafor, status: open}
"""
CHANGES_BEFORE = """\
changes:
  - {id: CR-1, date: 2026-02-12, title: Add SMS reminders, cost: 12000, schedule_days: 19, decision: approved}
  - {id: CR-3, date: 2026-02-20, title: Extra report, cost: 5000, schedule_days: 0}
  - {id: CR-4, date: 2026-02-21, title: Withdrawn idea, cost: 1000}
"""
CHANGES_AFTER = """\
changes:
  - {id: CR-1, date: 2026-02-12, title: Add SMS reminders, cost: 12000, schedule_days: 19, decision: approved}
  - {id: CR-2, date: 2026-03-01, title: Video visits, cost: 30000, schedule_days: 10}
  - {id: CR-3, date: 2026-02-20, title: Extra report, cost: 5000, schedule_days: 0, decision: approved}
"""


def replace_list(text: str, key: str, block: str) -> str:
    """Replace the top-level list `key:` (its indented lines) by `block`."""
    pattern = re.compile(rf"^{key}:\n(?:  .*\n)*", re.M)
    assert pattern.search(text), key
    return pattern.sub(lambda _: block, text, count=1)


def write_before(folder: Path) -> Path:
    shutil.copytree(MINI, folder)
    crm = folder / "projects" / "crm.yaml"
    text = crm.read_text()
    for key, block in (("milestones", CRM_BEFORE_LISTS), ("risks", RISKS_BEFORE), ("changes", CHANGES_BEFORE)):
        text = replace_list(text, key, block)
    crm.write_text(text)
    projects = folder / "projects"
    (projects / "alpha.yaml").write_text(project("Alpha", "execution"))
    (projects / "beta.yaml").write_text(project("Beta", "execution"))
    (projects / "gamma.yaml").write_text(project("Gamma", "planning"))
    (projects / "old-one.yaml").write_text(project("Old one", "execution"))
    return folder


def write_after(before: Path, folder: Path) -> Path:
    shutil.copytree(before, folder)
    projects = folder / "projects"
    (projects / "old-one.yaml").unlink()
    (projects / "new-one.yaml").write_text(project("New one", "proposal"))
    for pid, old, new in [
        ("alpha", "execution", "closed"),
        ("beta", "execution", "cancelled"),
        ("gamma", "planning", "execution"),
    ]:
        path = projects / f"{pid}.yaml"
        path.write_text(path.read_text().replace(f"phase: {old}", f"phase: {new}"))
    crm = projects / "crm.yaml"
    text = crm.read_text()
    for old, new in [
        (CRM_BEFORE_LISTS, CRM_AFTER_LISTS),
        (RISKS_BEFORE, RISKS_AFTER),
        (CHANGES_BEFORE, CHANGES_AFTER),
        ("budget: 100000\n", "budget: 120000\nrag_override: {rag: amber, reason: Recovery plan agreed}\n"),
        ("finish: 2026-05-01\nforecast_finish: 2026-05-20", "finish: 2026-05-15\nforecast_finish: 2026-06-30"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    crm.write_text(text)
    return folder


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("diff")
    before = write_before(root / "before")
    return before, write_after(before, root / "after")


@pytest.fixture(scope="module")
def diff(states: tuple[Path, Path]):
    before, after = (prepare(read_portfolio(folder), "pmo") for folder in states)
    return compare(before, after, "before", "after")


def test_projects_added_closed_cancelled_and_removed(diff) -> None:
    assert diff.projects == [
        ProjectChange("new-one", "New one", "added", None, "proposal"),
        ProjectChange("alpha", "Alpha", "closed", "execution", "closed"),
        ProjectChange("beta", "Beta", "cancelled", "execution", "cancelled"),
        ProjectChange("old-one", "Old one", "removed", "execution", None),
    ]
    assert diff.phase == [ValueChange("gamma", "Gamma", "planning", "execution")]


def test_rag_changes(diff) -> None:
    # the override makes CRM amber; Alpha and Beta had no report, so no RAG before or after their end
    reason = Reason("override", "RAG override Amber set: Recovery plan agreed")
    assert diff.rag == [RagChange("crm", "Patient CRM", "red", "amber", "data", (reason,))]


def test_finish_and_milestone_dates_that_moved(diff) -> None:
    crm = ("crm", "Patient CRM")
    assert diff.dates == [
        DateChange(*crm, "finish", False, "baseline", D(2026, 5, 1), D(2026, 5, 15), 14),
        DateChange(*crm, "finish", False, "forecast", D(2026, 5, 20), D(2026, 6, 30), 41),
        DateChange(*crm, "Pilot", True, "reached", D(2026, 2, 25), D(2026, 2, 27), 2),
        DateChange(*crm, "Go-live", True, "baseline", D(2026, 5, 1), D(2026, 5, 8), 7),
        DateChange(*crm, "Go-live", True, "forecast", D(2026, 5, 20), D(2026, 6, 30), 41),
        DateChange(*crm, "Training", True, "added", None, D(2026, 6, 1), None),
        DateChange(*crm, "Old step", True, "removed", D(2026, 4, 15), None, None),
    ]


def test_a_rebaseline_without_forecasts_is_one_move() -> None:
    from generator.analytics.diff import _finish
    from generator.data.model import Project

    fields = {"name": "X", "program": "p1", "phase": "execution", "sponsor": "a.b", "manager": "a.b", "budget": 1}
    old = Project(id="xx", start=D(2026, 1, 1), finish=D(2026, 6, 1), **fields)
    new = Project(id="xx", start=D(2026, 1, 1), finish=D(2026, 6, 11), **fields)
    assert [(c.kind, c.days) for c in _finish(old, new)] == [("baseline", 10)]


def test_budget_changes(diff) -> None:
    assert diff.budget == [BudgetChange("crm", "Patient CRM", 100000, 120000, 20000)]


def test_new_closed_reopened_rescored_and_removed_risks(diff) -> None:
    seen = {(r.risk, r.change): (r.before, r.after) for r in diff.risks}
    assert seen == {
        ("R1", "re-scored"): (RiskState(3, 4, 12, "open"), RiskState(4, 4, 16, "open")),
        ("R2", "new"): (None, RiskState(2, 5, 10, "open")),
        ("R3", "closed"): (RiskState(2, 2, 4, "open"), RiskState(2, 2, 4, "closed")),
        ("R5", "reopened"): (RiskState(2, 3, 6, "closed"), RiskState(2, 3, 6, "open")),
        ("R4", "removed"): (RiskState(1, 1, 1, "open"), None),
    }
    assert [r.risk for r in diff.risks] == ["R1", "R2", "R3", "R5", "R4"]  # as the data lists them, removed last


def test_new_change_requests_and_decisions(diff) -> None:
    crm = ("crm", "Patient CRM")
    assert diff.change_requests == [
        ChangeRequestChange(*crm, "CR-2", "Video visits", "new", None, "pending", 30000, 10),
        ChangeRequestChange(*crm, "CR-3", "Extra report", "decided", "pending", "approved", 5000, 0),
        ChangeRequestChange(*crm, "CR-4", "Withdrawn idea", "removed", "pending", None, 1000, 0),
    ]


def test_no_change_is_an_empty_diff() -> None:
    a = prepare(read_portfolio(MINI), "pmo")
    same = compare(a, a, "x", "y")
    assert same.empty
    assert "No changes" in to_markdown(same)
    assert to_data(same)["empty"] is True


def test_markdown_lists_every_section(diff) -> None:
    text = to_markdown(diff)
    assert text.startswith("# Changes from before to after\n")
    for title in ("Projects", "RAG changed in the data", "Phase", "Dates", "Budget", "Risks", "Change requests"):
        assert f"\n## {title}\n" in text
    assert "| Patient CRM | Finish (forecast) | 2026-05-20 | 2026-06-30 | +41 d |" in text
    assert "| Patient CRM | €100,000 | €120,000 | +€20,000 |" in text
    assert "| Patient CRM | R1 Vendor capacity | re-scored | 12 (3 × 4) → 16 (4 × 4) |" in text
    assert "| Patient CRM | CR-3 Extra report | decided | pending → approved | €5,000 | 0 d |" in text
    assert "| Old one | `old-one` | removed from the data | Execution |" in text
    assert "| Patient CRM | Red → Amber | RAG override Amber set: Recovery plan agreed |" in text


def test_json_has_the_same_lists(diff) -> None:
    data = json.loads(json.dumps(to_data(diff)))
    assert data["base"] == {"label": "before", "as_of": "2026-03-02", "projects": 6}
    assert data["dates"][1] == {
        "project": "crm",
        "name": "Patient CRM",
        "date": "finish",
        "milestone": False,
        "kind": "forecast",
        "before": "2026-05-20",
        "after": "2026-06-30",
        "days": 41,
    }
    assert [c["change"] for c in data["projects"]] == ["added", "closed", "cancelled", "removed"]
    assert data["risks"][0]["after"] == {"probability": 4, "impact": 4, "exposure": 16, "status": "open"}


def test_data_text_is_inert_in_markdown() -> None:
    hostile = "Evil | <img src=x onerror=alert(1)> [click](https://x.test) **bold** `code`"
    escaped = markdown_text(hostile)
    assert "|" not in escaped.replace("\\|", "")
    assert "<" not in escaped.replace("\\<", "")
    assert "[" not in escaped.replace("\\[", "") and "`" not in escaped.replace("\\`", "")
    assert markdown_text("two\nlines") == "two lines"


def test_the_org_audience_hides_pmo_only_changes(states: tuple[Path, Path], tmp_path: Path) -> None:
    before, after = states
    secret = tmp_path / "after"
    shutil.copytree(after, secret)
    (secret / "projects" / "secret.yaml").write_text(project("Secret merger", "planning", "visibility: pmo\n"))
    org = compare(prepare(read_portfolio(before), "org"), prepare(read_portfolio(secret), "org"), "a", "b")
    pmo = compare(prepare(read_portfolio(before), "pmo"), prepare(read_portfolio(secret), "pmo"), "a", "b")
    assert "secret" not in json.dumps(to_data(org))
    assert "secret" in [c.project for c in pmo.projects]


# --- the command -----------------------------------------------------------------------------------------------


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_diff_of_two_folders(states: tuple[Path, Path]) -> None:
    before, after = states
    code, out = pmo("diff", str(before), str(after))
    assert code == 0, out
    assert out == to_markdown(compare(*(prepare(read_portfolio(f), "pmo") for f in states), str(before), str(after)))
    code, out = pmo("diff", str(before), str(after), "--format", "json")
    assert code == 0 and json.loads(out)["budget"][0]["change"] == 20000


def test_diff_of_git_revisions_and_the_working_tree(
    states: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, after = states
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(before, repo / "portfolio")
    first = commit_all(repo, "before")
    shutil.rmtree(repo / "portfolio")
    shutil.copytree(after, repo / "portfolio")
    commit_all(repo, "after")
    monkeypatch.chdir(repo)
    code, out = pmo("diff", first[:8], "HEAD", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert (data["base"]["label"], data["head"]["label"]) == (first[:8], "HEAD")
    assert data["budget"][0]["change"] == 20000 and len(data["risks"]) == 5
    # HEAD defaults to the working tree, uncommitted edits included
    crm = repo / "portfolio" / "projects" / "crm.yaml"
    crm.write_text(crm.read_text().replace("budget: 120000", "budget: 130000"))
    code, out = pmo("diff", "HEAD")
    assert code == 0, out
    assert "# Changes from HEAD to the working tree" in out and "+€10,000" in out
    # a subfolder of the repository works as well as its top
    monkeypatch.chdir(repo / "portfolio")
    assert pmo("diff", "HEAD", "--data", ".")[0] == 0


def test_invalid_data_on_either_side_is_reported(states: tuple[Path, Path], tmp_path: Path, monkeypatch) -> None:
    before, _ = states
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(before, repo / "portfolio")
    commit_all(repo, "good")
    crm = repo / "portfolio" / "projects" / "crm.yaml"
    crm.write_text(crm.read_text().replace("budget: 100000", "budget: lots"))
    commit_all(repo, "bad")
    monkeypatch.chdir(repo)
    code, out = pmo("diff", "HEAD~1", "HEAD")
    assert code == 1
    assert "HEAD:portfolio/projects/crm.yaml:" in out and "budget" in out
    code, out = pmo("diff", "HEAD", str(before))  # the working tree as a folder: the same file, named as it is
    assert code == 1 and "HEAD:portfolio/projects/crm.yaml" in out


def test_an_unknown_revision_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(MINI, repo / "portfolio")
    commit_all(repo, "one")
    monkeypatch.chdir(repo)
    code, out = pmo("diff", "no-such-branch")
    assert code == 2 and "no-such-branch" in out
    code, out = pmo("diff", "--", "--output=/tmp/x")
    assert code == 2


def test_a_revision_outside_a_repository_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(MINI, tmp_path / "portfolio")
    monkeypatch.chdir(tmp_path)
    code, out = pmo("diff", "HEAD~1")
    assert code == 2 and "not in a git repository" in out


# --- the page of a published version -------------------------------------------------------------------------------


def test_changes_page_of_a_version(states: tuple[Path, Path]) -> None:
    before, after = (read_portfolio(folder) for folder in states)
    tree = site_tree(after, "org", None, {}, baseline=Baseline("2026-09", "2026-10", before))
    page = html.unescape(unmark(tree.pages[CHANGES]))
    assert 'title: "Changes since 2026-09"' in page
    assert "From 2026-09 (as of 2026-03-02, 6 projects) to 2026-10 (as of 2026-03-02, 6 projects)." in page
    assert '<a href="../projects/crm/">Patient CRM</a>' in page  # projects of this version link to their page
    assert "<td>Old one</td>" in page  # a removed project has no page to link to
    assert "## Risks" in page and "12 (3 × 4) → 16 (4 × 4)" in page
    home = unmark(tree.pages["index.md"])
    assert "[Changes since 2026-09](changes.md)" in home
    assert tree.nav[1] == {"Changes since 2026-09": CHANGES}


def test_changes_page_says_why_there_is_no_list() -> None:
    portfolio = read_portfolio(MINI)
    baseline = Baseline("2026-09", "2026-10", None, "its data (commit abc1234) is not in this clone")
    page = html.unescape(site_tree(portfolio, "org", None, {}, baseline=baseline).pages[CHANGES])
    assert "What changed since 2026-09 cannot be shown: its data (commit abc1234) is not in this clone." in page


def test_no_baseline_no_page_and_no_link() -> None:
    tree = site_tree(read_portfolio(MINI), "org", None, {})
    assert CHANGES not in tree.pages
    assert "Changes since" not in tree.pages["index.md"] and "Changes since" not in str(tree.nav)
