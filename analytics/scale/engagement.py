"""Engagement events and the concerns ledger at scale, streamed month by month in sort order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from analytics.contract import vocabulary
from analytics.demo.engagement import _CONCERN_TEXT, _THEME_P, _TYPES, _VENUES, _covid_factor
from analytics.demo.spec import largest_remainder
from analytics.scale import parquet as pqx
from analytics.scale.world import World, days_since_epoch

_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_KINDS = list(_TYPES)
_ONLINE = _KINDS.index("Online meeting")
_SCHOOL = _KINDS.index("School visit")
# Concerns per attendee at a held event, and concerns raised outside events per event.
_CONCERNS_PER_ATTENDEE = 0.006
_OUTSIDE_PER_EVENT = 0.02
_TELL_P = np.array([0.3, 0.4, 0.2, 0.1, 0.0])


def _cumulative(rows: list[dict], labels: tuple[str, ...]) -> np.ndarray:
    """Cumulative probabilities over ``labels``, one row per activity type (for vectorised draws)."""
    p = np.array([[r.get(label, 0.0) for label in labels] for r in rows], dtype=float)
    return np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)


def _draw(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Category index per row, given each row's cumulative probabilities and a uniform draw."""
    return np.minimum((u[:, None] > cum).sum(axis=1), cum.shape[1] - 1)


def _month_weights(world: World, months: list[date]) -> np.ndarray:
    """Expected events of each type in each month (months x types), relative."""
    covid = world.spec["covid"]
    lockdown, resumes = date.fromisoformat(covid["lockdown_start"]), date.fromisoformat(covid["face_to_face_resumes"])
    w = np.array(
        [[_TYPES[k][0] * _covid_factor(m, k == "Online meeting", lockdown, resumes) for k in _KINDS] for m in months]
    )
    w[[m.month == 8 for m in months], _SCHOOL] *= 0.1  # school holidays
    return w


class _Labels:
    """The few distinct strings of the tables, built once; rows refer to them by index."""

    def __init__(self, world: World, seed: int) -> None:
        places = world.place_names
        n = len(places)
        self.n_places = n
        # Each kind of event has its own venue in each place, always at the same spot.
        jitter = np.random.default_rng([seed, 1, 0]).normal(0, 1, (2, len(_KINDS), n))
        self.venue_lat = (world.place_lat + 0.006 * jitter[0]).round(5).ravel()
        self.venue_lon = (world.place_lon + 0.009 * jitter[1]).round(5).ravel()
        self.title = pa.array([f"{k}: {p}" for k in _KINDS for p in places])
        self.venue = pa.array([_VENUES[k].format(town=p) for k in _KINDS for p in places])
        self.summary = pa.array([_CONCERN_TEXT[t][0].format(town=p) for t in vocabulary.CONCERN_THEMES for p in places])
        self.action = pa.array([_CONCERN_TEXT[t][1] for t in vocabulary.CONCERN_THEMES])
        self.town = pa.array(places)
        self.district = pa.array(world.districts["district_id"].tolist())
        counts = np.bincount(world.place_district, minlength=world.n_districts)
        self.place_start = np.r_[0, np.cumsum(counts)[:-1]]
        w = np.zeros((world.n_districts, counts.max()))
        for i, (d, weight) in enumerate(zip(world.place_district, world.place_weight, strict=True)):
            w[d, i - self.place_start[d]] = weight
        self.place_cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
        self.strand_cum = _cumulative([_TYPES[k][4] for k in _KINDS], vocabulary.STRANDS)
        self.audience_cum = _cumulative([_TYPES[k][5] for k in _KINDS], vocabulary.AUDIENCE_GROUPS)

    def place(self, district: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A place of each row's district, drawn by the places' weights."""
        return self.place_start[district] + _draw(self.place_cum[district], u)


def write_events_and_concerns(out_dir: Path, world: World, n_events: int, seed: int) -> dict[str, int]:
    """Write engagement_events (exactly ``n_events`` rows) and engagement_concerns; their row counts."""
    months = world.months(world.last_month)
    weights = _month_weights(world, months)
    per_month = largest_remainder(n_events, weights.sum(axis=1))
    labels = _Labels(world, seed)
    pop = world.districts["population"].to_numpy(dtype=float)
    # Each district's engagement effort: broadly by size, with a lasting local factor.
    activity = np.sqrt(pop) * np.random.default_rng([seed, 1]).lognormal(0, 0.3, pop.size)
    district_p = activity / activity.sum()
    next_concern = 1
    with pqx.TableWriter(out_dir, "engagement_events") as events, pqx.TableWriter(out_dir, "engagement_concerns") as cw:
        for mi, month in enumerate(months):
            rng = np.random.default_rng([seed, 1, mi + 1])
            ev, concerns = _month(world, labels, month, per_month[mi], weights[mi], district_p, rng)
            ev_ids = pqx.fixed_ids("E", events.rows + 1, len(ev["district"]))
            events.append(_events_table(ev, ev_ids, labels))
            if concerns is not None:
                n_c = len(concerns["district"])
                cw.append(_concerns_table(concerns, ev_ids, pqx.fixed_ids("C", next_concern, n_c), labels))
                next_concern += n_c
    return {"engagement_events": events.rows, "engagement_concerns": cw.rows}


def _month(world: World, labels: _Labels, month: date, n: int, type_w, district_p, rng: np.random.Generator):
    """One month of events (sorted by start, district) and of concerns (sorted by day, district)."""
    kind = rng.choice(len(_KINDS), n, p=type_w / type_w.sum())
    district = rng.choice(district_p.size, n, p=district_p)
    first_day = days_since_epoch(month)
    n_days = days_since_epoch(date(month.year + month.month // 12, month.month % 12 + 1, 1)) - first_day
    offset = rng.integers(0, n_days, n)
    # Start in half hours since the month began: one small integer key sorts by (start, district).
    slot = offset * 48 + np.array([_TYPES[k][1] for k in _KINDS])[kind] * 2 + rng.integers(0, 2, n)
    order = np.argsort(slot * district_p.size + district, kind="stable")
    kind, district, slot = kind[order], district[order], slot[order]
    day = first_day + slot // 48
    start = first_day * _DAY_US + slot * (_HOUR_US // 2)
    place = labels.place(district, rng.random(n))
    online = kind == _ONLINE
    covid = world.spec["covid"]
    lockdown = days_since_epoch(date.fromisoformat(covid["lockdown_start"]))
    planned = day > days_since_epoch(world.as_at)
    # Face-to-face events booked for the weeks after lockdown began were cancelled.
    cancelled = ~planned & (((day >= lockdown) & (day < lockdown + 45) & ~online) | (rng.random(n) < 0.05))
    held = ~planned & ~cancelled
    mean_att = np.array([_TYPES[k][3] for k in _KINDS], dtype=float)[kind]
    attendance = rng.negative_binomial(2, 2 / (2 + mean_att))
    raised = np.where(held, rng.poisson(_CONCERNS_PER_ATTENDEE * attendance), 0)
    ev = {
        "kind": kind,
        "district": district,
        "place": place,
        "start": start,
        "end": start + np.array([_TYPES[k][2] for k in _KINDS])[kind] * _HOUR_US,
        "online": online,
        "venue": kind * labels.n_places + place,
        "strand": _draw(labels.strand_cum[kind], rng.random(n)),
        "audience": _draw(labels.audience_cum[kind], rng.random(n)),
        "attendance": attendance,
        "held": held,
        "raised": raised,
        "status": np.where(planned, 0, np.where(cancelled, 2, 1)),  # index into EVENT_STATUSES
    }
    if n == 0 or first_day > days_since_epoch(world.as_at):  # only planned events: nothing raised yet
        ev["acted"] = np.zeros(n, dtype=np.int64)
        return ev, None
    concerns = _concerns(world, labels, ev, day, first_day, n_days, district_p, rng)
    ev["acted"] = np.bincount(concerns["event"][concerns["acted_at_event"]], minlength=n)
    return ev, concerns


def _concerns(world, labels, ev, day, first_day, n_days, district_p, rng) -> dict[str, np.ndarray]:
    """Concerns raised at the month's events and outside them, acted on and told back over time."""
    as_at = days_since_epoch(world.as_at)
    at_event = np.repeat(np.arange(day.size), ev["raised"])
    n_out = int(rng.poisson(_OUTSIDE_PER_EVENT * day.size))
    out_district = rng.choice(district_p.size, n_out, p=district_p)
    out_day = first_day + rng.integers(0, n_days, n_out)
    out_day = np.minimum(out_day, as_at)
    district = np.r_[ev["district"][at_event], out_district]
    raised_on = np.r_[day[at_event], out_day]
    place = np.r_[ev["place"][at_event], labels.place(out_district, rng.random(n_out))]
    event = np.r_[at_event, np.full(n_out, -1)]
    order = np.argsort((raised_on - first_day) * district_p.size + district, kind="stable")
    district, raised_on, place, event = district[order], raised_on[order], place[order], event[order]
    n = district.size
    theme = rng.choice(_THEME_P.size, n, p=_THEME_P)
    year = raised_on.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    # Loop closure improves over the years as Listen, Act, Tell beds in.
    action_on = raised_on + rng.integers(5, 45, n)
    acted = (rng.random(n) < np.clip(0.55 + 0.03 * (year - 2016), 0, 0.9)) & (action_on <= as_at)
    told_on = action_on + rng.integers(3, 30, n)
    told = acted & (rng.random(n) < np.clip(0.5 + 0.05 * (year - 2016), 0, 0.92)) & (told_on <= as_at)
    return {
        "district": district,
        "raised_on": raised_on,
        "event": event,
        "theme": theme,
        "summary": theme * labels.n_places + place,
        "acted": acted,
        "action_on": action_on,
        "told": told,
        "told_on": told_on,
        "channel": rng.choice(_TELL_P.size, n, p=_TELL_P),
        "acted_at_event": acted & (event >= 0),
    }


def _events_table(ev: dict, ids: pa.Array, labels: _Labels) -> pa.Table:
    online, held, venue = ev["online"], ev["held"], ev["venue"]
    return pqx.contract_table(
        "engagement_events",
        {
            "event_id": ids,
            "district_id": pqx.strings(labels.district, ev["district"]),
            "start_at": pqx.micros(ev["start"]),
            "end_at": pqx.micros(ev["end"]),
            "activity_type": pqx.strings(list(_KINDS), ev["kind"]),
            "title": pqx.strings(labels.title, venue),
            "venue": pqx.strings(labels.venue, venue),
            "town": pqx.strings(labels.town, ev["place"]),
            "lat": pqx.numbers(labels.venue_lat[venue], pa.float64(), mask=online),
            "lon": pqx.numbers(labels.venue_lon[venue], pa.float64(), mask=online),
            "online": pqx.numbers(online, pa.bool_()),
            "strand": pqx.strings(list(vocabulary.STRANDS), ev["strand"]),
            "audience_group": pqx.strings(list(vocabulary.AUDIENCE_GROUPS), ev["audience"]),
            "attendance": pqx.numbers(ev["attendance"], pa.int32(), mask=~held),
            "concerns_raised": pqx.numbers(ev["raised"], pa.int32()),
            "actions_taken": pqx.numbers(ev["acted"], pa.int32()),
            "status": pqx.strings(list(vocabulary.EVENT_STATUSES), ev["status"]),
        },
    )


def _concerns_table(c: dict, event_ids: pa.Array, ids: pa.Array, labels: _Labels) -> pa.Table:
    outside, acted, told = c["event"] < 0, c["acted"], c["told"]
    return pqx.contract_table(
        "engagement_concerns",
        {
            "concern_id": ids,
            "event_id": event_ids.take(pa.array(c["event"], pa.int32(), mask=outside)),
            "district_id": pqx.strings(labels.district, c["district"]),
            "raised_on": pqx.days(c["raised_on"]),
            "theme": pqx.strings(list(vocabulary.CONCERN_THEMES), c["theme"]),
            "summary": pqx.strings(labels.summary, c["summary"]),
            "action_taken": pqx.strings(labels.action, c["theme"], mask=~acted),
            "action_on": pqx.days(c["action_on"], mask=~acted),
            "told_on": pqx.days(c["told_on"], mask=~told),
            "tell_channel": pqx.strings(list(vocabulary.TELL_CHANNELS), c["channel"], mask=~told),
        },
    )
