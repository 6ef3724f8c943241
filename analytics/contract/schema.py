"""The data contract (version CONTRACT_VERSION): every table, column, type, enum and description.

This module is the single source of truth. The demo generator, the data layer's
views and casts, the importer and the tests all read it. Nothing here is
specific to one force: districts, questions and benchmark groups are data.

Each table is declared with its domain in ``analytics.contract.tables``; ``TABLES`` gathers them here in
contract order, and every name callers need is importable from this module.
"""

from __future__ import annotations

from analytics.contract.rules import figure_source  # re-exported
from analytics.contract.tables.engagement import ENGAGEMENT_CONCERNS, ENGAGEMENT_EVENTS, MAP_VIEWS
from analytics.contract.tables.plans import ENGAGEMENT_PLANS
from analytics.contract.tables.shared import ANNOTATIONS, DISTRICTS
from analytics.contract.tables.social import SOCIAL_ACCOUNTS, SOCIAL_MONTHLY, SOCIAL_POSTS
from analytics.contract.tables.star_chamber import STAR_CHAMBER_ACTIONS, STAR_CHAMBER_MEETINGS
from analytics.contract.tables.survey import BENCHMARKS, SURVEY_QUESTIONS, SURVEY_RESPONSES
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

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        DISTRICTS,
        SURVEY_QUESTIONS,
        SURVEY_RESPONSES,
        BENCHMARKS,
        ENGAGEMENT_EVENTS,
        ENGAGEMENT_CONCERNS,
        SOCIAL_ACCOUNTS,
        SOCIAL_MONTHLY,
        SOCIAL_POSTS,
        MAP_VIEWS,
        STAR_CHAMBER_MEETINGS,
        STAR_CHAMBER_ACTIONS,
        ENGAGEMENT_PLANS,
        ANNOTATIONS,
    )
}
