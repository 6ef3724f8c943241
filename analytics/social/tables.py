"""Display tables and sentences for the Social media page: readable columns, rounded, blanks kept blank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.contract.vocabulary import REACH_PER_1K
from analytics.social.figures import MIN_IMPRESSIONS_FOR_RATE, Association
from analytics.stats import format_p
from analytics.verdicts import BASE_NOTES


def _r(values, digits: int = 1):
    return np.round(pd.to_numeric(values, errors="coerce").astype(float), digits)


def _whole(values):
    return pd.to_numeric(values, errors="coerce").round().astype("Int64")


def _coverage(df: pd.DataFrame) -> list[str]:
    return [
        "all" if r == m and m else f"{int(r)} of {int(m)}"
        for r, m in zip(df["months_reported"].fillna(0), df["months"], strict=True)
    ]


_PERIOD_COLUMNS = [
    "followers_start", "followers_end", "growth", "growth_pct", "followers_per_1k", "reach_avg", "reach_per_1k",
    "impressions", "engagements", "posts", "engagement_rate", "months_reported", "months", "accounts",
]  # fmt: skip


def pages_table(districts: pd.DataFrame) -> pd.DataFrame:
    """Districts (their accounts together), the force-wide pages and all district pages."""
    d = districts.reindex(columns=list(dict.fromkeys([*districts.columns, *_PERIOD_COLUMNS])))
    return pd.DataFrame(
        {
            "Pages": d["name"],
            "Accounts": d["accounts"],
            "Followers at start": _whole(d["followers_start"]),
            "Followers at end": _whole(d["followers_end"]),
            "Growth": _whole(d["growth"]),
            "Growth %": _r(d["growth_pct"]),
            "Followers per 1,000 residents": _r(d["followers_per_1k"]),
            "Reached a month (average)": _whole(d["reach_avg"]),
            REACH_PER_1K: _r(d["reach_per_1k"]),
            "Impressions": _whole(d["impressions"]),
            "Engagements": _whole(d["engagements"]),
            "Posts": _whole(d["posts"]),
            "Engagement rate %": _r(d["engagement_rate"], 2),
            "Months reported": _coverage(d),
        }
    )


def account_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """Each account apart, with its share of its district's followers."""
    a = accounts.reindex(
        columns=list(dict.fromkeys([*accounts.columns, *_PERIOD_COLUMNS, "share_of_district_followers"]))
    )
    return pd.DataFrame(
        {
            "Account": a["account"],
            "Handle": a["handle"],
            "Platform": a["platform"],
            "District": a["district"],
            "Followers at end": _whole(a["followers_end"]),
            "Growth": _whole(a["growth"]),
            "Growth %": _r(a["growth_pct"]),
            "Share of the district's followers %": _r(a["share_of_district_followers"]),
            "Reached a month (average)": _whole(a["reach_avg"]),
            "Impressions": _whole(a["impressions"]),
            "Engagements": _whole(a["engagements"]),
            "Posts": _whole(a["posts"]),
            "Engagement rate %": _r(a["engagement_rate"], 2),
            "Months reported": _coverage(a),
        }
    )


def monthly_table(monthly: pd.DataFrame, column: str, title: str, names: list[str]) -> pd.DataFrame:
    """The trend chart's numbers: one row per month, one column per district."""
    df = monthly[monthly["name"].isin(names)]
    wide = df.pivot_table(index="month_start", columns="name", values=column, dropna=False, sort=True)
    wide = wide[[n for n in names if n in wide.columns]].round(2).reset_index()
    wide.columns.name = None
    wide["month_start"] = [f"{pd.Timestamp(m):%b %Y}" for m in wide["month_start"]]
    return wide.rename(columns={"month_start": f"Month ({title})"})


def posts_table(posts: pd.DataFrame) -> pd.DataFrame:
    """Top posts, with their text shown as plain text."""
    return pd.DataFrame(
        {
            "Posted": [f"{pd.Timestamp(t):%d %b %Y %H:%M}" for t in posts["posted_at"]],
            "Pages": posts["district"],
            "Account": posts["account"],
            "Platform": posts["platform"],
            "Tag": posts["tag"],
            "Text": posts["text"],
            "Reach": _whole(posts["reach"]),
            "Impressions": _whole(posts["impressions"]),
            "Engagements": _whole(posts["engagements"]),
            "Engagement rate %": _r(posts["engagement_rate"], 2),
        }
    )


def tag_table(tags: pd.DataFrame) -> pd.DataFrame:
    """Posts, median reach and median engagement rate per district and tag."""
    return pd.DataFrame(
        {
            "Pages": tags["district"],
            "Tag": tags["tag"],
            "Posts": tags["posts"],
            "Posts with a reach": tags["posts_with_reach"],
            "Median reach per post": _whole(tags["median_reach"]),
            "Against the district's usual post (100)": _r(tags["index"], 0),
            "Reaches furthest": np.where(tags["furthest"], "yes", ""),
            "Median engagement rate %": _r(tags["median_rate"], 2),
        }
    )


def association_table(assoc: Association) -> pd.DataFrame:
    """Each district's reach and survey result."""
    p = assoc.points
    return pd.DataFrame(
        {
            "District": p["name"],
            REACH_PER_1K: _r(p["reach_per_1k"]),
            "Feel well informed %": _r(p["pct"]),
            "95% low": _r(p["ci_low"]),
            "95% high": _r(p["ci_high"]),
            "Answers (n)": p["base_text"] if "base_text" in p else p["n"],
            "Note": p["base_status"].map(BASE_NOTES).fillna(""),
        }
    )


def association_sentence(assoc: Association) -> str:
    """What the scatter shows, in words, with its caveat."""
    if not np.isfinite(assoc.rho):
        return (
            f"Too few districts with both figures ({assoc.n}) to measure an association. "
            "A pattern here would show association at most, not cause."
        )
    strength = abs(assoc.rho)
    words = "no clear" if strength < 0.3 or assoc.p_value >= 0.05 else ("a strong" if strength >= 0.7 else "a moderate")
    direction = "" if words == "no clear" else (" positive" if assoc.rho > 0 else " negative")
    return (
        f"Across {assoc.n} districts, Spearman's rank correlation between reach and feeling well informed is "
        f"{assoc.rho:+.2f} ({format_p(assoc.p_value)}): {words}{direction} association. This is association, not "
        "cause: districts differ in many ways (age, deprivation, local news), and people who feel informed may "
        "follow the police page, as much as the page informs them."
    )


RATE_NOTE = (
    f"Engagement rate is engagements per 100 impressions, shown for posts with at least {MIN_IMPRESSIONS_FOR_RATE} "
    "impressions so a handful of views cannot top the list."
)
