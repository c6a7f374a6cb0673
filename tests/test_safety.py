"""Ids, paths and builds that cannot be turned against the site or the build machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.data.load import load_portfolio
from generator.data.model import ID_RE, RESERVED_IDS
from generator.data.validate import validate_portfolio
from generator.errors import ConfigurationError, PortfolioError
from generator.pipeline import read_portfolio, site_tree

from .conftest import MINI, ROOT, Edit, site_config


@pytest.mark.parametrize("good", ["ab", "crm", "patient-portal-2", "a1", "x" * 63, "2026-budget"])
def test_good_ids(good: str) -> None:
    assert ID_RE.match(good)


@pytest.mark.parametrize(
    "bad",
    ["a", "x" * 64, "Crm", "crm_2", "crm--2", "-crm", "crm-", "crm\n", "crm ", "../etc", "a/b", "a.b", "é-x", ""],
)
def test_bad_ids(bad: str) -> None:
    assert not ID_RE.match(bad)


@pytest.mark.parametrize("reserved", ["index", "search", "assets", "404", "con", "nul", "lpt1", "sitemap"])
def test_reserved_ids_are_refused_for_objectives(mini: Path, edit: Edit, reserved: str) -> None:
    assert reserved in RESERVED_IDS
    edit("portfolio.yaml", "{id: lean-ops,", f"{{id: {reserved},")
    with pytest.raises(PortfolioError) as info:
        validate_portfolio(load_portfolio(mini))
    assert f'"{reserved}" is a reserved name' in info.value.report()


def test_a_trailing_newline_does_not_pass_the_id_rule(mini: Path, edit: Edit) -> None:
    edit("portfolio.yaml", "{id: lean-ops,", '{id: "lean-ops\\n",')
    with pytest.raises(PortfolioError) as info:
        validate_portfolio(load_portfolio(mini))
    assert "objectives[1].id: expected an id" in info.value.report()


def test_traversal_in_a_reference_is_just_an_unknown_id(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "program: front-door", "program: ../../etc")
    with pytest.raises(PortfolioError) as info:
        validate_portfolio(load_portfolio(mini))
    assert "program: expected an id" in info.value.report()


def test_symbolic_links_in_the_portfolio_are_refused(mini: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: secret\n")
    (mini / "projects" / "linked.yaml").symlink_to(secret)
    with pytest.raises(PortfolioError) as info:
        validate_portfolio(load_portfolio(mini))
    assert "linked.yaml: a symbolic link is not data: replace it with the file itself" in info.value.report()


def test_symbolic_links_in_the_handbook_are_refused(tmp_path: Path) -> None:
    handbook = tmp_path / "methodology"
    handbook.mkdir()
    (handbook / "index.md").write_text("# Handbook\n")
    (handbook / "passwd.md").symlink_to("/etc/passwd")
    with pytest.raises(ConfigurationError, match=r"passwd\.md: a symbolic link is not allowed in the handbook"):
        site_tree(read_portfolio(MINI), "org", handbook, {})


def test_every_generated_path_stays_inside_the_site() -> None:
    tree = site_tree(read_portfolio(MINI), "pmo", ROOT / "methodology", {})
    for path in tree.paths():
        assert not path.startswith("/") and ".." not in Path(path).parts, path
        assert (Path("/site") / path).resolve().is_relative_to(Path("/site"))


def test_an_interrupted_build_leaves_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--data", str(MINI), "--out", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupted(config: object) -> None:
        (Path(config.site_dir) / "half-written.html").write_text("partial")  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr("mkdocs.commands.build.build", interrupted)
    result = runner.invoke(main, ["build", "--data", str(MINI), "--out", str(out)])
    assert result.exit_code != 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(os.listdir(tmp_path)) == ["site"]  # the staging folder is gone too


def test_strict_fails_on_a_missing_anchor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("# Notes\n\nSee [the register](projects/index.md#no-such-section).\n")
    config = site_config(tmp_path, docs=docs)
    args = ["build", "--config", str(config), "--data", str(MINI), "--out", str(tmp_path / "site")]
    assert CliRunner().invoke(main, args).exit_code == 0  # a warning only...
    result = CliRunner().invoke(main, [*args, "--strict"])
    assert result.exit_code == 1 and "no-such-section" in result.output  # ...that --strict turns into a failure
