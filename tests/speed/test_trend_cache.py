"""The trends figures are worked out once for every district of the chosen districts' policing areas (the
districts table's ``lpa``: a force at scale, a part of the demo's force), then narrowed to the chosen."""

from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics.stats import SuppressionRule
from analytics.storage.db import Database
from analytics.survey import trends

FROM, TO = date(2024, 4, 1), date(2025, 7, 1)


def _script():
    from datetime import date

    import streamlit as st

    from ui import data
    from ui.cache import survey

    data.begin_run()
    version = data.data_version()
    for i, chosen in enumerate(st.session_state["sets"]):
        st.session_state[f"got_{i}"] = survey.district_trends(
            version, "police_job", date(2024, 4, 1), date(2025, 7, 1), tuple(chosen), False, 10, 30
        )
    data.end_run()


def counting_queries(monkeypatch) -> list[str]:
    """Every SQL statement run from now on (Database.query), in order."""
    queries = []
    original = Database.query

    def counted(self, sql, *args, **kwargs):
        queries.append(sql)
        return original(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "query", counted)
    return queries


def run_script(script, sets, monkeypatch):
    """``script`` run through AppTest with ``sets`` (lists of district ids) in session state: the AppTest and
    every SQL statement it ran."""
    queries = counting_queries(monkeypatch)
    at = AppTest.from_function(script, default_timeout=120)
    at.session_state["sets"] = sets
    at.run()
    assert not at.exception, at.exception
    return at, queries


def _run(sets, monkeypatch):
    return run_script(_script, sets, monkeypatch)


def test_each_set_gets_exactly_its_own_series(app_env, db, monkeypatch):
    sets = [["harlow", "colchester"], ["colchester"], [], ["basildon", "harlow", "southend"]]
    at, _ = _run(sets, monkeypatch)
    rule = SuppressionRule(10, 30)
    for i, chosen in enumerate(sets):
        expected = trends.district_trends(db, "police_job", FROM, TO, chosen, False, rule)
        pd.testing.assert_frame_equal(at.session_state[f"got_{i}"], expected)


def test_a_district_change_within_a_force_runs_no_query(app_env, monkeypatch):
    # Colchester and Tendring are in one policing area (North): after the first set, the others are cached.
    _, first = _run([["colchester"]], monkeypatch)
    assert any("sum_w" in q.lower() for q in first), "the first set reads the survey sums"
    _, later = _run([["colchester", "tendring"], ["tendring"], ["colchester"]], monkeypatch)
    assert later == []
