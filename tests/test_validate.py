"""Validation: one test per kind of error, asserting the message and the line; all errors together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.data.load import load_portfolio
from generator.data.validate import validate_portfolio
from generator.errors import PortfolioError, Problem, format_problems

from .conftest import MINI, Edit


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(PortfolioError) as info:
        validate_portfolio(load_portfolio(folder))
    return info.value.problems


def only(folder: Path) -> Problem:
    found = problems(folder)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_fixture_is_valid() -> None:
    portfolio = validate_portfolio(load_portfolio(MINI))
    assert sorted(portfolio.projects) == ["crm", "identity"]
    assert portfolio.projects["crm"].milestones[1].forecast.isoformat() == "2026-05-20"


def test_unknown_key_suggests_the_field(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "summary:", "sumary:")
    p = only(mini)
    assert (p.file.endswith("projects/crm.yaml"), p.line, p.field) == (True, 9, "sumary")
    assert p.message == 'unknown field "sumary"; did you mean "summary"?'


def test_unknown_nested_key_suggests_the_field(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "forecast: 2026-05-20}", "forcast: 2026-05-20}")
    p = only(mini)
    assert (p.line, p.field) == (19, "milestones[1].forcast")
    assert 'did you mean "forecast"?' in p.message


def test_bad_date_message_matches_the_contract(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "forecast: 2026-05-20}", "forecast: next week}")
    p = only(mini)
    assert str(p).endswith('crm.yaml:19: milestones[1].forecast: expected a date like 2026-03-31, got "next week"')


@pytest.mark.parametrize("value", ["2026-02-30", "31/03/2026", "20260331", "2026-3-31"])
def test_dates_are_iso_only(mini: Path, edit: Edit, value: str) -> None:
    edit("projects/crm.yaml", "start: 2026-01-01", f"start: {value}")
    p = only(mini)
    assert (p.line, p.field) == (12, "start") and "expected a date like 2026-03-31" in p.message


def test_wrong_type(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "budget: 100000", "budget: 1,000 EUR")
    p = only(mini)
    assert (p.line, p.field) == (15, "budget")
    assert p.message.startswith("expected a number") and '"1,000 EUR"' in p.message


def test_list_expected(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "objectives: [digital-care]", "objectives: digital-care")
    p = only(mini)
    assert (p.line, p.field) == (6, "objectives") and p.message.startswith("expected a list")


def test_out_of_range_score(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "probability: 3", "probability: 7")
    p = only(mini)
    assert (p.line, p.field, p.message) == (24, "risks[0].probability", "must be at most 5, got 7")


def test_vocabulary_suggests_the_value(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "phase: execution", "phase: Execution")
    p = only(mini)
    assert (p.line, p.field) == (4, "phase")
    assert p.message.endswith('got "Execution"; did you mean "execution"?')


def test_booleans_are_only_true_or_false(mini: Path, edit: Edit) -> None:
    edit("portfolio.yaml", "inverse: true", "inverse: yes")
    p = only(mini)
    assert (p.line, p.field) == (13, "scoring.criteria[3].inverse")
    assert p.message == 'expected true or false, got "yes"'


def test_missing_required_field_points_at_its_parent(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "  - {name: Go-live, baseline: 2026-05-01, ", "  - {name: Go-live, ")
    p = only(mini)
    assert (p.line, p.field, p.message) == (19, "milestones[1].baseline", "required field is missing")


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "field", "message"),
    [
        (
            "projects/crm.yaml",
            "manager: a.okafor",
            "manager: a.okafr",
            8,
            "manager",
            'unknown person "a.okafr"; did you mean "a.okafor"?',
        ),
        (
            "projects/crm.yaml",
            "program: front-door",
            "program: frontdoor",
            2,
            "program",
            'unknown program "frontdoor"; did you mean "front-door"?',
        ),
        (
            "projects/crm.yaml",
            "team: web-platform, fte",
            "team: web-platfrom, fte",
            34,
            "resources[0].team",
            'unknown team "web-platfrom"; did you mean "web-platform"?',
        ),
        (
            "projects/crm.yaml",
            "objectives: [digital-care]",
            "objectives: [digital-cares]",
            6,
            "objectives[0]",
            'unknown objective "digital-cares"; did you mean "digital-care"?',
        ),
        (
            "projects/crm.yaml",
            "project: identity,",
            "project: identiti,",
            28,
            "dependencies[0].project",
            'unknown project "identiti"; did you mean "identity"?',
        ),
        ("programs/front-door.yaml", "manager: j.berg", "manager: nobody", 2, "manager", 'unknown person "nobody"'),
        (
            "people.yaml",
            "team: web-platform}",
            "team: webplatform}",
            3,
            "people[1].team",
            'unknown team "webplatform"; did you mean "web-platform"?',
        ),
    ],
)
def test_unknown_references(
    mini: Path, edit: Edit, file: str, old: str, new: str, line: int, field: str, message: str
) -> None:
    edit(file, old, new)
    p = only(mini)
    assert (p.file.endswith(file), p.line, p.field, p.message) == (True, line, field, message)


def test_duplicate_ids(mini: Path, edit: Edit) -> None:
    edit(
        "projects/crm.yaml",
        "issues:",
        "  - {id: R1, title: Again, probability: 1, impact: 1, owner: a.okafor}\nissues:",
    )
    edit("people.yaml", "teams:", "  - {id: m.chen, name: Another Mei}\nteams:")
    found = {(Path(p.file).name, p.line, p.field): p.message for p in problems(mini)}
    assert found == {
        ("crm.yaml", 25, "risks[1].id"): 'duplicate risk id "R1" (also risks[0])',
        ("people.yaml", 5, "people[3].id"): 'duplicate person id "m.chen" (also people[0])',
    }


def test_id_must_match_file_name(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", "id: patient-crm\nname: Patient CRM")
    p = only(mini)
    assert (p.line, p.field) == (1, "id")
    assert p.message == '"patient-crm" does not match the file name "crm.yaml": the file name is the id'


@pytest.mark.parametrize(("name", "reason"), [("Bad_Name", "not a valid id"), ("index", "reserved name")])
def test_file_name_must_be_a_valid_id(mini: Path, name: str, reason: str) -> None:
    (mini / "projects" / "identity.yaml").rename(mini / "projects" / f"{name}.yaml")
    found = problems(mini)
    assert any(p.file.endswith(f"{name}.yaml") and reason in p.message for p in found), found


def test_dependency_cycle(mini: Path, edit: Edit) -> None:
    edit("projects/identity.yaml", "milestones:", "dependencies:\n  - {project: crm}\nmilestones:")
    p = only(mini)
    assert (Path(p.file).name, p.line, p.field) == ("identity.yaml", 11, "dependencies[0].project")
    assert p.message == "dependency cycle: crm → identity → crm"


def test_finish_before_start(mini: Path, edit: Edit) -> None:
    edit("projects/identity.yaml", "finish: 2025-12-31", "finish: 2025-01-31")
    p = only(mini)
    assert (p.line, p.field, p.message) == (8, "finish", "finish 2025-01-31 is before start 2025-06-01")


def test_yaml_duplicate_key(mini: Path, edit: Edit) -> None:
    edit("projects/identity.yaml", "budget: 50000", "budget: 50000\nbudget: 60000")
    p = only(mini)
    assert (p.line, p.message) == (10, 'duplicate key "budget" (first given on line 9)')


def test_status_reports_oldest_first(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "{date: 2026-02-28,", "{date: 2026-01-15,")
    p = only(mini)
    assert (p.line, p.field) == (22, "status[1].date") and "oldest first" in p.message


def test_weights_must_sum_to_one(mini: Path, edit: Edit) -> None:
    edit("portfolio.yaml", "weight: 0.35", "weight: 0.45")
    p = only(mini)
    assert (p.line, p.field) == (9, "scoring.criteria") and "add up to 1.1" in p.message


@pytest.mark.parametrize(("value", "stays"), [("no", "no"), ("1.10", "1.10"), ("012", "012"), ("on", "on")])
def test_yaml_11_values_stay_text(mini: Path, edit: Edit, value: str, stays: str) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", f"name: {value}")
    portfolio = validate_portfolio(load_portfolio(mini))
    assert portfolio.projects["crm"].name == stays


def test_all_errors_of_a_run_are_reported_together(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "phase: execution", "phase: running")
    edit("projects/identity.yaml", "finish: 2025-12-31", "finish: 2025-01-31")
    edit("people.yaml", "capacity_fte: 6", "capacity_fte: lots")
    (mini / "requests" / "broken.yaml").write_text("name: [unclosed\n")
    found = problems(mini)
    files = sorted({Path(p.file).name for p in found})
    assert files == ["broken.yaml", "crm.yaml", "identity.yaml", "people.yaml"], found


def test_the_errors_of_one_file_do_not_hide_its_other_problems(mini: Path, edit: Edit) -> None:
    """A typo, a wrong optional value and a wrong id do not stop the references, dates and item checks of the
    same file: one run lists them all."""
    edit("projects/crm.yaml", "name: Patient CRM", "id: patient-crm\nname: Patient CRM")  # line 1
    edit("projects/crm.yaml", "sponsor: m.chen", "sponsor: m.chenn")  # line 8
    edit("projects/crm.yaml", "summary: One CRM", "sumary: One CRM")  # line 10
    edit("projects/crm.yaml", "finish: 2026-05-01", "finish: 2025-05-01")  # line 14
    edit("projects/crm.yaml", "forecast: 2026-02-10, actual", "forecast: soon, actual")  # line 19
    edit("projects/crm.yaml", "owner: a.okafor, status: open, mitigation", "owner: nobody, status: open, mitigation")
    found = {(p.line, p.field): p.message for p in problems(mini)}
    assert found == {
        (1, "id"): '"patient-crm" does not match the file name "crm.yaml": the file name is the id',
        (8, "sponsor"): 'unknown person "m.chenn"; did you mean "m.chen"?',
        (10, "sumary"): 'unknown field "sumary"; did you mean "summary"?',
        (14, "finish"): "finish 2025-05-01 is before start 2026-01-01",
        (19, "milestones[0].forecast"): 'expected a date like 2026-03-31, got "soon"',
        (25, "risks[0].owner"): 'unknown person "nobody"',
    }, found


def test_a_file_whose_required_field_is_wrong_still_reports_its_other_errors(mini: Path, edit: Edit) -> None:
    """Without a valid required field no model can be made; its references are checked from the raw file."""
    edit("projects/crm.yaml", "phase: execution", "phase: running")
    edit("projects/crm.yaml", "summary: One CRM", "sumary: One CRM")
    edit("projects/crm.yaml", "sponsor: m.chen", "sponsor: m.chenn")
    found = {(p.line, p.field) for p in problems(mini)}
    assert found == {(4, "phase"), (7, "sponsor"), (9, "sumary")}, found


def test_schema_errors_and_unknown_ids_of_one_file_are_reported_in_one_run(mini: Path, edit: Edit) -> None:
    """A schema error that leaves no model (a wrong required field) does not hold back the file's unknown ids:
    one CI run shows all three, each once, with file, line, field and a suggestion."""
    edit("projects/crm.yaml", "phase: execution", "phase: running")
    edit("projects/crm.yaml", "program: front-door", "program: frontdoor")
    edit("projects/crm.yaml", "manager: a.okafor", "manager: a.okafr")
    assert [str(p) for p in problems(mini)] == [
        f"{mini}/projects/crm.yaml:2: program: " + 'unknown program "frontdoor"; did you mean "front-door"?',
        f"{mini}/projects/crm.yaml:4: phase: expected one of proposal, approved, planning, execution, closing, "
        'closed, cancelled, on-hold; got "running"; did you mean "planning"?',
        f"{mini}/projects/crm.yaml:8: manager: " + 'unknown person "a.okafr"; did you mean "a.okafor"?',
    ]


def test_references_of_a_file_without_a_model_skip_the_values_that_failed(mini: Path, edit: Edit) -> None:
    """A list item with a wrong value leaves no model either: the other items' references are still checked,
    and a reference whose own value is malformed gets its schema message only, not also "unknown"."""
    edit("projects/crm.yaml", "probability: 3", "probability: 7")
    edit("projects/crm.yaml", "owner: a.okafor, status: open, due", "owner: Not An Id, status: open, due")
    edit("projects/crm.yaml", "{team: web-platform,", "{team: webplatform,")
    edit("projects/crm.yaml", "{strategic_fit: 5,", "{strategic_fitt: 5,")
    found = {(p.line, p.field): p.message for p in problems(mini)}
    assert found == {
        (16, "scores.strategic_fitt"): 'unknown scoring criterion "strategic_fitt"; did you mean "strategic_fit"?',
        (16, "scores"): "every criterion needs a score; missing: strategic_fit",
        (24, "risks[0].probability"): "must be at most 5, got 7",
        (26, "issues[0].owner"): 'expected a person id of lowercase letters, digits, dots and hyphens, got "Not An Id"',
        (34, "resources[0].team"): 'unknown team "webplatform"; did you mean "web-platform"?',
    }, found


def test_people_file_without_a_model_still_checks_its_teams(mini: Path, edit: Edit) -> None:
    edit("people.yaml", "capacity_fte: 6", "capacity_fte: lots")
    text = (mini / "people.yaml").read_text()
    team = text.split("team: ", 1)[1].split(",", 1)[0].split("}", 1)[0].strip()
    edit("people.yaml", f"team: {team}", f"team: {team}x")
    found = {p.field: p.message for p in problems(mini)}
    assert any(f.endswith(".team") and f'unknown team "{team}x"' in m for f, m in found.items()), found
    assert any(f.endswith("capacity_fte") for f in found), found


def test_unexpected_files_and_folders(mini: Path) -> None:
    (mini / "projects" / "extra.yml").write_text("name: x\n")
    (mini / "project").mkdir()
    messages = {Path(p.file).name: p.message for p in problems(mini)}
    assert 'rename it to end in ".yaml"' in messages["extra.yml"]
    assert 'did you mean "projects"?' in messages["project"]


def test_missing_required_file(mini: Path) -> None:
    (mini / "people.yaml").unlink()
    p = only(mini)
    assert p.file.endswith("people.yaml") and p.message == "required file is missing"


def test_output_formats() -> None:
    found = [Problem("portfolio/projects/a.yaml", 3, "budget", 'expected a number, got "x"\nsecond line')]
    assert format_problems(found, "github") == (
        '::error file=portfolio/projects/a.yaml,line=3::budget: expected a number, got "x"%0Asecond line'
    )
    assert '"line": 3' in format_problems(found, "json")
    assert format_problems(found, "text").startswith("portfolio/projects/a.yaml:3: budget: ")


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "field", "message"),
    [
        (
            "projects/crm.yaml",
            "manager: a.okafor",
            "manager: Ada Okafor",
            8,
            "manager",
            'expected a person id of lowercase letters, digits, dots and hyphens, got "Ada Okafor"; '
            'that is the name of "a.okafor": write the id',
        ),
        (
            "projects/crm.yaml",
            "start: 2026-01-01",
            "start: 31/12/2025",
            12,
            "start",
            'expected a date like 2026-03-31, got "31/12/2025"; did you mean 2025-12-31?',
        ),
        (
            "portfolio.yaml",
            "currency: EUR",
            "currency: eur",
            3,
            "currency",
            'expected a three-letter currency code in capitals like EUR, got "eur"; did you mean "EUR"?',
        ),
        (
            "projects/crm.yaml",
            "rag: amber, percent_complete: 40",
            "rag: yellow, percent_complete: 40",
            22,
            "status[1].rag",
            'expected one of green, amber, red; got "yellow"; did you mean "amber"?',
        ),
        (
            "projects/crm.yaml",
            "actual_cost: 45000,",
            "actual_cost: 45,000,",
            22,
            "status[1].000",
            'unexpected field "000": a comma inside { } starts a new field; write numbers without thousands '
            "separators (760000) and decimals with a dot (3.5)",
        ),
    ],
)
def test_messages_say_what_was_probably_meant(
    mini: Path, edit: Edit, file: str, old: str, new: str, line: int, field: str, message: str
) -> None:
    edit(file, old, new)
    p = only(mini)
    assert (p.line, p.field, p.message) == (line, field, message)


def test_a_number_as_a_top_level_key_is_an_unknown_field_not_a_comma_in_braces(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", "name: Patient CRM\n2026: budget year")
    p = only(mini)
    assert (p.line, p.field) == (2, "2026")
    assert p.message.startswith('unknown field "2026"; allowed fields: benefits,') and "comma" not in p.message


def test_an_empty_value_means_not_given(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "summary: One CRM for every patient contact.", "summary:")
    assert validate_portfolio(load_portfolio(mini)).projects["crm"].summary == ""
    edit("projects/crm.yaml", "budget: 100000", "budget:")
    p = only(mini)
    assert (p.line, p.field, p.message) == (15, "budget", "required field is missing")


# Warnings: placeholders left in valid data ------------------------------------------------------------


def validate_cli(folder: Path, *args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["validate", "--data", str(folder), *args])
    return result.exit_code, result.output


def test_todo_markers_are_warnings_with_file_line_and_field(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "summary: One CRM for every patient contact.", "summary: TODO")
    edit("projects/crm.yaml", "budget: 100000", "budget: 100000  # todo: the approved figure")
    edit("projects/crm.yaml", "name: Patient CRM", 'name: "Patient # CRM"  # not a marker')
    code, output = validate_cli(mini)
    assert code == 0, output
    crm = f"{mini}/projects/crm.yaml"
    assert output.splitlines() == [
        f"{crm}:9: warning: summary: the value says TODO: a placeholder, replace it with the real value",
        f'{crm}:15: warning: budget: a "# TODO" comment is left here: put in the real value, then delete the comment',
        f"{mini}: valid — 2 projects, 1 programs, 1 requests; 2 warnings: placeholders left in the data (a TODO, "
        "or a 0 that stands for a value not entered; they do not fail validation).",
    ]
    code, output = validate_cli(mini, "--format", "github")
    assert code == 0 and output.splitlines() == [
        f"::warning file={crm},line=9::summary: the value says TODO: a placeholder, replace it with the real value",
        f'::warning file={crm},line=15::budget: a "# TODO" comment is left here: put in the real value, then delete '
        "the comment",
    ]
    code, output = validate_cli(mini, "--format", "json")
    assert code == 0 and [(w["line"], w["severity"]) for w in json.loads(output)] == [(9, "warning"), (15, "warning")]


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "field", "message"),
    [
        (
            "projects/crm.yaml",
            "budget: 100000",
            "budget: 0",
            15,
            "budget",
            "0 on a project in phase execution: a placeholder (a project past approval has an approved budget); "
            "enter the budget at completion, or list budget under withheld with the reason",
        ),
        (
            "projects/crm.yaml",
            "planned: 40000",
            "planned: 0.0",
            32,
            "benefits[0].planned",
            "0: a placeholder (a benefit plans some amount); enter the amount planned",
        ),
        (
            "requests/chatbot.yaml",
            "estimated_cost: 80000",
            "estimated_cost: 0",
            5,
            "estimated_cost",
            "0 on a request at stage assessed: a placeholder (an assessed request has been costed); enter the estimate",
        ),
    ],
)
def test_placeholder_zeros_are_warnings(
    mini: Path, edit: Edit, file: str, old: str, new: str, line: int, field: str, message: str
) -> None:
    edit(file, old, new)
    code, output = validate_cli(mini)
    assert code == 0, output
    assert output.splitlines()[0] == f"{mini}/{file}:{line}: warning: {field}: {message}"
    assert "1 warning: placeholders left in the data" in output


def test_zeros_that_can_be_real_are_not_warned_about(mini: Path, edit: Edit) -> None:
    """A proposal has no budget yet; nothing is realized of a benefit at first; a submitted request is not costed."""
    edit("projects/crm.yaml", "phase: execution", "phase: proposal")
    edit("projects/crm.yaml", "budget: 100000", "budget: 0")
    edit("requests/chatbot.yaml", "stage: assessed", "stage: submitted")
    edit("requests/chatbot.yaml", "estimated_cost: 80000", "estimated_cost: 0")
    assert "realized: 0" in (mini / "projects/crm.yaml").read_text()
    code, output = validate_cli(mini)
    assert (code, "warning" in output) == (0, False), output


def test_warnings_come_with_the_errors_of_the_same_run(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "phase: execution", "phase: running")
    edit("projects/identity.yaml", "budget: 50000", "budget: 50000  # TODO")
    code, output = validate_cli(mini)
    assert code == 1
    lines = output.splitlines()
    assert lines[0].startswith(f"{mini}/projects/crm.yaml:4: phase: expected one of")
    assert lines[1].startswith(f"{mini}/projects/identity.yaml:9: warning: budget: ")
    assert lines[2] == (
        "1 problem found, and 1 warning: placeholders left in the data (a TODO, or a 0 that stands for a value not "
        "entered; they do not fail validation)."
    )


def test_the_sample_portfolio_has_no_placeholders() -> None:
    from generator.data.leftovers import leftovers

    from .conftest import SAMPLE

    assert leftovers(load_portfolio(SAMPLE)) == []


def test_the_handbook_s_warning_example_is_what_pmo_validate_prints(
    mini: Path, edit: Edit, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import ROOT

    edit("projects/crm.yaml", "budget: 100000", "budget: 0")
    monkeypatch.chdir(mini.parent)
    code, output = validate_cli(Path("portfolio"))
    page = (ROOT / "methodology" / "editing-the-portfolio.md").read_text()
    example = page.split("labelled `warning:`.")[1].split("```\n")[1]
    assert code == 0 and output.splitlines()[0] == example.strip()
