"""The social page's figures per district (its accounts', its tags') are worked out once for every district of the
chosen districts' policing areas, then narrowed to the chosen; only "all district pages together" is worked out for
the choice. Each choice must get exactly the figures worked out for it alone."""

import shutil
from datetime import date

import pandas as pd
import pytest

from analytics.social import figures as social
from analytics.social import posts
from analytics.storage import parquet as store
from analytics.storage.db import Database
from tests.speed.test_trend_cache import run_script

FROM, TO = date(2024, 4, 1), date(2025, 7, 1)
PLATFORMS = ("Facebook", "X")


def _script():
    from datetime import date

    import streamlit as st

    from ui import data
    from ui.cache import social

    data.begin_run()
    version = data.data_version()
    platforms = ("Facebook", "X")
    for i, chosen in enumerate(st.session_state["sets"]):
        got = (version, date(2024, 4, 1), date(2025, 7, 1), tuple(chosen), platforms)
        st.session_state[f"summary_{i}"] = social.summary(*got)
        st.session_state[f"tags_{i}"] = social.tag_reach(*got)
    data.end_run()


def _run(sets, monkeypatch):
    return run_script(_script, sets, monkeypatch)


def _same(got: social.SocialSummary, expected: social.SocialSummary) -> None:
    for part in ("districts", "accounts", "monthly", "platforms"):
        pd.testing.assert_frame_equal(getattr(got, part), getattr(expected, part), obj=part)


def test_each_set_gets_exactly_the_figures_worked_out_for_it_alone(app_env, db, monkeypatch):
    # Colchester and Tendring share a policing area in the demo; Harlow and Basildon are in others.
    sets = [["colchester"], ["colchester", "tendring"], ["tendring", "harlow"], ["basildon", "harlow", "southend"]]
    at, _ = _run(sets, monkeypatch)
    for i, chosen in enumerate(sets):
        alone = social.Period(FROM, TO, tuple(chosen), PLATFORMS)
        _same(at.session_state[f"summary_{i}"], social.summary(db, alone))
        pd.testing.assert_frame_equal(at.session_state[f"tags_{i}"], posts.tag_reach(db, alone))
    # The narrowing changed something: the wider set's figures name districts the chosen ones do not.
    wider = social.summary(db, social.Period(FROM, TO, ("colchester", "tendring"), PLATFORMS))
    assert "Tendring" in set(wider.districts["name"]) - set(at.session_state["summary_0"].districts["name"])


def test_a_district_change_within_an_area_runs_no_query(app_env, monkeypatch):
    _, first = _run([["colchester"]], monkeypatch)
    assert any("social_monthly" in q for q in first) and any("social_posts" in q for q in first)
    _, later = _run([["colchester", "tendring"], ["tendring"]], monkeypatch)
    assert later == []


def test_all_district_pages_together_are_the_chosen_ones_only(db):
    wide = social.group_figures(db, social.Period(FROM, TO, ("colchester", "tendring"), PLATFORMS))
    one = social.narrowed(db, wide, ("colchester",)).districts.set_index("name")
    two = social.narrowed(db, wide, ("colchester", "tendring")).districts.set_index("name")
    assert one.loc[social.ALL_DISTRICTS, "followers_end"] == one.loc["Colchester", "followers_end"]
    assert two.loc[social.ALL_DISTRICTS, "followers_end"] == (
        two.loc["Colchester", "followers_end"] + two.loc["Tendring", "followers_end"]
    )


def test_narrowing_to_a_district_not_worked_out_is_refused(db):
    wide = social.group_figures(db, social.Period(FROM, TO, ("colchester",), PLATFORMS))
    with pytest.raises(ValueError):
        social.narrowed(db, wide, ("colchester", "harlow"))
    period = social.Period(FROM, TO, ("colchester",), PLATFORMS)
    with pytest.raises(ValueError):
        posts.tags_narrowed(db, posts.tag_reach(db, period), period, ("harlow",))


def test_an_account_of_a_district_not_in_the_districts_table_is_not_left_in_the_force_wide_pages(demo_dir, tmp_path):
    # Its district is unknown, so its figures count with the force-wide pages: narrowing it away must take them out.
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    accounts = pd.read_parquet(copy / "social_accounts.parquet")
    accounts.loc[accounts["account_id"] == "fb_harlow", "district_id"] = "gone_district"
    store.write_table(copy, "social_accounts", accounts)
    db_ = Database(copy)
    wider = social.Period(FROM, TO, ("colchester", "gone_district"), PLATFORMS)
    alone = social.Period(FROM, TO, ("colchester",), PLATFORMS)
    got = social.narrowed(db_, social.group_figures(db_, wider), ("colchester",))
    _same(got, social.summary(db_, alone))
    assert "fb_harlow" not in set(got.accounts["account_id"])
    assert "fb_harlow" in set(social.summary(db_, wider).accounts["account_id"]), "the wider set counted it"
    tags = posts.tags_narrowed(db_, posts.tag_reach(db_, wider), wider, ("colchester",))
    pd.testing.assert_frame_equal(tags, posts.tag_reach(db_, alone))
