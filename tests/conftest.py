"""Shared fixtures: one generated demo data set per test session, and a fresh Streamlit cache."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from analytics import demo
from analytics.engagement.boundaries import SHIPPED
from analytics.storage import engine
from analytics.storage.db import Database

# Property tests check behaviour, not speed: on a loaded two-core machine a single example can take longer
# than Hypothesis's default 200 ms deadline, which would fail a correct test.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

REPO = Path(__file__).resolve().parents[1]
# Small samples of real public files, with their sources and licences in tests/fixtures/README.md.
FIXTURES = REPO / "tests" / "fixtures"
# The ONS local authority boundaries the app ships (data/README.md gives their source), named in one place.
BOUNDARIES = SHIPPED[0]


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The synthetic demo data set, generated once into a temporary folder, with its engine file
    (the sorted DuckDB copy with rollups), so tests read what the app reads."""
    folder = demo.write_demo(tmp_path_factory.mktemp("data") / "demo")
    engine.build(folder)
    return folder


@pytest.fixture(scope="session")
def db(demo_dir) -> Database:
    """A locked-down database over the demo data."""
    return Database(demo_dir)


@pytest.fixture(scope="session")
def raw(demo_dir):
    """Loader of a raw Parquet table with pandas (the independent reference path)."""
    cache: dict[str, pd.DataFrame] = {}

    def load(table: str) -> pd.DataFrame:
        if table not in cache:
            cache[table] = pd.read_parquet(demo_dir / f"{table}.parquet")
        return cache[table].copy()

    return load


@pytest.fixture
def app_env(demo_dir, monkeypatch):
    """Environment for AppTest: the demo data folder, and empty Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(demo_dir))
    from ui.cache import star_chamber

    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_dir
    # The Star Chamber's look-ahead works in the background: finished before the caches go, and forgotten with them.
    star_chamber.wait_for_reviews_ahead()
    star_chamber.forget_reviews_ahead()
    st.cache_data.clear()
    st.cache_resource.clear()


# Tests that drive headless Chromium (each with its own server and browser): marked `browser` here, in one place,
# so `make test` runs them after the rest. Mixed with the CPU-bound tests on two cores, each slowed the other: the
# whole suite took 16 to 18 minutes, where apart the rest took 3 min 45 s and the browser tests 6 min 34 s.
BROWSER_TESTS = (
    "tests/browser/",
    "tests/bench/test_benchmark_smoke.py::test_the_benchmark_runs_and_writes_every_figure",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)


def in_ci() -> bool:
    """True under CI, where browser tests must run rather than skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def open_data_sections(at) -> list[str]:
    """Open every "Data behind ..." section the last run drew (each draws its table only while open) and run
    the page again; returns their keys."""
    from ui.chart_block import data_section_key

    suffix = data_section_key("")
    keys = [k for k in at.session_state.keys() if k.endswith(suffix)]
    for key in keys:
        at.session_state[key] = True
    at.run()
    return keys
