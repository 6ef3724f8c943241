"""Planned against delivered: each District Engagement Plan line matched with what the data shows was done in
its district and quarter.

The rule (``MATCH_RULE``, shown on the page and in the pack) is decided here once; the delivery words are in
``analytics.verdicts``. Events belong to the quarter they start in; concerns to the quarter they were told back
in; posts to the quarter they were published in.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.contract.vocabulary import ACTIVITY_TYPES, STRANDS, TELL_CHANNELS, YOU_SAID_WE_DID
from analytics.periods import add_quarters
from analytics.storage.db import Database
from analytics.verdicts import delivery_verdict

SOCIAL_POST = "Social post"  # the Tell channel counted from posts tagged YOU_SAID_WE_DID
MATCH_RULE = (
    "An activity line counts the district's events of that type held in the quarter (for the audience it names; "
    "a line naming no audience counts the audiences no other line of that type names). Cancelled events are "
    "counted apart and never as delivered. A Tell line counts the district's concerns told back in the quarter "
    f"through that channel; a {SOCIAL_POST} line counts posts tagged \u201c{YOU_SAID_WE_DID}\u201d published by "
    "the district's own accounts in the quarter."
)
# What a line's count is of, for sentences and column notes.
UNITS = {**{t: "events" for t in ACTIVITY_TYPES}, **{c: "concerns told back" for c in TELL_CHANNELS}}
UNITS[SOCIAL_POST] = f"\u201c{YOU_SAID_WE_DID}\u201d posts"

# Events, concerns told back and tagged posts per district, quarter and item, for the lines asked about. The
# lines come in as a table of (district_id, quarter_start) pairs so one query answers any set of plans. Each is
# counted from its quarterly rollup (events per district, quarter, type, audience and status; concerns told per
# district, quarter and channel; posts per account, quarter and tag: plans' quarters start on the first day, so
# the rollups answer exactly), a few thousand rows instead of every event, concern and post. Events are summed
# only for the (district, quarter, type) the lines name: for a force's summary (one quarter of every district, a
# year of one) summing the range's whole rollup first took two thirds of the query.
_DELIVERY_SQL = """
WITH p AS (
    SELECT pl.* FROM engagement_plans pl
    JOIN (SELECT unnest($districts) AS district_id, unnest($quarters) AS quarter_start) w
      USING (district_id, quarter_start)
    WHERE pl.quarter_start >= $first AND pl.quarter_start < $end
),
named AS (
    SELECT DISTINCT district_id, quarter_start, what, audience_group FROM p WHERE audience_group IS NOT NULL
),
ev AS (
    SELECT e.district_id, e.quarter_start, e.activity_type AS what, e.audience_group, e.status, sum(e.events) AS n
    FROM event_quarter_sums e
    SEMI JOIN (SELECT DISTINCT district_id, quarter_start, what FROM p) k
      ON e.district_id = k.district_id AND e.quarter_start = k.quarter_start AND e.activity_type = k.what
    WHERE e.quarter_start >= $first AND e.quarter_start < $end
    GROUP BY ALL
),
by_events AS (
    SELECT p.district_id, p.quarter_start, p.line,
           sum(ev.n) FILTER (WHERE ev.status = 'held') AS held,
           sum(ev.n) FILTER (WHERE ev.status = 'cancelled') AS cancelled,
           sum(ev.n) FILTER (WHERE ev.status = 'planned') AS booked
    FROM p JOIN ev
      ON ev.district_id = p.district_id AND ev.quarter_start = p.quarter_start AND ev.what = p.what
     AND (ev.audience_group = p.audience_group
          OR (p.audience_group IS NULL AND NOT EXISTS (
              SELECT 1 FROM named nm
              WHERE nm.district_id = ev.district_id AND nm.quarter_start = ev.quarter_start
                AND nm.what = ev.what AND nm.audience_group = ev.audience_group)))
    GROUP BY ALL
),
told AS (
    SELECT district_id, quarter_start, tell_channel AS what, sum(told) AS n
    FROM concern_told_quarters
    WHERE quarter_start >= $first AND quarter_start < $end AND list_contains($district_list, district_id)
      AND tell_channel <> $social_post
    GROUP BY ALL
),
posted AS (
    SELECT a.district_id, s.quarter_start, $social_post AS what, sum(s.posts) AS n
    FROM post_quarter_tags s JOIN social_accounts a USING (account_id)
    WHERE s.quarter_start >= $first AND s.quarter_start < $end AND s.tag = $tag
      AND list_contains($district_list, a.district_id)
    GROUP BY ALL
),
tell AS (SELECT * FROM told UNION ALL SELECT * FROM posted)
SELECT p.district_id, p.quarter_start, p.line, p.strand, p.what, p.how_many, p.audience_group, p.owner, p.note,
       CAST(coalesce(e.held, t.n, 0) AS BIGINT) AS delivered,
       CAST(coalesce(e.cancelled, 0) AS BIGINT) AS cancelled,
       CAST(coalesce(e.booked, 0) AS BIGINT) AS booked
FROM p
LEFT JOIN by_events e USING (district_id, quarter_start, line)
LEFT JOIN tell t ON list_contains($channels, p.what) AND t.district_id = p.district_id
     AND t.quarter_start = p.quarter_start AND t.what = p.what
ORDER BY p.district_id, p.quarter_start, p.line
"""
LINE_COLUMNS = [
    "district_id",
    "quarter_start",
    "line",
    "strand",
    "what",
    "how_many",
    "audience_group",
    "owner",
    "note",
    "delivered",
    "cancelled",
    "booked",
    "verdict",
]


def line_delivery(db: Database, pairs: list[tuple[str, date]]) -> pd.DataFrame:
    """Every plan line of the given (district, quarter) pairs with what was delivered, cancelled and still booked,
    and its delivery code (``verdict``); ordered by district, quarter and line."""
    if not pairs:
        return pd.DataFrame(columns=LINE_COLUMNS)
    districts = [d for d, _ in pairs]
    quarters = [q for _, q in pairs]
    params = {
        "districts": districts,
        "quarters": quarters,
        "district_list": sorted(set(districts)),
        "first": min(quarters),
        "end": add_quarters(max(quarters), 1),
        "social_post": SOCIAL_POST,
        "tag": YOU_SAID_WE_DID,
        "channels": list(TELL_CHANNELS),
    }
    df = db.query(_DELIVERY_SQL, params)
    df["quarter_start"] = pd.to_datetime(df["quarter_start"]).dt.date
    df["verdict"] = [delivery_verdict(int(p), int(d)) for p, d in zip(df["how_many"], df["delivered"], strict=True)]
    return df[LINE_COLUMNS].reset_index(drop=True)


def credited(lines: pd.DataFrame) -> pd.Series:
    """What each line counts towards its plan's share: what was delivered, up to what was planned."""
    return lines[["delivered", "how_many"]].min(axis=1)


def share_delivered(lines: pd.DataFrame) -> float:
    """The share (0 to 1) of the planned total delivered, each line counted up to its plan; NaN with no lines."""
    planned = lines["how_many"].sum() if len(lines) else 0
    return float(credited(lines).sum() / planned) if planned else float("nan")


def strand_summary(lines: pd.DataFrame) -> pd.DataFrame:
    """Per strand (in Listen, Act, Tell order) and overall: lines, planned, delivered, cancelled and the share of
    the plan delivered (each line counted up to its plan, as ``share_delivered``)."""
    # Summed over whole columns read once: a plan is a dozen lines or so, and filtering the frame strand by strand
    # took 7 ms a plan, this about 2 (the Star Chamber page summarises two plans on every run).
    columns = [lines[c].tolist() for c in ("strand", "how_many", "delivered", "cancelled")]
    columns.append(credited(lines).tolist())  # each line up to its plan, as everywhere else
    totals: dict[str | None, list[int]] = {}  # strand (None: overall) -> lines, planned, delivered, cancelled, credited
    for strand, *figures in zip(*columns, strict=True):
        for key in (strand, None):
            t = totals.setdefault(key, [0, 0, 0, 0, 0])
            t[0] += 1
            for i, value in enumerate(figures, start=1):
                t[i] += int(value)
    rows = []
    for strand in [*STRANDS, None]:
        if strand is not None and strand not in totals:
            continue
        n, planned, delivered, cancelled, credited_total = totals.get(strand, [0, 0, 0, 0, 0])
        share = credited_total / planned if planned else float("nan")
        rows.append(
            {
                "strand": strand or "Overall",
                "lines": n,
                "planned": planned,
                "delivered": delivered,
                "cancelled": cancelled,
                "share": share,
            }
        )
    return pd.DataFrame(rows, columns=["strand", "lines", "planned", "delivered", "cancelled", "share"])


def force_delivery(db: Database, quarter: date, district_ids: list[str]) -> pd.DataFrame:
    """Every district's delivery of its plan for ``quarter``: the share overall and per strand, lines short of
    plan and cancelled events (a district without a plan has a row saying so: ``lines`` 0)."""
    return force_summary(line_delivery(db, [(d, quarter) for d in district_ids]), district_ids)


def force_summary(lines: pd.DataFrame, district_ids: list[str]) -> pd.DataFrame:
    """``force_delivery`` from one quarter's plan lines (``line_delivery``'s rows) of ``district_ids``: a row per
    district in that order, as ``share_delivered`` and ``strand_summary`` count them. Grouped once, not filtered
    district by district (300 districts took about a second that way)."""
    mine = lines[lines["district_id"].isin(district_ids)]
    frame = pd.DataFrame(
        {
            "district_id": mine["district_id"].to_numpy(),
            "strand": mine["strand"].to_numpy(),
            "how_many": mine["how_many"].to_numpy(dtype="int64"),
            "credited": credited(mine).to_numpy(dtype="int64"),
            "short": mine["verdict"].isin(["not delivered", "part delivered"]).to_numpy(dtype="int64"),
            "cancelled": mine["cancelled"].to_numpy(dtype="int64"),
        }
    )
    counts = ["how_many", "credited", "short", "cancelled"]
    by_district = frame.groupby("district_id")
    per = by_district[counts].sum().reindex(district_ids, fill_value=0)
    sizes = by_district.size().reindex(district_ids, fill_value=0)
    by_strand = frame.groupby(["strand", "district_id"])[["how_many", "credited"]].sum()

    def share(totals: pd.DataFrame) -> pd.Series:
        return totals["credited"] / totals["how_many"].where(totals["how_many"] != 0)

    out = pd.DataFrame({"district_id": list(district_ids), "lines": sizes.to_numpy(dtype="int64")})
    out["share"] = share(per).to_numpy(dtype=float)
    out["planned"], out["credited"] = per["how_many"].to_numpy(dtype="int64"), per["credited"].to_numpy(dtype="int64")
    for strand in STRANDS:
        part = by_strand.loc[strand] if strand in by_strand.index.get_level_values(0) else by_strand.iloc[0:0]
        out[strand] = share(part.reindex(district_ids)).to_numpy(dtype=float)
    out["short"], out["cancelled"] = per["short"].to_numpy(dtype="int64"), per["cancelled"].to_numpy(dtype="int64")
    return out


def force_share(force: pd.DataFrame) -> float:
    """The share of every district's plans delivered together (``force_delivery``'s rows), each line counted up to
    its plan; NaN when no district has a plan."""
    planned = force["planned"].sum() if len(force) else 0
    return float(force["credited"].sum() / planned) if planned else float("nan")
