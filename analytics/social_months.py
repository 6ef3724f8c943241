"""How an export's checked rows merge into an account's stored posts and months, and the report of what
changed (``analytics.social_import`` reads, locks and writes; this module only works out the new frames).

Post exports set each month they cover whole from all that month's stored posts (``source = 'posts'``);
account-level figures (``source = 'platform'``) are never overwritten by sums of posts, only filled where
blank. A month a file covers only in part waits for an export covering all of it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from analytics.social_exports import ParsedExport, RowProblem

_FIGURES = ("followers", "reach", "impressions", "engagements", "posts")


class ImportRefused(ValueError):
    """The import cannot go ahead; nothing was written. The message is for the person importing."""


@dataclass
class ImportReport:
    """What one file's import did."""

    file: str
    layout: str
    encoding: str
    rows_in: int
    accepted: int
    rejected: int
    duplicates: int
    posts_added: int = 0
    posts_updated: int = 0
    posts_unchanged: int = 0
    months: list[date] = field(default_factory=list)
    last_whole: date | None = None  # the last month the file covers whole
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False

    def lines(self) -> list[str]:
        """The report as plain lines for a terminal or a page."""
        out = [
            f"{self.file}: {self.layout} ({self.encoding})",
            f"  rows in {self.rows_in} = accepted {self.accepted} + rejected {self.rejected} + "
            f"duplicates in the file {self.duplicates}",
        ]
        if self.posts_added or self.posts_updated or self.posts_unchanged:
            out.append(
                f"  posts: {self.posts_added} new, {self.posts_updated} updated, {self.posts_unchanged} unchanged"
            )
        if self.months:
            out.append(f"  months set: {', '.join(f'{m:%b %Y}' for m in self.months)}")
        out += [f"  note: {n}" for n in self.notes]
        out += [f"  rejected {p}" for p in self.problems]
        out.append("  written" if self.written else "  nothing written")
        return out


def previous_months(stored: pd.DataFrame, parsed: ParsedExport) -> set[date]:
    """The months stored posts in this file were in before (a post whose date changed leaves its old month)."""
    if stored.empty:
        return set()
    hit = stored[stored["post_id"].isin(parsed.records["post_id"])]
    return {_month(t) for t in hit["posted_at"]}


def merge_posts(existing: pd.DataFrame, parsed: ParsedExport, account: pd.Series, report: ImportReport):
    """The stored posts with the file's added or updated on the post id (counted in ``report``)."""
    new = parsed.records.assign(account_id=account["account_id"])
    if "reach" not in new:
        new["reach"] = pd.NA
    cols = ["post_id", "account_id", "posted_at", "text", "reach", "impressions", "engagements", "tag"]
    new = new[cols]
    old = existing.set_index("post_id")
    clash = [p for p in new["post_id"] if p in old.index and old.at[p, "account_id"] != account["account_id"]]
    if clash:
        raise ImportRefused(
            f"{len(clash)} post(s) in this file are stored under another account (for example {clash[0]}): "
            "check the account chosen for the import."
        )
    same = new["post_id"].isin(old.index)
    unchanged = 0
    for rec in new[same].itertuples(index=False):
        before = old.loc[rec.post_id]
        if all(_same(getattr(rec, c), before[c]) for c in cols if c != "post_id"):
            unchanged += 1
    report.posts_added = int((~same).sum())
    report.posts_updated = int(same.sum()) - unchanged
    report.posts_unchanged = unchanged
    kept = existing[~existing["post_id"].isin(new["post_id"])]
    return pd.concat([kept, new], ignore_index=True) if len(kept) else new.reset_index(drop=True)


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def _month(t) -> date:
    t = pd.Timestamp(t)
    return date(t.year, t.month, 1)


def _upsert(monthly: pd.DataFrame, account_id: str, month: date, values: dict, fill_only: bool) -> pd.DataFrame:
    """Set one account-month's figures; with ``fill_only`` only where the stored row has none."""
    months = pd.to_datetime(monthly["month_start"]).dt.date if len(monthly) else pd.Series(dtype=object)
    hit = (monthly["account_id"] == account_id) & (months == month)
    if not hit.any():
        row = dict.fromkeys(_FIGURES) | {"account_id": account_id, "month_start": month} | values
        return pd.concat([monthly, pd.DataFrame([row])], ignore_index=True) if len(monthly) else pd.DataFrame([row])
    i = monthly.index[hit][0]
    monthly = monthly.copy()
    for col, v in values.items():
        if col == "source" and fill_only:
            continue
        if not fill_only or pd.isna(monthly.at[i, col]):
            monthly[col] = monthly[col].astype(object)
            monthly.at[i, col] = v
    return monthly


def _covered_months(parsed: ParsedExport, months: set[date]) -> tuple[list[date], list[date]]:
    """Months the file covers whole (by its file name's dates, when it states them), and the rest."""
    if parsed.covers is None:
        return sorted(months), []
    first, last = parsed.covers
    whole, partial = [], []
    for m in sorted(months):
        end = date(m.year + m.month // 12, m.month % 12 + 1, 1) - timedelta(days=1)
        (whole if first <= m and end <= last else partial).append(m)
    return whole, partial


def months_from_posts(monthly, posts, parsed, account, report, moved_from: set[date]) -> pd.DataFrame:
    """Set each month the file covers from all that month's stored posts.

    Account-level months (``source = platform``) keep their impressions and engagements; the post
    count, which account-level exports lack, always follows the posts.
    """
    aid = account["account_id"]
    mine = posts[posts["account_id"] == aid].assign(month=lambda d: [_month(t) for t in d["posted_at"]])
    whole, partial = _covered_months(parsed, {_month(t) for t in parsed.records["posted_at"]})
    for month in partial:
        report.notes.append(
            f"{month:%b %Y} is only partly inside the dates the file name states: its posts are kept, but the "
            "month's totals wait for an export covering all of it."
        )
    report.last_whole = max(whole) if whole else None
    for month in sorted(set(whole) | (moved_from - set(partial))):
        m = mine[mine["month"] == month]
        values = {
            "posts": len(m),
            "impressions": int(m["impressions"].sum()),
            "engagements": int(m["engagements"].sum()),
            "source": "posts",
        }
        stored = monthly[(monthly["account_id"] == aid) & (pd.to_datetime(monthly["month_start"]).dt.date == month)]
        if len(stored) and stored["source"].iloc[0] == "platform":
            monthly = _upsert(monthly, aid, month, {"posts": len(m)}, fill_only=False)
            monthly = _upsert(monthly, aid, month, {k: values[k] for k in ("impressions", "engagements")}, True)
            report.notes.append(
                f"{month:%b %Y} has account-level figures: the post count is updated, impressions and engagements kept."
            )
        else:
            monthly = _upsert(monthly, aid, month, values, fill_only=False)
        report.months.append(month)
    return monthly


def months_from_days(monthly, parsed, account, report) -> pd.DataFrame:
    """Account-level months (``source = platform``) from a daily Page Insights export, whole months only."""
    days = parsed.records.assign(month=lambda d: [_month(t) for t in d["day"]]).sort_values("day")
    for month, d in days.groupby("month"):
        length = calendar.monthrange(month.year, month.month)[1]
        if d["day"].nunique() < length:
            report.notes.append(f"{month:%b %Y} left out: the file has {d['day'].nunique()} of its {length} days.")
            continue
        last = d.iloc[-1]
        values = {
            "followers": last["followers"],
            "reach": last.get("reach", pd.NA),
            "impressions": d["impressions"].sum(min_count=len(d)) if "impressions" in d else pd.NA,
            "engagements": d["engagements"].sum(min_count=len(d)) if "engagements" in d else pd.NA,
        }
        values = {k: v for k, v in values.items() if pd.notna(v)} | {"source": "platform"}
        monthly = _upsert(monthly, account["account_id"], month, values, fill_only=False)
        report.months.append(month)
        report.last_whole = month
    return monthly


def set_followers(monthly, account, followers: int, report: ImportReport) -> pd.DataFrame:
    """The month-end follower count, typed from the platform, for the last month the file covers."""
    if followers < 0:
        raise ImportRefused("Followers must be zero or more.")
    if report.last_whole is None:
        raise ImportRefused("The file covers no whole month to set followers for.")
    last = report.last_whole
    report.notes.append(f"followers at the end of {last:%b %Y} set to {followers:,}")
    return _upsert(monthly, account["account_id"], last, {"followers": followers}, fill_only=False)
