"""The run's data: the settings checked, the demo data made on first run, the suppression rule, whether the data
is synthetic, and the data version this run is pinned to (``ui.pin``). What the pages read is in ``ui/cache/``.
"""

from __future__ import annotations

import threading

import streamlit as st

from analytics import demo
from analytics.config import Settings, load_settings
from analytics.stats import SuppressionRule
from analytics.storage import parquet as store

# Which database a run reads (pinned when the run begins): re-exported, where pages and app.py find them.
from ui.pin import DataChanged, begin_run, data_version, database, database_at, end_run, in_run  # noqa: F401

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
