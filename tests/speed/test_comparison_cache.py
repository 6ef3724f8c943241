"""The overview's district comparison is worked out once per measure and quarter, the chosen districts marked."""

from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics.stats import SuppressionRule
from analytics.survey import overview
from tests.speed.test_trend_cache import counting_queries

QUARTER = date(2025, 4, 1)


def _script():
    from datetime import date

    import streamlit as st

    from ui import data
    from ui.cache import survey

    data.begin_run()
    version = data.data_version()
    for i, chosen in enumerate(st.session_state["sets"]):
        st.session_state[f"got_{i}"] = survey.district_comparison(
            version, "police_job", date(2025, 4, 1), tuple(chosen), 10, 30
        )
    data.end_run()


def _run(sets):
    at = AppTest.from_function(_script, default_timeout=120)
    at.session_state["sets"] = sets
    at.run()
    assert not at.exception, at.exception
    return at


def test_each_choice_gets_exactly_its_comparison(app_env, db):
    sets = [["harlow", "colchester"], ["southend"], []]
    at = _run(sets)
    for i, chosen in enumerate(sets):
        expected = overview.district_comparison(db, "police_job", QUARTER, chosen, SuppressionRule(10, 30))
        pd.testing.assert_frame_equal(at.session_state[f"got_{i}"], expected)


def test_a_district_change_runs_no_query(app_env, monkeypatch):
    queries = counting_queries(monkeypatch)
    _run([["harlow"]])
    assert queries, "the first choice reads the survey sums"
    queries.clear()
    _run([["harlow", "colchester"], ["southend"]])
    assert queries == []
