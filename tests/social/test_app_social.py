"""The Social media page through app.py with AppTest."""

import shutil

import pandas as pd

from analytics.social.tables import RATE_NOTE
from tests.app_runner import qp, run_app, texts
from tests.conftest import open_data_sections

PAGE = "app_pages/social.py"


def frame_with(at, column: str) -> pd.DataFrame:
    """The first table on the page with ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_social_page_follows_a_shared_link(app_env, raw):
    link = {
        "from": "2025-26-Q1",
        "to": "2025-26-Q4",
        "district": ["braintree_uttlesford", "harlow"],
        "metric": "followers",
        "scale": "count",
        "platform": ["Facebook"],
        "tag": ["Appeal"],
    }
    at = run_app(link, page=PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="w_metric").value == "followers"
    assert at.multiselect(key="w_platform").value == ["Facebook"]
    districts, accounts = frame_with(at, "Pages"), frame_with(at, "Account")
    assert list(districts["Pages"]) == ["Braintree and Uttlesford", "Harlow", "Force-wide pages", "All district pages"]
    # Followers at the end of the period straight from the raw monthly file.
    m = raw("social_monthly")
    march = m[pd.to_datetime(m["month_start"]) == pd.Timestamp(2026, 3, 1)].set_index("account_id")["followers"]
    row = districts.set_index("Pages")
    assert row.loc["Harlow", "Followers at end"] == march["fb_harlow"]
    assert row.loc["Braintree and Uttlesford", "Followers at end"] == march["fb_braintree"] + march["fb_uttlesford"]
    assert row.loc["Force-wide pages", "Followers at end"] == march["fb_force"]  # Facebook only: no X
    # Apart as well as together.
    assert {"Essex Police Braintree", "Essex Police Uttlesford"} <= set(accounts["Account"])
    # Counts: the force-wide pages get their own chart.
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("Force-wide pages: followers" in s for s in specs)
    top = frame_with(at, "Text")
    assert len(top) and set(top["Tag"]) == {"Appeal"}
    assert "not cause" in texts(at)


def test_social_page_per_resident_draws_the_force_on_the_same_chart(app_env):
    at = run_app({"metric": "reach", "scale": "per_1k"}, page=PAGE)
    assert not at.exception
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "per 1,000 residents (dashed: force-wide pages)" in spec


def test_social_page_with_no_platform_chosen_says_so(app_env):
    at = run_app({"platform": "none"}, page=PAGE)
    assert not at.exception
    assert "Choose at least one platform" in texts(at)


def test_social_page_without_social_data_explains_how_to_import(app_env, tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(app_env, copy)
    for table in ("social_accounts", "social_monthly", "social_posts"):
        (copy / f"{table}.parquet").unlink()
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(copy))
    at = run_app(page=PAGE)
    assert not at.exception
    assert "python -m analytics.ingest.social" in texts(at)


def test_top_posts_tabs_run_only_the_open_one_and_follow_the_link(app_env):
    at = run_app({"from": "2025-26-Q1", "to": "2025-26-Q4"}, page=PAGE)
    assert not at.exception
    by_reach = frame_with(at, "Text")
    assert len(by_reach) == 10 and by_reach["Reach"].is_monotonic_decreasing
    assert RATE_NOTE not in texts(at), "the closed tab's table and note are not built"
    at = run_app({"from": "2025-26-Q1", "to": "2025-26-Q4", "posts": "engagement_rate"}, page=PAGE)
    assert not at.exception
    by_rate = frame_with(at, "Text")
    assert len(by_rate) == 10 and by_rate["Engagement rate %"].is_monotonic_decreasing
    assert RATE_NOTE in texts(at) and qp(at, "posts") == ["engagement_rate"]
    at = run_app({"posts": "loudest"}, page=PAGE)
    assert not at.exception
    assert "The link's value for top posts was not used: `loudest`" in texts(at)
    assert frame_with(at, "Text")["Reach"].is_monotonic_decreasing, "the default tab instead"


def test_social_data_sections_draw_their_tables_only_once_opened(app_env, raw):
    link = {"from": "2025-26-Q1", "to": "2025-26-Q4", "district": ["harlow"], "metric": "followers", "scale": "count"}
    at = run_app(link, page=PAGE)
    assert not at.exception
    closed = [d.value for d in at.dataframe]
    assert not any(c.startswith("Month (") for df in closed for c in df.columns), "no monthly table while closed"
    assert sorted(open_data_sections(at)) == ["dl_social_assoc_open", "dl_social_tags_open", "dl_social_trend_open"]
    assert not at.exception
    monthly = next(d.value for d in at.dataframe if any(c.startswith("Month (") for c in d.value.columns))
    tags = frame_with(at, "Median reach per post")
    assoc = frame_with(at, "Feel well informed %")
    # The monthly table's figure straight from the raw monthly file.
    m = raw("social_monthly")
    march = m[(pd.to_datetime(m["month_start"]) == pd.Timestamp(2026, 3, 1)) & (m["account_id"] == "fb_harlow")]
    row = monthly[monthly.iloc[:, 0] == "Mar 2026"]
    assert row["Harlow"].iloc[0] == march["followers"].iloc[0]
    assert set(tags["Pages"]) <= {"Harlow", "Force-wide pages"} and len(tags)
    assert list(assoc["District"]) == ["Harlow"]
