"""Every figure on the Confidence trends page recomputed with pandas from the raw Parquet."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.periods import add_quarters
from analytics.stats import funnel_limits
from analytics.survey import reading as trend_reading
from analytics.survey import trends
from tests.reference import Z, pooled_z_test, spans_method_change

DISTRICTS = ["harlow", "southend", "colchester"]


def pooled_reference(raw, qid, q_from, q_to, districts=None, window=1, by=None) -> pd.DataFrame:
    """pandas: weighted % per (series, period), pooling ``window`` quarters ending at each period."""
    r = raw("survey_responses")
    q = raw("survey_questions").set_index("question_id").loc[qid]
    r = r[r["question_id"] == qid].copy()
    r["qs"] = pd.to_datetime(r["interview_date"]).dt.to_period("Q").dt.start_time.dt.date
    r["pos"] = r["answer"].isin(list(q["positive_answers"])) * r["weight"]
    r["w2"] = r["weight"] ** 2
    rows = []
    quarter = q_from
    while quarter <= q_to:
        first = add_quarters(quarter, 1 - window)
        part = r[(r["qs"] >= first) & (r["qs"] <= quarter)]
        groups = {"__force__": part} if by is None else dict(tuple(part.groupby(by)))
        if by is None and districts:
            groups |= {d: part[part["district_id"] == d] for d in districts}
        for key, g in groups.items():
            if g.empty:
                continue
            sw, sw2 = g["weight"].sum(), g["w2"].sum()
            p, neff = g["pos"].sum() / sw, sw * sw / sw2
            centre = (p + Z**2 / (2 * neff)) / (1 + Z**2 / neff)
            half = Z / (1 + Z**2 / neff) * np.sqrt(p * (1 - p) / neff + Z**2 / (4 * neff**2))
            rows.append(
                {
                    "key": key,
                    "quarter_start": quarter,
                    "n": len(g),
                    "p": p,
                    "neff": neff,
                    "pct": 100 * p,
                    "lo": 100 * (centre - half),
                    "hi": 100 * (centre + half),
                }
            )
        quarter = add_quarters(quarter, 1)
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("qid", "q_from", "q_to", "pooled"),
    [
        ("police_job", date(2019, 4, 1), date(2020, 10, 1), False),
        ("feel_informed", date(2019, 4, 1), date(2021, 1, 1), True),
        ("understand_issues", date(2024, 4, 1), date(2026, 7, 1), False),
    ],
)
def test_district_trends_match_pandas(db, raw, qid, q_from, q_to, pooled):
    window = 4 if pooled else 1
    got = trends.district_trends(db, qid, q_from, q_to, DISTRICTS, pooled).set_index(["series_id", "quarter_start"])
    ref = pooled_reference(raw, qid, add_quarters(q_from, -4), q_to, DISTRICTS, window)
    ref = ref.set_index(["key", "quarter_start"])
    assert len(got) == 4 * len(range(len(pd.period_range(q_from, q_to, freq="Q"))))
    for (series, quarter), row in got.iterrows():
        want = ref.loc[(series, quarter)]
        assert row["n"] == want["n"]
        assert row["pct"] == pytest.approx(want["pct"], abs=1e-9)
        assert row["ci_low"] == pytest.approx(want["lo"], abs=1e-9)
        year = ref.loc[(series, add_quarters(quarter, -4))]
        if spans_method_change(raw, add_quarters(quarter, -3 - window), quarter):
            assert row["change_year"] == "not comparable" and np.isnan(row["p_year"]), "untested across the change"
            continue
        z, p = pooled_z_test(want["p"], want["neff"], year["p"], year["neff"])
        assert row["p_year"] == pytest.approx(p, rel=1e-6, abs=1e-12)
        expected = "no significant change" if p >= 0.05 else ("improved" if z > 0 else "declined")
        assert row["change_year"] == expected
        if pooled:
            assert row["change_quarter"] == "not compared", "overlapping rolling years are not tested"
        else:
            prev = ref.loc[(series, add_quarters(quarter, -1))]
            if spans_method_change(raw, add_quarters(quarter, -1), quarter):
                assert row["change_quarter"] == "not comparable" and np.isnan(row["p_quarter"])
                continue
            _, p_prev = pooled_z_test(want["p"], want["neff"], prev["p"], prev["neff"])
            assert row["p_quarter"] == pytest.approx(p_prev, rel=1e-6, abs=1e-12)


def test_method_change_starts_a_new_segment(db):
    got = trends.district_trends(db, "police_job", date(2019, 10, 1), date(2020, 7, 1), ["harlow"])
    force = got[got["kind"] == "force"].set_index("quarter_start")["segment"]
    assert force[date(2020, 1, 1)] < force[date(2020, 4, 1)] == force[date(2020, 7, 1)]


def test_answer_distribution_matches_pandas_and_positives_make_the_headline(db, raw):
    got = trends.answer_distribution(db, "feel_informed", date(2020, 1, 1), date(2020, 4, 1), "harlow")
    r = raw("survey_responses")
    r = r[(r["question_id"] == "feel_informed") & (r["district_id"] == "harlow")]
    r["qs"] = pd.to_datetime(r["interview_date"]).dt.to_period("Q").dt.start_time.dt.date
    for (quarter, answer), row in got.set_index(["quarter_start", "answer"]).iterrows():
        part = r[r["qs"] == quarter]
        share = 100 * part.loc[part["answer"] == answer, "weight"].sum() / part["weight"].sum()
        assert row["share"] == pytest.approx(share, abs=1e-9)
    headline = trends.district_trends(db, "feel_informed", date(2020, 4, 1), date(2020, 4, 1), ["harlow"])
    harlow = headline[headline["series_id"] == "harlow"]["pct"].iloc[0]
    right = got[(got["quarter_start"] == date(2020, 4, 1)) & (got["side"] == "positive")]["x_end"].max()
    assert right == pytest.approx(harlow, abs=1e-9)
    for _, period in got.groupby("quarter_start"):
        assert period["share"].sum() == pytest.approx(100, abs=1e-9)


def test_funnel_matches_pandas_and_limits(db, raw):
    quarter = date(2026, 7, 1)
    points, limits = trends.funnel(db, "police_job", quarter)
    ref = pooled_reference(raw, "police_job", quarter, quarter, list(points["series_id"])).set_index("key")
    force = ref.loc["__force__"]
    for _, row in points.iterrows():
        want = ref.loc[row["series_id"]]
        assert row["pct"] == pytest.approx(want["pct"], abs=1e-9)
        lo95, hi95 = funnel_limits(force["p"], want["neff"], 0.95)
        lo998, hi998 = funnel_limits(force["p"], want["neff"], 0.998)
        p = want["p"]
        expected = (
            "above 99.8% limit"
            if p > hi998
            else "above 95% limit"
            if p > hi95
            else "below 99.8% limit"
            if p < lo998
            else "below 95% limit"
            if p < lo95
            else "within limits"
        )
        assert row["position"] == expected, row["series_name"]
    assert set(limits["level"]) == {"95%", "99.8%"}
    assert (limits["lower"] < force["pct"]).all() and (limits["upper"] > force["pct"]).all()


@pytest.mark.parametrize("dimension", ["age_band", "sex", "ethnic_group"])
def test_demographic_breakdown_matches_pandas(db, raw, dimension):
    quarter = date(2025, 1, 1)
    got = trends.demographic_breakdown(db, "police_job", quarter, dimension, "colchester").set_index("category")
    r = raw("survey_responses")
    r = r[(r["question_id"] == "police_job") & (r["district_id"] == "colchester")]
    qs = pd.to_datetime(r["interview_date"]).dt.to_period("Q").dt.start_time.dt.date
    r = r[(qs >= add_quarters(quarter, -3)) & (qs <= quarter)]
    pos = r["answer"].isin(["Excellent", "Good"])
    for category, g in r.groupby(dimension):
        row = got.loc[category]
        neff = g["weight"].sum() ** 2 / (g["weight"] ** 2).sum()
        if min(len(g), neff) < 50:
            assert np.isnan(row["pct"]) and np.isnan(row["n"]) and row["base_status"] == "suppressed"
        else:
            assert row["n"] == len(g)
            assert row["pct"] == pytest.approx(100 * (g["weight"] * pos[g.index]).sum() / g["weight"].sum())


def test_breakdown_refuses_other_columns(db):
    with pytest.raises(ValueError, match="not one of"):
        trends.demographic_breakdown(db, "police_job", date(2025, 1, 1), "district_id")


def test_benchmark_rolling_mean(db, raw):
    got = trends.benchmark_trend(db, "police_job", date(2022, 1, 1), date(2022, 1, 1), pooled=True)
    b = raw("benchmarks")
    b = b[(b["question_id"] == "police_job") & (b["group_id"] == "msg")].set_index("quarter_start")["value_pct"]
    want = np.mean([b[date(2021, 4, 1)], b[date(2021, 7, 1)], b[date(2021, 10, 1)], b[date(2022, 1, 1)]])
    assert got["value_pct"].iloc[0] == pytest.approx(want)
    assert got["period_label"].iloc[0] == "Year to Q4 2021/22"


def test_district_summaries_state_the_numbers_and_verdicts(db):
    quarter = date(2026, 7, 1)
    t = trends.district_trends(db, "police_job", date(2025, 7, 1), quarter, ["harlow", "southend"])
    points, _ = trends.funnel(db, "police_job", quarter)
    sentences = trend_reading.district_summaries(t, points)
    assert len(sentences) == 2
    for sentence, did in zip(sentences, ["harlow", "southend"], strict=True):
        row = t[(t["series_id"] == did) & (t["quarter_start"] == quarter)].iloc[0]
        position = points.set_index("series_id").loc[did, "position"]
        assert f"{row['pct']:.1f}%" in sentence and f"{row['diff_year']:+.1f} points" in sentence
        assert ("not a significant change" in sentence) == (row["change_year"] == "no significant change")
        assert ("within the funnel" in sentence) == (position == "within limits")
        if position.startswith("below"):
            assert "below the force" in sentence


def test_summary_of_a_suppressed_district_gives_no_value(db):
    from analytics.stats import SuppressionRule

    t = trends.district_trends(
        db, "police_job", date(2026, 7, 1), date(2026, 7, 1), ["harlow"], rule=SuppressionRule(500, 600)
    )
    (sentence,) = trend_reading.district_summaries(t, t.iloc[0:0])
    assert "too small" in sentence and "%" not in sentence


def test_districts_furthest_from_the_force_come_first():
    q1, q2 = date(2024, 4, 1), date(2024, 7, 1)
    rows = [("force", "Force", "force", q1, 50.0), ("force", "Force", "force", q2, 50.0)]
    values = {"a": (60, 60), "b": (45, 47), "c": (np.nan, np.nan), "d": (42, np.nan), "e": (40, 62), "f": (55, 45)}
    for district, (v1, v2) in values.items():
        rows += [(district, district.upper(), "district", q1, v1), (district, district.upper(), "district", q2, v2)]
    trend = pd.DataFrame(rows, columns=["series_id", "series_name", "kind", "quarter_start", "pct"])
    # Mean distances: e 11, a 10, d 8 (one shown period), b 4, f 5; c has none shown and comes last.
    assert trend_reading.furthest_from_force(trend) == ["e", "a", "d", "f", "b", "c"]
