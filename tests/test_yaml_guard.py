"""The defensive YAML reader: what it refuses (before any expansion) and what it keeps as typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.data.yaml_guard import MAX_BYTES, MAX_DEPTH, YamlProblem, parse_yaml, read_yaml


def parse(text: str):
    return parse_yaml(text, Path("x.yaml"), "x.yaml")


def refused(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        parse(text)
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: &anchor 2\n", 2, "anchors"),
        ("a: 1\nb: *x\n", 2, "aliases"),
        ("a: 1\n<<: {b: 2}\n", 2, "merge keys"),
        ("a: !!python/object/apply:os.system [ls]\n", 1, "tags"),
        ("a: !!binary aGVsbG8=\n", 1, "tags"),
        ("name: a\nname: b\n", 2, 'duplicate key "name" (first given on line 1)'),
        ("? [a, b]\n: 1\n", 1, "a key must be a plain name"),
        ("a: 1\n---\nb: 2\n", 2, "one document"),
        ("", 1, "file is empty"),
        ("a: 1\nb: [1, 2\nc: 3\n", 2, "a bracket opened on this line is never closed"),
        ("name: x\nbudget 1250000\nphase: y\n", 2, 'this line has no ": " between a key and its value'),
        ('name: "x\nphase: y\nz: 1\n', 1, "a quote opened on this line is never closed"),
        ("a: 1\nfoo: [\n", 2, "a bracket opened on this line is never closed"),  # noticed at the end of the file
        ("a: 1\nfoo: {b: 1,\n\n\n", 2, "a bracket opened on this line is never closed"),
        ('a: 1\npath: "\\\\fs01\\projects"\n', 2, 'a backslash inside "double quotes" starts an escape'),
        ('a: 1\npath: "C:\\users\\x"\n', 2, "write each backslash twice"),
        ("name: x\nlist:\n\t- a\n", 3, "indented with a tab character: indent with spaces"),
        ("name: x\nm:\n  - name: a\n   baseline: 2026-01-01\n", 4, "the indentation does not match"),
        ("title: Risk: vendor late\n", 1, 'quote a value that contains ": "'),
        ("a: 1\nowner: @ana\n", 2, 'a value cannot start with "@": put the value in quotes'),
        ("a: 1\nnote: `draft`\n", 2, 'a value cannot start with "`"'),
        ("-\tx\n", 1, "a tab character here"),
        ("a: 1\nnote: *\n", 2, 'a value starting with "*" or "&" must be put in quotes'),
        ("a: 1\nnote: & x\n", 2, 'a value starting with "*" or "&" must be put in quotes'),
        ("a: 1\nnote: !e!x y\n", 2, 'tags ("!") are not allowed'),
        ("a: - b\n", 1, 'a list item ("- ") cannot start here'),
        ("a: 1\nnote: |x\n  b\n", 2, 'the text of a "|" or ">" block starts on the next line'),
        ("a: 1\nnote: ]\n", 2, "a value is missing here"),
        ("%YAML 2.0\n---\na: b\n", 1, 'remove the "%" line at the top'),
        ("a: 1\nnote: b\x07\n", 2, "the control character U+0007 is not allowed in YAML"),
        ("a: 1\nb: [c}\n", 2, "a bracket opened on this line is never closed: end it with ]"),
        ("a: 1\nb: {c: 1\n", 2, "a bracket opened on this line is never closed: end it with }"),
        ("a: 1\nb: c\x85\ufffe\n", 2, "the character U+FFFE is not allowed in YAML"),
    ],
)
def test_refuses_with_line(text: str, line: int, words: str) -> None:
    problem = refused(text)
    assert words in problem.message
    assert problem.line == line


def test_merge_key_bomb_is_refused_before_expansion() -> None:
    # 28 levels of doubling merge keys: minutes and gigabytes in PyYAML's safe_load (pyyaml#897)
    lines = ["m0: &m0 {a: 1}"] + [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 29)]
    problem = refused("\n".join(lines))
    assert "anchors" in problem.message and problem.line == 1


@pytest.mark.parametrize("depth", [9, 1_000, 50_000])
@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_is_refused_in_pmos_words_without_crashing(opening: str, depth: int) -> None:
    # PyYAML 6.0.4 refuses deep flow nesting itself, in its own words, before the guard counts the levels:
    # the reader gets the same message whichever noticed first
    closing = "]" if opening == "[" else "}"
    problem = refused("x: 1\na: " + opening * depth + closing * depth + "\n")
    assert problem.message == f"nesting is deeper than {MAX_DEPTH} levels; the data model needs far less"
    assert problem.line == 2


def test_deep_block_nesting_is_refused() -> None:
    text = "".join(" " * (2 * level) + f"k{level}:\n" for level in range(12)) + " " * 24 + "v: 1\n"
    problem = refused(text)
    assert problem.message.startswith(f"nesting is deeper than {MAX_DEPTH} levels")
    assert problem.line == MAX_DEPTH + 1


@given(st.text(alphabet=st.sampled_from(list("ab: -[]{},'\"\\|>!&*%@`#?\t\n")), max_size=40))
@settings(max_examples=400, deadline=None)
def test_every_refusal_is_worded_by_pmo_with_a_line(text: str) -> None:
    try:
        parse(text)
    except YamlProblem as problem:
        assert problem.line is not None and problem.line >= 1
        assert not re.search(r"while |found |did not |expected <|YAML syntax error", problem.message), problem


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * MAX_BYTES + "\n")
    with pytest.raises(YamlProblem, match="limited to 256 KiB"):
        read_yaml(path, "big.yaml")


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(YamlProblem) as info:
        read_yaml(path, "latin.yaml")
    assert info.value.line == 2 and "UTF-8" in info.value.message


def test_no_yaml_11_implicit_typing() -> None:
    source = parse("a: NO\nb: on\nc: 1.10\nd: 0042\ne: 12:30\nf: yes\ng: 2026-01-05\nh: ~\ni:\nj: 'null'\n")
    assert source.data == {
        "a": "NO",
        "b": "on",
        "c": "1.10",
        "d": "0042",
        "e": "12:30",
        "f": "yes",
        "g": "2026-01-05",
        "h": None,
        "i": None,
        "j": "null",
    }


def test_lines_of_nested_fields() -> None:
    source = parse("name: x\nmilestones:\n  - name: a\n    baseline: 2026-01-01\n  - {name: b, forecast: soon}\n")
    assert source.lines[("milestones", 1, "forecast")] == 5
    assert source.lines[("milestones", 0, "baseline")] == 4
    assert source.line_of(("milestones", 1, "missing")) == 5
