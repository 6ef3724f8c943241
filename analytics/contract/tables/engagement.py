"""Engagement's tables: events, the concerns raised ("You said, we did"), and views of the activity map."""

from __future__ import annotations

from analytics.contract.tables import _c
from analytics.contract.types import Table
from analytics.contract.vocabulary import (
    ACTIVITY_TYPES,
    AUDIENCE_GROUPS,
    CONCERN_THEMES,
    EVENT_STATUSES,
    STRANDS,
    TELL_CHANNELS,
)

ENGAGEMENT_EVENTS = Table(
    "engagement_events",
    "One row per engagement event (meeting, pop-up, visit, online session).",
    (
        _c("event_id", "VARCHAR", "Identifier of the event."),
        _c("district_id", "VARCHAR", "District that ran the event."),
        _c("start_at", "TIMESTAMP", "Start date and time (local time).", planned=True),
        _c("end_at", "TIMESTAMP", "End date and time (local time).", planned=True),
        _c("activity_type", "VARCHAR", "Kind of activity.", enum=ACTIVITY_TYPES),
        _c("title", "VARCHAR", "Title as published."),
        _c("venue", "VARCHAR", "Venue name, or the platform for online events.", nullable=True),
        _c("town", "VARCHAR", "Town or place the event served.", nullable=True),
        _c("lat", "DOUBLE", "Latitude (null for online events).", nullable=True, minimum=-90, maximum=90),
        _c("lon", "DOUBLE", "Longitude (null for online events).", nullable=True, minimum=-180, maximum=180),
        _c("online", "BOOLEAN", "True when the event was held online."),
        _c("strand", "VARCHAR", "Listen, Act or Tell strand of the Listen, Act, Tell model.", enum=STRANDS),
        _c("audience_group", "VARCHAR", "Main audience the event was aimed at.", enum=AUDIENCE_GROUPS),
        _c("attendance", "INTEGER", "People who attended (null until held).", nullable=True, minimum=0),
        _c("concerns_raised", "INTEGER", "Concerns raised by the public at the event.", minimum=0),
        _c("actions_taken", "INTEGER", "Concerns from the event that were acted on.", minimum=0),
        _c("status", "VARCHAR", "Planned, held or cancelled.", enum=EVENT_STATUSES),
    ),
    key=("event_id",),
    sort_by=("start_at", "district_id", "event_id"),
    optional=True,
    date_column="start_at",
)

ENGAGEMENT_CONCERNS = Table(
    "engagement_concerns",
    'The "You said, we did" ledger: one row per concern raised by the public.',
    (
        _c("concern_id", "VARCHAR", "Identifier of the concern."),
        _c("event_id", "VARCHAR", "Event where it was raised (null when raised elsewhere).", nullable=True),
        _c("district_id", "VARCHAR", "District the concern belongs to."),
        _c("raised_on", "DATE", "Date the concern was raised."),
        _c("theme", "VARCHAR", "Theme of the concern.", enum=CONCERN_THEMES),
        _c("summary", "VARCHAR", "What the public said."),
        _c("action_taken", "VARCHAR", "What the police did about it.", nullable=True),
        _c("action_on", "DATE", "Date of the action.", nullable=True),
        _c("told_on", "DATE", "Date the public was told what was done (the Tell).", nullable=True),
        _c("tell_channel", "VARCHAR", "How the public was told.", nullable=True, enum=TELL_CHANNELS),
    ),
    key=("concern_id",),
    sort_by=("raised_on", "district_id", "concern_id"),
    optional=True,
    date_column="raised_on",
)

MAP_VIEWS = Table(
    "map_views",
    "Views of the public engagement-activity map, per district per month.",
    (
        _c("district_id", "VARCHAR", "District whose map page was viewed."),
        _c("month_start", "DATE", "First day of the month.", period="month"),
        _c("views", "INTEGER", "Page views in the month.", minimum=0),
    ),
    key=("district_id", "month_start"),
    sort_by=("month_start", "district_id"),
    optional=True,
    date_column="month_start",
)
