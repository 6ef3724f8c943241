"""A value with a base under 50 appears in no chart spec, tooltip, table or download.

The data are the demo set with Harlow's Q1 2020/21 interviews cut to exactly 49.
The true (unsuppressed) value is computed with pandas; the test then searches
every number the dashboard would send or offer for it.
"""

import io
import json
import math
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from analytics.export import csv_bytes
from analytics.storage import parquet as store
from analytics.storage.db import Database
from analytics.survey import section_charts, tables, trend_charts, trends
from analytics.survey import tile_map as charts
from analytics.survey.overview import district_comparison
from tests.conftest import open_data_sections
from tests.reference import reference

QUARTER = date(2020, 4, 1)
DISTRICT = "harlow"
QID = "police_job"
APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def small_dir(demo_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "data"
    shutil.copytree(demo_dir, out)
    r = pd.read_parquet(out / "survey_responses.parquet")
    in_cell = (
        (r["district_id"] == DISTRICT)
        & (pd.to_datetime(r["interview_date"]).dt.date >= QUARTER)
        & (pd.to_datetime(r["interview_date"]).dt.date < date(2020, 7, 1))
    )
    keep = set(sorted(r.loc[in_cell, "response_id"].unique())[:49])
    store.write_table(out, "survey_responses", r[~in_cell | r["response_id"].isin(keep)])
    return out


@pytest.fixture(scope="module")
def true_value(small_dir) -> float:
    raw = lambda t: pd.read_parquet(small_dir / f"{t}.parquet")  # noqa: E731
    ref = reference(raw, QID, QUARTER, QUARTER, by=("district_id",), rule=_NoSuppression())
    row = ref[ref["district_id"] == DISTRICT].iloc[0]
    assert row["n"] == 49
    return float(row["pct"])


class _NoSuppression:
    hide_below = 0
    flag_below = 0


def _numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        yield float(obj)
    elif isinstance(obj, str):
        try:
            yield float(obj.rstrip("%"))
        except ValueError:
            pass


def assert_absent(value: float, *payloads) -> None:
    """No number in the payloads equals the hidden value (as a percentage or a proportion)."""
    for payload in payloads:
        for x in _numbers(payload):
            assert not math.isclose(x, value, abs_tol=1e-6), "hidden percentage leaked"
            assert not math.isclose(x, value / 100, abs_tol=1e-8), "hidden proportion leaked"


def _arrow_rows(payload: bytes) -> list[dict]:
    return pa.ipc.open_stream(payload).read_all().to_pylist()


def _csv_cells(frame: pd.DataFrame) -> list:
    return pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig").values.tolist()


def test_trend_figures_tables_and_downloads(small_dir, true_value):
    db = Database(small_dir)
    t = trends.district_trends(db, QID, date(2019, 4, 1), date(2020, 10, 1), [DISTRICT, "colchester"])
    cell = t[(t["series_id"] == DISTRICT) & (t["quarter_start"] == QUARTER)].iloc[0]
    # 49 answers: hidden, and its exact base with it (it reads "under 50").
    assert math.isnan(cell["n"]) and cell["base_text"] == "under 50" and cell["base_status"] == "suppressed"
    assert math.isnan(cell["pct"]) and math.isnan(cell["ci_low"]) and math.isnan(cell["n_eff"])
    benchmark = trends.benchmark_trend(db, QID, date(2019, 4, 1), date(2020, 10, 1))
    notes = trends.annotations(db, date(2019, 4, 1), date(2020, 10, 1))
    table = tables.trend_table(t, benchmark)
    assert_absent(
        true_value,
        trend_charts.survey_trend_chart(t, benchmark, notes, "x").to_dict(),
        trend_charts.small_multiples(t, "x").to_dict(),
        table.values.tolist(),
        _csv_cells(table),
    )


def test_rolling_year_including_the_small_quarter_is_shown(small_dir):
    # Pooled over four quarters the base is large again, so the rolling year is shown.
    db = Database(small_dir)
    t = trends.district_trends(db, QID, QUARTER, QUARTER, [DISTRICT], pooled=True)
    cell = t[t["series_id"] == DISTRICT].iloc[0]
    assert cell["n"] > 400 and not math.isnan(cell["pct"])


def test_funnel_overview_distribution_and_groups(small_dir, true_value):
    db = Database(small_dir)
    points, limits = trends.funnel(db, QID, QUARTER)
    harlow = points[points["series_id"] == DISTRICT].iloc[0]
    assert math.isnan(harlow["pct"]) and harlow["position"] == "not shown"
    comparison = district_comparison(db, QID, QUARTER)
    assert comparison.set_index("district_id").loc[DISTRICT, "comparison"].startswith("not shown")
    dist = trends.answer_distribution(db, QID, QUARTER, QUARTER, DISTRICT)
    assert dist.empty, "a period under the threshold is left out of the answer distribution"
    groups = trends.demographic_breakdown(db, QID, QUARTER, "sex", DISTRICT, pooled=False)
    assert groups["pct"].isna().all()
    assert_absent(
        true_value,
        section_charts.funnel_chart(points, limits, "x").to_dict(),
        section_charts.ranking_chart(points, "x").to_dict(),
        charts.tile_map(comparison, "x").to_dict(),
        tables.funnel_table(points).values.tolist(),
        _csv_cells(tables.funnel_table(points)),
        tables.breakdown_table(groups).values.tolist(),
    )


def test_no_chart_carries_raw_weighted_sums(small_dir):
    db = Database(small_dir)
    t = trends.district_trends(db, QID, date(2019, 4, 1), date(2020, 10, 1), [DISTRICT])
    comparison = district_comparison(db, QID, QUARTER)
    for spec in (
        trend_charts.survey_trend_chart(t, t.iloc[0:0], t.iloc[0:0], "x").to_dict(),
        charts.tile_map(comparison, "x").to_dict(),
    ):
        text = json.dumps(spec)
        assert "sum_w" not in text


@pytest.mark.parametrize(
    ("page", "section"),
    [("app_pages/overview.py", None)]
    + [("app_pages/trends.py", s) for s in ("districts", "answers", "funnel", "groups")],
)
def test_through_the_pages(small_dir, true_value, monkeypatch, page, section):
    import streamlit as st

    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(small_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    query = {"district": [DISTRICT, "colchester"], "from": "2019-20-Q1", "to": "2020-21-Q1", "focus": DISTRICT}
    if section:
        query["section"] = section
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    for key, value in query.items():  # a deep link gives the page its own values (as tests/app_runner.run_app)
        at.query_params[key] = value
    at.run()
    assert not at.exception
    # The tables behind the charts are sent only from open sections: open them all, so they are checked too.
    opened = open_data_sections(at)
    assert not at.exception
    assert opened or page.endswith("overview.py"), "every trends section has a data section"
    if section:
        heading = {
            "districts": "District by district",
            "answers": "Every answer",
            "funnel": "funnel and ranking",
            "groups": "Groups within",
        }[section]
        assert any(heading in h.value for h in at.header), f"the {section} section ran"
    charts_sent = at.get("vega_lite_chart")
    specs = [json.loads(c.proto.spec) for c in charts_sent]
    # Streamlit moves chart data out of the spec into Arrow datasets: decode those too.
    datasets = [_arrow_rows(d.data.data) for c in charts_sent for d in c.proto.datasets]
    frames = [df.value.values.tolist() for df in at.dataframe]
    metrics = [m.value for m in at.metric]
    assert specs and datasets and frames
    assert sum(len(d) for d in datasets) >= 10, "the decoded datasets hold the chart rows"
    assert_absent(true_value, specs, datasets, frames, metrics)
    st.cache_data.clear()
    st.cache_resource.clear()
