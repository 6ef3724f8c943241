"""The period's posts: the top posts by reach or engagement rate, and how far each tag reaches per district.

Rates are engagements per 100 impressions, from MIN_IMPRESSIONS_FOR_RATE impressions up; a tag's median reach is
compared with its district's from MIN_POSTS_FOR_TAG posts with a reach up (figures.py says why).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analytics.contract.rules import whitelisted
from analytics.social.figures import (
    FORCE_WIDE,
    MIN_IMPRESSIONS_FOR_RATE,
    MIN_POSTS_FOR_TAG,
    Period,
    populations,
    unknown_left_out,
)
from analytics.storage.db import Database

_TOP_ORDER = {"reach": "p.reach", "engagement_rate": "engagement_rate"}
_POSTS_SQL = """
SELECT p.post_id, p.posted_at, a.name AS account, coalesce(d.name, '{force}') AS district, a.platform, p.tag, p.text,
       p.reach, p.impressions, p.engagements,
       CASE WHEN p.impressions >= $min_imp THEN 100.0 * p.engagements / p.impressions END AS engagement_rate
FROM social_posts p JOIN social_accounts a USING (account_id) LEFT JOIN districts d USING (district_id)
WHERE p.posted_at >= $f AND p.posted_at < $t
  AND (a.district_id IS NULL OR list_contains($districts, a.district_id))
  AND list_contains($platforms, a.platform)
  AND ($tags IS NULL OR list_contains($tags, p.tag))
"""


def top_posts(db: Database, period: Period, by: str, limit: int = 10, tags: Sequence[str] | None = None):
    """The period's posts with the highest reach or engagement rate (rate only from 100 impressions up)."""
    order = _TOP_ORDER[whitelisted(by, tuple(_TOP_ORDER))]
    sql = _POSTS_SQL.format(force=FORCE_WIDE) + f" ORDER BY {order} DESC NULLS LAST, p.post_id LIMIT $limit"
    params = period.params() | {"min_imp": MIN_IMPRESSIONS_FOR_RATE, "limit": int(limit)}
    df = db.query(sql, params | {"tags": list(tags) if tags else None})
    if by == "reach":
        df = df[df["reach"].notna()]
    return df.reset_index(drop=True)


_TAGS_SQL = """
SELECT coalesce(d.name, '{force}') AS district, p.tag,
       count(*) AS posts, count(p.reach) AS posts_with_reach,
       median(p.reach) AS median_reach,
       median(CASE WHEN p.impressions >= $min_imp THEN 100.0 * p.engagements / p.impressions END) AS median_rate
FROM social_posts p JOIN social_accounts a USING (account_id) LEFT JOIN districts d USING (district_id)
WHERE p.posted_at >= $f AND p.posted_at < $t
  AND (a.district_id IS NULL OR list_contains($districts, a.district_id))
  AND list_contains($platforms, a.platform)
GROUP BY GROUPING SETS ((1, p.tag), (1))
"""


def tag_reach(db: Database, period: Period) -> pd.DataFrame:
    """Per district and tag: posts, median reach per post, and that median against the district's own.

    ``index`` is 100 x the tag's median reach / the district's median over all its posts, so a
    tag reaching further than the district's usual post scores above 100. Tags with fewer than
    MIN_POSTS_FOR_TAG posts with a reach are not indexed (too few to say). ``furthest`` marks
    each district's indexed tag with the highest median reach.
    """
    df = db.query(_TAGS_SQL.format(force=FORCE_WIDE), period.params() | {"min_imp": MIN_IMPRESSIONS_FOR_RATE})
    overall = df[df["tag"].isna()].set_index("district")["median_reach"]
    df = df[df["tag"].notna()].copy()
    df["district_median"] = df["district"].map(overall)
    enough = df["posts_with_reach"] >= MIN_POSTS_FOR_TAG
    df["index"] = (100 * df["median_reach"] / df["district_median"]).where(enough)
    df["furthest"] = False
    best = df[enough].sort_values(["district", "median_reach"], ascending=[True, False]).drop_duplicates("district")
    df.loc[best.index, "furthest"] = True
    return df.sort_values(["district", "tag"]).reset_index(drop=True)


def tags_narrowed(db: Database, tags: pd.DataFrame, period: Period, district_ids: Sequence[str]) -> pd.DataFrame:
    """``tag_reach`` for ``district_ids`` from ``tags``, its answer for ``period`` (their districts and perhaps
    more): each district's rows stand on their own."""
    if not set(district_ids) <= set(period.district_ids):
        raise ValueError("tags_narrowed: tags were worked out without some of these districts")
    _, names, _ = populations(db)
    if unknown_left_out(names, period.district_ids, district_ids):
        return tag_reach(db, Period(period.quarter_from, period.quarter_to, tuple(district_ids), period.platforms))
    kept = {names[d] for d in district_ids if d in names} | {FORCE_WIDE}
    return tags[tags["district"].isin(kept)].reset_index(drop=True)
