"""Text is text: control and bidirectional characters are refused in every text field, naming the field and the
character, and the terminal output of validate, diff and import never carries one raw, whatever the data holds."""

from __future__ import annotations

import re
import shutil
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from generator.cli import main
from generator.data.model import Calendar, People, Program, Project, Request, Settings
from generator.errors import visible

from .conftest import MINI, Edit

# Everything the issue names: C0 but tab and line feed, DEL, C1, and the bidirectional overrides and isolates.
REFUSED = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))] + list(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pmo(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


def escaped(char: str) -> str:
    """The character as a YAML double-quoted escape: the file itself stays printable."""
    return f"\\u{ord(char):04x}"


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_every_refused_character_is_named(mini: Path, edit: Edit, char: str) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", f'name: "Patient{escaped(char)} CRM"')
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1
    kind = "bidirectional control character" if ord(char) > 0x9F else "control character"
    assert f"projects/crm.yaml:1: name: the {kind} U+{ord(char):04X} is not allowed in text" in output
    assert not RAW.search(output)


@pytest.mark.parametrize(
    ("name", "old", "new", "field"),
    [
        ("portfolio.yaml", "organization: Mini Health", 'organization: "Mini\\e Health"', "organization"),
        ("portfolio.yaml", '"Care online."', '"Care\\u202e online."', "objectives[0].description"),
        ("people.yaml", "name: Mei Chen", 'name: "Mei\\x85Chen"', "people[0].name"),
        ("people.yaml", "role: Sponsor", 'role: "Spon\\x7fsor"', "people[0].role"),
        ("calendar.yaml", "systems: [CRM, Portal]", 'systems: [CRM, "Por\\u2066tal"]', "events[0].systems[1]"),
        ("projects/crm.yaml", 'summary: "Kick-off done."', 'summary: "Kick-off\\r done."', "status[0].summary"),
        ("projects/crm.yaml", "title: Vendor capacity", 'title: "Vendor\\0 capacity"', "risks[0].title"),
        ("projects/crm.yaml", "decided_by: steering-committee", 'decided_by: "steering\\b"', "changes[0].decided_by"),
        ("projects/crm.yaml", "budget: 100000", 'withheld: {budget: "Exempt\\u202d"}', "withheld.budget"),
        ("requests/chatbot.yaml", "name: Patient chatbot", 'name: "Patient\\u200f chatbot"', "name"),
        ("programs/front-door.yaml", "name: Digital front door", 'name: "\\u202a Digital"', "name"),
    ],
)
def test_every_text_field_refuses_them(mini: Path, edit: Edit, name: str, old: str, new: str, field: str) -> None:
    edit(name, old, new)
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1
    located = rf"{re.escape(name)}:\d+: {re.escape(field)}: the (bidirectional )?control character U\+"
    assert re.search(located, output), output


def test_tabs_and_line_breaks_stay_allowed(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "summary: One CRM for every patient contact.", 'summary: "One\\tCRM,\\nfor all"')
    edit("projects/crm.yaml", "  Replace three", "  Replace\tthree")
    code, output = pmo("validate", "--data", str(mini))
    assert code == 0, output


def _bare_text(annotation: Any, metadata: list[Any], where: str) -> list[str]:
    """The fields typed plain `str` without a validator: text no check would ever look at."""
    if annotation is str:
        return [] if metadata else [where]
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return _bare_text(inner, extra, where)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [
            found
            for name, info in annotation.model_fields.items()
            for found in _bare_text(info.annotation, info.metadata, f"{annotation.__name__}.{name}")
        ]
    if typing.get_origin(annotation) in (list, dict, typing.Union, types.UnionType):
        return [found for arg in typing.get_args(annotation) for found in _bare_text(arg, [], where)]
    return []


def test_no_text_field_escapes_the_check() -> None:
    for model in (Settings, People, Program, Project, Request, Calendar):
        assert _bare_text(model, [], model.__name__) == []


# Terminal output ----------------------------------------------------------------------------------------


def hostile_names(folder: Path) -> None:
    """File names, keys and values that carry control and bidirectional characters."""
    (folder / "projects" / "evil\x1b[2J.yaml").write_text("name: x\n")
    (folder / "projects" / "evil\u202e.yaml").write_text("name: x\n")
    (folder / "notes\x9b31m.yaml").write_text("x: 1\n")
    crm = folder / "projects" / "crm.yaml"
    crm.write_text(
        crm.read_text().replace("manager: a.okafor", 'manager: "a.okafor\\e]0;pwned\\a"')
        + '"key\\e[31m\\u202e": 1\nphase2: "\\x9b"\n'
        + "kind2: 'tab\there'\n"
    )


def test_validate_never_prints_a_raw_control_character(mini: Path) -> None:
    hostile_names(mini)
    for fmt in ("text", "json", "github"):
        code, output = pmo("validate", "--data", str(mini), "--format", fmt)
        assert code == 1
        assert not RAW.search(output), (fmt, RAW.search(output))
        assert "\\u001b" in output
    code, output = pmo("validate", "--data", str(mini))
    assert 'unknown field "key\\u001b[31m\\u202e"' in output
    assert "evil\\u001b[2J.yaml" in output and "notes\\u009b31m.yaml" in output


def test_json_output_stays_json_and_keeps_the_text(mini: Path) -> None:
    import json

    hostile_names(mini)
    _, output = pmo("validate", "--data", str(mini), "--format", "json")
    fields = {problem["field"] for problem in json.loads(output)}
    assert "key\x1b[31m\u202e" in fields


def test_diff_never_prints_a_raw_control_character(mini: Path, tmp_path: Path) -> None:
    head = tmp_path / "head"
    shutil.copytree(mini, head)
    hostile_names(head)
    code, output = pmo("diff", str(mini), str(head))
    assert code == 1 and "projects/crm.yaml" in output
    assert not RAW.search(output), RAW.search(output)
    code, output = pmo("diff", "no-such-rev\x1b[2J\u202e", "--data", str(mini))
    assert code == 2 and "no-such-rev\\u001b[2J\\u202e" in output
    assert not RAW.search(output)


def test_import_never_prints_a_raw_control_character(tmp_path: Path) -> None:
    folder = tmp_path / "portfolio"
    shutil.copytree(MINI, folder)
    table = tmp_path / "register.csv"
    table.write_text(
        "Ref,Title\u202e\x1b,Lead\nx\x1b[2J,Name\x1b[31m,m.chen\ny\nz,Line\rbreak,m.chen\n\x9b,\u2066,m.chen\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "kind: request\nfields:\n  id: Ref\n  name: Title\u202e\x1b\n  requested_by: Lead\n"
        '  submitted: {value: "2026-01-01"}\n',
        encoding="utf-8",
    )
    # the mapping file itself: YAML refuses the raw ESC, and the message shows it escaped
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 2 and "U+001B" in output and not RAW.search(output), output
    mapping.write_text(mapping.read_text().replace("\x1b", "").replace("Title\u202e", "Title"), encoding="utf-8")
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1, output
    assert not RAW.search(output), RAW.search(output)
    assert 'has no column "Title"' in output and '"Title\\u202e\\u001b"' in output
    table.write_text(table.read_text().replace("Title\u202e\x1b", "Title"), encoding="utf-8")
    code, output = pmo("import", str(table), "--mapping", str(mapping), "--data", str(folder))
    assert code == 1, output
    assert not RAW.search(output), RAW.search(output)
    assert '"x\\u001b[2J"' in output and "row 2" in output and "row 3" in output and "row 5" in output
    assert not list((folder / "requests").glob("x*"))


def test_visible_escapes_only_what_a_terminal_would_act_on() -> None:
    assert visible("a\x1bb\tc\nd\u202ee é ü — ✓") == "a\\u001bb\\u0009c\nd\\u202ee é ü — ✓"
    assert visible("a\nb", lines=False) == "a\\u000ab"


def test_written_raw_they_are_refused_by_yaml_or_by_field_in_the_same_words(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "name: Patient CRM", "name: Patient\u202e CRM")  # YAML allows it: the field does not
    edit("projects/identity.yaml", "name: Identity platform", "name: Identity\x1b platform")  # YAML does not
    code, output = pmo("validate", "--data", str(mini))
    assert code == 1
    assert "projects/crm.yaml:1: name: the bidirectional control character U+202E is not allowed in text" in output
    assert "projects/identity.yaml:1: the control character U+001B is not allowed in YAML" in output
    assert not RAW.search(output)


def test_the_schemas_refuse_them_too() -> None:
    """An editor flags them as they are typed: every text field of the schemas has the same rule."""
    import json

    import jsonschema

    from .conftest import ROOT

    schema = json.loads((ROOT / "schemas" / "project.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    project = {"name": "CRM", "program": "p1", "phase": "execution", "sponsor": "m.chen", "manager": "m.chen"}
    project |= {"start": "2026-01-01", "finish": "2026-02-01", "budget": 1}
    assert not list(validator.iter_errors(project))
    for char in REFUSED:
        errors = list(validator.iter_errors({**project, "summary": f"a{char}b"}))
        assert [list(error.path) for error in errors] == [["summary"]], f"U+{ord(char):04X}"
    assert not list(validator.iter_errors({**project, "summary": "tab\tand\nline é ✓"}))


def test_mkdocs_messages_are_printed_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """MkDocs names docs and handbook files, which a pull request names; its messages go through pmo's handler."""
    import logging

    from generator.cli import _log_mkdocs

    _log_mkdocs(False)
    logging.getLogger("mkdocs").warning("Doc file 'evil\x1b]0;owned\x07.md' contains a link")
    err = capsys.readouterr().err
    assert "evil\\u001b]0;owned\\u0007.md" in err and not RAW.search(err)
