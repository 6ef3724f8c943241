"""The Star Chamber's tables: its meetings and the actions they set."""

from __future__ import annotations

from analytics.contract.tables import _c
from analytics.contract.types import Table
from analytics.contract.vocabulary import ACTION_STATUSES, MEETING_THEMES

STAR_CHAMBER_MEETINGS = Table(
    "star_chamber_meetings",
    "One row per Star Chamber meeting (one district presenting to the panel).",
    (
        _c("meeting_id", "VARCHAR", "Identifier of the meeting."),
        _c("meeting_date", "DATE", "Date of the meeting.", planned=True),
        _c("district_id", "VARCHAR", "District presenting."),
        _c("chair", "VARCHAR", "Role of the chair."),
        _c("notes", "VARCHAR", "Short public note of the meeting.", nullable=True),
    ),
    key=("meeting_id",),
    sort_by=("meeting_date", "district_id"),
    optional=True,
    date_column="meeting_date",
)

STAR_CHAMBER_ACTIONS = Table(
    "star_chamber_actions",
    "Actions set at Star Chamber meetings and their progress.",
    (
        _c("action_id", "VARCHAR", "Identifier of the action."),
        _c("meeting_id", "VARCHAR", "Meeting that set the action."),
        _c("district_id", "VARCHAR", "District that owns the action."),
        _c("theme", "VARCHAR", "Theme of the action.", enum=MEETING_THEMES),
        _c("text", "VARCHAR", "What is to be done."),
        _c("owner", "VARCHAR", "Who is responsible (role)."),
        _c("due_date", "DATE", "When it is due.", planned=True),
        _c("status", "VARCHAR", "Progress.", enum=ACTION_STATUSES),
        _c("update_note", "VARCHAR", "Latest update.", nullable=True),
        _c("updated_at", "TIMESTAMP", "When the action was last changed."),
        _c("updated_by", "VARCHAR", "Who last changed it."),
        _c("version", "INTEGER", "Edit counter, so concurrent edits are detected.", minimum=1),
    ),
    key=("action_id",),
    sort_by=("due_date", "district_id", "action_id"),
    optional=True,
    date_column="due_date",
)
