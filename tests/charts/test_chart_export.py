"""Charts rendered to PNG and SVG on the server, without network."""

import xml.etree.ElementTree as ET

import altair as alt
import pandas as pd

from analytics.charts import images as chart_export


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
