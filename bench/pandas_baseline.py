"""The naive pandas way, for comparison: load every table into memory, then filter and group per request.

``python -m bench.pandas_baseline DATA_DIR --districts a,b,c --repeats 5`` prints JSON: the load time,
each page's median time for the same filter change the DuckDB benchmark makes, and the peak memory.
It runs in its own process so its memory is measured apart from the dashboard's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.engagement.activity import MAX_POINTS
from bench.record import peak_rss_mib

# The naive way runs on pandas' defaults: importing analytics keeps text in Python storage for the dashboard
# (analytics/__init__.py), which made this baseline two to three times slower and every ratio flattering.
pd.reset_option("mode.string_storage")

SURVEY = ["interview_date", "district_id", "question_id", "answer", "weight", "age_band"]
EVENTS = [
    "event_id",
    "district_id",
    "start_at",
    "activity_type",
    "strand",
    "audience_group",
    "status",
    "attendance",
    "concerns_raised",
    "actions_taken",
    "lat",
    "lon",
    "town",
    "online",
]


def load(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table the pages read, into memory."""
    t = {
        "survey": pd.read_parquet(data_dir / "survey_responses.parquet", columns=SURVEY),
        "questions": pd.read_parquet(data_dir / "survey_questions.parquet"),
        "events": pd.read_parquet(data_dir / "engagement_events.parquet", columns=EVENTS),
        "concerns": pd.read_parquet(data_dir / "engagement_concerns.parquet"),
        "posts": pd.read_parquet(data_dir / "social_posts.parquet"),
        "monthly": pd.read_parquet(data_dir / "social_monthly.parquet"),
        "accounts": pd.read_parquet(data_dir / "social_accounts.parquet"),
        "districts": pd.read_parquet(data_dir / "districts.parquet"),
        "map_views": pd.read_parquet(data_dir / "map_views.parquet"),
        "actions": pd.read_parquet(data_dir / "star_chamber_actions.parquet"),
        "meetings": pd.read_parquet(data_dir / "star_chamber_meetings.parquet"),
    }
    t["survey"]["interview_date"] = pd.to_datetime(t["survey"]["interview_date"])
    t["events"]["start_at"] = pd.to_datetime(t["events"]["start_at"])
    t["posts"]["posted_at"] = pd.to_datetime(t["posts"]["posted_at"])
    for col in ("raised_on", "action_on", "told_on"):
        t["concerns"][col] = pd.to_datetime(t["concerns"][col])
    for table, col in (("monthly", "month_start"), ("map_views", "month_start"), ("meetings", "meeting_date")):
        t[table][col] = pd.to_datetime(t[table][col])
    return t


def _ts(d: date, months: int = 0) -> pd.Timestamp:
    return pd.Timestamp(d) + pd.DateOffset(months=months)


def _sums(t, question: str, first: date, end: date, districts=None, by=()) -> pd.DataFrame:
    s = t["survey"]
    q = t["questions"].set_index("question_id").loc[question]
    m = (s["question_id"] == question) & (s["interview_date"] >= pd.Timestamp(first))
    m &= s["interview_date"] < pd.Timestamp(end)
    if districts is not None:
        m &= s["district_id"].isin(districts)
    if q["exclude_dont_know"]:
        m &= s["answer"] != "Don't know"
    f = s[m]
    f = f.assign(
        quarter=f["interview_date"].dt.year * 4 + (f["interview_date"].dt.month - 1) // 3,
        w2=f["weight"] ** 2,
        pos=np.where(f["answer"].isin(list(q["positive_answers"])), f["weight"], 0.0),
    )
    return f.groupby(["quarter", *by], observed=True).agg(
        n=("weight", "size"), sum_w=("weight", "sum"), sum_w2=("w2", "sum"), pos=("pos", "sum")
    )


# Each page below works out the figures the page's queries give (not its charts), the naive way: filter
# the in-memory tables and group, per change. ``first``/``end`` are the filter's quarters (end exclusive).


def overview(t, districts, first, end):
    last = _ts(end, -3)
    # Every measure's tiles (the force, the last quarter and a year before), every district against the
    # force in the last quarter, and the chosen districts' trend with a year of history.
    out = [_sums(t, q, _ts(last, -12), end) for q in t["questions"]["question_id"]]
    out.append(_sums(t, "police_job", last, end, None, ("district_id",)))
    out.append(_sums(t, "police_job", _ts(first, -12), end, districts, ("district_id",)))
    out.append(_sums(t, "police_job", _ts(first, -12), end))
    return out


def trends(t, districts, first, end):
    last = _ts(end, -3)
    return [
        _sums(t, "police_job", _ts(first, -12), end, districts, ("district_id",)),
        _sums(t, "police_job", _ts(first, -12), end),
        _sums(t, "police_job", last, end, None, ("district_id",)),  # the funnel: every district
    ]


def _kpis(t, start: pd.Timestamp, stop: pd.Timestamp):
    e = t["events"]
    e = e[(e["start_at"] >= start) & (e["start_at"] < stop)]
    held = e[e["status"] == "held"]
    events = pd.DataFrame(
        {
            "held": held.groupby("district_id").size(),
            "cancelled": e[e["status"] == "cancelled"].groupby("district_id").size(),
            "attendance": held.groupby("district_id")["attendance"].sum(),
            "groups": held.groupby("district_id")["audience_group"].nunique(),
        }
    )
    c = t["concerns"]
    c = c[(c["raised_on"] >= start) & (c["raised_on"] < stop)]
    closed = c["action_on"].notna() & c["told_on"].notna() & (c["told_on"] <= c["raised_on"] + pd.Timedelta(days=60))
    concerns = c.assign(closed=closed).groupby("district_id").agg(raised=("closed", "size"), closed=("closed", "sum"))
    m = t["monthly"]
    m = m[(m["month_start"] >= start) & (m["month_start"] < stop)].merge(t["accounts"], on="account_id")
    social = m.groupby("district_id")[["reach", "engagements", "impressions"]].sum()
    return events, concerns, social


def star_chamber(t, districts, first, end):
    district, last = districts[0], _ts(end, -3)
    out = []
    for q in t["questions"]["question_id"]:  # the scorecard: district over a year, force in the quarter
        out.append(_sums(t, q, _ts(last, -12), end, [district], ("district_id",)))
        out.append(_sums(t, q, last, end))
    out.append(_kpis(t, last, pd.Timestamp(end)))  # engagement and social figures, and a year before
    out.append(_kpis(t, _ts(last, -12), _ts(end, -12)))
    compare = districts[:3]  # the side-by-side trend
    out.append(_sums(t, "police_job", _ts(last, -33), end, compare, ("district_id",)))
    out.append(_sums(t, "police_job", _ts(last, -33), end))
    a = t["actions"].merge(t["meetings"][["meeting_id", "meeting_date"]], on="meeting_id")
    out.append(a[(a["district_id"] == district) & (a["meeting_date"] <= pd.Timestamp(end))])
    return out


def activity(t, districts, first, end):
    e = t["events"]
    in_range = (e["start_at"] >= pd.Timestamp(first)) & (e["start_at"] < pd.Timestamp(end))
    f = e[in_range & e["district_id"].isin(districts)]
    keys = ["district_id", "activity_type", "status", "online", "audience_group"]
    counts = (
        f.assign(located=f["lat"].notna())
        .groupby(keys, dropna=False, observed=True)
        .agg(
            events=("event_id", "size"),
            located=("located", "sum"),
            attendance=("attendance", "sum"),
            concerns=("concerns_raised", "sum"),
            actions=("actions_taken", "sum"),
        )
    )
    held = f[f["status"] == "held"]
    summary = held.groupby("district_id").agg(
        held=("event_id", "size"), attendance=("attendance", "sum"), concerns=("concerns_raised", "sum")
    )
    mix = held.groupby(["district_id", "activity_type"]).size()
    groups = held.groupby("district_id")["audience_group"].unique()
    located = f[f["lat"].notna()]
    points = located.sample(min(len(located), MAX_POINTS), random_state=1) if len(located) else located
    # Towns without a face-to-face event held in the 6 months to the range's end, its last day included.
    until = _ts(end, 0)
    g = e[e["district_id"].isin(districts) & (e["status"] == "held") & ~e["online"] & e["town"].notna()]
    g = g[g["start_at"] < until]
    last_visit = g.groupby(["district_id", "town"])["start_at"].max()
    gaps = last_visit[last_visit < until - pd.DateOffset(months=6)]
    mv = t["map_views"]
    mv = mv[(mv["month_start"] >= pd.Timestamp(first)) & (mv["month_start"] < pd.Timestamp(end))]
    views = mv.groupby("district_id")["views"].sum(), mv.groupby(["month_start", "district_id"])["views"].sum()
    return counts, summary, mix, points, groups, gaps, views


def social(t, districts, first, end):
    acc = t["accounts"]
    acc = acc[acc["district_id"].isna() | acc["district_id"].isin(districts)]
    m = t["monthly"]
    m = m[(m["month_start"] >= pd.Timestamp(first)) & (m["month_start"] < pd.Timestamp(end))]
    m = m.merge(acc, on="account_id")
    by_account = m.groupby("account_id")[["followers", "reach", "impressions", "engagements", "posts"]].sum()
    by_district = m.groupby("district_id", dropna=False)[["reach", "impressions", "engagements", "posts"]].sum()
    p = t["posts"]
    p = p[(p["posted_at"] >= pd.Timestamp(first)) & (p["posted_at"] < pd.Timestamp(end))]
    p = p.merge(acc[["account_id", "district_id", "platform", "name"]], on="account_id")
    top = p.nlargest(10, "reach")
    tags = p.groupby(["district_id", "tag"], dropna=False)["reach"].median()
    overall = p.groupby("district_id", dropna=False)["reach"].median()
    informed = _sums(t, "feel_informed", first, end, districts, ("district_id",))
    return by_account, by_district, top, tags, overall, informed


PAGES = {
    "overview": overview,
    "trends": trends,
    "star_chamber": star_chamber,
    "activity_map": activity,
    "social": social,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--districts", required=True, help="comma-separated district ids of the filter")
    parser.add_argument("--first", default="2024-10-01")
    parser.add_argument("--end", default="2026-10-01")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    tables = load(args.data_dir)
    loaded = time.perf_counter() - start
    districts = args.districts.split(",")
    first, end = date.fromisoformat(args.first), date.fromisoformat(args.end)
    pages = {}
    for name, fn in PAGES.items():
        times = []
        for i in range(args.repeats):
            chosen = districts[: len(districts) - (i % 2)] or districts  # a new filter each time, as a user
            t0 = time.perf_counter()
            fn(tables, chosen, first, end)
            times.append(time.perf_counter() - t0)
        pages[name] = 1000 * statistics.median(times)
    peak = peak_rss_mib()
    print(json.dumps({"load_s": loaded, "page_ms": pages, "peak_rss_mib": peak}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
