"""A shared link keeps its view after new data arrives (the link names quarters and meetings, never 'latest')."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest
import streamlit as st

from analytics.storage import parquet as store
from tests.app_runner import qp, run_app


def _add_a_quarter_of_survey(data_dir) -> None:
    """New data arrives: the last quarter's interviews again, three months later, as a new quarter."""
    responses = store.read_table(data_dir, "survey_responses")
    responses["interview_date"] = pd.to_datetime(responses["interview_date"])
    last = responses["interview_date"].max()
    start = pd.Timestamp(date(last.year, ((last.month - 1) // 3) * 3 + 1, 1))
    newest = responses[responses["interview_date"] >= start].copy()
    newest["interview_date"] = newest["interview_date"] + pd.DateOffset(months=3)
    newest["response_id"] = "new-" + newest["response_id"].astype(str)
    store.write_table(data_dir, "survey_responses", pd.concat([responses, newest], ignore_index=True))


@pytest.fixture
def growing_data(app_env, tmp_path, monkeypatch):
    """A copy of the demo data the app reads (app_env clears the caches before and after)."""
    folder = tmp_path / "data"
    shutil.copytree(app_env, folder)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(folder))
    return folder


LINKS = {
    "app_pages/overview.py": {"district": ["harlow", "tendring"], "from": "2024-25-Q1", "to": "2025-26-Q4"},
    "app_pages/trends.py": {
        "district": ["harlow", "tendring"],
        "from": "2024-25-Q1",
        "to": "2025-26-Q4",
        "measure": "feel_informed",
        "mode": "rolling",
    },
    "app_pages/star_chamber.py": {
        "district": ["harlow", "tendring"],
        "from": "2024-25-Q1",
        "to": "2025-26-Q4",
        "round": "2025-09",
        "presenting": "tendring",
    },
}


@pytest.mark.parametrize("page", list(LINKS))
def test_a_shared_link_opens_the_same_view_after_new_data_arrives(growing_data, page):
    link = LINKS[page]
    before = run_app(link, page=page)
    assert not before.exception
    shown_before = {k: qp(before, k) for k in link}
    headers_before = [h.value for h in before.header]
    assert shown_before == {k: v if isinstance(v, list) else [v] for k, v in link.items()}

    _add_a_quarter_of_survey(growing_data)
    st.cache_data.clear()
    st.cache_resource.clear()

    # The data really grew: a link without quarters now ends at the new quarter.
    fresh = run_app()
    assert qp(fresh, "to") == ["2026-27-Q3"]

    after = run_app(link, page=page)
    assert not after.exception
    assert {k: qp(after, k) for k in link} == shown_before, "the shared link's view did not move"
    assert [h.value for h in after.header] == headers_before
