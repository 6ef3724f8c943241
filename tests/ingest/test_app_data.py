"""The Data page through app.py: every tab shows its content with no upload in progress."""

from __future__ import annotations

import shutil

import pandas as pd
import streamlit as st

from analytics.ingest import pipeline
from tests.app_runner import run_app
from tests.ingest.test_ingest import check

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
    assert [t.label for t in at.tabs] == ["Import a file", "Data health", "Import history", "Plan template"]

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


def _upload(at, target: str, path) -> None:
    at.selectbox(key="import_target").set_value(target).run()
    at.file_uploader(key=f"upload_{target}").set_value((path.name, path.read_bytes(), "text/csv")).run()


def test_a_refused_upload_shows_plain_words_in_the_page_and_writes_nothing(app_env, monkeypatch, tmp_path):
    from tests.ingest.test_ingest_reading import CORPUS, store

    folder = tmp_path / "data"
    shutil.copytree(app_env, folder)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(folder))
    before = store(folder)
    at = run_app(page=DATA_PAGE)
    _upload(at, "map_views", CORPUS / "views_open_quote.csv")
    assert not at.exception, at.exception
    [error] = [e.value for e in at.error]
    from ui.escape import md_escape

    assert "cannot be imported.**" in error and md_escape("Row 3 has a cell longer than 100,000 characters") in error
    assert "field limit" not in error and "Traceback" not in error
    assert "Nothing was written." in [c.value for c in at.caption]
    assert not at.button, "nothing to import"
    assert store(folder) == before


def test_an_upload_naming_districts_every_way_is_checked_and_imported_through_the_page(app_env, monkeypatch, tmp_path):
    from tests.ingest.test_ingest_reading import CORPUS

    folder = tmp_path / "data"
    shutil.copytree(app_env, folder)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(folder))
    at = run_app(page=DATA_PAGE)
    _upload(at, "map_views", CORPUS / "views_district_spellings.csv")
    assert not at.exception, at.exception
    assert any("Rows in the file: 7" in m.value and "valid 6" in m.value for m in at.markdown)
    problems = next(f for f in _frames(_tab(at, "Import a file")) if "Problem" in f.columns)
    [problem] = problems.to_dict("records")
    assert (problem["Row"], problem["Value"]) == (8, "Atlantis")
    assert "southend (Southend; Southend-on-Sea E06000033)" in problem["Problem"]  # the page passed LA names
    # The cell cuts a long message short; the page also shows it in full, once.
    from ui.escape import md_escape

    shown = [c.value for c in _tab(at, "Import a file").caption]
    assert md_escape(f"district_id: {problem['Problem']}") in shown
    at.button(key="confirm_import").click().run()
    assert not at.exception, at.exception
    [done] = [s.value for s in at.success]
    assert "Imported into map\\_views: 6 new" in done and "1 rejected (rows in 7)" in done
    from analytics.storage.db import Database

    got = Database(folder).query("SELECT district_id FROM map_views WHERE month_start = '2001-04-01'")
    assert got["district_id"].tolist() == ["epping_forest_brentwood"]  # given as its ONS code, E07000072


def test_health_reads_in_words_and_an_empty_history_says_so(app_env):
    import json

    at = run_app(page=DATA_PAGE)
    assert not at.exception, at.exception
    [health] = _tab(at, "Data health").dataframe
    labels = {name: given.get("label") for name, given in json.loads(health.proto.columns).items()}
    assert labels["file_changed"] == "File changed" and labels["last_import_by"] == "Last import by"
    assert set(health.value["last_import_by"]) == {"never imported"}, "the demo was generated, never imported"
    assert health.proto.placeholder == "–", "an empty cell (a table without dates) shows a dash, not None"
    history = _tab(at, "Import history")
    assert not _frames(history), "no empty table"
    assert [i.value for i in history.info] == ["No file has been imported into this data yet."]
