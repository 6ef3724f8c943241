"""Reading real-shaped files (tests/fixtures/ingest, built from the documented layouts): line endings,
UTF-16 without its mark, plain words for technical failures, Parquet as exported, hidden Excel sheets.

Each file goes through the isolated reader as an upload does, with the districts and answers the app
passes; each test checks the rows stored, the message shown, that the report adds up, and that a
refusal leaves the data store byte for byte as it was.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from analytics.ingest import matching, pipeline
from analytics.ingest.isolate import run_isolated
from analytics.ingest.textfiles import ExportError
from analytics.storage.db import Database
from tests.conftest import FIXTURES

CORPUS = FIXTURES / "ingest"
TECHNICAL = ("field limit", "131072", "OverflowError", "RecursionError", "Error:", "Traceback", "Exception")


@pytest.fixture
def folder(demo_dir, tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    return copy


def store(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# The synthetic files hold months of 2031 to 2033 (after the demo's data): checked as if imported at the end of 2033.
IMPORT_DAY = date(2033, 12, 31)


def lookups(folder: Path):
    """What the Data page passes to the reader: known ids, each question's answers in order, and districts."""
    db = Database(folder)
    known = {
        "districts": set(db.query("SELECT district_id AS v FROM districts")["v"]),
        "survey_questions": set(db.query("SELECT question_id AS v FROM survey_questions")["v"]),
        "social_accounts": set(db.query("SELECT account_id AS v FROM social_accounts")["v"]),
    }
    answers = {r.question_id: list(r.answers) for r in db.query("SELECT * FROM survey_questions").itertuples()}
    d = db.query("SELECT district_id, name, lad_codes FROM districts ORDER BY district_id")
    districts = matching.Districts.from_rows(
        zip(d["district_id"], d["name"], d["lad_codes"], strict=True), matching.la_names()
    )
    return known, answers, districts


def analyse(folder: Path, name: str, table: str, raw: bytes | None = None, **kw) -> pipeline.Analysis:
    known, answers, districts = lookups(folder)
    raw = (CORPUS / name).read_bytes() if raw is None else raw
    lads = {r.district_id: set(r.lad_codes) for r in Database(folder).query("SELECT * FROM districts").itertuples()}
    return run_isolated(
        pipeline.analyse, raw, name, table, kw.get("sheet"), kw.get("mapping"), kw.get("constants"), known, answers,
        districts, lads, IMPORT_DAY,
    )  # fmt: skip


def refused(folder: Path, name: str, table: str, raw: bytes | None = None) -> str:
    """The refusal's message; the store is unchanged and the message is plain words."""
    before = store(folder)
    with pytest.raises(ExportError) as exc:
        analyse(folder, name, table, raw)
    message = str(exc.value)
    assert not any(t in message for t in TECHNICAL), message
    assert store(folder) == before, "a refused file changes nothing"
    return message


def adds_up(v) -> None:
    assert v.rows_in == len(v.valid) + v.rejected_rows + v.duplicates_in_file


def imported(folder: Path, a: pipeline.Analysis, raw: bytes, **options) -> pipeline.Outcome:
    out = pipeline.commit(folder, a, raw, "tester", "manager", **options)
    assert out.rows_in == out.accepted + out.rejected + out.duplicates
    return out


# --- line endings -------------------------------------------------------------------------------------


def test_facebook_page_insights_with_cr_line_endings_reads_every_day(folder):
    raw = (CORPUS / "page_insights_cr.csv").read_bytes()
    assert b"\n" not in raw and raw.count(b"\r") == 2 + 90  # two header rows and 90 days, CR alone
    a = analyse(folder, "page_insights_cr.csv", pipeline.SOCIAL)
    parsed = a.social
    assert parsed.layout.key == "facebook_page_insights"
    assert (parsed.rows_in, parsed.accepted, parsed.problems) == (90, 90, [])
    out = imported(folder, a, raw, account_id="fb_harlow")
    assert out.table == "social_monthly" and out.written
    got = Database(folder).query(
        "SELECT month_start, followers FROM social_monthly WHERE account_id = 'fb_harlow' "
        "AND month_start BETWEEN '2022-01-01' AND '2022-03-01' ORDER BY 1"
    )
    assert got["followers"].tolist() == [10_000 + 310, 20_000 + 280, 30_000 + 310]  # each month's last day


@pytest.mark.parametrize("name", ["views_cr.csv", "views_lf.csv", "views_crlf.csv"])
def test_cr_lf_and_crlf_files_store_the_same_rows(folder, name):
    raw = (CORPUS / name).read_bytes()
    a = analyse(folder, name, "map_views")
    v = a.validation
    assert v.problems == [] and len(v.valid) == 300
    adds_up(v)
    assert imported(folder, a, raw).new == 300
    got = Database(folder).query(
        "SELECT month_start, views FROM map_views WHERE district_id = 'harlow' AND month_start >= '2031-01-01' "
        "ORDER BY 1"
    )
    assert got["views"].tolist() == [100 + i for i in range(30)]


# --- encodings and plain words ------------------------------------------------------------------------


def test_utf16_without_a_byte_order_mark_is_read(folder):
    a = analyse(folder, "concerns_utf16le_no_bom.csv", "engagement_concerns")
    assert a.encoding == "UTF-16 (no byte-order mark)"
    v = a.validation
    assert v.problems == [] and len(v.valid) == 2
    assert v.valid.set_index("concern_id").loc["C-U16-2", "summary"] == "\u2018Blocked\u2019 drive on Queen\u2019s Road"
    adds_up(v)


def test_an_unclosed_quote_is_explained_without_the_csv_modules_words(folder):
    message = refused(folder, "views_open_quote.csv", "map_views")
    assert "Row 3" in message and "quote" in message and "100,000 characters" in message


def test_an_unexpected_failure_in_the_reader_is_said_plainly(folder):
    with pytest.raises(ExportError) as exc:
        run_isolated(_overflow)
    assert "OverflowError" not in str(exc.value) and "too large to read" in str(exc.value)
    with pytest.raises(ExportError) as exc:
        run_isolated(_odd_failure)
    assert "KeyError" not in str(exc.value) and "could not be read" in str(exc.value)


def _overflow():
    raise OverflowError("int too large to convert to float")


def _odd_failure():
    raise KeyError("internal")


# --- Parquet ------------------------------------------------------------------------------------------


def test_the_demos_own_events_file_reads_within_the_readers_limits(folder, demo_dir):
    import pyarrow.parquet as pq

    raw = (demo_dir / "engagement_events.parquet").read_bytes()
    rows = pq.ParquetFile(demo_dir / "engagement_events.parquet").metadata.num_rows  # as the file says
    assert rows > 10_000
    a = analyse(folder, "engagement_events.parquet", "engagement_events", raw)
    v = a.validation
    assert v.rows_in == rows and v.problems == [] and len(v.valid) == v.rows_in
    adds_up(v)
    out = imported(folder, a, raw)
    assert (out.new, out.updated, out.duplicates, out.written) == (0, 0, rows, False), "the same events again"


def test_zoned_parquet_times_are_stored_as_uk_local_time(folder):
    raw = (CORPUS / "events_utc.parquet").read_bytes()
    a = analyse(folder, "events_utc.parquet", "engagement_events")
    assert a.validation.problems == []
    imported(folder, a, raw)
    got = Database(folder).query("SELECT event_id, start_at, end_at FROM engagement_events WHERE event_id LIKE 'TZ-%'")
    got = got.set_index("event_id")
    # 17:00 UTC on 1 July is 18:00 British Summer Time; in December UK time is UTC.
    assert got.loc["TZ-1", "start_at"] == datetime(2031, 7, 1, 18, 0)
    assert got.loc["TZ-1", "end_at"] == datetime(2031, 7, 1, 19, 30)
    assert got.loc["TZ-2", "start_at"] == datetime(2031, 12, 1, 18, 0)


def test_bytes_in_a_parquet_text_column_are_refused_not_stored(folder):
    a = analyse(folder, "concerns_binary_text.parquet", "engagement_concerns")
    v = a.validation
    assert len(v.valid) == 0 and v.rejected_rows == 2
    assert {(p.row, p.column) for p in v.problems} == {(2, "summary"), (3, "summary")}
    assert all("binary data, not text" in p.message for p in v.problems)
    adds_up(v)


def test_a_parquet_decompression_bomb_is_named_as_such(folder):
    assert (CORPUS / "views_bomb.parquet").stat().st_size < 5_000
    message = refused(folder, "views_bomb.parquet", "map_views")
    assert "decompression bomb" in message


# --- Excel --------------------------------------------------------------------------------------------


def test_the_first_visible_sheet_is_read_and_a_hidden_one_only_when_chosen(folder):
    a = analyse(folder, "views_hidden_first_sheet.xlsx", "map_views")
    assert a.sheet == "Views" and a.sheets == ["Old figures", "Views"]
    v = a.validation
    assert list(v.valid["views"]) == [5, 7] and v.problems == []
    assert any("hidden sheet(s)" in n and "Old figures" in n for n in v.notes)
    adds_up(v)
    chosen = analyse(folder, "views_hidden_first_sheet.xlsx", "map_views", sheet="Old figures")
    assert list(chosen.validation.valid["views"]) == [999_999]
    assert any("is hidden in the workbook" in n for n in chosen.validation.notes)


# --- the same rows however the file was saved -------------------------------------------------------

HEADER = ["concern_id", "district_id", "raised_on", "theme", "summary"]
ROWS = [
    ["C-1", "harlow", "2031-01-05", "Speeding", "Caf\u00e9 owners say \u2018too fast\u2019, every night"],
    ["C-2", "southend", "2031-01-06", "Parking", 'Vans on the verge; "again"'],
    ["C-3", "harlow", "2031-02-01", "Anti-social behaviour", "Youths at the precinct \u2013 \u00a35 damage"],
    ["C-4", "southend", "2031-02-02", "Other", "  padded text  "],
]


def _spell(name: str, how: int) -> str:
    """A column name as a person might type it: capitals, spaces, hyphens, run together, padded."""
    words = name.split("_")
    return [
        name,
        name.upper(),
        " ".join(w.capitalize() for w in words),
        "-".join(words),
        "".join(w.capitalize() for w in words),
        f"  {name.replace('_', ' ')}  ",
        name.replace("_", ". ").title(),
    ][how]


def _saved(endings: list[str], encoding: str, spellings: list[int], delimiter: str) -> bytes:
    import csv
    import io

    lines = []
    for row in [[_spell(h, s) for h, s in zip(HEADER, spellings, strict=True)], *ROWS]:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(row)
        lines.append(buf.getvalue())
    text = "".join(line + ending for line, ending in zip(lines, endings, strict=True))
    return text.encode(encoding)


def _rows(raw: bytes) -> list[dict]:
    a = pipeline.analyse(
        raw, "concerns.csv", "engagement_concerns", known={"districts": {"harlow", "southend"}}, today=IMPORT_DAY
    )
    assert a.validation.problems == [], a.validation.problems
    return a.validation.valid.drop(columns="_row").to_dict("records")


def test_any_line_endings_encoding_and_header_spelling_give_the_same_rows():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    canonical = _rows(_saved(["\n"] * 5, "utf-8", [0] * 5, ","))
    assert len(canonical) == 4 and canonical[0]["summary"].startswith("Caf\u00e9")

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=5, max_size=5),
        encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]),
        spellings=st.lists(st.integers(0, 6), min_size=5, max_size=5),
        delimiter=st.sampled_from([",", ";", "\t"]),
    )
    def same(endings, encoding, spellings, delimiter):
        assert _rows(_saved(endings, encoding, spellings, delimiter)) == canonical

    same()
