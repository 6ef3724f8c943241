"""social.group_months and social._summarise (numpy on integer codes) against plain loops, on random months."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.social import figures as social

FIGS = social.FIGURES
MONTHS = [date(2025, m, 1) for m in range(1, 7)]
MEMBERS = {"X": {"x1", "x2"}, "Y": {"y1"}, "Z": {"z1"}, "W": {"w1"}}  # W's account never reports
GROUP_OF = {a: g for g, accounts in MEMBERS.items() for a in accounts}


def _random_months(rng: np.random.Generator) -> pd.DataFrame:
    n = int(rng.integers(0, 25))
    pairs = {(a, m) for a, m in zip(rng.choice(["x1", "x2", "y1", "z1"], n), rng.choice(6, n), strict=True)}
    rows = pd.DataFrame(sorted(pairs), columns=["account_id", "month"])  # one row per account and month
    rows["month_start"] = [MONTHS[int(i)] for i in rows.pop("month")]
    for col in FIGS:
        v = rng.integers(0, 1000, len(rows)).astype(float)
        v[rng.random(len(rows)) < rng.choice([0, 0.3, 1])] = np.nan  # some figures never reported
        rows[col] = v
    return rows


def _ref_group_months(months: pd.DataFrame) -> dict:
    """Per group, month and figure: the sum when every account expected reported it (else NaN)."""
    out = {}
    for grp, accounts in MEMBERS.items():
        mine = months[months["account_id"].isin(accounts)]
        for col in FIGS:
            # Expected: every member, except one with rows in the period but never this figure.
            never = set(mine["account_id"]) - set(mine.loc[mine[col].notna(), "account_id"])
            expected = accounts - never
            for month in MONTHS:
                cell = mine[(mine["month_start"] == month) & mine["account_id"].isin(expected)]
                ok = expected and cell[col].notna().sum() == len(expected)
                out[(grp, month, col)] = float(cell[col].sum()) if ok else np.nan
    return out


def _ref_summarise(series: pd.DataFrame) -> dict:
    """Per group: the period figures, a group at a time with plain Python."""
    out = {}
    for grp in sorted(series["group"].unique()):
        s = series[series["group"] == grp].sort_values("month_start", kind="stable")
        fol = [(r.month_start, r.followers) for r in s.itertuples() if not np.isnan(r.followers)]
        reported = [c for c in FIGS if s[c].notna().any()]
        both = s.dropna(subset=["impressions", "engagements"])
        sums = {
            c: s[c].dropna().sum() if s[c].notna().any() else np.nan for c in ("impressions", "engagements", "posts")
        }
        start, end = (fol[0][1], fol[-1][1]) if fol else (np.nan, np.nan)
        growth = end - start if len(fol) >= 2 else np.nan
        out[grp] = {
            "followers_start": start,
            "followers_end": end,
            "start_month": fol[0][0] if fol else None,
            "end_month": fol[-1][0] if fol else None,
            "reach_avg": s["reach"].dropna().mean() if s["reach"].notna().any() else np.nan,
            **sums,
            "months_reported": sum(
                bool(reported) and all(pd.notna(getattr(r, c)) for c in reported) for r in s.itertuples()
            ),
            "engagement_rate": 100 * both["engagements"].sum() / both["impressions"].sum()
            if len(both) and both["impressions"].sum() > 0
            else np.nan,
            "growth": growth,
            "growth_pct": 100 * growth / start if len(fol) >= 2 and start != 0 else np.nan,
        }
    return out


@pytest.mark.parametrize("seed", range(40))
def test_group_months_matches_a_loop(seed):
    months = _random_months(np.random.default_rng(seed))
    groups = months["account_id"].map(GROUP_OF)
    period = social.Period(date(2025, 1, 1), date(2025, 4, 1), (), ())
    got = social.group_months(months, groups, period, MEMBERS).set_index(["group", "month_start"])
    assert list(got.index) == [(g, m) for g in sorted(MEMBERS) for m in MONTHS]
    want = _ref_group_months(months)
    for (grp, month, col), value in want.items():
        assert got.loc[(grp, month), col] == pytest.approx(value, nan_ok=True), (grp, month, col)


@pytest.mark.parametrize("seed", range(40))
def test_summarise_matches_a_loop(seed):
    rng = np.random.default_rng(100 + seed)
    months = _random_months(rng)
    months["group"] = months["account_id"].map(GROUP_OF)
    months = months.sample(frac=1, random_state=seed)  # any row order
    got = social._summarise(months, {"X": 2000.0, "Y": 0.0}, 6)
    want = _ref_summarise(months)
    assert list(got.index) == sorted(want)
    for grp, figures in want.items():
        row = got.loc[grp]
        for key, value in figures.items():
            if key.endswith("_month"):
                assert (row[key] if pd.notna(row[key]) else None) == value, (grp, key)
            else:
                assert row[key] == pytest.approx(value, nan_ok=True), (grp, key)
        assert row["months"] == 6
        pop = {"X": 2000.0}.get(grp, np.nan)
        assert row["followers_per_1k"] == pytest.approx(1000 * figures["followers_end"] / pop, nan_ok=True)
