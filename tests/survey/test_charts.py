"""Chart builders tested through their specs (chart.to_dict())."""

import json
from datetime import date

import pytest

from analytics.survey import overview, section_charts, trend_charts, trends
from analytics.survey import tile_map as charts


def _layers(spec: dict) -> list[dict]:
    """Every drawing layer in order, nested layers flattened."""
    out = []
    for layer in spec.get("layer") or spec.get("spec", {}).get("layer", []):
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _datasets(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.fixture(scope="module")
def trend_inputs(db):
    args = (db, "police_job", date(2019, 4, 1), date(2021, 1, 1))
    return (
        trends.district_trends(*args, ["harlow", "colchester"]),
        trends.benchmark_trend(*args),
        trends.annotations(db, date(2019, 4, 1), date(2021, 1, 1)),
    )


def test_trend_chart_layers_symbols_and_breaks(trend_inputs):
    t, bm, notes = trend_inputs
    spec = trend_charts.survey_trend_chart(t, bm, notes, "Good job").to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in _layers(spec)]
    assert marks[:4] == ["area", "rule", "line", "point"], "band, interval, line, change symbols"
    assert "line" in marks[4:], "the Most Similar Group line"
    assert marks.count("rule") >= 2 and "text" in marks, "annotation rules and labels"
    point = _layers(spec)[3]
    assert point["encoding"]["shape"]["scale"]["range"] == ["triangle-up", "triangle-down", "diamond"]
    line = _layers(spec)[2]
    assert line["encoding"]["detail"]["field"] == "segment", "lines break by segment"
    rows = _datasets(spec)
    segments = {r["segment"] for r in rows if r.get("series_name") == "Force"}
    assert len(segments) == 2, "the April 2020 survey method change splits the force line in two"
    x_domain = line["encoding"]["x"]["scale"]["domain"]
    assert x_domain[0] == "Q1 2019/20" and x_domain[-1] == "Q4 2020/21", "time order, not alphabetical"


def test_trend_chart_breaks_at_suppressed_gaps(trend_inputs):
    t, bm, notes = trend_inputs
    t = t.copy()
    hole = (t["series_id"] == "harlow") & (t["quarter_start"] == date(2019, 10, 1))
    t.loc[hole, ["pct", "ci_low", "ci_high"]] = float("nan")
    spec = trend_charts.survey_trend_chart(t, bm, notes, "x").to_dict()
    harlow = [r for r in _datasets(spec) if r.get("series_name") == "Harlow" and "pct" in r]
    before = {r["segment"] for r in harlow if r["period_label"] in ("Q1 2019/20", "Q2 2019/20")}
    after = {r["segment"] for r in harlow if r["period_label"] == "Q4 2019/20"}
    assert before and after and before.isdisjoint(after)
    assert all(r["period_label"] != "Q3 2019/20" for r in harlow)


def test_tile_map_colours_only_significant_and_carries_symbols(db):
    comparison = overview.district_comparison(db, "police_job", date(2026, 7, 1))
    spec = charts.tile_map(comparison, "Good job").to_dict()
    rows = _datasets(spec)
    by_name = {r["name"]: r for r in rows}
    for _, d in comparison.iterrows():
        row = by_name[d["name"]]
        assert row["category"] == d["comparison"]
        symbol = {"better": "▲", "worse": "▼"}.get(d["comparison"], "")
        assert row["value_label"].startswith(symbol)
    colour = _layers(spec)[0]["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True))["similar"] == "#d9d9d9"


def test_distribution_chart_puts_positives_right_of_zero(db):
    dist = trends.answer_distribution(db, "police_job", date(2020, 4, 1), date(2020, 4, 1))
    spec = section_charts.distribution_chart(
        dist, ["Excellent", "Good", "Fair", "Poor", "Very poor", "Don't know"], ["Excellent", "Good"], "x"
    ).to_dict()
    rows = [r for r in _datasets(spec) if "answer" in r]
    assert len(rows) == 6
    for r in rows:
        if r["answer"] in ("Excellent", "Good"):
            assert r["x_start"] >= 0 and r["x_end"] > r["x_start"]
        else:
            assert r["x_end"] <= 0


def test_funnel_chart_has_both_limits_and_labels_only_outliers(db):
    points, limits = trends.funnel(db, "police_job", date(2026, 7, 1))
    spec = section_charts.funnel_chart(points, limits, "x").to_dict()
    text = json.dumps(spec)
    assert "99.8%" in text and "95%" in text
    labelled = [layer for layer in _layers(spec) if (layer.get("mark") or {}).get("type") == "text"]
    assert labelled
    outliers = set(points.loc[points["position"] != "within limits", "series_name"])
    label_rows = [r for r in _datasets(spec) if "position" in r and r["position"] != "within limits"]
    assert {r["series_name"] for r in label_rows} == outliers


def test_element_height_reads_the_plot_height():
    import altair as alt

    from analytics.charts.common import element_height

    assert element_height(alt.Chart().mark_point().properties(height=200)) == 350
    assert element_height(alt.Chart().mark_point()) is None


def test_bands_only_for_a_few_districts(db):
    ids = ["harlow", "colchester", "southend", "tendring"]
    t = trends.district_trends(db, "police_job", date(2024, 4, 1), date(2025, 1, 1), ids)
    empty = t.iloc[0:0]
    many = trend_charts.survey_trend_chart(t, empty, empty, "x").to_dict()
    few = trend_charts.survey_trend_chart(t[t["series_id"].isin(["harlow", "__force__"])], empty, empty, "x").to_dict()

    def banded(spec):
        bands = [lay for lay in _layers(spec) if lay["mark"]["type"] == "area"]
        return {r["series_name"] for band in bands for r in spec["datasets"][band["data"]["name"]]}

    assert banded(many) == {"Force"}
    assert banded(few) == {"Force", "Harlow"}


def test_the_trend_chart_is_built_once_per_measure_and_filled_per_call(db, trend_inputs):
    t, bm, notes = trend_inputs
    trend_charts._trend_template.cache_clear()
    two = trend_charts.survey_trend_chart(t, bm, notes, "Good job")
    args = (db, "police_job", date(2019, 4, 1), date(2021, 1, 1))
    three = trends.district_trends(*args, ["harlow", "colchester", "tendring"])
    other = trend_charts.survey_trend_chart(three, bm, notes, "Good job")
    info = trend_charts._trend_template.cache_info()
    assert (info.misses, info.hits) == (1, 1), "one Altair build for both district sets"

    def structure(spec):
        return json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)

    # A district change is new data for the same chart: the browser redraws it in place instead of rebuilding it.
    assert structure(two) == structure(other)
    scales = {
        lay["encoding"]["color"]["title"]: lay["encoding"]["color"]["scale"]
        for lay in _layers(two)
        if "field" in lay["encoding"].get("color", {})
    }
    assert scales["District"] == {"range": trend_charts.DISTRICT_PALETTE}, "districts: palette, domain from the data"
    assert scales["Comparator"]["domain"] == ["Force", "Most Similar Group"]
    assert scales["Comparator"]["range"] == [trend_charts.FORCE_COLOUR, trend_charts.MSG_COLOUR]
    assert two["resolve"]["scale"]["color"] == "independent"
    assert {r["series_name"] for r in other["datasets"]["trend"]} == {"Colchester", "Harlow", "Tendring"}
    assert {r["series_name"] for r in other["datasets"]["trend_force"]} == {"Force"}
    axis = _layers(two)[0]["encoding"]["x"]["scale"]["domain"]
    assert axis == list(dict.fromkeys(t.sort_values("quarter_start")["period_label"]))
    assert "\x00" not in json.dumps(other), "every slot is filled"
    copied = two.to_dict()
    copied["datasets"].clear()
    assert two["datasets"]["trend"], "to_dict gives a copy"
    # Another measure fills the same structure with its own titles.
    informed = trend_charts.survey_trend_chart(t, bm, notes, "Feel informed")
    assert trend_charts._trend_template.cache_info().misses == 1
    assert informed["title"] == "Feel informed: districts, force and comparator"
    assert "Good job" not in json.dumps({k: v for k, v in informed.items() if k != "datasets"})
    y_titles = {lay["encoding"]["y"].get("title") for lay in _layers(informed) if "y" in lay["encoding"]}
    assert "Feel informed (%)" in y_titles


def test_a_template_is_built_once_when_many_sessions_first_ask_together():
    import threading
    import time

    from analytics.charts.common import template

    builds = []

    @template
    def slow(n: int) -> str:
        builds.append(n)
        time.sleep(0.05)  # long enough for every thread to ask before the first build ends
        return json.dumps({"n": n})

    threads = [threading.Thread(target=slow, args=(7,)) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert builds == [7], "one build for eight sessions asking at once"
    assert slow(8) == '{"n": 8}' and builds == [7, 8]


def test_the_server_start_builds_the_trend_templates(db, trend_inputs):
    t, bm, notes = trend_inputs
    trend_charts._trend_template.cache_clear()
    trend_charts.build_templates()
    built = trend_charts._trend_template.cache_info().misses
    trend_charts.survey_trend_chart(t, bm, notes, "Good job")
    trend_charts.survey_trend_chart(t, bm.iloc[0:0], notes.iloc[0:0], "Good job")
    assert trend_charts._trend_template.cache_info().misses == built == 8, "a visitor's chart is built already"


def test_the_force_alone_has_no_empty_district_legend(db, trend_inputs):
    t, bm, notes = trend_inputs
    force = trend_charts.survey_trend_chart(t[t["kind"] == "force"], bm, notes, "Good job")
    with_districts = trend_charts.survey_trend_chart(t, bm, notes, "Good job")

    def district_legends(spec):
        return [
            lay["encoding"]["color"].get("legend", "shown")
            for lay in _layers(spec)
            if lay["encoding"].get("color", {}).get("title") == "District"
        ]

    assert district_legends(force) and all(legend is None for legend in district_legends(force))
    assert all(legend is not None for legend in district_legends(with_districts))


def test_a_low_base_note_is_drawn_where_it_can_be_read():
    """Dark grey on the bar's blue could not be read: a long bar holds its note in white, a short one has it after
    its interval, and a group with no bar on the white beside its label."""
    import pandas as pd

    from analytics.charts.images import spec_of
    from analytics.survey.section_charts import ON_BAR, breakdown_chart
    from analytics.verdicts import FLAGGED, HIDDEN

    groups = pd.DataFrame(
        {
            "category": ["16-24", "25-34", "65+"],
            "pct": [None, 72.0, 21.0],
            "ci_low": [None, 60.0, 12.0],
            "ci_high": [None, 83.0, 33.0],
            "base_text": ["12", "61", "58"],
            "base_status": [HIDDEN, FLAGGED, FLAGGED],
        }
    )
    spec = spec_of(breakdown_chart(groups, "By age"))
    placed = {}
    for layer in spec["layer"]:
        if layer["mark"]["type"] != "text":
            continue
        rows = spec["datasets"][layer["data"]["name"]]
        for row in rows:
            placed[row["category"].split()[0]] = (layer["mark"]["color"], layer["encoding"]["x"])
    assert placed["16-24"] == ("#555555", {"value": 4}), "no bar: beside its label"
    assert placed["25-34"] == (ON_BAR, {"value": 4}), "a long bar: inside it, in white"
    assert placed["65+"][0] == "#555555" and placed["65+"][1]["field"] == "ci_high", "a short bar: after its interval"


def test_the_trend_charts_title_names_what_it_draws(db, trend_inputs):
    trend, benchmark, notes = trend_inputs
    force_only = trend[trend["kind"] != "district"]
    drawn = {
        "districts and force": (trend, benchmark.iloc[0:0]),
        "force and comparator": (force_only, benchmark),
        "force": (force_only, benchmark.iloc[0:0]),
    }
    for words, (lines, comparator) in drawn.items():
        spec = trend_charts.survey_trend_chart(lines, comparator, notes, "Feel informed")
        assert spec["title"] == f"Feel informed: {words}"
