"""The activity map's public map views: every district's months are read once per range, then each choice of
districts gets its totals and monthly rates from them. Each choice must get exactly what it would alone, a
district change must read nothing, and the other filters (types, strands, audiences, statuses) never touch them."""

from datetime import date

import pandas as pd

from analytics.engagement import activity
from tests.speed.test_trend_cache import run_script

FROM, TO = date(2024, 4, 1), date(2025, 7, 1)


def _script():
    from datetime import date

    import streamlit as st

    from ui import data
    from ui.cache import engagement

    data.begin_run()
    version = data.data_version()
    for i, chosen in enumerate(st.session_state["sets"]):
        # A list of district ids (the range below), or (ids, first quarter, last quarter).
        ids, first, last = chosen if isinstance(chosen, tuple) else (chosen, "2024-04-01", "2025-07-01")
        got = (version, date.fromisoformat(first), date.fromisoformat(last), tuple(ids))
        st.session_state[f"views_{i}"] = engagement.map_views(*got)
    data.end_run()


def _run(sets, monkeypatch):
    return run_script(_script, sets, monkeypatch)


def test_each_set_gets_exactly_the_views_worked_out_for_it_alone(app_env, db, monkeypatch):
    sets = [["colchester"], ["colchester", "tendring"], ["harlow", "basildon", "southend"], ["thurrock"]]
    at, _ = _run(sets, monkeypatch)
    for i, chosen in enumerate(sets):
        alone = activity.EventFilter(FROM, TO, tuple(chosen))
        totals, monthly = at.session_state[f"views_{i}"]
        pd.testing.assert_frame_equal(totals, activity.map_views(db, alone))
        pd.testing.assert_frame_equal(monthly, activity.map_views_monthly(db, alone))
        assert sorted(totals["district_id"]) == sorted(chosen)
        assert set(monthly["district_id"]) == set(chosen)


def test_a_district_change_reads_nothing(app_env, monkeypatch):
    _, first = _run([["colchester"]], monkeypatch)
    assert sum("map_views" in q for q in first) == 1, "one read of the table for both the totals and the months"
    _, later = _run([["colchester", "tendring"], ["harlow"], ["colchester"]], monkeypatch)
    assert later == []


def test_each_range_gets_its_own_months(app_env, db, monkeypatch):
    # The months are read once per range: a second range (and the first again) must not get another's months.
    sets = [
        (["colchester"], "2024-04-01", "2025-07-01"),
        (["colchester"], "2019-04-01", "2019-10-01"),
        (["colchester", "harlow"], "2024-04-01", "2025-07-01"),
    ]
    at, queries = _run(sets, monkeypatch)
    assert sum("map_views" in q for q in queries) == 2, "one read per range"
    for i, (chosen, first, last) in enumerate(sets):
        alone = activity.EventFilter(date.fromisoformat(first), date.fromisoformat(last), tuple(chosen))
        totals, monthly = at.session_state[f"views_{i}"]
        pd.testing.assert_frame_equal(totals, activity.map_views(db, alone))
        pd.testing.assert_frame_equal(monthly, activity.map_views_monthly(db, alone))
    assert at.session_state["views_0"][1]["month_start"].min() > at.session_state["views_1"][1]["month_start"].max()
