"""The activity map page through app.py (AppTest): what the page itself sends, against recomputations."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import streamlit as st

from analytics.periods import add_quarters, quarter_key
from analytics.star_chamber import scorecard as star_chamber
from analytics.storage.db import Database
from tests.app_runner import run_app
from tests.engagement.test_context_layer import build_folder, recompute

PAGE = "app_pages/activity_map.py"
QUARTER = {"from": "2025-26-Q1", "to": "2025-26-Q1"}
MONTHS = ["2025-04", "2025-05", "2025-06"]
STYLE = "http://127.0.0.1:8099/style.json"


@pytest.fixture
def police_uk(app_env, tmp_path, monkeypatch):
    folder = build_folder(tmp_path / "police_uk")
    monkeypatch.setenv("ENGAGEMENT_POLICE_UK_DIR", str(folder))
    monkeypatch.delenv("ENGAGEMENT_BOUNDARIES", raising=False)
    st.cache_data.clear()
    return folder


def deck(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1, "the page draws one map"
    return json.loads(charts[0].proto.json)


def layer(spec: dict, layer_id: str) -> dict | None:
    return next((x for x in spec["layers"] if x["id"] == layer_id), None)


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption).replace("\\", "").replace("\u2060", "")


@pytest.mark.parametrize("districts", [["all"], ["harlow"], ["southend", "colchester"]])
def test_the_page_draws_the_layer_with_numbers_that_add_up_to_the_files(police_uk, monkeypatch, raw, districts):
    monkeypatch.setenv("ENGAGEMENT_MAP_STYLE", STYLE)
    at = run_app({**QUARTER, "district": districts, "context": "asb"}, page=PAGE)
    assert not at.exception, at.exception
    expected = recompute(police_uk, MONTHS)["by_district"]
    ids = list(raw("districts")["district_id"]) if districts == ["all"] else districts
    want = sum(expected.get(d, 0) for d in ids)
    spec = deck(at)
    asb = layer(spec, "anti-social-behaviour")
    assert asb is not None, "the page passes the layer to the map"
    assert sum(cell["incidents"] for cell in asb["data"]) == want
    assert spec["mapStyle"] == STYLE, "the configured base-map style is used"
    text = captions(at)
    where = {"all": "the force's districts", "harlow": "Harlow"}.get(districts[0], "the 2 chosen districts")
    assert f"{want:,} incidents in {where} in 2 of 3 months (no file for Jun 2025), from 4 files" in text
    assert "Counted apart, force-wide (in no district's figure): 3 without a location; 3 placed outside" in text
    assert "Kent Police's files: 4 anti-social behaviour rows not counted (another force)" in text
    assert "counted once" in text
    assert "1 more street file holds months outside the chosen quarters" in text
    # Every file not read is listed by name with its reason.
    listed = next(d.value for d in at.dataframe if "Why it is not read" in d.value.columns)
    assert set(listed["File"]) == {
        "2025-05-essex-outcomes.csv",
        "2025-05-essex-stop-and-search.csv",
        "README.txt",
        "budget.csv",
    }


def test_without_the_layer_chosen_nothing_is_drawn_and_no_style_means_nothing_fetched(police_uk):
    at = run_app({**QUARTER, "district": ["all"]}, page=PAGE)
    spec = deck(at)
    assert layer(spec, "anti-social-behaviour") is None
    assert spec["mapStyle"].startswith("data:application/json")


def test_a_quarter_with_no_file_says_so_and_draws_nothing(police_uk):
    at = run_app({"from": "2025-26-Q3", "to": "2025-26-Q3", "district": ["all"], "context": "asb"}, page=PAGE)
    assert not at.exception
    assert layer(deck(at), "anti-social-behaviour") is None
    assert "no police.uk street file covers Oct 2025 to Dec 2025, so there is no figure for it (not zero)" in captions(
        at
    )
    assert "0 incidents" not in captions(at)


def test_outlines_are_drawn_with_no_setting_with_their_attribution(app_env, monkeypatch):
    monkeypatch.delenv("ENGAGEMENT_BOUNDARIES", raising=False)
    at = run_app({**QUARTER, "district": ["harlow"]}, page=PAGE)
    outlines = layer(deck(at), "boundaries")
    assert outlines is not None and len(outlines["data"]["features"]) == 14
    chosen = [f["properties"]["lad_name"] for f in outlines["data"]["features"] if f["properties"]["chosen"]]
    assert chosen == ["Harlow"]
    assert "Open Government Licence v3.0" in captions(at) and "Office for National Statistics" in captions(at)
    labels = layer(deck(at), "district-labels")
    assert "Harlow" in [x["label"] for x in labels["data"]] and labels["sizeUnits"] == "meters"
    hover = {f["properties"]["tip"] for f in outlines["data"]["features"]}
    assert "Braintree and Uttlesford (Uttlesford)" in hover, "an outline names its district on hover"
    assert outlines["pickable"] and deck(at)["layers"] and at.get("deck_gl_json_chart")[0].proto.tooltip


def test_demand_beside_engagement_per_district(police_uk, raw):
    at = run_app({**QUARTER, "district": ["all"]}, page=PAGE)
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Events per 10,000 residents" in d.value.columns)
    expected = recompute(police_uk, MONTHS)["by_district"]
    d = raw("districts").set_index("name")
    ev = raw("engagement_events")
    ev = ev[(ev["start_at"] >= "2025-04-01") & (ev["start_at"] < "2025-07-01") & (ev["status"] == "held")]
    held = ev.groupby("district_id").size()
    for row in table.itertuples(index=False):
        did = d.loc[row.District, "district_id"]
        assert row[1] == expected.get(did, 0)
        assert row[2] == pytest.approx(round(1_000 * expected.get(did, 0) / d.loc[row.District, "population"], 2))
        assert row[3] == held.get(did, 0)
    rates = 1_000 * table.set_index("District").iloc[:, 0] / d["population"]
    force = 1_000 * sum(expected.values()) / d["population"].sum()
    ev_rate = 10_000 * held.reindex(d["district_id"]).fillna(0).to_numpy() / d["population"].to_numpy()
    force_events = 10_000 * held.sum() / d["population"].sum()
    flagged = {
        n for n, r, e in zip(d.index, rates.reindex(d.index), ev_rate, strict=True) if r > force and e < force_events
    }
    assert set(table.loc[table["High demand, low engagement"] == "yes", "District"]) == flagged
    words = "\n".join(m.value for m in at.markdown).replace("\\", "").replace("\u2060", "")
    for name in flagged:
        assert f"{name}: high demand, low engagement" in words
    spec = next(c.proto.spec for c in at.get("vega_lite_chart") if "association, not cause" in c.proto.spec)
    assert "Anti-social behaviour incidents per 1,000 residents" in spec


def test_cancelled_share_agrees_with_the_star_chamber_scorecard(app_env):
    db = Database(app_env)
    meeting = star_chamber.meeting(db, "2026-09", "harlow")
    key = quarter_key(meeting.review_quarter)
    mapped = run_app({"from": key, "to": key, "district": ["harlow"]}, page=PAGE)
    assert not mapped.exception
    on_map = mapped.dataframe[0].value.set_index("District").loc["Harlow", "Cancelled %"]
    scorecard = run_app({"round": "2026-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    kpis = next(d.value for d in scorecard.dataframe if "KPI" in d.value.columns).set_index("KPI")
    on_scorecard = kpis.loc["Events cancelled", "Value"]
    assert on_scorecard.endswith("%") and float(on_scorecard[:-1]) > 0
    assert f"{on_map:.1f}%" == on_scorecard
    events = pd.read_parquet(app_env / "engagement_events.parquet")
    start, end = pd.Timestamp(meeting.review_quarter), pd.Timestamp(add_quarters(meeting.review_quarter, 1))
    mine = events[(events["district_id"] == "harlow") & (events["start_at"] >= start) & (events["start_at"] < end)]
    held, cancelled = (mine["status"] == "held").sum(), (mine["status"] == "cancelled").sum()
    assert on_map == pytest.approx(round(100 * cancelled / (held + cancelled), 1))
