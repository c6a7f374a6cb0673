"""The PMO handbook: markers filled from the data, the registries behind it (KPIs, glossary, key tasks and
RACI, templates), the role pages, the lessons library, the downloads, and that the built handbook is whole."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import typing
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.analytics import kpi as kpi_module
from generator.analytics.kpi_definitions import KPI_DEFINITIONS
from generator.analytics.rollups import Rollup
from generator.cli import main
from generator.data.model import Change, Issue, Lesson, Risk
from generator.errors import ConfigurationError
from generator.handbook.book import HANDBOOK
from generator.handbook.glossary import ABBREVIATIONS, DOMAIN, Tooltips
from generator.handbook.lessons import LESSON_CATEGORIES
from generator.handbook.registers import REGISTERS
from generator.handbook.tasks import KEY_TASKS, ROLE_IDS, ROLES, find_role
from generator.handbook.templates import TEMPLATES
from generator.pages.prioritization import RANKED
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.blocks import unmark

from .conftest import MINI, ROOT, SAMPLE, Edit
from .pagefind import fragments

if TYPE_CHECKING:
    from pathlib import Path

HANDBOOK_DIR = ROOT / "methodology"
ISSUE_TASKS = [  # the PMO's key tasks the issue names, by their ids
    "plans",
    "resources",
    "benefits",
    "scope-and-change",
    "risks-and-issues",
    "performance-reporting",
    "communications",
    "dependencies",
    "quality",
    "procurement",
    "integration",
    "budget-and-finance",
    "governance",
    "stakeholders",
    "closure",
]


@pytest.fixture(scope="module")
def sample_tree() -> Any:
    return site_tree(read_portfolio(SAMPLE), "org", HANDBOOK_DIR, {})


@pytest.fixture
def built(sample_site: Path) -> Path:
    return sample_site


def handbook_copy(tmp_path: Path, page: str, text: str) -> Path:
    """A handbook folder with one page."""
    folder = tmp_path / "handbook"
    folder.mkdir(exist_ok=True)
    (folder / page).write_text(text, encoding="utf-8")
    return folder


def article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def untipped(html: str) -> str:
    """The HTML without the glossary's tooltips."""
    return re.sub(r'<abbr title="[^"]*">([^<]*)</abbr>', r"\1", html)


# markers ------------------------------------------------------------------------------------------


def test_every_marker_of_the_handbook_is_filled_in(sample_tree: Any) -> None:
    pages = {p: t for p, t in sample_tree.pages.items() if p.startswith(f"{HANDBOOK}/")}
    assert len(pages) >= 30
    for path, text in pages.items():
        outside_code = re.sub(r"```.*?```", "", text, flags=re.S)
        assert "<!-- pmo:" not in outside_code, path
    # a marker shown in a fenced code block is an example, not a marker
    assert '<!-- pmo:role-holders role="Project manager" -->' in pages["handbook/editing-the-portfolio.md"]


def test_a_marker_in_code_is_shown_not_replaced(tmp_path: Path) -> None:
    text = "# Page\n\nWrite `<!-- pmo:raci -->` on its own line.\n\n~~~\n<!-- pmo:nothing -->\n~~~\n"
    folder = handbook_copy(tmp_path, "page.md", text)
    assert site_tree(read_portfolio(MINI), "org", folder, {}).pages["handbook/page.md"] == text


def test_unknown_marker_is_an_error_naming_file_line_and_marker(tmp_path: Path) -> None:
    folder = handbook_copy(tmp_path, "index.md", "# Handbook\n\nText.\n\n<!-- pmo:scoring-weights -->\n")
    with pytest.raises(ConfigurationError) as error:
        site_tree(read_portfolio(MINI), "org", folder, {})
    message = str(error.value)
    assert f"{folder / 'index.md'}:5:" in message
    assert "unknown handbook marker <!-- pmo:scoring-weights -->" in message and "scoring-criteria" in message


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("Text <!-- pmo:raci --> in a sentence", "must stand alone on its line"),
        ('<!-- pmo:role-holders role="Gardener" -->', 'role="Gardener" is not a handbook role'),
        ('<!-- pmo:template id="memo" -->', 'id="memo" is not a template'),
    ],
)
def test_a_wrong_marker_is_an_error(tmp_path: Path, line: str, words: str) -> None:
    folder = handbook_copy(tmp_path, "page.md", f"# Page\n\n{line}\n")
    with pytest.raises(ConfigurationError, match=re.escape(words)) as error:
        site_tree(read_portfolio(MINI), "org", folder, {})
    assert f"{folder / 'page.md'}:3:" in str(error.value)


def test_the_build_fails_on_an_unknown_marker(tmp_path: Path, in_root: Path) -> None:
    folder = handbook_copy(tmp_path, "index.md", "# Handbook\n\n<!-- pmo:nothing -->\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml")
        .read_text()
        .replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}", 1)
        .replace("handbook: methodology", f"handbook: {folder}")
    )
    result = CliRunner().invoke(
        main, ["build", "--config", str(config), "--data", str(MINI), "--out", str(tmp_path / "site")]
    )
    assert result.exit_code == 2, result.output
    assert "unknown handbook marker <!-- pmo:nothing -->" in result.output and "index.md:3" in result.output


def test_scoring_weights_and_thresholds_come_from_the_data(mini: Path, edit: Edit, tmp_path: Path) -> None:
    edit("portfolio.yaml", "weight: 0.35}", "weight: 0.40}")
    edit("portfolio.yaml", "weight: 0.30}", "weight: 0.25}")
    edit("portfolio.yaml", "spi: {amber: 0.95, red: 0.85}", "spi: {amber: 0.97, red: 0.8}")
    markers = "<!-- pmo:scoring-criteria -->\n\n<!-- pmo:rag-thresholds -->\n"
    folder = handbook_copy(tmp_path, "rules.md", f"# Rules\n\n{markers}")
    page = unmark(site_tree(read_portfolio(mini), "org", folder, {}).pages["handbook/rules.md"])
    assert "<td>Strategic fit</td><td><code>strategic&#95;fit</code></td><td>0.40</td><td>40 %</td>" in page
    assert "<td>SPI</td><td>below 0.97</td><td>below 0.80</td>" in page
    assert "inverse: 6 − score" in page


def test_the_ranked_list_rule_and_the_funding_come_from_the_code_and_the_data(
    mini: Path, edit: Edit, tmp_path: Path
) -> None:
    folder = handbook_copy(tmp_path, "rules.md", "# Rules\n\n<!-- pmo:ranked-list -->\n")
    page = unmark(site_tree(read_portfolio(mini), "org", folder, {}).pages["handbook/rules.md"])
    assert f"The ranked list holds {RANKED}, highest priority score first" in page
    assert "The funding available for new work is <strong>€500,000</strong>" in page
    edit("portfolio.yaml", "funding: {available: 500000}", "funding: {available: 750000}")
    page = unmark(site_tree(read_portfolio(mini), "org", folder, {}).pages["handbook/rules.md"])
    assert "<strong>€750,000</strong>" in page


def test_the_source_tree_gets_the_filled_in_handbook(sample_tree: Any) -> None:
    kpis = unmark(sample_tree.pages["handbook/kpis.md"])
    assert "### Schedule performance index (SPI)" in kpis and "### Derived RAG" in kpis
    assert "Amber below 0.95, red below 0.85" in kpis


# KPI definitions ----------------------------------------------------------------------------------


def test_every_kpi_definition_names_what_the_code_computes_at_its_level() -> None:
    a = prepare(read_portfolio(MINI), "org")
    computed = {
        "project": set(a.projects.columns),
        "group": {f.name for f in dataclasses.fields(Rollup)},
        "milestone": {name for name in dir(kpi_module) if callable(getattr(kpi_module, name))},
        "team-month": set(a.capacity.cells.columns),
    }
    for kpi in KPI_DEFINITIONS:
        assert kpi.column in computed[kpi.level], (kpi.level, kpi.column)
    ids = [kpi.id for kpi in KPI_DEFINITIONS]
    assert len(ids) == len(set(ids))


# Figures of a roll-up that are not KPIs of their own: counts, and parts of a defined KPI.
NOT_KPIS = {
    "projects": "a count",
    "by_phase": "a count",
    "by_kind": "a count",
    "active_budget": "total budget over the active projects",
    "active_spent": "spent to date over the active projects",
    "spent_by_kind": "part of run versus change",
    "benefits_planned": "part of benefits realized",
    "open_risks": "a count, beside the risk exposure",
    "budget_withheld": "a count, beside the total budget",
    "active_budget_withheld": "a count, beside the total budget",
}


def test_every_figure_of_a_rollup_is_defined_on_the_kpi_page() -> None:
    defined = {kpi.column for kpi in KPI_DEFINITIONS if kpi.level == "group"}
    for figure in dataclasses.fields(Rollup):
        assert (figure.name in defined) != (figure.name in NOT_KPIS), figure.name


def test_the_kpi_page_defines_every_kpi_with_its_anchor(built: Path) -> None:
    html = article((built / "handbook/kpis/index.html").read_text())
    for kpi in KPI_DEFINITIONS:
        assert f'id="{kpi.id}"' in html, kpi.id
    for anchor in ("spi", "cpi", "eac", "tcpi", "schedule-slip", "derived-rag", "priority-score", "milestone-slip"):
        assert f'id="{anchor}"' in html
    # the registry's links lead to the handbook pages, relative to the KPI page
    assert '<a href="../../handbook/status-reporting/">Status reporting</a>' in html
    assert '<a href="../../handbook/demand-management/#scoring">Demand management</a>' in html
    assert '<a href="../../handbook/kpis/#schedule-slip">schedule slip</a>' in html
    assert "](" not in html


def test_an_undefined_kpi_explains_itself_from_the_registry() -> None:
    from generator.analytics.kpi import why_undefined

    row = {"ac": 10.0, "pv": 5.0, "ev": 5.0, "bac": 100.0, "planned_days": 90.0}
    assert why_undefined("priority_score", row) == "not defined when the project has no scores"


# glossary and tooltips ----------------------------------------------------------------------------


TIPS = Tooltips()


def test_a_tooltip_wraps_every_use_in_text() -> None:
    html = (
        '<h2 id="spi-and-cpi">SPI and CPI</h2><p title="SPI here">The SPI rose; the SPI fell. KPIs, CR-4, '
        '<a href="#x">EAC</a>, <code>ETC</code>, TCPI&#58; BACK, <!-- VAC --> and VAC.</p>'
    )
    out = TIPS.apply(html)
    spi = '<abbr title="Schedule performance index: SPI = EV / PV">SPI</abbr>'
    assert out.count("<abbr") == 9  # SPI ×3, CPI, KPIs, CR, EAC, TCPI, VAC
    assert f'<h2 id="spi-and-cpi">{spi} and <abbr' in out
    assert f'title="SPI here">The {spi} rose; the {spi} fell.' in out  # an attribute's text stays as it is
    assert '<abbr title="Key performance indicator">KPIs</abbr>' in out
    assert '<a href="#x"><abbr title="Estimate at completion: EAC = BAC / CPI">EAC</abbr></a>' in out
    assert '<abbr title="Change request">CR</abbr>-4' in out  # a word boundary, as in Python-Markdown's abbr
    assert "<code>ETC</code>" in out and "BACK" in out
    assert "<!-- VAC --> and <abbr" in out


@pytest.mark.parametrize(
    "html",
    [
        '<script type="application/json">{"SPI": 1}</script>',
        '<abbr class="pmo-na" title="no report">SPI</abbr>',
        '<select name="x"><option value="a">RAG</option></select>',
        '<pre><code class="language-yaml">rag: RAG</code></pre>',
        '<img alt="SPI">',
        "<p>SPI_trend, /SPI, e.SPI, &SPI</p>",
    ],
)
def test_no_tooltip_inside_code_scripts_options_attributes_or_words(html: str) -> None:
    assert TIPS.apply(html) == html


def test_every_abbreviation_of_the_glossary_is_applied_on_the_site(built: Path) -> None:
    seen: set[str] = set()
    for page in built.rglob("*.html"):
        if page.parent.name == "glossary":
            continue
        seen.update(re.findall(r'<abbr title="[^"]*">([^<]+?)s?</abbr>', page.read_text(encoding="utf-8")))
    missing = sorted({a.abbreviation for a in ABBREVIATIONS} - seen)
    assert not missing, f"never shown as a tooltip outside the glossary: {missing}"


def test_no_abbreviation_is_left_without_its_tooltip_on_the_site(built: Path) -> None:
    """Every use, not only the first: what Tooltips.apply would still wrap on a built page is nothing."""
    pages = [p for p in built.rglob("*.html") if "assets" not in p.parts]
    for page in pages:
        html = article(page.read_text(encoding="utf-8"))
        assert TIPS.apply(html) == html, page.relative_to(built)


class _ProseText(HTMLParser):
    """The text of a page's article that a reader sees as prose: not in code, a tooltip already, or a control."""

    SKIP = frozenset(
        {"script", "style", "code", "pre", "kbd", "samp", "abbr", "select", "option", "textarea", "button", "svg"}
    )
    VOID = frozenset({"br", "img", "input", "hr", "wbr", "col", "source", "meta", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if "article" in self.open and not self.SKIP.intersection(self.open):
            self.parts.append(data)


def test_no_abbreviation_is_left_bare_in_the_prose_of_any_page(built: Path) -> None:
    """An independent reading of the built pages (an HTML parser, not the tooltips' own rules)."""
    bare = re.compile(
        r"(?<![A-Za-z0-9])(" + "|".join(re.escape(a.abbreviation) for a in ABBREVIATIONS) + r")(?![A-Za-z0-9])"
    )
    found: dict[str, str] = {}
    for page in built.rglob("*.html"):
        if "assets" in page.parts:
            continue
        parser = _ProseText()
        parser.feed(page.read_text(encoding="utf-8"))
        for match in bare.finditer(" ".join(parser.parts)):
            found.setdefault(match.group(1), str(page.relative_to(built)))
    assert not found, found


def test_the_glossary_lists_every_abbreviation_with_working_links(built: Path) -> None:
    html = article((built / "handbook/glossary/index.html").read_text())
    for abbreviation in ABBREVIATIONS:
        assert f'id="abbr-{abbreviation.abbreviation.lower()}"' in html
        assert abbreviation.see or abbreviation in DOMAIN, abbreviation.abbreviation
    # every entry with a page that explains it links there: all the PMO's own, some of the organization's
    assert html.count("More about ") == sum(1 for a in ABBREVIATIONS if a.see) > len(ABBREVIATIONS) - len(DOMAIN)


def test_tooltips_can_be_switched_off(tmp_path: Path, in_root: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml")
        .read_text()
        .replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}", 1)
        .replace("handbook: methodology", f"handbook: {HANDBOOK_DIR}")
        .replace("audience: org", "audience: org\n      tooltips: false")
    )
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--data", str(MINI), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert '<abbr title="' not in (out / "projects/crm/index.html").read_text()
    tree = tmp_path / "tree"
    result = CliRunner().invoke(main, ["generate", "--config", str(config), "--data", str(MINI), "--out", str(tree)])
    assert result.exit_code == 0, result.output
    assert "<abbr" not in (tree / "docs/projects/crm.md").read_text()
    assert "*[PMO]:" not in (tree / "docs/handbook/lifecycle.md").read_text()


# key tasks and RACI -------------------------------------------------------------------------------


def test_the_raci_matrix_covers_every_key_task_and_role() -> None:
    ids = [task.id for task in KEY_TASKS]
    assert set(ISSUE_TASKS) <= set(ids) and len(ids) == len(set(ids))
    names = {role.name for role in ROLES}
    assert names == {
        "Program manager",
        "Project manager",
        "PMO director",
        "PMO analyst",
        "PMO coordinator",
        "Sponsor",
        "Steering committee",
    }
    for task in KEY_TASKS:
        assert set(task.raci) <= set(ROLE_IDS), task.id
        assert set(task.raci.values()) <= {"A", "R", "A/R", "C", "I"}, task.id
        assert sum(letter in {"A", "A/R"} for letter in task.raci.values()) == 1, f"{task.id}: one accountable"
        assert any("R" in letter for letter in task.raci.values()), f"{task.id}: someone does it"
        assert all(t in TEMPLATES for t in task.templates), task.id
    for role in ROLE_IDS:
        assert any(task.letter(role) for task in KEY_TASKS), f"{role} has no part in any task"


def test_the_raci_and_key_task_pages_show_every_task_and_role(built: Path) -> None:
    raci = article((built / "handbook/roles/index.html").read_text())
    tasks = article((built / "handbook/key-tasks/index.html").read_text())
    for task in KEY_TASKS:
        assert f'href="../../handbook/key-tasks/#{task.id}"' in raci, task.id
        assert f'id="{task.id}"' in tasks, task.id  # each task has its own section on the key-tasks page
    for role in ROLES:
        assert f'href="../../handbook/roles/{role.id}/">{role.name}</a></th>' in untipped(raci)


# roles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "role"),
    [
        ("Project Manager", "project-manager"),
        ("project-manager", "project-manager"),
        ("  PROJECT   manager ", "project-manager"),
        ("Programme manager", "program-manager"),
        ("PMO Director", "pmo-director"),
        ("Executive sponsor", "sponsor"),
        ("Architect", None),
    ],
)
def test_roles_are_read_tolerantly(written: str, role: str | None) -> None:
    found = find_role(written)
    assert (found.id if found else None) == role


def test_role_pages_list_the_holders_and_their_projects(built: Path) -> None:
    portfolio = read_portfolio(SAMPLE)
    people = {p.id: p for p in portfolio.people.people}
    managers = {p.manager for p in portfolio.projects.values() if p.visibility == "org"}
    page = article((built / "handbook/roles/project-manager/index.html").read_text())
    for person in managers:
        assert people[person].name.replace("'", "&#39;") in page, person
    sponsors = article((built / "handbook/roles/sponsor/index.html").read_text())
    executive = next(p for p in portfolio.projects.values() if people[p.sponsor].role == "Executive")
    assert people[executive.sponsor].name in sponsors  # acting as sponsor, whatever people.yaml calls them
    director = article((built / "handbook/roles/pmo-director/index.html").read_text())
    assert "Sofia Lindqvist" in director and "Adaeze Okafor" not in director
    committees = article((built / "handbook/roles/steering-committee/index.html").read_text())
    for program in portfolio.programs.values():
        if program.visibility == "org":
            assert f'href="../../../programs/{program.id}/"' in committees
            assert people[program.pmo_analyst].name in _row(committees, f"../../../programs/{program.id}/")


def _row(page: str, text: str) -> str:
    """The table row of a page that holds `text`."""
    return next(row for row in page.split("<tr>") if text in row).split("</tr>")[0]


@pytest.mark.parametrize("role", ["project-manager", "program-manager", "sponsor", "pmo-analyst"])
def test_each_holder_of_a_role_is_listed_with_their_current_projects(built: Path, role: str) -> None:
    portfolio = read_portfolio(SAMPLE)
    names = {p.id: p.name for p in portfolio.people.people}
    programs = {p.id: p for p in portfolio.programs.values() if p.visibility == "org"}
    projects = [p for p in portfolio.projects.values() if p.visibility == "org"]
    theirs: dict[str, set[str]] = {}
    for project in projects:
        program = programs.get(project.program or "")
        people = {
            "project-manager": [project.manager],
            "sponsor": [project.sponsor],
            "program-manager": [program.manager] if program else [],
            "pmo-analyst": [program.pmo_analyst] if program and program.pmo_analyst else [],
        }[role]
        for person in people:
            theirs.setdefault(person, set()).add(project.id)
    page = article((built / f"handbook/roles/{role}/index.html").read_text())
    for person, ids in theirs.items():
        row = _row(page, f"<td>{names[person].replace(chr(39), '&#39;')}</td>")
        finished = 0
        for project in projects:
            if project.id in ids and project.phase in ("closed", "cancelled"):
                finished += 1
            else:
                assert (f'href="../../../projects/{project.id}/"' in row) == (project.id in ids), (person, project.id)
        assert (f"{finished} closed or cancelled" in row) == bool(finished), person


def test_the_pmo_director_and_coordinator_work_on_the_whole_portfolio(built: Path) -> None:
    portfolio = read_portfolio(SAMPLE)
    programs = sum(1 for p in portfolio.programs.values() if p.visibility == "org")
    running = sum(
        1 for p in portfolio.projects.values() if p.visibility == "org" and p.phase not in ("closed", "cancelled")
    )
    for role, person in (("pmo-director", "Sofia Lindqvist"), ("pmo-coordinator", "Joana Ferreira")):
        row = _row(article((built / f"handbook/roles/{role}/index.html").read_text()), person)
        assert f"<td>all {programs}</td>" in row and f"<td>all {running} not finished</td>" in row


def test_a_role_page_with_a_differently_written_role(mini: Path, edit: Edit, tmp_path: Path) -> None:
    edit("people.yaml", "role: Program manager", "role: PROGRAMME-manager")
    folder = handbook_copy(tmp_path, "pm.md", '# PM\n\n<!-- pmo:role-holders role="program manager" -->\n')
    page = site_tree(read_portfolio(mini), "org", folder, {}).pages["handbook/pm.md"]
    assert "Jonas Berg" in page and "PROGRAMME-manager" in page


# lessons ------------------------------------------------------------------------------------------


def test_the_lessons_library_lists_every_lesson_by_category(built: Path) -> None:
    portfolio = read_portfolio(SAMPLE)
    html = article((built / "handbook/lessons/index.html").read_text())
    org = [(p, lesson) for p in portfolio.projects.values() if p.visibility == "org" for lesson in p.lessons]
    shown = [(p, lesson) for p, lesson in org if lesson.visibility == "org"]
    assert html.count("<tr data-category=") == len(shown)
    for category in {lesson.category for _, lesson in shown}:
        assert f'id="lessons-{category}"' in html
        assert f'id="pmo-lessons-{category}"' in html
    hidden = [lesson for _, lesson in org if lesson.visibility == "pmo"]
    for lesson in hidden:
        assert lesson.lesson[:40] not in html
    assert 'data-pmo-filters="pmo-lessons-' in html and 'type="search"' in html
    for name in ("category", "program", "phase", "year"):
        assert f'<select name="{name}">' in html, name
    rows = [row.split("</tr>")[0] for row in html.split("<tr data-category=")[1:]]
    for project, lesson in shown:  # each with its project, the project's phase and the lesson's date
        link = f'<a href="../../projects/{project.id}/">'
        phase = f"<td>{project.phase.replace('-', ' ').capitalize()}</td>"
        date = f"<td>{lesson.date.isoformat() if lesson.date else 'n/a'}</td>"
        assert any(link in row and phase in row and date in row for row in rows), (project.id, lesson.lesson)
    for category in LESSON_CATEGORIES:  # every category a lesson may take, not only those in use
        assert f"<code>{category}</code>" in html


def test_lesson_categories_link_to_handbook_pages_that_exist(built: Path) -> None:
    for category, (_, target) in LESSON_CATEGORIES.items():
        path, _, anchor = target.partition("#")
        page = built / HANDBOOK / path.removesuffix(".md").removesuffix("index") / "index.html"
        assert page.is_file(), (category, path)
        assert not anchor or f'id="{anchor}"' in page.read_text(), (category, target)


def test_an_unknown_lesson_category_goes_to_other(mini: Path, edit: Edit) -> None:
    edit("projects/crm.yaml", "category: vendor-management", "category: weather")
    tree = site_tree(read_portfolio(mini), "org", HANDBOOK_DIR, {})
    page = tree.pages["handbook/lessons.md"]
    assert 'id="lessons-other"' in page and "<strong>Weather:</strong> Vendors need a named lead." in page


def test_the_lessons_are_in_the_search_index_by_category(built: Path) -> None:
    lessons = fragments(built)["/handbook/lessons/"]
    assert lessons.headings["lessons-vendor-management"] == "Vendor management"
    assert "Clinician champions trained most of their colleagues" in lessons.content  # a lesson's words


# templates and downloads --------------------------------------------------------------------------


def test_every_template_has_a_page_and_its_downloads_open(built: Path) -> None:
    for template in TEMPLATES.values():
        page = built / HANDBOOK / template.page.replace(".md", "/index.html")
        html = article(page.read_text())
        for name in template.files:
            assert f'download="{name}"' in html, (template.id, name)
            published = built / HANDBOOK / "templates/files" / (f"{name}.txt" if name.endswith(".md") else name)
            assert published.is_file(), published
            if name.endswith(".xlsx"):
                load_workbook(published)  # opens
            else:
                text = published.read_text(encoding="utf-8")
                assert text.startswith("# ") and len(text) > 500
                assert "<summary>Preview of" in html


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.file)
def test_register_workbooks_have_typed_columns_and_validation_lists(built: Path, register: Any) -> None:
    book = load_workbook(built / HANDBOOK / "templates/files" / register.file)
    sheet = book.worksheets[0]
    fields = [key for key in register.model.model_fields if key != "visibility"] + ["visibility"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[: len(fields)] == fields
    rules = {str(rule.sqref).split(":")[0][:-1]: rule for rule in sheet.data_validations.dataValidation}
    for index, key in enumerate(fields):
        letter = chr(ord("A") + index)
        rule = rules[letter]
        annotation = register.model.model_fields[key].annotation
        if typing.get_origin(annotation) is typing.Literal:
            assert rule.type == "list" and rule.formula1 == '"' + ",".join(typing.get_args(annotation)) + '"'
        assert rule.prompt, key  # every column explains itself
    assert "Guide" in book.sheetnames
    if register.model is Risk:
        assert rules["C"].type == "whole" and (rules["C"].formula1, rules["C"].formula2) == ("1", "5")
        assert sheet["I2"].value.startswith("=IF(")  # exposure, computed as the site does
    if register.model is Issue:
        assert rules["F"].type == "date"
    if "owner" in fields:  # the person ids of people.yaml, from the hidden lists sheet
        letter = chr(ord("A") + fields.index("owner"))
        assert rules[letter].type == "list" and rules[letter].errorStyle == "stop"
        cells = rules[letter].formula1.split("!")[1].replace("$", "").split(":")
        ids = [row[0].value for row in book["Lists"][cells[0] : cells[1]]]
        assert ids == sorted(p.id for p in read_portfolio(SAMPLE).people.people)
    widths = {key: sheet.column_dimensions[chr(ord("A") + i)].width for i, key in enumerate(fields)}
    text = [
        k for k in fields if k not in ("id", "owner") and rules[chr(ord("A") + fields.index(k))].type == "textLength"
    ]
    assert all(widths[k] > 40 for k in text) and widths.get("id", 10) <= 12, widths  # prose wide, ids narrow
    assert {Risk, Issue, Change, Lesson} == {r.model for r in REGISTERS}


def test_registers_are_the_same_bytes_every_build(sample_tree: Any) -> None:
    again = site_tree(read_portfolio(SAMPLE), "org", HANDBOOK_DIR, {})
    for register in REGISTERS:
        path = f"{HANDBOOK}/templates/files/{register.file}"
        assert sample_tree.assets[path] == again.assets[path]
        assert load_workbook(io.BytesIO(sample_tree.assets[path])).properties.creator == "pmo-portfolio"


def test_the_templates_page_offers_every_template_and_the_yaml_data_templates(built: Path) -> None:
    html = article((built / "handbook/templates/index.html").read_text())
    for kind in ("project", "program", "request"):  # generated from the data model (generator/io/templates.py)
        assert f'<a download="new-{kind}.yaml" href="../../assets/templates/new-{kind}.yaml">' in html
        assert (built / f"assets/templates/new-{kind}.yaml").read_text().startswith("# yaml-language-server")
    for template in TEMPLATES.values():
        assert f'href="../../handbook/templates/{template.id}/"' in html


# the handbook as a whole --------------------------------------------------------------------------


def test_every_handbook_page_is_in_the_navigation(sample_tree: Any, built: Path) -> None:
    def flat(items: Any) -> list[str]:
        if isinstance(items, str):
            return [items]
        if isinstance(items, dict):
            return [p for value in items.values() for p in flat(value)]
        return [p for item in items for p in flat(item)]

    handbook = next(item["Handbook"] for item in sample_tree.nav if "Handbook" in item)
    in_nav = set(flat(handbook))
    pages = {p for p in sample_tree.pages if p.startswith(f"{HANDBOOK}/")}
    assert pages == in_nav
    for page in pages:  # and the built page is marked as the active entry of the navigation
        html = (built / page.removesuffix(".md").removesuffix("/index")).joinpath("index.html").read_text()
        assert "md-nav__link--active" in html, page


def test_every_role_and_template_has_its_page(sample_tree: Any) -> None:
    for role in ROLES:
        assert f"{HANDBOOK}/{role.page}" in sample_tree.pages
    for template in TEMPLATES.values():
        assert f"{HANDBOOK}/{template.page}" in sample_tree.pages
    assert f"{HANDBOOK}/lessons.md" in sample_tree.pages


def test_the_validation_example_of_the_handbook_is_what_pmo_validate_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SAMPLE, tmp_path / "portfolio")
    (tmp_path / "portfolio/projects/crm.yaml").write_text(
        'name: "CRM replacement"\n'
        "program: digital-front-door\n"
        "kind: change\n"
        "phase: active\n"
        "methodology: agile\n"
        "objectives: [digital-care]\n"
        "sponsor: g.rossi\n"
        "manager: Adaeze Okafor\n"
        'sumary: "Replace the contact centre\'s CRM."\n'
        "description: |\n"
        "  Replace the CRM.\n"
        "start: 31/01/2026\n"
        "finish: 2026-12-31\n"
        "scores: {strategic_fit: 3, value: 3, urgency: 3, risk: 3}\n"
        "budget: 100,000\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--data", "portfolio"])
    page = (HANDBOOK_DIR / "editing-the-portfolio.md").read_text()
    example = page.split("The checks of a pull request run the same command. For example:\n\n```\n")[1].split("```")[0]
    assert result.exit_code == 1
    assert result.output == example


# The governance page's decision-rights table is governance.yaml's, and the change checks use it:
# tests/test_governance_handbook.py reads it back from the rendered page.


# the content pages ----------------------------------------------------------------------------------


def _sections(page: str) -> dict[str, str]:
    """The `## ` sections of a handbook page's Markdown, by heading (attributes cut off)."""
    parts = re.split(r"^## (.+)$", (HANDBOOK_DIR / page).read_text(), flags=re.M)
    return {re.sub(r"\s*\{.*\}$", "", title): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


GATE_SECTIONS = (
    "Intake",
    "G0 Assessment",
    "G1 Approval",
    "Planning and G2 Baseline",
    "Execution and G3 Acceptance",
    "Closing and G4 Closure",
    "Post-implementation review (PIR)",
)


def test_every_gate_of_the_lifecycle_has_entry_and_exit_criteria_its_artefact_and_who_decides() -> None:
    sections = _sections("lifecycle.md")
    for gate in GATE_SECTIONS:
        body = sections[gate]
        for part in ("Entry", "Artefact", "Who decides", "Exit"):
            assert re.search(rf"^- \*\*{part}\b[^*]*:\*\*", body, re.M), (gate, part)
    glance = sections["The gates at a glance"]
    assert "<!-- pmo:gates -->" in glance  # criteria and deciders come from governance.yaml
    for gate in ("Intake", "G0 Assessment", "G1 Approval", "G2 Baseline", "G3 Acceptance", "G4 Closure", "PIR"):
        row = next(line for line in glance.splitlines() if line.startswith(f"| {gate} |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 4 and all(cells), row  # decision, artefact, record in the portfolio


def test_each_compliance_checklist_says_when_it_applies_and_what_is_checked_at_which_gate() -> None:
    sections = _sections("compliance.md")
    table = sections["When each checklist applies"]
    for name in ("GDPR", "HIPAA", "SOX", "Security review at the gates"):
        body = sections[name]
        if name.startswith("Security"):
            assert "| G" in body, name
        else:  # the checklist by gate is governance.yaml's (tests/test_governance_handbook.py)
            assert f'<!-- pmo:regulation-checklist regulation="{name.lower()}" -->' in body, name
        row = next(line for line in table.splitlines() if line.startswith(f"| [{name.split(' at ')[0]}]"))
        assert re.search(r"\| G\d \| G\d", row), row  # screened at a gate, checked at gates
    for gate in ("G0", "G1", "G2", "G3"):
        assert (
            f"**{gate}" in sections["Security review at the gates"]
            or f"| {gate}" in sections["Security review at the gates"]
        ), gate


def test_the_tailoring_guide_covers_each_method_and_what_it_changes() -> None:
    sections = _sections("methodologies.md")
    for method in ("Agile", "PRINCE2-style", "PMI-style", "Hybrid"):
        assert len(sections[method].split()) > 40, method
    changes = sections["What each method changes"]
    assert "| | Agile | PRINCE2-style | PMI-style | Hybrid |" in changes
    for row in ("G2 baseline", "Milestones in the file", "Percent complete", "Change requests", "Status report"):
        assert f"| **{row}** |" in changes, row
    choosing = sections["Choosing a method"]
    for key in ("agile", "prince2", "pmi", "hybrid"):
        assert f"| `{key}` |" in choosing, key


def test_start_here_gives_a_reading_order_per_role_a_first_week_checklist_and_how_to_change_the_portfolio(
    built: Path,
) -> None:
    sections = _sections("start-here.md")
    order = sections["Reading order by role"]
    for role in ("New project manager", "New PMO analyst", "New sponsor"):
        steps = order.split(f'=== "{role}"')[1].split("===")[0]
        assert len(re.findall(r"^    \d+\. \[", steps, re.M)) >= 5, role
    assert sections["Your first week"].count("- [ ] ") >= 6
    changing = article((built / "handbook/editing-the-portfolio/index.html").read_text())
    for needed in ("pull request", "pmo validate", "pmo serve", 'id="validate"'):
        assert needed in changing, needed
    assert 'href="../editing-the-portfolio/"' in article((built / "handbook/start-here/index.html").read_text())
