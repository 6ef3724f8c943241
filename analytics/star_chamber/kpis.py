"""Engagement and social-media KPIs for a district in a quarter, beside the force.

Loop closure ("You said, we did") is the share of concerns raised in the quarter
that were acted on and told back within CLOSURE_DAYS of being raised. A fixed
window keeps quarters comparable (an older quarter has not simply had longer),
and figures for a past meeting do not change afterwards. It is a proportion, so
it carries an interval, tests and the suppression rule. Rates and counts are shown
beside the force but not tested: colour is kept for tested differences only.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.contract.vocabulary import CLOSURE_DAYS, HARD_TO_REACH_GROUPS, REACH_PER_1K
from analytics.engagement.activity import cancelled_pct
from analytics.periods import add_quarters
from analytics.stats import (
    SuppressionRule,
    change_direction,
    compare_interval_to_value,
    two_proportion_test,
    wilson_interval,
)
from analytics.storage.db import Database
from analytics.survey import measures

# One query answers several quarters at once (the reviewed quarter and the year before), a row per quarter
# and district with every figure: events and concerns from their quarterly rollups (analytics.storage.engine), social
# media from the monthly figures. The distinct count of groups reached is taken after a first grouping, which
# is cheaper than COUNT(DISTINCT). Social figures are for district accounts only (the force-wide pages serve
# everyone), and a district counts only when every one of its accounts reported all four figures for all
# three months of the quarter.
_FIGURES_SQL = """
WITH g AS (
    SELECT quarter_start, district_id, status, audience_group, sum(events) AS events, sum(attendance) AS attendance
    FROM event_quarter_sums
    WHERE list_contains($quarters, quarter_start) AND quarter_start BETWEEN $first AND $last
    GROUP BY ALL
),
events AS (
    SELECT quarter_start, district_id,
           CAST(coalesce(sum(events) FILTER (WHERE status = 'held'), 0) AS BIGINT) AS held,
           CAST(coalesce(sum(events) FILTER (WHERE status = 'cancelled'), 0) AS BIGINT) AS cancelled,
           coalesce(sum(attendance) FILTER (WHERE status = 'held'), 0) AS attendance,
           count(audience_group) FILTER (WHERE status = 'held' AND list_contains($hard, audience_group))
               AS hard_to_reach_groups
    FROM g
    GROUP BY ALL
),
concerns AS (
    SELECT quarter_start, district_id, CAST(sum(raised) AS BIGINT) AS raised, CAST(sum(closed) AS BIGINT) AS closed
    FROM concern_quarter_sums
    WHERE list_contains($quarters, quarter_start) AND quarter_start BETWEEN $first AND $last
    GROUP BY ALL
),
per_account AS (
    SELECT CAST(date_trunc('quarter', m.month_start) AS DATE) AS quarter_start, a.district_id, m.account_id,
           sum(m.followers) FILTER (WHERE m.month_start = date_trunc('quarter', m.month_start) + INTERVAL 2 MONTH)
               AS followers,
           sum(m.reach) AS reach,
           sum(m.engagements) AS engagements,
           sum(m.impressions) AS impressions,
           count(*) FILTER (WHERE m.followers IS NOT NULL AND m.reach IS NOT NULL AND m.impressions IS NOT NULL
                            AND m.engagements IS NOT NULL) AS complete_months
    FROM social_monthly m JOIN social_accounts a USING (account_id)
    WHERE a.district_id IS NOT NULL AND m.month_start >= $first AND m.month_start < $end
      AND list_contains($quarters, CAST(date_trunc('quarter', m.month_start) AS DATE))
    GROUP BY ALL
),
social AS (
    SELECT quarter_start, district_id, sum(followers) AS followers, sum(reach) AS reach,
           sum(engagements) AS engagements, sum(impressions) AS impressions,
           sum(complete_months) = 3 * count(*) AS social_complete
    FROM per_account
    GROUP BY ALL
)
SELECT * FROM events
FULL JOIN concerns USING (quarter_start, district_id)
FULL JOIN social USING (quarter_start, district_id)
"""
_EVENT_FIGURES = ["held", "cancelled", "attendance", "hard_to_reach_groups"]
_CONCERN_FIGURES = ["raised", "closed"]
_SOCIAL_FIGURES = ["followers", "reach", "engagements", "impressions", "social_complete"]


def _quarter_frames(db: Database, quarters: list[date]) -> dict[date, pd.DataFrame]:
    """Per quarter, per-district raw figures with a force row ('__force__'), from one query, worked out once per
    data version: every district's figures, the same whichever district is presenting."""
    return db.remember((__name__, "quarter_frames", tuple(quarters)), lambda: _read_quarter_frames(db, quarters))


def _read_quarter_frames(db: Database, quarters: list[date]) -> dict[date, pd.DataFrame]:
    # Bounds as well as the list: a sorted table's statistics can skip blocks outside them.
    params = {
        "quarters": quarters,
        "first": min(quarters),
        "last": max(quarters),
        "end": add_quarters(max(quarters), 1),
        "hard": list(HARD_TO_REACH_GROUPS),
    }
    districts = measures.districts(db)[["district_id", "population"]]
    figures = db.query(_FIGURES_SQL, params)
    figures["quarter_start"] = pd.to_datetime(figures["quarter_start"]).dt.date
    frames = {}
    for q in quarters:
        rows = figures[figures["quarter_start"] == q].drop(columns="quarter_start")
        # Each part as its own query returned it: the rows of districts that have that part's figures.
        parts = [
            rows.dropna(subset=cols, how="all")[["district_id", *cols]]
            for cols in (_EVENT_FIGURES, _CONCERN_FIGURES, _SOCIAL_FIGURES)
        ]
        frames[q] = _quarter_frame(districts, *parts)
    return frames


def _quarter_frame(
    districts: pd.DataFrame, events: pd.DataFrame, concerns: pd.DataFrame, social: pd.DataFrame
) -> pd.DataFrame:
    """One quarter's per-district figures, with the force row."""
    df = districts.merge(events, on="district_id", how="left").merge(concerns, on="district_id", how="left")
    df = df.merge(social, on="district_id", how="left")
    df["social_complete"] = df["social_complete"].astype("boolean").fillna(False).astype(bool)
    counts = [c for c in df.columns if c not in ("district_id", "social_complete")]
    df[counts] = df[counts].fillna(0)
    complete = df[df["social_complete"]]
    force = df[counts].sum()
    # Social figures force-wide only over districts with complete months, so rates stay comparable.
    for col in ("followers", "reach", "engagements", "impressions"):
        force[col] = complete[col].sum()
    force["social_population"] = complete["population"].sum()
    # The force's "hard-to-reach groups" is the average district's count: a union over districts
    # would not compare with one district.
    force["hard_to_reach_groups"] = df["hard_to_reach_groups"].mean()
    df["social_population"] = np.where(df["social_complete"], df["population"], 0)
    force_row = force.to_frame().T.assign(district_id="__force__", social_complete=len(complete) > 0)
    return pd.concat([df, force_row], ignore_index=True).set_index("district_id")


def _rates(row: pd.Series) -> dict[str, float]:
    pop = float(row["population"])
    held = float(row["held"])
    social_pop = float(row["social_population"]) if bool(row["social_complete"]) else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "events_per_10k": 10_000 * held / pop,
            "attendance_per_event": float(row["attendance"]) / held if held else np.nan,
            "cancellation_rate": float(cancelled_pct(held, float(row["cancelled"]))),
            "hard_to_reach_groups": float(row["hard_to_reach_groups"]),
            # No figure when a month is missing: a gap is not zero.
            "followers_per_1k": 1_000 * float(row["followers"]) / social_pop if social_pop else np.nan,
            # The Social media page's figure: the quarter's average month (a complete quarter has three).
            "reach_per_1k": 1_000 * float(row["reach"]) / 3 / social_pop if social_pop else np.nan,
            "engagement_rate": 100 * float(row["engagements"]) / float(row["impressions"])
            if social_pop and float(row["impressions"])
            else np.nan,
        }


KPI_LABELS = {
    "loop_closure": (f"You said, we did: concerns acted on and told back within {CLOSURE_DAYS} days", "%"),
    "events_per_10k": ("Events held per 10,000 residents", ""),
    "attendance_per_event": ("Attendance per event", ""),
    "cancellation_rate": ("Events cancelled", "%"),
    "hard_to_reach_groups": ("Hard-to-reach groups reached (force: district average)", ""),
    "followers_per_1k": ("Social-media followers per 1,000 residents", ""),
    "reach_per_1k": (f"Social media: {REACH_PER_1K[0].lower()}{REACH_PER_1K[1:]}", ""),
    "engagement_rate": ("Social-media engagement rate", "%"),
}


def kpi_scorecard(db: Database, district_id: str, quarter: date, rule: SuppressionRule | None = None) -> pd.DataFrame:
    """Engagement and social KPIs for ``district_id`` in ``quarter``, beside the force and a year before."""
    rule = rule or SuppressionRule()
    year_ago = add_quarters(quarter, -4)
    frames = _quarter_frames(db, [quarter, year_ago])
    now, year = frames[quarter], frames[year_ago]
    if district_id not in now.index:
        return pd.DataFrame()
    rows = [_loop_closure(now.loc[district_id], now.loc["__force__"], year.loc[district_id], rule)]
    d_rates, f_rates, y_rates = (
        _rates(now.loc[district_id]),
        _rates(now.loc["__force__"]),
        _rates(year.loc[district_id]),
    )
    for key, value in d_rates.items():
        rows.append(
            {
                "kpi": key,
                "value": value,
                "force_value": f_rates[key],
                "year_value": y_rates[key],
                "vs_force": "not tested",
                "vs_year": "not tested",
                "base": np.nan,
            }
        )
    out = pd.DataFrame(rows)
    out["label"] = out["kpi"].map(lambda k: KPI_LABELS[k][0])
    out["unit"] = out["kpi"].map(lambda k: KPI_LABELS[k][1])
    out["diff_force"] = out["value"] - out["force_value"]
    out["diff_year"] = out["value"] - out["year_value"]
    return out


def _loop_closure(d: pd.Series, force: pd.Series, year: pd.Series, rule: SuppressionRule) -> dict:
    raised, closed = float(d["raised"]), float(d["closed"])
    y_raised = float(year["raised"])
    # Small bases are never shown: the same rule as the survey, on the number of concerns.
    shown = str(rule.status(raised)) != "suppressed"
    y_shown = str(rule.status(y_raised)) != "suppressed"
    p = closed / raised if raised and shown else np.nan
    fp = float(force["closed"]) / float(force["raised"]) if float(force["raised"]) else np.nan
    yp = float(year["closed"]) / y_raised if y_raised and y_shown else np.nan
    lo, hi = wilson_interval(p, raised) if np.isfinite(p) else (np.nan, np.nan)
    z, pv = two_proportion_test(p, raised, yp, y_raised) if np.isfinite(p) and np.isfinite(yp) else (np.nan, np.nan)
    return {
        "kpi": "loop_closure",
        "value": 100 * p,
        "ci_low": 100 * lo,
        "ci_high": 100 * hi,
        "force_value": 100 * fp,
        "year_value": 100 * yp,
        "vs_force": str(compare_interval_to_value(100 * lo, 100 * hi, 100 * fp)),
        "vs_year": str(change_direction(z, pv)),
        "p_year": pv,
        "base": raised,
        "base_status": str(rule.status(raised)),
    }
