"""The scale data generator: sizes as asked, every table valid against the contract, sorted, deterministic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analytics import scale
from analytics.contract import schema
from analytics.ingest.raw_table import RawTable
from analytics.ingest.validate import REFERENCES, auto_mapping, validate
from analytics.scale.world import FORCES_FILE
from analytics.storage import parquet as store
from analytics.storage.db import Database

EVENTS = 50_000
SURVEY_ROWS = 20_000
SEED = 11


@pytest.fixture(scope="module")
def scale_dir(tmp_path_factory) -> Path:
    """A small scale data set, generated once for this module."""
    out = tmp_path_factory.mktemp("scale") / "data"
    scale.write_scale(out, events=EVENTS, survey_rows=SURVEY_ROWS, seed=SEED)
    return out


@pytest.fixture(scope="module")
def sdb(scale_dir) -> Database:
    """The locked-down database over the scale data."""
    db = Database(scale_dir)
    yield db
    db.close()


def _one(db: Database, sql: str) -> int:
    return int(db.query(sql).iloc[0, 0])


def test_row_counts_are_as_requested(sdb):
    assert _one(sdb, "SELECT count(*) FROM engagement_events") == EVENTS
    assert _one(sdb, "SELECT count(*) FROM survey_responses") == SURVEY_ROWS
    assert _one(sdb, "SELECT count(DISTINCT response_id) FROM survey_responses") == SURVEY_ROWS // 5
    assert _one(sdb, "SELECT min(n) FROM (SELECT count(*) n FROM survey_responses GROUP BY response_id)") == 5
    assert sdb.missing_optional == []
    for table in schema.TABLES:
        assert _one(sdb, f"SELECT count(*) FROM {table}") > 0, table


def test_every_force_of_england_and_wales_has_its_districts(sdb):
    forces = json.loads(FORCES_FILE.read_text())["forces"]
    d = sdb.query(
        "SELECT lpa, count(*) n, sum(population) pop, min(lat) lat0, max(lat) lat1 FROM districts GROUP BY lpa"
    )
    assert len(d) == 43 == _one(sdb, "SELECT count(DISTINCT lpa) FROM districts")
    assert d["n"].between(5, 12).all()
    expected = {f["force"]: f["population"] for f in forces}
    assert dict(zip(d["lpa"], d["pop"], strict=True)) == expected
    assert d["lat0"].min() >= 49.9 and d["lat1"].max() <= 55.9
    assert _one(sdb, "SELECT count(*) FROM (SELECT DISTINCT tile_row, tile_col FROM districts)") == _one(
        sdb, "SELECT count(*) FROM districts"
    )
    assert _one(sdb, "SELECT count(*) FROM districts WHERE len(lad_codes) > 0") == 0


@pytest.mark.parametrize(
    ("table", "column", "target", "target_column"),
    [
        (t, "district_id", "districts", "district_id")
        for t in (
            "engagement_events",
            "survey_responses",
            "engagement_concerns",
            "map_views",
            "star_chamber_meetings",
            "star_chamber_actions",
            "social_accounts",
            "annotations",
        )
    ]
    + [
        ("engagement_concerns", "event_id", "engagement_events", "event_id"),
        ("survey_responses", "question_id", "survey_questions", "question_id"),
        ("benchmarks", "question_id", "survey_questions", "question_id"),
        ("social_monthly", "account_id", "social_accounts", "account_id"),
        ("social_posts", "account_id", "social_accounts", "account_id"),
        ("star_chamber_actions", "meeting_id", "star_chamber_meetings", "meeting_id"),
    ],
)
def test_references_resolve(sdb, table, column, target, target_column):
    orphans = _one(
        sdb,
        f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {target} x WHERE x.{target_column} = t.{column})",
    )
    assert orphans == 0


def test_answers_belong_to_their_question_and_event_counts_match_the_ledger(sdb):
    bad = "SELECT count(*) FROM survey_responses r JOIN survey_questions q USING (question_id) "
    assert _one(sdb, bad + "WHERE NOT list_contains(q.answers, r.answer)") == 0
    mismatched = _one(
        sdb,
        "SELECT count(*) FROM engagement_events e LEFT JOIN (SELECT event_id, count(*) raised, "
        "count(action_taken) acted FROM engagement_concerns WHERE event_id IS NOT NULL GROUP BY event_id) c "
        "USING (event_id) WHERE e.concerns_raised <> coalesce(c.raised, 0) OR e.actions_taken <> coalesce(c.acted, 0)",
    )
    assert mismatched == 0
    assert _one(sdb, "SELECT count(*) FROM engagement_concerns WHERE told_on < action_on OR action_on < raised_on") == 0
    assert _one(sdb, "SELECT count(*) FROM engagement_events WHERE status <> 'held' AND attendance IS NOT NULL") == 0


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_columns_respect_the_contract(sdb, scale_dir, table):
    spec = schema.TABLES[table]
    assert pq.ParquetFile(scale_dir / f"{table}.parquet").schema_arrow == store.arrow_schema(spec)
    for col in spec.columns:
        checks = []
        if not col.nullable:
            checks.append(f"{col.name} IS NULL")
        if col.enum:
            checks.append(f"{col.name} NOT IN ({', '.join(repr(v) for v in col.enum)})")
        if col.minimum is not None:
            checks.append(f"{col.name} < {col.minimum}")
        if col.maximum is not None:
            checks.append(f"{col.name} > {col.maximum}")
        if checks:
            assert _one(sdb, f"SELECT count(*) FROM {table} WHERE {' OR '.join(checks)}") == 0, col.name
    key = ", ".join(spec.key)
    assert _one(sdb, f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1)") == 0


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_files_are_sorted_by_their_sort_order(scale_dir, table):
    spec = schema.TABLES[table]
    frame = pq.read_table(scale_dir / f"{table}.parquet", columns=list(spec.sort_by)).to_pandas()
    if spec.date_column:
        assert frame[spec.sort_by[0]].is_monotonic_increasing
    ordered = frame.sort_values(list(spec.sort_by), kind="stable")
    assert ordered.index.equals(frame.index), f"{table} is not sorted by {spec.sort_by}"


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_the_importer_accepts_a_sample_of_every_table(scale_dir, sdb, table):
    """The upload validator (enums, ranges, references, answers, keys) finds nothing wrong in the first rows."""
    sample = pq.ParquetFile(scale_dir / f"{table}.parquet").iter_batches(batch_size=2_000)
    rows = next(sample).to_pylist()
    raw = RawTable(list(rows[0]), [(i + 2, list(r.values())) for i, r in enumerate(rows)], "parquet")
    known = {
        t: set(sdb.query(f"SELECT DISTINCT {c} FROM {t}")[c])
        for t, c in (
            ("districts", "district_id"),
            ("survey_questions", "question_id"),
            ("social_accounts", "account_id"),
            ("star_chamber_meetings", "meeting_id"),
        )
    }
    # validate() sees a null in a nullable reference column (a force-wide account's district) as the
    # text "nan" under pandas 3 and rejects it; test_references_resolve checks those columns instead.
    for col in schema.TABLES[table].columns:
        if col.nullable and col.name in REFERENCES:
            known.pop(REFERENCES[col.name], None)
    q = sdb.query("SELECT question_id, answers FROM survey_questions")
    answers = {k: set(v) for k, v in zip(q["question_id"], q["answers"], strict=True)}
    result = validate(raw, table, auto_mapping(raw.columns, table), known=known, answers=answers)
    assert result.problems == []
    assert len(result.valid) == len(rows)


def test_generation_is_deterministic_to_the_byte(tmp_path):
    args = ["--events", "20000", "--survey-rows", "10000", "--seed", "5"]
    for name in ("a", "b"):
        subprocess.run([sys.executable, "-m", "analytics.scale", "--out", str(tmp_path / name), *args], check=True)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert scale.MARKER in files and len(files) == len(schema.TABLES) + 1
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    marker = json.loads((tmp_path / "a" / scale.MARKER).read_text())
    assert marker["synthetic"] is True and marker["seed"] == 5 and marker["contract"] == schema.CONTRACT_VERSION
    assert marker["rows"]["engagement_events"] == 20_000 and marker["rows"]["survey_responses"] == 10_000
    assert scale.is_scale(tmp_path / "a")
    assert not list(tmp_path.glob(".scale-*")), "the temporary build folder is left behind"


def test_another_seed_gives_other_data(tmp_path, scale_dir):
    scale.write_scale(tmp_path / "other", events=EVENTS, survey_rows=SURVEY_ROWS, seed=SEED + 1)
    a = pd.read_parquet(scale_dir / "survey_responses.parquet", columns=["answer"])
    b = pd.read_parquet(tmp_path / "other" / "survey_responses.parquet", columns=["answer"])
    assert not a["answer"].equals(b["answer"])


def test_survey_rows_must_be_whole_interviews(tmp_path):
    with pytest.raises(ValueError, match="multiple of 5"):
        scale.write_scale(tmp_path / "x", events=1_000, survey_rows=12)
    assert not (tmp_path / "x").exists()


def test_the_app_opens_on_scale_data_and_says_it_is_synthetic(scale_dir, sdb, monkeypatch):
    import streamlit as st

    from tests.app_runner import run_app, texts

    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(scale_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = run_app({"district": "all"})
        assert not at.exception, at.exception
        assert "Synthetic scale data" in texts(at)
        every = set(sdb.query("SELECT district_id FROM districts")["district_id"])
        assert len(every) > 200
        assert set(at.multiselect(key="w_district").value) == every
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
