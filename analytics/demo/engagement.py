"""Synthetic engagement events and the "You said, we did" concerns ledger.

Events sit near real towns of each district. Face-to-face activity collapses
from the first COVID-19 lockdown and moves online until restrictions end.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from analytics.contract import vocabulary
from analytics.demo.spec import month_starts
from analytics.periods import add_quarters

# type: (mean per district per month, start hour, hours, mean attendance, strands, audiences)
_TYPES: dict[str, tuple] = {
    "Local Community Meeting": (1.0, 19, 2, 22, {"Listen": 1}, {"General public": 1}),
    "Coffee with a Cop": (1.5, 10, 2, 14, {"Listen": 1}, {"General public": 5, "Older people": 3, "Business": 2}),
    "Street pop-up": (
        2.5,
        11,
        3,
        40,
        {"Listen": 6, "Tell": 4},
        {"General public": 4, "Young people": 1, "Rural": 1, "Business": 1, "Ethnic minority communities": 1},
    ),
    "Stroll with a Patrol": (1.2, 14, 2, 8, {"Listen": 1}, {"General public": 3, "Rural": 2, "Business": 1}),
    "School visit": (2.0, 10, 1, 60, {"Tell": 1}, {"Young people": 1}),
    "Independent Advisory Group": (
        0.34,
        18,
        2,
        12,
        {"Listen": 1},
        {
            "Ethnic minority communities": 3,
            "Faith group": 2,
            "LGBT+": 1,
            "Disabled people": 1,
            "Deaf community": 1,
        },
    ),
    "Community action day": (0.8, 9, 5, 30, {"Act": 1}, {"General public": 2, "Rural": 1, "Young people": 1}),
    "Online meeting": (0.3, 19, 1, 35, {"Tell": 1, "Listen": 1}, {"General public": 3, "Older people": 1}),
}
_VENUES = {
    "Local Community Meeting": "{town} Community Centre",
    "Coffee with a Cop": "{town} High Street café",
    "Street pop-up": "{town} town centre",
    "Stroll with a Patrol": "{town} park",
    "School visit": "{town} secondary school",
    "Independent Advisory Group": "{town} police station",
    "Community action day": "{town} estate",
    "Online meeting": "Facebook Live",
}
_CONCERN_TEXT = {
    "Anti-social behaviour": (
        "Groups causing trouble near the shops in {town}",
        "Extra evening patrols and a dispersal order",
    ),
    "Speeding": ("Cars speeding past the school in {town}", "Speed-watch sessions and enforcement with roads policing"),
    "Drugs": ("Drug dealing seen near the station in {town}", "Warrant executed and closure order sought"),
    "Burglary": ("Run of sheds broken into around {town}", "Crime-prevention visits and marked-property event"),
    "Youth nuisance": (
        "Young people on bikes intimidating residents in {town}",
        "Youth outreach with the council and school",
    ),
    "Parking": ("Inconsiderate parking blocking pavements in {town}", "Joint patrol with parking enforcement"),
    "Vehicle crime": ("Catalytic converters stolen in {town}", "Marking event and targeted patrols"),
    "Fly-tipping": ("Fly-tipping in lanes outside {town}", "Joint operation with the council; vehicle seized"),
    "Violence": ("Fights outside pubs in {town} at weekends", "Licensing visits and night-time economy patrols"),
    "Other": ("Concern about a street light near {town} park", "Passed to the council and followed up"),
}
_THEME_P = np.array([0.26, 0.18, 0.12, 0.07, 0.1, 0.09, 0.06, 0.05, 0.04, 0.03])


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), n, p=p / p.sum())]


def _covid_factor(month: date, online: bool, lockdown: date, resumes: date) -> float:
    """Multiplier on the monthly rate of an activity during the pandemic."""
    if month < date(lockdown.year, lockdown.month, 1) or month >= resumes:
        return 1.0
    if online:
        return 12.0
    if month == date(lockdown.year, lockdown.month, 1):
        return 1.0  # booked as usual; those after lockdown day are cancelled below
    # A little socially distanced activity in summer 2020.
    return 0.25 if date(2020, 7, 1) <= month < date(2020, 10, 1) else 0.03


def events_frame(spec: dict, rng: np.random.Generator) -> pd.DataFrame:
    """The engagement_events table."""
    first = date.fromisoformat("2016-04-01")
    as_at = date.fromisoformat(spec["as_at"])
    last = as_at + timedelta(days=92)  # three months of planned events after "as at"
    lockdown = date.fromisoformat(spec["covid"]["lockdown_start"])
    resumes = date.fromisoformat(spec["covid"]["face_to_face_resumes"])
    rows = []
    for d in spec["districts"]:
        towns = d["towns"]
        tw = np.sqrt(np.array([t[3] for t in towns], dtype=float))
        for m in month_starts(first, last):
            days_in_month = ((m.replace(day=28) + timedelta(days=4)).replace(day=1) - m).days
            for kind, (rate, hour, hours, att, strands, audiences) in _TYPES.items():
                online = kind == "Online meeting"
                lam = rate * _covid_factor(m, online, lockdown, resumes)
                if kind == "School visit" and m.month == 8:
                    lam *= 0.1
                n = 1 if kind == "Local Community Meeting" and lam >= 1 and rng.random() < 0.9 else rng.poisson(lam)
                for _ in range(n):
                    start = datetime(m.year, m.month, int(rng.integers(1, days_in_month + 1)), hour)
                    town = towns[rng.choice(len(towns), p=tw / tw.sum())]
                    rows.append(
                        {
                            "district_id": d["district_id"],
                            "start_at": start,
                            "end_at": start + timedelta(hours=hours),
                            "activity_type": kind,
                            "title": f"{kind}: {town[0]}",
                            "venue": _VENUES[kind].format(town=town[0]),
                            "town": town[0],
                            "lat": None if online else town[1] + rng.normal(0, 0.006),
                            "lon": None if online else town[2] + rng.normal(0, 0.009),
                            "online": online,
                            "strand": _pick(rng, strands, 1)[0],
                            "audience_group": _pick(rng, audiences, 1)[0],
                            "mean_attendance": att,
                        }
                    )
    ev = pd.DataFrame(rows)
    start_day = ev["start_at"].dt.date
    planned = start_day > as_at
    # Events booked for the weeks after lockdown began were cancelled, not held.
    covid_cancel = (start_day >= lockdown) & (start_day < lockdown + timedelta(days=45)) & ~ev["online"]
    cancelled = ~planned & (covid_cancel | (rng.random(len(ev)) < 0.05))
    ev["status"] = np.where(planned, "planned", np.where(cancelled, "cancelled", "held"))
    held = (ev["status"] == "held").to_numpy()
    # Over-dispersed attendance: most meetings are small, a few draw 100+.
    mean = ev["mean_attendance"].to_numpy(dtype=float)
    att = rng.negative_binomial(2, 2 / (2 + mean))
    ev["attendance"] = pd.Series(att, index=ev.index, dtype="Int64").where(held, pd.NA)
    rate = np.where(ev["activity_type"] == "Local Community Meeting", 0.15, 0.05)
    ev["concerns_raised"] = np.where(held, rng.poisson(rate * np.where(held, att, 0)), 0)
    ev = ev.drop(columns="mean_attendance").sort_values(["start_at", "district_id"], kind="stable")
    ev["event_id"] = [f"E{i:06d}" for i in range(1, len(ev) + 1)]
    return ev.reset_index(drop=True)


def concerns_frame(spec: dict, events: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engagement_concerns ledger, and ``events`` with ``actions_taken`` filled from it."""
    as_at = date.fromisoformat(spec["as_at"])
    at_events = events.loc[events["concerns_raised"] > 0, ["event_id", "district_id", "start_at", "town"]]
    at_events = at_events.loc[at_events.index.repeat(events.loc[at_events.index, "concerns_raised"])]
    at_events = at_events.assign(raised_on=at_events["start_at"].dt.date).drop(columns="start_at")
    # Concerns raised outside events (online, by email, at the front counter).
    online = []
    towns = {d["district_id"]: [t[0] for t in d["towns"]] for d in spec["districts"]}
    for did, names in towns.items():
        for m in month_starts(date(2016, 4, 1), as_at):
            for _ in range(rng.poisson(3)):
                online.append(
                    {
                        "event_id": None,
                        "district_id": did,
                        "town": names[rng.integers(len(names))],
                        "raised_on": m + timedelta(days=int(rng.integers(0, 28))),
                    }
                )
    c = pd.concat([at_events, pd.DataFrame(online)], ignore_index=True)
    n = len(c)
    c["theme"] = np.array(vocabulary.CONCERN_THEMES, dtype=object)[rng.choice(len(_THEME_P), n, p=_THEME_P)]
    c["summary"] = [_CONCERN_TEXT[t][0].format(town=town) for t, town in zip(c["theme"], c["town"], strict=True)]
    year = np.array([d.year for d in c["raised_on"]])
    # Loop closure improves over the years as Listen, Act, Tell beds in.
    acted = rng.random(n) < np.clip(0.55 + 0.03 * (year - 2016), 0, 0.9)
    action_on = [d + timedelta(days=int(k)) for d, k in zip(c["raised_on"], rng.integers(5, 45, n), strict=True)]
    acted &= np.array([a <= as_at for a in action_on])
    told = acted & (rng.random(n) < np.clip(0.5 + 0.05 * (year - 2016), 0, 0.92))
    told_on = [a + timedelta(days=int(k)) for a, k in zip(action_on, rng.integers(3, 30, n), strict=True)]
    told &= np.array([t <= as_at for t in told_on])
    c["action_taken"] = np.where(acted, [_CONCERN_TEXT[t][1] for t in c["theme"]], None)
    c["action_on"] = np.where(acted, action_on, None)
    c["told_on"] = np.where(told, told_on, None)
    c["tell_channel"] = np.where(
        told, np.array(vocabulary.TELL_CHANNELS, dtype=object)[rng.choice(4, n, p=[0.3, 0.4, 0.2, 0.1])], None
    )
    c = c.drop(columns="town").sort_values(["raised_on", "district_id"], kind="stable").reset_index(drop=True)
    c["concern_id"] = [f"C{i:07d}" for i in range(1, n + 1)]
    taken = c.loc[c["action_taken"].notna() & c["event_id"].notna()].groupby("event_id").size()
    events = events.copy()
    events["actions_taken"] = events["event_id"].map(taken).fillna(0).astype(int)
    return c, events


def with_campaigns(spec: dict, events: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``events`` with the spec's street pop-up campaigns added (the What works page's variation to work with).

    A quarter (outside the COVID-19 closure) is a district's campaign quarter with the spec's chance, drawn
    independently of the quarters around it, adding a Poisson number of pop-ups averaging the drawn rate per
    10,000 residents. They are drawn from a generator of their own, after every other table's draws, so the
    rest of the demo is as it was; they raise no concerns (the ledger is already drawn), and their ids follow
    on from the last."""
    plan = spec.get("campaigns")
    if not plan:
        return events
    rng = np.random.default_rng([seed, 25])
    kind = plan["activity_type"]
    _, hour, hours, att, strands, audiences = _TYPES[kind]
    lockdown = date.fromisoformat(spec["covid"]["lockdown_start"])
    resumes = date.fromisoformat(spec["covid"]["face_to_face_resumes"])
    as_at = date.fromisoformat(spec["as_at"])
    months = month_starts(date(2016, 4, 1), as_at + timedelta(days=92))
    lo, hi = plan["extra_per_10k"]
    rows = []
    for d in spec["districts"]:
        towns = d["towns"]
        tw = np.sqrt(np.array([t[3] for t in towns], dtype=float))
        population = sum(lad["population"] for lad in d["lads"])
        for q in [m for m in months if m.month in (1, 4, 7, 10)]:
            chosen, per_10k = rng.random() < plan["share_of_quarters"], rng.uniform(lo, hi)
            if not chosen or (add_quarters(q, 1) > lockdown and q < resumes):  # none while face-to-face stops
                continue
            for _ in range(rng.poisson(per_10k * population / 10_000)):
                start = datetime.combine(q + timedelta(days=int(rng.integers(0, 90))), datetime.min.time())
                town = towns[rng.choice(len(towns), p=tw / tw.sum())]
                rows.append(
                    {
                        "district_id": d["district_id"],
                        "start_at": start.replace(hour=hour),
                        "end_at": start.replace(hour=hour) + timedelta(hours=hours),
                        "activity_type": kind,
                        "title": f"{kind}: {town[0]}",
                        "venue": _VENUES[kind].format(town=town[0]),
                        "town": town[0],
                        "lat": town[1] + rng.normal(0, 0.006),
                        "lon": town[2] + rng.normal(0, 0.009),
                        "online": False,
                        "strand": _pick(rng, strands, 1)[0],
                        "audience_group": _pick(rng, audiences, 1)[0],
                        "status": "planned" if start.date() > as_at else "held",
                    }
                )
    extra = pd.DataFrame(rows)
    held = (extra["status"] == "held").to_numpy()
    extra.loc[held & (rng.random(len(extra)) < 0.05), "status"] = "cancelled"
    held = (extra["status"] == "held").to_numpy()
    attendance = rng.negative_binomial(2, 2 / (2 + att), len(extra))
    extra["attendance"] = pd.Series(attendance, dtype="Int64").where(held, pd.NA)
    extra["concerns_raised"] = 0
    extra["actions_taken"] = 0
    last = int(events["event_id"].str[1:].astype(int).max())
    extra["event_id"] = [f"E{i:06d}" for i in range(last + 1, last + 1 + len(extra))]
    out = pd.concat([events, extra[events.columns]], ignore_index=True)
    return out.sort_values(["start_at", "district_id"], kind="stable").reset_index(drop=True)
