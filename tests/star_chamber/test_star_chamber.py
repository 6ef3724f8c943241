"""Star Chamber: the grade rule, scorecard against pandas, KPIs, prompts and the actions store."""

import json
import multiprocessing
import shutil
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from analytics.contract.vocabulary import HARD_TO_REACH_GROUPS
from analytics.periods import add_quarters
from analytics.star_chamber import actions, kpis, prompts
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


@pytest.fixture
def action_dir(demo_dir, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(demo_dir, out)
    return out


def test_two_people_editing_one_action_neither_is_lost(action_dir):
    a = pd.read_parquet(action_dir / "star_chamber_actions.parquet").iloc[0]
    seen = int(a["version"])
    first = actions.update_action(
        action_dir, a["action_id"], seen, {"update_note": "Alice's note"}, "alice", role="manager"
    )
    assert first["version"] == seen + 1
    with pytest.raises(actions.ActionConflict) as conflict:
        actions.update_action(action_dir, a["action_id"], seen, {"status": "complete"}, "bob", role="manager")
    assert conflict.value.current["update_note"] == "Alice's note", "Bob is shown the newer version"
    actions.update_action(
        action_dir, a["action_id"], conflict.value.current["version"], {"status": "complete"}, "bob", role="manager"
    )
    row = pd.read_parquet(action_dir / "star_chamber_actions.parquet").set_index("action_id").loc[a["action_id"]]
    assert row["update_note"] == "Alice's note" and row["status"] == "complete" and row["updated_by"] == "bob"
    history = [json.loads(line) for line in (action_dir / actions.HISTORY).read_text().splitlines()]
    assert [(h["by"], h["change"]) for h in history] == [("alice", "update"), ("bob", "update")]


def _add_many(data_dir, who, n):
    for i in range(n):
        actions.add_action(
            data_dir,
            "SC-2026-09-harlow",
            "harlow",
            {"text": f"{who} {i}", "owner": who, "due_date": date(2027, 1, 1), "theme": "Feedback"},
            who,
            role="manager",
        )


def test_concurrent_writers_in_two_processes_lose_nothing(action_dir):
    before = len(pd.read_parquet(action_dir / "star_chamber_actions.parquet"))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_many, args=(action_dir, who, 15)) for who in ("alice", "bob")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    after = pd.read_parquet(action_dir / "star_chamber_actions.parquet")
    assert len(after) == before + 30
    assert after["action_id"].is_unique
    assert set(after["text"]) >= {f"{w} {i}" for w in ("alice", "bob") for i in range(15)}


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


def test_first_action_when_the_table_does_not_exist_yet(action_dir):
    (action_dir / "star_chamber_actions.parquet").unlink()
    row = actions.add_action(
        action_dir,
        "SC-2026-09-harlow",
        "harlow",
        {"text": "First", "owner": "Inspector", "due_date": "2026-12-14", "theme": "Other"},
        "x",
        role="manager",
    )
    assert row["action_id"] == "SC-2026-09-harlow-A1"
    assert len(pd.read_parquet(action_dir / "star_chamber_actions.parquet")) == 1


def test_concurrent_updates_in_two_processes_lose_nothing(action_dir):
    a = pd.read_parquet(action_dir / "star_chamber_actions.parquet").iloc[0]
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(target=_update_until_saved, args=(action_dir, a["action_id"], who, 10)) for who in ("alice", "bob")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    row = pd.read_parquet(action_dir / "star_chamber_actions.parquet").set_index("action_id").loc[a["action_id"]]
    assert row["version"] == a["version"] + 20, "every one of the 20 updates was applied on its own version"
    lines = [json.loads(x) for x in (action_dir / actions.HISTORY).read_text().splitlines()]
    assert sorted(x["version"] for x in lines) == list(range(a["version"] + 1, a["version"] + 21))


def _update_until_saved(data_dir, action_id, who, n):
    for i in range(n):
        while True:
            # Read as the app reads it: one open file, so the other process's rename cannot tear the read.
            current = store.read_table(data_dir, "star_chamber_actions").set_index("action_id").loc[action_id]
            try:
                actions.update_action(
                    data_dir, action_id, int(current["version"]), {"update_note": f"{who} {i}"}, who, role="manager"
                )
                break
            except actions.ActionConflict:
                continue


def test_action_validation(action_dir):
    a = pd.read_parquet(action_dir / "star_chamber_actions.parquet").iloc[0]
    with pytest.raises(actions.ActionError, match="status"):
        actions.update_action(action_dir, a["action_id"], a["version"], {"status": "finished"}, "x", role="manager")
    with pytest.raises(actions.ActionError, match="cannot change"):
        actions.update_action(action_dir, a["action_id"], a["version"], {"district_id": "harlow"}, "x", role="manager")
    with pytest.raises(actions.ActionError, match="no action"):
        actions.update_action(action_dir, "nope", 1, {"status": "open"}, "x", role="manager")
    with pytest.raises(actions.ActionError, match="due date"):
        actions.update_action(action_dir, a["action_id"], a["version"], {"due_date": "next week"}, "x", role="manager")
    with pytest.raises(actions.ActionError, match="text cannot be empty"):
        actions.add_action(
            action_dir,
            "m",
            "harlow",
            {"text": " ", "owner": "o", "due_date": date(2027, 1, 1), "theme": "Other"},
            "x",
            role="manager",
        )


def test_tracker_carries_open_actions_forward_and_flags_overdue(db, raw):
    meeting = star_chamber.meeting(db, "2026-09", "southend")
    t = actions.tracker(db, "southend", meeting.meeting_date)
    a = raw("star_chamber_actions")
    m = raw("star_chamber_meetings").set_index("meeting_id")["meeting_date"]
    a = a[(a["district_id"] == "southend") & (a["meeting_id"].map(m) <= meeting.meeting_date)]
    open_ids = set(a.loc[a["status"].isin(["open", "in progress"]), "action_id"])
    assert open_ids <= set(t["action_id"])
    overdue = set(
        a.loc[a["status"].isin(["open", "in progress"]) & (a["due_date"] < meeting.meeting_date), "action_id"]
    )
    assert set(t.loc[t["overdue"], "action_id"]) == overdue
    assert (t.loc[t["overdue"], "age_days"] > 0).all()
    set_here = set(a.loc[a["meeting_id"] == meeting.meeting_id, "action_id"])
    assert set_here <= set(t["action_id"]), "actions set at this meeting are listed too"
    expected = t["status"].isin(["open", "in progress"]) & ~t["action_id"].isin(set_here)
    assert np.all(t["carried_forward"] == expected)


@pytest.mark.parametrize("which", ["first", "latest"])
def test_tracker_lists_open_actions_and_those_closed_since_the_previous_meeting(db, raw, which):
    meetings = raw("star_chamber_meetings")
    mine = meetings[meetings["district_id"] == "southend"].sort_values("meeting_date")
    row = mine.iloc[0 if which == "first" else -1]
    on = pd.Timestamp(row["meeting_date"]).date()
    t = actions.tracker(db, "southend", on)
    a = raw("star_chamber_actions")
    set_on = a["meeting_id"].map(meetings.set_index("meeting_id")["meeting_date"])
    a = a[(a["district_id"] == "southend") & (set_on <= row["meeting_date"])]
    earlier = mine.loc[mine["meeting_date"] < row["meeting_date"], "meeting_date"]
    since = pd.Timestamp(earlier.max()) if len(earlier) else pd.Timestamp.min
    shown = a["status"].isin(["open", "in progress"]) | (pd.to_datetime(a["updated_at"]).dt.normalize() >= since)
    assert len(a) > 0 and set(t["action_id"]) == set(a.loc[shown, "action_id"])
    if which == "latest":
        assert (~shown).any(), "some actions closed before the previous meeting are left out"


def test_conflict_message_names_who_and_when():
    row = {"action_id": "A1", "updated_by": "alice", "updated_at": datetime(2026, 9, 1, 10, 30)}
    assert str(actions.ActionConflict(row)) == "A1 was changed by alice at 01 Sep 2026 10:30"


def test_open_actions_come_first_each_part_by_due_date_then_by_id():
    from analytics.star_chamber import tables

    tracker = pd.DataFrame(
        {
            "action_id": ["A1", "A2", "A3", "A4", "A5"],
            "status": ["complete", "open", "in progress", "dropped", "open"],
            "due_date": [date(2026, 1, 5), date(2026, 6, 1), date(2026, 3, 1), date(2025, 12, 1), date(2026, 3, 1)],
        }
    )
    assert tables.open_first(tracker)["action_id"].tolist() == ["A3", "A5", "A2", "A4", "A1"]


def test_the_same_action_added_twice_at_once_is_stored_once(action_dir):
    """Two runs of one double click may overlap in the server; the store, under its lock, keeps one."""
    import threading

    fields = {"text": "Monthly surgery", "owner": "District Inspector", "due_date": date(2027, 1, 1), "theme": "Other"}
    before = pd.read_parquet(action_dir / "star_chamber_actions.parquet")
    outcomes: list = []
    start = threading.Barrier(4)

    def add():
        start.wait()
        try:
            added = actions.add_action(action_dir, "SC-2026-09-harlow", "harlow", fields, "val", role="manager")
            outcomes.append(added)
        except actions.ActionAlreadyAdded as same:
            outcomes.append(same.action_id)

    threads = [threading.Thread(target=add) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    after = pd.read_parquet(action_dir / "star_chamber_actions.parquet")
    assert len(after) == len(before) + 1, "stored once"
    [added] = [o["action_id"] for o in outcomes if isinstance(o, dict)]
    assert sorted(o for o in outcomes if isinstance(o, str)) == [added] * 3, "the others name the one stored"
    # Anything different is another action: the same words for another district, or another owner.
    actions.add_action(action_dir, "SC-2026-09-harlow", "harlow", {**fields, "owner": "PCSO"}, "val", role="manager")
    assert len(pd.read_parquet(action_dir / "star_chamber_actions.parquet")) == len(before) + 2
