"""The board pack's document (pages/pack.py) and `pmo pack`'s errors, without Chromium: what the pack says, to
whom, capped how, escaped how. tests/browser/test_pack.py prints it and reads the PDF back."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.io.demo import write_demo
from generator.io.pdf import stamped
from generator.pages import pack
from generator.pages.changes import Baseline
from generator.pages.pack import board_pack, exceptions, pending_changes
from generator.pipeline import compared, prepare, read_portfolio
from generator.widgets import fmt

from .conftest import MINI, SAMPLE, site_config
from .gitrepo import commit_all, git, git_bytes, identity, site_repo
from .hostile import write_hostile_portfolio

__all__ = ["identity"]  # the fixture, used by name


@pytest.fixture(scope="module")
def sample_org():
    return prepare(read_portfolio(SAMPLE), "org")


@pytest.fixture(scope="module")
def sample_html(sample_org) -> str:
    return board_pack(sample_org).html()


def text_of(html: str) -> str:
    """The document's words, tags out and spaces collapsed, as a reader (or pdftotext) has them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_pack_holds_the_sites_figures(sample_org, sample_html) -> None:
    a, text = sample_org, text_of(sample_html)
    assert "Northwind Health" in text and "IT portfolio board pack" in text
    assert "Reporting period: as of 2026-10-31" in text
    assert "Audience: Organization-wide" in text
    t = a.totals
    # the cockpit's key figures, as the home page writes them
    assert f"{fmt.ratio(t.spi)} SPI (Σ EV / Σ PV)" in text
    assert f"{fmt.ratio(t.cpi)} CPI (Σ EV / Σ AC)" in text
    assert fmt.money(t.active_spent, "EUR", compact=True) in text
    assert f"{t.by_rag['red']} Red" in text and f"{t.by_rag['amber']} Amber" in text
    for program in a.portfolio.programs.values():
        assert program.name in text
    assert "Maternity electronic record" in text  # red in the sample
    for section in ("Contents", "Executive summary", "Exceptions", "Decisions needed", "Programs", "Appendix"):
        assert f">{section}" in sample_html


def test_exceptions_of_the_sample_checked_by_hand(sample_org, sample_html) -> None:
    """Checked against the files: staff-rostering's last report is 2026-08-31 (61 days at 2026-10-31, stale after
    40); network-refresh's finish moved from 2026-11-30 to 2027-02-26 (88 days, amber from 14); cloud-data-platform's
    cost forecast is over its 1.9 M budget by more than 10 %."""
    found = exceptions(sample_org)
    assert found.red == [
        "e-procurement",
        "maternity-records",
        "eprescribing-rollout",
        "patient-portal-2",
        "staff-rostering",
        "lab-system-replacement",
        "medical-device-segmentation",
    ]
    assert set(found.slipping) == set(found.red[:-1]) | {
        "network-refresh",
        "pacs-migration",
        "m365-migration",
        "video-consultations",
        "cloud-data-platform",
        "identity-platform",
        "datacentre-exit",
        "ehr-upgrade",
    }
    assert found.over_budget == ["eprescribing-rollout", "cloud-data-platform"]
    assert found.stale == ["staff-rostering", "medical-device-segmentation"]
    assert found.governance_rules and found.governance_errors == []  # the sample's findings are warnings
    text = text_of(sample_html)
    assert "Red (7)" in text and "Slipping (14)" in text and "Over budget (2)" in text
    assert "Stale status reports (2)" in text
    assert "2026-08-31 (61 days old)" in text
    assert "Governance errors (0)" in text


def test_decisions_needed(sample_org, sample_html) -> None:
    pending = pending_changes(sample_org)
    assert [(p.id, c.id) for p, c, _ in pending] == [("eprescribing-rollout", "CR-2")]
    assert pending[0][2] == "Steering committee"  # see test_the_body_that_decides_and_governance_errors
    text = text_of(sample_html)
    assert "CR-2: Add the two mental health units to scope" in text
    # gate meetings after as_of only: the August one has passed
    assert "Upcoming gate meetings (3)" in text
    assert "Q4 stage gate and 2027 budget" in text and "Q3 stage gate and portfolio review" not in text


def test_the_body_that_decides_and_governance_errors(tmp_path: Path) -> None:
    """CR-2 of eprescribing-rollout costs 95 000 and 30 days, and CR-1 before it (approved) 210 000 and 75 days:
    305 000 and 105 days together, past the change board's limits (150 000, 45 days), so the steering committee
    decides it. With the sample's status rule made an error, its two stale projects are governance errors."""
    data = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, data)
    rules = (data / "governance.yaml").read_text(encoding="utf-8")
    stale_is_error = rules.replace("kind: status_age\n    severity: warning", "kind: status_age\n    severity: error")
    assert stale_is_error != rules
    (data / "governance.yaml").write_text(stale_is_error, encoding="utf-8")
    a = prepare(read_portfolio(data), "org")
    ((_, _, decided_by),) = pending_changes(a)
    assert decided_by == "Steering committee"
    found = exceptions(a)
    assert found.governance_rules
    assert {f.entity for f in found.governance_errors} == {"staff-rostering", "medical-device-segmentation"}
    text = text_of(board_pack(a).html())
    assert "Governance errors (2)" in text and "status-fresh" in text


def test_audience(sample_org, sample_html) -> None:
    """The org pack leaves out pmo-only projects (payroll-vendor-exit is one) and their change requests."""
    assert "payroll-vendor-exit" not in sample_org.portfolio.projects
    name = read_portfolio(SAMPLE).projects["payroll-vendor-exit"].name
    pmo = board_pack(prepare(read_portfolio(SAMPLE), "pmo")).html()
    assert name not in sample_html and name in pmo
    assert "Audience: PMO" in text_of(pmo)


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    data = write_hostile_portfolio(tmp_path / "hostile")
    html = board_pack(prepare(read_portfolio(data), "pmo")).html()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html and "<svg onload" not in html
    elements = Elements()
    elements.feed(html)
    assert elements.tags <= {*SAFE_TAGS, *SVG_TAGS}, elements.tags - {*SAFE_TAGS, *SVG_TAGS}
    assert not [name for name in elements.attributes if name.startswith("on")]
    assert not [value for value in elements.links if not value.startswith("#")]  # links only within the pack


SAFE_TAGS = {"html", "head", "meta", "title", "style", "body", "section", "p", "h1", "h2", "h3", "ol", "li", "a"}
SAFE_TAGS |= {"span", "div", "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption"}
SVG_TAGS = {"svg", "g", "path", "rect", "text", "line", "title", "defs", "clippath", "tspan", "circle", "symbol"}


class Elements(HTMLParser):
    """Every element and attribute name of a document, and every link."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name in ("href", "xlink:href", "src"):
                self.links.append(value or "")


def test_the_same_analysis_gives_the_same_document(sample_org, sample_html) -> None:
    assert board_pack(sample_org).html() == sample_html


def test_contents_take_the_printed_page_numbers(sample_org) -> None:
    document = board_pack(sample_org, "letter")
    first = document.html()
    assert "size: letter" in first
    ids = [h.id for h in document.headings]
    assert ids[:2] == ["contents", "summary"] and len(ids) == len(set(ids))
    # the first print's placeholders are as wide as the numbers the second print writes
    assert first.count('<span class="toc-page">00</span>') == sum(h.level <= 2 for h in document.headings) - 1
    final = document.html({h.id: i + 2 for i, h in enumerate(document.headings)})
    assert '<a href="#summary"><span class="toc-text">Executive summary</span><span class="toc-page">3</span>' in final


def test_a_large_portfolio_stays_a_board_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every long list is capped and says how many more there are and where on the site they are."""
    write_demo(tmp_path / "demo", 120, 1)
    a = prepare(read_portfolio(tmp_path / "demo"), "pmo")
    monkeypatch.setattr(pack, "PROGRAM_PAGES", 2)
    monkeypatch.setattr(pack, "APPENDIX_PAGES", 3)
    monkeypatch.setattr(pack, "LIST_ROWS", 4)
    document = board_pack(a)
    html = document.html()
    levels = [(h.level, h.id.split("-")[0]) for h in document.headings]
    assert levels.count((2, "program")) == 2
    assert levels.count((2, "project")) == 3
    text = text_of(html)
    others = len(a.portfolio.programs) - 2
    assert f"each of the 2 programs with the most red and amber projects, by name; the other {others} are" in text
    flagged = sum(1 for r in a.rows.values() if r["active"] and r["rag"] in ("red", "amber"))
    assert f"One page for each of the 3 most severe of the {flagged} red or amber projects" in text
    assert re.search(r"and \d+ more — see the site's (home page|page projects/)\.", text)


def test_stamped_sets_the_dates_in_place() -> None:
    pdf = b"%PDF-1.4\n<< /CreationDate (D:20261206230638+00'00')\n/ModDate (D:20261206230639+00'00') >>\nxref"
    out = stamped(pdf, dt.date(2026, 10, 31))
    assert len(out) == len(pdf)
    assert out.count(b"(D:20261031000000+00'00')") == 2


def test_pack_without_chromium_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_CHROMIUM", str(tmp_path / "no-chromium"))
    result = CliRunner().invoke(main, ["pack", "--data", str(SAMPLE), "--out", str(tmp_path / "pack.pdf")])
    assert result.exit_code == 2, result.output
    assert "apt-get install chromium" in result.stderr and "PMO_CHROMIUM" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "pack.pdf").exists()


def test_pack_without_playwright_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # an import of it fails
    result = CliRunner().invoke(main, ["pack", "--data", str(SAMPLE), "--out", str(tmp_path / "pack.pdf")])
    assert result.exit_code == 2, result.output
    assert "'.[pack]'" in result.stderr and "playwright" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_pack_refuses_an_output_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "portfolio"
    shutil.copytree(SAMPLE, data)
    result = CliRunner().invoke(main, ["pack", "--data", str(data), "--out", str(data / "pack.pdf")])
    assert result.exit_code == 2
    assert "lies inside the portfolio folder" in result.stderr


def test_what_changed_since_the_previous_version(tmp_path: Path, sample_org) -> None:
    """The summary says what changed since the previous version, from the comparison the Changes page shows."""
    before = tmp_path / "before"
    shutil.copytree(SAMPLE, before)
    path = before / "projects" / "ehr-upgrade.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("budget: 6000000", "budget: 5000000"), encoding="utf-8")
    changes, previous = compared(sample_org, Baseline("2026-09", "2026-10", read_portfolio(before)))
    text = text_of(board_pack(sample_org, changes=changes, previous=previous).html())
    assert "Compared with the previous period: 2026-09." in text
    assert "From 2026-09 (as of 2026-10-31, 41 projects) to 2026-10" in text
    assert "1 RAG change; 1 budget changed." in text
    assert "EHR upgrade to version 24 Red → Amber CPI 0.77 → 0.92" in text
    assert "since 2026-09" in text  # the key figures' changes, as on the home page


def test_a_previous_version_without_data_is_said(sample_org) -> None:
    changes, _ = compared(sample_org, Baseline("2026-09", "2026-10", None, "its data is not in this clone"))
    text = text_of(board_pack(sample_org, changes=changes).html())
    assert "What changed since 2026-09 cannot be shown: its data is not in this clone." in text


@pytest.fixture
def pack_repo(tmp_path: Path, identity: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini portfolio in a repository with mkdocs.yml as shipped: no `pack`, so publishing prints it."""
    repo = site_repo(tmp_path / "repo", MINI, pack=None)
    commit_all(repo, "data")
    monkeypatch.chdir(repo)
    return repo


def test_publish_with_the_pack_on_and_no_chromium_fails_first(pack_repo: Path, monkeypatch) -> None:
    """An audit wants every period's pack: a publish that cannot print it fails, saying what to install and how
    to publish without it, before the branch is touched."""
    monkeypatch.setenv("PMO_CHROMIUM", str(pack_repo / "no-chromium"))
    result = CliRunner().invoke(main, ["publish", "--version", "2026-03"])
    assert result.exit_code == 2, result.output
    assert "apt-get install chromium" in result.stderr and "Traceback" not in result.stderr
    assert "pmo publish --no-pack" in result.stderr and "`pack: false`" in result.stderr
    assert "gh-pages" not in git(pack_repo, "branch", "--list", "gh-pages")


@pytest.fixture
def stub_printer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Chromium stubbed: an executable stands in for it and printing returns the document's title and date, so
    the publish's wiring is tested in a second; tests/browser/test_pack.py prints for real."""
    from generator.io import pdf

    printed: list[str] = []

    def fake_print(document, ids, paper, as_of, footer):  # type: ignore[no-untyped-def]
        printed.append(paper)
        return f"%PDF-1.4 pack as of {as_of}".encode()

    monkeypatch.setenv("PMO_CHROMIUM", sys.executable)
    monkeypatch.setattr(pdf, "print_pdf", fake_print)
    return printed


def _published_pack(repo: Path, version: str) -> tuple[bytes | None, str]:
    """The version's board-pack.pdf on gh-pages (None when it has none) and its home page."""
    listed = git(repo, "ls-tree", "--name-only", f"gh-pages:{version}")
    pdf = git_bytes(repo, f"gh-pages:{version}/board-pack.pdf") if "board-pack.pdf" in listed.split() else None
    return pdf, git(repo, "show", f"gh-pages:{version}/index.html")


def test_publish_keeps_the_pack_of_each_version_by_default(pack_repo: Path, stub_printer: list[str]) -> None:
    """mkdocs.yml as shipped: every published version holds its pack, linked from its home page; a plain build
    of the same configuration prints none (builds stay fast)."""
    result = CliRunner().invoke(main, ["publish"])
    assert result.exit_code == 0, result.output + result.stderr
    pdf, home = _published_pack(pack_repo, "2026-03")
    assert pdf == b"%PDF-1.4 pack as of 2026-03-02" and stub_printer == ["a4"]
    assert 'href="board-pack.pdf"' in home
    assert CliRunner().invoke(main, ["build", "--out", "site"]).exit_code == 0
    assert not (pack_repo / "site" / "board-pack.pdf").exists() and stub_printer == ["a4"]


@pytest.mark.parametrize(
    ("setting", "args", "printed"),
    [("false", [], False), ("false", ["--pack"], True), ("true", ["--no-pack"], False), (None, ["--no-pack"], False)],
)
def test_publish_prints_the_pack_as_mkdocs_yml_and_the_command_say(
    pack_repo: Path,
    stub_printer: list[str],
    monkeypatch: pytest.MonkeyPatch,
    setting: str | None,
    args: list[str],
    printed: bool,
) -> None:
    """`pack: false` in mkdocs.yml publishes without it, --pack/--no-pack overrides the file; a publish
    without the pack needs no Chromium."""
    if setting is not None:
        site_config(pack_repo, pack=setting == "true")
        commit_all(pack_repo, "pack setting")
    if not printed:
        monkeypatch.setenv("PMO_CHROMIUM", str(pack_repo / "no-chromium"))
    result = CliRunner().invoke(main, ["publish", *args])
    assert result.exit_code == 0, result.output + result.stderr
    pdf, home = _published_pack(pack_repo, "2026-03")
    assert (pdf is not None, 'href="board-pack.pdf"' in home, bool(stub_printer)) == (printed, printed, printed)


def test_a_build_without_the_pack_has_no_pdf(sample_site: Path) -> None:
    """Plain `pmo build` (`pack` unset, as shipped) prints nothing and links to no pack: builds stay fast."""
    assert not (sample_site / "board-pack.pdf").exists()
    assert "board-pack.pdf" not in (sample_site / "index.html").read_text()


def test_pmo_pack_writes_the_printed_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's wiring, with the printer stubbed: the document of the data and audience asked for, compared
    with `--since`, printed on the paper asked for, written to --out."""
    from generator.io import pdf

    printed: dict[str, object] = {}

    def fake_print(document, ids, paper, as_of, footer):  # type: ignore[no-untyped-def]
        printed.update(html=document({i: 9 for i in ids}), paper=paper, as_of=as_of, footer=footer)
        return b"%PDF-1.4 stub"

    monkeypatch.setattr(pdf, "check_printer", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf, "print_pdf", fake_print)
    before = tmp_path / "before"
    shutil.copytree(SAMPLE, before)
    out = tmp_path / "pack.pdf"
    args = ["pack", "--data", str(SAMPLE), "--out", str(out), "--paper", "letter", "--since", str(before)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output + result.stderr
    assert out.read_bytes() == b"%PDF-1.4 stub"
    assert printed["paper"] == "letter" and printed["as_of"] == dt.date(2026, 10, 31)
    assert printed["footer"] == "Northwind Health · board pack as of 2026-10-31"
    text = text_of(str(printed["html"]))
    assert f"Compared with the previous period: {before}." in text
    assert "No project, date, budget, risk or change request changed." in text
    assert "Executive summary 9" in text  # the contents take the pages the printer found
    assert "Wrote the board pack (org, letter)" in result.output


def test_pmo_pack_compares_with_the_last_published_version(
    tmp_path: Path, identity: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --since, the pack says what changed since the newest version published before its period, as
    that period's publish would; with no published version it says there is nothing to compare with."""
    from generator.io import pdf

    printed: list[str] = []
    monkeypatch.setattr(pdf, "check_printer", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf, "print_pdf", lambda document, *_: printed.append(document(None)) or b"%PDF stub")
    repo = site_repo(tmp_path / "repo", MINI)
    settings = repo / "portfolio" / "portfolio.yaml"
    settings.write_text(settings.read_text().replace("as_of: 2026-03-02", "as_of: 2026-09-30"))
    commit_all(repo, "September")
    monkeypatch.chdir(repo)
    assert CliRunner().invoke(main, ["pack", "--out", str(tmp_path / "first.pdf")]).exit_code == 0
    assert "No previous version to compare with" in text_of(printed[-1])
    assert CliRunner().invoke(main, ["publish"]).exit_code == 0
    settings.write_text(settings.read_text().replace("as_of: 2026-09-30", "as_of: 2026-10-31"))
    commit_all(repo, "October")
    result = CliRunner().invoke(main, ["pack", "--out", str(tmp_path / "october.pdf")])
    assert result.exit_code == 0, result.output + result.stderr
    text = text_of(printed[-1])
    assert "Compared with the previous period: 2026-09." in text
    assert "From 2026-09 (as of 2026-09-30" in text and "to 2026-10 (as of 2026-10-31" in text
