"""Data tests on the generated demo set: contract, keys, enums, ranges, determinism."""

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analytics import demo
from analytics.contract import schema
from analytics.demo.spec import load_spec
from analytics.storage import parquet as store
from tests.conftest import BOUNDARIES


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_table_matches_contract(demo_dir, table):
    spec = schema.TABLES[table]
    pf = pq.ParquetFile(demo_dir / f"{table}.parquet")
    assert pf.schema_arrow.names == list(spec.column_names)
    assert pf.schema_arrow == store.arrow_schema(spec)


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_keys_unique_enums_valid_ranges_respected(raw, table):
    spec = schema.TABLES[table]
    df = raw(table)
    assert len(df) > 0
    assert not df.duplicated(list(spec.key)).any(), f"{table}: duplicate key"
    for col in spec.columns:
        values = df[col.name]
        if not col.nullable:
            assert values.notna().all(), f"{table}.{col.name} has nulls"
        if col.enum:
            bad = set(values.dropna()) - set(col.enum)
            assert not bad, f"{table}.{col.name}: {bad}"
        if col.minimum is not None:
            assert (values.dropna() >= col.minimum).all(), f"{table}.{col.name} below minimum"
        if col.maximum is not None:
            assert (values.dropna() <= col.maximum).all(), f"{table}.{col.name} above maximum"


@pytest.mark.parametrize("table", [t for t in schema.TABLES.values() if t.date_column])
def test_files_sorted_by_date(raw, table):
    col = raw(table.name)[table.sort_by[0]]
    assert col.is_monotonic_increasing


def test_references_resolve(raw):
    districts = set(raw("districts")["district_id"])
    for table in ("survey_responses", "engagement_events", "engagement_concerns", "map_views", "star_chamber_meetings"):
        assert set(raw(table)["district_id"]) <= districts, table
    events = set(raw("engagement_events")["event_id"])
    assert set(raw("engagement_concerns")["event_id"].dropna()) <= events
    accounts = set(raw("social_accounts")["account_id"])
    assert set(raw("social_monthly")["account_id"]) <= accounts
    assert set(raw("social_posts")["account_id"]) <= accounts
    meetings = set(raw("star_chamber_meetings")["meeting_id"])
    assert set(raw("star_chamber_actions")["meeting_id"]) <= meetings


def test_answers_are_each_questions_own_labels(raw):
    q = raw("survey_questions").set_index("question_id")
    r = raw("survey_responses")
    for qid, group in r.groupby("question_id"):
        assert set(group["answer"]) <= set(q.loc[qid, "answers"]), qid
        assert set(q.loc[qid, "positive_answers"]) <= set(q.loc[qid, "answers"])


def test_question_ids_and_labels_as_contract(raw):
    q = raw("survey_questions")
    assert list(q["question_id"]) == [
        "police_job",
        "understand_issues",
        "feel_informed",
        "have_your_say",
        "seen_officer",
    ]
    row = q.set_index("question_id").loc["feel_informed"]
    assert list(row["answers"]) == [
        "Very well informed",
        "Fairly well informed",
        "Not very well informed",
        "Not at all informed",
        "Don't know",
    ]


def test_event_counts_agree_with_the_concerns_ledger(raw):
    ev = raw("engagement_events").set_index("event_id")
    c = raw("engagement_concerns")
    at_events = c[c["event_id"].notna()]
    raised = at_events.groupby("event_id").size().reindex(ev.index, fill_value=0)
    acted = at_events[at_events["action_taken"].notna()].groupby("event_id").size().reindex(ev.index, fill_value=0)
    assert (raised == ev["concerns_raised"]).all()
    assert (acted == ev["actions_taken"]).all()
    assert (c["told_on"].dropna() >= c.loc[c["told_on"].notna(), "action_on"]).all()


def test_districts_carry_ons_codes_that_join_to_real_boundaries(raw):
    d = raw("districts").set_index("district_id")
    assert set(d.loc["braintree_uttlesford", "lad_codes"]) == {"E07000067", "E07000077"}
    codes = [c for codes in d["lad_codes"] for c in codes]
    assert len(codes) == len(set(codes)) == 14
    real = {f["properties"]["LAD24CD"] for f in json.loads(BOUNDARIES.read_text())["features"]}
    assert set(codes) == real


def test_generation_is_deterministic_and_marked_synthetic(tmp_path):
    spec = load_spec()
    a = demo.build_tables(spec, seed=7)
    b = demo.build_tables(spec, seed=7)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    c = demo.build_tables(spec, seed=8)
    assert not a["survey_responses"]["answer"].equals(c["survey_responses"]["answer"])


def test_written_demo_is_marked_synthetic(demo_dir):
    assert store.is_synthetic(demo_dir)
    assert demo.demo_info(demo_dir)["synthetic"] is True
    assert not store.is_synthetic(demo_dir.parent)


def test_demo_written_for_an_older_contract_is_regenerated(demo_dir, tmp_path):
    import json
    import shutil
    import subprocess
    import sys

    old = tmp_path / "demo"
    shutil.copytree(demo_dir, old)
    assert demo.is_current(old)
    marker = old / demo.MARKER
    marker.write_text(json.dumps(json.loads(marker.read_text()) | {"contract": "0"}))
    assert not demo.is_current(old)
    command = [sys.executable, "-m", "analytics.demo", str(old), "--if-missing"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    assert demo.is_current(old)
    # `make run` is not silent while it generates (the line comes first, before the seconds it takes) ...
    assert out.startswith(f"Generating the synthetic demo data into {old} (a few seconds)...\n"), out
    assert "synthetic demo data written" in out
    # ... and says nothing when the data is already there.
    assert subprocess.run(command, check=True, capture_output=True, text=True).stdout == ""


def _actions_with_meeting_dates(raw) -> pd.DataFrame:
    meetings = raw("star_chamber_meetings")[["meeting_id", "meeting_date"]]
    actions = raw("star_chamber_actions").merge(meetings, on="meeting_id")
    actions["set_on"] = pd.to_datetime(actions["meeting_date"])
    return actions


def test_no_district_is_set_the_same_action_three_times(raw):
    actions = _actions_with_meeting_dates(raw)
    times = actions.groupby(["district_id", "text"]).size()
    assert times.max() <= 2, times[times > 2].head().to_dict()
    per_meeting = actions.groupby(["meeting_id", "text"]).size()
    assert per_meeting.max() == 1, "one meeting never sets the same action twice"


def test_star_chamber_actions_close_within_the_year_and_none_stays_open_for_years(raw):
    actions = _actions_with_meeting_dates(raw)
    as_at = pd.Timestamp(load_spec()["as_at"])
    closed = actions["status"].isin(["complete", "dropped"])
    took = (pd.to_datetime(actions["updated_at"]) - actions["set_on"]).dt.days
    # Of the actions set a year or more before the data's date, most were closed within a year.
    year_old = actions["set_on"] <= as_at - pd.Timedelta(days=365)
    assert (closed & (took <= 365))[year_old].mean() >= 0.9
    # At each district's last meeting the open actions are months old, never years: some are carried forward.
    last_meeting = actions.groupby("district_id")["set_on"].transform("max")
    open_age = (last_meeting - actions["set_on"]).dt.days[~closed]
    assert open_age.max() < 365, f"an open action was set {open_age.max()} days before the last meeting"
    assert open_age.max() >= 90, "a working force carries a few actions forward for some months"
    assert ((pd.to_datetime(actions["due_date"]) < last_meeting) & ~closed).sum() >= 1, "some are overdue"
