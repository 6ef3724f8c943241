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

from bench.record import peak_rss_mib

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
        "posts": pd.read_parquet(data_dir / "social_posts.parquet"),
        "monthly": pd.read_parquet(data_dir / "social_monthly.parquet"),
        "accounts": pd.read_parquet(data_dir / "social_accounts.parquet"),
        "districts": pd.read_parquet(data_dir / "districts.parquet"),
    }
    t["survey"]["interview_date"] = pd.to_datetime(t["survey"]["interview_date"])
    t["events"]["start_at"] = pd.to_datetime(t["events"]["start_at"])
    return t


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


def overview(t, districts, first, end):
    out = [_sums(t, q, first, end) for q in t["questions"]["question_id"]]
    out.append(_sums(t, "police_job", first, end, districts, ("district_id",)))
    return out


def trends(t, districts, first, end):
    return [
        _sums(t, "police_job", first, end, districts, ("district_id",)),
        _sums(t, "police_job", first, end),
        _sums(t, "police_job", first, end, districts[:1], ("age_band",)),
    ]


def star_chamber(t, districts, first, end):
    return [_sums(t, q, first, end, districts[:1]) for q in t["questions"]["question_id"]] + [
        _sums(t, q, first, end) for q in t["questions"]["question_id"]
    ]


def activity(t, districts, first, end):
    e = t["events"]
    in_range = (e["start_at"] >= pd.Timestamp(first)) & (e["start_at"] < pd.Timestamp(end))
    f = e[in_range & e["district_id"].isin(districts)]
    held = f[f["status"] == "held"]
    summary = held.groupby("district_id").agg(
        held=("event_id", "size"), attendance=("attendance", "sum"), concerns=("concerns_raised", "sum")
    )
    mix = held.groupby(["district_id", "activity_type"]).size()
    located = f[f["lat"].notna()]
    points = located.sample(min(len(located), 20_000), random_state=1) if len(located) else located
    groups = held.groupby("district_id")["audience_group"].unique()
    return summary, mix, points, groups


def social(t, districts, first, end):
    acc = t["accounts"][t["accounts"]["district_id"].isin(districts)]
    p = t["posts"]
    p = p[p["account_id"].isin(acc["account_id"])]
    posted = pd.to_datetime(p["posted_at"])
    p = p[(posted >= pd.Timestamp(first)) & (posted < pd.Timestamp(end))]
    m = t["monthly"]
    m = m[m["account_id"].isin(acc["account_id"])]
    return p.nlargest(10, "reach"), m.groupby("account_id")[["followers", "reach"]].sum()


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
