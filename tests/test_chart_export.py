"""Charts rendered to PNG and SVG on the server, without network."""

import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd

from analytics import chart_export


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
