"""Stage 4, render: a chart of the site drawn as SVG in Python, for print (the board pack).

The site's charts are drawn in the browser from their Vega-Lite spec (specs.py); a PDF wants them vector and
drawn once, offline: vl-convert runs the same Vega-Lite and Vega in its embedded engine, with no network.
"""

from __future__ import annotations

from typing import Any

from ..widgets.markup import Markup, trusted
from .specs import full_spec, spec_json

# The browser's charts size themselves to their container, and pick shorter labels under 600 px; on paper the
# container is the printed column, so the spec is given that width and the wide labels.
_PHONE = "containerSize()[0] < 600"  # the test for a phone's width in the templates' expressions
# The templates name styles rather than colors; charts.js gives them the site's palette, and print takes its
# light one (the same colors as charts.js's LIGHT) in the print's font.
_INK, _MUTED, _GRID, _LINE = "#212121", "#424242", "#e0e0e0", "#9e9e9e"
PRINT_CONFIG: dict[str, Any] = {
    "background": "white",
    "font": "DejaVu Sans",
    "title": {"color": _INK},
    "axis": {"labelColor": _MUTED, "titleColor": _INK, "gridColor": _GRID, "domainColor": _LINE, "tickColor": _LINE},
    "legend": {"labelColor": _MUTED, "titleColor": _INK},
    "view": {"stroke": _GRID},
    "style": {
        "pmo-ink": {"color": _INK, "fill": _INK},
        "pmo-label": {"color": _INK, "fill": _INK, "fontSize": 11},
        "pmo-today": {"color": "#3949ab"},
        "pmo-band": {"color": "#e8eaf6", "fill": "#e8eaf6"},
        "pmo-baseline": {"fill": "#616161", "color": "#616161"},
        "pmo-gap": {"stroke": "white"},
    },
}


def svg(spec: dict[str, Any], width: int) -> Markup:
    """The chart of an inline spec (its template with its data) as an SVG element `width` pixels wide, scaled to
    the column by the print stylesheet. vl-convert writes every text of the data as escaped SVG text, never
    markup."""
    import vl_convert

    full = full_spec(spec)
    full["width"] = width
    full["autosize"] = {"type": "fit-x", "contains": "padding"}
    full["config"] = {**PRINT_CONFIG, **full.get("config", {})}
    full = _unlinked(full)
    drawn = vl_convert.vegalite_to_svg(spec_json(full).replace(_PHONE, "false"))
    start = drawn.find("<svg")
    return trusted(drawn[start:] if start > 0 else drawn)


def _unlinked(spec: Any) -> Any:
    """The spec without its `href` channels: a link to a page of the site means nothing on paper (and vl-convert
    would resolve an empty one against a host of its own)."""
    if isinstance(spec, dict):
        return {key: _unlinked(value) for key, value in spec.items() if not (key == "href" and _is_channel(value))}
    if isinstance(spec, list):
        return [_unlinked(item) for item in spec]
    return spec


def _is_channel(value: Any) -> bool:
    return isinstance(value, dict) and ("field" in value or "value" in value or "condition" in value)
