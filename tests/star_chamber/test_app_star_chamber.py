"""The Star Chamber page through app.py with AppTest: a meeting's link, editing actions, the meeting pack."""

import logging

from tests.app_runner import chart_values, qp, run_app, top_level


def test_star_chamber_page_for_a_shared_meeting_link(app_env):
    at = run_app(
        {"round": "2026-09", "presenting": "southend", "compare": ["southend", "harlow", "thurrock"]},
        page="app_pages/star_chamber.py",
    )
    assert not at.exception
    assert at.selectbox(key="w_presenting").value == "southend"
    assert "Southend at the September 2026 Star Chamber" in at.caption[0].value
    assert [s.value for s in at.main.header] == [
        "Questions for the panel",
        "Scorecard",
        "District Engagement Plan",
        "Side by side",
        "Actions",
    ]
    scorecard = at.dataframe[0].value
    assert list(scorecard["Measure"])[:1] == ["Police doing a good or excellent job"]
    assert set(scorecard["Grade"]) <= {"exceeds expectations", "meets expectations", "below expectations", "not graded"}
    assert at.get("vega_lite_chart"), "the side-by-side chart is drawn"
    actions = at.dataframe[-1].value
    assert actions["Status"].str.startswith("OVERDUE").any()


def _present(at, district: str):
    at.selectbox(key="w_presenting").set_value(district).run()
    assert not at.exception, at.exception
    return at


def _compared(at) -> list[str]:
    """The side by side's districts as its control shows them, checked against the link."""
    shown = [m for m in at.multiselect if m.label == "Districts (two to four)"]
    assert len(shown) == 1
    assert sorted(shown[0].value) == sorted(qp(at, "compare")), "the control and the link agree"
    return sorted(shown[0].value)


def test_the_side_by_side_follows_the_presenting_district(app_env):
    at = run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py")
    assert _compared(at) == ["basildon", "southend"]
    # Harlow takes the place of the district presenting before; the other choice stays.
    assert _compared(_present(at, "harlow")) == ["basildon", "harlow"]
    drawn = chart_values(at.get("vega_lite_chart")[0])
    assert {"Basildon", "Harlow"} <= drawn and "Southend" not in drawn, "the chart shows the new pair"
    assert _compared(_present(at, "thurrock")) == ["basildon", "thurrock"]


def test_the_side_by_side_keeps_a_panel_members_own_choice(app_env):
    link = {"round": "2026-09", "presenting": "southend", "compare": ["harlow", "thurrock"]}
    at = run_app(link, page="app_pages/star_chamber.py")
    assert _compared(_present(at, "tendring")) == ["harlow", "thurrock"], "the presenting district was not compared"
    link = {"round": "2026-09", "presenting": "southend", "compare": ["southend", "harlow"]}
    at = run_app(link, page="app_pages/star_chamber.py")
    assert _compared(_present(at, "harlow")) == ["harlow", "southend"], "already compared: nothing to swap"


def test_a_new_meeting_round_without_the_presenting_district_leaves_the_side_by_side(app_env, tmp_path, monkeypatch):
    import shutil

    import pandas as pd
    import streamlit as st

    from analytics.storage import engine
    from analytics.storage import parquet as store

    data_dir = tmp_path / "data"
    shutil.copytree(app_env, data_dir)
    m = store.read_table(data_dir, "star_chamber_meetings")
    month = pd.to_datetime(m["meeting_date"]).dt.strftime("%Y-%m")
    store.write_table(data_dir, "star_chamber_meetings", m[~((m["district_id"] == "southend") & (month == "2026-03"))])
    engine.build(data_dir)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    link = {"round": "2026-09", "presenting": "southend", "compare": ["southend", "harlow"]}
    at = run_app(link, page="app_pages/star_chamber.py")
    at.selectbox(key="w_round").set_value("2026-03").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="w_presenting").value != "southend", "Southend did not present in March"
    assert _compared(at) == ["harlow", "southend"], "the panel moved meeting, not district: the choice stays"


ACTION_FORMS = ("sc_update_action_open", "sc_add_action_open")


def _open_action_forms(at):
    """Open the "Update an action" and "Add an action" sections, as an editor clicking them does."""
    for key in ACTION_FORMS:
        at.session_state[key] = True
    at.run()
    assert not at.exception
    return at


def test_the_action_forms_are_drawn_only_once_opened(app_env):
    at = run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py")
    assert not at.exception
    assert {"Update an action", "Add an action from this meeting"} <= {e.label for e in at.expander}
    assert not at.date_input and not at.text_area, "closed sections send no inputs"
    assert not [b for b in at.button if b.label in ("Save update", "Add action")]
    _open_action_forms(at)
    assert [b.label for b in at.button if b.label in ("Save update", "Add action")] == ["Save update", "Add action"]
    # Open sections stay open, with their forms, when the panel moves to the next presenting district.
    at.selectbox(key="w_presenting").set_value("harlow").run()
    assert not at.exception
    assert len([d for d in at.date_input if d.label == "Due"]) == 2
    assert "-harlow-" in at.selectbox(key="edit_action").value, "harlow's actions to update, not southend's"


def _star_chamber_with_copy(demo_dir, tmp_path, monkeypatch):
    import shutil

    import streamlit as st

    data_dir = tmp_path / "data"
    shutil.copytree(demo_dir, data_dir)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _open_action_forms(run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py"))
    action = at.selectbox(key="edit_action").value
    return at, data_dir, action


def _form(at):
    status = next(s for s in at.selectbox if s.label == "Status")
    note = next(t for t in at.text_area if t.label == "Update")
    save = next(b for b in at.button if b.label == "Save update")
    return status, note, save


def test_an_action_update_saved_from_the_page(app_env, tmp_path, monkeypatch):
    import pandas as pd

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    status, note, save = _form(at)
    status.set_value("complete")
    note.set_value("Done: posts now go out monthly")
    save.click().run()
    assert not at.exception
    assert any(f"Saved {action}" in s.value.replace("\\", "") for s in at.success)
    row = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    assert row["status"] == "complete" and row["updated_by"] == "local user (no sign-in)"
    tracker = at.dataframe[-1].value.set_index("Action")
    assert tracker.loc[action, "Status"] == "complete", "the tracker on the same page shows the saved status"
    assert tracker.loc[action, "Latest update"] == "Done: posts now go out monthly"


def test_a_stale_edit_from_the_page_is_refused_and_shows_the_newer_version(app_env, tmp_path, monkeypatch):
    import pandas as pd

    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    # Someone else saves first, after this editor opened the action.
    current = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    actions.update_action(
        data_dir, action, int(current["version"]), {"update_note": "Other editor"}, "carol", role="manager"
    )
    _, note, save = _form(at)
    note.set_value("My note")
    save.click().run()
    assert not at.exception
    assert any("Not saved" in e.value and "carol" in e.value for e in at.error)
    row = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    assert row["update_note"] == "Other editor", "the other editor's change is not overwritten"


def test_meeting_pack_is_built_from_the_page(app_env):
    at = run_app({"round": "2026-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    at.button(key="build_pack").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Download PowerPoint" in labels and "Download PDF" in labels


def test_first_star_chamber_round_has_no_previous_meeting_or_carried_actions(app_env):
    at = run_app({"round": "2018-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    assert not at.exception
    assert "the previous Star Chamber (none)" in at.caption[0].value
    assert set(at.dataframe[0].value["vs last Star Chamber"]) == {"–"}
    listed = at.dataframe[-1].value
    assert listed["Action"].str.startswith("SC-2018-09-harlow").all(), "only actions set at this first meeting"
    assert not listed["Status"].str.startswith("OVERDUE").any()


def test_after_a_refused_edit_the_draft_survives_and_saves_on_top(app_env, tmp_path, monkeypatch):
    import pandas as pd

    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    actions.update_action(
        data_dir, action, int(current["version"]), {"update_note": "Carol's note"}, "carol", role="manager"
    )
    status, _, save = _form(at)
    chosen = "dropped" if status.value == "complete" else "complete"  # a change, whatever the action's status
    status.set_value(chosen)
    save.click().run()
    assert any("Not saved" in e.value for e in at.error)
    status, _, save = _form(at)
    assert status.value == chosen, "the editor's draft is kept after the refusal"
    save.click().run()
    row = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    assert row["status"] == chosen, "the editor's change is saved on top of the newer version"
    assert row["update_note"] == "Carol's note", "only what the editor changed is sent: Carol's note survives"


def test_a_refused_draft_survives_closing_and_reopening_the_section(app_env, tmp_path, monkeypatch):
    """The form is drawn only while its section is open; the editor's draft is kept while it is closed."""
    import pandas as pd

    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    actions.update_action(data_dir, action, int(current["version"]), {"update_note": "Carol"}, "carol", role="manager")
    status, note, save = _form(at)
    chosen = "dropped" if status.value == "complete" else "complete"
    status.set_value(chosen)
    note.set_value("My draft")
    save.click().run()
    assert any("Not saved" in e.value for e in at.error)
    at.session_state["sc_update_action_open"] = False
    at.run()
    assert not [t for t in at.text_area if t.label == "Update"], "a closed section draws no form"
    _open_action_forms(at)
    status, note, _ = _form(at)
    assert at.selectbox(key="edit_action").value == action
    assert (status.value, note.value) == (chosen, "My draft"), "the draft is there again"


def test_owner_and_due_date_are_editable_from_the_page(app_env, tmp_path, monkeypatch):
    from datetime import date

    import pandas as pd

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    owner = next(t for t in at.text_input if t.label == "Owner (role)")
    due = next(d for d in at.date_input if d.label == "Due")
    owner.set_value("District Inspector")
    due.set_value(date(2027, 2, 1))
    next(b for b in at.button if b.label == "Save update").click().run()
    assert not at.exception
    row = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    assert row["owner"] == "District Inspector" and row["due_date"] == date(2027, 2, 1)


def test_due_dates_are_typed_day_first(app_env):
    at = _open_action_forms(run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py"))
    assert not at.exception
    dues = [d for d in at.date_input if d.label == "Due"]
    assert len(dues) == 2, "the update form and the new-action form"
    assert [d.proto.format for d in dues] == ["DD/MM/YYYY", "DD/MM/YYYY"], "as UK users write dates, not 2019/01/31"


def _presenting_in_page_order(demo_dir, round_key: str) -> list[str]:
    """The districts presenting at ``round_key``, by name (the page's order), read from the files directly."""
    import pandas as pd

    meetings = pd.read_parquet(demo_dir / "star_chamber_meetings.parquet")
    names = pd.read_parquet(demo_dir / "districts.parquet").set_index("district_id")["name"]
    ids = meetings.loc[pd.to_datetime(meetings["meeting_date"]).dt.strftime("%Y-%m") == round_key, "district_id"]
    return sorted(ids, key=names.get)


def _counting_reviews(monkeypatch) -> list[str]:
    """Every district the Star Chamber review is worked out for, in order, wherever it is asked from."""
    from analytics.star_chamber import review

    reviewed: list[str] = []
    original = review.review

    def counting(db, round_key, district_id, rule):
        reviewed.append(district_id)
        return original(db, round_key, district_id, rule)

    monkeypatch.setattr(review, "review", counting)
    return reviewed


def test_the_next_presenting_districts_are_reviewed_while_the_panel_reads_this_one(app_env, monkeypatch, caplog):
    from ui.cache import star_chamber

    reviewed = _counting_reviews(monkeypatch)
    order = _presenting_in_page_order(app_env, "2026-09")
    assert len(order) >= 4
    at = run_app({"round": "2026-09", "presenting": order[0]}, page="app_pages/star_chamber.py")
    assert not at.exception
    assert star_chamber.wait_for_reviews_ahead()
    # The page's own district, then the next two in the page's order, each once.
    assert reviewed == order[:3]

    # Stepping to the next district reads its review from the cache: the page works nothing out itself.
    at.selectbox(key="w_presenting").set_value(order[1]).run()
    assert not at.exception
    assert at.caption[0].value.startswith(f"{at.selectbox(key='w_presenting').format_func(order[1])} at the")
    assert star_chamber.wait_for_reviews_ahead()
    # ...and only the one district not yet worked out is reviewed ahead.
    assert reviewed == order[:4]
    # The worker reads through the caches from its own thread without a word in the server's log.
    worker = [r for r in caplog.records if r.threadName == "star-chamber-review-ahead"]
    assert not [r for r in worker if r.levelno >= logging.WARNING], [r.getMessage() for r in worker]
    assert not [r for r in caplog.records if r.name == star_chamber.__name__]


def test_reviews_ahead_stop_when_an_import_landed_since_the_page_asked(app_env, tmp_path, monkeypatch, caplog):
    import shutil

    import pandas as pd

    from ui import pin
    from ui.cache import star_chamber

    data_dir = tmp_path / "data"
    shutil.copytree(app_env, data_dir)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(data_dir))
    asked: list[tuple] = []
    monkeypatch.setattr(star_chamber, "sc_review", lambda *key: asked.append(key))
    order = _presenting_in_page_order(data_dir, "2026-09")
    monkeypatch.setattr(star_chamber, "_PAUSE_S", 1.0)  # time for the import to land before the worker starts
    db = pin.begin_run()  # as app.py does: the page's run, pinned to the data as it is
    try:
        queued = star_chamber.review_ahead(db.version, "2026-09", order[0], order, 10, 30)
    finally:
        pin.end_run()
    assert queued == 2
    meetings = pd.read_parquet(data_dir / "star_chamber_meetings.parquet")
    meetings.iloc[:-1].to_parquet(data_dir / "star_chamber_meetings.parquet")  # an import: a new data version
    assert star_chamber.wait_for_reviews_ahead()
    assert asked == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == star_chamber.__name__]


def test_reviews_ahead_are_asked_only_from_a_run_on_the_data_it_reads(app_env):
    from ui.cache import star_chamber

    order = _presenting_in_page_order(app_env, "2026-09")
    # Outside a page run there is no pinned database to read.
    assert star_chamber.review_ahead("any version", "2026-09", order[0], order, 10, 30) == 0


def test_the_districts_ahead_wrap_round_as_previous_and_next_do():
    from ui.cache.star_chamber import upcoming

    assert upcoming("c", ["a", "b", "c"]) == ["a", "b"]
    assert upcoming("a", ["a", "b", "c", "d"]) == ["b", "c"]
    assert upcoming("a", ["a", "b"]) == ["b"]
    assert upcoming("a", ["a"]) == []
    assert upcoming("x", ["a", "b"]) == []


def test_in_presenter_mode_the_districts_reviewed_ahead_are_those_next_steps_to(app_env, monkeypatch):
    from ui.cache import star_chamber

    reviewed = _counting_reviews(monkeypatch)
    order = _presenting_in_page_order(app_env, "2026-09")
    tour = [order[0], order[2], order[3]]  # the sidebar's districts: Next steps through these alone
    at = run_app(
        {"present": "1", "round": "2026-09", "presenting": order[0], "district": tour}, page="app_pages/star_chamber.py"
    )
    assert not at.exception
    assert star_chamber.wait_for_reviews_ahead()
    assert reviewed == tour, "the next two Next steps to, not the next two presenting"
    at.button(key="present_next").click().run()
    assert not at.exception
    assert at.query_params["presenting"] in (order[2], [order[2]])
    assert star_chamber.wait_for_reviews_ahead()
    assert reviewed == tour, "stepped to a district reviewed ahead: nothing more to work out (the tour wraps)"


def test_every_presenting_district_keeps_the_same_page_structure(app_env):
    """Questions, plan, plans ahead and side by side vary in length from district to district; each is one element
    or a container of its own, so moving to the next district updates the tables and chart below in place. (Before
    this, the page's top level ran from 38 to 45 elements across these districts.)"""
    order = _presenting_in_page_order(app_env, "2026-09")
    shapes = {}
    for district in order:
        at = run_app({"round": "2026-09", "presenting": district}, page="app_pages/star_chamber.py")
        assert not at.exception
        shapes[district] = top_level(at)
    first = shapes[order[0]]
    assert "dataframe" in first and "flex_container" in first
    assert {d: s for d, s in shapes.items() if s != first} == {}


def _new_action_inputs(at):
    text = next(t for t in at.text_input if t.label == "What is to be done")
    owner = [t for t in at.text_input if t.label == "Owner (role)"][-1]  # the update form's comes first
    add = next(b for b in at.button if b.label == "Add action")
    return text, owner, add


def test_an_action_added_from_the_page_is_in_the_tracker_at_once_and_the_inputs_empty(app_env, tmp_path, monkeypatch):
    import pandas as pd

    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    before = set(pd.read_parquet(data_dir / "star_chamber_actions.parquet")["action_id"])
    text, owner, add = _new_action_inputs(at)
    text.set_value("Street surgery in Westcliff every month")
    owner.set_value("Neighbourhood Inspector")
    add.click().run()
    assert not at.exception
    stored = pd.read_parquet(data_dir / "star_chamber_actions.parquet")
    new = stored[~stored["action_id"].isin(before)]
    assert new[["district_id", "text", "owner"]].values.tolist() == [
        ["southend", "Street surgery in Westcliff every month", "Neighbourhood Inspector"]
    ]
    (new_id,) = new["action_id"]
    assert any(f"Added {new_id}" in s.value.replace("\\", "") for s in at.success)
    assert new_id in set(at.dataframe[-1].value["Action"]), "the tracker on the same page shows it"
    text, owner, _ = _new_action_inputs(at)
    assert (text.value, owner.value) == ("", ""), "the next action starts from empty inputs"


def test_an_action_refused_from_the_page_keeps_the_draft(app_env, tmp_path, monkeypatch):
    import pandas as pd

    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    stored = len(pd.read_parquet(data_dir / "star_chamber_actions.parquet"))
    text, _, add = _new_action_inputs(at)
    text.set_value("Monthly surgery")  # no owner: refused
    add.click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Not added: “Owner (role)” cannot be empty."], "the input named by its label"
    assert len(pd.read_parquet(data_dir / "star_chamber_actions.parquet")) == stored, "nothing written"
    text = _new_action_inputs(at)[0]
    assert text.value == "Monthly surgery", "the draft is kept to be mended"
    at.session_state["sc_add_action_open"] = False
    at.run()
    assert not [t for t in at.text_input if t.label == "What is to be done"], "a closed section draws no form"
    _open_action_forms(at)
    assert _new_action_inputs(at)[0].value == "Monthly surgery", "and kept while its section was closed"


def test_a_second_click_on_add_before_the_inputs_empty_adds_nothing_more(app_env, tmp_path, monkeypatch):
    import pandas as pd

    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    text, owner, add = _new_action_inputs(at)
    text.set_value("Monthly surgery")
    owner.set_value("District Inspector")
    add.click().run()
    stored = pd.read_parquet(data_dir / "star_chamber_actions.parquet")
    (added,) = stored.loc[stored["text"] == "Monthly surgery", "action_id"]
    # A browser that has not yet shown the emptied inputs sends the draft again with a second click.
    text, owner, add = _new_action_inputs(at)
    text.set_value("Monthly surgery")
    owner.set_value("District Inspector")
    add.click().run()
    assert not at.exception
    stored = pd.read_parquet(data_dir / "star_chamber_actions.parquet")
    assert (stored["text"] == "Monthly surgery").sum() == 1, "added once"
    assert any(f"Added {added} once" in i.value.replace("\\", "") for i in at.success)
    # Something changed is a new action.
    text, owner, add = _new_action_inputs(at)
    text.set_value("Monthly surgery")
    owner.set_value("Neighbourhood Sergeant")
    add.click().run()
    stored = pd.read_parquet(data_dir / "star_chamber_actions.parquet")
    assert (stored["text"] == "Monthly surgery").sum() == 2


def test_an_add_clicked_after_the_role_was_withdrawn_saves_nothing(app_env, tmp_path, monkeypatch):
    import pandas as pd

    from ui import auth

    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    stored = len(pd.read_parquet(data_dir / "star_chamber_actions.parquet"))
    text, owner, add = _new_action_inputs(at)
    text.set_value("Monthly surgery")
    owner.set_value("District Inspector")
    # The form was drawn for an editor; by the click, the person is signed in as a viewer.
    monkeypatch.setattr(auth, "current", lambda: auth.Actor("Val", "viewer", "sign-in", True))
    add.click().run()
    assert not at.exception
    assert len(pd.read_parquet(data_dir / "star_chamber_actions.parquet")) == stored, "nothing written"
    assert any("updated and added by engagement managers" in c.value for c in at.caption)


def test_a_refused_update_stays_in_sight_while_the_draft_is_mended(app_env, tmp_path, monkeypatch):
    import pandas as pd

    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    actions.update_action(data_dir, action, int(current["version"]), {"update_note": "Carol"}, "carol", role="manager")
    _, note, save = _form(at)
    note.set_value("My note")
    save.click().run()
    assert any("Not saved" in e.value for e in at.error) and at.json
    _, note, _ = _form(at)
    note.set_value("My note, mended").run()  # each input's change reruns the page
    assert any("Not saved" in e.value for e in at.error), "the refusal is still shown"
    assert "Carol" in at.json[0].value, "and their version with it"
    _form(at)[2].click().run()
    assert any("Saved" in s.value for s in at.success)
    assert not at.error and not at.json, "gone once the save went through"


def test_the_actions_table_lists_open_ones_first_by_due_date_with_dates_day_first(app_env):
    import json
    from datetime import date

    at = run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py")
    table = at.dataframe[-1]
    assert json.loads(table.proto.columns)["Due"]["type_config"] == {"type": "date", "format": "DD/MM/YYYY"}
    shown = table.value
    assert list(shown.columns[:4]) == ["Action", "Set", "Status", "Due"], "its state before its long text"
    still_open = shown["Status"].str.removeprefix("OVERDUE (").str.removesuffix(")").isin(["open", "in progress"])
    assert still_open.any() and not still_open.all(), "the demo's meeting lists open and closed actions"
    assert list(still_open) == sorted(still_open, reverse=True), "open ones first"
    for part in (shown[still_open], shown[~still_open]):
        dues = [date.fromisoformat(str(d)[:10]) for d in part["Due"]]
        assert dues == sorted(dues), "each part by due date"


def test_an_update_already_saved_by_an_overlapping_click_reads_as_saved(app_env, tmp_path, monkeypatch):
    """A double click's second run may start before the first has noted the new version: the store refuses it as a
    stale edit, but what it holds is this draft, so the editor is told it is saved, not that someone changed it."""
    import pandas as pd

    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = pd.read_parquet(data_dir / "star_chamber_actions.parquet").set_index("action_id").loc[action]
    # The first click's save, whose run never came back to note it.
    actions.update_action(data_dir, action, int(current["version"]), {"update_note": "My note"}, "me", role="manager")
    _, note, save = _form(at)
    note.set_value("My note")
    save.click().run()
    assert not at.error, [e.value for e in at.error]
    saved = f"Saved {action} (version {int(current['version']) + 1})"
    assert any(saved in s.value.replace("\\", "") for s in at.success)
    # A different draft on a version changed since is still refused (test_a_stale_edit...).
