"""The survey's figures for the pages, cached per data version and choice (analytics/survey/ computes them)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.stats import SuppressionRule
from analytics.survey import measures, overview, trends
from ui.pin import database_at


@st.cache_data(show_spinner=False, max_entries=8)
def districts(version: str) -> pd.DataFrame:
    """Districts table."""
    return measures.districts(database_at(version))


@st.cache_data(show_spinner=False, max_entries=8)
def questions(version: str) -> pd.DataFrame:
    """Survey questions table."""
    return measures.questions(database_at(version))


@st.cache_data(show_spinner=False, max_entries=8)
def survey_quarters(version: str) -> list[date]:
    """Quarters with survey data."""
    return measures.survey_quarters(database_at(version))


@st.cache_data(show_spinner=False, max_entries=8)
def incomplete_quarters(version: str) -> dict[date, str]:
    """Survey quarters whose fieldwork has not finished, with the reason in words."""
    return measures.incomplete_quarters(database_at(version))


@st.cache_data(show_spinner=False, max_entries=128)
def measure_tiles(version: str, quarter: date, hide_below: int, flag_below: int) -> pd.DataFrame:
    """Overview tiles for a quarter."""
    return overview.measure_tiles(database_at(version), quarter, SuppressionRule(hide_below, flag_below))


def district_comparison(
    version: str, question_id: str, quarter: date, district_ids: tuple[str, ...], hide_below: int, flag_below: int
) -> pd.DataFrame:
    """District comparison against the force: every district's, worked out once per measure and quarter, with
    the chosen ones marked (a district change reads the cache)."""
    every = _every_district_comparison(version, question_id, quarter, hide_below, flag_below)
    return overview.with_selected(every, list(district_ids))


@st.cache_data(show_spinner=False, max_entries=128)
def _every_district_comparison(
    version: str, question_id: str, quarter: date, hide_below: int, flag_below: int
) -> pd.DataFrame:
    return overview.district_comparison(
        database_at(version), question_id, quarter, None, SuppressionRule(hide_below, flag_below)
    )


def district_trends(
    version: str,
    question_id: str,
    quarter_from: date,
    quarter_to: date,
    district_ids: tuple[str, ...],
    pooled: bool,
    hide_below: int,
    flag_below: int,
) -> pd.DataFrame:
    """District and force series for the trends page.

    Worked out once for every district of the chosen districts' policing areas (the districts table's
    ``lpa``; each series stands on its own, whichever others are chosen), then narrowed to the chosen: a
    district change within an area reads the cache instead of recomputing every series, which was most of
    a change's run (docs/scaling.md).
    """
    wider = policing_areas(version, district_ids)
    every = _district_trends(version, question_id, quarter_from, quarter_to, wider, pooled, hide_below, flag_below)
    if wider == tuple(sorted(district_ids)):
        return every
    chosen = every[(every["kind"] != "district") | every["series_id"].isin(district_ids)]
    return chosen.reset_index(drop=True)


def policing_areas(version: str, district_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Every district of the chosen districts' policing areas (the districts table's ``lpa``), sorted: the set a
    page works its per-district figures out for once, so that a district change within those areas reads them."""
    return tuple(sorted({d for x in district_ids for d in _area_of(version).get(x, (x,))}))


@st.cache_data(show_spinner=False, max_entries=8)
def _area_of(version: str) -> dict[str, tuple[str, ...]]:
    """Each district's policing area's districts."""
    d = measures.districts(database_at(version))
    by_area = d.groupby("lpa")["district_id"].agg(tuple).to_dict()
    return {row.district_id: by_area[row.lpa] for row in d.itertuples(index=False)}


@st.cache_data(show_spinner=False, max_entries=256)
def _district_trends(
    version: str,
    question_id: str,
    quarter_from: date,
    quarter_to: date,
    district_ids: tuple[str, ...],
    pooled: bool,
    hide_below: int,
    flag_below: int,
) -> pd.DataFrame:
    return trends.district_trends(
        database_at(version),
        question_id,
        quarter_from,
        quarter_to,
        list(district_ids),
        pooled,
        SuppressionRule(hide_below, flag_below),
    )


@st.cache_data(show_spinner=False, max_entries=128)
def benchmark_trend(version: str, question_id: str, quarter_from: date, quarter_to: date, pooled: bool):
    """Most Similar Group figures."""
    return trends.benchmark_trend(database_at(version), question_id, quarter_from, quarter_to, "msg", pooled)


@st.cache_data(show_spinner=False, max_entries=64)
def annotations(version: str, quarter_from: date, quarter_to: date) -> pd.DataFrame:
    """Annotations in the range."""
    return trends.annotations(database_at(version), quarter_from, quarter_to)


@st.cache_data(show_spinner=False, max_entries=128)
def answer_distribution(
    version: str,
    question_id: str,
    quarter_from: date,
    quarter_to: date,
    district_id: str | None,
    pooled: bool,
    hide_below: int,
    flag_below: int,
) -> pd.DataFrame:
    """Every answer's share per period."""
    return trends.answer_distribution(
        database_at(version),
        question_id,
        quarter_from,
        quarter_to,
        district_id,
        pooled,
        SuppressionRule(hide_below, flag_below),
    )


@st.cache_data(show_spinner=False, max_entries=128)
def funnel(version: str, question_id: str, quarter: date, pooled: bool, hide_below: int, flag_below: int):
    """Funnel points and limits."""
    return trends.funnel(database_at(version), question_id, quarter, pooled, SuppressionRule(hide_below, flag_below))


@st.cache_data(show_spinner=False, max_entries=128)
def demographic_breakdown(
    version: str,
    question_id: str,
    quarter: date,
    dimension: str,
    district_id: str | None,
    pooled: bool,
    hide_below: int,
    flag_below: int,
) -> pd.DataFrame:
    """The measure by a demographic for one district or the force."""
    return trends.demographic_breakdown(
        database_at(version),
        question_id,
        quarter,
        dimension,
        district_id,
        pooled,
        SuppressionRule(hide_below, flag_below),
    )
