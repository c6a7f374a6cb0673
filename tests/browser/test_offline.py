"""Offline with every documented option: with `repo_url` set (the README suggests it for history links), no page
requests anything from another host; Material's repository widget would fetch the host's API on every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from generator.cli import main

from ..conftest import MINI, site_config
from .conftest import serve
from .support import VIEWPORTS, open_at

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Route

    from .support import OpenContext, Site

REPO = "https://github.com/example/portfolio"
PAGES = ["/", "/projects/crm/", "/handbook/lifecycle/"]


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The small portfolio built with repo_url and edit_uri set, served on a free local port."""
    folder = tmp_path_factory.mktemp("browser-repo")
    config = site_config(folder, ("site_name:", f"repo_url: {REPO}\nedit_uri: edit/main/docs/\nsite_name:"))
    out = folder / "site"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--data", str(MINI), "--out", str(out)])
    assert result.exit_code == 0, result.output
    yield from serve("repo", out)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_with_repo_url_no_page_requests_another_host(
    path: str, viewport: str, repo_site: Site, new_context: OpenContext
) -> None:
    page, recorder = open_at(new_context, repo_site, path, viewport)
    assert page.locator(f'a.md-source[href="{REPO}"]').count() >= 1  # the repository is still linked
    if problems := recorder.problems():
        pytest.fail(f"{path} on {viewport}:\n" + "\n".join(problems), pytrace=False)


def test_the_recorder_sees_the_repository_widget_fetch(repo_site: Site, new_context: OpenContext) -> None:
    """With Material's own widget put back into the page, the same check records its request to the host's API:
    so an empty record above means the widget is gone, not that the fetch went unseen."""
    context, recorder = new_context("desktop")
    page = context.new_page()

    def with_widget(route: Route) -> None:
        html = route.fetch().text().replace('class="md-source"', 'class="md-source" data-md-component="source"')
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    page.route(repo_site.address("/"), with_widget)
    with page.expect_request(lambda request: request.url.startswith("https://api.github.com/repos/example/")):
        page.goto(repo_site.address("/"), wait_until="load")
    assert any("api.github.com" in problem for problem in recorder.problems()), recorder.problems()
