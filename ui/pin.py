"""Which database a page run reads: the data version and the engine file are resolved once, when the run
begins, and every cached call in the run reads that one database.

Cached results are keyed on the data version they were asked for. Looking at the folder again mid-run
(an import may have landed) would compute the new data's results under the old version's key, and a page
would show a tile from one version beside a caption from another. A database that reads Parquet files per
query (no engine file yet, or the engine turned off) cannot keep the old version once a file is replaced,
so it checks its files before each cached computation and the run starts again on the new data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from analytics.config import Settings, load_settings
from analytics.contract.schema import TABLES
from analytics.storage import engine
from analytics.storage import parquet as store
from analytics.storage.db import Database, DataError


@st.cache_resource(show_spinner=False, max_entries=2)
def _database(data_dir: str, version: str, memory_limit: str, engine_file: str) -> Database:
    # engine_file is part of the key: when the engine file finishes building, the next run uses it.
    return Database(data_dir, memory_limit=memory_limit, use_engine=bool(engine_file))


class DataChanged(RuntimeError):
    """A table the run reads from its Parquet file as it is now (no engine file, too large to hold in
    memory) was replaced after the run began: what the run would show next is no longer the version it
    started with, so the run starts again (app.py)."""


@dataclass(frozen=True)
class _Pin:
    """The database a run started with, and the files it read from disk as they were then."""

    db: Database
    live: dict[str, tuple[int, int]]  # file name -> (size, mtime) of the tables read from Parquet per query


# The pin of the run on this script thread (Streamlit runs each session's script in its own thread).
_run = threading.local()
# Attempts at opening a database whose files did not change while it opened.
_OPEN_ATTEMPTS = 3


def _live_files(db: Database) -> set[str]:
    """The Parquet files ``db`` reads at query time: neither held in memory nor copied into its engine file."""
    held = set(db.in_memory) | set(db.missing_optional) | (set(engine.SORTED) if db.engine is not None else set())
    return {store.table_path(db.data_dir, t).name for t in TABLES if t not in held}


def _resolve(settings: Settings) -> _Pin:
    """The database for the folder as it is now, its version and engine file looked up once, and checked
    unchanged once open (an import landing mid-open would otherwise be served under the old version)."""
    for _ in range(_OPEN_ATTEMPTS):
        stamps = store.file_stamps(settings.data_dir)
        version = store.data_version(settings.data_dir, stamps)
        if not settings.use_engine:
            db = _database(str(settings.data_dir), version, settings.memory_limit, "")
        else:
            built = engine.current(settings.data_dir)
            if built is None:
                # Served from Parquet meanwhile; the sorted copy with rollups is built once, in the background.
                engine.build_in_background(settings.data_dir)
            db = _database(str(settings.data_dir), version, settings.memory_limit, built.name if built else "")
        if db.version == version and store.file_stamps(settings.data_dir) == stamps:
            live = _live_files(db)
            return _Pin(db, {name: stamp for name, stamp in stamps.items() if name in live})
        _database.clear()  # an entry opened on files that changed under it
    # Still changing: every file counts as read per query, so the first cached call notices and starts again.
    return _Pin(db, stamps)


def _current_pin() -> _Pin | None:
    return getattr(_run, "pin", None)


def _settings() -> Settings:
    settings = load_settings()
    if not settings.data_dir.is_dir():
        raise DataError(
            f"The data folder {settings.data_dir} does not exist.",
            "The configured data folder does not exist. Set ENGAGEMENT_DATA_DIR to a folder of Parquet files, "
            "or unset it to use the demo data.",
        )
    return settings


def begin_run() -> Database:
    """Pin this run to the data as it is now: the version and the engine file are resolved once, and
    ``data_version`` and every cached call in the run read that one database (app.py calls this first)."""
    _run.pin = _resolve(_settings())
    return _run.pin.db


def end_run() -> None:
    """Unpin (app.py calls this when the run ends)."""
    _run.pin = None


def in_run() -> bool:
    """Whether a run pinned by ``begin_run`` is under way on this thread (not so in a fragment's own rerun)."""
    return _current_pin() is not None


def current():
    """The pin of the run under way on this thread (None outside one): handed to work the run starts on another
    thread, which reads the same database with ``adopted``."""
    return _current_pin()


@contextmanager
def adopted(pin: _Pin) -> Iterator[Database]:
    """Pin this (background) thread to ``pin``, another thread's run's, for the block: its cached calls read
    the database that run read, and the same checks apply to them."""
    _run.pin = pin
    try:
        yield pin.db
    finally:
        _run.pin = None


def database() -> Database:
    """The database this run is pinned to (outside a run, the data as it is now)."""
    pin = _current_pin()
    return pin.db if pin is not None else _resolve(_settings()).db


def database_at(version: str) -> Database:
    """The database for the data version a cached function was called with: the run's pinned database.

    Cached results are stored under the version they were asked for; reading through the pinned
    database (never a fresh look at the folder) keeps the answer and its key in step. Tables the
    database reads from Parquet per query are checked unchanged since the run began.
    """
    pin = _current_pin() or _resolve(_settings())
    if pin.db.version != version:
        raise DataChanged(f"asked for data version {version}, but this run reads {pin.db.version}")
    if pin.live:
        now = store.file_stamps(pin.db.data_dir)
        if any(now.get(name) != stamp for name, stamp in pin.live.items()):
            raise DataChanged(f"a table read from Parquet changed since this run began on version {version}")
    return pin.db


def data_version() -> str:
    """Fingerprint of the data this run shows."""
    return database().version
