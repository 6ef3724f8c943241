"""The Star Chamber's review, meetings, actions and meeting pack for the page, cached per data version."""

from __future__ import annotations

import logging
import queue
import threading
import time

import streamlit as st

from analytics.config import load_settings
from analytics.pack import meeting_pack as pack_builder
from analytics.star_chamber import actions, review, scorecard
from analytics.stats import SuppressionRule
from analytics.storage import parquet as store
from ui import pin
from ui.pin import database_at

# How many of the next presenting districts (in the page's order, which Previous / Next in presenter mode follows)
# are reviewed in the background while the panel discusses the one on screen.
PREFETCH_AHEAD = 2
# The background worker waits this long before each review, so the run that asked has sent its page first.
_PAUSE_S = 0.3
# One worker for the whole process, reviewing one district at a time: sessions asking together queue, never
# competing with each other's page runs in several threads.
_queue: queue.Queue = queue.Queue()
_pending: set[tuple] = set()  # sc_review's arguments queued or being worked out
_done: set[tuple] = set()  # those worked out (forgotten past the bound; the page works out any evicted since)
_DONE_BOUND = 512
_lock = threading.Lock()
_worker: threading.Thread | None = None
log = logging.getLogger(__name__)


@st.cache_data(show_spinner=False, max_entries=8)
def sc_rounds(version: str) -> dict[str, scorecard.Round]:
    """Star Chamber rounds, newest first, each with its label and presenting districts (not the meetings
    themselves: a cached frame of every meeting took 11 ms to copy out on every run at national scale)."""
    return scorecard.rounds(database_at(version))


@st.cache_data(show_spinner=False, max_entries=64)
def sc_review(version: str, round_key: str, district_id: str, hide_below: int, flag_below: int):
    """The panel's review of one district at one meeting (analytics.star_chamber.review); None if it did not present."""
    return review.review(database_at(version), round_key, district_id, SuppressionRule(hide_below, flag_below))


def upcoming(presenting: str, presenting_ids: list[str], ahead: int = PREFETCH_AHEAD) -> list[str]:
    """The districts presenting after ``presenting`` in the page's order, the next first, wrapping round as
    Previous / Next do; at most ``ahead``, never ``presenting`` itself."""
    if presenting not in presenting_ids:
        return []
    at = presenting_ids.index(presenting)
    n = len(presenting_ids)
    return [presenting_ids[(at + k) % n] for k in range(1, min(ahead, n - 1) + 1)]


def _review_one(run_pin, key: tuple) -> None:
    """Work out ``sc_review(*key)`` on the worker, reading the database the asking run read."""
    version = key[0]
    try:
        if store.data_version(run_pin.db.data_dir) != version:
            log.debug("not reviewing ahead: the data changed since version %s", version)
            return
        with pin.adopted(run_pin):
            sc_review(*key)
    except pin.DataChanged as exc:  # an import landed meanwhile: the page asks for the new version itself
        log.debug("stopped reviewing ahead: %s", exc)
        return
    except Exception:  # the page works the review out itself, and reports any problem, when it comes to it
        log.warning("reviewing a presenting district ahead failed", exc_info=True)
        return
    with _lock:
        if len(_done) >= _DONE_BOUND:
            _done.clear()
        _done.add(key)


def _work() -> None:
    while True:
        run_pin, key = _queue.get()
        try:
            time.sleep(_PAUSE_S)
            _review_one(run_pin, key)
        finally:
            with _lock:
                _pending.discard(key)


def review_ahead(
    version: str, round_key: str, presenting: str, presenting_ids: list[str], hide_below: int, flag_below: int
) -> int:
    """Queue the reviews of the next presenting districts for the background worker, so that stepping to the
    next district reads its review from the cache. Call at the end of a page run: the worker reads the
    database that run read. A review already worked out, queued or under way is not asked again; a page that
    reaches one under way waits for it (Streamlit's cache computes a key once). Returns how many were queued."""
    global _worker
    run_pin = pin.current()  # ``version`` is this run's (a mismatch would stop at sc_review's own check)
    if run_pin is None:
        return 0
    keys = [(version, round_key, d, hide_below, flag_below) for d in upcoming(presenting, presenting_ids)]
    with _lock:
        keys = [k for k in keys if k not in _pending and k not in _done]
        for key in keys:
            _pending.add(key)
            _queue.put((run_pin, key))
        if keys and (_worker is None or not _worker.is_alive()):
            _worker = threading.Thread(target=_work, name="star-chamber-review-ahead", daemon=True)
            _worker.start()
    return len(keys)


def wait_for_reviews_ahead(timeout: float = 60.0) -> bool:
    """Wait until the worker has nothing queued or under way (tests); False if it still had after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _pending:
                return True
        time.sleep(0.02)
    return False


def forget_reviews_ahead() -> None:
    """Forget which reviews were worked out ahead (when the caches are cleared: tests)."""
    with _lock:
        _done.clear()


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
