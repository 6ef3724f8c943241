"""Import social-media exports into ``social_posts`` and ``social_monthly`` for an account.

Post exports (X, Meta) update ``social_posts`` on the post id, then set each month
they cover from all the month's stored posts: posts, impressions and engagements,
each marked as from ``'posts'``. Reach and followers are not summed from posts (a
person reached by two posts would count twice); they come from account-level
figures (``'platform'``): a Page Insights export, or ``--followers`` for the
month-end follower count. Months merge figure by figure (``analytics.ingest.social.months``):
a sum of posts never replaces a platform figure, and a blank never blanks one.

Only checked rows are written, each table atomically, under a lock; importing
the same file twice changes nothing. The command line commits through
``analytics.ingest.pipeline``, as the Data page does: the original is kept and
the import is a line of the audit log.
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


def main(argv: list[str] | None = None) -> int:
    """``python -m analytics.ingest.social.importer``: list accounts, add one, or import export files."""
    import argparse
    import getpass
    import sys

    from analytics.config import load_settings
    from analytics.ingest.social.exports import ExportError

    ap = argparse.ArgumentParser(
        prog="python -m analytics.ingest.social.importer",
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
    from analytics.storage.parquet import is_synthetic

    if is_synthetic(data_dir) and not args.dry_run:
        print(
            f"note: {data_dir} holds the synthetic demo data, which is rebuilt when the data contract changes; "
            "set ENGAGEMENT_DATA_DIR or --data-dir to keep imports in a folder of your own.",
            file=sys.stderr,
        )
    from analytics.ingest import pipeline

    # As from the Data page: each file checked, then committed with its original kept and an audit line.
    who = f"{getpass.getuser()} (command line)"
    failed = 0
    for path in args.files:
        followers = args.followers if path == args.files[-1] else None
        try:
            raw = path.read_bytes()
            analysis = pipeline.analyse(raw, path.name, pipeline.SOCIAL)
            if args.dry_run:
                report = import_parsed(
                    data_dir, analysis.social, args.account, file_name=path.name, followers=followers, dry_run=True
                )
            else:
                report = pipeline.commit(
                    data_dir, analysis, raw, who, "admin", via="command line", rebuild_in_background=False,
                    account_id=args.account, followers=followers,
                ).report  # fmt: skip
        except (ExportError, ImportRefused, OSError) as exc:
            print(f"{path.name}: not imported: {exc}", file=sys.stderr)
            failed += 1
            continue
        print("\n".join(report.lines()))
    if not args.dry_run:
        from analytics.storage import engine

        engine.build(data_dir)  # the sorted copy of the posts, for the new data
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
