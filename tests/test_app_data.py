"""The Data page through app.py: every tab shows its content with no upload in progress."""

from __future__ import annotations

import shutil

import pandas as pd
import streamlit as st

from analytics.ingest import pipeline
from tests.test_app import run_app
from tests.test_ingest import check

DATA_PAGE = "app_pages/data.py"


def _tab(at, label: str):
    return next(t for t in at.tabs if t.label == label)


def _frames(block) -> list[pd.DataFrame]:
    return [d.value for d in block.dataframe]


def test_health_and_history_tabs_show_their_tables_with_no_upload(app_env, monkeypatch, tmp_path, raw):
    # A copy of the demo with one confirmed import, so the history has a row to show.
    folder = tmp_path / "data"
    shutil.copytree(app_env, folder)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(folder))
    st.cache_data.clear()
    st.cache_resource.clear()
    text = (
        b"annotation_id,start_date,district_id,label,kind\n"
        + b"A-NEW-1,2024-06-03,harlow,Town centre pop-up week,event\n"
    )
    analysis = check(folder, text, "marks.csv", "annotations")
    assert not analysis.validation.problems, analysis.validation.problems[:3]
    assert pipeline.commit(folder, analysis, text, "Mo", "manager").written

    at = run_app(page=DATA_PAGE)
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["Import a file", "Data health", "Import history"]

    health = _frames(_tab(at, "Data health"))
    assert health, "the Data health tab shows its table with no upload in progress"
    tables = health[0].set_index("table")
    assert {"districts", "survey_responses", "engagement_events"} <= set(tables.index)
    assert tables.loc["districts", "rows"] == len(raw("districts"))
    assert tables.loc["annotations", "last_import_by"] == "Mo"

    history = _frames(_tab(at, "Import history"))
    assert history and len(history[0]) == 1, "the Import history tab lists the one import"
    row = history[0].iloc[0]
    assert row["who"] == "Mo" and row["table"] == "annotations" and row["file"] == "marks.csv"


def test_import_tab_waits_for_a_file_without_ending_the_page(app_env):
    at = run_app(page=DATA_PAGE)
    importer = _tab(at, "Import a file")
    assert importer.get("file_uploader"), "the import tab offers the uploader"
    assert [c.value for c in _tab(at, "Import history").caption], "the history tab explains its list"
    assert _frames(_tab(at, "Data health")), "drawn after the import tab, and still shown"
