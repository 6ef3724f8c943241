"""The survey's tables: its questions, the answers given, and comparator figures."""

from __future__ import annotations

from analytics.contract.tables import _c
from analytics.contract.types import Table
from analytics.contract.vocabulary import AGE_BANDS, BENCHMARK_GROUPS, ETHNIC_GROUPS, SEXES

SURVEY_QUESTIONS = Table(
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

SURVEY_RESPONSES = Table(
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

BENCHMARKS = Table(
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
