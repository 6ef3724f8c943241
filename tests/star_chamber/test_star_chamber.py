"""Star Chamber: the grade rule, the scorecard and KPIs against pandas, and the panel prompts."""

import shutil
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.contract.vocabulary import HARD_TO_REACH_GROUPS
from analytics.periods import add_quarters
from analytics.star_chamber import kpis, prompts
from analytics.star_chamber import scorecard as star_chamber
from analytics.storage import parquet as store
from analytics.survey import trends
from tests.reference import pooled_z_test, reference

# The grade rule, case by case: (level against the force, trend on a year before) -> grade.
GRADE_CASES = [
    ("better", "improved", "exceeds expectations"),
    ("better", "no significant change", "exceeds expectations"),
    ("better", "declined", "meets expectations"),
    ("similar", "improved", "exceeds expectations"),
    ("similar", "no significant change", "meets expectations"),
    ("similar", "declined", "below expectations"),
    ("worse", "improved", "meets expectations"),
    ("worse", "no significant change", "below expectations"),
    ("worse", "declined", "below expectations"),
    ("not compared", "improved", "not graded"),
    ("better", "not compared", "not graded"),
]


@pytest.mark.parametrize(("level", "trend", "expected"), GRADE_CASES)
def test_grade_rule(level, trend, expected):
    assert star_chamber.grade(level, trend) == expected


def test_review_quarter_is_the_last_complete_quarter_before_the_meeting():
    assert star_chamber.review_quarter(date(2026, 9, 14)) == date(2026, 4, 1)
    assert star_chamber.review_quarter(date(2019, 3, 4)) == date(2018, 10, 1)


def test_rounds_hold_every_meeting_newest_first(db, raw):
    """What the Star Chamber page chooses from, against the meetings file read with pandas."""
    m = raw("star_chamber_meetings")
    m["round"] = pd.to_datetime(m["meeting_date"]).dt.strftime("%Y-%m")
    got = star_chamber.rounds(db)
    assert list(got) == sorted(m["round"].unique(), reverse=True)
    for key, held in m.groupby("round"):
        assert sorted(got[key].district_ids) == sorted(held["district_id"].unique())
        assert got[key].label == pd.Timestamp(f"{key}-01").strftime("%B %Y")


def test_a_district_meeting_twice_in_a_month_presents_once_at_its_later_meeting(demo_dir, tmp_path):
    from analytics.storage import engine
    from analytics.storage.db import Database

    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    m = store.read_table(folder, "star_chamber_meetings")
    first = m[(m["district_id"] == "southend") & (pd.to_datetime(m["meeting_date"]).dt.strftime("%Y-%m") == "2026-09")]
    assert len(first) == 1
    again = first.assign(meeting_id="SC-reconvened", meeting_date=first["meeting_date"] + pd.Timedelta(days=10))
    store.write_table(folder, "star_chamber_meetings", pd.concat([m, again], ignore_index=True))
    engine.build(folder)
    db = Database(folder)
    presenting = star_chamber.rounds(db)["2026-09"].district_ids
    assert presenting.count("southend") == 1 and len(presenting) == len(set(presenting))
    reconvened = star_chamber.meeting(db, "2026-09", "southend")
    assert reconvened.meeting_id == "SC-reconvened"
    # Compared with the round before, not with the first meeting of the same month (the same quarter reviewed).
    previous = star_chamber.previous_meeting(db, reconvened)
    assert previous.meeting_date.strftime("%Y-%m") < "2026-09"
    assert previous.review_quarter < reconvened.review_quarter


@pytest.mark.parametrize("district", ["southend", "harlow", "braintree_uttlesford"])
def test_scorecard_matches_pandas(db, raw, district):
    meeting = star_chamber.meeting(db, "2026-09", district)
    previous = star_chamber.previous_meeting(db, meeting)
    assert previous.meeting_date < meeting.meeting_date and previous.district_id == district
    card = star_chamber.survey_scorecard(db, meeting, previous).set_index("question_id")
    q = meeting.review_quarter
    bench = raw("benchmarks")
    for qid, row in card.iterrows():
        ref = reference(raw, qid, add_quarters(q, -4), q, by=("district_id",)).set_index(
            ["district_id", "quarter_start"]
        )
        now, year = ref.loc[(district, q)], ref.loc[(district, add_quarters(q, -4))]
        force = reference(raw, qid, q, q).iloc[0]
        assert row["pct"] == pytest.approx(now["pct"], abs=1e-9) and row["n"] == now["n"]
        assert row["diff_force"] == pytest.approx(now["pct"] - force["pct"], abs=1e-9)
        level = "better" if now["lo"] > force["pct"] else "worse" if now["hi"] < force["pct"] else "similar"
        assert row["vs_force"] == level
        z, p = pooled_z_test(now["p"], now["neff"], year["p"], year["neff"])
        trend = "no significant change" if p >= 0.05 else ("improved" if z > 0 else "declined")
        assert row["vs_year"] == trend and row["p_year"] == pytest.approx(p, rel=1e-6)
        assert row["grade"] == star_chamber.grade(level, trend)
        prev_ref = reference(raw, qid, previous.review_quarter, previous.review_quarter, by=("district_id",))
        before = prev_ref.set_index("district_id").loc[district]
        assert row["diff_previous"] == pytest.approx(now["pct"] - before["pct"], abs=1e-9)
        msg = bench[(bench["question_id"] == qid) & (bench["group_id"] == "msg") & (bench["quarter_start"] == q)]
        if len(msg):
            assert row["msg_pct"] == pytest.approx(msg["value_pct"].iloc[0])
        else:
            assert row["vs_msg"] == "no benchmark"
        # The scorecard places the district in the funnel itself: the place the funnel chart shows.
        points, _ = trends.funnel(db, qid, q)
        assert row["funnel_position"] == points.set_index("series_id")["position"].get(district, "not shown")


def test_kpis_read_every_districts_figures_once_whichever_district_presents(demo_dir, monkeypatch):
    """The quarter's figures for every district and the force are read once per data version; each district's
    KPIs are what a database that has read nothing yet gives for it, whatever district came before."""
    from analytics.storage.db import Database

    db = Database(demo_dir)
    sent = []
    real = db.query
    monkeypatch.setattr(db, "query", lambda sql, params=None: sent.append(sql) or real(sql, params))
    quarter = date(2026, 4, 1)
    order = ["harlow", "southend", "harlow", "basildon"]
    got = [kpis.kpi_scorecard(db, d, quarter) for d in order]
    assert sum(sql == kpis._FIGURES_SQL for sql in sent) == 1
    for district, one in zip(order, got, strict=True):
        pd.testing.assert_frame_equal(one, kpis.kpi_scorecard(Database(demo_dir), district, quarter))
    assert not got[0].equals(got[1]), "two districts' KPIs differ: the comparison above can fail"


def test_kpis_match_pandas(db, raw):
    quarter = date(2026, 4, 1)
    got = kpis.kpi_scorecard(db, "harlow", quarter).set_index("kpi")
    ev = raw("engagement_events")
    ev = ev[(ev["start_at"] >= "2026-04-01") & (ev["start_at"] < "2026-07-01")]
    pop = raw("districts").set_index("district_id")["population"]
    harlow = ev[ev["district_id"] == "harlow"]
    held = (harlow["status"] == "held").sum()
    assert got.loc["events_per_10k", "value"] == pytest.approx(10_000 * held / pop["harlow"])
    assert got.loc["events_per_10k", "force_value"] == pytest.approx(
        10_000 * (ev["status"] == "held").sum() / pop.sum()
    )
    assert got.loc["attendance_per_event", "value"] == pytest.approx(
        harlow.loc[harlow["status"] == "held", "attendance"].sum() / held
    )
    c = raw("engagement_concerns")
    c = c[(c["district_id"] == "harlow") & (c["raised_on"] >= date(2026, 4, 1)) & (c["raised_on"] < date(2026, 7, 1))]
    told = pd.to_datetime(c["told_on"])
    in_time = told.notna() & c["action_on"].notna() & (told <= pd.to_datetime(c["raised_on"]) + pd.Timedelta(days=60))
    assert got.loc["loop_closure", "base"] == len(c)
    if len(c) >= 50:
        assert got.loc["loop_closure", "value"] == pytest.approx(100 * in_time.sum() / len(c))
    else:
        assert np.isnan(got.loc["loop_closure", "value"]) and got.loc["loop_closure", "vs_force"] == "not compared"
    assert (got.drop(index="loop_closure")["vs_force"] == "not tested").all()
    # The same quarter a year before comes from the same queries, grouped by quarter.
    ev_year = raw("engagement_events")
    ev_year = ev_year[(ev_year["start_at"] >= "2025-04-01") & (ev_year["start_at"] < "2025-07-01")]
    held_year = ev_year[(ev_year["district_id"] == "harlow") & (ev_year["status"] == "held")]
    assert got.loc["events_per_10k", "year_value"] == pytest.approx(10_000 * len(held_year) / pop["harlow"])
    hard = held_year[held_year["audience_group"].isin(HARD_TO_REACH_GROUPS)]["audience_group"].nunique()
    assert got.loc["hard_to_reach_groups", "year_value"] == hard
    scheduled = harlow[harlow["status"].isin(["held", "cancelled"])]
    assert got.loc["cancellation_rate", "value"] == pytest.approx(
        100 * (scheduled["status"] == "cancelled").sum() / len(scheduled)
    )


def test_prompts_cite_their_numbers():
    card = pd.DataFrame(
        {
            "question_id": ["police_job", "seen_officer"],
            "measure": ["Confidence", "Seen an officer"],
            "pct": [60.0, 30.0],
            "force_pct": [66.0, 29.0],
            "diff_year": [-6.0, 0.5],
            "p_year": [0.01, 0.8],
            "vs_year": ["declined", "no significant change"],
            "vs_force": ["worse", "similar"],
            "year_ago_label": ["Q1 2025/26", "Q1 2025/26"],
        }
    )
    out = [q for q, _ in prompts.panel_questions(card, pd.DataFrame(), pd.DataFrame())]
    assert out[0] == (
        "Confidence fell 6.0 points since Q1 2025/26 (66.0% to 60.0%), a significant change (p = 0.010), while "
        "seen an officer held. What changed?"
    )
    assert "below the force (66.0%)" in out[1]
    assert len(out) == 2, "no prompt for changes that are not significant"


def test_loop_closure_under_the_threshold_is_never_shown(db):
    got = kpis.kpi_scorecard(db, "southend", date(2026, 4, 1)).set_index("kpi").loc["loop_closure"]
    assert got["base"] < 50
    assert np.isnan(got["value"]) and np.isnan(got["ci_low"]) and got["vs_force"] == "not compared"


def test_a_missing_social_month_gives_no_figure_not_zero(demo_dir, tmp_path):
    from analytics.storage import parquet as store
    from analytics.storage.db import Database

    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    m = pd.read_parquet(copy / "social_monthly.parquet")
    store.write_table(
        copy, "social_monthly", m[~((m["account_id"] == "fb_southend") & (m["month_start"] == date(2026, 6, 1)))]
    )
    got = kpis.kpi_scorecard(Database(copy), "southend", date(2026, 4, 1)).set_index("kpi")
    assert np.isnan(got.loc["followers_per_1k", "value"]) and np.isnan(got.loc["reach_per_1k", "value"])
    assert np.isfinite(got.loc["followers_per_1k", "force_value"])
