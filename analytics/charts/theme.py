"""Chart colours for the dark theme and the projector.

Charts are drawn once, for a light page (exports and the meeting pack stay light). On a dark
page, the few "ink" colours (black lines, dark grey marks and labels, white separators and
"not shown" cells) are swapped for their dark-page counterparts; the data palettes, which
are colour-blind safe (Okabe-Ito, ColorBrewer) and readable on both, are kept. A colour
chosen by a condition for text on a coloured cell is left alone (its background does not change);
outlines chosen by a condition sit on the page and are swapped.

For a projector, charts get larger type and plain black-on-white axes.

How the browser draws a chart (vega-embed's ``renderer``, read from the spec's ``usermeta``) is decided here
too: see ``TABLED_RENDERER``.
"""

from __future__ import annotations

import copy
from typing import Any

# Light-page ink -> dark-page ink (the dark theme's background is #0f1419).
DARK_INKS: dict[str, str] = {
    "#000000": "#f2f2f2",
    "#1b1b1b": "#f2f2f2",
    "#333333": "#dddddd",
    "#555555": "#bdbdbd",
    "#ffffff": "#0f1419",
    "white": "#0f1419",
    "black": "#f2f2f2",
    # The two darkest district colours, lightened to stay visible on the dark background.
    "#882255": "#cc6699",
    "#6a3d9a": "#a889d6",
}

# Properties that hold a colour (``value`` and ``range`` hold one inside colour encodings and scales).
_COLOUR_KEYS = frozenset(
    {
        "color",
        "fill",
        "stroke",
        "value",
        "range",
        "background",
        "labelColor",
        "titleColor",
        "domainColor",
        "tickColor",
        "symbolFillColor",
        "symbolStrokeColor",
    }
)

# How the browser draws a chart (vega-embed's renderer, read from the spec's usermeta). SVG exposes each axis and
# legend to screen readers (the marks are hidden from them: ``aria: false``); a canvas exposes only the chart's name
# and one-sentence text, but it is one element where SVG is a node per mark (the overview's tile map about 1,000,
# which a district change rewrote node by node: about a fifth of that change in the browser, docs/scaling.md).
# So a chart of many marks whose every value is in a table on the page may be drawn on a canvas (``chart_block.chart``
# with ``canvas``); any other, and every chart on the projector (whose drawn geometry the presenter browser test
# checks fits one screen), as SVG.
TABLED_RENDERER = "canvas"
RENDERER = "svg"

PROJECTOR_CONFIG: dict[str, Any] = {
    "background": "#ffffff",
    "font": "sans-serif",
    "axis": {
        "labelFontSize": 16,
        "titleFontSize": 17,
        "labelColor": "#000000",
        "titleColor": "#000000",
        "domainColor": "#000000",
        "tickColor": "#000000",
        "gridColor": "#d0d0d0",
        "labelLimit": 320,
    },
    "legend": {"labelFontSize": 16, "titleFontSize": 17, "labelColor": "#000000", "titleColor": "#000000"},
    "header": {"labelFontSize": 16, "titleFontSize": 17, "labelColor": "#000000"},
    "title": {"fontSize": 20, "color": "#000000"},
    "text": {"fontSize": 15},
}


def recolour(spec: Any, inks: dict[str, str] = DARK_INKS) -> Any:
    """A copy of a Vega-Lite ``spec`` with each ink colour swapped (case-insensitive).

    Whole ``condition`` encodings are kept as they are, and data values are never touched.
    """
    table = {k.lower(): v for k, v in inks.items()}

    def walk(node: Any, key: str | None) -> Any:
        if key in ("data", "datasets"):
            return node
        if isinstance(node, dict):
            if "condition" in node and key not in ("stroke", "strokeColor"):
                return node  # text on a coloured cell; outlines (stroke) sit on the page and are swapped
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str) and key in _COLOUR_KEYS:
            return table.get(node.lower(), node)
        return node

    return walk(copy.deepcopy(spec), None)


def drawn_with(spec: dict, renderer: str) -> dict:
    """``spec`` (a shallow copy) asking the browser to draw it with ``renderer`` ("canvas" or "svg"), any other
    embed options it has kept."""
    usermeta = dict(spec.get("usermeta") or {})
    usermeta["embedOptions"] = {**(usermeta.get("embedOptions") or {}), "renderer": renderer}
    return {**spec, "usermeta": usermeta}


def for_projector(spec: dict) -> dict:
    """A copy of ``spec`` with the projector's large, black-on-white type merged into its config, drawn as SVG."""
    out = drawn_with(copy.deepcopy(spec), RENDERER)
    config = out.setdefault("config", {})
    for part, values in PROJECTOR_CONFIG.items():
        if isinstance(values, dict):
            config[part] = {**config.get(part, {}), **values}
        else:
            config[part] = values
    return out
