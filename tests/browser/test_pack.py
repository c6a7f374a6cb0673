"""`pmo pack` printed by Chromium and read back with pypdf: the PDF opens, holds the site's figures, has
bookmarks, page numbers and a table of contents that gives the right pages, in A4 and US Letter, and the same
data gives the same bytes. Fails in CI, skips elsewhere, without Chromium (conftest.unavailable)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import prepare, read_portfolio
from generator.widgets import fmt

from ..conftest import MINI, SAMPLE, unavailable
from ..gitrepo import commit_all, git, git_bytes, identity, site_repo
from .conftest import chromium_path

__all__ = ["identity"]  # the fixture, used by name

A4 = (595.92, 842.88)  # points, as Chromium writes them
LETTER = (612.0, 792.0)


def _pack(folder: Path, name: str, *options: str) -> Path:
    out = folder / name
    result = CliRunner().invoke(main, ["pack", "--data", str(SAMPLE), "--out", str(out), *options])
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.fixture(scope="module")
def printer(monkeypatch_module: Any) -> None:
    """Chromium and the pack extra, or the test fails in CI (skips elsewhere)."""
    try:
        import playwright.sync_api  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError:
        unavailable("the pack extra (playwright, pypdf) is not installed: pip install -e '.[test]'")
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (apt-get install chromium, or set PMO_CHROMIUM)")
    monkeypatch_module.setenv("PMO_CHROMIUM", executable)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory, printer: None) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("packs")
    return {
        "org": _pack(folder, "org.pdf"),
        "again": _pack(folder, "again.pdf"),
        "pmo-letter": _pack(folder, "pmo-letter.pdf", "--audience", "pmo", "--paper", "letter"),
    }


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def reader(path: Path) -> Any:
    return _reader(path.read_bytes())


def page_texts(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader(path).pages]


def bookmarks(path: Path) -> list[tuple[str, int]]:
    pdf = reader(path)
    found: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, pdf.get_destination_page_number(item) + 1))

    walk(pdf.outline)
    return found


def test_the_pdf_holds_the_sites_figures(packs: dict[str, Path]) -> None:
    pages = page_texts(packs["org"])
    text = " ".join(pages)
    a = prepare(read_portfolio(SAMPLE), "org")
    assert len(pages) > 10
    assert "Northwind Health" in pages[0] and "as of 2026-10-31" in pages[0]
    for figure in (fmt.ratio(a.totals.spi), fmt.ratio(a.totals.cpi), fmt.money(a.totals.active_spent, "EUR", True)):
        assert figure in text
    for program in a.portfolio.programs.values():
        assert program.name in text
    assert "Maternity electronic record" in text  # red


def test_every_page_has_its_number(packs: dict[str, Path]) -> None:
    pages = page_texts(packs["org"])
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Northwind Health · board pack as of 2026-10-31" in text


def test_bookmarks_and_contents_agree(packs: dict[str, Path]) -> None:
    """One bookmark per heading; the contents (page 2) give each section's page as its bookmark does, and the
    heading is on that page."""
    marks = bookmarks(packs["org"])
    titles = [title for title, _ in marks]
    for section in ("Contents", "Executive summary", "Exceptions", "Decisions needed", "Programs"):
        assert section in titles
    pages = page_texts(packs["org"])
    contents = pages[1]
    assert contents.startswith("Contents")
    for title, page in marks:
        if title in ("Executive summary", "Exceptions", "Decisions needed", "Programs", "Clinical Systems"):
            assert re.search(rf"{re.escape(title)} {page}\b", contents), (title, page, contents)
            assert title in pages[page - 1]


def test_paper_sizes(packs: dict[str, Path]) -> None:
    for name, size in (("org", A4), ("pmo-letter", LETTER)):
        for page in reader(packs[name]).pages:
            box = page.mediabox
            assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(size[0], 1), round(size[1], 1))


def test_the_same_data_gives_the_same_pdf(packs: dict[str, Path]) -> None:
    first, again = packs["org"].read_bytes(), packs["again"].read_bytes()
    assert first == again
    assert b"/CreationDate (D:20261031000000+00'00')" in first


def test_the_pmo_pack_has_the_pmo_only_project(packs: dict[str, Path]) -> None:
    name = read_portfolio(SAMPLE).projects["payroll-vendor-exit"].name
    assert name in " ".join(page_texts(packs["pmo-letter"]))
    assert name not in " ".join(page_texts(packs["org"]))


def test_publish_keeps_each_versions_pack(
    printer: None, tmp_path: Path, identity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With mkdocs.yml as shipped (no `pack`), each published version holds its own board-pack.pdf, linked from
    its home page, with its own reporting date: the September pack stays as it was when October is published."""
    repo = site_repo(tmp_path / "repo", MINI, pack=None)
    assert "pack:" not in (repo / "mkdocs.yml").read_text()
    settings = repo / "portfolio" / "portfolio.yaml"
    settings.write_text(settings.read_text().replace("as_of: 2026-03-02", "as_of: 2026-09-30"))
    commit_all(repo, "September")
    monkeypatch.chdir(repo)
    assert CliRunner().invoke(main, ["publish"]).exit_code == 0
    settings.write_text(settings.read_text().replace("as_of: 2026-09-30", "as_of: 2026-10-31"))
    commit_all(repo, "October")
    result = CliRunner().invoke(main, ["publish"])
    assert result.exit_code == 0, result.output + result.stderr
    for period, as_of in (("2026-09", "2026-09-30"), ("2026-10", "2026-10-31")):
        pdf = git_bytes(repo, f"gh-pages:{period}/board-pack.pdf")
        assert pdf.startswith(b"%PDF")
        assert f"as of {as_of}" in " ".join((p.extract_text() or "") for p in _reader(pdf).pages[:1])
        home = git(repo, "show", f"gh-pages:{period}/index.html")
        assert 'href="board-pack.pdf"' in home
    october = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in _reader(git_bytes(repo, "gh-pages:2026-10/board-pack.pdf")).pages
    )
    assert "Compared with the previous period: 2026-09." in october


def _reader(data: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))
