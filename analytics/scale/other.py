"""The smaller tables at scale: social media, map views, Star Chamber and annotations for every force."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.contract import vocabulary
from analytics.demo import governance
from analytics.demo.social import _POST_TEXT, _TAG_P, _TAG_REACH
from analytics.demo.spec import parse_month
from analytics.ingest.social.months import PLATFORM, sourced
from analytics.scale.world import World, days_since_epoch, slug


def accounts_frame(world: World) -> pd.DataFrame:
    """social_accounts: a Facebook page per district, and a Facebook page and an X account per force."""
    rows = []
    for rec in world.districts.itertuples(index=False):
        rows.append(
            {
                "account_id": f"fb_{rec.district_id}",
                "district_id": rec.district_id,
                "platform": "Facebook",
                "handle": rec.name.title().replace(" ", "").replace("-", ""),
                "name": rec.name,
            }
        )
    for f in world.forces:
        handle = f["area"].title().replace(" ", "").replace("-", "")
        for platform, prefix in (("Facebook", "fb"), ("X", "x")):
            rows.append(
                {
                    "account_id": f"{prefix}_{slug(f['area'])}",
                    "district_id": None,
                    "platform": platform,
                    "handle": ("@" if platform == "X" else "") + handle + "Police",
                    "name": f["force"],
                }
            )
    return pd.DataFrame(rows).sort_values("account_id", kind="stable").reset_index(drop=True)


def _account_population(world: World, accounts: pd.DataFrame) -> np.ndarray:
    """Population each account serves: its district's, or its force's for a force-wide account."""
    pop = dict(zip(world.districts["district_id"], world.districts["population"], strict=True))
    force_pop = {slug(f["area"]): f["population"] for f in world.forces}
    return np.array(
        [
            pop[a.district_id] if isinstance(a.district_id, str) else force_pop[a.account_id.split("_", 1)[1]]
            for a in accounts.itertuples(index=False)
        ],
        dtype=float,
    )


def monthly_frame(world: World, accounts: pd.DataFrame, seed: int) -> pd.DataFrame:
    """social_monthly: followers grow steadily; reach, impressions and engagements vary month to month."""
    rng = np.random.default_rng([seed, 4])
    months = world.months()
    n_a, n_m = len(accounts), len(months)
    force_wide = accounts["district_id"].isna().to_numpy()
    is_x = (accounts["platform"] == "X").to_numpy()
    share = np.where(force_wide, 0.08, 0.03) * np.where(is_x, 0.45, 1.0) * rng.lognormal(0, 0.25, n_a)
    growth = np.exp(np.linspace(np.log(0.5), np.log(1.3), n_m))  # followers roughly 2.6x over the period
    followers = np.round(np.outer(growth, share * _account_population(world, accounts)))
    reach = followers * rng.lognormal(1.2, 0.4, (n_m, n_a))
    impressions = reach * rng.uniform(1.6, 2.3, (n_m, n_a))
    frame = pd.DataFrame(
        {
            "account_id": np.tile(accounts["account_id"].to_numpy(), n_m),
            "month_start": np.repeat(np.array(months, dtype=object), n_a),
            "followers": followers.ravel().astype(np.int64),
            # X reports impressions but no reach: left blank as a real export would.
            "reach": pd.array(np.where(np.tile(is_x, n_m), np.nan, reach.ravel()).round(), dtype="Int64"),
            "impressions": impressions.ravel().astype(np.int64),
            "engagements": (reach * rng.uniform(0.025, 0.06, (n_m, n_a))).ravel().astype(np.int64),
            "posts": rng.poisson(22, n_m * n_a),
        }
    )
    return sourced(frame, PLATFORM)  # account-level figures: each from the platform


def posts_frame(
    world: World, accounts: pd.DataFrame, monthly: pd.DataFrame, seed: int, per_month: int = 8
) -> pd.DataFrame:
    """social_posts: up to ``per_month`` of each account's posts in each month (the rest count only in the totals)."""
    rng = np.random.default_rng([seed, 5])
    n_posts = np.minimum(monthly["posts"].to_numpy(), per_month)
    src = np.repeat(np.arange(len(monthly)), n_posts)
    n = src.size
    acc = pd.Index(accounts["account_id"]).get_indexer(monthly["account_id"])[src]
    # Each post names a place of the account's district, or of its force for a force-wide account.
    district_idx = {d: i for i, d in enumerate(world.districts["district_id"])}
    force_idx = {slug(f["area"]): i for i, f in enumerate(world.forces)}
    place_force = world.force_of[world.place_district]
    choices = [
        np.flatnonzero(world.place_district == district_idx[a.district_id])
        if isinstance(a.district_id, str)
        else np.flatnonzero(place_force == force_idx[a.account_id.split("_", 1)[1]])
        for a in accounts.itertuples(index=False)
    ]
    count = np.array([c.size for c in choices])
    start = np.r_[0, np.cumsum(count)[:-1]]
    place = np.concatenate(choices)[start[acc] + (rng.random(n) * count[acc]).astype(np.int64)]
    tag = rng.choice(_TAG_P.size, n, p=_TAG_P)
    texts = np.array(
        [
            _POST_TEXT[t].format(theme="speeding", place=pl, action="speed checks with roads policing")
            for t in vocabulary.POST_TAGS
            for pl in world.place_names
        ],
        dtype=object,
    )
    month_reach = monthly["reach"].to_numpy(dtype=float, na_value=np.nan)
    base = np.where(np.isnan(month_reach), monthly["impressions"].to_numpy() / 1.8, month_reach)
    per_post = base / np.maximum(monthly["posts"].to_numpy(), 1)
    reach = (per_post[src] * _TAG_REACH[tag] * rng.lognormal(0, 0.6, n)).astype(np.int64)
    month_day = np.array([days_since_epoch(m) for m in monthly["month_start"]])[src]
    minutes = (month_day + rng.integers(0, 28, n)) * 1440 + rng.integers(7 * 60, 21 * 60, n)
    is_x = (accounts["platform"] == "X").to_numpy()[acc]
    p = pd.DataFrame(
        {
            "account_id": accounts["account_id"].to_numpy()[acc],
            "posted_at": pd.to_datetime(minutes, unit="m"),
            "text": texts[tag * len(world.place_names) + place],
            "reach": pd.array(np.where(is_x, np.nan, reach), dtype="Int64"),
            "impressions": (reach * rng.uniform(1.3, 2.0, n)).astype(np.int64),
            "engagements": (reach * rng.uniform(0.01, 0.09, n)).astype(np.int64),
            "tag": np.array(vocabulary.POST_TAGS, dtype=object)[tag],
        }
    )
    p = p.sort_values(["posted_at", "account_id"], kind="stable").reset_index(drop=True)
    p["post_id"] = [f"P{i:09d}" for i in range(1, len(p) + 1)]
    return p


def map_views_frame(world: World, seed: int) -> pd.DataFrame:
    """map_views: monthly views of each district's engagement map, from its launch."""
    rng = np.random.default_rng([seed, 6])
    months = world.months()
    months = [m for m in months if m >= parse_month(world.spec["map_launch_month"])]
    pop = world.districts["population"].to_numpy(dtype=float)
    interest = rng.lognormal(0, 0.3, pop.size) * 0.004
    views = np.outer(np.ones(len(months)), pop * interest) * rng.lognormal(0, 0.15, (len(months), pop.size))
    return pd.DataFrame(
        {
            "district_id": np.tile(world.districts["district_id"].to_numpy(), len(months)),
            "month_start": np.repeat(np.array(months, dtype=object), pop.size),
            "views": views.ravel().round().astype(np.int64),
        }
    )


def star_chamber_frames(world: World, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """star_chamber_meetings and star_chamber_actions: each force's rounds, as the demo builds them."""
    rng = np.random.default_rng([seed, 7])
    meetings, actions = [], []
    for fi, _ in enumerate(world.forces):
        mine = world.districts[world.force_of == fi]
        spec = {
            "star_chamber": world.spec["star_chamber"],
            "as_at": world.as_at.isoformat(),
            "districts": mine[["district_id", "name"]].to_dict("records"),
        }
        m, a = governance.meetings_and_actions(spec, rng)
        meetings.append(m)
        actions.append(a)
    actions_frame = pd.concat(actions, ignore_index=True).assign(updated_by="synthetic scale data")
    return pd.concat(meetings, ignore_index=True), actions_frame


def annotations_frame(world: World, seed: int) -> pd.DataFrame:
    """annotations: national events from the spec, and a local change in about one district in four."""
    rng = np.random.default_rng([seed, 8])
    rows = [
        {
            "start_date": date.fromisoformat(a["start_date"]),
            "end_date": date.fromisoformat(a["end_date"]) if a.get("end_date") else None,
            "district_id": None,
            "label": a["label"],
            "kind": a["kind"],
        }
        for a in world.spec["annotations"]
    ]
    span = days_since_epoch(world.as_at) - days_since_epoch(world.first_month)
    for rec in world.districts.itertuples(index=False):
        if rng.random() < 0.25:
            start = world.first_month.toordinal() + int(rng.integers(0, span))
            rows.append(
                {
                    "start_date": date.fromordinal(start),
                    "end_date": None,
                    "district_id": rec.district_id,
                    "label": f"{rec.name}: neighbourhood team restructured",
                    "kind": "event",
                }
            )
    out = pd.DataFrame(rows).sort_values(["start_date", "district_id"], kind="stable", na_position="first")
    out["annotation_id"] = [f"N{i:05d}" for i in range(1, len(out) + 1)]
    return out.reset_index(drop=True)
