"""The Star Chamber's review, meetings, actions and meeting pack for the page, cached per data version."""

from __future__ import annotations

import logging
import threading

import pandas as pd
import streamlit as st

from analytics.config import load_settings
from analytics.pack import meeting_pack as pack_builder
from analytics.star_chamber import actions, review, scorecard
from analytics.stats import SuppressionRule
from ui import pin
from ui.pin import database_at

# How many of the next presenting districts (in the page's order, which Previous / Next in presenter mode follows)
# are reviewed in the background while the panel discusses the one on screen.
PREFETCH_AHEAD = 2
# Reviews asked for in the background, by sc_review's arguments: each asked once (forgotten past the bound).
_asked: set[tuple] = set()
_ASKED_BOUND = 512
_asked_lock = threading.Lock()
_threads: list[threading.Thread] = []
log = logging.getLogger(__name__)


@st.cache_data(show_spinner=False, max_entries=8)
def sc_meetings(version: str) -> pd.DataFrame:
    """Star Chamber meetings, newest first."""
    return scorecard.meetings(database_at(version))


@st.cache_data(show_spinner=False, max_entries=64)
def sc_review(version: str, round_key: str, district_id: str, hide_below: int, flag_below: int):
    """The panel's review of one district at one meeting (analytics.star_chamber.review); None if it did not present."""
    return review.review(database_at(version), round_key, district_id, SuppressionRule(hide_below, flag_below))


def upcoming(presenting: str, presenting_ids: list[str], ahead: int = PREFETCH_AHEAD) -> list[str]:
    """The districts presenting after ``presenting`` in the page's order, the next first; at most ``ahead``."""
    if presenting not in presenting_ids:
        return []
    at = presenting_ids.index(presenting)
    return presenting_ids[at + 1 : at + 1 + ahead]


def _review_ahead(keys: list[tuple]) -> None:
    """Work out ``sc_review`` for each of ``keys`` on this (background) thread, on the data version they name."""
    try:
        pin.begin_run()
        for key in keys:
            if pin.data_version() != key[0]:
                return  # an import landed: the page will ask for the new version's reviews itself
            sc_review(*key)
    except Exception as exc:  # the page works its review out itself (and reports any problem) when it comes to it
        log.warning("reviewing the next presenting districts ahead stopped: %s", exc)
    finally:
        pin.end_run()


def review_ahead(
    version: str, round_key: str, presenting: str, presenting_ids: list[str], hide_below: int, flag_below: int
) -> threading.Thread | None:
    """Start the reviews of the next presenting districts on a background thread, so that stepping to the next
    district reads its review from the cache (a panel spends minutes on each). Each review is asked for once;
    a page that comes to one still being worked out waits for it rather than working it out again (Streamlit's
    cache computes a key once). The thread, or None when there is nothing new to work out."""
    keys = [(version, round_key, d, hide_below, flag_below) for d in upcoming(presenting, presenting_ids)]
    with _asked_lock:
        keys = [k for k in keys if k not in _asked]
        if not keys:
            return None
        if len(_asked) + len(keys) > _ASKED_BOUND:
            _asked.clear()
        _asked.update(keys)
        _threads[:] = [t for t in _threads if t.is_alive()]
        thread = threading.Thread(target=_review_ahead, args=(keys,), name="star-chamber-review-ahead", daemon=True)
        _threads.append(thread)
    thread.start()
    return thread


def wait_for_reviews_ahead(timeout: float = 60.0) -> None:
    """Wait for the background reviews under way (tests and the benchmark)."""
    with _asked_lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)


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
