"""Thin Streamlit-side wrapper: cached query results over the run's database (``ui.pin``).

Every cached function takes the data version as an argument, so results are
keyed on the data they came from and new data is picked up without a restart;
each reads the database its run was pinned to when it began.
Nothing cached reads session state or the user.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import demo
from analytics.config import Settings, load_settings
from analytics.engagement import activity, boundaries, context_layer, demand
from analytics.pack import meeting_pack as pack_builder
from analytics.periods import quarter_end, quarter_start
from analytics.star_chamber import actions, review
from analytics.star_chamber import scorecard as star_chamber
from analytics.stats import SuppressionRule
from analytics.storage import parquet as store
from analytics.survey import measures, overview, trends

# Which database a run reads (pinned when the run begins): re-exported, where pages and app.py find them.
from ui.pin import DataChanged, begin_run, data_version, database, database_at, end_run  # noqa: F401

_demo_lock = threading.Lock()


def check_settings() -> Settings:
    """The settings, checked (app.py calls this first on every run; raises SettingsError naming what to fix)."""
    return load_settings()


def ensure_demo_data() -> None:
    """Generate the embedded demo data on first run, when the default data folder is empty."""
    settings = load_settings()
    if not settings.using_default_demo:
        return
    with _demo_lock:
        if not demo.is_current(settings.data_dir):
            with st.spinner("Generating the synthetic demo data (a few seconds)..."):
                demo.write_demo(settings.data_dir)


def rule() -> SuppressionRule:
    """The configured suppression rule (ENGAGEMENT_SUPPRESS_BELOW and ENGAGEMENT_FLAG_BELOW, checked in config)."""
    settings = load_settings()
    return SuppressionRule(settings.suppress_below, settings.flag_below)


def is_demo() -> bool:
    """True when the served data is the synthetic demo."""
    return store.is_synthetic(load_settings().data_dir)


def demo_info() -> dict:
    """The demo marker (as-at date, seed), or an empty dict for real data."""
    return demo.demo_info(load_settings().data_dir)


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


@st.cache_data(show_spinner=False, max_entries=256)
def district_comparison(
    version: str, question_id: str, quarter: date, district_ids: tuple[str, ...], hide_below: int, flag_below: int
) -> pd.DataFrame:
    """District comparison against the force."""
    return overview.district_comparison(
        database_at(version), question_id, quarter, list(district_ids), SuppressionRule(hide_below, flag_below)
    )


@st.cache_data(show_spinner=False, max_entries=256)
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
    """District and force series for the trends page."""
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


@st.cache_data(show_spinner=False, max_entries=8)
def sc_meetings(version: str) -> pd.DataFrame:
    """Star Chamber meetings, newest first."""
    return star_chamber.meetings(database_at(version))


@st.cache_data(show_spinner=False, max_entries=64)
def sc_review(version: str, round_key: str, district_id: str, hide_below: int, flag_below: int):
    """The panel's review of one district at one meeting (analytics.star_chamber.review); None if it did not present."""
    return review.review(database_at(version), round_key, district_id, SuppressionRule(hide_below, flag_below))


def save_action_update(action_id: str, version_seen: int, changes: dict) -> dict:
    """Save an edit made against ``version_seen``; ActionConflict if someone else saved first."""
    from ui import auth

    who = auth.actor()
    return actions.update_action(
        load_settings().data_dir, action_id, version_seen, changes, who.name, role=who.role or ""
    )


def save_new_action(meeting_id: str, district_id: str, fields: dict) -> dict:
    """Add an action set at ``meeting_id``."""
    from ui import auth

    who = auth.actor()
    return actions.add_action(load_settings().data_dir, meeting_id, district_id, fields, who.name, role=who.role or "")


@st.cache_data(show_spinner=False, max_entries=16)
def meeting_pack(version: str, round_key: str, district_id: str, hide_below: int, flag_below: int, synthetic: bool):
    """(PowerPoint bytes, PDF bytes) for a meeting, built once per data version."""
    return pack_builder.meeting_pack(
        database_at(version), round_key, district_id, SuppressionRule(hide_below, flag_below), synthetic
    )


def _event_filter(q_from, q_to, districts, types, strands, audiences, statuses):
    return activity.EventFilter(
        q_from, q_to, tuple(districts), tuple(types), tuple(strands), tuple(audiences), tuple(statuses)
    )


@st.cache_data(show_spinner=False, max_entries=64)
def activity_figures(
    version: str,
    q_from: date,
    q_to: date,
    districts: tuple,
    types: tuple,
    strands: tuple,
    audiences: tuple,
    statuses: tuple,
    gap_months: int,
):
    """(map points, matching total, district summary, activity mix, gaps, map views) for the map page."""
    db = database_at(version)
    flt = _event_filter(q_from, q_to, districts, types, strands, audiences, statuses)
    counts = activity.event_counts(db, flt)  # one query for the count, the summary and the mix
    points, total = activity.map_points(db, flt, counts)
    gaps = activity.engagement_gaps(db, districts, quarter_end(q_to), gap_months)
    return (
        points,
        total,
        activity.district_summary(db, flt, counts),
        activity.activity_mix(db, flt, counts),
        gaps,
        activity.map_views(db, flt),
    )


@st.cache_data(show_spinner=False, max_entries=4)
def district_areas(version: str) -> boundaries.DistrictAreas:
    """The districts' outlines and place lookups: from ENGAGEMENT_BOUNDARIES, else the shipped ONS files."""
    return boundaries.district_areas(measures.districts(database_at(version)), load_settings().boundaries)


def police_uk_folder() -> Path | None:
    """The folder of police.uk street-level CSV files (ENGAGEMENT_POLICE_UK_DIR), if configured and present."""
    folder = load_settings().police_uk_dir
    return folder if folder is not None and folder.is_dir() else None


def anti_social_behaviour(version: str, q_from: date, q_to: date) -> context_layer.ContextLayer | None:
    """The police.uk anti-social behaviour layer for the range (cached on the folder's files, names, times
    and sizes, so a file dropped in is read on the next run)."""
    folder = police_uk_folder()
    if folder is None:
        return None
    stamp = tuple(
        (p.relative_to(folder).as_posix(), p.stat().st_mtime_ns, p.stat().st_size)
        for p in context_layer.folder_files(folder)
    )
    return _anti_social_behaviour(version, str(folder), stamp, quarter_start(q_from), quarter_end(q_to))


@st.cache_data(show_spinner=False, max_entries=16)
def _anti_social_behaviour(version: str, folder: str, stamp: tuple, first: date, last: date):
    return context_layer.anti_social_behaviour(Path(folder), first, last, district_areas(version))


@st.cache_data(show_spinner=False, max_entries=32)
def demand_beside_engagement(
    version: str, q_from: date, q_to: date, districts: tuple, types: tuple, strands: tuple, audiences: tuple,
    hide_below: int, flag_below: int,
):  # fmt: skip
    """(every district's demand and engagement figures, the force's rates) for the map page."""
    layer = anti_social_behaviour(version, q_from, q_to)
    flt = _event_filter(q_from, q_to, districts, types, strands, audiences, ())
    return demand.demand_beside_engagement(database_at(version), flt, layer, SuppressionRule(hide_below, flag_below))


@st.cache_data(show_spinner=False, max_entries=64)
def map_views_monthly(version: str, q_from: date, q_to: date, districts: tuple):
    """Monthly public map views per district."""
    return activity.map_views_monthly(database_at(version), _event_filter(q_from, q_to, districts, (), (), (), ()))
