"""The exposures the What works page can relate to the survey: a small registry.

Each entry names an engagement figure per district and quarter, its unit (what "one more" means in the
estimate) and how it is read from the data layer's rollups. Adding an exposure is adding an entry: a function
``(db, first quarter, last quarter) -> frame of district_id, quarter_start, value`` and its words. A quarter
with no data for a figure (before the first event, a social month not reported) is missing, never zero.

The share of the District Engagement Plan delivered is read through ``analytics.plans.delivery``, so it is the
share the Star Chamber shows, by the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics.contract.vocabulary import CLOSURE_DAYS, HARD_TO_REACH_GROUPS
from analytics.periods import add_quarters
from analytics.plans import delivery
from analytics.storage.db import Database
from analytics.survey import measures

Reader = Callable[[Database, date, date], pd.DataFrame]


@dataclass(frozen=True)
class Exposure:
    """One engagement figure the page relates to the survey."""

    key: str
    label: str  # the figure, as a table row names it
    unit: str  # what one unit of the estimate is ("per ...")
    per: float  # the figure is divided by this before the estimate (its unit's size)
    read: Reader
    note: str  # how it is counted, for the page and the pack's notes


# Held events per district and quarter (optionally of one activity type); the quarters events data covers.
_EVENTS_SQL = """
SELECT district_id, quarter_start, CAST(sum(events) FILTER (WHERE status = 'held') AS DOUBLE) AS held
FROM event_quarter_sums
WHERE quarter_start BETWEEN $first AND $last AND ($type IS NULL OR activity_type = $type)
GROUP BY ALL
"""
_EVENT_QUARTERS_SQL = """
SELECT DISTINCT quarter_start FROM event_quarter_sums WHERE quarter_start BETWEEN $first AND $last
"""
_GROUPS_SQL = """
SELECT district_id, quarter_start,
       CAST(count(DISTINCT audience_group) FILTER (WHERE status = 'held' AND list_contains($hard, audience_group))
            AS DOUBLE) AS value
FROM event_quarter_sums
WHERE quarter_start BETWEEN $first AND $last
GROUP BY ALL
"""
_CLOSURE_SQL = """
SELECT district_id, quarter_start, 100.0 * sum(closed) / sum(raised) AS value
FROM concern_quarter_sums
WHERE quarter_start BETWEEN $first AND $last
GROUP BY ALL
HAVING sum(raised) > 0
"""
# District accounts' reach: per month, summed over the accounts reporting it; per quarter, the monthly average,
# only where all three months have reach from the same number of accounts (a gap leaves the quarter out).
_REACH_SQL = """
WITH monthly AS (
    SELECT a.district_id, m.month_start, sum(m.reach) AS reach, count(m.reach) AS accounts
    FROM social_monthly m JOIN social_accounts a USING (account_id)
    WHERE a.district_id IS NOT NULL AND m.reach IS NOT NULL AND m.month_start >= $first AND m.month_start < $end
    GROUP BY ALL
)
SELECT district_id, CAST(date_trunc('quarter', month_start) AS DATE) AS quarter_start, avg(reach) AS reach
FROM monthly
GROUP BY ALL
HAVING count(*) = 3 AND min(accounts) = max(accounts)
"""


def _per_resident(db: Database, frame: pd.DataFrame, column: str, residents: float) -> pd.DataFrame:
    pop = measures.districts(db).set_index("district_id")["population"].astype(float)
    out = frame.assign(value=frame[column] / frame["district_id"].map(pop) * residents)
    return out[["district_id", "quarter_start", "value"]].dropna()


def _with_quarters(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"]).dt.date
    return frame


def _events(activity_type: str | None) -> Reader:
    def read(db: Database, first: date, last: date) -> pd.DataFrame:
        params = {"first": first, "last": last}
        held = db.query(_EVENTS_SQL, {**params, "type": activity_type})
        # Every district in every quarter the events data covers: a quarter without a held event is a zero.
        quarters = db.query(_EVENT_QUARTERS_SQL, params)["quarter_start"]
        grid = pd.MultiIndex.from_product([measures.districts(db)["district_id"], quarters], names=held.columns[:2])
        held = held.set_index(["district_id", "quarter_start"]).reindex(grid, fill_value=0).reset_index()
        return _with_quarters(_per_resident(db, held.fillna({"held": 0}), "held", 10_000))

    return read


def _groups(db: Database, first: date, last: date) -> pd.DataFrame:
    return _with_quarters(db.query(_GROUPS_SQL, {"first": first, "last": last, "hard": list(HARD_TO_REACH_GROUPS)}))


def _closure(db: Database, first: date, last: date) -> pd.DataFrame:
    return _with_quarters(db.query(_CLOSURE_SQL, {"first": first, "last": last}))


def _reach(db: Database, first: date, last: date) -> pd.DataFrame:
    reach = db.query(_REACH_SQL, {"first": first, "end": add_quarters(last, 1)})
    return _with_quarters(_per_resident(db, reach, "reach", 1_000))


_PLANNED_SQL = """
SELECT DISTINCT district_id, quarter_start FROM engagement_plans WHERE quarter_start BETWEEN $first AND $last
"""


def _plan_delivered(db: Database, first: date, last: date) -> pd.DataFrame:
    """Per district and quarter with a plan: the percentage of it delivered (each line up to what it planned)."""
    planned = _with_quarters(db.query(_PLANNED_SQL, {"first": first, "last": last}))
    lines = delivery.line_delivery(db, list(zip(planned["district_id"], planned["quarter_start"], strict=True)))
    if lines.empty:
        return pd.DataFrame(columns=["district_id", "quarter_start", "value"])
    shares = [
        (district_id, quarter, 100 * delivery.share_delivered(group))
        for (district_id, quarter), group in lines.groupby(["district_id", "quarter_start"], sort=True)
    ]
    return pd.DataFrame(shares, columns=["district_id", "quarter_start", "value"]).dropna()


def events_of_type(activity_type: str) -> Exposure:
    """Held events of one activity type per 10,000 residents."""
    return Exposure(
        key=f"events_per_10k:{activity_type}",
        label=f"{activity_type} events per 10,000 residents",
        unit=f"per extra {activity_type.lower()} event per 10,000 residents",
        per=1.0,
        read=_events(activity_type),
        note=f"{activity_type} events held in the quarter per 10,000 residents of the district.",
    )


EVENTS = Exposure(
    key="events_per_10k",
    label="Events per 10,000 residents",
    unit="per extra event per 10,000 residents",
    per=1.0,
    read=_events(None),
    note="Engagement events held in the quarter (every activity type, online too) per 10,000 residents.",
)
EXPOSURES: tuple[Exposure, ...] = (
    EVENTS,
    Exposure(
        key="hard_to_reach_groups",
        label="Hard-to-reach groups reached",
        unit="per extra group reached",
        per=1.0,
        read=_groups,
        note="How many of the hard-to-reach groups ("
        + ", ".join(HARD_TO_REACH_GROUPS)
        + ") an event held in the quarter was aimed at.",
    ),
    Exposure(
        key="loop_closure",
        label='"You said, we did" loop closure',
        unit="per 10 percentage points more concerns closed",
        per=10.0,
        read=_closure,
        note=f"Share of concerns raised in the quarter acted on and told back within {CLOSURE_DAYS} days.",
    ),
    Exposure(
        key="plan_delivered",
        label="District Engagement Plan delivered",
        unit="per 10 percentage points more of the plan delivered",
        per=10.0,
        read=_plan_delivered,
        note="Share of the quarter's District Engagement Plan delivered, each line counted up to what it planned "
        "(the Star Chamber's rule); a quarter without a plan is left out.",
    ),
    Exposure(
        key="social_reach_per_1k",
        label="Social-media reach per 1,000 residents",
        unit="per 100 more people reached a month per 1,000 residents",
        per=100.0,
        read=_reach,
        note="People the district's own accounts reached a month, averaged over the quarter, per 1,000 "
        "residents; a quarter with a month missing is left out.",
    ),
)


def by_key(key: str) -> Exposure:
    """The exposure named ``key`` (``events_per_10k:<activity type>`` for one activity type)."""
    if key.startswith("events_per_10k:"):
        return events_of_type(key.split(":", 1)[1])
    for exposure in EXPOSURES:
        if exposure.key == key:
            return exposure
    raise KeyError(key)


def shown(activity_type: str | None) -> list[Exposure]:
    """The exposures the page shows (and adjusts across): every registered one, with events of
    ``activity_type`` after all events when one is chosen."""
    by_type = [events_of_type(activity_type)] if activity_type else []
    return [EXPOSURES[0], *by_type, *EXPOSURES[1:]]
