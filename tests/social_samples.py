"""Sample export files built from the documented layouts (docs/social_media_exports.md).

Headers are typed here exactly as documented, independently of the parser's tables.
"""

from __future__ import annotations

import csv
import io

X_LEGACY_HEADER = [
    "Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate",
    "retweets", "replies", "likes", "user profile clicks", "url clicks", "hashtag clicks", "detail expands",
    "permalink clicks", "app opens", "app installs", "follows", "email tweet", "dial phone", "media views",
    "media engagements", "promoted impressions", "promoted engagements", "promoted engagement rate",
    "promoted retweets", "promoted replies", "promoted likes", "promoted user profile clicks",
    "promoted url clicks", "promoted hashtag clicks", "promoted detail expands", "promoted permalink clicks",
    "promoted app opens", "promoted app installs", "promoted follows", "promoted email tweet",
    "promoted dial phone", "promoted media views", "promoted media engagements",
]  # fmt: skip
X_CURRENT_HEADER = [
    "Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares",
    "New follows", "Replies", "Reposts", "Profile visits", "Detail Expands", "URL Clicks", "Hashtag Clicks",
    "Permalink Clicks",
]  # fmt: skip
META_HEADER = [
    "Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time", "Caption type",
    "Permalink", "Is crosspost", "Is share", "Post type", "Languages", "Custom labels", "Funded content status",
    "Data comment", "Date", "Impressions", "Reach", "Reactions, Comments and Shares", "Reactions", "Comments",
    "Shares", "Total clicks", "Other clicks", "Matched audience targeting consumption (Photo click)",
    "Link clicks", "Views", "reels_plays:count", "Seconds viewed", "Average seconds viewed",
    "Estimated earnings (USD)",
]  # fmt: skip
PAGE_INSIGHTS_HEADER = [
    "Date", "Lifetime Total Likes", "Daily Page Engaged Users", "Weekly Page Engaged Users", "Daily Total Reach",
    "Weekly Total Reach", "28 Days Total Reach", "28 Days Organic Reach", "Daily Total Impressions",
    "28 Days Total Impressions", "28 Days Organic impressions", "28 Days Paid Impressions",
    "Daily Logged-in Page Views",
]  # fmt: skip
PAGE_INSIGHTS_DESCRIPTIONS = [
    "",
    "Lifetime: The total number of people who have liked your Page. (Unique Users)",
    "Daily: The number of people who engaged with your Page. Engagement includes any click or story created. "
    "(Unique Users)",
] + ["Daily: description"] * (len(PAGE_INSIGHTS_HEADER) - 3)


def to_csv(header: list[str], rows: list[list], *, quote_all=False, delimiter=",", extra_header_rows=()) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in extra_header_rows:
        w.writerow(r)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def x_legacy_row(tweet_id: str, text: str, time: str, impressions: float, engagements: float) -> list[str]:
    """A tweet activity row: counts as floats, promoted columns "-" (not promoted)."""
    row = dict.fromkeys(X_LEGACY_HEADER, "0.0")
    row.update(
        {
            "Tweet id": tweet_id,
            "Tweet permalink": f"https://twitter.com/EP_Example/status/{tweet_id}",
            "Tweet text": text,
            "time": time,
            "impressions": f"{impressions:.1f}",
            "engagements": f"{engagements:.1f}",
            "engagement rate": str(engagements / impressions if impressions else 0.0),
        }
    )
    for h in X_LEGACY_HEADER:
        if h.startswith("promoted"):
            row[h] = "-"
    return [row[h] for h in X_LEGACY_HEADER]


X_LEGACY_ROWS = [
    x_legacy_row("1410000000000000001", "You said speeding on the High Street was a problem.\nWe did: speed checks 🚓",
                 "2021-06-30 16:00 +0000", 1777, 50),
    x_legacy_row("1410000000000000002", "Appeal: can you help us find a missing man? Call 101.",
                 "2021-06-15 23:30 +0000", 5400, 310),
    x_legacy_row("1410000000000000003", "Lovely morning at the fete", "2021-06-01 08:00 +0000", 300, 4),
]  # fmt: skip


def x_legacy_file(rows=None, header=None, encoding="utf-8") -> bytes:
    return to_csv(header or X_LEGACY_HEADER, rows or X_LEGACY_ROWS, quote_all=True).encode(encoding)


def x_current_file() -> bytes:
    rows = []
    for pid, date, text, imp, eng in (
        ("1800000000000000001", "2024-03-02 10:15:00", "Come and meet your local team at Coffee with a Cop", 2000, 80),
        ("1800000000000000002", "2024-03-20 18:00:00", "Lock it or lose it: keep your shed secure", 1000, 20),
    ):
        r = dict.fromkeys(X_CURRENT_HEADER, "0")
        r.update({"Post id": pid, "Date": date, "Post text": text, "Impressions": imp, "Engagements": eng})
        r["Post Link"] = f"https://x.com/EP_Example/status/{pid}"
        rows.append([r[h] for h in X_CURRENT_HEADER])
    return to_csv(X_CURRENT_HEADER, rows).encode()


def meta_row(post_id: str, when: str, text: str, impressions, reach, rcs, reactions, comments, shares, clicks,
             label="") -> list:  # fmt: skip
    r = dict.fromkeys(META_HEADER, "")
    r.update(
        {
            "Post ID": post_id,
            "Page ID": "100000000000001",
            "Page name": "Example Police, Harlow",
            "Description": text,
            "Publish time": when,
            "Post type": "Photos",
            "Custom labels": label,
            "Date": "Lifetime",
            "Impressions": impressions,
            "Reach": reach,
            "Reactions, Comments and Shares": rcs,
            "Reactions": reactions,
            "Comments": comments,
            "Shares": shares,
            "Total clicks": clicks,
        }
    )
    return [r[h] for h in META_HEADER]


META_ROWS = [
    meta_row("100000000000001_900001", "02/03/2025 09:30", "Thank you, Harlow: you told us about parking. We did...",
             "12,345", "9,876", "410", "300", "60", "50", "120"),
    meta_row("100000000000001_900002", "02/14/2025 17:05", "Our open evening for Special Constables is next week",
             "800", "650", "", "3", "", "", "7"),
    meta_row("100000000000001_900003", "02/20/2025 12:00", "Weekly round-up", "500", "400", "25", "20", "3", "2",
             "", label="Event"),
]  # fmt: skip


def meta_file(rows=None, header=None, bom=True, encoding="utf-8") -> bytes:
    text = to_csv(header or META_HEADER, rows or META_ROWS)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def page_insights_file(year: int, month: int, days: int, likes_start: int = 10_000) -> bytes:
    rows = []
    for d in range(1, days + 1):
        r = dict.fromkeys(PAGE_INSIGHTS_HEADER, "0")
        r.update(
            {
                "Date": f"{year:04d}-{month:02d}-{d:02d}",
                "Lifetime Total Likes": str(likes_start + 10 * d),
                "Daily Page Engaged Users": str(100 + d),
                "28 Days Total Reach": str(40_000 + 100 * d),
                "Daily Total Impressions": str(2_000 + d),
            }
        )
        rows.append([r[h] for h in PAGE_INSIGHTS_HEADER])
    return to_csv(PAGE_INSIGHTS_HEADER, rows, extra_header_rows=[PAGE_INSIGHTS_DESCRIPTIONS]).encode()
