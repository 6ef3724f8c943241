"""The DuckDB layer: views over the data folder, locked down against escapes."""

import shutil

import duckdb
import pandas as pd
import pytest

from analytics import schema
from analytics.db import Database, DataError


@pytest.mark.parametrize(
    "attempt",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM read_parquet('{data}/../../etc/passwd')",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SELECT * FROM read_csv('https://example.com/x.csv')",
        "ATTACH '/tmp/escape.duckdb' AS escape",
        "COPY (SELECT 1) TO '/tmp/escape.csv'",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET allowed_directories = ['/']",
        "RESET enable_external_access",
        "SET memory_limit = '100GB'",
    ],
)
def test_escapes_are_refused(db, attempt):
    with pytest.raises(duckdb.Error):
        db.query(attempt.format(data=db.data_dir))


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
    from analytics import store

    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    before = store.data_version(copy)
    frame = pd.read_parquet(copy / "map_views.parquet")
    store.write_table(copy, "map_views", frame.iloc[:-1])
    assert store.data_version(copy) != before
