"""The Star Chamber actions store: the tracker, validation, edits and adds that lose nothing under concurrency."""

import json
import multiprocessing
import shutil
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from analytics.star_chamber import actions
from analytics.star_chamber import scorecard as star_chamber
from analytics.storage import parquet as store


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
