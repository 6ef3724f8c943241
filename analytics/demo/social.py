"""Synthetic social-media accounts, monthly figures, posts and map views.

Force-wide totals follow the spec's anchor curves exactly (integers split by
largest remainder), so published totals such as district followers in
November 2018 are reproduced to the unit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from analytics.contract import vocabulary
from analytics.demo.spec import interpolate, largest_remainder, month_anchors, month_starts, parse_month
from analytics.ingest.social.months import PLATFORM, sourced

_POST_TEXT = {
    "You said, we did": "You said {theme} in {place} was a problem. We did: {action}. #YouSaidWeDid",
    "Appeal": "Appeal: did you see anything near {place} last night? Call 101 quoting the reference.",
    "Crime prevention": "Lock it or lose it: keep sheds and vans secure in {place} this winter.",
    "Event": "Come and meet your local team in {place} this week. Everyone welcome.",
    "Recruitment": "Could you be a Special Constable in {place}? Find out more at our open evening.",
    "Other": "Thank you to everyone in {place} who came along to our open day.",
}
_TAG_P = np.array([0.18, 0.22, 0.2, 0.25, 0.05, 0.1])
_TAG_REACH = np.array([1.4, 2.0, 1.0, 0.8, 0.7, 0.6])


def accounts_frame(spec: dict) -> pd.DataFrame:
    """The social_accounts table: one Facebook page per district (split where the spec says) plus force pages."""
    short = spec["force_short_name"]
    splits = spec["social"]["split_districts"]
    rows = []
    for d in spec["districts"]:
        parts = [name for name, _ in splits.get(d["district_id"], [[d["name"], 1.0]])]
        for name in parts:
            rows.append(
                {
                    "account_id": f"fb_{_slug(name)}",
                    "district_id": d["district_id"],
                    "platform": "Facebook",
                    "handle": f"{short.replace(' ', '')}{name.replace(' ', '')}",
                    "name": f"{short} {name}",
                }
            )
    rows.append(
        {
            "account_id": "fb_force",
            "district_id": None,
            "platform": "Facebook",
            "handle": short.replace(" ", ""),
            "name": short,
        }
    )
    rows.append(
        {
            "account_id": "x_force",
            "district_id": None,
            "platform": "X",
            "handle": "@" + short.replace(" ", "_"),
            "name": short,
        }
    )
    return pd.DataFrame(rows)


def _slug(name: str) -> str:
    return name.lower().replace(" and ", "_").replace(" ", "_").replace("-", "_")


def _account_shares(spec: dict, accounts: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each district account's share of district followers: population x a lasting local factor."""
    pops = {d["district_id"]: sum(lad["population"] for lad in d["lads"]) for d in spec["districts"]}
    fraction = {
        f"fb_{_slug(name)}": share for parts in spec["social"]["split_districts"].values() for name, share in parts
    }
    return np.array(
        [
            pops[a.district_id] * fraction.get(a.account_id, 1.0) * rng.lognormal(0, 0.25)
            for a in accounts.itertuples(index=False)
        ]
    )


def monthly_frame(spec: dict, accounts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The social_monthly table."""
    soc = spec["social"]
    months = month_starts(date(2016, 4, 1), date.fromisoformat(spec["as_at"]))
    anchors = {k: month_anchors(v) for k, v in soc.items() if isinstance(v, dict) and k != "split_districts"}
    curves = {k: interpolate(v, months, log=True) for k, v in anchors.items()}
    district_acc = accounts[accounts["district_id"].notna()].reset_index(drop=True)
    base_share = _account_shares(spec, district_acc, rng)
    rows = []
    for mi, m in enumerate(months):
        # Shares drift a little month to month; totals stay on the curve.
        shares = base_share * rng.lognormal(0, 0.03, base_share.size)
        followers = largest_remainder(round(curves["district_followers"][mi]), shares)
        reach_total = curves["district_reach"][mi]
        if m not in anchors["district_reach"]:
            reach_total *= rng.lognormal(0, 0.15)
        reach = largest_remainder(round(reach_total), shares * rng.lognormal(0, 0.3, shares.size))
        for ai, a in district_acc.iterrows():
            rows.append(_month_row(a["account_id"], m, followers[ai], reach[ai], rng))
        force_reach = curves["force_reach"][mi] * rng.lognormal(0, 0.12)
        rows.append(_month_row("fb_force", m, round(curves["force_followers"][mi]), round(force_reach), rng))
        x_followers = round(curves["force_followers"][mi] * 0.45)
        # X reports impressions but no reach: the demo leaves it blank as a real export would.
        x_row = _month_row("x_force", m, x_followers, round(force_reach * 0.35), rng)
        rows.append(x_row | {"reach": None})
    # Account-level figures, as the platforms report them: each figure's source is the platform.
    return sourced(pd.DataFrame(rows), PLATFORM)


def _month_row(account_id: str, month: date, followers: int, reach: int, rng: np.random.Generator) -> dict:
    return {
        "account_id": account_id,
        "month_start": month,
        "followers": int(followers),
        "reach": int(reach),
        "impressions": int(reach * rng.uniform(1.6, 2.3)),
        "engagements": int(reach * rng.uniform(0.025, 0.06)),
        "posts": int(rng.poisson(22)),
    }


def posts_frame(spec: dict, accounts: pd.DataFrame, monthly: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The social_posts table: a sample of each account's posts with their tags."""
    towns = {d["district_id"]: [t[0] for t in d["towns"]] for d in spec["districts"]}
    all_towns = [t for names in towns.values() for t in names]
    district_of = dict(zip(accounts["account_id"], accounts["district_id"], strict=True))
    platform_of = dict(zip(accounts["account_id"], accounts["platform"], strict=True))
    rows = []
    for rec in monthly.itertuples(index=False):
        places = towns.get(district_of[rec.account_id]) or all_towns
        post_reach = rec.reach if pd.notna(rec.reach) else rec.impressions / 1.8
        n = min(rec.posts, 8)
        tags = rng.choice(len(_TAG_P), n, p=_TAG_P)
        for t in tags:
            tag = vocabulary.POST_TAGS[t]
            place = places[rng.integers(len(places))]
            reach = int(post_reach / max(rec.posts, 1) * _TAG_REACH[t] * rng.lognormal(0, 0.6))
            posted = datetime.combine(rec.month_start, datetime.min.time()) + timedelta(
                days=int(rng.integers(0, 28)), hours=int(rng.integers(7, 21))
            )
            rows.append(
                {
                    "account_id": rec.account_id,
                    "posted_at": posted,
                    "text": _POST_TEXT[tag].format(
                        theme="speeding", place=place, action="speed checks with roads policing"
                    ),
                    "reach": reach if platform_of[rec.account_id] != "X" else None,
                    "impressions": int(reach * rng.uniform(1.3, 2.0)),
                    "engagements": int(reach * rng.uniform(0.01, 0.09)),
                    "tag": tag,
                }
            )
    p = pd.DataFrame(rows).sort_values(["posted_at", "account_id"], kind="stable").reset_index(drop=True)
    p["post_id"] = [f"P{i:07d}" for i in range(1, len(p) + 1)]
    return p


def map_views_frame(spec: dict, rng: np.random.Generator) -> pd.DataFrame:
    """The map_views table: monthly views of the public engagement map per district."""
    mv = spec["map_views"]
    launch = parse_month(mv["launch_month"])
    months = month_starts(launch, date.fromisoformat(spec["as_at"]))
    pops = np.array([sum(lad["population"] for lad in d["lads"]) for d in spec["districts"]], dtype=float)
    factor = np.array([mv["district_factor"].get(d["district_id"], 1.0) for d in spec["districts"]])
    rows = []
    for i, m in enumerate(months):
        total = (
            mv["first_months"][i]
            if i < len(mv["first_months"])
            else round(mv["steady_monthly"] * rng.lognormal(0, 0.15))
        )
        split = largest_remainder(int(total), pops * factor * rng.lognormal(0, 0.1, pops.size))
        for d, v in zip(spec["districts"], split, strict=True):
            rows.append({"district_id": d["district_id"], "month_start": m, "views": int(v)})
    return pd.DataFrame(rows)
