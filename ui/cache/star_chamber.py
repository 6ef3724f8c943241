"""The Star Chamber's review, meetings, actions and meeting pack for the page, cached per data version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.config import load_settings
from analytics.pack import meeting_pack as pack_builder
from analytics.star_chamber import actions, review, scorecard
from analytics.stats import SuppressionRule
from ui.pin import database_at


@st.cache_data(show_spinner=False, max_entries=8)
def sc_meetings(version: str) -> pd.DataFrame:
    """Star Chamber meetings, newest first."""
    return scorecard.meetings(database_at(version))


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
