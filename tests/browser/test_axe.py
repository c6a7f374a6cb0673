"""Accessibility of the sample site's pages, measured by axe-core in Chromium at desktop size.

No violation of impact "serious" or "critical" is allowed. Every finding, whatever its impact, is written as JSON
next to the screenshots (axe-<page>.json) so the lesser ones can be read too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from .test_pages import open_page, page_params

if TYPE_CHECKING:
    from pathlib import Path

    from .support import OpenContext, PageSpec, Site

REFUSED = {"serious", "critical"}

# Accepted findings, by rule id and the selector axe reports for the element, each with the reason. Only for
# mkdocs-material's own markup that this project cannot change; the same rule on any other element still fails,
# and every finding stays in the axe-<page>.json report.
# None today: Material's search dialog, which had no accessible name, gave way to pmo's (partials/pmo-search.html).
THEME_FINDINGS: dict[str, dict[str, str]] = {}

RUN_AXE = """
async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({ target: n.target, html: n.html, summary: n.failureSummary })),
  }));
}
"""


def without_theme_findings(violation: dict[str, Any]) -> dict[str, Any]:
    accepted = THEME_FINDINGS.get(violation["id"], {})
    nodes = [n for n in violation["nodes"] if " ".join(map(str, n["target"])) not in accepted]
    return {**violation, "nodes": nodes}


def describe(violation: dict[str, Any], nodes: int = 3) -> str:
    lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in violation["nodes"][:nodes]:
        markup = " ".join(node["html"].split())
        lines.append(f"    {' '.join(map(str, node['target']))}  {markup[:160]}")
    if len(violation["nodes"]) > nodes:
        lines.append(f"    … and {len(violation['nodes']) - nodes} more")
    return "\n".join(lines)


@pytest.mark.parametrize("spec", page_params())
def test_no_serious_accessibility_violation(
    spec: PageSpec, sample_site: Site, new_context: OpenContext, axe_js: Path, screenshots: Path
) -> None:
    context, _ = new_context("desktop")
    page = context.new_page()
    open_page(page, sample_site, spec)
    page.add_script_tag(path=axe_js)
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    (screenshots / f"axe-{spec.name}.json").write_text(json.dumps(violations, indent=2), encoding="utf-8")
    refused = [v for v in map(without_theme_findings, violations) if v["nodes"] and v["impact"] in REFUSED]
    if refused:
        pytest.fail(f"{spec.name} ({page.url}):\n" + "\n".join(describe(v) for v in refused), pytrace=False)
