"""Engagement and social-media KPIs for a district in a quarter, beside the force.

Loop closure ("You said, we did": concerns raised in the quarter that were acted
on and told back) is a proportion, so it carries an interval and tests. Rates and
counts are shown beside the force but not tested: colour is kept for tested
differences only.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.db import Database
from analytics.periods import add_quarters
from analytics.stats import change_direction, compare_interval_to_value, two_proportion_test, wilson_interval
from analytics.vocabulary import HARD_TO_REACH_GROUPS

_EVENTS_SQL = """
SELECT e.district_id,
       count(*) FILTER (WHERE e.status = 'held') AS held,
       count(*) FILTER (WHERE e.status = 'cancelled') AS cancelled,
       coalesce(sum(e.attendance) FILTER (WHERE e.status = 'held'), 0) AS attendance,
       count(DISTINCT e.audience_group) FILTER (
           WHERE e.status = 'held' AND list_contains($hard, e.audience_group)) AS hard_to_reach_groups
FROM engagement_events e
WHERE e.start_at >= $f AND e.start_at < $t
GROUP BY ALL
"""
_CONCERNS_SQL = """
SELECT district_id,
       count(*) AS raised,
       count(*) FILTER (WHERE action_on IS NOT NULL AND told_on IS NOT NULL) AS closed
FROM engagement_concerns
WHERE raised_on >= $f AND raised_on < $t
GROUP BY ALL
"""
_SOCIAL_SQL = """
SELECT a.district_id,
       sum(m.followers) FILTER (WHERE m.month_start = $last_month) AS followers,
       sum(m.reach) AS reach,
       sum(m.engagements) AS engagements,
       sum(m.impressions) AS impressions
FROM social_monthly m JOIN social_accounts a USING (account_id)
WHERE a.district_id IS NOT NULL AND m.month_start >= $f AND m.month_start < $t
GROUP BY ALL
"""


def _quarter_frame(db: Database, quarter: date) -> pd.DataFrame:
    """Per-district raw figures for one quarter, with a force row ('__force__')."""
    f, t = quarter, add_quarters(quarter, 1)
    last_month = date(t.year - (t.month == 1), (t.month - 2) % 12 + 1, 1)
    districts = db.query("SELECT district_id, population FROM districts")
    events = db.query(_EVENTS_SQL, {"f": f, "t": t, "hard": list(HARD_TO_REACH_GROUPS)})
    concerns = db.query(_CONCERNS_SQL, {"f": f, "t": t})
    social = db.query(_SOCIAL_SQL, {"f": f, "t": t, "last_month": last_month})
    df = districts.merge(events, on="district_id", how="left").merge(concerns, on="district_id", how="left")
    df = df.merge(social, on="district_id", how="left").fillna(0)
    force = df.drop(columns="district_id").sum(numeric_only=True)
    # Distinct hard-to-reach groups force-wide is not the sum of districts' counts.
    force["hard_to_reach_groups"] = db.query(
        "SELECT count(DISTINCT audience_group) AS n FROM engagement_events "
        "WHERE status = 'held' AND start_at >= $f AND start_at < $t AND list_contains($hard, audience_group)",
        {"f": f, "t": t, "hard": list(HARD_TO_REACH_GROUPS)},
    )["n"].iloc[0]
    force_row = force.to_frame().T.assign(district_id="__force__")
    return pd.concat([df, force_row], ignore_index=True).set_index("district_id")


def _rates(row: pd.Series) -> dict[str, float]:
    pop = float(row["population"])
    held = float(row["held"])
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "events_per_10k": 10_000 * held / pop,
            "attendance_per_event": float(row["attendance"]) / held if held else np.nan,
            "cancellation_rate": 100 * float(row["cancelled"]) / (held + float(row["cancelled"]))
            if held + float(row["cancelled"])
            else np.nan,
            "hard_to_reach_groups": float(row["hard_to_reach_groups"]),
            "followers_per_1k": 1_000 * float(row["followers"]) / pop,
            "reach_per_resident": float(row["reach"]) / pop,
            "engagement_rate": 100 * float(row["engagements"]) / float(row["impressions"])
            if float(row["impressions"])
            else np.nan,
        }


KPI_LABELS = {
    "loop_closure": ("You said, we did: concerns closed and told back", "%"),
    "events_per_10k": ("Events held per 10,000 residents", ""),
    "attendance_per_event": ("Attendance per event", ""),
    "cancellation_rate": ("Events cancelled", "%"),
    "hard_to_reach_groups": ("Hard-to-reach groups reached", ""),
    "followers_per_1k": ("Social-media followers per 1,000 residents", ""),
    "reach_per_resident": ("Social-media reach per resident", ""),
    "engagement_rate": ("Social-media engagement rate", "%"),
}


def kpi_scorecard(db: Database, district_id: str, quarter: date) -> pd.DataFrame:
    """Engagement and social KPIs for ``district_id`` in ``quarter``, beside the force and a year before."""
    now = _quarter_frame(db, quarter)
    year = _quarter_frame(db, add_quarters(quarter, -4))
    if district_id not in now.index:
        return pd.DataFrame()
    rows = [_loop_closure(now.loc[district_id], now.loc["__force__"], year.loc[district_id])]
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


def _loop_closure(d: pd.Series, force: pd.Series, year: pd.Series) -> dict:
    raised, closed = float(d["raised"]), float(d["closed"])
    p = closed / raised if raised else np.nan
    fp = float(force["closed"]) / float(force["raised"]) if float(force["raised"]) else np.nan
    yp = float(year["closed"]) / float(year["raised"]) if float(year["raised"]) else np.nan
    lo, hi = wilson_interval(p, raised) if raised else (np.nan, np.nan)
    z, pv = two_proportion_test(p, raised, yp, float(year["raised"])) if raised and year["raised"] else (np.nan, np.nan)
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
    }
