"""The data contract (version CONTRACT_VERSION): every table, column, type, enum and description.

This module is the single source of truth. The demo generator, the data layer's
views and casts, the importer and the tests all read it. Nothing here is
specific to one force: districts, questions and benchmark groups are data.
"""

from __future__ import annotations

from analytics.contract.rules import figure_source
from analytics.contract.types import Column, Table  # re-exported: callers find them here
from analytics.contract.vocabulary import (  # re-exported: the contract's enums and questions
    ACTION_STATUSES,
    ACTIVITY_TYPES,
    AGE_BANDS,
    ANNOTATION_KINDS,
    AUDIENCE_GROUPS,
    BENCHMARK_GROUPS,
    CONCERN_THEMES,
    ETHNIC_GROUPS,
    EVENT_STATUSES,
    MEETING_THEMES,
    PLAN_ITEMS,
    PLATFORMS,
    POST_TAGS,
    SEXES,
    SOCIAL_FIGURES,
    SOCIAL_SOURCES,
    STRANDS,
    TELL_CHANNELS,
)

CONTRACT_VERSION = "4"


def _c(name: str, type_: str, description: str, **kw) -> Column:
    return Column(name, type_, description, **kw)


TABLES: dict[str, Table] = {}


def _register(table: Table) -> Table:
    TABLES[table.name] = table
    return table


DISTRICTS = _register(
    Table(
        "districts",
        "One row per policing district.",
        (
            _c("district_id", "VARCHAR", "Stable identifier used in URLs and joins (lower-case slug)."),
            _c("name", "VARCHAR", "Display name of the district."),
            _c("lpa", "VARCHAR", "Local policing area the district belongs to."),
            _c("population", "INTEGER", "Resident population used for per-resident rates.", minimum=1),
            _c("lat", "DOUBLE", "Latitude of the district's centre (WGS84).", minimum=-90, maximum=90),
            _c("lon", "DOUBLE", "Longitude of the district's centre (WGS84).", minimum=-180, maximum=180),
            _c("tile_row", "SMALLINT", "Row of the district on the tile map (0 at the top).", minimum=0),
            _c("tile_col", "SMALLINT", "Column of the district on the tile map (0 at the left).", minimum=0),
            _c(
                "lad_codes",
                "VARCHAR[]",
                "ONS local authority district codes the district covers, so boundary files join by code.",
            ),
        ),
        key=("district_id",),
        sort_by=("district_id",),
    )
)

SURVEY_QUESTIONS = _register(
    Table(
        "survey_questions",
        "One row per survey question, with its ordered answers and which count as positive.",
        (
            _c("question_id", "VARCHAR", "Stable identifier of the question (part of the contract)."),
            _c("short_label", "VARCHAR", "Short label for charts and tiles."),
            _c("wording", "VARCHAR", "Full question wording as asked."),
            _c("answers", "VARCHAR[]", "Answer labels in the order they are offered."),
            _c("positive_answers", "VARCHAR[]", "Answers that count towards the measure's percentage."),
            _c(
                "exclude_dont_know",
                "BOOLEAN",
                'True when "Don\'t know" is left out of the base; false (the default) keeps it in.',
            ),
            _c("sort_order", "SMALLINT", "Display order of the question."),
        ),
        key=("question_id",),
        sort_by=("sort_order",),
    )
)

SURVEY_RESPONSES = _register(
    Table(
        "survey_responses",
        "One row per respondent per question of the public-perception survey.",
        (
            _c("response_id", "VARCHAR", "Identifier of one interview (shared by its answers)."),
            _c("interview_date", "DATE", "Date of the interview."),
            _c("district_id", "VARCHAR", "District the respondent lives in."),
            _c(
                "lad_code",
                "VARCHAR",
                "ONS local authority district code of the respondent, where known; one of the district's lad_codes.",
                nullable=True,
            ),
            _c(
                "weight",
                "DOUBLE",
                "Survey weight (design and demographic correction); one more than 20 times the file's median "
                "is reported for checking.",
                minimum=0,
                above_minimum=True,
            ),
            _c("age_band", "VARCHAR", "Age band of the respondent.", enum=AGE_BANDS),
            _c("sex", "VARCHAR", "Sex of the respondent.", enum=SEXES),
            _c("ethnic_group", "VARCHAR", "Ethnic group of the respondent.", enum=ETHNIC_GROUPS),
            _c("question_id", "VARCHAR", "Question answered (see survey_questions)."),
            _c("answer", "VARCHAR", "Answer given, one of the question's answer labels."),
        ),
        key=("response_id", "question_id"),
        sort_by=("interview_date", "district_id", "response_id", "question_id"),
        date_column="interview_date",
    )
)

BENCHMARKS = _register(
    Table(
        "benchmarks",
        "Comparator figures by quarter, question and group (Most Similar Group, national).",
        (
            _c("quarter_start", "DATE", "First day of the quarter the figure refers to.", period="quarter"),
            _c("question_id", "VARCHAR", "Question the figure refers to."),
            _c("group_id", "VARCHAR", "Comparator group.", enum=BENCHMARK_GROUPS),
            _c("value_pct", "DOUBLE", "Published percentage positive.", minimum=0, maximum=100),
            _c("base", "INTEGER", "Published base, where known.", nullable=True, minimum=0),
            _c("source", "VARCHAR", "Where the figure comes from."),
        ),
        key=("quarter_start", "question_id", "group_id"),
        sort_by=("quarter_start", "question_id", "group_id"),
        optional=True,
        date_column="quarter_start",
    )
)

ENGAGEMENT_EVENTS = _register(
    Table(
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
)

ENGAGEMENT_CONCERNS = _register(
    Table(
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
)

SOCIAL_ACCOUNTS = _register(
    Table(
        "social_accounts",
        "One row per social-media account the force or a district runs.",
        (
            _c("account_id", "VARCHAR", "Identifier of the account."),
            _c("district_id", "VARCHAR", "District served (null for a force-wide account).", nullable=True),
            _c("platform", "VARCHAR", "Platform.", enum=PLATFORMS),
            _c("handle", "VARCHAR", "Handle or page name on the platform."),
            _c("name", "VARCHAR", "Display name."),
        ),
        key=("account_id",),
        sort_by=("account_id",),
        optional=True,
    )
)

SOCIAL_MONTHLY = _register(
    Table(
        "social_monthly",
        "Monthly figures per account, each with its source.",
        (
            _c("account_id", "VARCHAR", "Account the figures belong to."),
            _c("month_start", "DATE", "First day of the month.", period="month"),
            _c(
                "followers",
                "INTEGER",
                "Followers (or page likes) at month end; null when not reported.",
                nullable=True,
                minimum=0,
            ),
            _c(
                "reach",
                "BIGINT",
                "Unique people reached in the month; null when not reported (X reports no reach, and a sum of "
                "post reach would count people more than once).",
                nullable=True,
                minimum=0,
            ),
            _c("impressions", "BIGINT", "Times content was shown in the month.", nullable=True, minimum=0),
            _c(
                "engagements",
                "INTEGER",
                "Reactions, comments, shares and clicks in the month.",
                nullable=True,
                minimum=0,
            ),
            _c("posts", "INTEGER", "Posts published in the month.", nullable=True, minimum=0),
            *(
                _c(
                    figure_source(f),
                    "VARCHAR",
                    f"Where {f} came from: 'platform' (an account-level figure from the platform or entered by hand) "
                    f"or 'posts' (summed from the month's imported posts); null when {f} is.",
                    nullable=True,
                    enum=SOCIAL_SOURCES,
                )
                for f in SOCIAL_FIGURES
            ),
        ),
        key=("account_id", "month_start"),
        sort_by=("month_start", "account_id"),
        optional=True,
        date_column="month_start",
    )
)

SOCIAL_POSTS = _register(
    Table(
        "social_posts",
        "One row per post (optional: not every force exports posts).",
        (
            _c("post_id", "VARCHAR", "Identifier of the post."),
            _c("account_id", "VARCHAR", "Account that published it."),
            _c("posted_at", "TIMESTAMP", "When it was published."),
            _c("text", "VARCHAR", "Text of the post (shown as plain text, never as HTML)."),
            _c(
                "reach",
                "BIGINT",
                "Unique people reached; null when the platform reports no reach (X).",
                nullable=True,
                minimum=0,
            ),
            _c("impressions", "BIGINT", "Times shown.", minimum=0),
            _c("engagements", "INTEGER", "Reactions, comments, shares and clicks.", minimum=0),
            _c("tag", "VARCHAR", "Content tag.", enum=POST_TAGS),
        ),
        key=("post_id",),
        sort_by=("posted_at", "account_id", "post_id"),
        optional=True,
        date_column="posted_at",
    )
)

MAP_VIEWS = _register(
    Table(
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
)

STAR_CHAMBER_MEETINGS = _register(
    Table(
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
)

STAR_CHAMBER_ACTIONS = _register(
    Table(
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
)

ENGAGEMENT_PLANS = _register(
    Table(
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
)

ANNOTATIONS = _register(
    Table(
        "annotations",
        "Marks on time axes: events and survey method changes.",
        (
            _c("annotation_id", "VARCHAR", "Identifier of the annotation."),
            _c("start_date", "DATE", "Date it starts.", planned=True),
            _c("end_date", "DATE", "Date it ends (null for a single day).", nullable=True, planned=True),
            _c("district_id", "VARCHAR", "District it applies to (null for the whole force).", nullable=True),
            _c("label", "VARCHAR", "Text shown on the chart."),
            _c("kind", "VARCHAR", "Event, or a method change that breaks trend lines.", enum=ANNOTATION_KINDS),
        ),
        key=("annotation_id",),
        sort_by=("start_date", "annotation_id"),
        optional=True,
        date_column="start_date",
    )
)
