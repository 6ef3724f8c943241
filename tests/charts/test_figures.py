"""Chart specs are built once per builder and inputs, and only from the analytics chart builders."""

import functools

import pandas as pd
import pytest
import streamlit as st

from analytics.engagement import maps
from ui import chart_block


@pytest.fixture
def counted(monkeypatch):
    """maps.mix_chart, counting its calls (figure() looks the builder up by module and name)."""
    calls = []
    real = maps.mix_chart

    @functools.wraps(real)
    def mix_chart(mix):
        calls.append(len(mix))
        return real(mix)

    monkeypatch.setattr(maps, "mix_chart", mix_chart)
    st.cache_data.clear()
    yield calls
    st.cache_data.clear()


def _mix(events: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"name": ["Harlow", "Harlow"], "activity_type": ["Street pop-up", "School visit"], "events": [events, 4]}
    )


def test_a_figure_is_built_once_for_the_same_data_and_again_for_new_data(counted):
    first = chart_block.figure(maps.mix_chart, _mix(3))
    again = chart_block.figure(maps.mix_chart, _mix(3))  # equal content, a new frame
    assert counted == [2]
    assert again == first
    assert first.spec == chart_block._built(maps.mix_chart.__wrapped__(_mix(3))).spec
    changed = chart_block.figure(maps.mix_chart, _mix(5))
    assert counted == [2, 2]
    (values,) = changed.spec["datasets"].values()
    assert [v["events"] for v in values] == [5, 4]
    assert first.element_height() == first.plot_height + 150


def test_only_analytics_builders_are_run():
    st.cache_data.clear()
    with pytest.raises(ValueError, match="not a chart builder"):
        chart_block.figure(pd.DataFrame, {"a": [1]})


def test_a_spec_missing_its_rows_is_refused_not_cached():
    from analytics.charts.common import Spec

    st.cache_data.clear()
    ok = Spec({"data": {"name": "rows"}, "mark": "point", "datasets": {"rows": [{"x": 1}]}})
    assert chart_block._built(ok).spec["datasets"] == {"rows": [{"x": 1}]}
    broken = Spec({"layer": [{"data": {"name": "rows"}, "mark": "point"}], "datasets": None})
    with pytest.raises(RuntimeError, match=r"without its data \(rows\)"):
        chart_block._built(broken)


def test_the_rows_sent_to_the_browser_are_the_specs_rows():
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    from analytics.charts.common import Spec

    rows = [
        {"name": "Harlow", "pct": 61.25, "n": 120, "marker": "", "when": "2024-04-01"},
        {"name": "Tendring", "pct": None, "n": None, "marker": "▲", "when": "2024-07-01"},
    ]
    mixed = [{"value": "a"}, {"value": 2}]  # Arrow cannot type this column: Streamlit's own path takes it
    ragged = [{"a": 1}, {"a": 2, "b": "x"}]  # Arrow would take the first row's keys only
    datasets = {"rows": rows, "mixed": mixed, "none": [], "ragged": ragged}
    spec = Spec({"data": {"name": "rows"}, "mark": "point", "datasets": datasets})
    screen = chart_block._built(spec).screen["datasets"]
    assert all(isinstance(v, bytes) for v in screen.values())
    got = convert_arrow_bytes_to_pandas_df(screen["rows"])
    assert list(got.columns) == ["name", "pct", "n", "marker", "when"]
    assert got["name"].tolist() == ["Harlow", "Tendring"] and got["marker"].tolist() == ["", "▲"]
    assert got["pct"].iloc[0] == 61.25 and pd.isna(got["pct"].iloc[1]) and pd.isna(got["n"].iloc[1])
    assert [str(v) for v in convert_arrow_bytes_to_pandas_df(screen["mixed"])["value"]] == ["a", "2"]
    assert len(convert_arrow_bytes_to_pandas_df(screen["none"])) == 0
    assert convert_arrow_bytes_to_pandas_df(screen["ragged"])["b"].tolist()[1] == "x"
