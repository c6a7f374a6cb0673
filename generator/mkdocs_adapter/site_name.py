"""The site named after its data: mkdocs.yml's site_name, site_description and copyright (the footer) may say
{organization} and {as_of}, which the plugin and `pmo generate` fill in from portfolio.yaml. The shipped
mkdocs.yml says "{organization} IT portfolio", so a site built from any portfolio carries its own name."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..data.model import Settings

NAMED = ("site_name", "site_description", "copyright")


def fill(template: str, settings: Settings) -> str:
    """The template with the organization's name and the reporting date in it. The name is HTML-escaped: the
    theme writes these values into pages unescaped (and escapes the site name once more in the header logo's
    title, which its tooltips show as HTML), so data text must arrive as text."""
    name = html.escape(" ".join(settings.organization.split()), quote=True)
    return template.replace("{organization}", name).replace("{as_of}", settings.as_of.isoformat())


def named(templates: Mapping[str, object], settings: Settings) -> dict[str, str]:
    """Each of the NAMED settings that is text, filled in."""
    return {key: fill(value, settings) for key in NAMED if isinstance(value := templates.get(key), str)}
