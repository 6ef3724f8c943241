"""The engagement activity map's figures: where, what and with whom the force engages.

Filters are lists bound as parameters; an empty list means "no filter on this".
At most MAX_POINTS events go to the browser (pydeck sends points as JSON): above
that a deterministic sample is drawn and the page says so. Counts and sums come
from the events rolled up per district, quarter and category (``event_quarter_sums``),
and the towns' last visits from ``event_town_months`` (see ``analytics.storage.engine``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from analytics.contract.vocabulary import HARD_TO_REACH_GROUPS
from analytics.periods import add_quarters, quarter_start
from analytics.storage import engine
from analytics.storage.db import Database, district_range
from analytics.survey import measures

# Points sent to the map: a repeatable sample beyond this (the tables count every event). Each point is
# a few hundred bytes of JSON for the browser to parse and draw; more would only overplot.
MAX_POINTS = 5_000
# Standard deviations of margin when the sample's query reads only the lowest keys (see map_points): the
# chance that the slice holds too few, and the query runs again over every key, is about one in 10^8.
SAMPLE_MARGIN = 6.0


@dataclass(frozen=True)
class EventFilter:
    """What the map shows: whole quarters (``quarter_from``'s to ``quarter_to``'s), districts and optional
    lists per category."""

    quarter_from: date
    quarter_to: date
    district_ids: tuple[str, ...]
    activity_types: tuple[str, ...] = field(default_factory=tuple)
    strands: tuple[str, ...] = field(default_factory=tuple)
    audiences: tuple[str, ...] = field(default_factory=tuple)
    statuses: tuple[str, ...] = field(default_factory=tuple)

    def params(self) -> dict:
        """The filter as bound SQL parameters."""
        return {
            "f": quarter_start(self.quarter_from),
            "t": add_quarters(quarter_start(self.quarter_to), 1),
            "districts": list(self.district_ids),
            **district_range(self.district_ids),
            "types": list(self.activity_types) or None,
            "strands": list(self.strands) or None,
            "audiences": list(self.audiences) or None,
            "statuses": list(self.statuses) or None,
        }


# Only the column that dates a row differs between the events and their quarterly rollup.
_FILTERS = """
    AND list_contains($districts, e.district_id) AND e.district_id BETWEEN $d_lo AND $d_hi
    AND ($types IS NULL OR list_contains($types, e.activity_type))
    AND ($strands IS NULL OR list_contains($strands, e.strand))
    AND ($audiences IS NULL OR list_contains($audiences, e.audience_group))
    AND ($statuses IS NULL OR list_contains($statuses, e.status))
"""
_WHERE = "e.start_at >= $f AND e.start_at < $t" + _FILTERS
_ROLLUP_WHERE = "e.quarter_start >= $f AND e.quarter_start < $t" + _FILTERS


_COUNTS_SQL = f"""
SELECT e.district_id, e.activity_type, e.status, e.online, e.audience_group,
       CAST(sum(e.events) AS BIGINT) AS events, CAST(sum(e.located) AS BIGINT) AS located,
       sum(e.attendance) AS attendance, sum(e.concerns_raised) AS concerns_raised,
       sum(e.actions_taken) AS actions_taken
FROM event_quarter_sums e
WHERE {_ROLLUP_WHERE}
GROUP BY ALL
"""  # noqa: S608 (the WHERE clause is a constant; every value is bound)


def cancelled_pct(held, cancelled):
    """Events cancelled as a percentage of those held or cancelled (planned ones are not yet either); missing
    when there were none. The one definition: the Star Chamber's KPI and the activity map's table."""
    scheduled = np.asarray(held, dtype=float) + np.asarray(cancelled, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scheduled > 0, 100 * np.asarray(cancelled, dtype=float) / scheduled, np.nan)


def event_counts(db: Database, flt: EventFilter) -> pd.DataFrame:
    """The events in the filter counted and summed per district, activity type, status, online flag and
    audience group: one query from the rollup, from which the map's count, the district summary and the
    activity mix are all worked out. Every status is counted: the map and the mix keep the filter's statuses
    (``in_statuses``), the district table counts held and cancelled events whatever they are."""
    return db.query(_COUNTS_SQL, replace(flt, statuses=()).params())


def in_statuses(counts: pd.DataFrame, flt: EventFilter) -> pd.DataFrame:
    """The rows of ``event_counts`` whose status the filter keeps (all, when it names none)."""
    return counts[counts["status"].isin(flt.statuses)] if flt.statuses else counts


def map_points(db: Database, flt: EventFilter, counts: pd.DataFrame | None = None) -> tuple[pd.DataFrame, int]:
    """Events with a location for the map (at most MAX_POINTS, a repeatable sample: those with the lowest
    sample keys), and how many matched."""
    counts = event_counts(db, flt) if counts is None else counts
    total = int(in_statuses(counts, flt)["located"].sum())
    params = flt.params() | {"limit": MAX_POINTS}
    # Keys are spread evenly over 64 bits, so a slice of the key range holds about that share of the events.
    # Asking only for keys in a slice expected to hold the sample with a wide margin skips reading and sorting
    # the rest; in the rare case it holds too few, the full query gives the same answer.
    reach = MAX_POINTS + SAMPLE_MARGIN * math.sqrt(MAX_POINTS)
    if total > reach:
        below = int(reach / total * 2**64)
        points = db.query(
            _POINTS_SQL.format(slice="AND e.sample_key < CAST($below AS UBIGINT)"), params | {"below": below}
        )
        if len(points) == MAX_POINTS:
            return points, total
    return db.query(_POINTS_SQL.format(slice=""), params), total


# What the map draws and its tooltip shows, and nothing more: fewer columns to read and to send. {slice} is
# empty or a constant condition on the sample key.
_POINTS_SQL = f"""
SELECT e.event_id, e.start_at, e.activity_type, e.title, e.venue, e.audience_group, e.lat, e.lon, e.attendance
FROM {engine.keyed_view("engagement_events")} e
WHERE {_WHERE} AND e.lat IS NOT NULL {{slice}}
ORDER BY e.sample_key, e.event_id
LIMIT $limit
"""  # noqa: S608 (the view and WHERE clause are constants; every value is bound)


def district_summary(db: Database, flt: EventFilter, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per district: events held and per 10,000 residents, attendance, cancellation rate,
    concerns raised at events and acted on, online share, and the audience groups reached.

    Held and cancelled events are counted whatever the status filter (which chooses what the map draws), so
    "Cancelled %" is the Star Chamber's KPI (``cancelled_pct``) for the same districts and quarters."""
    counts = event_counts(db, flt) if counts is None else counts
    held = counts[counts["status"] == "held"]
    per = pd.DataFrame(
        {
            "held": held.groupby("district_id")["events"].sum(),
            "cancelled": counts[counts["status"] == "cancelled"].groupby("district_id")["events"].sum(),
            "online": held[held["online"].fillna(False).astype(bool)].groupby("district_id")["events"].sum(),
            "attendance": held.groupby("district_id")["attendance"].sum(),
            "concerns_raised": held.groupby("district_id")["concerns_raised"].sum(),
            "actions_taken": held.groupby("district_id")["actions_taken"].sum(),
        }
    )
    groups = held.dropna(subset=["audience_group"]).groupby("district_id")["audience_group"].unique()
    d = measures.districts(db)
    df = d.loc[d["district_id"].isin(flt.district_ids), ["district_id", "name", "population"]]
    df = df.merge(per, left_on="district_id", right_index=True, how="left").reset_index(drop=True)
    for col in ("held", "cancelled", "online"):
        df[col] = df[col].fillna(0).astype("int64")
    for col in ("attendance", "concerns_raised", "actions_taken"):
        df[col] = df[col].astype(float).fillna(0.0)
    df["groups"] = [sorted(groups.get(did, [])) for did in df["district_id"]]
    df["per_10k"] = 10_000 * df["held"] / df["population"]
    df["attendance_per_event"] = df["attendance"] / df["held"].where(df["held"] > 0)
    df["cancellation_pct"] = cancelled_pct(df["held"], df["cancelled"])
    df["acted_pct"] = 100 * df["actions_taken"] / df["concerns_raised"].where(df["concerns_raised"] > 0)
    df["hard_to_reach_reached"] = [sorted(set(g) & set(HARD_TO_REACH_GROUPS)) for g in df["groups"]]
    df["hard_to_reach_missed"] = [sorted(set(HARD_TO_REACH_GROUPS) - set(g)) for g in df["groups"]]
    return df


def activity_mix(db: Database, flt: EventFilter, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Events held per district and activity type."""
    counts = in_statuses(event_counts(db, flt) if counts is None else counts, flt)
    held = counts[counts["status"] == "held"]
    names = measures.districts(db).set_index("district_id")["name"]
    mix = held.assign(name=held["district_id"].map(names)).dropna(subset=["name"])
    out = mix.groupby(["name", "activity_type"], as_index=False)["events"].sum()
    return out.sort_values(["name", "activity_type", "events"]).reset_index(drop=True)


def engagement_gaps(db: Database, district_ids: Sequence[str], as_of: date, months: int) -> pd.DataFrame:
    """Towns that have had events before but no held face-to-face event in the ``months`` to ``as_of``, that
    day included (the page's "to the end of the range": an event on the range's last day is a visit)."""
    day = pd.Timestamp(as_of)
    until = day + pd.Timedelta(days=1)  # the first moment after as_of
    since = until - pd.DateOffset(months=months)
    # Whole months before as_of's month from the rollup; the days of its own month, as_of's included, from the events.
    df = db.query(
        """
        WITH last AS (
            SELECT t.district_id, t.town, t.last_at
            FROM event_town_months t
            WHERE list_contains($districts, t.district_id) AND t.district_id BETWEEN $d_lo AND $d_hi
              AND t.month_start < $month
            UNION ALL
            SELECT e.district_id, e.town, e.start_at
            FROM engagement_events e
            WHERE list_contains($districts, e.district_id) AND e.district_id BETWEEN $d_lo AND $d_hi
              AND e.start_at >= $month AND e.start_at < $until
              AND e.status = 'held' AND NOT e.online AND e.town IS NOT NULL
        )
        SELECT d.name AS district, l.town, max(l.last_at) AS last_event
        FROM last l JOIN districts d USING (district_id)
        GROUP BY ALL
        HAVING max(l.last_at) < $since
        ORDER BY last_event, district, l.town
        """,
        {
            "districts": list(district_ids),
            **district_range(district_ids),
            "until": until,
            "month": day.to_period("M").start_time,
            "since": since,
        },
    )
    df["months_since"] = [(as_of.year - d.year) * 12 + as_of.month - d.month for d in pd.to_datetime(df["last_event"])]
    return df


def map_views_in_range(db: Database, flt: EventFilter) -> pd.DataFrame:
    """Every district's public map views per month in the filter's quarters, with its name and population: one
    read of the small table, from which ``map_views`` and ``map_views_monthly`` are both worked out. Views of a
    district missing from the districts table are left out (they are no district's, and not the force's)."""
    rows = db.query(
        """
        SELECT v.month_start, v.district_id, v.views
        FROM map_views v
        WHERE v.month_start >= $f AND v.month_start < $t
        """,
        {"f": flt.quarter_from, "t": add_quarters(flt.quarter_to, 1)},
    )
    d = measures.districts(db)[["district_id", "name", "population"]]
    return rows.merge(d, on="district_id", how="inner")


def map_views(
    db: Database, flt: EventFilter, flag_ratio: float = 0.75, in_range: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Public map views per chosen district in the range, per 1,000 residents; flagged when under ``flag_ratio``
    of the force's rate. ``in_range``: ``map_views_in_range``'s answer, when the caller has it."""
    rows = map_views_in_range(db, flt) if in_range is None else in_range
    d = measures.districts(db)[["district_id", "name", "population"]]
    df = d.assign(views=d["district_id"].map(rows.groupby("district_id")["views"].sum()).fillna(0).astype("int64"))
    force_rate = 1_000 * df["views"].sum() / df["population"].sum()
    df["per_1k"] = 1_000 * df["views"] / df["population"]
    df["force_per_1k"] = force_rate
    df["well_below"] = df["per_1k"] < flag_ratio * force_rate
    return df[df["district_id"].isin(flt.district_ids)].reset_index(drop=True)


def map_views_monthly(db: Database, flt: EventFilter, in_range: pd.DataFrame | None = None) -> pd.DataFrame:
    """Public map views per 1,000 residents per chosen district per month, with the force's rate that month.
    ``in_range``: ``map_views_in_range``'s answer, when the caller has it."""
    rows = map_views_in_range(db, flt) if in_range is None else in_range
    force_views = rows.groupby("month_start")["views"].transform("sum")
    population = measures.districts(db)["population"].sum()
    df = rows.assign(per_1k=1000.0 * rows["views"] / rows["population"], force_per_1k=1000.0 * force_views / population)
    df = df[df["district_id"].isin(flt.district_ids)]
    columns = ["month_start", "district_id", "name", "views", "per_1k", "force_per_1k"]
    return df.sort_values(["month_start", "name"], kind="stable")[columns].reset_index(drop=True)
