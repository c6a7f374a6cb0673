"""Stage 4, render: a chart of the site drawn as SVG in Python, for print (the board pack).

The site's charts are drawn in the browser from their Vega-Lite spec (specs.py); a PDF wants them vector and
drawn once, offline: vl-convert runs the same Vega-Lite and Vega in its embedded engine, with no network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..widgets.markup import Markup, trusted
from .specs import full_spec, spec_json

if TYPE_CHECKING:
    from collections.abc import Iterable

# The browser's charts size themselves to their container, and pick shorter labels under 600 px; on paper the
# container is the printed column, so the spec is given that width and the wide labels.
_PHONE = "containerSize()[0] < 600"  # the test for a phone's width in the templates' expressions
_LINK_FIELDS = ("href",)  # a link to a page of the site means nothing on paper


def svg(spec: dict[str, Any], width: int) -> Markup:
    """The chart of an inline spec (its template with its data) as an SVG element `width` pixels wide, scaled to
    the column by the print stylesheet. vl-convert writes every text of the data as escaped SVG text, never
    markup; links to the site's pages are taken out of the data first."""
    import vl_convert

    full = full_spec(spec)
    full["width"] = width
    full["autosize"] = {"type": "fit-x", "contains": "padding"}
    full["datasets"] = {name: list(_unlinked(rows)) for name, rows in full.get("datasets", {}).items()}
    drawn = vl_convert.vegalite_to_svg(spec_json(full).replace(_PHONE, "false"))
    start = drawn.find("<svg")
    return trusted(drawn[start:] if start > 0 else drawn)


def _unlinked(rows: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for row in rows:
        yield {key: value for key, value in row.items() if key not in _LINK_FIELDS}
