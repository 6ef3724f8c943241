"""Cached What works readings for the page (the bootstrap takes a few seconds; a reading is kept per data
version, measure, period and activity type)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.stats import SuppressionRule
from analytics.survey import measures
from analytics.what_works import exposures, reading
from ui.pin import database_at


@st.cache_data(
    show_spinner="Estimating with the wild cluster bootstrap (a few seconds the first time)...", max_entries=32
)
def what_works(
    version: str,
    question_id: str,
    measure: str,
    q_from: date,
    q_to: date,
    activity_type: str | None,
    hide_below: int,
    flag_below: int,
) -> reading.Reading:
    """The reading for a measure and period, over every district."""
    shown = exposures.shown(activity_type)
    rule = SuppressionRule(hide_below, flag_below)
    return reading.read(database_at(version), question_id, measure, q_from, q_to, shown, rule)


@st.cache_data(show_spinner=False, max_entries=8)
def populations(version: str) -> pd.Series:
    """Residents per district id."""
    return measures.districts(database_at(version)).set_index("district_id")["population"].astype(float)
