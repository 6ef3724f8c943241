"""Importing real-world files: formats, checks, merging on key, audit, originals, roles."""

import io
import json
import shutil
from datetime import date, datetime

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics.access import PermissionDenied
from analytics.ingest import pipeline
from analytics.ingest.isolate import run_isolated
from analytics.ingest.textfiles import ExportError
from analytics.storage.db import Database
from tests.conftest import FIXTURES

VIEWS_HEADER = "district_id,month_start,views\n"
# The day these imports are checked on (dates are checked against it); the demo's data ends in September 2026,
# so October to December 2026 are months it has no figures for.
IMPORT_DAY = date(2026, 12, 2)


@pytest.fixture
def folder(demo_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    return copy


def known(folder):
    db = Database(folder)
    k = {
        "districts": set(db.query("SELECT district_id AS v FROM districts")["v"]),
        "survey_questions": set(db.query("SELECT question_id AS v FROM survey_questions")["v"]),
    }
    answers = {r.question_id: set(r.answers) for r in db.query("SELECT * FROM survey_questions").itertuples()}
    lads = {r.district_id: set(r.lad_codes) for r in db.query("SELECT * FROM districts").itertuples()}
    return k, answers, lads


def check(folder, raw, name, table, **kw):
    """The upload checked as the Data page checks it (with what the folder holds), on IMPORT_DAY."""
    k, answers, lads = known(folder)
    return pipeline.analyse(raw, name, table, known=k, answers=answers, lads=lads, **{"today": IMPORT_DAY} | kw)


def test_uk_dates_thousands_semicolons_and_cp1252(folder):
    raw = 'district_id;month_start;views\nharlow;01/03/2026;1,234\nsouthend;01/04/2026;"2,001"\n'.encode("cp1252")
    a = check(folder, raw, "views.csv", "map_views")
    v = a.validation
    assert v.problems == [] and a.encoding == "UTF-8"
    assert list(v.valid["month_start"]) == [date(2026, 3, 1), date(2026, 4, 1)]
    assert list(v.valid["views"]) == [1234, 2001]
    assert any("UK (dd/mm/yyyy)" in n for n in v.notes)


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda t: t.encode("utf-8"), "UTF-8"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "UTF-8 with byte-order mark"),
        (lambda t: t.encode("utf-16"), "UTF-16"),
        (lambda t: t.encode("cp1252"), "Windows-1252"),
    ],
)
def test_text_encodings(folder, encode, label):
    summary = "Caf\u00e9 \u2013 \u00a35 parking \u2019fines\u2019"
    text = f"concern_id,district_id,raised_on,theme,summary\nC1,harlow,2026-05-01,Other,{summary}\n"
    a = check(folder, encode(text), "concerns.csv", "engagement_concerns")
    assert a.encoding == label
    assert a.validation.valid["summary"].iloc[0] == summary


def test_a_blank_optional_reference_is_accepted(folder):
    # A force-wide account has no district: the blank is allowed, an unknown district is not.
    raw = (
        b"account_id,district_id,platform,handle,name\n"
        b"force-x,,X,@Force,Force\nharlow-fb,harlow,Facebook,HarlowPolice,Harlow\nbad,atlantis,X,@A,A\n"
    )
    v = check(folder, raw, "accounts.csv", "social_accounts").validation
    assert list(v.valid["account_id"]) == ["force-x", "harlow-fb"]
    assert pd.isna(v.valid["district_id"].iloc[0])
    assert [(p.row, p.value) for p in v.problems] == [(4, "atlantis")]


def test_a_column_mixing_date_formats_is_rejected_whole(folder):
    raw = (VIEWS_HEADER + "harlow,2026-03-01,5\nharlow,01/04/2026,6\nharlow,2026-05-01,7\n").encode()
    v = check(folder, raw, "v.csv", "map_views").validation
    assert len(v.valid) == 0 and v.rejected_rows == 3
    assert v.problems[0].row == 0 and "mixes date formats" in v.problems[0].message


def test_us_dates_are_not_guessed(folder):
    raw = (VIEWS_HEADER + "harlow,03/25/2026,5\nharlow,04/01/2026,6\n").encode()
    v = check(folder, raw, "v.csv", "map_views").validation
    # 04/01/2026 is read the UK way, 4 January, which is then no month's first day.
    assert [(p.row, p.message[:38]) for p in v.problems] == [
        (2, "is not a date in the column's format, "),
        (3, "is not the first day of a month (write"),
    ]
    assert v.problems[1].value == "2026-01-04" and v.valid.empty


def test_every_problem_is_listed_with_its_row(folder):
    raw = (
        b"event_id,district_id,start_at,end_at,activity_type,title,online,strand,audience_group,concerns_raised,"
        b"actions_taken,status\n"
        b"E1,harlow,2026-05-01 18:00,2026-05-01 19:00,Coffee with a Cop,A,no,Listen,General public,1,0,held\n"
        b"E2,atlantis,2026-05-01 18:00,2026-05-01 19:00,Juggling,B,maybe,Listen,General public,-1,0,held\n"
        b"E3,harlow,2026-05-01 18:00,,Coffee with a Cop,,no,Listen,General public,1,0,held\n"
    )
    v = check(folder, raw, "e.csv", "engagement_events").validation
    found = {(p.row, p.column) for p in v.problems}
    assert found == {
        (3, "district_id"), (3, "activity_type"), (3, "online"), (3, "concerns_raised"), (4, "end_at"), (4, "title"),
    }  # fmt: skip
    assert list(v.valid["event_id"]) == ["E1"]
    assert v.rows_in == len(v.valid) + v.rejected_rows + v.duplicates_in_file


def test_leading_zeros_are_kept_in_identifiers(folder):
    raw = b"concern_id,district_id,raised_on,theme,summary\n007,harlow,2026-05-01,Other,x\n"
    assert check(folder, raw, "c.csv", "engagement_concerns").validation.valid["concern_id"].iloc[0] == "007"


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_excel_sheets_serial_dates_and_real_dates(folder):
    raw = _workbook(
        {
            "Notes": [["read me"], ["nothing here"]],
            "Views": [["district_id", "month_start", "views"], ["harlow", 46082, 5], ["0123", datetime(2026, 4, 1), 6]],
        }
    )
    first = check(folder, raw, "views.xlsx", "map_views")
    assert first.sheets == ["Notes", "Views"] and first.sheet == "Notes"
    assert first.validation.missing  # the notes sheet is not the table
    a = check(folder, raw, "views.xlsx", "map_views", sheet="Views")
    v = a.validation
    assert list(v.valid["month_start"]) == [date(2026, 3, 1)]  # serial 46082 is 1 March 2026
    assert [(p.row, p.value) for p in v.problems] == [(3, "0123")]  # kept as typed text, and unknown


def test_excel_formula_cells_use_saved_values_or_are_reported(folder):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["district_id", "month_start", "views"])
    ws.append(["harlow", "2026-03-01", "=2+3"])
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl saves formulas without a computed value
    v = check(folder, buf.getvalue(), "f.xlsx", "map_views").validation
    assert [(p.row, p.column) for p in v.problems] == [(2, "views")]
    assert "formula with no saved value" in v.problems[0].message


def test_parquet_upload(folder):
    frame = pd.DataFrame({"district_id": ["harlow"], "month_start": [date(2026, 3, 1)], "views": [9]})
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame), buf)
    v = check(folder, buf.getvalue(), "v.parquet", "map_views").validation
    assert v.problems == [] and v.valid["views"].iloc[0] == 9


def test_police_uk_priorities_from_the_real_samples(folder):
    samples = [
        json.loads((FIXTURES / "police_uk" / f).read_text())
        for f in ("api_sample_neighbourhood-priority.json", "api_sample_neighbourhood-priority-html.json",
                  "api_sample_neighbourhood-priority-no-action.json")
    ]  # fmt: skip
    raw = json.dumps(samples).encode()
    a = check(folder, raw, "priorities.json", "engagement_concerns", constants={"district_id": "harlow"})
    v = a.validation
    assert v.problems == [] and len(v.valid) == 3
    html = v.valid[v.valid["raised_on"] == date(2018, 9, 20)].iloc[0]
    assert "<p>" not in html["summary"] and html["summary"].startswith("Beggars and homeless persons")
    assert html["action_on"] == date(2019, 1, 14) == html["told_on"] and html["tell_channel"] == "Website"
    assert html["theme"] == "Anti-social behaviour"
    assert v.valid["action_taken"].isna().sum() == 1  # the one with no action is not told back
    without_district = check(folder, raw, "priorities.json", "engagement_concerns").validation
    assert without_district.missing == ["district_id"]


def test_police_uk_events(folder):
    events = [
        {"title": "Beat meeting", "description": "<p>Come along</p>", "address": "Harlow Library",
         "type": "meeting", "start_date": "2026-10-01T18:00:00", "end_date": "2026-10-01T19:00:00",
         "contact_details": {}},
        {"title": "Surgery", "address": "Town Hall", "type": "surgery", "start_date": "2026-10-05T10:00:00",
         "end_date": None},
    ]  # fmt: skip
    v = check(folder, json.dumps(events).encode(), "events.json", "engagement_events",
              constants={"district_id": "harlow"}).validation  # fmt: skip
    assert v.problems == []
    assert list(v.valid["activity_type"]) == ["Local Community Meeting", "Coffee with a Cop"]
    assert list(v.valid["status"]) == ["planned", "planned"]
    assert v.valid["end_at"].iloc[1] == datetime(2026, 10, 5, 10, 0)


def _views(folder, rows: str) -> pipeline.Analysis:
    return check(folder, (VIEWS_HEADER + rows).encode(), "views.csv", "map_views")


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.parquet"))}


def test_reimport_changes_nothing_and_overlap_updates_on_key(folder):
    raw = (VIEWS_HEADER + "harlow,2026-10-01,5\nharlow,2026-11-01,6\nharlow,2026-11-01,6\n").encode()
    a = check(folder, raw, "views.csv", "map_views")
    first = pipeline.commit(folder, a, raw, "alice", "manager")
    assert (first.rows_in, first.new, first.updated, first.duplicates, first.rejected) == (3, 2, 0, 1, 0)
    before = _files(folder)
    again = pipeline.commit(folder, a, raw, "alice", "manager")
    assert (again.new, again.updated, again.duplicates, again.written) == (0, 0, 3, False)
    assert _files(folder) == before
    raw2 = (VIEWS_HEADER + "harlow,2026-11-01,60\nharlow,2026-12-01,7\nnowhere,2026-12-01,1\n").encode()
    second = pipeline.commit(folder, check(folder, raw2, "views2.csv", "map_views"), raw2, "bob", "admin")
    assert (second.new, second.updated, second.rejected) == (1, 1, 1)
    got = Database(folder).query(
        "SELECT month_start, views FROM map_views WHERE district_id = 'harlow' AND month_start >= '2026-10-01' "
        "ORDER BY 1"
    )
    assert list(got["views"]) == [5, 60, 7]
    log = pipeline.audit_log(folder)
    assert list(log["who"]) == ["bob", "alice", "alice"]
    for r in log.itertuples():
        assert r.rows_in == r.accepted + r.rejected + r.duplicates
    kept = folder / "_imports" / "originals" / f"{pipeline.digest(raw)}.csv"
    assert kept.read_bytes() == raw


def test_only_managers_and_admins_import(folder):
    a = _views(folder, "harlow,2026-10-01,5\n")
    before = _files(folder)
    with pytest.raises(PermissionDenied):
        pipeline.commit(folder, a, (VIEWS_HEADER + "harlow,2026-10-01,5\n").encode(), "vic", "viewer")
    assert _files(folder) == before and not (folder / "_imports").exists()


def test_bytes_changed_after_the_check_are_refused(folder):
    a = _views(folder, "harlow,2026-10-01,5\n")
    with pytest.raises(ValueError, match="changed since it was checked"):
        pipeline.commit(folder, a, (VIEWS_HEADER + "harlow,2026-10-01,500\n").encode(), "a", "admin")


def test_social_export_through_the_pipeline_is_audited(folder):
    from tests import social_samples as s

    raw = s.meta_file()
    a = run_isolated(pipeline.analyse, raw, "Feb-01-2025_Feb-28-2025_1.csv", pipeline.SOCIAL)
    out = pipeline.commit(folder, a, raw, "cara", "manager", account_id="fb_harlow")
    assert (out.table, out.new, out.rows_in) == ("social_posts", 3, 3)
    assert pipeline.audit_log(folder)["account_id"].iloc[0] == "fb_harlow"


def test_isolated_reader_reports_refusals_and_limits():
    with pytest.raises(ExportError, match=r"Files ending \.exe are not read"):
        run_isolated(pipeline.analyse, b"MZ", "tool.exe", "map_views")
    with pytest.raises(ExportError, match="took longer than"):
        run_isolated(_sleep, 5, timeout=1)
    with pytest.raises(ExportError, match="memory"):
        run_isolated(_hog, timeout=30, memory_mb=300)


def _sleep(seconds):
    import time

    time.sleep(seconds)


def _hog():
    return bytearray(2 * 1024**3)


def test_a_european_thousands_point_in_a_count_is_ambiguous_not_guessed(folder):
    v = _views(folder, "harlow,2026-10-01,2.000\nharlow,2026-11-01,2000\n").validation
    assert [(p.row, p.message[:12]) for p in v.problems] == [(2, "is ambiguous")]
    assert list(v.valid["views"]) == [2000]
