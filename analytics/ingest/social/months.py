"""How an export's checked rows merge into an account's stored posts and months, and the report of what
changed (``analytics.ingest.social.importer`` reads, locks and writes; this module only works out the new frames).

Months merge figure by figure, and each figure keeps its source (``<figure>_source``). Post exports set
the posts, impressions and engagements of each month they cover whole from all that month's stored posts
(``'posts'``); account-level figures (``'platform'``: a Page Insights export, a monthly file, followers typed
in) set the figures they give. A figure an import leaves blank never blanks a stored one, and a sum of posts
never replaces a platform figure, only fills where it is blank; the post count apart, which always follows
the stored posts. A month a file covers only in part waits for an export covering all of it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from analytics.contract.rules import figure_source
from analytics.contract.schema import TABLES
from analytics.contract.vocabulary import SOCIAL_FIGURES
from analytics.ingest.social.exports import ParsedExport, RowProblem
from analytics.ingest.validate import date_message

PLATFORM, POSTS = "platform", "posts"


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


def plausible(parsed: ParsedExport, today: date | None = None) -> ParsedExport:
    """``parsed`` with each row dated outside the window a record may hold (``rules.date_window``) moved
    from its records to its problems, with its row number: a post dated 2199 is a typing slip, not data."""
    col = TABLES["social_posts"].column("posted_at")  # a record of what happened, as every export's rows are
    when = "posted_at" if parsed.layout.level == "post" else "day"
    label = parsed.layout.fields[when][0]
    messages = [date_message(t, col, today or date.today()) for t in parsed.records[when]]
    rows = zip(parsed.records["row"], parsed.records[when], messages, strict=True)
    out = [RowProblem(int(row), label, str(t), m) for row, t, m in rows if m]
    if not out:
        return parsed
    parsed.records = parsed.records[[not m for m in messages]].reset_index(drop=True)
    parsed.problems = sorted([*parsed.problems, *out], key=lambda p: p.row)
    return parsed


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


def _takes(figure: str, source: str, stored, stored_source) -> bool:
    """True when a ``figure`` from ``source`` replaces the stored value (given with ``stored_source``)."""
    if pd.isna(stored):
        return True
    return not (source == POSTS and stored_source == PLATFORM and figure != "posts")


class MonthTable:
    """Stored monthly rows by (account, month), set figure by figure."""

    def __init__(self, frame: pd.DataFrame):
        self.columns = list(TABLES["social_monthly"].column_names)
        self.rows: dict[tuple[str, date], dict] = {}
        for rec in frame.reindex(columns=self.columns).to_dict("records"):
            rec["month_start"] = _month(rec["month_start"])
            self.rows[(rec["account_id"], rec["month_start"])] = rec

    def set(self, account_id: str, month: date, values: dict, source: str) -> tuple[bool, list[str]]:
        """Set the figures ``values`` gives (blanks ignored) from ``source``: (anything changed, the figures kept
        because a platform figure stands against a sum of posts)."""
        key = (account_id, month)
        row = self.rows.get(key) or {c: None for c in self.columns} | {"account_id": account_id, "month_start": month}
        changed, kept = key not in self.rows, []
        for figure, value in values.items():
            if pd.isna(value):
                continue
            col = figure_source(figure)
            if not _takes(figure, source, row[figure], row[col]):
                kept.append(figure)
                continue
            if not (_equal(row[figure], value) and row[col] == source):
                row[figure], row[col], changed = value, source, True
        self.rows[key] = row
        return changed, kept

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows.values()), columns=self.columns)


def _equal(a, b) -> bool:
    return not pd.isna(a) and not pd.isna(b) and a == b


def sourced(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """``frame``'s monthly figures, each marked as coming from ``source`` where it is given."""
    out = frame.copy()
    for f in SOCIAL_FIGURES:
        out[figure_source(f)] = pd.Series(source, index=out.index, dtype=object).where(out[f].notna(), None)
    return out


def merge_rows(monthly: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, int, int, int]:
    """Monthly rows from a file (each figure with its source) merged figure by figure into the stored ones:
    (merged, new, updated, already stored so)."""
    table = MonthTable(monthly)
    new = updated = same = 0
    for rec in rows.to_dict("records"):
        key = (rec["account_id"], _month(rec["month_start"]))
        existed = key in table.rows
        changed = False
        for source in (PLATFORM, POSTS):
            values = {f: rec[f] for f in SOCIAL_FIGURES if rec.get(figure_source(f)) == source}
            changed |= table.set(*key, values, source)[0]
        if not existed:
            new += 1
        elif changed:
            updated += 1
        else:
            same += 1
    return table.frame(), new, updated, same


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
    """Set each month the file covers from all that month's stored posts (figure by figure: the month's
    platform impressions and engagements stand; the post count, which account-level exports lack, follows)."""
    aid = account["account_id"]
    mine = posts[posts["account_id"] == aid].assign(month=lambda d: [_month(t) for t in d["posted_at"]])
    whole, partial = _covered_months(parsed, {_month(t) for t in parsed.records["posted_at"]})
    for month in partial:
        report.notes.append(
            f"{month:%b %Y} is only partly inside the dates the file name states: its posts are kept, but the "
            "month's totals wait for an export covering all of it."
        )
    report.last_whole = max(whole) if whole else None
    table = MonthTable(monthly)
    for month in sorted(set(whole) | (moved_from - set(partial))):
        m = mine[mine["month"] == month]
        values = {
            "posts": len(m),
            "impressions": int(m["impressions"].sum()),
            "engagements": int(m["engagements"].sum()),
        }
        _, kept = table.set(aid, month, values, POSTS)
        if kept:
            report.notes.append(
                f"{month:%b %Y} has account-level {' and '.join(kept)}: kept; the rest set from the posts."
            )
        report.months.append(month)
    return table.frame()


def months_from_days(monthly, parsed, account, report) -> pd.DataFrame:
    """Account-level months (``'platform'``) from a daily Page Insights export, whole months only."""
    days = parsed.records.assign(month=lambda d: [_month(t) for t in d["day"]]).sort_values("day")
    table = MonthTable(monthly)
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
        table.set(account["account_id"], month, values, PLATFORM)
        report.months.append(month)
        report.last_whole = month
    return table.frame()


def set_followers(monthly, account, followers: int, report: ImportReport) -> pd.DataFrame:
    """The month-end follower count, typed from the platform, for the last month the file covers."""
    if followers < 0:
        raise ImportRefused("Followers must be zero or more.")
    if report.last_whole is None:
        raise ImportRefused("The file covers no whole month to set followers for.")
    last = report.last_whole
    report.notes.append(f"followers at the end of {last:%b %Y} set to {followers:,}")
    table = MonthTable(monthly)
    table.set(account["account_id"], last, {"followers": followers}, PLATFORM)
    return table.frame()
