"""Synthetic Star Chamber meetings and actions, and time-axis annotations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from analytics.contract import vocabulary
from analytics.demo.spec import parse_month

# What a district might be asked to do, by theme; "{town}" is filled with each of the district's towns, so a
# district has enough distinct actions that none is set more than twice over the years.
_ACTION_TEXT = {
    "Diversity and inclusion": [
        "Hold a listening event with the local mosque and gurdwara committees",
        "Recruit two community volunteers from under-represented groups to the IAG",
        "Invite the LGBT+ network to co-host a Local Community Meeting",
        "Translate the meeting poster into the district's three most spoken languages",
        "Meet the Gypsy, Roma and Traveller liaison group and agree a contact plan",
        "Hold a women's safety walk in {town} with local residents",
        "Attend the faith leaders' forum in {town} and report back what was raised",
    ],
    "Hard to reach groups": [
        "Run a BSL-interpreted engagement session with the deaf community",
        "Visit traveller sites with the council liaison officer each quarter",
        "Hold a session at a sixth-form college on reporting hate crime",
        "Set up a Coffee with a Cop for rural villages with no meeting last quarter",
        "Hold a Coffee with a Cop in {town} for residents who have never attended a meeting",
        "Run a street pop-up at {town} market on a Saturday",
        "Visit the sheltered housing schemes in {town} with the PCSO team",
    ],
    "Feedback": [
        "Publish a monthly 'You said, we did' post for every ward",
        "Reply to every concern raised at meetings within 28 days",
        "Add the outcome of each priority to the police.uk neighbourhood page",
        "Send a written update to everyone who raised a concern at a street pop-up",
        "Report back on the top three priorities at the next {town} meeting",
        "Publish the {town} priorities and progress in the parish newsletter",
    ],
    "Evaluation": [
        "Compare attendance at online and face-to-face meetings and report back",
        "Survey attendees after street pop-ups for six months",
        "Review which meeting times draw the most first-time attendees",
        "Map where concerns come from against where meetings are held",
        "Count repeat attendance at {town} meetings over two quarters",
        "Check whether the {town} speed-watch reduced complaints about speeding",
    ],
    "Other": [
        "Refresh the district Facebook page banner with team contact details",
        "Agree a joint speed-watch plan with the parish councils",
        "Brief new officers on the district's engagement plan",
        "Agree a shared calendar of events with the council's community team",
        "Move the {town} meeting to a venue with step-free access",
        "Set up a Neighbourhood Watch contact list for {town}",
    ],
}
_OWNERS = ("District Commander", "District Inspector", "Community Engagement Officer", "Neighbourhood Sergeant")
_THEME_P = np.array([0.2, 0.3, 0.25, 0.15, 0.1])
# Most actions close around their due date (a month early to three weeks late); some are dropped; the rest run
# one to six months late. None stays open for years.
_ON_TIME, _DROPPED = 0.62, 0.67
_LATE_DAYS = (30, 180)


def _action_texts(district: dict) -> dict[str, list[str]]:
    """Every action text a district can be given, by theme."""
    # A district without listed towns (the scale generator's) names itself in the town-specific actions.
    towns = [t[0] for t in district.get("towns", ())] or [district["name"]]
    return {
        theme: [t.format(town=town) for t in texts for town in (towns if "{town}" in t else [None])]
        for theme, texts in _ACTION_TEXT.items()
    }


def _least_set(candidates: list[str], start: int, times_set: dict[str, int]) -> str:
    """The first candidate from ``start`` on (wrapping round) among those the district has been set least often."""
    fewest = min(times_set.get(t, 0) for t in candidates)
    ordered = candidates[start:] + candidates[:start]
    return next(t for t in ordered if times_set.get(t, 0) == fewest)


def _outcome(day: date, due: date, as_at: date, u: float, slip: int) -> tuple[str, date]:
    """Status as at ``as_at`` and the date of the last update, for an action set on ``day``."""
    late = 0 if u < _DROPPED else _LATE_DAYS[0] + int((u - _DROPPED) / (1 - _DROPPED) * (_LATE_DAYS[1] - _LATE_DAYS[0]))
    closes = due + timedelta(days=slip + late)
    if closes <= as_at:
        return ("complete" if u < _ON_TIME or u >= _DROPPED else "dropped"), closes
    # Still open: work has started on all but the newest, last updated half-way to the data's date.
    return ("open" if (as_at - day).days < 45 else "in progress"), day + (as_at - day) // 2


def meetings_and_actions(spec: dict, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The star_chamber_meetings and star_chamber_actions tables.

    The random draws are made in a fixed order and number per action (the tables after these are drawn from the
    same stream, so changing how a draw is used here moves nothing else).
    """
    sc = spec["star_chamber"]
    as_at = date.fromisoformat(spec["as_at"])
    first = parse_month(sc["first_round"])
    rounds = [
        date(y, m, 1)
        for y in range(first.year, as_at.year + 1)
        for m in sc["months"]
        if first <= date(y, m, 1) <= as_at
    ]
    texts = {d["district_id"]: _action_texts(d) for d in spec["districts"]}
    times_set: dict[str, dict[str, int]] = {d["district_id"]: {} for d in spec["districts"]}
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
                due = day + timedelta(days=int(rng.integers(75, 160)))
                status, updated = _outcome(day, due, as_at, rng.random(), int(rng.integers(-30, 20)))
                candidates = texts[d["district_id"]][theme]
                text = _least_set(candidates, int(rng.integers(len(candidates))), times_set[d["district_id"]])
                times_set[d["district_id"]][text] = times_set[d["district_id"]].get(text, 0) + 1
                actions.append(
                    {
                        "action_id": f"{mid}-A{k + 1}",
                        "meeting_id": mid,
                        "district_id": d["district_id"],
                        "theme": theme,
                        "text": text,
                        "owner": _OWNERS[int(rng.integers(len(_OWNERS)))],
                        "due_date": due,
                        "status": status,
                        "update_note": {"complete": "Done and reported to the panel", "dropped": "Superseded"}.get(
                            status, "Work under way"
                        ),
                        "updated_at": datetime.combine(updated, datetime.min.time()) + timedelta(hours=10),
                        "updated_by": "demo data",
                        "version": 1,
                    }
                )
    return pd.DataFrame(meetings), pd.DataFrame(actions)


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
