"""Star Chamber actions: read, carry forward, add and update, safely under concurrent edits.

Every change is a read-check-write of ``star_chamber_actions.parquet`` under an
exclusive file lock, written atomically (temporary file, then rename). Updates
name the version they were made against; if someone else changed the action
since, the update is refused with the newer version (optimistic concurrency),
so nobody overwrites anybody silently. Who and when are recorded on the row and
in an append-only history file.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analytics import access
from analytics.contract.vocabulary import ACTION_STATUSES, MEETING_THEMES
from analytics.storage import parquet as store
from analytics.storage.db import Database

OPEN_STATUSES = ("open", "in progress")
EDITABLE = ("status", "update_note", "owner", "due_date", "text", "theme")
HISTORY = "star_chamber_actions_history.jsonl"
TABLE = "star_chamber_actions"


class ActionConflict(RuntimeError):
    """The action changed since the editor loaded it; ``current`` is the newer version."""

    def __init__(self, current: dict) -> None:
        super().__init__(
            f"{current['action_id']} was changed by {current['updated_by']} at {current['updated_at']:%d %b %Y %H:%M}"
        )
        self.current = current


class ActionAlreadyAdded(RuntimeError):
    """The same action (text, owner, theme and due date) is already set for the district at this meeting:
    ``action_id`` is it. A second click, or a second editor, adds nothing more."""

    def __init__(self, action_id: str) -> None:
        super().__init__(f"{action_id} is this action, already added")
        self.action_id = action_id


class ActionError(ValueError):
    """An action change that cannot be made (unknown action, bad value); ``missing``: the field left empty, if that is
    why (the form names it by its label)."""

    def __init__(self, message: str, missing: str | None = None) -> None:
        super().__init__(message)
        self.missing = missing


def tracker(db: Database, district_id: str, meeting_date: date) -> pd.DataFrame:
    """Actions for the district up to this meeting: every open one (carried forward from earlier
    meetings, or set at this one) and those closed since the previous meeting, with age and an overdue flag.

    Statuses are as they stand now: the actions table keeps no per-meeting snapshots.
    """
    df = db.query(
        """
        SELECT a.*, m.meeting_date AS set_on,
               (SELECT max(p.meeting_date) FROM star_chamber_meetings p
                WHERE p.district_id = $d AND p.meeting_date < $on) AS previous_on
        FROM star_chamber_actions a JOIN star_chamber_meetings m USING (meeting_id)
        WHERE a.district_id = $d AND m.meeting_date <= $on
        ORDER BY a.due_date, a.action_id
        """,
        {"d": district_id, "on": meeting_date},
    )
    for col in ("set_on", "due_date"):
        df[col] = pd.to_datetime(df[col]).dt.date
    df["updated_at"] = pd.to_datetime(df["updated_at"])
    # Closed since the previous meeting (or ever, at a district's first): the same date on every row.
    previous_on = df.pop("previous_on").dropna()
    previous = pd.Timestamp(previous_on.iloc[0]).date() if len(previous_on) else date.min
    df = df[df["status"].isin(OPEN_STATUSES) | (df["updated_at"].dt.date >= previous)].copy()
    df["age_days"] = [(meeting_date - d).days for d in df["set_on"]]
    df["overdue"] = df["status"].isin(OPEN_STATUSES) & (df["due_date"] < meeting_date)
    df["carried_forward"] = df["status"].isin(OPEN_STATUSES) & (df["set_on"] < meeting_date)
    return df.reset_index(drop=True)


def _record(data_dir: Path, event: dict) -> None:
    """Append to the history; the change itself is already saved, so a failure here is logged, not raised."""
    try:
        with open(Path(data_dir) / HISTORY, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(event, default=str) + "\n")
            fh.flush()
    except OSError:
        logging.getLogger(__name__).exception("could not append to the actions history")


def _validate(changes: dict) -> dict:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ActionError(f"cannot change {', '.join(sorted(unknown))}")
    if "status" in changes and changes["status"] not in ACTION_STATUSES:
        raise ActionError(f"status must be one of {', '.join(ACTION_STATUSES)}")
    if "theme" in changes and changes["theme"] not in MEETING_THEMES:
        raise ActionError(f"theme must be one of {', '.join(MEETING_THEMES)}")
    for key in ("text", "owner"):
        if key in changes and not str(changes[key]).strip():
            raise ActionError(f"{key} cannot be empty", missing=key)
    if "due_date" in changes:
        due = changes["due_date"]
        if isinstance(due, str):
            try:
                due = date.fromisoformat(due)
            except ValueError:
                raise ActionError("due date must be a date such as 2026-12-01") from None
        if not isinstance(due, date):
            raise ActionError("due date must be a date such as 2026-12-01")
        changes = {**changes, "due_date": due.date() if isinstance(due, datetime) else due}
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}


def update_action(
    data_dir: Path,
    action_id: str,
    expected_version: int,
    changes: dict,
    user: str,
    now: datetime | None = None,
    *,
    role: str,
) -> dict:
    """Apply ``changes`` to an action last seen at ``expected_version``; returns the saved row.

    Only managers and admins may (PermissionDenied otherwise). Raises ActionConflict (with
    the newer row) if the action moved on since.
    """
    access.require(role, "edit_actions")
    changes = _validate(changes)
    now = now or datetime.now().replace(microsecond=0)
    with store.locked(data_dir, TABLE):
        df = store.read_table(data_dir, TABLE)
        hit = df.index[df["action_id"] == action_id]
        if len(hit) != 1:
            raise ActionError(f"no action {action_id}")
        i = hit[0]
        current = df.loc[i].to_dict()
        if int(current["version"]) != int(expected_version):
            raise ActionConflict(current)
        for key, value in changes.items():
            df.at[i, key] = value
        df.at[i, "updated_at"] = pd.Timestamp(now)
        df.at[i, "updated_by"] = user
        df.at[i, "version"] = int(current["version"]) + 1
        store.write_table(data_dir, TABLE, df)
        saved = df.loc[i].to_dict()
        _record(
            data_dir,
            {
                "at": now,
                "by": user,
                "action_id": action_id,
                "change": "update",
                "values": changes,
                "version": saved["version"],
            },
        )
    return saved


def _same_action(df: pd.DataFrame, meeting_id: str, district_id: str, fields: dict) -> str | None:
    """The id of an action already set at ``meeting_id`` for ``district_id`` with these fields, if there is one."""
    here = df[(df["meeting_id"] == meeting_id) & (df["district_id"] == district_id)]
    for row in here.itertuples(index=False):
        if (row.text, row.owner, row.theme, pd.Timestamp(row.due_date).date()) == (
            fields["text"],
            fields["owner"],
            fields["theme"],
            fields["due_date"],
        ):
            return row.action_id
    return None


def add_action(
    data_dir: Path,
    meeting_id: str,
    district_id: str,
    fields: dict,
    user: str,
    now: datetime | None = None,
    *,
    role: str,
) -> dict:
    """Add an action set at ``meeting_id`` (managers and admins only); returns the saved row. ActionAlreadyAdded
    when the same action is set for the district at this meeting already (checked under the table's lock)."""
    access.require(role, "edit_actions")
    fields = _validate(fields)
    for key in ("text", "owner", "due_date", "theme"):
        if key not in fields:
            raise ActionError(f"{key} is required", missing=key)
    now = now or datetime.now().replace(microsecond=0)
    with store.locked(data_dir, TABLE):
        df = store.read_table(data_dir, TABLE)
        same = _same_action(df, meeting_id, district_id, fields)
        if same is not None:
            raise ActionAlreadyAdded(same)
        taken = set(df["action_id"])
        n = sum(1 for a in taken if a.startswith(f"{meeting_id}-A")) + 1
        while f"{meeting_id}-A{n}" in taken:
            n += 1
        row = {
            "action_id": f"{meeting_id}-A{n}",
            "meeting_id": meeting_id,
            "district_id": district_id,
            "status": fields.get("status", "open"),
            "update_note": fields.get("update_note"),
            "updated_at": pd.Timestamp(now),
            "updated_by": user,
            "version": 1,
        } | {k: fields[k] for k in ("text", "owner", "due_date", "theme")}
        store.write_table(data_dir, TABLE, pd.concat([df, pd.DataFrame([row])], ignore_index=True))
        _record(data_dir, {"at": now, "by": user, "action_id": row["action_id"], "change": "add", "values": fields})
    return row
