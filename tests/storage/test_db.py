"""The DuckDB layer: views over the data folder, locked down against escapes."""

import shutil

import duckdb
import pandas as pd
import pytest

from analytics.contract import schema
from analytics.storage.db import Database, DataError, QueryRefused

DISABLED = r"disabled (by|through) configuration"
LOCKED = r"configuration has been locked"


@pytest.mark.parametrize(
    ("attempt", "refusal"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", DISABLED),
        ("SELECT * FROM read_csv('{data}/../../etc/passwd')", DISABLED),
        ("SELECT * FROM read_csv('https://example.com/x.csv')", DISABLED),
        ("INSTALL httpfs", DISABLED),
        ("LOAD httpfs", DISABLED),
        ("ATTACH '/tmp/escape.duckdb' AS escape", DISABLED),
        ("COPY (SELECT 1) TO '/tmp/escape.csv'", DISABLED),
        ("SET enable_external_access = true", LOCKED),
        ("SET lock_configuration = false", LOCKED),
        ("SET allowed_directories = ['/']", LOCKED),
        ("SET memory_limit = '100GB'", LOCKED),
    ],
)
def test_the_engine_itself_refuses_escapes(db, attempt, refusal):
    # Straight to DuckDB, past the read-only guard: the lockdown alone must refuse.
    cursor = db._con.cursor()
    with pytest.raises(duckdb.Error, match=refusal):
        cursor.execute(attempt.format(data=db.data_dir))


@pytest.mark.parametrize(
    "attempt",
    [
        "COPY (SELECT 42) TO '{data}/evil.csv'",
        "CREATE OR REPLACE VIEW districts AS SELECT 1 AS district_id",
        "SELECT 1; DROP VIEW districts",
        "ATTACH '{data}/x.duckdb' AS x",
        "SET threads = 1",
        "PRAGMA version",
        "",
    ],
)
def test_only_reads_reach_the_connection(db, attempt):
    # Twice: a text is checked once and remembered only when it passed, so a refusal is not remembered as a pass.
    for _ in range(2):
        with pytest.raises(QueryRefused):
            db.query(attempt.format(data=db.data_dir))
    assert not (db.data_dir / "evil.csv").exists()
    assert len(db.query("SELECT * FROM districts")) == 10, "the views are untouched"


def test_checked_texts_are_remembered_up_to_a_limit(demo_dir, monkeypatch):
    import analytics.storage.db as dbmod

    monkeypatch.setattr(dbmod, "_CHECKED_TEXTS", 3)
    db = Database(demo_dir)
    for i in range(7):
        assert db.query(f"SELECT {i} AS x")["x"].iloc[0] == i
        assert len(db._read_only) <= 3
    with pytest.raises(QueryRefused):
        db.query("SELECT 1; DROP VIEW districts")
    assert len(db.query("SELECT * FROM districts")) == 10


def test_writing_into_the_data_folder_is_what_the_guard_is_for(db):
    # The engine's lockdown allows writes under the allowed directory; the guard must not.
    cursor = db._con.cursor()
    target = db.data_dir / "engine_can_write.csv"
    try:
        statement = f"COPY (SELECT 1) TO '{target}'"
        cursor.execute(statement)
        assert target.exists()
    finally:
        target.unlink(missing_ok=True)


def test_memory_limit_setting_is_validated(demo_dir):
    with pytest.raises(DataError, match="not a size"):
        Database(demo_dir, memory_limit="1GB'; SET enable_external_access=true; --")


def test_views_still_read_the_data_folder_after_lockdown(db, raw):
    got = db.query("SELECT count(*) AS n FROM survey_responses")["n"].iloc[0]
    assert got == len(raw("survey_responses"))


def test_views_have_contract_types(db):
    for table in schema.TABLES.values():
        described = db.query(f"DESCRIBE {table.name}")
        assert list(described["column_name"]) == list(table.column_names)
        assert list(described["column_type"]) == [c.type for c in table.columns]


def test_values_are_bound_not_interpolated(db):
    hostile = "harlow' OR '1'='1"
    got = db.query("SELECT count(*) AS n FROM districts WHERE district_id = ?", [hostile])
    assert got["n"].iloc[0] == 0


def test_each_query_uses_its_own_cursor_from_many_threads(db):
    from concurrent.futures import ThreadPoolExecutor

    def count(district):
        return db.query("SELECT count(*) AS n FROM survey_responses WHERE district_id = ?", [district])["n"].iloc[0]

    ids = list(db.query("SELECT district_id FROM districts")["district_id"]) * 4
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(count, ids))
    assert len(set(zip(ids, results, strict=True))) == 10


def test_missing_required_table_is_a_clear_error(demo_dir, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(demo_dir, partial)
    (partial / "districts.parquet").unlink()
    with pytest.raises(DataError, match="missing required tables: districts"):
        Database(partial)


def test_missing_optional_table_becomes_an_empty_view(demo_dir, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(demo_dir, partial)
    (partial / "social_posts.parquet").unlink()
    db = Database(partial)
    assert db.missing_optional == ["social_posts"]
    assert len(db.query("SELECT * FROM social_posts")) == 0


def test_small_tables_are_read_into_memory_once(demo_dir, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    db = Database(copy)
    assert {"districts", "star_chamber_meetings"} <= set(db.in_memory)
    assert "engagement_events" not in db.in_memory, "a large table stays where it is (the engine file)"
    before = db.query("SELECT * FROM star_chamber_meetings ORDER BY meeting_id")
    # Held in memory: the answer no longer depends on the file (a new file opens a new Database).
    (copy / "star_chamber_meetings.parquet").unlink()
    pd.testing.assert_frame_equal(db.query("SELECT * FROM star_chamber_meetings ORDER BY meeting_id"), before)
    # Over the size limit a table is read from its file each time, with the same answers.
    monkeypatch.setattr("analytics.storage.db.SMALL_TABLE_BYTES", 0)
    reading = Database(demo_dir)
    assert reading.in_memory == []
    pd.testing.assert_frame_equal(reading.query("SELECT * FROM star_chamber_meetings ORDER BY meeting_id"), before)


def test_corrupt_file_is_a_clear_error(demo_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(demo_dir, broken)
    (broken / "map_views.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError, match="map_views"):
        Database(broken)


def test_file_without_a_contract_column_is_a_clear_error(demo_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(demo_dir, broken)
    pd.DataFrame({"district_id": ["x"]}).to_parquet(broken / "map_views.parquet")
    with pytest.raises(DataError, match="map_views"):
        Database(broken)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        Database(tmp_path / "nowhere")


def test_data_version_changes_when_a_file_changes(demo_dir, tmp_path):
    from analytics.storage import parquet as store

    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    before = store.data_version(copy)
    frame = pd.read_parquet(copy / "map_views.parquet")
    store.write_table(copy, "map_views", frame.iloc[:-1])
    assert store.data_version(copy) != before


def test_the_memory_limit_holds_while_small_tables_are_copied_in(demo_dir):
    assert Database(demo_dir, memory_limit="64MB").in_memory, "small tables are copied in under a normal limit"
    # Set at connect, not only at lockdown: a copy that would pass the limit fails instead of using the memory.
    with pytest.raises(DataError, match="Out of Memory"):
        Database(demo_dir, memory_limit="100KB")


def test_remember_works_out_each_answer_once_hands_out_copies_and_forgets_the_least_recent(demo_dir, monkeypatch):
    from analytics.storage import db as db_module

    monkeypatch.setattr(db_module, "_REMEMBERED", 2)
    db = Database(demo_dir)
    worked = []

    def frame(name):
        def compute():
            worked.append(name)
            return {"rows": pd.DataFrame({"x": [1, 2]}), "label": name}

        return compute

    first = db.remember(("a",), frame("a"))
    first["rows"].loc[0, "x"] = 99  # the caller's copy
    again = db.remember(("a",), frame("a"))
    assert worked == ["a"] and again["label"] == "a"
    assert list(again["rows"]["x"]) == [1, 2], "a caller changing its copy changes nobody else's"
    db.remember(("b",), frame("b"))
    db.remember(("a",), frame("a"))  # used again: now the most recent
    db.remember(("c",), frame("c"))  # over the bound: "b", the least recently used, is forgotten
    db.remember(("a",), frame("a"))
    db.remember(("b",), frame("b"))
    assert worked == ["a", "b", "c", "b"]
    assert Database(demo_dir).remember(("a",), frame("a"))["label"] == "a" and worked[-1] == "a", (
        "each Database remembers its own answers (a new data version opens a new one)"
    )


def test_remember_hands_out_copies_of_every_kind_of_answer(demo_dir):
    """Frames inside named tuples and dataclasses, Series and arrays: a caller changing what it got changes
    nothing another caller gets; plain values come back as they are."""
    from collections import namedtuple
    from dataclasses import dataclass

    import numpy as np

    Pair = namedtuple("Pair", "frame label")

    @dataclass
    class Held:
        frame: pd.DataFrame

    db = Database(demo_dir)
    answers = {
        "named": lambda: Pair(pd.DataFrame({"x": [1]}), "a"),
        "dataclass": lambda: Held(pd.DataFrame({"x": [1]})),
        "series": lambda: pd.Series([1, 2]),
        "array": lambda: np.array([1, 2]),
    }
    first = {k: db.remember((k,), f) for k, f in answers.items()}
    first["named"].frame.loc[0, "x"] = 9
    first["dataclass"].frame.loc[0, "x"] = 9
    first["series"].iloc[0] = 9
    first["array"][0] = 9
    again = {k: db.remember((k,), f) for k, f in answers.items()}
    assert isinstance(again["named"], Pair) and again["named"].label == "a"
    assert again["named"].frame["x"].tolist() == [1]
    assert again["dataclass"].frame["x"].tolist() == [1]
    assert again["series"].tolist() == [1, 2] and again["array"].tolist() == [1, 2]
    assert db.remember(("plain",), lambda: "text") == "text"
