"""Charts: valid Vega-Lite, deterministic, a tooltip on every mark, a text alternative and the data as a table."""

from __future__ import annotations

import datetime as dt
import json
import re

import altair as alt
import pytest

from generator.charts.specs import DESIGNS, chart_block, full_spec, template, templates_script, vega_bundle
from generator.pages.performance import performance_page
from generator.pages.roadmap import roadmap_chart
from generator.pipeline import prepare, read_portfolio, site_tree
from generator.widgets.blocks import unmark

from .conftest import MINI, SAMPLE


@pytest.fixture(scope="module")
def analysis():
    return prepare(read_portfolio(SAMPLE), "org")


def inline_specs(block: str) -> list[dict]:
    """What the page carries of each chart: template name, title, data and overrides."""
    return [json.loads(m) for m in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', block)]


def specs(block: str) -> list[dict]:
    """Each chart's Vega-Lite spec as the browser draws it: the template with the inline keys on top."""
    return [full_spec(spec) for spec in inline_specs(block)]


def test_roadmap_spec_is_valid_vega_lite(analysis) -> None:
    ids = analysis.by_program["clinical-systems"]
    (spec,) = specs(roadmap_chart(analysis, ids, "roadmap.md", "x", "Clinical Systems"))
    alt.LayerChart.from_dict(spec, validate=True)  # raises on anything the Vega-Lite schema refuses
    assert spec["title"] == "Clinical Systems"
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])
    active = [pid for pid in ids if analysis.rows[pid]["active"]]
    assert len(spec["datasets"]["rows"]) == 1 + len(active)  # the program's header row, its projects
    assert spec["datasets"]["rows"][0] == {"row": "Clinical Systems", "header": "Clinical Systems"}
    assert spec["datasets"]["as_of"] == [{"date": "2026-10-31"}]
    milestones = sum(len(analysis.project(pid).milestones) for pid in active)
    assert len(spec["datasets"]["milestones"]) == milestones


def test_the_roadmap_is_one_chart_grouped_by_program_with_baselines_and_links(analysis) -> None:
    from generator.pages.roadmap import roadmap_page

    page = roadmap_page(analysis)
    (spec,) = specs(page)
    alt.LayerChart.from_dict(spec, validate=True)
    rows = spec["datasets"]["rows"]
    headers = [r["row"] for r in rows if "header" in r]
    assert headers == sorted(p.name for p in analysis.portfolio.programs.values())
    projects = [r for r in rows if "header" not in r]
    assert len(projects) == sum(1 for row in analysis.rows.values() if row["active"])
    # each project sits under its program's header
    program = None
    for r in rows:
        program = r.get("header", program)
        assert r.get("program", program) == program
    # each row's link, baseline and forecast: the golden file tests/golden/charts/roadmap.json (tests/test_golden.py)
    layers = {json.dumps(layer["encoding"].get("x2", {})) for layer in spec["layer"]}
    assert '{"field": "baseline"}' in layers and '{"field": "finish"}' in layers  # baseline and forecast bars
    assert any("href" in layer["encoding"] for layer in spec["layer"])


def test_a_program_named_or_keyed_like_its_project_keeps_both_rows(tmp_path) -> None:
    """A program may share its id and its name with one of its projects: the project keeps its own row under the
    header, and the header, told apart by its id, is still styled as one."""
    import shutil

    from generator.pages.roadmap import roadmap_page

    data = shutil.copytree(MINI, tmp_path / "data")
    (data / "programs" / "front-door.yaml").rename(data / "programs" / "crm.yaml")
    for project in (data / "projects").glob("*.yaml"):
        project.write_text(project.read_text().replace("program: front-door", "program: crm"))
    a = prepare(read_portfolio(data), "org")
    crm = a.rows["crm"]["name"]
    program = data / "programs" / "crm.yaml"
    program.write_text(program.read_text().replace("name: Digital front door", f"name: {crm}"))
    a = prepare(read_portfolio(data), "org")
    rows = specs(roadmap_page(a))[0]["datasets"]["rows"]
    labels = [r["row"] for r in rows]
    assert len(labels) == len(set(labels)) == 1 + sum(1 for row in a.rows.values() if row["active"])
    (header,) = [r for r in rows if "header" in r]
    assert header == {"row": f"{crm} (program crm)", "header": f"{crm} (program crm)"}
    (project,) = [r for r in rows if r.get("href") == "../projects/crm/"]
    assert project["row"] == f"{crm} (crm)"


def test_every_roadmap_shares_the_portfolio_time_axis(analysis) -> None:
    from generator.charts.specs import utc_ms
    from generator.pages.portfolio import program_page
    from generator.pages.roadmap import roadmap_page

    def axis(page: str) -> list:
        (spec,) = specs(page)
        return spec["params"]

    portfolio = axis(roadmap_page(analysis))
    # the first of the earliest start's month to the first of the month after the latest finish, midnight UTC
    span = [utc_ms(dt.date(2025, 4, 1)), utc_ms(dt.date(2028, 1, 1))]
    assert portfolio == [{"name": "x_from", "value": span[0]}, {"name": "x_to", "value": span[1]}]
    assert span == [1743465600000, 1830297600000]
    for program in analysis.portfolio.programs:
        assert axis(program_page(analysis, program)) == portfolio, program


def test_time_axes_are_utc_with_month_names_inside_their_months() -> None:
    from generator.charts.specs import TIME_AXIS

    for name in ("roadmap", "s_curve", "milestones", "rag_history"):
        xs = [layer["encoding"]["x"] for layer in template(name)["layer"] if "scale" in layer["encoding"].get("x", {})]
        assert xs and all(x["scale"]["type"] == "utc" and x["axis"].items() >= TIME_AXIS.items() for x in xs), name
        tooltips = [t for layer in template(name)["layer"] for t in layer["encoding"]["tooltip"]]
        assert all(t.get("timeUnit") == "utcyearmonthdate" for t in tooltips if t["type"] == "temporal"), name
    assert TIME_AXIS["labelAlign"] == "left" and TIME_AXIS["tickMinStep"] >= 28 * 24 * 3600 * 1000


def test_scatter_labels_name_the_points_that_matter_without_overlapping(analysis) -> None:
    from generator.charts.specs import place_labels
    from generator.pages.prioritization import prioritization_page

    page, _trend = unmark(performance_page(analysis)).split("## Trend")
    (spec,) = specs(page)
    named = [p for p in spec["datasets"]["projects"] if "tag" in p]
    assert {p["label"] for p in named} >= {"Staff rostering system", "Closed-loop e-prescribing rollout"}
    assert all(p["rag"] == "red" or min(p["spi"], p["cpi"]) < 0.85 for p in named)
    _priority, bubbles = specs(prioritization_page(analysis))
    tagged = {b["rank"] for b in bubbles["datasets"]["items"] if "tag" in b}
    assert {1, 2, 3} <= tagged  # the three above the cut line
    # two points side by side: the second name goes where it does not cover the first
    points = [{"x": 1.0, "y": 1.0, "s": 1, "text": "First"}, {"x": 1.1, "y": 1.0, "s": 1, "text": "Second"}]
    place_labels(points, points, ("x", "y", "s"), ((0, 2), (0, 2)), 5)
    assert [p["tag"] for p in points] == ["l", "r"]
    crowded = [{"x": 1.0, "y": 1.0, "s": 1, "text": f"Project {i}"} for i in range(6)]
    place_labels(crowded, crowded, ("x", "y", "s"), ((0, 2), (0, 2)), 5)
    assert sum(1 for p in crowded if "tag" in p) == 4  # right, left, above, below: then no room


def test_roadmap_block_has_a_text_alternative_and_a_data_table(analysis) -> None:
    ids = analysis.by_program["clinical-systems"]
    block = roadmap_chart(analysis, ids, "roadmap.md", "x", "Clinical Systems")
    assert 'role="img" aria-label="Clinical Systems: ' in block and "<figcaption>" in block
    table = block.split("<details>")[1]
    assert table.count("<tr>") == 1 + sum(1 for pid in ids if analysis.rows[pid]["active"])


def test_charts_are_deterministic() -> None:
    first = site_tree(read_portfolio(SAMPLE), "org", None, {}).pages["roadmap.md"]
    again = site_tree(read_portfolio(SAMPLE), "org", None, {}).pages["roadmap.md"]
    assert first == again


def test_data_text_cannot_close_the_spec_element() -> None:
    block = chart_block("x", {"title": "</script><script>alert(1)</script> & <b>"}, "summary", "<table></table>")
    payload = re.search(r'data-for="chart-x">(.*?)</script>', block, re.S).group(1)
    assert "<" not in payload and ">" not in payload and "&" not in payload
    assert json.loads(payload)["title"] == "</script><script>alert(1)</script> & <b>"


def test_no_active_project_no_chart() -> None:
    analysis = prepare(read_portfolio(MINI), "org")
    assert roadmap_chart(analysis, ["identity"], "roadmap.md", "x", "t") == "_No active project._\n"


def test_vega_is_served_from_the_site() -> None:
    bundle = vega_bundle()
    assert b"window.vegaEmbed=" in bundle and len(bundle) > 500_000


def test_stored_templates_are_what_altair_makes() -> None:
    for name, design in DESIGNS.items():
        assert template(name) == json.loads(json.dumps(design())), (
            f"{name}.vl.json is stale: run "
            "python3 -c 'from generator.charts.specs import write_templates; write_templates()'"
        )


def test_performance_chart_is_valid_and_places_every_measured_project(analysis) -> None:
    page, _trend = unmark(performance_page(analysis)).split("## Trend")
    (spec,) = specs(page)
    alt.LayerChart.from_dict(spec, validate=True)
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])
    measured = {
        row["name"]
        for row in analysis.rows.values()
        if row["active"] and row["spi"] == row["spi"] and row["cpi"] == row["cpi"]
    }  # not NaN
    assert {p["label"] for p in spec["datasets"]["projects"]} == measured
    behind_and_over = sum(1 for p in spec["datasets"]["projects"] if p["spi"] < 1 and p["cpi"] < 1)
    assert f"{behind_and_over} behind schedule and over budget" in page
    assert page.count("<tr>") == 1 + len(measured)  # the table beside the chart has the same projects


def test_priority_chart_is_valid(analysis) -> None:
    from generator.pages.prioritization import prioritization_page

    spec, bubbles = specs(prioritization_page(analysis))
    alt.LayerChart.from_dict(spec, validate=True)
    assert [b["rank"] for b in bubbles["datasets"]["items"]] == [i["rank"] for i in spec["datasets"]["items"]]
    ranks = [item["rank"] for item in spec["datasets"]["items"]]
    assert ranks == list(range(1, len(ranks) + 1))


def test_risk_heatmap_counts_open_risks_by_cell(analysis) -> None:
    from generator.pages.risks import exposure_band, risks_page

    (spec,) = specs(risks_page(analysis))
    alt.LayerChart.from_dict(spec, validate=True)
    cells = spec["datasets"]["cells"]
    assert len(cells) == 25
    open_risks = [r for p in analysis.portfolio.projects.values() for r in p.risks if r.status == "open"]
    assert sum(c["count"] for c in cells) == len(open_risks)
    cell = next(c for c in cells if (c["probability"], c["impact"]) == (3, 4))
    assert cell["count"] == sum(1 for r in open_risks if (r.probability, r.impact) == (3, 4))
    assert [exposure_band(e) for e in (1, 4, 5, 9, 10, 14, 15, 25)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "very high",
        "very high",
    ]


def test_every_chart_of_the_site_is_valid_vega_lite_with_tooltips_and_a_text_alternative() -> None:
    pages = site_tree(read_portfolio(SAMPLE), "pmo", None, {}).pages
    seen = 0
    for path, text in pages.items():
        blocks = re.findall(r'<figure class="pmo-figure">.*?</figure>', text, re.S)
        for block in blocks:
            (spec,) = specs(block)
            alt.LayerChart.from_dict(spec, validate=True)
            assert spec["title"], path
            assert all("tooltip" in layer["encoding"] for layer in spec["layer"]), (path, spec["title"])
            assert re.search(r'aria-label="[^"]{20,}"', block) and "<figcaption>" in block, path
            seen += 1
        assert ("chart-scripts" in text or "charts.js" in text) == bool(blocks), path  # scripts iff charts
    assert seen >= 10


def test_capacity_heatmap_is_valid_with_a_tooltip_on_every_mark(analysis) -> None:
    from generator.pages.capacity import capacity_page

    page = capacity_page(analysis)
    (spec,) = specs(page)
    alt.LayerChart.from_dict(spec, validate=True)
    assert spec["title"] == "Demand / capacity by team and month"
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])
    fields = {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert fields == {"team", "month", "demand", "capacity", "utilization", "over", "top"}
    bands = {c["band"] for c in spec["datasets"]["cells"] if c["over"] == "yes"}
    assert bands == {"over 100 %"}  # the color that stands out is over capacity, and only that
    assert 'role="img" aria-label="Demand against capacity for 8 teams' in page


def test_load_bands_split_at_80_and_100_percent() -> None:
    from generator.charts.specs import load_band

    assert [load_band(u) for u in (0, 0.8, 0.81, 1.0, 1.001)] == [
        "up to 80 %",
        "up to 80 %",
        "80–100 %",
        "80–100 %",
        "over 100 %",
    ]


def test_team_load_chart_is_valid_with_a_data_table(analysis) -> None:
    from generator.pages.capacity import team_page

    page = team_page(analysis, "data-analytics")
    (spec,) = specs(page)
    alt.LayerChart.from_dict(spec, validate=True)
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])
    assert [m["month"] for m in spec["datasets"]["months"]][:2] == ["Oct 2026", "Nov 2026"]
    table = page.split("<details>")[1].split("</details>")[0]
    assert table.count("<tr>") == 1 + 12 and "105 % ⚠" in table


def test_templates_reach_the_browser_once_as_a_script(analysis) -> None:
    from generator.charts.specs import CHARTS_JS, TEMPLATES_JS, VEGA, chart_scripts

    script = templates_script().decode()
    prefix = "window.PMO_CHART_TEMPLATES = "
    payload = script[script.index(prefix) + len(prefix) :].rstrip().removesuffix(";")
    assert json.loads(payload) == {name: template(name) for name in DESIGNS}
    tree = site_tree(read_portfolio(MINI), "org", None, {})
    assert tree.assets[TEMPLATES_JS] == script.encode()
    scripts = re.findall(r'<script src="\.\./([^"]+)" defer>', chart_scripts("roadmap.md"))
    assert scripts == [VEGA, TEMPLATES_JS, CHARTS_JS]  # the templates are there before charts.js draws
    # deferred, in order, once the page is read: the page shows before a megabyte of script is run


def test_a_page_chart_names_its_template_instead_of_repeating_it(analysis) -> None:
    ids = analysis.by_program["clinical-systems"]
    (inline,) = inline_specs(roadmap_chart(analysis, ids, "roadmap.md", "x", "Clinical Systems"))
    assert set(inline) == {"template", "title", "datasets", "height", "autosize", "params"}
    spec = full_spec(inline)
    assert "template" not in spec and spec["layer"] == template("roadmap")["layer"]
    assert spec["height"] == {"step": 24}  # the page's override wins over the template
    assert "height" not in template("roadmap")  # and the cached template is left as it was
