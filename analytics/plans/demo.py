"""Synthetic District Engagement Plans for the demo: a plan per district per quarter from April 2019 to the
quarter after the data's date, bespoke to each district, mostly delivered.

A plan is drawn from what the district then did (the demo's events, concerns told back and posts), so most of
it is delivered; some districts promise more than they do; and the plan for April to June 2020, written before
the first lockdown, promised a normal quarter. Its own random stream (``seed`` and a fixed offset), so adding it
moves nothing else in the demo.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.contract.vocabulary import YOU_SAID_WE_DID
from analytics.periods import add_quarters, quarter_start, quarters_between

FIRST_QUARTER = date(2019, 4, 1)
_STREAM = 24  # offset of this generator's random stream from the demo seed
# The plan written before the first lockdown (for April to June 2020) promised what a normal quarter held.
PRE_LOCKDOWN_PLAN = date(2020, 4, 1)
# Districts (by position in the spec) that promise more than they deliver.
_AMBITIOUS = {3: 1.35, 7: 1.3}
_OWNERS = {
    "Listen": ("Neighbourhood Inspector", "Neighbourhood Sergeant", "Community Engagement Officer"),
    "Act": ("Neighbourhood Sergeant", "Community Safety Partnership lead"),
    "Tell": ("Community Engagement Officer", "Digital engagement officer"),
}
# Each district's plan: every line it may hold, with a note naming one of its towns.
_CORE = (
    ("Listen", "Local Community Meeting", None, "A meeting each month, rotating round {town} and the villages"),
    ("Listen", "Coffee with a Cop", None, "Mornings in {town} cafés and libraries"),
    ("Listen", "Street pop-up", None, "Pop-ups at {town} market and the retail park"),
    ("Tell", "Social post", None, "\u201cYou said, we did\u201d posts on the district pages"),
)
_OPTIONAL = (
    ("Listen", "Independent Advisory Group", None, "Quarterly IAG at {town} police station"),
    ("Act", "Community action day", None, "Clean-up and crime-prevention day on the {town} estate"),
    ("Act", "Stroll with a Patrol", None, "Partnership patrols with the council in the {town} ASB hot spot"),
    ("Tell", "School visit", "Young people", "Assemblies on staying safe online in {town} schools"),
    ("Tell", "Newsletter", None, "Parish and ward newsletters"),
    ("Tell", "Meeting", None, "Report back at the next Local Community Meeting"),
    ("Listen", "Online meeting", None, "Facebook Live Q&A with the District Commander"),
)
_ACT_TYPES = ("Community action day", "Stroll with a Patrol")  # its hard-to-reach line is on the Act strand
# The hard-to-reach commitment each district names: (activity type, audience, note).
_HARD_TO_REACH = (
    ("Street pop-up", "Young people", "Pop-ups outside {town} college"),
    ("Street pop-up", "Rural", "Pop-ups in villages around {town}"),
    ("Street pop-up", "Ethnic minority communities", "Pop-ups at the {town} community centre"),
    ("Stroll with a Patrol", "Rural", "Rural patrols with the farm watch near {town}"),
    ("Community action day", "Young people", "Youth action day with the {town} youth club"),
    ("Independent Advisory Group", "Faith group", "Faith leaders' IAG in {town}"),
)


def _quarter(ts) -> pd.Series:
    return pd.to_datetime(ts).dt.to_period("Q-MAR").dt.start_time.dt.date


def _done(events: pd.DataFrame, concerns: pd.DataFrame, posts: pd.DataFrame, accounts: pd.DataFrame):
    """Counts a plan is drawn from: events scheduled (held, cancelled or still planned) by district, quarter, type
    and audience; concerns told back by channel; tagged posts by district."""
    ev = events.assign(q=_quarter(events["start_at"]))
    scheduled = ev.groupby(["district_id", "q", "activity_type", "audience_group"]).size()
    told = concerns[concerns["told_on"].notna()]
    told = told.assign(q=_quarter(told["told_on"])).groupby(["district_id", "q", "tell_channel"]).size()
    district_of = dict(zip(accounts["account_id"], accounts["district_id"], strict=True))
    tagged = posts[posts["tag"] == YOU_SAID_WE_DID]
    tagged = tagged.assign(district_id=tagged["account_id"].map(district_of), q=_quarter(tagged["posted_at"]))
    posted = tagged.dropna(subset=["district_id"]).groupby(["district_id", "q"]).size()
    return scheduled, told, posted


def _count(scheduled, told, posted, district: str, q: date, what: str, audience: str | None, named: set) -> int:
    """What the district did (or booked) in ``q`` of what a line promises."""
    if what == "Social post":
        return int(posted.get((district, q), 0))
    if (district, q, what) in told.index:
        return int(told[(district, q, what)])
    try:
        by_audience = scheduled.loc[(district, q, what)]
    except KeyError:
        return 0
    if audience is not None:
        return int(by_audience.get(audience, 0))
    return int(by_audience[[a not in named for a in by_audience.index]].sum())


def plans_frame(
    spec: dict,
    events: pd.DataFrame,
    concerns: pd.DataFrame,
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    seed: int,
) -> pd.DataFrame:
    """The engagement_plans table for the demo."""
    rng = np.random.default_rng([seed, _STREAM])
    scheduled, told, posted = _done(events, concerns, posts, accounts)
    last = add_quarters(quarter_start(date.fromisoformat(spec["as_at"])), 1)
    rows = []
    for i, d in enumerate(spec["districts"]):
        did, towns = d["district_id"], [t[0] for t in d["towns"]]
        # Bespoke: three or four of the optional lines, and one named hard-to-reach group.
        picked = rng.choice(len(_OPTIONAL), int(rng.integers(3, 5)), replace=False)
        chosen = [*_CORE, *(_OPTIONAL[k] for k in sorted(picked))]
        htr = _HARD_TO_REACH[int(rng.integers(len(_HARD_TO_REACH)))]
        chosen.insert(3, ("Act" if htr[0] in _ACT_TYPES else "Listen", htr[0], htr[1], htr[2]))
        owners = {s: o[int(rng.integers(len(o)))] for s, o in _OWNERS.items()}
        ambition = _AMBITIOUS.get(i, 1.0)
        for q in quarters_between(FIRST_QUARTER, last):
            # Plans look at what was usual when they were written: the pre-lockdown plan, at a normal quarter.
            basis = add_quarters(q, -4) if q == PRE_LOCKDOWN_PLAN else q
            line = 0
            for strand, what, audience, note in chosen:
                named = {a for _, w, a, _ in chosen if w == what and a is not None}
                done = _count(scheduled, told, posted, did, basis, what, audience, named)
                wobble = int(rng.choice([-1, 0, 0, 0, 0, 0, 1]))
                how_many = int(np.ceil(done * ambition)) + wobble
                if audience is not None and done == 0 and rng.random() < 0.3:
                    how_many = 1  # a stretch commitment to a group not reached last time
                if how_many < 1:
                    continue
                line += 1
                rows.append(
                    {
                        "district_id": did,
                        "quarter_start": q,
                        "line": line,
                        "strand": strand,
                        "what": what,
                        "how_many": how_many,
                        "audience_group": audience,
                        "owner": owners[strand],
                        "note": note.format(town=towns[(line + i) % len(towns)]),
                    }
                )
    return pd.DataFrame(rows)


def standard_plans(district_ids: list[str], first: date, last: date, seed: int) -> pd.DataFrame:
    """A plain plan for every district and quarter from ``first`` to ``last`` (the load-test data set, whose
    events are streamed to disk: its plans are not drawn from them)."""
    rng = np.random.default_rng([seed, _STREAM])
    lines = (
        ("Listen", "Local Community Meeting", 3, None),
        ("Listen", "Street pop-up", 6, None),
        ("Act", "Community action day", 2, None),
        ("Tell", "Social post", 4, None),
        ("Tell", "School visit", 3, "Young people"),
    )
    rows = [
        {
            "district_id": d,
            "quarter_start": q,
            "line": n,
            "strand": strand,
            "what": what,
            "how_many": max(1, how_many + int(rng.integers(-1, 2))),
            "audience_group": audience,
            "owner": _OWNERS[strand][0],
            "note": None,
        }
        for q in quarters_between(quarter_start(first), quarter_start(last))
        for d in district_ids
        for n, (strand, what, how_many, audience) in enumerate(lines, start=1)
    ]
    return pd.DataFrame(rows)
