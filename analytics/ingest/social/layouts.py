"""The social-media export layouts this project reads, how a file's header is matched to one, and the dates
an export's file name states. The layouts are those in ``docs/social_media_exports.md``;
``analytics.ingest.social.exports`` reads a file's rows once its layout is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from analytics.ingest.textfiles import ExportError, name_key, nearest_name


@dataclass(frozen=True)
class Layout:
    """One export layout: how to recognise it and where each figure is."""

    key: str
    title: str
    platform: str
    level: str  # "post" (one row per post) or "page" (one row per day, account-level)
    fields: dict[str, tuple[str, ...]]  # target -> header names, first present wins (matched as ``norm``)
    required: tuple[str, ...]
    signature: tuple[str, ...]  # headers that identify the layout
    time_formats: tuple[str, ...]
    id_prefix: str = ""
    header_rows: int = 1


def norm(name: str) -> str:
    """A header name as it is matched: case, spaces, underscores, punctuation and a byte-order mark ignored."""
    return name_key(name)


_ISO = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d")
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "x_tweet_activity",
        "X (Twitter) tweet activity export (analytics.twitter.com, to 2023)",
        "X",
        "post",
        {
            "post_id": ("tweet id",),
            "text": ("tweet text",),
            "posted_at": ("time",),
            "impressions": ("impressions",),
            "engagements": ("engagements",),
        },
        ("post_id", "posted_at", "impressions", "engagements"),
        ("tweet id", "tweet permalink", "tweet text", "time", "engagement rate", "retweets", "user profile clicks"),
        ("%Y-%m-%d %H:%M %z", *_ISO),
        id_prefix="x:",
    ),
    Layout(
        "x_account_content",
        "X account analytics content export (2023 onwards)",
        "X",
        "post",
        {
            "post_id": ("post id",),
            "text": ("post text",),
            "posted_at": ("date",),
            "impressions": ("impressions",),
            "engagements": ("engagements",),
        },
        ("post_id", "posted_at", "impressions", "engagements"),
        ("post id", "post text", "post link", "bookmarks", "reposts", "new follows"),
        (*_ISO, "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%a, %b %d, %Y", "%m/%d/%Y %H:%M", "%m/%d/%Y"),
        id_prefix="x:",
    ),
    Layout(
        "meta_posts",
        "Meta Business Suite post export (Facebook)",
        "Facebook",
        "post",
        {
            "post_id": ("post id",),
            "text": ("description", "title", "message"),
            "posted_at": ("publish time",),
            "impressions": ("impressions", "views"),
            "reach": ("reach", "viewers"),
            "engagements": ("reactions, comments and shares",),
            "reactions": ("reactions",),
            "comments": ("comments",),
            "shares": ("shares",),
            "clicks": ("total clicks",),
            "label": ("custom labels",),
        },
        ("post_id", "posted_at", "impressions", "reach"),
        ("post id", "page id", "page name", "publish time", "permalink", "post type", "reactions, comments and shares"),
        ("%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", *_ISO),
        id_prefix="fb:",
    ),
    Layout(
        "facebook_page_insights",
        "Facebook Page Insights export (page level, to 2023)",
        "Facebook",
        "page",
        {
            "day": ("date",),
            "followers": ("lifetime total likes",),
            "reach": ("28 days total reach",),
            "impressions": ("daily total impressions",),
        },
        ("day", "followers"),
        ("lifetime total likes", "daily total reach", "28 days total reach", "daily page engaged users"),
        ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y"),
        header_rows=2,
    ),
)


def detect(header: list[str]) -> Layout:
    """The layout whose signature columns the header holds most of; an error naming what is missing, or the
    columns that match one field twice (``Views`` and ``views``)."""
    names = {norm(h) for h in header}
    scored = sorted(LAYOUTS, key=lambda lay: -sum(norm(s) in names for s in lay.signature))
    best = scored[0]
    if sum(norm(s) in names for s in best.signature) < 2:
        shown = ", ".join(h.strip() for h in header[:8]) + (", ..." if len(header) > 8 else "")
        raise ExportError(
            "Not a recognised export. Expected an X (Twitter) tweet activity or account content export, a Meta "
            f"Business Suite post export or a Facebook Page Insights export. This file's columns: {shown}."
        )
    wanted = {norm(a) for aliases in best.fields.values() for a in aliases}
    twice = [[h for h in header if norm(h) == k] for k in sorted(wanted)]
    twice = [g for g in twice if len(g) > 1]
    if twice:
        shown = "; ".join(" and ".join(repr(h.strip()) for h in g) for g in twice)
        raise ExportError(
            f"Columns have the same name written differently: {shown}. Names are matched ignoring case, spaces and "
            "punctuation, so it is not clear which to read: rename or remove one of each."
        )
    missing = [best.fields[f][0] for f in best.required if not any(norm(a) in names for a in best.fields[f])]
    if best.key == "meta_posts" and norm("reactions, comments and shares") not in names:
        missing += [c for c in ("reactions", "comments", "shares") if c not in names]
    if missing:
        hints = [f"nearest to {m!r}: {near!r}" for m in missing if (near := nearest_name([m], header))]
        found = ", ".join(repr(h.strip()) for h in header[:60] if h.strip())
        raise ExportError(
            f"This looks like a {best.title}, but it lacks the column(s) needed: {', '.join(missing)}"
            + (f" ({'; '.join(hints)})" if hints else "")
            + f". The file's columns: {found}. The platform may have changed its layout; export again or rename "
            "the columns."
        )
    return best


_MONTHS = {m: i for i, m in enumerate(("jan feb mar apr may jun jul aug sep oct nov dec").split(), start=1)}


def dates_in_name(file_name: str) -> tuple[date, date] | None:
    """The date range an export's file name states, if it follows a platform's pattern.

    X: ``tweet_activity_metrics_<handle>_20241001_20241031_en.csv`` and
    ``account_analytics_content_2024-10-01_2024-10-31.csv``; Meta: ``Oct-01-2024_Oct-31-2024_<page>.csv``.
    """
    name = file_name.rsplit("/", 1)[-1]
    try:
        if m := re.search(r"_(\d{8})_(\d{8})(?:_|\.)", name):
            return tuple(datetime.strptime(x, "%Y%m%d").date() for x in m.groups())  # type: ignore[return-value]
        if m := re.search(r"(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})", name):
            return tuple(date.fromisoformat(x) for x in m.groups())  # type: ignore[return-value]
        if m := re.search(r"([A-Za-z]{3})-(\d{2})-(\d{4})_([A-Za-z]{3})-(\d{2})-(\d{4})", name):
            a, b = m.groups()[:3], m.groups()[3:]
            return tuple(date(int(y), _MONTHS[mo.lower()], int(d)) for mo, d, y in (a, b))  # type: ignore[return-value]
    except (ValueError, KeyError):
        return None
    return None
