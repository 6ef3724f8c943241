"""Charts rendered on the server, without network, for download: PNG and SVG through vl-convert."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import vl_convert as vlc

MAX_ROWS = 5_000  # as Altair's own default: a chart with more rows than this is a mistake upstream


def _plain_values(data):
    """Altair's data transformer for these charts: a data frame becomes inline JSON records.

    Written by pandas' C JSON writer (missing and infinite values become null, timestamps ISO text)
    instead of Altair's column-by-column sanitising in Python, which took a tenth of a page's run.
    """
    if isinstance(data, pd.DataFrame):
        if len(data) > MAX_ROWS:
            raise alt.MaxRowsError(f"A chart was given {len(data):,} rows; at most {MAX_ROWS:,} are drawn.")
        return {"values": json.loads(data.to_json(orient="records", date_format="iso"))}
    return alt.default_data_transformer(data)


alt.data_transformers.register("plain_values", _plain_values)
alt.data_transformers.enable("plain_values")


def spec_of(chart) -> dict:
    """The Vega-Lite spec of an Altair chart, or of a spec filled from a template (a dict), as plain JSON.

    Not validated against the Vega-Lite schema on every run (a fifth of a page's time); the tests
    validate every chart the pages draw (tests/survey/test_charts.py).
    """
    # A spec filled from a template is a dict already: one JSON round trip copies it (a deep copy first, as its
    # to_dict makes, took as long again: 3.3 ms of a trends page's run at scale for its two charts).
    return json.loads(json.dumps(chart if isinstance(chart, dict) else chart.to_dict(validate=False)))


DOWNLOAD_WIDTH = 760  # the plot's width in a downloaded image of a chart that takes the page's width on screen


def for_download(spec: dict) -> dict:
    """``spec`` as a downloaded image draws it: a single or layered chart that takes its width from the page
    (no width of its own) gets a slide's width, not Vega-Lite's default 300 pixels (a squeezed plot whose
    period labels thin out to the first and last). Faceted and concatenated charts size their own panels."""
    if "width" in spec or not ("layer" in spec or "mark" in spec):
        return spec
    return {**spec, "width": DOWNLOAD_WIDTH}


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
