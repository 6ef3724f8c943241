"""Social media page figures recomputed with pandas from the raw Parquet."""

import shutil
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.social import figures as social
from analytics.social import posts
from analytics.social import tables as social_tables
from analytics.stats import SuppressionRule
from analytics.storage import parquet as store
from analytics.storage.db import Database
from tests.reference import reference

FIGS = ("followers", "reach", "impressions", "engagements", "posts")
ALL = ("basildon", "braintree_uttlesford", "castle_point_rochford", "chelmsford_maldon", "colchester",
       "epping_forest_brentwood", "harlow", "southend", "tendring", "thurrock")  # fmt: skip


def _months(q_from, q_to_excl):
    return [d.date() for d in pd.date_range(q_from, q_to_excl, freq="MS", inclusive="left")]


def ref_group(monthly, ids, months):
    """Reference: per figure, the month's sum only when every account reporting it that period did."""
    m = monthly[monthly["account_id"].isin(ids) & monthly["month_start"].isin(months)]
    series = {}
    for col in FIGS:
        # Every account is expected, except one that has months in the period but never this figure.
        never = set(m["account_id"]) - set(m.loc[m[col].notna(), "account_id"])
        reporters = set(ids) - never
        series[col] = {}
        for month in months:
            rows = m[(m["month_start"] == month) & m["account_id"].isin(reporters)]
            if reporters and rows[col].notna().sum() == len(reporters) == rows["account_id"].nunique():
                series[col][month] = float(rows[col].sum())
    f = series["followers"]
    both = [mo for mo in months if mo in series["impressions"] and mo in series["engagements"]]
    out = {
        "followers_start": f[min(f)] if f else np.nan,
        "followers_end": f[max(f)] if f else np.nan,
        "reach_avg": np.mean(list(series["reach"].values())) if series["reach"] else np.nan,
        "impressions": sum(series["impressions"].values()) if series["impressions"] else np.nan,
        "posts": sum(series["posts"].values()) if series["posts"] else np.nan,
        "engagement_rate": 100
        * sum(series["engagements"][mo] for mo in both)
        / sum(series["impressions"][mo] for mo in both)
        if both
        else np.nan,
    }
    return out


def _check(db_, raw_, period):
    monthly = raw_("social_monthly")
    monthly["month_start"] = pd.to_datetime(monthly["month_start"]).dt.date
    acc = raw_("social_accounts")
    acc = acc[acc["platform"].isin(period.platforms)]
    dist = raw_("districts").set_index("district_id")
    months = _months(period.start, period.end)
    got = social.summary(db_, period).districts.set_index("name")
    groups = {dist.loc[d, "name"]: (acc[acc["district_id"] == d]["account_id"], dist.loc[d, "population"])
              for d in period.district_ids}  # fmt: skip
    groups[social.FORCE_WIDE] = (acc[acc["district_id"].isna()]["account_id"], dist["population"].sum())
    chosen = acc[acc["district_id"].isin(period.district_ids)]["account_id"]
    groups[social.ALL_DISTRICTS] = (chosen, dist.loc[list(period.district_ids), "population"].sum())
    for name, (ids, pop) in groups.items():
        if not len(ids):
            assert np.isnan(got.loc[name].get("followers_end", np.nan))
            continue
        want = ref_group(monthly, set(ids), months)
        for key, value in want.items():
            assert got.loc[name, key] == pytest.approx(value, rel=1e-9, nan_ok=True), (name, key)
        assert got.loc[name, "followers_per_1k"] == pytest.approx(1000 * want["followers_end"] / pop, nan_ok=True)
        assert got.loc[name, "reach_per_1k"] == pytest.approx(1000 * want["reach_avg"] / pop, nan_ok=True)
    return got


@pytest.mark.parametrize(
    ("q_from", "q_to", "districts", "platforms"),
    [
        (date(2024, 10, 1), date(2026, 7, 1), ALL, ("Facebook", "X")),
        (date(2019, 4, 1), date(2019, 4, 1), ("braintree_uttlesford", "harlow"), ("Facebook",)),
        (date(2020, 1, 1), date(2021, 10, 1), ("colchester",), ("X",)),
    ],
)
def test_period_figures_match_pandas(db, raw, q_from, q_to, districts, platforms):
    _check(db, raw, social.Period(q_from, q_to, districts, platforms))


def test_a_gap_in_one_of_two_accounts_blanks_the_districts_month_not_zero(demo_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    m = pd.read_parquet(copy / "social_monthly.parquet")
    month_start = pd.to_datetime(m["month_start"])
    gap = (m["account_id"] == "fb_braintree") & (month_start == pd.Timestamp(2025, 5, 1))
    m.loc[(m["account_id"] == "fb_uttlesford") & (month_start == pd.Timestamp(2025, 6, 1)), "reach"] = None
    m = m[~gap]
    assert gap.sum() == 1
    store.write_table(copy, "social_monthly", m)
    db_ = Database(copy)
    period = social.Period(date(2025, 4, 1), date(2025, 4, 1), ("braintree_uttlesford",), ("Facebook",))
    got = social.summary(db_, period)
    month = got.monthly[got.monthly["name"] == "Braintree and Uttlesford"].set_index("month_start")
    assert month.loc[date(2025, 5, 1), list(FIGS)].isna().all()
    assert np.isnan(month.loc[date(2025, 6, 1), "reach"]) and month.loc[date(2025, 6, 1), "followers"] > 0
    row = got.districts.set_index("name").loc["Braintree and Uttlesford"]
    assert row["months_reported"] == 1
    # The reach average is over the one complete month, not three with zeros.
    assert row["reach_avg"] == month.loc[date(2025, 4, 1), "reach"]
    assert (
        social_tables.pages_table(got.districts).set_index("Pages").loc["Braintree and Uttlesford", "Months reported"]
        == "1 of 3"
    )
    _check(db_, lambda t: pd.read_parquet(copy / f"{t}.parquet"), period)


def test_accounts_apart_add_up_to_the_district_together(db):
    period = social.Period(date(2025, 4, 1), date(2026, 7, 1), ("braintree_uttlesford",), ("Facebook",))
    got = social.summary(db, period)
    acc = got.accounts.set_index("account_id")
    assert set(acc.index) == {"fb_braintree", "fb_uttlesford", "fb_force"}
    together = got.districts.set_index("name").loc["Braintree and Uttlesford"]
    parts = acc.loc[["fb_braintree", "fb_uttlesford"]]
    assert together["followers_end"] == parts["followers_end"].sum()
    assert together["impressions"] == parts["impressions"].sum()
    assert parts["share_of_district_followers"].sum() == pytest.approx(100)


def _posts_frame(raw, period):
    p = raw("social_posts").merge(raw("social_accounts"), on="account_id")
    p = p.merge(raw("districts")[["district_id", "name"]].rename(columns={"name": "district"}), on="district_id",
                how="left")  # fmt: skip
    p["district"] = p["district"].fillna(social.FORCE_WIDE)
    t = pd.to_datetime(p["posted_at"])
    keep = (t >= pd.Timestamp(period.start)) & (t < pd.Timestamp(period.end)) & p["platform"].isin(period.platforms)
    keep &= p["district_id"].isna() | p["district_id"].isin(period.district_ids)
    return p[keep].copy()


def test_top_posts_match_pandas(db, raw):
    period = social.Period(date(2025, 4, 1), date(2025, 10, 1), ("harlow", "southend"), ("Facebook", "X"))
    p = _posts_frame(raw, period)
    want = p.dropna(subset=["reach"]).sort_values(["reach", "post_id"], ascending=[False, True]).head(10)
    got = posts.top_posts(db, period, "reach")
    assert got["post_id"].tolist() == want["post_id"].tolist()
    p["rate"] = np.where(p["impressions"] >= 100, 100 * p["engagements"] / p["impressions"], np.nan)
    want = p.dropna(subset=["rate"]).sort_values(["rate", "post_id"], ascending=[False, True]).head(10)
    got = posts.top_posts(db, period, "engagement_rate")
    assert got["post_id"].tolist() == want["post_id"].tolist()
    assert got["engagement_rate"].to_numpy() == pytest.approx(want["rate"].to_numpy())
    appeals = posts.top_posts(db, period, "reach", tags=["Appeal"])
    assert set(appeals["tag"]) == {"Appeal"}
    with pytest.raises(ValueError):
        posts.top_posts(db, period, "reach; DROP TABLE x")


def test_tag_reach_matches_pandas(db, raw):
    period = social.Period(date(2024, 4, 1), date(2026, 7, 1), ALL, ("Facebook", "X"))
    p = _posts_frame(raw, period)
    got = posts.tag_reach(db, period).set_index(["district", "tag"])
    g = p.groupby(["district", "tag"])
    assert got["posts"].to_dict() == g.size().to_dict()
    want_median = g["reach"].median()
    assert np.allclose(got["median_reach"].astype(float), want_median.reindex(got.index).astype(float), equal_nan=True)
    usual = p.groupby("district")["reach"].median()
    h = ("Harlow", "Appeal")
    assert got.loc[h, "index"] == pytest.approx(100 * want_median[h] / usual["Harlow"])
    for district, rows in got.reset_index().groupby("district"):
        ok = rows[rows["posts_with_reach"] >= social.MIN_POSTS_FOR_TAG]
        if len(ok):
            assert rows.loc[rows["furthest"], "tag"].tolist() == [ok.loc[ok["median_reach"].idxmax(), "tag"]], district


def test_reach_against_informed_matches_pandas_and_hides_small_bases(db, raw):
    period = social.Period(date(2025, 4, 1), date(2026, 7, 1), ALL, ("Facebook",))
    reach = social.summary(db, period).districts
    got = social.reach_vs_informed(db, period, reach, SuppressionRule()).points.set_index("district_id")
    want = reference(raw, "feel_informed", period.quarter_from, period.quarter_to, by=("district_id",),
                     per_quarter=False).set_index("district_id")  # fmt: skip
    assert got["n"].to_dict() == want["n"].to_dict()
    assert np.allclose(got["pct"], want.loc[got.index, "pct"])
    assert np.allclose(got["ci_low"], want.loc[got.index, "lo"])
    # A rule hiding bases this size blanks every survey figure, and the correlation with it.
    strict = social.reach_vs_informed(db, period, reach, SuppressionRule(hide_below=100_000, flag_below=100_001))
    assert strict.points["pct"].isna().all() and np.isnan(strict.rho)
    assert "Too few districts" in social_tables.association_sentence(strict)


def test_association_sentence_never_claims_cause():
    a = social.Association(pd.DataFrame(), rho=0.82, p_value=0.004, n=10)
    text = social_tables.association_sentence(a)
    assert "+0.82" in text and "a strong positive association" in text and "not cause" in text
    weak = social_tables.association_sentence(social.Association(pd.DataFrame(), rho=0.5, p_value=0.14, n=10))
    assert "no clear association" in weak


def test_an_account_with_no_figures_in_the_period_blanks_its_district(demo_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    m = pd.read_parquet(copy / "social_monthly.parquet")
    month_start = pd.to_datetime(m["month_start"])
    gone = (
        (m["account_id"] == "fb_uttlesford")
        & (month_start >= pd.Timestamp(2024, 7, 1))
        & (month_start < pd.Timestamp(2024, 10, 1))
    )
    store.write_table(copy, "social_monthly", m[~gone])
    db_ = Database(copy)
    period = social.Period(date(2024, 7, 1), date(2024, 7, 1), ("braintree_uttlesford",), ("Facebook",))
    got = social.summary(db_, period)
    row = got.districts.set_index("name").loc["Braintree and Uttlesford"]
    assert np.isnan(row["followers_end"]) and row["months_reported"] == 0, "Braintree alone is not the district"
    table = social_tables.pages_table(got.districts).set_index("Pages")
    assert table.loc["Braintree and Uttlesford", "Months reported"] == "0 of 3"
    _check(db_, lambda t: pd.read_parquet(copy / f"{t}.parquet"), period)


def test_growth_needs_two_months_of_followers(db):
    period = social.Period(date(2025, 4, 1), date(2025, 4, 1), ("harlow",), ("Facebook",))
    m = social.summary(db, period)
    assert m.districts.set_index("name").loc["Harlow", "months_reported"] == 3
    april, may = date(2025, 4, 1), date(2025, 5, 1)
    months = pd.DataFrame({"group": ["a", "b", "b"], "month_start": [april, may, april],
                           "followers": [10.0, 12.0, 8.0], "reach": [5.0, 5.0, 5.0], "impressions": [1.0, 1.0, 1.0],
                           "engagements": [1.0, 1.0, 1.0], "posts": [1.0, 1.0, 1.0]})  # fmt: skip
    figures = social._summarise(months, {"a": 1000}, 3)
    assert np.isnan(figures.loc["a", "growth"]) and np.isnan(figures.loc["a", "growth_pct"])
    # b's months out of order: growth still runs from its first month (8) to its last (12).
    assert figures.loc["b", "growth"] == 4 and figures.loc["b", "growth_pct"] == 50
    assert figures.loc["a", "followers_per_1k"] == 10 and np.isnan(figures.loc["b", "followers_per_1k"])
