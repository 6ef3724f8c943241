"""Charts rendered to PNG and SVG on the server, without network."""

import io
import re
import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd
from PIL import Image

from analytics.charts import images as chart_export

TRENDS = "app_pages/trends.py"


def _chart():
    df = pd.DataFrame({"district": ["Harlow", "Southend"], "pct": [61.5, 70.2]})
    return alt.Chart(df).mark_bar().encode(x="district:N", y="pct:Q").properties(title="Feel informed", width=300)


def test_png_and_svg_are_valid_images():
    spec = chart_export.spec_of(_chart())
    png = chart_export.png(spec)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    svg = chart_export.svg(spec)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert b"Feel informed" in svg and b"Harlow" in svg


def test_title_of_reads_plain_and_nested_titles():
    assert chart_export.title_of({"title": "A"}) == "A"
    assert chart_export.title_of({"title": {"text": ["B", "C"]}}) == "B C"
    assert chart_export.title_of({}) == ""


def test_inline_data_is_plain_json_missing_values_null_and_times_iso():
    df = pd.DataFrame(
        {
            "pct": [61.5, float("nan"), float("inf")],
            "when": pd.to_datetime(["2024-04-01", "2024-07-01", None]),
            "name": ["Harlow", None, "Southend"],
        }
    )
    spec = chart_export.spec_of(alt.Chart(df).mark_point().encode(x="when:T", y="pct:Q"))
    (values,) = spec["datasets"].values()
    assert values == [
        {"pct": 61.5, "when": "2024-04-01T00:00:00.000", "name": "Harlow"},
        {"pct": None, "when": "2024-07-01T00:00:00.000", "name": None},
        {"pct": None, "when": None, "name": "Southend"},
    ]


def test_a_chart_with_too_many_rows_is_refused():
    df = pd.DataFrame({"x": range(chart_export.MAX_ROWS + 1)})
    try:
        chart_export.spec_of(alt.Chart(df).mark_point().encode(x="x:Q"))
    except alt.MaxRowsError as exc:
        assert f"{chart_export.MAX_ROWS + 1:,} rows" in str(exc)
    else:
        raise AssertionError("a chart over the row limit was drawn")


def test_a_chart_that_takes_the_pages_width_is_downloaded_at_a_slides_width():
    layered = {"layer": [{"mark": "point"}], "data": {"values": []}}
    assert chart_export.for_download(layered)["width"] == chart_export.DOWNLOAD_WIDTH
    assert chart_export.for_download({"mark": "bar"})["width"] == chart_export.DOWNLOAD_WIDTH
    assert chart_export.for_download({"mark": "bar", "width": 200})["width"] == 200, "its own width kept"
    faceted = {"facet": {"field": "a"}, "spec": {"mark": "bar", "width": 120}}
    assert chart_export.for_download(faceted) == faceted, "panels size themselves"
    assert "width" not in layered, "the page's own spec is not changed"


def test_the_trend_charts_downloads_are_wide_with_every_period_and_plain_legend_words(demo_dir, monkeypatch):
    """What the trends page's PNG and SVG buttons give (the page's own deferred downloads, made when clicked)."""
    import streamlit as st
    from streamlit.runtime.media_file_manager import MediaFileManager

    from tests.app_runner import run_app

    offered: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, *args, **kw):
        offered[kw.get("file_name")] = args[0]
        return original(self, *args, **kw)

    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(demo_dir))
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    st.cache_data.clear()
    at = run_app({"district": ["harlow", "basildon"], "from": "2024-25-Q3", "to": "2026-27-Q2"}, page=TRENDS)
    assert not at.exception
    [png] = [v for k, v in offered.items() if k.startswith("trend_") and k.endswith(".png")]
    [svg] = [v for k, v in offered.items() if k.startswith("trend_") and k.endswith(".svg")]
    image = Image.open(io.BytesIO(png()))
    assert image.width >= 2 * chart_export.DOWNLOAD_WIDTH, "twice a slide's plot width, not Vega-Lite's 300 pixels"
    drawn = svg().decode("utf-8")
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", drawn)
    assert {"Q3 2024/25", "Q4 2024/25", "Q1 2025/26", "Q2 2026/27"} <= set(labels), "every period labelled"
    assert "up on a year before" in labels and not any("▲" in t for t in labels), "the symbol, then plain words"
