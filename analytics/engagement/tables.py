"""The Activity map page's tables as shown: the columns a reader sees, named in words, with figures rounded."""

from __future__ import annotations

import pandas as pd

# The district summary's columns (engagement.activity.district_summary), in the order shown, with their headings.
_DISTRICT_COLUMNS = {
    "name": "District",
    "held": "Events held",
    "per_10k": "Per 10,000 residents",
    "attendance_per_event": "Attendance per event",
    "cancellation_pct": "Cancelled %",
    "concerns_raised": "Concerns raised at events",
    "acted_pct": "Acted on %",
    "reached": "Audience groups reached",
    "missed": "Hard-to-reach groups not reached",
}
_GAP_COLUMNS = {"district": "District", "town": "Town", "last_event": "Last event", "months_since": "Months since"}
_VIEW_COLUMNS = {"name": "District", "views": "Views", "per_1k": "Per 1,000 residents", "flag": "Flag"}
WELL_BELOW = "well below the force"


def district_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per district: events, reach and the groups reached and missed (lists written as text)."""
    table = summary.assign(
        reached=[", ".join(g) for g in summary["groups"]],
        missed=[", ".join(g) for g in summary["hard_to_reach_missed"]],
    )
    return table[list(_DISTRICT_COLUMNS)].rename(columns=_DISTRICT_COLUMNS).round(1)


def gaps_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """Towns not visited lately, with their district and when they last had an event."""
    return gaps.rename(columns=_GAP_COLUMNS)


def map_views_table(views: pd.DataFrame) -> pd.DataFrame:
    """Public map views per district, per 1,000 residents, flagged where well below the force."""
    flagged = views.assign(flag=[WELL_BELOW if w else "" for w in views["well_below"]])
    return flagged[list(_VIEW_COLUMNS)].rename(columns=_VIEW_COLUMNS).round(1)
