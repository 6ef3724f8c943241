"""Charts cached on the data version and the page's choices: an import gives new charts, never stale ones."""

import functools

import pandas as pd
import pytest
import streamlit as st

from analytics.engagement import maps
from analytics.ingest import pipeline
from bench.consistency import changed_answers
from tests.app_runner import run_app
from tests.ingest.test_import_versions import folder  # noqa: F401  (a fixture: a copy of the demo served to AppTest)
from tests.ingest.test_ingest import check
from ui import chart_block


def _mix(events: int) -> pd.DataFrame:
    return pd.DataFrame({"name": ["Harlow"], "activity_type": ["Street pop-up"], "events": [events]})


def test_a_keyed_figure_is_built_once_per_key(monkeypatch):
    calls = []
    real = maps.mix_chart

    @functools.wraps(real)  # looked up by module and name, as the real builder is
    def mix_chart(mix):
        calls.append(int(mix["events"].iloc[0]))
        return real(mix)

    monkeypatch.setattr(maps, "mix_chart", mix_chart)
    st.cache_data.clear()
    first = chart_block.figure_for(("v1", "harlow"), maps.mix_chart, _mix(3))
    assert chart_block.figure_for(("v1", "harlow"), maps.mix_chart, _mix(3)) == first
    assert calls == [3], "the same key: built once (the frames are not hashed)"
    newer = chart_block.figure_for(("v2", "harlow"), maps.mix_chart, _mix(5))
    assert calls == [3, 5]
    (values,) = newer.spec["datasets"].values()
    assert [v["events"] for v in values] == [5]
    st.cache_data.clear()


def _chart_rows(at) -> list[bytes]:
    """The rows of every chart the page sent, as the Arrow bytes the browser receives."""
    assert not at.exception, at.exception
    return [bytes(d.data.data) for chart in at.get("vega_lite_chart") for d in chart.proto.datasets]


@pytest.mark.parametrize("page", [None, "app_pages/trends.py"])
def test_an_import_gives_new_charts(folder, page):  # noqa: F811
    query = {"district": ["harlow", "colchester"]}
    before = _chart_rows(run_app(query, page))
    again = _chart_rows(run_app(query, page))
    assert before and again == before, "the same data and choices: the same charts (from the cache)"
    # The first measure's last quarter: every other positive answer made negative, committed as an import.
    _, changed, _ = changed_answers(folder)
    pipeline.commit(folder, check(folder, changed, "answers.csv", "survey_responses"), changed, "Mo", "manager")
    after = _chart_rows(run_app(query, page))
    assert len(after) == len(before)
    assert after != before, "the charts after the import show the new data"


THREE = ["harlow", "colchester", "basildon"]


@pytest.mark.parametrize(
    ("page", "first", "second"),
    [
        ("app_pages/social.py", {"district": THREE}, {"district": ["harlow", "colchester", "tendring"]}),
        ("app_pages/activity_map.py", {"district": THREE}, {"district": ["harlow", "colchester", "tendring"]}),
        # The side-by-side chart follows its own choice of districts.
        (
            "app_pages/star_chamber.py",
            {"district": THREE, "compare": ["harlow", "colchester"]},
            {"district": THREE, "compare": ["harlow", "basildon"]},
        ),
    ],
)
def test_charts_keyed_on_the_choices_are_those_of_the_choice_shown(page, first, second):
    """A page whose charts are cached on its choices shows, after another choice filled the cache, exactly the
    charts a fresh server draws for what is chosen now (a key missing a choice would show the last one's)."""
    st.cache_data.clear()
    _chart_rows(run_app(first, page))
    warm = _chart_rows(run_app(second, page))
    st.cache_data.clear()
    cold = _chart_rows(run_app(second, page))
    assert warm and warm == cold
    st.cache_data.clear()
    assert _chart_rows(run_app(first, page)) != cold, "the two choices draw different charts"
