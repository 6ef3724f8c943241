"""The effective base counts: hide and flag on the smaller of n and the effective base, show both where
weighting shrinks the base a lot, and never show a hidden value's exact base."""

from __future__ import annotations

import shutil
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics import stats
from analytics.storage.db import Database
from analytics.survey import overview
from tests.app_runner import run_app

RULE = stats.SuppressionRule(50, 100)


@pytest.mark.parametrize(
    ("n", "n_eff", "status", "text"),
    [
        (1927, 1800.0, "ok", "1,927"),
        (1927, 1300.0, "ok", "1,927"),  # design effect 1.48: one base is enough
        (1927, 1200.0, "ok", "n 1,927, effective 1,200"),  # design effect 1.6: both
        (1927, 8.5, "suppressed", "n 1,927, effective under 50"),  # one weight of 1,000
        (1927, 75.0, "low base", "n 1,927, effective 75"),
        (80, 79.0, "low base", "80"),
        (49, 49.0, "suppressed", "under 50"),
        (0, 0.0, "suppressed", "no answers"),
    ],
)
def test_status_and_base_text_on_the_smaller_base(n, n_eff, status, text):
    frame = pd.DataFrame({"n": [n], "n_eff": [n_eff], "pct": [72.0]})
    out = RULE.apply(frame, ["pct", "n_eff"])
    assert out["base_status"].iloc[0] == status
    assert out["base_text"].iloc[0] == text
    assert np.isnan(out["pct"].iloc[0]) == (status == "suppressed")
    assert np.isnan(out["n"].iloc[0]) == (status == "suppressed"), "a hidden value's exact base is hidden too"


@pytest.fixture(scope="module")
def heavy_dir(demo_dir, tmp_path_factory):
    """The demo with one Q1 2024/25 respondent per question given a weight of 1,000 (parquet read directly)."""
    folder = tmp_path_factory.mktemp("heavy") / "data"
    shutil.copytree(demo_dir, folder, ignore=shutil.ignore_patterns("*.duckdb", ".engine*"))
    r = pd.read_parquet(folder / "survey_responses.parquet")
    when = pd.to_datetime(r["interview_date"])
    q = (when >= "2024-04-01") & (when < "2024-07-01")
    first = r[q].groupby("question_id").head(1).index
    r.loc[first, "weight"] = 1000.0
    r.to_parquet(folder / "survey_responses.parquet", index=False)
    return folder


def test_one_extreme_weight_hides_the_force_tile(heavy_dir):
    tiles = overview.measure_tiles(Database(heavy_dir), date(2024, 4, 1), RULE)
    assert (tiles["base_status"] == "suppressed").all(), tiles[["question_id", "base_status", "base_text"]]
    assert tiles["pct"].isna().all() and tiles["base_text"].str.contains("effective under 50").all()


def test_the_overview_page_hides_and_says_why(heavy_dir, app_env, monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(heavy_dir))
    monkeypatch.setenv("ENGAGEMENT_ENGINE", "off")
    at = run_app({"from": "2023-24-Q1", "to": "2024-25-Q1"})
    assert not at.exception, at.exception
    assert all(m.value == "–" for m in at.metric), [m.value for m in at.metric]
    captions = " ".join(c.value for c in at.caption)
    assert "effective" in captions
