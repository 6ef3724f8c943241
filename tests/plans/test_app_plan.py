"""The Star Chamber page with District Engagement Plans, through app.py with AppTest: what the page itself shows."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd

from tests.app_runner import run_app

REVIEWED = date(2026, 4, 1)  # the September 2026 meeting reviews Q1 2026/27


def _table_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_star_chamber_reviews_the_presenting_districts_plan(app_env, raw):
    at = run_app({"round": "2026-09", "presenting": "tendring"}, page="app_pages/star_chamber.py")
    assert not at.exception
    assert "District Engagement Plan" in [h.value for h in at.main.header]
    shown = _table_with(at, "Prev. result")
    plans = raw("engagement_plans")
    plans["quarter_start"] = pd.to_datetime(plans["quarter_start"]).dt.date
    mine = plans[(plans["district_id"] == "tendring") & (plans["quarter_start"] == REVIEWED)].sort_values("line")
    assert list(shown["Planned"][: len(mine)].astype(int)) == list(mine["how_many"])
    assert list(shown["What"][: len(mine)]) == list(mine["what"])
    words = {"○ not delivered", "●○ part delivered", "● delivered", "●+ over-delivered", "not planned"}
    assert set(shown["Result"]) <= words
    # Held events of the first line's type (its audience as the plan names it), counted from the raw file.
    events = raw("engagement_events")
    first = mine.iloc[0]
    start = pd.Timestamp(REVIEWED)
    held = events[
        (events["district_id"] == "tendring")
        & (events["activity_type"] == first["what"])
        & (events["status"] == "held")
        & (events["start_at"] >= start)
        & (events["start_at"] < start + pd.DateOffset(months=3))
    ]
    named = set(mine.loc[(mine["what"] == first["what"]) & mine["audience_group"].notna(), "audience_group"])
    assert int(shown["Delivered"].iloc[0]) == (~held["audience_group"].isin(named)).sum()
    # Last quarter beside it, the plans ahead and every district's delivery.
    previous = pd.to_numeric(shown["Prev. planned"].replace("–", None))
    assert ((previous >= 1) | previous.isna()).all() and previous.notna().any()
    force = _table_with(at, "Lines short of plan")
    assert len(force) == 10 and force["District"].str.contains("(presenting)", regex=False).sum() == 1
    assert any("Promised for Q2 2026/27" in m.value for m in at.markdown)
    # The panel's questions: one list, a line each.
    questions = [q.replace("\\", "") for m in at.markdown if m.value.startswith("- ") for q in m.value.split("\n")]
    assert any(q.startswith("- Tendring planned") and "What happened?" in q for q in questions)


def test_a_force_with_no_plans_is_told_so_and_keeps_the_rest_of_the_page(demo_dir, tmp_path, monkeypatch):
    import streamlit as st

    data_dir = tmp_path / "data"
    shutil.copytree(demo_dir, data_dir)
    (data_dir / "engagement_plans.parquet").unlink()
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_app({"round": "2026-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    assert not at.exception
    assert any("has no District Engagement Plan for Q1 2026/27" in i.value for i in at.info)
    assert [h.value for h in at.main.header][-2:] == ["Side by side", "Actions"]
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_district_name_holding_markup_is_shown_as_text_in_the_plan_section(demo_dir, tmp_path, monkeypatch):
    import streamlit as st

    from ui.escape import md_escape

    hostile = "![x](http://example.invalid/x.png) **Tendring** <b>b</b>"
    data_dir = tmp_path / "data"
    shutil.copytree(demo_dir, data_dir)
    districts = pd.read_parquet(data_dir / "districts.parquet")
    districts.loc[districts["district_id"] == "tendring", "name"] = hostile
    districts.to_parquet(data_dir / "districts.parquet", index=False)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_app({"round": "2026-09", "presenting": "tendring"}, page="app_pages/star_chamber.py")
    assert not at.exception
    texts = [e.value for kind in ("markdown", "caption", "info") for e in getattr(at, kind)]
    assert not [t for t in texts if hostile in t], "the name is never passed to Markdown as it is"
    assert any(t.startswith(f"**{md_escape(hostile)}'s plan for Q1 2026/27**") for t in texts)
    lines = [line for t in texts for line in t.split("\n")]  # the panel's questions are one list, a line each
    assert any(line.startswith(f"- {md_escape(hostile + ' planned')}") for line in lines), "the plan's questions"
    force = _table_with(at, "Lines short of plan")
    assert f"{hostile} (presenting)" in list(force["District"]), "a table cell holds the name as typed"
    st.cache_data.clear()
    st.cache_resource.clear()
