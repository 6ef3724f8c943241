"""Incomplete quarters: a quarter still in the field is labelled incomplete, never the default end of the range,
and a comparison with it says so."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from analytics.storage.db import Database
from analytics.survey import measures, overview, trends
from tests.app_runner import run_app

OCTOBER = date(2026, 10, 1)  # Q3 2026/27, after the demo's last full quarter


@pytest.fixture(scope="module")
def october_dir(demo_dir, tmp_path_factory):
    """The demo plus five answers from October 2026 (the first of a new quarter's fieldwork)."""
    folder = tmp_path_factory.mktemp("october") / "data"
    shutil.copytree(demo_dir, folder, ignore=shutil.ignore_patterns("*.duckdb", ".engine*"))
    r = pd.read_parquet(folder / "survey_responses.parquet")
    extra = r[r["question_id"] == "police_job"].tail(5).copy()
    extra["response_id"] = [f"OCT-{i}" for i in range(5)]
    extra["interview_date"] = [date(2026, 10, 2 + i) for i in range(5)]
    pd.concat([r, extra], ignore_index=True).to_parquet(folder / "survey_responses.parquet", index=False)
    return folder


def test_the_thin_quarter_is_incomplete_and_the_full_ones_are_not(october_dir, db):
    status = measures.survey_quarter_status(Database(october_dir)).set_index("quarter_start")
    assert not status.loc[OCTOBER, "complete"]
    assert "5 answers so far" in status.loc[OCTOBER, "reason"]
    assert status.drop(index=OCTOBER)["complete"].all()
    assert measures.incomplete_quarters(db) == {}, "the demo's own quarters are all complete"


@pytest.mark.parametrize(
    ("answers", "last_answer", "complete"),
    [
        ([1000, 1000, 1000, 1000, 1000], "2026-09-30", True),
        ([1000, 1000, 1000, 1000, 400], "2026-09-30", False),  # under half the usual count
        ([1000, 1000, 1000, 1000, 900], "2026-08-14", False),  # the latest quarter's answers stop in its 2nd month
        ([1000, 1000, 1000, 1000, 900], "2026-09-03", True),  # answers reach its last month
    ],
)
def test_the_rule_as_a_table(answers, last_answer, complete):
    class Stub:
        def memo(self, key, sql):
            quarters = pd.date_range("2025-07-01", periods=len(answers), freq="QS")
            lasts = [q + pd.DateOffset(months=3, days=-1) for q in quarters[:-1]] + [pd.Timestamp(last_answer)]
            return pd.DataFrame({"quarter_start": quarters, "answers": answers, "last_answer": lasts})

    assert bool(measures.survey_quarter_status(Stub())["complete"].iloc[-1]) is complete


def test_the_default_range_ends_at_the_last_complete_quarter(october_dir, app_env, monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(october_dir))
    monkeypatch.setenv("ENGAGEMENT_ENGINE", "off")
    at = run_app()
    assert not at.exception, at.exception
    assert at.select_slider(key="w_from_to").value[1] == date(2026, 7, 1)
    assert all(m.value != "–" for m in at.metric), "five October answers no longer blank every tile"
    assert any("Q3 2026/27 is incomplete" in c.value for c in at.caption)


def test_a_chosen_incomplete_quarter_is_labelled_and_its_comparisons_say_so(october_dir):
    db = Database(october_dir)
    tiles = overview.measure_tiles(db, OCTOBER)
    assert (tiles["quarter_label"] == "Q3 2026/27 (incomplete)").all()
    assert tiles["incomplete_note"].str.contains("is incomplete").all()
    t = trends.district_trends(db, "police_job", date(2026, 4, 1), OCTOBER, ["harlow"])
    late = t[t["quarter_start"] == OCTOBER]
    assert late["period_label"].str.endswith("(incomplete)").all()
    assert late["words_year"].str.contains("this quarter is incomplete").all()
    assert not t[t["quarter_start"] < OCTOBER]["period_label"].str.contains("incomplete").any()
