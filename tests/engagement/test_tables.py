"""The Activity map page's tables: columns named in words, lists as text, flags in words, figures rounded."""

from datetime import date

import pandas as pd

from analytics.engagement import tables
from tests.app_runner import run_app


def test_district_table_writes_groups_as_text_and_rounds():
    summary = pd.DataFrame(
        {
            "district_id": ["harlow"],
            "name": ["Harlow"],
            "held": [12],
            "per_10k": [1.234],
            "attendance_per_event": [14.06],
            "cancellation_pct": [7.75],
            "concerns_raised": [5],
            "acted_pct": [60.0],
            "groups": [["Young people", "Older people"]],
            "hard_to_reach_missed": [[]],
        }
    )
    got = tables.district_table(summary)
    assert list(got.columns) == [
        "District",
        "Events held",
        "Per 10,000 residents",
        "Attendance per event",
        "Cancelled %",
        "Concerns raised at events",
        "Acted on %",
        "Audience groups reached",
        "Hard-to-reach groups not reached",
    ]
    row = got.iloc[0]
    assert (row["Per 10,000 residents"], row["Attendance per event"], row["Cancelled %"]) == (1.2, 14.1, 7.8)
    assert row["Audience groups reached"] == "Young people, Older people"
    assert row["Hard-to-reach groups not reached"] == ""


def test_map_views_table_flags_in_words():
    views = pd.DataFrame(
        {
            "name": ["Basildon", "Harlow"],
            "views": [900, 100],
            "per_1k": [4.56, 0.71],
            "well_below": [False, True],
            "force_per_1k": [3.0, 3.0],
        }
    )
    got = tables.map_views_table(views)
    assert list(got.columns) == ["District", "Views", "Per 1,000 residents", "Flag"]
    assert list(got["Flag"]) == ["", "well below the force"]
    assert list(got["Per 1,000 residents"]) == [4.6, 0.7]


def test_gaps_table_names_its_columns():
    gaps = pd.DataFrame(
        {"district": ["Harlow"], "town": ["Old Harlow"], "last_event": [date(2025, 1, 3)], "months_since": [7]}
    )
    assert list(tables.gaps_table(gaps).columns) == ["District", "Town", "Last event", "Months since"]


def test_the_page_shows_the_map_views_table_as_built(app_env):
    at = run_app({"district": ["harlow", "basildon", "tendring"]}, page="app_pages/activity_map.py")
    assert not at.exception
    shown = next(d.value for d in at.dataframe if "Flag" in d.value.columns)
    assert list(shown.columns) == ["District", "Views", "Per 1,000 residents", "Flag"]
    assert set(shown["District"]) <= {"Harlow", "Basildon", "Tendring"} and len(shown) > 0
    assert set(shown["Flag"]) <= {"", "well below the force"}
