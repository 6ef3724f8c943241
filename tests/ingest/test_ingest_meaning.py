"""What imported values mean: files built from the documented layouts (docs/data_contract.md and
docs/social_media_exports.md), one per behaviour. Each checks the rows stored, the message shown, that the
report adds up (rows in = accepted + rejected + duplicates) and that a refusal leaves the store unchanged."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pandas as pd
import pytest

from analytics.ingest import pipeline
from analytics.ingest.social.importer import add_account, import_file
from analytics.storage import parquet as store
from analytics.storage.db import Database
from tests import social_samples as s
from tests.ingest.test_ingest import check

SURVEY_HEADER = "response_id,interview_date,district_id,lad_code,weight,age_band,sex,ethnic_group,question_id,answer\n"
MONTHLY_HEADER = "account_id,month_start,followers,reach,impressions,engagements,posts\n"


@pytest.fixture
def folder(demo_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    return copy


def _tables(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.parquet"))}


def _adds_up(outcome) -> None:
    assert outcome.rows_in == outcome.accepted + outcome.rejected + outcome.duplicates


def _messages(v) -> dict[int, str]:
    return {p.row: p.message for p in v.problems}


def _survey_row(rid, when, district="harlow", lad="E07000073", weight="1.0", answer="Good") -> str:
    return f"{rid},{when},{district},{lad},{weight},35-44,Female,White,police_job,{answer}\n"


def _commit(folder, raw, name, table, **kw):
    analysis = check(folder, raw, name, table, **kw)
    return analysis, pipeline.commit(folder, analysis, raw, "Mo", "manager")


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


# --- monthly social figures merge figure by figure -----------------------------------------------------------


def _month(folder, account, month) -> pd.Series:
    m = store.read_table(folder, "social_monthly")
    return m[(m["account_id"] == account) & (pd.to_datetime(m["month_start"]).dt.date == month)].iloc[0]


def test_a_platform_row_never_blanks_what_posts_gave_the_month(folder):
    add_account(folder, "fb_new", "harlow", "Facebook", "EPHarlowNew", "Harlow (new page)")
    import_file(folder, s.meta_file(), "fb_new")  # February 2025's posts
    feb = date(2025, 2, 1)
    from_posts = _month(folder, "fb_new", feb)
    assert from_posts["engagements"] > 0 and from_posts["engagements_source"] == "posts"
    # A monthly file of account-level figures: followers and reach, engagements left blank.
    raw = (MONTHLY_HEADER + "fb_new,2025-02-01,5000,9000,,,\n").encode()
    analysis, outcome = _commit(folder, raw, "monthly.csv", "social_monthly")
    assert not analysis.validation.problems
    assert (outcome.rows_in, outcome.new, outcome.updated) == (1, 0, 1)
    _adds_up(outcome)
    row = _month(folder, "fb_new", feb)
    assert row["engagements"] == from_posts["engagements"] and row["engagements_source"] == "posts"
    assert (row["impressions"], row["posts"]) == (from_posts["impressions"], from_posts["posts"])
    assert (row["followers"], row["followers_source"]) == (5000, "platform")
    assert (row["reach"], row["reach_source"]) == (9000, "platform")
    # The same file again changes nothing.
    before = _tables(folder)
    again = pipeline.commit(folder, analysis, raw, "Mo", "manager")
    assert (again.new, again.updated, again.duplicates, again.written) == (0, 0, 1, False)
    assert _tables(folder) == before


def test_each_figure_keeps_its_source_so_later_posts_still_update_their_own(folder):
    add_account(folder, "fb_new", "harlow", "Facebook", "EPHarlowNew", "Harlow (new page)")
    import_file(folder, s.meta_file(), "fb_new")
    feb = date(2025, 2, 1)
    import_file(folder, s.page_insights_file(2025, 2, 28), "fb_new")  # the platform's followers, reach, impressions
    after_page = _month(folder, "fb_new", feb)
    assert after_page["impressions_source"] == "platform" and after_page["engagements_source"] == "posts"
    # The first post's figures grow in a later export: the month's engagements (from posts) follow; the
    # platform's impressions stand.
    rows = list(s.META_ROWS)
    rows[0] = s.meta_row("100000000000001_900001", "02/03/2025 09:30", "Thank you, Harlow", "20,000", "15,000",
                         "1,410", "1,300", "60", "50", "120")  # fmt: skip
    report = import_file(folder, s.meta_file(rows), "fb_new")
    row = _month(folder, "fb_new", feb)
    assert row["engagements"] == after_page["engagements"] + 1_000
    assert row["impressions"] == after_page["impressions"] and row["impressions_source"] == "platform"
    assert "Feb 2025 has account-level impressions: kept; the rest set from the posts." in report.notes


def test_followers_and_reach_are_never_sums_of_posts(folder):
    raw = (
        b"account_id,month_start,followers,reach,followers_source,reach_source\n"
        b"fb_harlow,2026-10-01,5000,9000,posts,platform\n"
    )
    v = check(folder, raw, "monthly.csv", "social_monthly").validation
    assert _messages(v) == {2: "cannot be 'posts': followers is never summed from posts"}


# --- X post text -----------------------------------------------------------------------------------------------


def test_x_post_text_has_its_html_entities_decoded(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    text = "Speed checks &amp; patrols on the A414 &lt;today&gt; &#8212; thanks for telling us"
    rows = [s.x_legacy_row("1410000000000000009", text, "2021-06-30 16:00 +0000", 1000, 20)]
    report = import_file(folder, s.x_legacy_file(rows), "x_harlow")
    assert report.posts_added == 1
    posts = store.read_table(folder, "social_posts").set_index("post_id")
    assert (
        posts.loc["x:1410000000000000009", "text"]
        == "Speed checks & patrols on the A414 <today> \u2014 thanks for telling us"
    )
    # Meta writes text as typed: an "&amp;" there is what the person wrote.
    meta = [s.meta_row("100000000000001_900009", "02/03/2025 09:30", "Fish &amp; chips", "10", "9", "1", "1", "", "",
                       "")]  # fmt: skip
    import_file(folder, s.meta_file(meta), "fb_harlow")
    posts = store.read_table(folder, "social_posts").set_index("post_id")
    assert posts.loc["fb:100000000000001_900009", "text"] == "Fish &amp; chips"


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
        [sys.executable, "-m", "analytics.ingest.social.importer", "--data-dir", str(folder), "import", "--account",
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


def test_a_monthly_file_written_under_contract_2_is_read_with_each_figure_sourced(folder):
    # Contract 2 kept one source per row; a force's stored file of that time still opens and imports.
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "social_monthly.parquet"
    v3 = pq.read_table(path)
    old = v3.drop_columns([c for c in v3.column_names if c.endswith("_source")])
    sources = ["posts" if a == "x_force" else "platform" for a in old.column("account_id").to_pylist()]
    pq.write_table(old.append_column("source", pa.array(sources, pa.string())), path)
    got = (
        Database(folder)
        .query(
            "SELECT reach, reach_source, impressions_source, followers_source FROM social_monthly "
            "WHERE account_id = 'x_force' AND month_start = DATE '2024-03-01'"
        )
        .iloc[0]
    )
    assert pd.isna(got["reach"]) and pd.isna(got["reach_source"]), "no figure, no source"
    assert got["impressions_source"] == got["followers_source"] == "posts"
    assert store.read_table(folder, "social_monthly")["engagements_source"].notna().all()
    # The next import writes the file in the current contract.
    raw = (MONTHLY_HEADER + "fb_harlow,2026-10-01,9000,,,,\n").encode()
    _commit(folder, raw, "monthly.csv", "social_monthly")
    assert "source" not in pq.read_schema(path).names and "followers_source" in pq.read_schema(path).names
