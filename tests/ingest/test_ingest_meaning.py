"""What imported values mean: files built from the documented layouts (docs/data_contract.md), one per
behaviour: month and quarter columns, plausible dates, survey weights, local authority codes and a force's own
questions. Each checks the rows stored, the message shown, that the report adds up (rows in = accepted +
rejected + duplicates) and that a refusal leaves the store unchanged."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from analytics.ingest import pipeline
from analytics.ingest.social.importer import add_account, import_file
from analytics.storage import parquet as store
from analytics.storage.db import Database
from tests import social_samples as s
from tests.ingest.meaning import (
    MONTHLY_HEADER,
    SURVEY_HEADER,
    _adds_up,
    _commit,
    _messages,
    _survey_row,
    _tables,
)
from tests.ingest.test_ingest import check

# --- a month column holds month starts ------------------------------------------------------------------------


def test_a_month_column_refuses_a_date_that_is_not_the_first_of_its_month(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    # A monthly file as people keep them: some months written on the day the figures were taken.
    rows = [
        "x_harlow,2026-08-01,4000,,52000,1800,31",
        "x_harlow,2026-08-15,4010,,52100,1810,31",  # a second row for August, mid-month
        "x_harlow,2026-09-01,4100,,50000,1700,29",
        "x_harlow,2026-10-31,4200,,51000,1750,30",  # October, on its last day
        "x_harlow,2026-11-01,4300,,53000,1900,33",
    ]
    raw = (MONTHLY_HEADER + "\n".join(rows) + "\n").encode()
    analysis, outcome = _commit(folder, raw, "x_harlow_monthly.csv", "social_monthly")
    v = analysis.validation
    assert _messages(v) == {
        3: "is not the first day of a month (write 2026-08-01 for August 2026)",
        5: "is not the first day of a month (write 2026-10-01 for October 2026)",
    }
    assert {p.value for p in v.problems} == {"2026-08-15", "2026-10-31"}
    assert (outcome.rows_in, outcome.new, outcome.rejected, outcome.duplicates) == (5, 3, 2, 0)
    _adds_up(outcome)
    stored = store.read_table(folder, "social_monthly")
    mine = stored[stored["account_id"] == "x_harlow"].sort_values("month_start")
    # One row a month, each on the month's first day, none on a date no page shows.
    assert list(mine["month_start"]) == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 11, 1)]
    assert list(mine["followers"]) == [4000, 4100, 4300]


def test_a_file_of_mid_month_dates_changes_nothing(folder):
    before = _tables(folder)
    raw = (MONTHLY_HEADER + "fb_harlow,2026-03-15,1,2,3,4,5\nfb_harlow,2026-04-30,1,2,3,4,5\n").encode()
    analysis, outcome = _commit(folder, raw, "monthly.csv", "social_monthly")
    assert len(analysis.validation.valid) == 0 and analysis.validation.rejected_rows == 2
    assert (outcome.rows_in, outcome.accepted, outcome.rejected, outcome.written) == (2, 0, 2, False)
    assert _tables(folder) == before


def test_a_quarter_column_refuses_a_date_that_does_not_start_a_quarter(folder):
    raw = (
        b"quarter_start,question_id,group_id,value_pct,base,source\n"
        b"2026-07-01,police_job,msg,61.5,,Published\n2026-08-01,police_job,national,60.1,,Published\n"
    )
    v = check(folder, raw, "benchmarks.csv", "benchmarks").validation
    assert list(v.valid["quarter_start"]) == [date(2026, 7, 1)]
    assert _messages(v) == {3: "is not the first day of a quarter (write 2026-07-01 for the quarter holding 1 August)"}


# --- dates outside a plausible window ----------------------------------------------------------------------


def test_survey_dates_before_2000_or_more_than_a_month_ahead_are_refused(folder):
    quarters_before = Database(folder).query("SELECT max(quarter_start) AS q FROM survey_quarter_list")["q"].iloc[0]
    raw = (
        SURVEY_HEADER
        + _survey_row("R-NEW-1", "2199-03-01")  # a slip that became every user's default quarter
        + _survey_row("R-NEW-2", "1999-12-31")
        + _survey_row("R-NEW-3", "2026-12-31")  # within a month of the import: a record may be entered ahead
        + _survey_row("R-NEW-4", "2026-11-20")
    ).encode()
    analysis, outcome = _commit(folder, raw, "survey.csv", "survey_responses")
    assert _messages(analysis.validation) == {
        2: "is after 2 January 2027, too far ahead of today: check the year",
        3: "is before 1 January 2000: check the year",
    }
    assert (outcome.rows_in, outcome.new, outcome.rejected) == (4, 2, 2)
    _adds_up(outcome)
    stored = pd.read_parquet(folder / "survey_responses.parquet")
    assert {"R-NEW-3", "R-NEW-4"} <= set(stored["response_id"]) and "R-NEW-1" not in set(stored["response_id"])
    latest = Database(folder).query("SELECT max(quarter_start) AS q FROM survey_quarter_list")["q"].iloc[0]
    assert latest.year < 2100 and latest >= quarters_before


def test_the_window_follows_the_day_of_the_import_and_plans_may_lie_further_ahead(folder):
    today = date.today()
    near, far = today + timedelta(days=20), today + timedelta(days=45)
    raw = (SURVEY_HEADER + _survey_row("R-A", near.isoformat()) + _survey_row("R-B", far.isoformat())).encode()
    v = pipeline.analyse(raw, "s.csv", "survey_responses").validation  # checked against the real today
    assert list(v.valid["response_id"]) == ["R-A"] and "too far ahead of today" in _messages(v)[3]
    # An event is planned ahead: a year on is fine, three years on is a slip.
    header = "event_id,district_id,start_at,end_at,activity_type,title,online,strand,audience_group,concerns_raised,"
    header += "actions_taken,status\n"
    event = "{},harlow,{} 18:00,{} 19:00,Coffee with a Cop,Meet us,no,Listen,General public,0,0,planned\n"
    year, three = today + timedelta(days=365), today + timedelta(days=3 * 365)
    raw = (header + event.format("E-A", year, year) + event.format("E-B", three, three)).encode()
    v = pipeline.analyse(raw, "e.csv", "engagement_events").validation
    assert list(v.valid["event_id"]) == ["E-A"] and {p.column for p in v.problems} == {"start_at", "end_at"}


def test_an_export_row_dated_far_ahead_is_reported_and_the_rest_imported(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    rows = [*s.X_LEGACY_ROWS, s.x_legacy_row("1410000000000000077", "Typed in 2199", "2199-06-30 16:00 +0000", 10, 1)]
    report = import_file(folder, s.x_legacy_file(rows), "x_harlow")
    assert (report.rows_in, report.accepted, report.rejected, report.duplicates) == (4, 3, 1, 0)
    assert [(p.row, p.column, p.reason[:9]) for p in report.problems] == [(5, "time", "is after ")]
    posts = store.read_table(folder, "social_posts")
    assert "x:1410000000000000077" not in set(posts["post_id"]) and report.posts_added == 3


# --- survey weights ------------------------------------------------------------------------------------------


def test_survey_weights_must_be_finite_and_above_zero_and_a_far_outlier_is_reported(folder):
    rows = [_survey_row(f"R-W{i}", "2026-10-05", weight=w) for i, w in enumerate(["1.0", "0.8", "1.2", "1.1", "0.9"])]
    rows += [
        _survey_row("R-ZERO", "2026-10-05", weight="0"),
        _survey_row("R-NEG", "2026-10-05", weight="-1.5"),
        _survey_row("R-INF", "2026-10-05", weight="inf"),
        _survey_row("R-BIG", "2026-10-05", weight="25"),  # more than 20 times the median of 1.05
    ]
    raw = (SURVEY_HEADER + "".join(rows)).encode()
    analysis, outcome = _commit(folder, raw, "weights.csv", "survey_responses")
    v = analysis.validation
    problems = _messages(v)
    assert problems[7] == "must be above 0" and problems[8] == "is below the smallest allowed value (0)"
    assert set(problems) == {7, 8, 9}, "0, a negative and an infinite weight are refused"
    assert [(w.row, w.value) for w in v.warnings] == [(10, "25")]
    assert "more than 20 times the file's median weight (1.05): imported, but check it" in v.warnings[0].message
    assert (outcome.rows_in, outcome.new, outcome.rejected) == (9, 6, 3)
    _adds_up(outcome)
    stored = pd.read_parquet(folder / "survey_responses.parquet").set_index("response_id")
    assert stored.loc["R-BIG", "weight"] == 25 and "R-ZERO" not in stored.index


# --- local authority codes -----------------------------------------------------------------------------------


def test_a_rows_local_authority_code_must_belong_to_its_district(folder):
    lads = store.read_table(folder, "districts").set_index("district_id")["lad_codes"]
    harlow, southend = list(lads["harlow"]), list(lads["southend"])
    raw = (
        SURVEY_HEADER
        + _survey_row("R-L1", "2026-10-05", lad=harlow[0])
        + _survey_row("R-L2", "2026-10-05", lad=southend[0])
        + _survey_row("R-L3", "2026-10-05", lad="")
    ).encode()
    before = _tables(folder)
    analysis = check(folder, raw, "lads.csv", "survey_responses")
    v = analysis.validation
    assert _messages(v) == {3: f"is not a local authority of harlow ({', '.join(sorted(harlow))})"}
    assert list(v.valid["response_id"]) == ["R-L1", "R-L3"]
    assert _tables(folder) == before, "checking writes nothing"


# --- a force's own questions --------------------------------------------------------------------------------------


def test_a_question_counts_only_its_own_answers_as_positive(folder):
    raw = (
        b"question_id,short_label,wording,answers,positive_answers,exclude_dont_know,sort_order\n"
        b"treated_fairly,Treated fairly,Do the police treat everyone fairly?,Yes;No;Don't know,Yes;Always,false,6\n"
        b"stop_search,Stop and search,Is stop and search used fairly?,Yes,Yes,false,7\n"
    )
    before = _tables(folder)
    analysis, outcome = _commit(folder, raw, "questions.csv", "survey_questions")
    assert _messages(analysis.validation) == {
        2: "names Always, which is not among the question's answers",
        3: "needs at least two answers",
    }
    assert (outcome.rows_in, outcome.accepted, outcome.rejected, outcome.written) == (2, 0, 2, False)
    assert _tables(folder) == before
