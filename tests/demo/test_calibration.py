"""The demo data reproduces every force-level figure DESIGN.md publishes.

Figures are recomputed here with pandas from the raw Parquet files, not through
the app's own query code. Percentages within 2 points; counts within 5%.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

PCT_TOL = 2.0


@pytest.fixture(scope="module")
def answers(raw):
    r = raw("survey_responses")
    q = raw("survey_questions").set_index("question_id")
    positive = {qid: set(v) for qid, v in q["positive_answers"].items()}
    r["positive"] = [a in positive[qid] for a, qid in zip(r["answer"], r["question_id"], strict=True)]
    d = pd.to_datetime(r["interview_date"])
    r["fy"] = np.where(d.dt.month >= 4, d.dt.year, d.dt.year - 1)
    r["qstart"] = d.dt.to_period("Q").dt.start_time.dt.date
    return r


def _pct(frame: pd.DataFrame) -> float:
    return 100 * (frame["weight"] * frame["positive"]).sum() / frame["weight"].sum()


def _quarter(answers, qid, start: date) -> float:
    sel = answers[(answers["question_id"] == qid) & (answers["qstart"] == start)]
    assert len(sel) > 1000
    return _pct(sel)


def _rolling_year_to(answers, qid, last_quarter_start: date) -> pd.DataFrame:
    first = (pd.Timestamp(last_quarter_start) - pd.DateOffset(months=9)).date()
    return answers[
        (answers["question_id"] == qid) & (answers["qstart"] >= first) & (answers["qstart"] <= last_quarter_start)
    ]


@pytest.mark.parametrize(
    ("qid", "quarter_start", "published"),
    [
        ("police_job", date(2018, 4, 1), 69),  # Q1 2018/19
        ("police_job", date(2019, 4, 1), 65),  # Q1 2019/20
        ("police_job", date(2020, 4, 1), 81),  # Q1 2020/21
        ("police_job", date(2022, 1, 1), 79),  # Q4 2021/22
        ("understand_issues", date(2019, 4, 1), 58),  # Q1 2019/20
        ("understand_issues", date(2020, 4, 1), 80),  # Q1 2020/21
        ("feel_informed", date(2019, 4, 1), 39),
        ("feel_informed", date(2020, 4, 1), 53),
        ("feel_informed", date(2022, 1, 1), 44),
    ],
)
def test_quarterly_published_figures(answers, qid, quarter_start, published):
    assert _quarter(answers, qid, quarter_start) == pytest.approx(published, abs=PCT_TOL)


@pytest.mark.parametrize(
    ("last_quarter", "published"),
    [(date(2017, 10, 1), 53), (date(2018, 10, 1), 59)],  # rolling 12 months to Q3 2017/18 and Q3 2018/19
)
def test_understand_issues_rolling_twelve_months(answers, last_quarter, published):
    window = _rolling_year_to(answers, "understand_issues", last_quarter)
    assert _pct(window) == pytest.approx(published, abs=PCT_TOL)
    # The published +/-1.1 points at 95% implies a base of about 7,700.
    assert len(window) == pytest.approx(7700, rel=0.05)


@pytest.mark.parametrize(("fy", "published"), [(2017, 54), (2018, 59), (2019, 61)])
def test_understand_issues_yearly(answers, fy, published):
    sel = answers[(answers["question_id"] == "understand_issues") & (answers["fy"] == fy)]
    assert _pct(sel) == pytest.approx(published, abs=PCT_TOL)


def test_survey_size_about_7700_a_year_across_ten_districts(answers):
    per_year = answers[answers["question_id"] == "police_job"].groupby("fy")["response_id"].nunique()
    full_years = per_year.loc[2016:2025]
    assert full_years.between(7700 * 0.95, 7700 * 1.05).all(), full_years.to_dict()
    assert answers["district_id"].nunique() == 10


def test_msg_benchmarks_published(raw):
    b = raw("benchmarks")
    b = b[b["quarter_start"] == date(2022, 1, 1)].set_index(["group_id", "question_id"])["value_pct"]
    assert b[("msg", "police_job")] == pytest.approx(56, abs=PCT_TOL)
    assert b[("msg", "feel_informed")] == pytest.approx(37, abs=PCT_TOL)


def _month_total(frame, column, month: date) -> float:
    return frame.loc[frame["month_start"] == month, column].sum()


def test_district_facebook_accounts(raw):
    accounts = raw("social_accounts")
    district_fb = accounts[(accounts["platform"] == "Facebook") & accounts["district_id"].notna()]
    assert len(district_fb) == 11
    assert (district_fb["district_id"].value_counts() == 2).sum() == 1, "one district has two accounts"
    m = raw("social_monthly")
    m = m[m["account_id"].isin(district_fb["account_id"])]
    for month, followers, reach in [(date(2018, 11, 1), 51_439, 350_000), (date(2019, 3, 1), 62_224, 854_000)]:
        assert _month_total(m, "followers", month) == pytest.approx(followers, rel=0.05)
        assert _month_total(m, "reach", month) == pytest.approx(reach, rel=0.05)


def test_force_facebook_page_likes(raw):
    accounts = raw("social_accounts")
    force_fb = accounts[(accounts["platform"] == "Facebook") & accounts["district_id"].isna()]["account_id"]
    assert len(force_fb) == 1
    m = raw("social_monthly")
    m = m[m["account_id"] == force_fb.iloc[0]]
    for month, likes in [(date(2017, 2, 1), 134_000), (date(2019, 11, 1), 195_000), (date(2020, 11, 1), 213_000)]:
        assert _month_total(m, "followers", month) == pytest.approx(likes, rel=0.05)


def test_map_views(raw):
    mv = raw("map_views")
    months = sorted(mv["month_start"].unique())
    first_ten = mv[mv["month_start"].isin(months[:10])]["views"].sum()
    assert first_ten == pytest.approx(113_000, rel=0.05)
    assert _month_total(mv, "views", date(2018, 10, 1)) > 12_000


def test_local_community_meetings_about_one_a_month_per_district(raw):
    ev = raw("engagement_events")
    lcm = ev[(ev["activity_type"] == "Local Community Meeting") & (ev["start_at"] < "2020-03-01")]
    months = lcm["start_at"].dt.to_period("M").nunique()
    per_district_month = len(lcm) / (months * ev["district_id"].nunique())
    assert 0.8 <= per_district_month <= 1.2
    held = lcm[lcm["status"] == "held"]["attendance"]
    assert held.min() == 0 or held.quantile(0.02) <= 3
    assert held.max() >= 100


def test_covid_face_to_face_collapses_and_moves_online(raw):
    ev = raw("engagement_events")
    ev = ev[ev["status"] == "held"]
    month = ev["start_at"].dt.to_period("M")
    before = ev[(month >= "2019-04") & (month <= "2020-02")]
    during = ev[(month >= "2020-04") & (month <= "2021-02")]
    f2f_before = (~before["online"]).sum() / 11
    f2f_during = (~during["online"]).sum() / 11
    assert f2f_during < 0.2 * f2f_before
    assert during["online"].sum() > 5 * before["online"].sum()
    late_march = ev[(ev["start_at"] >= "2020-03-23") & (ev["start_at"] < "2020-04-01") & ~ev["online"]]
    assert len(late_march) == 0, "face-to-face events after lockdown day were cancelled"


def test_uttlesford_weaker_than_braintree(answers):
    sel = answers[(answers["question_id"] == "police_job") & (answers["district_id"] == "braintree_uttlesford")]
    by_lad = sel.groupby("lad_code")[["weight", "positive"]].apply(_pct)
    assert by_lad["E07000077"] < by_lad["E07000067"] - 5
