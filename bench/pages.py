"""Each page through app.py (AppTest): the server's time for a filter change, and every query it ran.

``python -m bench.pages DATA_DIR --districts a,b,c [--repeats 5] [--engine off]`` prints JSON. It runs
in its own process (the data folder is read from the environment when the app starts), so its peak
memory is the server's for these runs.

A filter change is a new session whose link names a district set not seen before: the filter's
queries miss the cache, as after a user's change, while what does not depend on the filter (the
quarters on offer, the district list) stays cached, as it does in the running app. AppTest cannot
change the sidebar's filter in place (its reruns under st.navigation run the page alone).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

PAGES = {
    "overview": "app_pages/overview.py",
    "trends": "app_pages/trends.py",
    "star_chamber": "app_pages/star_chamber.py",
    "activity_map": "app_pages/activity_map.py",
    "social": "app_pages/social.py",
}
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _run(page: str, districts: list[str], extra: dict):
    from streamlit.testing.v1 import AppTest

    from bench.record import recording

    at = AppTest.from_file(APP, default_timeout=600)
    at.switch_page(page)
    at.query_params["district"] = districts
    for key, value in extra.items():
        at.query_params[key] = value
    with recording() as rec:
        at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return float(at.session_state["_run_seconds"]), rec.queries


def _presenters(db, districts: list[str]) -> list[str]:
    """Districts presenting at the newest Star Chamber, the benchmark's own first, but never the one the page
    opens on (the first by name): each change then reviews a district not reviewed before."""
    from analytics.star_chamber.scorecard import meetings
    from analytics.survey.measures import districts as all_districts

    held = meetings(db)
    newest = held[held["round"] == held["round"].iloc[0]]["district_id"].tolist()
    listed = all_districts(db)
    names = dict(zip(listed["district_id"].tolist(), listed["name"].tolist(), strict=True))
    opening = min(newest, key=names.get)
    ours = [d for d in districts if d in newest and d != opening]
    return ours or [d for d in sorted(newest, key=names.get) if d != opening]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--districts", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engine", choices=["on", "off"], default="on")
    parser.add_argument("--from-quarter", default="2024-25-Q3")
    parser.add_argument("--to-quarter", default="2026-27-Q2")
    args = parser.parse_args(argv)
    os.environ["ENGAGEMENT_DATA_DIR"] = str(args.data_dir.resolve())
    os.environ["ENGAGEMENT_ENGINE"] = args.engine

    from analytics.storage.db import Database
    from bench.record import peak_rss_mib, replay

    db = Database(args.data_dir, use_engine=args.engine == "on")
    districts = args.districts.split(",")
    extra = {"from": args.from_quarter, "to": args.to_quarter}
    out: dict = {"engine": args.engine, "engine_file": db.engine.name if db.engine else None, "pages": {}}
    import streamlit as st

    # These columns time a page working out what a change needs. The Star Chamber reviews the next presenting
    # districts in the background once drawn (ui/cache/star_chamber.py), which would have worked the next change's
    # review out before it (and its queries would be counted here): off in this measurement. The browser
    # measurement runs the app as it is, look-ahead on.
    from ui.cache import star_chamber as star_chamber_cache

    star_chamber_cache.review_ahead = lambda *args, **kwargs: 0
    n = len(districts)
    presenters = _presenters(db, districts)
    for name, page in PAGES.items():
        # Every query the page runs (nothing cached, not even the small tables a Database reads once),
        # each replayed on its own: the page's whole query load.
        st.cache_data.clear()
        st.cache_resource.clear()
        _, cold = _run(page, districts, extra)
        every = replay(db, cold, max(args.repeats, 5))
        runs, queries = [], []
        for i in range(args.repeats):
            chosen = [d for j, d in enumerate(districts) if j != i % n]
            # The Star Chamber follows its presenting district, not the sidebar's: a new one each time, as the panel
            # moves from one district to the next (never the one it opened on).
            own = {"presenting": presenters[i % len(presenters)]} if name == "star_chamber" else {}
            seconds, queries = _run(page, chosen, extra | own)
            runs.append(seconds)
        # A change may run no query: the trends figures are cached per policing area, so a district change
        # within one reads them from the cache (ui/cache/survey.py).
        # Each query of the last change, replayed on its own: its median and the sum for the page.
        timed = replay(db, queries, max(args.repeats, 5))
        out["pages"][name] = {
            "server_run_ms_median": 1000 * statistics.median(runs),
            "queries": timed,
            "queries_total_ms": sum(q["median_ms"] for q in timed),
            "all_queries": every,
            "all_queries_total_ms": sum(q["median_ms"] for q in every),
        }
    out["peak_rss_mib"] = peak_rss_mib()
    out["measured_at"] = time.strftime("%Y-%m-%d %H:%M")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
