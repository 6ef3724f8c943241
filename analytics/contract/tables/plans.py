"""District Engagement Plans' table."""

from __future__ import annotations

from analytics.contract.tables import _c
from analytics.contract.types import Table
from analytics.contract.vocabulary import AUDIENCE_GROUPS, PLAN_ITEMS, STRANDS

ENGAGEMENT_PLANS = Table(
    "engagement_plans",
    "District Engagement Plans: one row per line of a district's plan for a quarter (Listen, Act, Tell), what "
    "it commits to do and how often. The Data page's plan template is a workbook of these columns, pre-filled "
    "from the district's last plan, with the allowed values as drop-down lists; it is imported as this table.",
    (
        _c("district_id", "VARCHAR", "District whose plan it is."),
        _c(
            "quarter_start",
            "DATE",
            "First day of the (financial) quarter the plan covers.",
            period="quarter",
            planned=True,
        ),
        _c("line", "SMALLINT", "Line number within the district's plan for the quarter.", minimum=1),
        _c("strand", "VARCHAR", "Listen, Act or Tell strand the line belongs to.", enum=STRANDS),
        _c(
            "what",
            "VARCHAR",
            "What is promised: an activity type (events of that type held) or a Tell channel (concerns told "
            "back that way; for Social post, posts tagged 'You said, we did').",
            enum=PLAN_ITEMS,
        ),
        _c("how_many", "INTEGER", "How many in the quarter.", minimum=1),
        _c(
            "audience_group",
            "VARCHAR",
            "Audience the events are for, where it matters (null: any audience).",
            nullable=True,
            enum=AUDIENCE_GROUPS,
        ),
        _c("owner", "VARCHAR", "Who is responsible (role)."),
        _c("note", "VARCHAR", "Free-text note (where, with whom, why).", nullable=True),
    ),
    key=("district_id", "quarter_start", "line"),
    sort_by=("quarter_start", "district_id", "line"),
    optional=True,
    date_column="quarter_start",
)
