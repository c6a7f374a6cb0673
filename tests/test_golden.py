"""Golden files for a representative set of generated pages and chart specs: any change to what they hold shows as
a diff to review (`python3 -m pytest tests/test_golden.py --update-golden` rewrites them; see tests/golden.py).

Pages are the site tree's Markdown (what `pmo generate` writes and MkDocs renders), not built HTML, so a new
MkDocs or Material release does not touch them. Charts are each chart's Vega-Lite spec as the browser draws it
(the template with the page's inline keys on top), one JSON document per page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.pipeline import read_portfolio, site_tree

from .conftest import MINI, ROOT, SAMPLE
from .golden import GOLDEN, compare
from .test_charts import specs

# The mini fixture's home, register and the project with a status history, risks and charts.
PAGES = ["index.md", "projects/index.md", "projects/crm.md"]
# The sample's portfolio roadmap and one project's milestones, cost S-curve and RAG history.
CHART_PAGES = ["roadmap.md", "projects/ehr-upgrade.md"]


@pytest.fixture(scope="module")
def mini_pages() -> dict[str, str]:
    return site_tree(read_portfolio(MINI), "org", None, {}).pages


@pytest.fixture(scope="module")
def sample_pages() -> dict[str, str]:
    return site_tree(read_portfolio(SAMPLE), "org", None, {}).pages


@pytest.mark.parametrize("page", PAGES)
def test_mini_page(page: str, mini_pages: dict[str, str], golden) -> None:
    golden(f"mini/{page}", mini_pages[page])


@pytest.mark.parametrize("page", CHART_PAGES)
def test_sample_chart_specs(page: str, sample_pages: dict[str, str], golden) -> None:
    charts = specs(sample_pages[page])
    assert charts, f"{page} has no chart"
    golden(f"charts/{page.removesuffix('.md')}.json", json.dumps(charts, indent=2, ensure_ascii=False) + "\n")


def test_every_golden_file_is_checked() -> None:
    """A golden file no test reads any more would pass review unseen: remove it."""
    stored = {path.relative_to(GOLDEN).as_posix() for path in GOLDEN.rglob("*") if path.is_file()}
    expected = {f"mini/{page}" for page in PAGES} | {f"charts/{page.removesuffix('.md')}.json" for page in CHART_PAGES}
    assert stored == expected


def test_a_difference_fails_with_its_diff_and_how_to_update(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"# Title\n\nold line\n")
    compare(path, "# Title\n\nold line\n", update=False)  # the same bytes pass
    with pytest.raises(pytest.fail.Exception) as failure:
        compare(path, "# Title\n\nnew line\n", update=False)
    message = str(failure.value)
    assert "-old line\n+new line\n" in message and "--update-golden" in message and "git diff tests/golden" in message


def test_the_diff_shown_is_cut_at_60_lines(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    path.write_text("".join(f"line {n}\n" for n in range(200)))
    with pytest.raises(pytest.fail.Exception) as failure:
        compare(path, "".join(f"line {n}!\n" for n in range(200)), update=False)
    message = str(failure.value)
    assert "-line 20\n" in message and "-line 100\n" not in message and "more lines of diff" in message


def test_a_missing_golden_file_fails_and_update_writes_the_bytes_as_made(tmp_path: Path) -> None:
    path = tmp_path / "charts" / "new.json"
    with pytest.raises(pytest.fail.Exception, match="no golden file"):
        compare(path, "{}\r\n", update=False)
    compare(path, "{}\r\n", update=True)
    assert path.read_bytes() == b"{}\r\n"  # no newline translation, on any system
    with pytest.raises(pytest.fail.Exception, match="differs"):
        compare(path, "{}\n", update=False)  # byte for byte: another line ending is a difference


def test_the_contributing_guide_says_how_to_update_them() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    assert "python3 -m pytest tests/test_golden.py --update-golden" in guide and "git diff tests/golden" in guide
