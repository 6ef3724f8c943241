"""Charts rendered on the server, without network, for download: PNG and SVG through vl-convert."""

from __future__ import annotations

import json

import vl_convert as vlc


def spec_of(chart) -> dict:
    """The Vega-Lite spec of an Altair chart, as plain JSON.

    Not validated against the Vega-Lite schema on every run (a fifth of a page's time); the tests
    validate every chart the pages draw (tests/test_charts.py).
    """
    return json.loads(json.dumps(chart.to_dict(validate=False)))


def png(spec: dict, scale: float = 2) -> bytes:
    """``spec`` as a PNG image (twice the on-screen size by default, sharp on slides)."""
    return vlc.vegalite_to_png(spec, scale=scale)


def svg(spec: dict) -> bytes:
    """``spec`` as an SVG image."""
    return vlc.vegalite_to_svg(spec).encode("utf-8")


def title_of(spec: dict) -> str:
    """The chart's title as text ('' when it has none)."""
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title)
