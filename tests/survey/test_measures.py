"""Survey measures recomputed with pandas from the raw Parquet (the independent path)."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.survey import measures
from tests.reference import reference


@pytest.mark.parametrize(
    ("qid", "q_from", "q_to", "by", "districts"),
    [
        ("police_job", date(2018, 4, 1), date(2019, 1, 1), (), None),
        ("feel_informed", date(2019, 4, 1), date(2020, 4, 1), ("district_id",), None),
        ("understand_issues", date(2024, 7, 1), date(2026, 7, 1), ("district_id",), ["harlow", "thurrock"]),
        ("seen_officer", date(2020, 1, 1), date(2020, 7, 1), ("district_id", "age_band"), ["colchester"]),
        ("have_your_say", date(2022, 4, 1), date(2022, 4, 1), ("lad_code",), ["braintree_uttlesford"]),
        ("police_job", date(2023, 4, 1), date(2023, 4, 1), ("ethnic_group",), None),
    ],
)
def test_estimates_match_pandas(db, raw, qid, q_from, q_to, by, districts):
    got = measures.estimates_of(db, [qid], q_from, q_to, by=by, district_ids=districts)
    want = reference(raw, qid, q_from, q_to, by, districts)
    keys = ["quarter_start", *by]
    merged = want.merge(got, on=keys, how="outer", suffixes=("_ref", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), "same groups on both paths"
    hidden = merged["pct_ref"].isna()
    assert (merged.loc[~hidden, "n_ref"] == merged.loc[~hidden, "n"]).all()
    assert merged.loc[hidden, "n"].isna().all(), "a hidden value's exact base is hidden too"
    assert merged.loc[hidden & (merged["n_ref"] < 50), "base_text"].eq("under 50").all()
    np.testing.assert_allclose(merged["pct_ref"], merged["pct"], atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(merged["lo"], merged["ci_low"], atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(merged["hi"], merged["ci_high"], atol=1e-9, equal_nan=True)
    shown = merged["pct"].dropna()
    assert shown.between(0, 100).all()


def test_small_cells_are_blanked_at_the_source(db):
    got = measures.estimates_of(db, ["police_job"], date(2023, 4, 1), date(2023, 4, 1), by=["ethnic_group"])
    small = got[got["base_status"] == "suppressed"]
    assert len(small) > 0, "the demo has small demographic cells"
    assert small["n"].isna().all() and small["base_text"].str.startswith("under").all()
    assert small[["pct", "ci_low", "ci_high", "n_eff"]].isna().all().all()
    assert not {"sum_w", "sum_w2", "sum_w_pos"} & set(got.columns), "raw sums never leave the analytics layer"
    assert (small["base_status"] == "suppressed").all()
    flagged = got[(got["n"] >= 50) & (got["n"] < 100)]
    assert (flagged["base_status"] == "low base").all()


def test_breakdown_identifiers_come_from_the_whitelist(db):
    with pytest.raises(ValueError, match="not one of"):
        measures.positive_sums(db, "police_job", date(2020, 4, 1), date(2020, 4, 1), by=["answer; DROP TABLE x"])


def test_unknown_question_gives_empty_result(db):
    got = measures.estimates_of(db, ["no_such_question"], date(2020, 4, 1), date(2020, 4, 1))
    assert got.empty


def test_dont_know_excluded_when_the_question_says_so(demo_dir, tmp_path):
    import shutil

    from analytics.storage import parquet as store
    from analytics.storage.db import Database

    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    q = pd.read_parquet(copy / "survey_questions.parquet")
    q.loc[q["question_id"] == "police_job", "exclude_dont_know"] = True
    store.write_table(copy, "survey_questions", q)
    got = measures.estimates_of(Database(copy), ["police_job"], date(2020, 4, 1), date(2020, 4, 1)).iloc[0]
    raw = lambda t: pd.read_parquet(copy / f"{t}.parquet")  # noqa: E731
    want = reference(raw, "police_job", date(2020, 4, 1), date(2020, 4, 1)).iloc[0]
    with_dk = reference(raw, "police_job", date(2020, 4, 1), date(2020, 4, 1), exclude_dont_know=False).iloc[0]
    assert got["n"] == want["n"] < with_dk["n"]
    assert got["pct"] == pytest.approx(want["pct"], abs=1e-9)
    assert not math.isclose(want["pct"], with_dk["pct"])


def test_missing_exclude_flag_keeps_dont_know(demo_dir, tmp_path):
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    from analytics.storage.db import Database

    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    table = pq.read_table(copy / "survey_questions.parquet")
    flags = pa.array([None] * table.num_rows, type=pa.bool_())
    pq.write_table(
        table.set_column(table.schema.get_field_index("exclude_dont_know"), "exclude_dont_know", flags),
        copy / "survey_questions.parquet",
    )
    nulls = measures.estimates_of(Database(copy), ["police_job"], date(2020, 4, 1), date(2020, 4, 1)).iloc[0]
    normal = measures.estimates_of(Database(demo_dir), ["police_job"], date(2020, 4, 1), date(2020, 4, 1)).iloc[0]
    assert nulls["n"] == normal["n"] and nulls["pct"] == pytest.approx(normal["pct"])


@pytest.mark.parametrize("engine", [True, False])
@pytest.mark.parametrize(
    ("qids", "by", "districts"),
    [
        (["police_job", "feel_informed", "seen_officer"], (), None),
        (["understand_issues", "have_your_say"], ("district_id",), ["harlow", "thurrock"]),
        (["police_job", "feel_informed"], ("age_band",), ["colchester"]),
    ],
)
def test_several_questions_at_once_match_pandas(demo_dir, raw, engine, qids, by, districts):
    from analytics.storage.db import Database

    db = Database(demo_dir, use_engine=engine)
    assert (db.engine is not None) == engine
    q_from, q_to = date(2024, 4, 1), date(2025, 4, 1)
    got = measures.positive_sums_of(db, qids, q_from, q_to, by, districts)
    assert sorted(got["question_id"].unique()) == sorted(qids)
    for qid in qids:
        one = got[got["question_id"] == qid].drop(columns="question_id").reset_index(drop=True)
        want = reference(raw, qid, q_from, q_to, by, districts)
        merged = want.merge(one, on=["quarter_start", *by], how="outer", suffixes=("_ref", ""), indicator=True)
        assert (merged["_merge"] == "both").all(), qid
        assert (merged["n_ref"] == merged["n"]).all()
        np.testing.assert_allclose(merged["sw"], merged["sum_w"], rtol=1e-9)
        np.testing.assert_allclose(merged["swp"], merged["sum_w_pos"], rtol=1e-9)
    # The estimates from one query for every question, against the pandas reference per question.
    tiles = measures.estimates_of(db, qids, q_from, q_to)
    for qid in qids:
        got = tiles[tiles["question_id"] == qid]
        want = reference(raw, qid, q_from, q_to)
        merged = want.merge(got, on="quarter_start", how="outer", suffixes=("_ref", ""), indicator=True)
        assert (merged["_merge"] == "both").all() and (merged["n_ref"] == merged["n"]).all(), qid
        np.testing.assert_allclose(merged["pct_ref"], merged["pct"], atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(merged["lo"], merged["ci_low"], atol=1e-9, equal_nan=True)


@pytest.mark.parametrize("engine", [True, False])
@pytest.mark.parametrize(
    ("q_from", "districts"),
    [
        (date(2024, 4, 1), ["harlow", "thurrock"]),
        (date(2025, 4, 1), ["colchester"]),
        (date(2024, 4, 1), []),
        (date(2024, 4, 1), None),  # every district (a funnel, a map): no list sent
    ],
)
# A long list of districts is looked up by hashing, a short one item by item: 0 sends every list the long way.
@pytest.mark.parametrize("short_list", [measures._SHORT_LIST, 0])
def test_district_and_force_sums_from_one_query_match_pandas(
    demo_dir, raw, engine, q_from, districts, short_list, monkeypatch
):
    from analytics.storage.db import Database

    monkeypatch.setattr(measures, "_SHORT_LIST", short_list)
    db = Database(demo_dir, use_engine=engine)
    qids, q_to = ["police_job", "feel_informed"], date(2025, 4, 1)
    by_district, force = measures.sums_with_force(db, qids, q_from, q_to, districts)
    every = set(raw("survey_responses")["district_id"].dropna())
    assert set(by_district["district_id"]) == (every if districts is None else set(districts)) and len(force) > 0
    assert districts is not None or len(every) > 5
    for qid in qids:
        for got, want, keys in (
            (
                by_district,
                reference(raw, qid, q_from, q_to, ("district_id",), districts),
                ["quarter_start", "district_id"],
            ),
            (force, reference(raw, qid, q_from, q_to), ["quarter_start"]),
        ):
            one = got[got["question_id"] == qid]
            merged = want.merge(one, on=keys, how="outer", suffixes=("_ref", ""), indicator=True)
            assert len(merged) == len(want) > 0 or not districts, qid
            assert (merged["_merge"] == "both").all(), qid
            assert (merged["n_ref"] == merged["n"]).all()
            np.testing.assert_allclose(merged["sw"], merged["sum_w"], rtol=1e-9)
            np.testing.assert_allclose(merged["sw2"], merged["sum_w2"], rtol=1e-9)
            np.testing.assert_allclose(merged["swp"], merged["sum_w_pos"], rtol=1e-9)
