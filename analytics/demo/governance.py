"""Synthetic Star Chamber meetings and actions, and time-axis annotations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from analytics import vocabulary
from analytics.demo.spec import parse_month

_ACTION_TEXT = {
    "Diversity and inclusion": [
        "Hold a listening event with the local mosque and gurdwara committees",
        "Recruit two community volunteers from under-represented groups to the IAG",
    ],
    "Hard to reach groups": [
        "Run a BSL-interpreted engagement session with the deaf community",
        "Visit traveller sites with the council liaison officer each quarter",
        "Set up a Coffee with a Cop for rural villages with no meeting last quarter",
    ],
    "Feedback": [
        "Publish a monthly 'You said, we did' post for every ward",
        "Reply to every concern raised at meetings within 28 days",
    ],
    "Evaluation": [
        "Compare attendance at online and face-to-face meetings and report back",
        "Survey attendees after street pop-ups for six months",
    ],
    "Other": [
        "Refresh the district Facebook page banner with team contact details",
        "Agree a joint speed-watch plan with the parish councils",
    ],
}
_OWNERS = ("District Commander", "District Inspector", "Community Engagement Officer", "Neighbourhood Sergeant")
_THEME_P = np.array([0.2, 0.3, 0.25, 0.15, 0.1])


def meetings_and_actions(spec: dict, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The star_chamber_meetings and star_chamber_actions tables."""
    sc = spec["star_chamber"]
    as_at = date.fromisoformat(spec["as_at"])
    first = parse_month(sc["first_round"])
    rounds = [
        date(y, m, 1)
        for y in range(first.year, as_at.year + 1)
        for m in sc["months"]
        if first <= date(y, m, 1) <= as_at
    ]
    meetings, actions = [], []
    for r in rounds:
        for i, d in enumerate(spec["districts"]):
            # Spread the districts over the weekdays of the round's month.
            day = r + timedelta(days=2 * i + int(rng.integers(0, 2)))
            while day.weekday() >= 5:
                day += timedelta(days=1)
            mid = f"SC-{r:%Y-%m}-{d['district_id']}"
            meetings.append(
                {
                    "meeting_id": mid,
                    "meeting_date": day,
                    "district_id": d["district_id"],
                    "chair": "Deputy Chief Constable",
                    "notes": f"Star Chamber: {d['name']}, {r:%B %Y}",
                }
            )
            for k in range(int(rng.integers(2, 5))):
                theme = vocabulary.MEETING_THEMES[rng.choice(5, p=_THEME_P)]
                texts = _ACTION_TEXT[theme]
                due = day + timedelta(days=int(rng.integers(75, 160)))
                status = _status(due, as_at, rng)
                updated = min(as_at, due + timedelta(days=int(rng.integers(-30, 20))))
                actions.append(
                    {
                        "action_id": f"{mid}-A{k + 1}",
                        "meeting_id": mid,
                        "district_id": d["district_id"],
                        "theme": theme,
                        "text": texts[int(rng.integers(len(texts)))],
                        "owner": _OWNERS[int(rng.integers(len(_OWNERS)))],
                        "due_date": due,
                        "status": status,
                        "update_note": {"complete": "Done and reported to the panel", "dropped": "Superseded"}.get(
                            status, "Work under way"
                        ),
                        "updated_at": datetime.combine(max(updated, day), datetime.min.time()) + timedelta(hours=10),
                        "updated_by": "demo data",
                        "version": 1,
                    }
                )
    return pd.DataFrame(meetings), pd.DataFrame(actions)


def _status(due: date, as_at: date, rng: np.random.Generator) -> str:
    if due > as_at:
        return "in progress" if rng.random() < 0.5 else "open"
    u = rng.random()
    if u < 0.84:
        return "complete"
    if u < 0.88:
        return "dropped"
    return "in progress" if u < 0.94 else "open"  # overdue


def annotations_frame(spec: dict) -> pd.DataFrame:
    """The annotations table."""
    rows = []
    for i, a in enumerate(spec["annotations"], start=1):
        rows.append(
            {
                "annotation_id": f"N{i:03d}",
                "start_date": date.fromisoformat(a["start_date"]),
                "end_date": date.fromisoformat(a["end_date"]) if a.get("end_date") else None,
                "district_id": a.get("district_id"),
                "label": a["label"],
                "kind": a["kind"],
            }
        )
    return pd.DataFrame(rows)
