"""The engine file (sorted DuckDB copy of the large tables, with the survey rollup) gives the same
answers as the Parquet files it was built from, goes stale when they change, and keeps the lockdown."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics.engagement import activity
from analytics.social import figures as social
from analytics.social import posts
from analytics.stats import SuppressionRule
from analytics.storage import engine
from analytics.storage import parquet as store
from analytics.storage.db import Database
from analytics.survey import measures, overview, trends


@pytest.fixture(scope="module")
def pair(demo_dir):
    fast, plain = Database(demo_dir), Database(demo_dir, use_engine=False)
    assert fast.engine is not None and plain.engine is None
    yield fast, plain
    fast.close()
    plain.close()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, rtol=1e-9)


@pytest.mark.parametrize("question", ["police_job", "feel_informed", "seen_officer"])
def test_survey_figures_are_the_same_from_the_rollup(pair, question):
    fast, plain = pair
    ids = ["harlow", "southend", "tendring"]
    for by, districts in [((), None), ((), ids), (("district_id",), None), (("age_band",), ids)]:
        _same(
            measures.positive_sums(fast, question, date(2016, 4, 1), date(2026, 7, 1), by, districts),
            measures.positive_sums(plain, question, date(2016, 4, 1), date(2026, 7, 1), by, districts),
        )
    rule = SuppressionRule()
    _same(
        trends.district_trends(fast, question, date(2018, 4, 1), date(2022, 1, 1), ids, True, rule),
        trends.district_trends(plain, question, date(2018, 4, 1), date(2022, 1, 1), ids, True, rule),
    )
    _same(
        overview.district_comparison(fast, question, date(2020, 4, 1), ids, rule),
        overview.district_comparison(plain, question, date(2020, 4, 1), ids, rule),
    )


def test_the_rollup_really_is_used_and_is_smaller(pair, raw):
    fast, _ = pair
    rows = int(fast.query("SELECT count(*) AS n FROM survey_quarter_sums")["n"].iloc[0])
    assert 0 < rows < len(raw("survey_responses")) / 10
    # Its totals are the responses' totals (computed here with pandas).
    r = raw("survey_responses")
    sums = fast.query("SELECT sum(n) AS n, sum(sum_w) AS w FROM survey_quarter_sums")
    assert int(sums["n"].iloc[0]) == len(r)
    assert float(sums["w"].iloc[0]) == pytest.approx(r["weight"].sum(), rel=1e-12)


def test_the_event_rollups_are_stored_and_hold_every_event(pair, raw):
    fast, plain = pair
    stored = fast.query("SELECT table_name FROM duckdb_tables() WHERE database_name = 'engine'")["table_name"]
    assert set(engine.ROLLUPS) <= set(stored), "every rollup is in the engine file"
    ev = raw("engagement_events")
    for db in (fast, plain):
        sums = db.query(
            "SELECT sum(events) AS n, sum(located) AS located, sum(attendance) AS attendance FROM event_quarter_sums"
        ).iloc[0]
        assert int(sums["n"]) == len(ev) and int(sums["located"]) == ev["lat"].notna().sum()
        assert int(sums["attendance"]) == ev["attendance"].sum()
        # Per town and month, the last face-to-face event held (computed here with pandas).
        towns = db.query("SELECT district_id, town, month_start, last_at FROM event_town_months")
        f2f = ev[(ev["status"] == "held") & ~ev["online"] & ev["town"].notna()]
        last = f2f.groupby(["district_id", "town", f2f["start_at"].dt.to_period("M")])["start_at"].max()
        assert len(towns) == len(last)
        got = towns.set_index(["district_id", "town", pd.to_datetime(towns["month_start"]).dt.to_period("M")])
        assert (got["last_at"].sort_index() == last.sort_index()).all()


def test_event_figures_are_the_same_from_the_sorted_copy(pair):
    fast, plain = pair
    flt = activity.EventFilter(
        date(2019, 4, 1), date(2021, 1, 1), ("harlow", "southend", "basildon"), statuses=("held",)
    )
    for fn in (activity.district_summary, activity.activity_mix, activity.map_views):
        _same(fn(fast, flt), fn(plain, flt))
    (p_fast, n_fast), (p_plain, n_plain) = activity.map_points(fast, flt), activity.map_points(plain, flt)
    assert n_fast == n_plain
    _same(p_fast, p_plain)
    for as_of in (date(2021, 3, 31), date(2021, 4, 1), date(2020, 11, 17)):
        _same(
            activity.engagement_gaps(fast, flt.district_ids, as_of, 6),
            activity.engagement_gaps(plain, flt.district_ids, as_of, 6),
        )


def test_derived_columns_stay_out_of_the_contract_view(pair):
    from analytics.contract.schema import TABLES

    contract = [c.name for c in TABLES["engagement_events"].columns]
    keys = []
    for db in pair:
        assert list(db.query("SELECT * FROM engagement_events LIMIT 0").columns) == contract
        keyed = db.query("SELECT * FROM engagement_events_keyed ORDER BY event_id")
        assert list(keyed.columns) == [*contract, "sample_key"]
        keys.append(keyed[["event_id", "sample_key"]])
    _same(*keys)  # stored in the engine file, computed without it: the same keys


# MAX_POINTS small, so the demo's events are many times the sample. The margin: as the app has it (the query
# reads a slice of the keys), and so low that the slice holds too few and the query runs again in full.
@pytest.mark.parametrize("margin", [activity.SAMPLE_MARGIN, -3.0])
def test_map_sample_is_the_lowest_hashes_of_the_filter(pair, raw, monkeypatch, margin):
    monkeypatch.setattr(activity, "MAX_POINTS", 40)
    monkeypatch.setattr(activity, "SAMPLE_MARGIN", margin)
    ids = ("harlow", "southend", "basildon")
    flt = activity.EventFilter(date(2019, 4, 1), date(2022, 1, 1), ids, statuses=("held",))
    ev = raw("engagement_events")
    ev = ev[
        ev["district_id"].isin(ids)
        & (ev["status"] == "held")
        & ev["lat"].notna()
        & (ev["start_at"] >= pd.Timestamp(2019, 4, 1))
        & (ev["start_at"] < pd.Timestamp(2022, 4, 1))
    ]
    assert len(ev) > 10 * 40, "the filter holds many times the sample"
    # The reference: DuckDB's hash of each event id from pandas' rows, the lowest 40 (ties by id).
    con = duckdb.connect()
    keys = con.execute("SELECT unnest($ids) AS event_id", {"ids": list(ev["event_id"])}).df()
    keys["key"] = con.execute("SELECT hash(unnest($ids)) AS k", {"ids": list(ev["event_id"])}).df()["k"]
    want = list(keys.sort_values(["key", "event_id"])["event_id"].head(40))
    ran = []
    original = Database.query
    monkeypatch.setattr(
        Database, "query", lambda self, sql, params=None: ran.append(sql) or original(self, sql, params)
    )
    for db in pair:
        counts = activity.event_counts(db, flt)
        ran.clear()
        points, total = activity.map_points(db, flt, counts)
        assert total == len(ev)
        assert list(points["event_id"]) == want
        # The slice alone; or, when it held too few, the slice and then the full query.
        assert ["sample_key <" in sql for sql in ran] == ([True] if margin > 0 else [True, False])


def test_social_figures_are_the_same_from_the_sorted_copy(pair):
    fast, plain = pair
    period = social.Period(date(2024, 10, 1), date(2026, 7, 1), ("harlow", "colchester"), ("Facebook", "X"))
    for by in ("reach", "engagement_rate"):
        _same(posts.top_posts(fast, period, by), posts.top_posts(plain, period, by))


def test_a_changed_table_makes_the_engine_stale_and_the_parquet_answers(demo_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    first = engine.current(folder)
    assert first is not None
    responses = store.read_table(folder, "survey_responses")
    store.write_table(folder, "survey_responses", responses.iloc[: len(responses) // 2])
    assert engine.current(folder) is None, "an engine built from other files is never used"
    db = Database(folder)
    assert db.engine is None
    assert int(db.query("SELECT sum(n) AS n FROM survey_quarter_sums")["n"].iloc[0]) == len(responses) // 2
    rebuilt = engine.build(folder)
    assert rebuilt != first and rebuilt.exists() and not first.exists(), "the old file is removed"
    assert not list((folder / engine.ENGINE_DIR).glob("*.building"))
    db2 = Database(folder)
    assert db2.engine == rebuilt
    assert int(db2.query("SELECT sum(n) AS n FROM survey_quarter_sums")["n"].iloc[0]) == len(responses) // 2


def test_the_lockdown_holds_with_the_engine_attached(pair, demo_dir):
    fast, _ = pair
    for sql in (
        "SELECT * FROM read_parquet('/etc/passwd')",
        f"SELECT * FROM read_parquet('{demo_dir.parent}/*.parquet')",
        "ATTACH '/tmp/x.duckdb' AS x",
        "DETACH engine",
        "SET enable_external_access = true",
    ):
        with pytest.raises((duckdb.Error, ValueError)):
            fast.query(sql)
    # The engine is attached read-only: even a statement that slipped past the read-only wall could not write.
    assert fast.query("SELECT readonly FROM duckdb_databases() WHERE database_name = 'engine'")["readonly"].iloc[0]


def test_an_import_rebuilds_the_engine_for_the_new_data(demo_dir, tmp_path):
    import time

    from analytics.ingest import pipeline
    from tests.ingest.test_ingest import check

    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    before = engine.current(folder)
    raw = b"concern_id,district_id,raised_on,theme,summary\nNEW-1,harlow,2026-05-01,Other,Parking on verges\n"
    analysis = check(folder, raw, "concerns.csv", "engagement_concerns")
    assert pipeline.commit(folder, analysis, raw, "tester", "admin").written
    deadline = time.monotonic() + 60
    while engine.current(folder) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    after = engine.current(folder)
    assert after is not None and after != before
    db = Database(folder)
    assert db.engine == after
    assert db.query("SELECT summary FROM engagement_concerns WHERE concern_id = 'NEW-1'")["summary"].tolist() == [
        "Parking on verges"
    ]


def test_an_engine_file_gone_before_it_is_attached_falls_back_to_parquet(demo_dir, monkeypatch, tmp_path):
    # Another process's rebuild can remove the file between finding it and attaching it.
    monkeypatch.setattr(engine, "current", lambda _dir: tmp_path / "gone.duckdb")
    db = Database(demo_dir)
    assert db.engine is None
    assert int(db.query("SELECT count(*) AS n FROM survey_quarter_sums")["n"].iloc[0]) > 0


def test_a_killed_build_leaves_nothing_behind_after_the_next(demo_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    shutil.rmtree(folder / engine.ENGINE_DIR)
    (folder / engine.ENGINE_DIR / ".spill").mkdir(parents=True)
    (folder / engine.ENGINE_DIR / ".abc.999.building").write_bytes(b"half")
    (folder / engine.ENGINE_DIR / ".abc.999.building.wal").write_bytes(b"half")
    built = engine.build(folder)
    assert built is not None and built.exists()
    leftovers = [p.name for p in (folder / engine.ENGINE_DIR).iterdir() if p != built]
    assert leftovers == []


def test_a_failed_background_build_is_not_retried_on_every_run(demo_dir, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    shutil.rmtree(folder / engine.ENGINE_DIR)
    calls = []

    def failing(_dir):
        calls.append(1)
        raise OSError("read-only file system")

    monkeypatch.setattr(engine, "build", failing)
    monkeypatch.setattr(engine, "_failed", {})
    thread = engine.build_in_background(folder)
    thread.join(10)
    assert calls == [1]
    assert engine.build_in_background(folder) is None, "not retried straight away"
    assert calls == [1]


def test_survey_quarters_are_the_same_from_the_rollup(pair):
    fast, plain = pair
    assert measures.survey_quarters(fast) == measures.survey_quarters(plain)
    assert len(measures.survey_quarters(fast)) == 42


def test_the_positive_rollup_is_every_answer_counted_as_the_questions_say(pair, raw):
    fast, plain = pair
    r, q = raw("survey_responses"), raw("survey_questions").set_index("question_id")
    keep = ~(r["question_id"].map(q["exclude_dont_know"]).fillna(False).astype(bool) & (r["answer"] == "Don't know"))
    r = r[keep].assign(quarter_start=pd.to_datetime(r["interview_date"]).dt.to_period("Q").dt.start_time.dt.date)
    positive = [a in q.at[qid, "positive_answers"] for qid, a in zip(r["question_id"], r["answer"], strict=True)]
    r = r.assign(w2=r["weight"] ** 2, w_pos=r["weight"].where(positive, 0.0))
    sums = {"n": ("weight", "size"), "sum_w": ("weight", "sum"), "sum_w2": ("w2", "sum"), "sum_w_pos": ("w_pos", "sum")}
    by_district = r.groupby(["question_id", "district_id", "quarter_start"], as_index=False).agg(**sums)
    force = r.groupby(["question_id", "quarter_start"], as_index=False).agg(**sums)
    sql = "SELECT * FROM survey_quarter_positive WHERE district_id {} ORDER BY question_id, district_id, quarter_start"
    for db in (fast, plain):
        got = db.query(sql.format("IS NOT NULL")).assign(n=lambda d: d["n"].astype("int64"))
        got["quarter_start"] = pd.to_datetime(got["quarter_start"]).dt.date
        _same(got[by_district.columns], by_district.sort_values(["question_id", "district_id", "quarter_start"]))
        got = db.query(sql.format("IS NULL")).assign(n=lambda d: d["n"].astype("int64"))
        got["quarter_start"] = pd.to_datetime(got["quarter_start"]).dt.date
        _same(got[force.columns], force.sort_values(["question_id", "quarter_start"]))


def test_a_changed_question_makes_the_engine_stale(demo_dir, tmp_path):
    """The positive rollup counts answers as the questions say: new positive answers need a new file."""
    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    before = engine.fingerprint(copy)
    questions = pd.read_parquet(copy / "survey_questions.parquet")
    questions.loc[0, "positive_answers"] = [questions.loc[0, "answers"][0]]
    questions.to_parquet(copy / "survey_questions.parquet")
    assert engine.fingerprint(copy) != before
    assert engine.current(copy) is None


def test_plan_delivery_is_the_same_from_the_rollups(pair):
    """Tell lines count concerns told back and tagged posts from their quarterly rollups with the engine file,
    and from views computing the same rows without it."""
    from analytics.plans import delivery

    fast, plain = pair
    ids = list(fast.query("SELECT district_id FROM districts ORDER BY district_id")["district_id"])
    pairs = [(d, q) for d in ids for q in (date(2020, 4, 1), date(2025, 10, 1), date(2026, 4, 1))]
    got = delivery.line_delivery(fast, pairs)
    assert got["what"].isin(["Newsletter", "Meeting", "Social post"]).any() and got["delivered"].sum() > 0
    _same(got, delivery.line_delivery(plain, pairs))


def test_an_answer_without_a_district_counts_once_in_the_force(tmp_path):
    """The contract never leaves an answer's district empty, but a file put straight into the folder might:
    the positive rollup's force rows (district NULL) must not take such an answer twice."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE survey_responses AS SELECT * FROM (VALUES ('q', NULL, DATE '2025-04-02', 'Yes', 1.0),"
        " ('q', 'a', DATE '2025-04-03', 'Yes', 2.0)) t(question_id, district_id, interview_date, answer, weight)"
    )
    con.execute(
        "CREATE TABLE survey_questions AS SELECT 'q' AS question_id, ['Yes'] AS positive_answers,"
        " false AS exclude_dont_know"
    )
    for name in (engine.ROLLUP, engine.FORCE_ROLLUP, engine.POSITIVE_ROLLUP):
        view = f"CREATE VIEW {name} AS {engine.ROLLUPS[name][1]}"  # constant names and SQL
        con.execute(view)
    force = con.execute("SELECT n, sum_w FROM survey_quarter_positive WHERE district_id IS NULL").fetchall()
    assert force == [(2, 3.0)]


def test_a_changed_rollup_gives_a_new_engine_file(demo_dir, monkeypatch):
    before = engine.fingerprint(demo_dir)
    name, (source, select) = next(iter(engine.ROLLUPS.items()))
    monkeypatch.setitem(engine.ROLLUPS, name, (source, select.replace("count(*)", "count(*) + 0")))
    assert engine.fingerprint(demo_dir) != before
