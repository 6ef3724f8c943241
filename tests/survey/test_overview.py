"""Every Overview figure recomputed with pandas from the raw Parquet."""

from datetime import date

import numpy as np
import pytest

from analytics.periods import add_quarters
from analytics.survey import overview
from tests.reference import pooled_z_test, reference, spans_method_change


@pytest.mark.parametrize("quarter", [date(2026, 7, 1), date(2020, 4, 1), date(2019, 4, 1)])
def test_measure_tiles_match_pandas(db, raw, quarter):
    tiles = overview.measure_tiles(db, quarter).set_index("question_id")
    assert list(tiles.index) == list(raw("survey_questions")["question_id"])
    year_ago = add_quarters(quarter, -4)
    for qid, tile in tiles.iterrows():
        ref = reference(raw, qid, year_ago, quarter).set_index("quarter_start")
        now, before = ref.loc[quarter], ref.loc[year_ago]
        assert tile["n"] == now["n"]
        assert tile["pct"] == pytest.approx(now["pct"], abs=1e-9)
        assert tile["ci_low"] == pytest.approx(now["lo"], abs=1e-9)
        assert tile["ci_high"] == pytest.approx(now["hi"], abs=1e-9)
        assert tile["prev_pct"] == pytest.approx(before["pct"], abs=1e-9)
        if spans_method_change(raw, year_ago, quarter):
            # Across the survey's method change nothing is tested or given in points.
            assert tile["change"] == "not comparable" and np.isnan(tile["change_pts"]) and np.isnan(tile["p_value"])
            continue
        assert tile["change_pts"] == pytest.approx(now["pct"] - before["pct"], abs=1e-9)
        z, p = pooled_z_test(now["p"], now["neff"], before["p"], before["neff"])
        assert tile["p_value"] == pytest.approx(p, rel=1e-6, abs=1e-12)
        expected = "no significant change" if p >= 0.05 else ("improved" if z > 0 else "declined")
        assert tile["change"] == expected
        assert 0 <= tile["ci_low"] <= tile["pct"] <= tile["ci_high"] <= 100


def test_covid_quarter_is_not_compared_across_the_method_change_but_the_year_after_is(db):
    # Q1 2020/21 rose 16 to 22 points on Q1 2019/20, but the survey moved to the telephone in between.
    tiles = overview.measure_tiles(db, date(2020, 4, 1)).set_index("question_id")
    assert (tiles["change"] == "not comparable").all()
    after = overview.measure_tiles(db, date(2021, 7, 1)).set_index("question_id")
    assert after.loc["police_job", "change"] != "not comparable"


def test_first_quarter_has_no_comparison(db, raw):
    first = min(raw("survey_responses")["interview_date"])
    tiles = overview.measure_tiles(db, date(first.year, first.month, 1))
    assert (tiles["change"] == "not compared").all()
    assert tiles["pct"].notna().all()


@pytest.mark.parametrize(
    ("qid", "quarter"),
    [("police_job", date(2026, 7, 1)), ("feel_informed", date(2020, 4, 1)), ("seen_officer", date(2017, 1, 1))],
)
def test_district_comparison_matches_pandas(db, raw, qid, quarter):
    got = overview.district_comparison(db, qid, quarter).set_index("district_id")
    ref = reference(raw, qid, quarter, quarter, by=("district_id",)).set_index("district_id")
    force = reference(raw, qid, quarter, quarter).iloc[0]
    assert len(got) == 10
    for did, row in got.iterrows():
        r = ref.loc[did]
        assert row["n"] == r["n"]
        assert row["pct"] == pytest.approx(r["pct"], abs=1e-9)
        assert row["force_pct"] == pytest.approx(force["pct"], abs=1e-9)
        if r["lo"] > force["pct"]:
            assert row["comparison"] == "better"
        elif r["hi"] < force["pct"]:
            assert row["comparison"] == "worse"
        else:
            assert row["comparison"] == "similar"


def test_demo_has_districts_both_better_and_worse_than_force(db):
    got = overview.district_comparison(db, "police_job", date(2026, 7, 1))
    assert {"better", "worse", "similar"} <= set(got["comparison"])


def test_selected_flag_and_suppressed_district(db, monkeypatch):
    from analytics.stats import SuppressionRule

    got = overview.district_comparison(db, "police_job", date(2026, 7, 1), ["harlow"], SuppressionRule(250, 300))
    assert got["selected"].sum() == 1
    assert (got["base_status"] == "suppressed").all()
    assert got["pct"].isna().all()
    assert (got["comparison"] == "not shown (base under threshold)").all()
