"""Provenance: command-line imports are audited, kept and listed like the Data page's, and the Data page lists
each refused row, imports the rest and shows the weights worth checking."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.ingest import pipeline
from analytics.storage import parquet as store
from tests import social_samples as s
from tests.ingest.meaning import (
    MONTHLY_HEADER,
    SURVEY_HEADER,
    _survey_row,
)

# --- provenance and the Data page ----------------------------------------------------------------------------


def _data_page(folder, monkeypatch):
    import streamlit as st

    from tests.app_runner import run_app

    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(folder))
    st.cache_data.clear()
    st.cache_resource.clear()
    return run_app(page="app_pages/data.py")


def _tab(at, label):
    return next(t for t in at.tabs if t.label == label)


def test_command_line_imports_are_audited_kept_and_listed_like_the_data_page(folder, monkeypatch, app_env):
    import subprocess
    import sys

    f = folder.parent / "Feb-01-2025_Feb-28-2025_100000000000001.csv"
    raw = s.meta_file()
    f.write_bytes(raw)
    run = subprocess.run(
        [sys.executable, "-m", "analytics.ingest.social", "--data-dir", str(folder), "import", "--account",
         "fb_harlow", str(f)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "rows in 3 = accepted 3 + rejected 0 + duplicates in the file 0" in run.stdout
    log = pipeline.audit_log(folder)
    assert len(log) == 1
    line = log.iloc[0]
    assert line["via"] == "command line" and line["who"].endswith("(command line)")
    assert (line["file"], line["sha256"], line["table"]) == (f.name, pipeline.digest(raw), "social_posts")
    assert (line["rows_in"], line["accepted"], line["rejected"], line["duplicates"]) == (3, 3, 0, 0)
    kept = folder / "_imports" / "originals" / line["kept_as"]
    assert kept.read_bytes() == raw
    # The Data page's Import history lists it.
    at = _data_page(folder, monkeypatch)
    history = _tab(at, "Import history").dataframe[0].value
    assert list(history["file"]) == [f.name] and list(history["via"]) == ["command line"]


def test_the_data_page_lists_each_refused_row_and_imports_the_rest(folder, monkeypatch, app_env):
    at = _data_page(folder, monkeypatch)
    at.selectbox(key="import_target").set_value("social_monthly").run()
    raw = (MONTHLY_HEADER + "fb_harlow,2026-10-01,9000,,,,\nfb_harlow,2026-11-17,9100,,,,\n").encode()
    at.file_uploader(key="upload_social_monthly").set_value(("monthly.csv", raw, "text/csv")).run()
    assert not at.exception, at.exception
    importer = _tab(at, "Import a file")
    problems = next(d.value for d in importer.dataframe if "Problem" in d.value.columns)
    assert problems.to_dict("records") == [
        {
            "Row": 3,
            "Column": "month_start",
            "Value": "2026-11-17",
            "Problem": "is not the first day of a month (write 2026-11-01 for November 2026)",
        }
    ]
    button = next(b for b in importer.button if b.key == "confirm_import")
    assert button.label == "Import 1 row"
    button.click().run()
    assert not at.exception, at.exception
    done = " ".join(x.value for x in at.success)
    assert "1 new, 0 updated, 0 already there, 1 rejected (rows in 2)" in done
    stored = store.read_table(folder, "social_monthly")
    mine = stored[(stored["account_id"] == "fb_harlow") & (pd.to_datetime(stored["month_start"]) >= "2026-10-01")]
    assert list(mine["month_start"]) == [date(2026, 10, 1)] and list(mine["followers_source"]) == ["platform"]
    # The history, drawn after the import in the same run, already lists it.
    history = _tab(at, "Import history").dataframe[0].value
    assert list(history["file"]) == ["monthly.csv"] and list(history["via"]) == ["Data page"]


def test_the_data_page_shows_weights_worth_checking(folder, monkeypatch, app_env):
    at = _data_page(folder, monkeypatch)
    at.selectbox(key="import_target").set_value("survey_responses").run()
    rows = [_survey_row(f"R-W{i}", "2026-10-05", weight=w) for i, w in enumerate(["1.0", "0.8", "1.2", "30"])]
    at.file_uploader(key="upload_survey_responses").set_value(
        ("weights.csv", (SURVEY_HEADER + "".join(rows)).encode(), "text/csv")
    ).run()
    assert not at.exception, at.exception
    importer = _tab(at, "Import a file")
    checks = next(d.value for d in importer.dataframe if "Check" in d.value.columns)
    assert list(checks["Row"]) == [5] and list(checks["Value"]) == ["30"]
    assert "worth checking: 1" in " ".join(m.value for m in importer.markdown)
    assert next(b for b in importer.button if b.key == "confirm_import").label == "Import 4 rows"
