"""Engagement activity, the map's areas, police.uk demand and map views for the pages, cached per data version."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from analytics.config import load_settings
from analytics.engagement import activity, boundaries, context_layer, demand
from analytics.periods import quarter_end, quarter_start
from analytics.stats import SuppressionRule
from analytics.survey import measures
from ui.pin import database_at


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
    """(map points, matching total, district summary, activity mix, gaps) for the map page."""
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
def map_views(version: str, q_from: date, q_to: date, districts: tuple):
    """(public map views per district over the range, flagged; the same per month). The map's other filters do
    not touch them, and every district's months are read once per range: a district change reads nothing."""
    db = database_at(version)
    flt = _event_filter(q_from, q_to, districts, (), (), (), ())
    in_range = _map_views_in_range(version, q_from, q_to)
    return activity.map_views(db, flt, in_range=in_range), activity.map_views_monthly(db, flt, in_range=in_range)


@st.cache_data(show_spinner=False, max_entries=16)
def _map_views_in_range(version: str, q_from: date, q_to: date):
    return activity.map_views_in_range(database_at(version), _event_filter(q_from, q_to, (), (), (), (), ()))
