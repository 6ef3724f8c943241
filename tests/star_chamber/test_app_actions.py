"""The Star Chamber's action forms through app.py with AppTest: update and add, drafts kept, refusals, double clicks,
and the actions table as the page shows it."""

import pandas as pd

from tests.app_runner import run_app

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


def _stored(data_dir):
    """The actions table as stored."""
    return pd.read_parquet(data_dir / "star_chamber_actions.parquet")


def _form(at):
    status = next(s for s in at.selectbox if s.label == "Status")
    note = next(t for t in at.text_area if t.label == "Update")
    save = next(b for b in at.button if b.label == "Save update")
    return status, note, save


def test_an_action_update_saved_from_the_page(app_env, tmp_path, monkeypatch):
    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    status, note, save = _form(at)
    status.set_value("complete")
    note.set_value("Done: posts now go out monthly")
    save.click().run()
    assert not at.exception
    assert any(f"Saved {action}" in s.value.replace("\\", "") for s in at.success)
    row = _stored(data_dir).set_index("action_id").loc[action]
    assert row["status"] == "complete" and row["updated_by"] == "local user (no sign-in)"
    tracker = at.dataframe[-1].value.set_index("Action")
    assert tracker.loc[action, "Status"] == "complete", "the tracker on the same page shows the saved status"
    assert tracker.loc[action, "Latest update"] == "Done: posts now go out monthly"


def test_a_stale_edit_from_the_page_is_refused_and_shows_the_newer_version(app_env, tmp_path, monkeypatch):
    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    # Someone else saves first, after this editor opened the action.
    current = _stored(data_dir).set_index("action_id").loc[action]
    actions.update_action(
        data_dir, action, int(current["version"]), {"update_note": "Other editor"}, "carol", role="manager"
    )
    _, note, save = _form(at)
    note.set_value("My note")
    save.click().run()
    assert not at.exception
    assert any("Not saved" in e.value and "carol" in e.value for e in at.error)
    row = _stored(data_dir).set_index("action_id").loc[action]
    assert row["update_note"] == "Other editor", "the other editor's change is not overwritten"


def test_after_a_refused_edit_the_draft_survives_and_saves_on_top(app_env, tmp_path, monkeypatch):
    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = _stored(data_dir).set_index("action_id").loc[action]
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
    row = _stored(data_dir).set_index("action_id").loc[action]
    assert row["status"] == chosen, "the editor's change is saved on top of the newer version"
    assert row["update_note"] == "Carol's note", "only what the editor changed is sent: Carol's note survives"


def test_a_refused_draft_survives_closing_and_reopening_the_section(app_env, tmp_path, monkeypatch):
    """The form is drawn only while its section is open; the editor's draft is kept while it is closed."""
    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = _stored(data_dir).set_index("action_id").loc[action]
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

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    owner = next(t for t in at.text_input if t.label == "Owner (role)")
    due = next(d for d in at.date_input if d.label == "Due")
    owner.set_value("District Inspector")
    due.set_value(date(2027, 2, 1))
    next(b for b in at.button if b.label == "Save update").click().run()
    assert not at.exception
    row = _stored(data_dir).set_index("action_id").loc[action]
    assert row["owner"] == "District Inspector" and row["due_date"] == date(2027, 2, 1)


def test_due_dates_are_typed_day_first(app_env):
    at = _open_action_forms(run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py"))
    assert not at.exception
    dues = [d for d in at.date_input if d.label == "Due"]
    assert len(dues) == 2, "the update form and the new-action form"
    assert [d.proto.format for d in dues] == ["DD/MM/YYYY", "DD/MM/YYYY"], "as UK users write dates, not 2019/01/31"


def _fill_new_action(at, text: str, owner: str | None = None):
    """Type a new action (and its owner) as an editor does; returns the Add button, not yet clicked."""
    what, who, add = _new_action_inputs(at)
    what.set_value(text)
    if owner is not None:
        who.set_value(owner)
    return add


def _new_action_inputs(at):
    text = next(t for t in at.text_input if t.label == "What is to be done")
    owner = [t for t in at.text_input if t.label == "Owner (role)"][-1]  # the update form's comes first
    add = next(b for b in at.button if b.label == "Add action")
    return text, owner, add


def test_an_action_added_from_the_page_is_in_the_tracker_at_once_and_the_inputs_empty(app_env, tmp_path, monkeypatch):
    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    before = set(_stored(data_dir)["action_id"])
    _fill_new_action(at, "Street surgery in Westcliff every month", "Neighbourhood Inspector").click().run()
    assert not at.exception
    stored = _stored(data_dir)
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
    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    stored = len(_stored(data_dir))
    _fill_new_action(at, "Monthly surgery").click().run()  # no owner: refused
    assert not at.exception
    assert [e.value for e in at.error] == ["Not added: “Owner (role)” cannot be empty."], "the input named by its label"
    assert len(_stored(data_dir)) == stored, "nothing written"
    text = _new_action_inputs(at)[0]
    assert text.value == "Monthly surgery", "the draft is kept to be mended"
    at.session_state["sc_add_action_open"] = False
    at.run()
    assert not [t for t in at.text_input if t.label == "What is to be done"], "a closed section draws no form"
    _open_action_forms(at)
    assert _new_action_inputs(at)[0].value == "Monthly surgery", "and kept while its section was closed"


def test_a_second_click_on_add_before_the_inputs_empty_adds_nothing_more(app_env, tmp_path, monkeypatch):
    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    _fill_new_action(at, "Monthly surgery", "District Inspector").click().run()
    stored = _stored(data_dir)
    (added,) = stored.loc[stored["text"] == "Monthly surgery", "action_id"]
    # A browser that has not yet shown the emptied inputs sends the draft again with a second click.
    _fill_new_action(at, "Monthly surgery", "District Inspector").click().run()
    assert not at.exception
    stored = _stored(data_dir)
    assert (stored["text"] == "Monthly surgery").sum() == 1, "added once"
    assert any(f"Added {added} once" in i.value.replace("\\", "") for i in at.success)
    # Something changed is a new action.
    _fill_new_action(at, "Monthly surgery", "Neighbourhood Sergeant").click().run()
    stored = _stored(data_dir)
    assert (stored["text"] == "Monthly surgery").sum() == 2


def test_an_add_clicked_after_the_role_was_withdrawn_saves_nothing(app_env, tmp_path, monkeypatch):
    from ui import auth

    at, data_dir, _ = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    stored = len(_stored(data_dir))
    add = _fill_new_action(at, "Monthly surgery", "District Inspector")
    # The form was drawn for an editor; by the click, the person is signed in as a viewer.
    monkeypatch.setattr(auth, "current", lambda: auth.Actor("Val", "viewer", "sign-in", True))
    add.click().run()
    assert not at.exception
    assert len(_stored(data_dir)) == stored, "nothing written"
    assert any("updated and added by engagement managers" in c.value for c in at.caption)


def test_a_refused_update_stays_in_sight_while_the_draft_is_mended(app_env, tmp_path, monkeypatch):
    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = _stored(data_dir).set_index("action_id").loc[action]
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
    from analytics.star_chamber import actions

    at, data_dir, action = _star_chamber_with_copy(app_env, tmp_path, monkeypatch)
    current = _stored(data_dir).set_index("action_id").loc[action]
    # The first click's save, whose run never came back to note it.
    actions.update_action(data_dir, action, int(current["version"]), {"update_note": "My note"}, "me", role="manager")
    _, note, save = _form(at)
    note.set_value("My note")
    save.click().run()
    assert not at.error, [e.value for e in at.error]
    saved = f"Saved {action} (version {int(current['version']) + 1})"
    assert any(saved in s.value.replace("\\", "") for s in at.success)
