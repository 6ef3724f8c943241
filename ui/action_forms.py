"""The Star Chamber's action forms: update one of the district's actions, add one set at this meeting.

Each is drawn only while its section is open (a closed form sends the browser nothing, so moving to the next
presenting district does not rebuild forms nobody has opened). Their inputs are not an ``st.form``: a form's
values reach the server only when it is submitted, so words typed and not yet saved were lost when the editor
closed the section. Each input sends its value when the editor leaves it, and keeps it while the section is closed
(``persist_state``), until it is saved or added.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from dateutil.relativedelta import relativedelta

from analytics.access import PermissionDenied
from analytics.contract.vocabulary import ACTION_STATUSES, MEETING_THEMES
from analytics.star_chamber.actions import ActionAlreadyAdded, ActionConflict, ActionError
from ui import auth, escape, table_view
from ui.cache import star_chamber

UPDATE_OPEN, ADD_OPEN = "sc_update_action_open", "sc_add_action_open"  # the sections' session-state keys
# Said under each form's inputs: what happens to words typed and not yet saved.
KEPT_WORDS = "What you type is kept while this section is closed; it is saved only when you press {button}."


def sections(tracker: pd.DataFrame, meeting, presenting: str) -> None:
    """The two sections, closed until the editor opens them; an open one stays open, following the presenting
    district, until it is closed (opening or closing one reruns the page)."""
    with st.expander("Update an action", key=UPDATE_OPEN, on_change="rerun") as section:
        if section.open:
            _update_form(tracker)
    with st.expander("Add an action from this meeting", key=ADD_OPEN, on_change="rerun") as section:
        if section.open:
            _add_form(meeting, presenting)


def _editable(action) -> dict:
    """The fields an editor can change, as they stand in ``action`` (a row or a saved dict)."""
    return {
        "status": action["status"],
        "update_note": action["update_note"] or "",
        "owner": action["owner"],
        "due_date": pd.Timestamp(action["due_date"]).date(),
    }


def _update_form(tracker: pd.DataFrame) -> None:
    """Update one of the district's actions: inputs keyed on the action, saved against the version opened."""
    if tracker.empty:
        st.write("There is nothing to update.")
        return
    texts = dict(zip(tracker["action_id"].tolist(), tracker["text"].tolist(), strict=True))
    chosen = st.selectbox(
        "Action",
        list(texts),
        key="edit_action",
        format_func=lambda a: f"{a}: {texts[a][:60]}",
        persist_state="page",
    )
    row = tracker.set_index("action_id").loc[chosen]
    # What this editor opened: kept across reruns, because each input's change reruns the page and would otherwise
    # read the latest version and overwrite someone else's change without noticing.
    opened_key = f"_opened_{chosen}"
    # "base" is what the editor's draft started from (so we know what *they* changed);
    # "version" is what the next save is checked against (it moves on after a refusal).
    opened = st.session_state.setdefault(opened_key, {"version": int(row["version"]), "base": _editable(row)})
    if opened["version"] != int(row["version"]):
        st.warning(f"This action has changed since you opened it (now version {int(row['version'])}).")
    keys = _update_keys(chosen)
    with st.container(border=True):
        # Keyed on the action, so a draft survives reruns, a refused save and a closed section.
        base = opened["base"]
        st.selectbox(
            "Status",
            ACTION_STATUSES,
            index=ACTION_STATUSES.index(base["status"]),
            key=keys["status"],
            persist_state="page",
        )
        st.text_area("Update", value=base["update_note"], max_chars=500, key=keys["update_note"], persist_state="page")
        o1, o2 = st.columns(2)
        o1.text_input("Owner (role)", value=base["owner"], max_chars=100, key=keys["owner"], persist_state="page")
        o2.date_input(
            "Due",
            value=base["due_date"],
            key=keys["due_date"],
            format=table_view.DATE_FORMAT,
            persist_state="page",
        )
        st.caption(KEPT_WORDS.format(button="Save update"))
        # Saved before the page runs again (a callback), so the tracker above shows the saved values at once.
        st.button("Save update", key="save_action_update", on_click=_save_update, args=(chosen,))
    said = st.session_state.pop(f"_said_{chosen}", None)
    if said is not None:
        _show(*said)
    refused = st.session_state.get(f"_refused_{chosen}")
    if refused is not None:  # until a save goes through: the editor mends the draft with their version in sight
        st.error(refused["message"])
        st.json(refused["theirs"])


def _update_keys(chosen: str) -> dict[str, str]:
    """The session-state keys of the inputs editing action ``chosen``."""
    return {field: f"{field}_{chosen}" for field in ("status", "update_note", "owner", "due_date")}


def _show(kind: str, message: str) -> None:
    {"success": st.success, "info": st.info, "error": st.error}[kind](message)


def _save_update(chosen: str) -> None:
    auth.remember(auth.current())  # a callback runs before app.py, which finds the person's role on every run
    opened_key = f"_opened_{chosen}"
    opened = st.session_state[opened_key]
    draft = {field: st.session_state[key] for field, key in _update_keys(chosen).items()}
    changes = {k: v for k, v in draft.items() if v != opened["base"][k]}
    said = f"_said_{chosen}"
    try:
        if not changes:
            st.session_state[said] = ("info", f"Nothing changed since version {opened['version']}.")
            return
        saved = star_chamber.save_action_update(chosen, opened["version"], changes)
    except ActionConflict as conflict:
        newer = conflict.current
        if all(_editable(newer)[k] == v for k, v in changes.items()):
            # What this draft says is saved already (a second click whose run overlapped the first's): done.
            st.session_state[opened_key] = {"version": int(newer["version"]), "base": _editable(newer)}
            st.session_state.pop(f"_refused_{chosen}", None)
            st.session_state[said] = ("success", f"Saved {escape.md_escape(chosen)} (version {newer['version']}).")
            return
        # The draft stays in the inputs; only the fields this editor changed go on top of the newer version.
        st.session_state[opened_key] = {"version": int(newer["version"]), "base": opened["base"]}
        shown = ("status", "update_note", "updated_by", "updated_at", "version")
        st.session_state[f"_refused_{chosen}"] = {
            "message": f"Not saved: {escape.md_escape(str(conflict))} since you opened it. Their version is "
            "below and your draft is still in the form; save again to apply only what you changed.",
            "theirs": {k: str(v) for k, v in newer.items() if k in shown},
        }
        return
    except (ActionError, PermissionDenied, OSError) as exc:
        st.session_state[said] = ("error", f"Not saved: {_reason(exc)}")
        return
    st.session_state[opened_key] = {"version": int(saved["version"]), "base": _editable(saved)}
    st.session_state.pop(f"_refused_{chosen}", None)
    st.session_state[said] = ("success", f"Saved {escape.md_escape(chosen)} (version {saved['version']}).")


def _new_keys(meeting_id: str, presenting: str) -> dict[str, str]:
    """The new action's inputs' session-state keys: a draft for each meeting and presenting district."""
    return {field: f"new_{field}_{meeting_id}_{presenting}" for field in ("text", "theme", "owner", "due_date")}


def _add_form(meeting, presenting: str) -> None:
    """Add an action set at this meeting for the presenting district."""
    keys = _new_keys(meeting.meeting_id, presenting)
    # What each input starts from, and starts from again once its action is added.
    due = meeting.meeting_date + relativedelta(months=3)
    empty = {"text": "", "theme": MEETING_THEMES[0], "owner": "", "due_date": due}
    for field, key in keys.items():
        st.session_state.setdefault(key, empty[field])
    with st.container(border=True):
        st.text_input("What is to be done", max_chars=300, key=keys["text"], persist_state="page")
        a1, a2, a3 = st.columns(3)
        a1.selectbox("Theme", MEETING_THEMES, key=keys["theme"], persist_state="page")
        a2.text_input("Owner (role)", max_chars=100, key=keys["owner"], persist_state="page")
        a3.date_input("Due", format=table_view.DATE_FORMAT, key=keys["due_date"], persist_state="page")
        st.caption(KEPT_WORDS.format(button="Add action"))
        # Added before the page runs again (a callback), so the tracker above shows the new action at once and
        # the inputs can be emptied (a widget's value can be set only before it is drawn).
        st.button("Add action", key="add_action", on_click=_add, args=(meeting.meeting_id, presenting, keys, empty))
    added = st.session_state.pop(_message_key(keys), None)
    if added is not None:
        kind, message = added
        _show(kind, message)


# The forms' own words for the fields an action's rules name.
_LABELS = {
    "text": "What is to be done",
    "owner": "Owner (role)",
    "due_date": "Due",
    "theme": "Theme",
    "status": "Status",
    "update_note": "Update",
}


def _reason(exc: Exception) -> str:
    """Why a save was refused: an input left empty by its label, anything else in the rule's own words."""
    missing = getattr(exc, "missing", None)
    if missing in _LABELS:
        return f"“{_LABELS[missing]}” cannot be empty."
    return escape.md_escape(str(exc))


def _message_key(keys: dict[str, str]) -> str:
    """Where the outcome of a draft's last add waits (kind, text) to be shown once under its form."""
    return f"_added_{keys['text']}"


def _add(meeting_id: str, presenting: str, keys: dict[str, str], empty: dict) -> None:
    # A callback runs before app.py, which finds the person's role on every run: find it now, for this save.
    auth.remember(auth.current())
    fields = {field: st.session_state.get(key) for field, key in keys.items()}
    try:
        saved = star_chamber.save_new_action(meeting_id, presenting, fields)
    except ActionAlreadyAdded as same:
        # A second click that reached the server before the emptied inputs reached the browser (the two clicks' runs
        # may overlap, so the store decides, under its lock), or another editor's identical action.
        _empty(keys, empty)
        message = f"Added {escape.md_escape(same.action_id)} once: the same action again adds nothing more."
        st.session_state[_message_key(keys)] = ("success", message)
        return
    except (ActionError, PermissionDenied, OSError) as exc:
        st.session_state[_message_key(keys)] = ("error", f"Not added: {_reason(exc)}")  # the draft stays
        return
    _empty(keys, empty)
    st.session_state[_message_key(keys)] = ("success", f"Added {escape.md_escape(saved['action_id'])}.")


def _empty(keys: dict[str, str], empty: dict) -> None:
    """The next action starts from empty inputs: set, not deleted, as the browser shows a value the server sets."""
    for field, key in keys.items():
        st.session_state[key] = empty[field]
