"""Import social-media exports into ``social_posts`` and ``social_monthly`` for an account.

Post exports (X, Meta) update ``social_posts`` on the post id, then set each month
they cover from all the month's stored posts: posts, impressions and engagements
(``source = 'posts'``). Reach and followers are not summed from posts (a person
reached by two posts would count twice); they come from account-level figures:
a Page Insights export, or ``--followers`` for the month-end follower count.
Account-level figures (``source = 'platform'``) are never overwritten by sums of
posts; post sums only fill what they leave blank.

Only checked rows are written, each table atomically, under a lock; importing
the same file twice changes nothing.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from analytics import store
from analytics.social_exports import ParsedExport, RowProblem, parse
from analytics.vocabulary import PLATFORMS

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


def accounts(data_dir: Path) -> pd.DataFrame:
    """The social accounts stored in ``data_dir``."""
    return store.read_table(data_dir, "social_accounts")


def add_account(data_dir: Path, account_id: str, district_id: str | None, platform: str, handle: str, name: str):
    """Add an account (``district_id`` None for a force-wide one); refused if the id is taken or unknown values."""
    if platform not in PLATFORMS:
        raise ImportRefused(f"Platform must be one of {', '.join(PLATFORMS)}.")
    if not account_id.strip() or not handle.strip():
        raise ImportRefused("An account needs an id and a handle.")
    with store.locked(data_dir, "social_import"):
        known = store.read_table(data_dir, "districts")["district_id"].tolist()
        if district_id is not None and district_id not in known:
            raise ImportRefused(f"Unknown district {district_id!r}; known: {', '.join(known)}.")
        acc = accounts(data_dir)
        if account_id in set(acc["account_id"]):
            raise ImportRefused(f"There is already an account {account_id!r}.")
        row = {
            "account_id": account_id,
            "district_id": district_id,
            "platform": platform,
            "handle": handle,
            "name": name or handle,
        }
        store.write_table(data_dir, "social_accounts", pd.concat([acc, pd.DataFrame([row])], ignore_index=True))


def import_file(
    data_dir: Path,
    raw: bytes,
    account_id: str,
    *,
    file_name: str = "file",
    followers: int | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Parse ``raw`` and merge it into the account's posts and months (nothing written on ``dry_run``)."""
    parsed = parse(raw, file_name)
    return import_parsed(data_dir, parsed, account_id, file_name=file_name, followers=followers, dry_run=dry_run)


def import_parsed(
    data_dir: Path,
    parsed: ParsedExport,
    account_id: str,
    *,
    file_name: str = "file",
    followers: int | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Merge an already parsed export into the account's posts and months (nothing written on ``dry_run``)."""
    report = ImportReport(
        file_name,
        parsed.layout.title,
        parsed.encoding,
        parsed.rows_in,
        parsed.accepted,
        len({p.row for p in parsed.problems}),
        parsed.duplicates,
        problems=parsed.problems,
        notes=list(parsed.notes),
    )
    with store.locked(data_dir, "social_import"):
        account = _account(data_dir, account_id, parsed.layout.platform)
        stored_monthly = store.read_table(data_dir, "social_monthly")
        stored_posts = store.read_table(data_dir, "social_posts")
        if parsed.layout.level == "post":
            moved_from = _previous_months(stored_posts, parsed)
            posts = _merge_posts(stored_posts, parsed, account, report)
            monthly = _months_from_posts(stored_monthly, posts, parsed, account, report, moved_from)
        else:
            posts = stored_posts
            monthly = _months_from_days(stored_monthly, parsed, account, report)
        if followers is not None:
            monthly = _set_followers(monthly, account, followers, report)
        # Both tables are converted to the contract before either is written, so a bad value stops
        # the import with nothing written, and the two never fall out of step.
        changes = [
            (table, store.to_arrow(table, frame))
            for table, frame, before in (
                ("social_posts", posts, stored_posts),
                ("social_monthly", monthly, stored_monthly),
            )
            if not _same_table(table, frame, before)
        ]
        if dry_run or not changes:
            return report
        for table, _ in changes:
            store.write_table(data_dir, table, posts if table == "social_posts" else monthly)
        report.written = True
    return report


def _same_table(table: str, frame: pd.DataFrame, before: pd.DataFrame) -> bool:
    """True when ``frame`` holds exactly what is stored (so nothing needs writing)."""
    if len(frame) != len(before):
        return False
    if frame.empty:
        return True
    return store.to_arrow(table, frame).equals(store.to_arrow(table, before))


def _previous_months(stored: pd.DataFrame, parsed: ParsedExport) -> set[date]:
    """The months stored posts in this file were in before (a post whose date changed leaves its old month)."""
    if stored.empty:
        return set()
    hit = stored[stored["post_id"].isin(parsed.records["post_id"])]
    return {_month(t) for t in hit["posted_at"]}


def _account(data_dir: Path, account_id: str, platform: str) -> pd.Series:
    acc = accounts(data_dir).set_index("account_id", drop=False)
    if account_id not in acc.index:
        known = ", ".join(sorted(acc.index)) or "none yet"
        raise ImportRefused(f"Unknown account {account_id!r}. Known accounts: {known}.")
    row = acc.loc[account_id]
    if row["platform"] != platform:
        raise ImportRefused(f"{account_id} is a {row['platform']} account, but this file is an export from {platform}.")
    return row


def _merge_posts(existing: pd.DataFrame, parsed: ParsedExport, account: pd.Series, report: ImportReport):
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


def _months_from_posts(monthly, posts, parsed, account, report, moved_from: set[date]) -> pd.DataFrame:
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


def _months_from_days(monthly, parsed, account, report) -> pd.DataFrame:
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


def _set_followers(monthly, account, followers: int, report: ImportReport) -> pd.DataFrame:
    """The month-end follower count, typed from the platform, for the last month the file covers."""
    if followers < 0:
        raise ImportRefused("Followers must be zero or more.")
    if report.last_whole is None:
        raise ImportRefused("The file covers no whole month to set followers for.")
    last = report.last_whole
    report.notes.append(f"followers at the end of {last:%b %Y} set to {followers:,}")
    return _upsert(monthly, account["account_id"], last, {"followers": followers}, fill_only=False)


def main(argv: list[str] | None = None) -> int:
    """``python -m analytics.social_import``: list accounts, add one, or import export files."""
    import argparse
    import sys

    from analytics.config import load_settings
    from analytics.social_exports import ExportError

    ap = argparse.ArgumentParser(
        prog="python -m analytics.social_import",
        description="Import X (Twitter) and Meta (Facebook) analytics exports into the data folder.",
    )
    ap.add_argument("--data-dir", type=Path, default=None, help="data folder (default: ENGAGEMENT_DATA_DIR)")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("accounts", help="list the accounts files can be imported for")
    add = sub.add_parser("add-account", help="add an account")
    add.add_argument("account_id")
    add.add_argument("--district", help="district id; leave out for a force-wide account")
    add.add_argument("--platform", required=True, choices=PLATFORMS)
    add.add_argument("--handle", required=True)
    add.add_argument("--name", default="")
    imp = sub.add_parser("import", help="import export files for one account")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--account", required=True, help="account id (see the accounts command)")
    imp.add_argument("--followers", type=int, help="followers at the end of the last month the file covers")
    imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    args = ap.parse_args(argv)
    data_dir = (args.data_dir or load_settings().data_dir).resolve()
    if not data_dir.is_dir():
        print(f"error: no data folder at {data_dir}", file=sys.stderr)
        return 2
    try:
        if args.command == "accounts":
            print(accounts(data_dir).to_string(index=False))
            return 0
        if args.command == "add-account":
            add_account(data_dir, args.account_id, args.district, args.platform, args.handle, args.name)
            print(f"added {args.account_id}")
            return 0
    except ImportRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from analytics.demo import is_demo

    if is_demo(data_dir) and not args.dry_run:
        print(
            f"note: {data_dir} holds the synthetic demo data, which is rebuilt when the data contract changes; "
            "set ENGAGEMENT_DATA_DIR or --data-dir to keep imports in a folder of your own.",
            file=sys.stderr,
        )
    failed = 0
    for path in args.files:
        try:
            report = import_file(
                data_dir,
                path.read_bytes(),
                args.account,
                file_name=path.name,
                followers=args.followers if path == args.files[-1] else None,
                dry_run=args.dry_run,
            )
        except (ExportError, ImportRefused, OSError) as exc:
            print(f"{path.name}: not imported: {exc}", file=sys.stderr)
            failed += 1
            continue
        print("\n".join(report.lines()))
    if not args.dry_run:
        from analytics import engine

        engine.build(data_dir)  # the sorted copy of the posts, for the new data
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
