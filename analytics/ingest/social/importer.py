"""Import social-media exports into ``social_posts`` and ``social_monthly`` for an account.

Post exports (X, Meta) update ``social_posts`` on the post id, then set each month
they cover from all the month's stored posts: posts, impressions and engagements,
each marked as from ``'posts'``. Reach and followers are not summed from posts (a
person reached by two posts would count twice); they come from account-level
figures (``'platform'``): a Page Insights export, or ``--followers`` for the
month-end follower count. Months merge figure by figure (``analytics.ingest.social.months``):
a sum of posts never replaces a platform figure, and a blank never blanks one.

Only checked rows are written, each table atomically, under a lock; importing
the same file twice changes nothing. The command line (``python -m analytics.ingest.social``) commits
through ``analytics.ingest.pipeline``, as the Data page does: the original is kept and the import is a line
of the audit log.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.contract.vocabulary import PLATFORMS
from analytics.ingest.social import months as social_months
from analytics.ingest.social.exports import ParsedExport, parse

# The report and the refusal belong to the merge; imported here, where callers have always found them.
from analytics.ingest.social.months import ImportRefused, ImportReport
from analytics.storage import parquet as store


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
    """Parse ``raw`` and merge it into the account's posts and months (nothing written on ``dry_run``).

    This writes the tables only: ``pipeline.commit`` (the Data page and the command line) also keeps the
    original and the audit line.
    """
    parsed = social_months.plausible(parse(raw, file_name))
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
            moved_from = social_months.previous_months(stored_posts, parsed)
            posts = social_months.merge_posts(stored_posts, parsed, account, report)
            monthly = social_months.months_from_posts(stored_monthly, posts, parsed, account, report, moved_from)
        else:
            posts = stored_posts
            monthly = social_months.months_from_days(stored_monthly, parsed, account, report)
        if followers is not None:
            monthly = social_months.set_followers(monthly, account, followers, report)
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


def _account(data_dir: Path, account_id: str, platform: str) -> pd.Series:
    acc = accounts(data_dir).set_index("account_id", drop=False)
    if account_id not in acc.index:
        known = ", ".join(sorted(acc.index)) or "none yet"
        raise ImportRefused(f"Unknown account {account_id!r}. Known accounts: {known}.")
    row = acc.loc[account_id]
    if row["platform"] != platform:
        raise ImportRefused(f"{account_id} is a {row['platform']} account, but this file is an export from {platform}.")
    return row
