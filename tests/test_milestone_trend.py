"""Milestone trend analysis: the forecast history from published versions or the data's git log, the trend lines,
the milestones that keep moving, forecast accuracy, the chart and the pages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import altair as alt
import pytest
from click.testing import CliRunner

from generator.analytics.milestone_trend import (
    ForecastHistory,
    Line,
    Period,
    Point,
    Reading,
    forecast_accuracy,
    keyed,
    project_trend,
    streak,
)
from generator.charts.specs import full_spec, template
from generator.cli import main
from generator.io import forecast_history as history_module
from generator.io import gitdata
from generator.io.forecast_history import forecast_history
from generator.pages.milestone_trend import trend_section
from generator.pipeline import read_portfolio, site_tree

from .conftest import MINI
from .gitrepo import commit_all, git, identity, site_repo
from .trend_repo import history_repo, publish_by_hand, set_period

__all__ = ["identity"]  # the fixture, used by name

if TYPE_CHECKING:
    from pathlib import Path

D = dt.date.fromisoformat
CURRENT = ("2026-03-02", [("Design sign-off", "2026-02-10", "2026-02-12"), ("Go-live", "2026-06-20", None)])
# Go-live slips three periods running (+10, +10, +20 days), then once more in the current data (+30).
PERIODS = [
    ("2025-10-31", [("Design sign-off", "2026-01-31", None), ("Go-live", "2026-05-01", None)]),
    ("2025-11-30", [("Design sign-off", "2026-02-05", None), ("Go-live", "2026-05-11", None)]),
    ("2025-12-31", [("Design sign-off", "2026-02-10", None), ("Go-live", "2026-05-21", None)]),
    ("2026-01-31", [("Design sign-off", "2026-02-10", None), ("Go-live", "2026-06-10", None)]),
]


def line(*values: str, reached: bool = False) -> Line:
    """A line with a point per month-end period from 2025-12-31; the last one on the diagonal when `reached`."""
    points = [Point(D(f"2026-{m + 1:02d}-01") - dt.timedelta(days=1), D(v), False, "") for m, v in enumerate(values)]
    if reached:
        points[-1] = Point(D(values[-1]), D(values[-1]), True, "")
    return Line("Go-live", points)


# --- milestones that keep moving ----------------------------------------------------------------------------------


def test_exactly_three_moves_the_same_way_make_a_streak() -> None:
    found = streak(line("2026-06-01", "2026-06-11", "2026-06-21", "2026-07-11"))
    assert found is not None
    assert found.moves == [10, 10, 20] and found.total == 40 and found.direction == "slipping"
    assert found.periods == [D("2025-12-31"), D("2026-01-31"), D("2026-02-28"), D("2026-03-31")]


def test_two_moves_are_not_a_streak() -> None:
    assert streak(line("2026-06-01", "2026-06-11", "2026-06-21")) is None
    assert streak(line("2026-06-01", "2026-06-11", "2026-06-21", "2026-06-21", "2026-07-01")) is None  # a pause


def test_a_move_then_back_is_not_a_streak() -> None:
    assert streak(line("2026-06-01", "2026-06-11", "2026-06-01", "2026-06-11")) is None


def test_pulled_in_three_times_is_a_streak_and_the_latest_run_counts() -> None:
    found = streak(
        line("2026-06-01", "2026-05-25", "2026-05-20", "2026-05-10", "2026-05-30", "2026-06-09", "2026-06-19")
    )
    assert found is not None and found.moves == [20, 10, 10] and found.direction == "slipping"  # the later run
    pulled = streak(line("2026-06-01", "2026-05-25", "2026-05-20", "2026-05-10"))
    assert pulled is not None and pulled.total == -22 and pulled.direction == "pulled in"


# --- forecast accuracy --------------------------------------------------------------------------------------------


def test_accuracy_is_the_mean_absolute_slip_of_earlier_forecasts_by_horizon() -> None:
    periods = [
        Period(D("2026-01-31"), "", {"A": Reading(D("2026-03-01"), None), "B": Reading(D("2026-09-01"), None)}),
        Period(D("2026-02-28"), "", {"A": Reading(D("2026-03-10"), None), "B": Reading(D("2026-09-01"), None)}),
        Period(
            D("2026-03-31"), "", {"A": Reading(D("2026-03-15"), D("2026-03-15")), "B": Reading(D("2026-09-01"), None)}
        ),
    ]
    accuracy = forecast_accuracy(periods)
    # A was forecast 14 days off 43 days ahead and 5 days off 15 days ahead; B is not reached and does not count
    assert accuracy.mean == 9.5 and accuracy.forecasts == 2 and accuracy.milestones == 1
    assert accuracy.by_horizon == [
        ("up to 30 days ahead", 5.0, 1),
        ("31 to 90 days ahead", 14.0, 1),
        ("more than 90 days ahead", None, 0),
    ]


def test_accuracy_is_undefined_with_a_reason_never_zero() -> None:
    open_only = [Period(D("2026-01-31"), "", {"A": Reading(D("2026-03-01"), None)})] * 2
    assert forecast_accuracy(open_only).mean is None
    assert forecast_accuracy(open_only).why == "no milestone has been reached yet"
    reached_before = [
        Period(D("2026-01-31"), "", {"A": Reading(D("2026-01-10"), D("2026-01-10"))}),
        Period(D("2026-02-28"), "", {"A": Reading(D("2026-01-10"), D("2026-01-10"))}),
    ]
    assert forecast_accuracy(reached_before).mean is None
    assert "earlier reporting period" in forecast_accuracy(reached_before).why


# --- the history from git -----------------------------------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return history_repo(tmp_path / "repo", MINI, "crm", PERIODS, CURRENT)


def test_git_log_gives_one_period_per_as_of_the_last_commit_standing(data: Path) -> None:
    repo = data.parent
    milestones = [("Design sign-off", "2026-02-10", None), ("Go-live", "2026-06-15", None)]  # a correction
    set_period(data, "crm", "2026-01-31", milestones)
    git(repo, "commit", "-qam", "correct January", date="2026-02-03T09:00:00+00:00")
    correction = git(repo, "rev-parse", "HEAD").strip()
    history = forecast_history(data, D("2026-03-02"))
    assert history.source == "git" and history.where == "the git history of portfolio/"
    crm = history.periods["crm"]
    assert [p.as_of for p in crm] == [D("2025-10-31"), D("2025-11-30"), D("2025-12-31"), D("2026-01-31")]
    assert crm[-1].label == f"commit {correction[:7]}" and crm[-1].milestones["Go-live"].forecast == D("2026-06-15")
    assert set(history.periods) == {"crm", "identity"}  # every project, from the same pass


def test_the_current_reporting_date_and_later_are_left_to_the_data_being_built(data: Path) -> None:
    history = forecast_history(data, D("2025-12-31"))
    assert [p.as_of for p in history.periods["crm"]] == [D("2025-10-31"), D("2025-11-30")]


def test_the_history_is_read_in_a_few_git_calls_whatever_the_number_of_projects(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def calls() -> int:
        count = 0
        run, popen = subprocess.run, subprocess.Popen

        def counting_run(*args: object, **kwargs: object) -> object:
            nonlocal count
            count += 1
            return run(*args, **kwargs)  # type: ignore[call-overload]

        def counting_popen(*args: object, **kwargs: object) -> object:
            nonlocal count
            count += 1
            return popen(*args, **kwargs)  # type: ignore[call-overload]

        with monkeypatch.context() as patch:
            patch.setattr(gitdata.subprocess, "run", counting_run)
            patch.setattr(gitdata.subprocess, "Popen", counting_popen)
            forecast_history(data, D("2026-03-02"))
        return count

    few = calls()
    for n in range(40):
        shutil.copy(data / "projects/identity.yaml", data / f"projects/extra-{n:02d}.yaml")
    git(data.parent, "add", "-A")
    git(data.parent, "commit", "-qm", "more projects", date="2026-01-31T20:00:00+00:00")
    assert calls() == few < 10  # (subprocess.run counts twice: it opens a Popen)


def test_renamed_milestone_starts_a_new_line_and_the_page_says_so(tmp_path: Path) -> None:
    periods = [("2026-01-31", [("Go live", "2026-05-01", None)]), ("2026-02-15", [("Go live", "2026-05-10", None)])]
    data = history_repo(tmp_path / "repo", MINI, "crm", periods, ("2026-03-02", [("Go-live", "2026-05-20", None)]))
    history = forecast_history(data, D("2026-03-02"))
    trend = project_trend(
        history, "crm", Period(D("2026-03-02"), "current data", {"Go-live": Reading(D("2026-05-20"), None)})
    )
    assert [ln.milestone for ln in trend.lines] == ["Go live", "Go-live"]
    assert [len(ln.points) for ln in trend.lines] == [2, 1]
    assert trend.ended == [("Go live", D("2026-02-15"))]
    page = _pages(data)["projects/crm.md"]
    assert "a renamed milestone starts a new line" in page
    assert "“Go live” (last reported 2026-02-15)" in page


# --- no history ---------------------------------------------------------------------------------------------------


def test_a_plain_folder_has_no_history_and_the_page_says_so_without_a_chart(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    shutil.copytree(MINI, folder)
    history = forecast_history(folder, D("2026-03-02"))
    assert history.source == "none" and "not in a git repository" in history.missing
    pages = site_tree(read_portfolio(folder), "pmo", None, {}, forecasts=history).pages
    page = pages["projects/crm.md"]
    assert "The reporting history is missing: plain/ is not in a git repository" in page
    assert 'id="chart-milestone-trend"' not in page
    assert "Forecast accuracy:</strong> n/a: there is no earlier reporting period" in page
    assert "The reporting history is missing" in pages["performance.md"]


def test_a_shallow_clone_says_its_history_is_cut(data: Path, tmp_path: Path) -> None:
    repo = data.parent
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "current")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    history = forecast_history(clone / "portfolio", D("2026-03-02"))
    assert history.source == "none" and "shallow clone" in history.missing


def test_a_project_new_this_period_has_no_trend_yet(data: Path) -> None:
    history = forecast_history(data, D("2026-03-02"))
    trend = project_trend(
        history, "new-one", Period(D("2026-03-02"), "current data", {"A": Reading(D("2026-04-01"), None)})
    )
    assert trend.lines == [] and "no earlier reporting period" in trend.missing


# --- published versions first -------------------------------------------------------------------------------------


def test_published_versions_come_before_the_git_log(data: Path) -> None:
    repo = data.parent
    commits = git(repo, "log", "--reverse", "--format=%H").split()
    # two versions published, of the November and January commits; the git log has four periods
    publish_by_hand(repo, [("2025-11", "2025-11-30", commits[1]), ("2026-01", "2026-01-31", commits[3])])
    history = forecast_history(data, D("2026-03-02"))
    assert history.source == "versions" and history.where == "the published versions on gh-pages"
    crm = history.periods["crm"]
    assert [(p.as_of, p.label) for p in crm] == [
        (D("2025-11-30"), "version 2025-11"),
        (D("2026-01-31"), "version 2026-01"),
    ]
    assert crm[1].milestones["Go-live"].forecast == D("2026-06-10")


def test_versions_whose_commits_are_missing_fall_back_to_the_git_log(data: Path) -> None:
    publish_by_hand(data.parent, [("2025-11", "2025-11-30", "1" * 40)])
    assert forecast_history(data, D("2026-03-02")).source == "git"


# --- chart and pages ----------------------------------------------------------------------------------------------


def _pages(data: Path, audience: str = "pmo") -> dict[str, str]:
    history = forecast_history(data, read_portfolio(data).settings.as_of)
    return site_tree(read_portfolio(data), audience, None, {}, forecasts=history).pages  # type: ignore[arg-type]


def _spec(page: str) -> dict[str, object]:
    import html
    import json

    block = re.search(
        r'<script type="application/json" class="pmo-chart-spec" data-for="chart-milestone-trend">(.*?)</script>',
        page,
        re.S,
    )
    assert block is not None
    return full_spec(json.loads(html.unescape(block.group(1))))


def test_the_chart_is_the_classic_milestone_trend_chart(data: Path) -> None:
    spec = _spec(_pages(data)["projects/crm.md"])
    alt.LayerChart.from_dict(spec, validate=True)
    diagonal, lines, reached = spec["layer"]  # type: ignore[misc]
    assert diagonal["data"] == {"name": "diagonal"} and diagonal["mark"]["strokeDash"]
    assert diagonal["encoding"]["x"]["field"] == diagonal["encoding"]["y"]["field"] == "d"  # reporting = forecast
    assert lines["encoding"]["x"]["field"] == "r" and lines["encoding"]["y"]["field"] == "f"
    assert lines["encoding"]["color"]["field"] == "m"  # one line per milestone
    assert reached["transform"] == [{"filter": "datum.k == 'reached'"}] and reached["mark"]["shape"] == "diamond"
    points = spec["datasets"]["points"]  # type: ignore[index]
    go_live = [(p["r"], p["f"], p["mv"]) for p in points if p["m"] == "Go-live"]
    assert go_live == [
        ("2025-10-31", "2026-05-01", None),
        ("2025-11-30", "2026-05-11", 10),
        ("2025-12-31", "2026-05-21", 10),
        ("2026-01-31", "2026-06-10", 20),
        ("2026-03-02", "2026-06-20", 10),
    ]
    design = [(p["r"], p["f"], p["k"]) for p in points if p["m"] == "Design sign-off"]
    assert design[-1] == ("2026-02-12", "2026-02-12", "reached")  # the line ends on the diagonal
    assert spec["datasets"]["diagonal"] == [{"d": "2025-10-31"}, {"d": "2026-03-02"}]  # type: ignore[index]
    assert template("milestone_trend")["layer"] == spec["layer"]


def test_the_project_page_has_the_trend_its_table_and_its_accuracy(data: Path) -> None:
    page = _pages(data)["projects/crm.md"]
    section = page[page.index('id="milestone-trend"') : page.index('id="status"')]
    assert "5 periods from 2025-10-31 to 2026-03-02, read from the git history of the data" in section
    assert "<th>Reporting date</th><th>Read from</th><th>Design sign-off</th><th>Go-live</th>" in section
    assert "<td>2026-03-02</td><td>current data</td><td>reached 2026-02-12</td><td>2026-06-20</td>" in section
    # Design sign-off: forecast 2026-01-31 (12 days off), 02-05 (7), 02-10 (2), 02-10 (2) before it was reached
    assert "off by 5.8 days on average" in section and "over 4 forecasts of 1 reached milestone, made" in section
    assert (
        "<td>Go-live</td><td>slipping</td><td>+10 d at 2025-11-30, +10 d at 2025-12-31, +20 d at 2026-01-31, "
        "+10 d at 2026-03-02</td><td>+50 d</td>"
    ) in section
    assert "None recorded" not in section


def test_the_performance_page_lists_milestones_moving_three_periods_running(data: Path) -> None:
    page = _pages(data)["performance.md"]
    section = page[page.index('id="moving"') :]
    row = re.search(
        r"<tr><td><a href=\"(.*?)\">Patient CRM</a></td><td>Go-live</td><td>slipping</td>(.*?)</tr>", section
    )
    assert row is not None, section
    assert row.group(1) == "../projects/crm/#milestone-trend"
    # the latest run: +10 +10 +20 and the current +10 are four moves the same way
    assert "+10 d at 2025-11-30, +10 d at 2025-12-31, +20 d at 2026-01-31, +10 d at 2026-03-02" in row.group(2)
    assert "<td>+50 d</td><td>forecast 2026-06-20</td>" in row.group(2)
    assert "Design sign-off" not in section  # +5, +5, 0, reached: two moves, then a pause


def test_hidden_projects_stay_off_the_list(data: Path) -> None:
    crm = data / "projects" / "crm.yaml"
    crm.write_text(crm.read_text().replace("name: Patient CRM\n", "name: Patient CRM\nvisibility: pmo\n", 1))
    assert "Patient CRM" not in _pages(data, "org")["performance.md"]


def test_history_module_reads_each_distinct_file_once(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    read = history_module.read_objects

    def recording(root: Path, names: list[str], limit: int) -> dict[str, bytes | None]:
        seen.append(list(names))
        return read(root, names, limit)

    monkeypatch.setattr(history_module, "read_objects", recording)
    forecast_history(data, D("2026-03-02"))
    blobs = seen[-1]
    assert len(blobs) == len(set(blobs))
    assert ForecastHistory().source == "none"


def test_milestone_names_from_the_data_stay_text(tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)> {{ x }}"
    periods = [("2026-01-31", [(hostile, "2026-05-01", None)]), ("2026-02-15", [(hostile, "2026-05-10", None)])]
    data = history_repo(tmp_path / "repo", MINI, "crm", periods, ("2026-03-02", [("Go-live", "2026-05-20", None)]))
    page = _pages(data)["projects/crm.md"]
    outside_spec = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
    assert "<img" not in page and "{{" not in outside_spec  # the spec's JSON escapes < and > (chart_block)
    assert page.count("&#60;img src&#61;x onerror") == 2  # the table's heading and the renamed note, as text
    spec = _spec(page)
    assert hostile in {p["m"] for p in spec["datasets"]["points"]}  # type: ignore[index]  # text in the data, inert


@pytest.mark.parametrize(
    "text",
    [
        "name: X\nmilestones:\n- name: Go-live\n  baseline: 2026-05-01\n  forecast: 2026-05-20\nstatus: []\n",
        "name: X\nmilestones: [{name: Go-live, baseline: 2026-05-01, forecast: 2026-05-20}]\n",
        "milestones:\n  - name: Go-live\n    baseline: 2026-05-01  # comment\n\n    forecast: 2026-05-20",
        'name: "milestones:\n  x"\nmilestones:\n  - {name: Go-live, baseline: 2026-05-01, forecast: 2026-05-20}\n',
    ],
)
def test_an_old_file_gives_its_milestones_whatever_its_layout(text: str) -> None:
    milestones = history_module._milestones(text.encode())
    assert milestones == {"Go-live": Reading(D("2026-05-20"), None)}


def test_an_old_file_that_is_not_yaml_is_left_out() -> None:
    assert history_module._milestones(b"milestones: [unclosed\n") is None
    assert history_module._milestones(b"\xff\xfe") is None
    assert history_module._milestones(b"name: X\n") == {}


def test_pmo_publish_draws_each_version_from_the_versions_before_it(
    tmp_path: Path, identity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = site_repo(tmp_path / "repo", MINI)
    monkeypatch.chdir(repo)
    settings, crm = repo / "portfolio/portfolio.yaml", repo / "portfolio/projects/crm.yaml"
    previous = ("2026-03-02", "2026-05-20")
    for as_of, go_live in [("2026-09-30", "2026-05-20"), ("2026-10-31", "2026-06-10"), ("2026-11-30", "2026-06-30")]:
        settings.write_text(settings.read_text().replace(f"as_of: {previous[0]}", f"as_of: {as_of}"))
        crm.write_text(crm.read_text().replace(f"forecast: {previous[1]}}}", f"forecast: {go_live}}}"))
        commit_all(repo, as_of, date=f"{as_of}T12:00:00+00:00")
        result = CliRunner().invoke(main, ["publish"])
        assert result.exit_code == 0, result.output
        previous = (as_of, go_live)
    page = git(repo, "show", "gh-pages:2026-11/projects/crm/index.html")
    assert "3 periods from 2026-09-30 to 2026-11-30, read from published versions" in page
    assert (
        "<td>2026-10-31</td><td>version 2026-10</td>" in page and "<td>2026-09-30</td><td>version 2026-09</td>" in page
    )
    first = git(repo, "show", "gh-pages:2026-09/projects/crm/index.html")
    # the first version: no version before it, and no earlier as_of in git
    assert "neither a published version nor the git history of portfolio/ holds an earlier reporting date" in first


def test_milestones_reached_before_the_history_starts_are_not_drawn(tmp_path: Path) -> None:
    done = [("Design sign-off", "2026-01-10", "2026-01-10"), ("Go-live", "2026-01-20", "2026-01-20")]
    data = history_repo(tmp_path / "repo", MINI, "crm", [("2026-01-31", done)], ("2026-03-02", done))
    page = _pages(data)["projects/crm.md"]
    assert "there is no trend to draw" in page and 'id="chart-milestone-trend"' not in page
    assert "<td>2026-01-31</td>" in page  # the table still has the periods
    history = forecast_history(data, D("2026-03-02"))
    trend = project_trend(
        history, "crm", Period(D("2026-03-02"), "current data", keyed([(n, D(f), D(f)) for n, f, _ in done]))
    )
    assert trend_section(read_portfolio(data).projects["crm"], trend)[1] is False  # no chart, so no chart scripts


def test_a_merged_branch_counts_once_on_the_main_line(data: Path) -> None:
    repo = data.parent
    git(repo, "switch", "-qc", "february")
    set_period(
        data, "crm", "2026-02-28", [("Design sign-off", "2026-02-10", "2026-02-12"), ("Go-live", "2026-06-15", None)]
    )
    commit_all(repo, "February on a branch", date="2026-02-28T10:00:00+00:00")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "february", "-m", "merge February", date="2026-02-28T11:00:00+00:00")
    merge = git(repo, "rev-parse", "HEAD").strip()
    crm = forecast_history(data, D("2026-03-02")).periods["crm"]
    assert (crm[-1].as_of, crm[-1].label) == (D("2026-02-28"), f"commit {merge[:7]}")
    assert crm[-1].milestones["Go-live"].forecast == D("2026-06-15")
