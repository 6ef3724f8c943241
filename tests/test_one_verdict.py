"""One verdict per question: "is this district different from the force" gets the same answer from the
scorecard, the Overview's district map, the funnel and the panel questions."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.star_chamber import prompts
from analytics.star_chamber import scorecard as star_chamber
from analytics.survey import overview, trends
from analytics.verdicts import DISTRICT_RULE

SIDE = {"better": "above", "worse": "below", "similar": "within"}


def test_every_scorecard_row_agrees_with_its_place_in_the_funnel(db):
    meetings = star_chamber.meetings(db)
    rows = 0
    for m in meetings.itertuples(index=False):
        current = star_chamber.meeting(db, m.round, m.district_id)
        card = star_chamber.survey_scorecard(db, current, star_chamber.previous_meeting(db, current))
        for row in card.itertuples(index=False):
            if row.vs_force == "not compared":
                assert row.funnel_position == "not shown"
                continue
            rows += 1
            assert row.funnel_position.startswith(SIDE[row.vs_force]), (m.round, m.district_id, row.measure)
    assert rows >= 800, "every meeting's scorecard was checked"


def test_overview_map_and_funnel_agree_for_every_district(db):
    for quarter in (date(2019, 4, 1), date(2022, 1, 1), date(2026, 7, 1)):
        for qid in ("police_job", "feel_informed", "seen_officer"):
            comparison = overview.district_comparison(db, qid, quarter).set_index("district_id")
            points, _ = trends.funnel(db, qid, quarter)
            for district, point in points.set_index("series_id").iterrows():
                verdict = comparison.loc[district, "comparison"]
                assert point["position"].startswith(SIDE[verdict]), (quarter, qid, district, verdict, point["position"])


def test_panel_questions_follow_the_same_verdict(db):
    for district in ("harlow", "southend", "tendring", "colchester"):
        current = star_chamber.meeting(db, "2026-09", district)
        card = star_chamber.survey_scorecard(db, current, star_chamber.previous_meeting(db, current))
        asked = " ".join([q for q, _ in prompts.panel_questions(card, pd.DataFrame(), pd.DataFrame())])
        for row in card.itertuples(index=False):
            below = f"{row.measure} is {row.pct:.1f}%, below the force"
            assert (below in asked) == (row.vs_force == "worse"), (district, row.measure)


def test_the_rule_is_stated_on_the_pages_and_in_the_pack(app_env, db):
    from analytics.pack import meeting_pack
    from analytics.stats import SuppressionRule
    from tests.app_runner import run_app

    overview_page = run_app({"district": "all"})
    assert any(DISTRICT_RULE in c.value for c in overview_page.caption)
    sc = run_app({"round": "2026-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    # Shown through the escaping helper: read it back without its escapes.
    shown = [m.value.replace("\\", "").replace("\u2060", "") for m in sc.markdown]
    rule_text = [t for t in shown if "Better, similar or worse than the force" in t]
    assert rule_text and "Wilson interval" in rule_text[0] and "funnel" in rule_text[0]
    content = meeting_pack.pack_content(db, "2026-09", "harlow", SuppressionRule(), synthetic=True, charts=False)
    assert any(DISTRICT_RULE in line for line in content.section("Methodology").body)


def test_overview_star_chamber_trends_and_pack_carry_the_same_verdict(app_env, db):
    """For one quarter and measure, every district's verdict against the force reads the same on the Overview's
    district table, the Star Chamber's scorecard, the trends funnel table and the pack's scorecard."""
    from analytics.pack import meeting_pack
    from analytics.stats import SuppressionRule
    from tests.app_runner import run_app
    from tests.conftest import open_data_sections

    link = {"district": "all", "from": "2025-26-Q2", "to": "2026-27-Q1", "measure": "feel_informed"}
    overview_page = run_app(link)
    table = next(d.value for d in overview_page.dataframe if "vs force" in d.value.columns).set_index("District")
    words = {name: v.replace(" ⚠", "") for name, v in table["vs force"].items()}
    trends_page = run_app(link | {"section": "funnel"}, page="app_pages/trends.py")
    open_data_sections(trends_page)
    funnel = next(d.value for d in trends_page.dataframe if "Position in the funnel" in d.value.columns)
    position = dict(zip(funnel["District"], funnel["Position in the funnel"], strict=True))
    names = dict(zip(db.query("SELECT district_id, name FROM districts")["district_id"],
                     db.query("SELECT district_id, name FROM districts")["name"], strict=True))  # fmt: skip
    checked = 0
    for district in ("harlow", "southend", "tendring", "thurrock", "colchester"):
        name = names[district]
        sc = run_app({"round": "2026-09", "presenting": district}, page="app_pages/star_chamber.py")
        card = next(d.value for d in sc.dataframe if "vs force" in d.value.columns).set_index("Measure")
        pack = meeting_pack.pack_content(db, "2026-09", district, SuppressionRule(), synthetic=True, charts=False)
        pack_card = pack.section("Scorecard").body.frame.set_index("Measure")
        label = next(m for m in card.index if "informed" in m.lower())
        for shown in (card.loc[label, "vs force"], pack_card.loc[label, "vs force"]):
            verdict = next((w for w in ("better", "worse") if w in shown), "similar")
            assert verdict == (words[name] if words[name] in ("better", "worse") else "similar"), (name, shown)
            assert position[name].startswith(SIDE[verdict]), (name, position[name], verdict)
        checked += 1
    assert checked == 5


def test_every_interval_is_written_one_way():
    from analytics.verdicts import interval_text, interval_words

    assert interval_words(55.12, 69.24) == "55.1% to 69.2%"
    assert interval_words(float("nan"), 69.2) == "" and interval_words(None, None) == ""
    assert interval_text([1.0, float("nan")], [2.04, float("nan")]) == ["1.0% to 2.0%", ""]
    card = pd.DataFrame({"ci_low": [40.04, np.nan], "ci_high": [47.96, np.nan], "name": ["A", "B"]})
    card = card.assign(pct=[44.0, np.nan], base_text=["n 400", "under 50"], base_status=["ok", "suppressed"])
    card = card.assign(comparison=["similar", "not compared"])
    from analytics.survey.tables import comparison_table

    assert interval_words(55.12, 69.24, short=True) == "55.1–69.2"
    assert list(comparison_table(card)["95% CI"]) == ["40.0–48.0", "–"]
