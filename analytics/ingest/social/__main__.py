"""``python -m analytics.ingest.social``: list the social-media accounts, add one, or import export files for one,
committed as the Data page commits them (checked, the original kept, a line in the audit log)."""

from __future__ import annotations

from pathlib import Path

from analytics.contract.vocabulary import PLATFORMS
from analytics.ingest.social.importer import accounts, add_account, import_parsed
from analytics.ingest.social.months import ImportRefused


def main(argv: list[str] | None = None) -> int:
    """``python -m analytics.ingest.social``: list accounts, add one, or import export files."""
    import argparse
    import getpass
    import sys

    from analytics.config import load_settings
    from analytics.ingest.social.exports import ExportError

    ap = argparse.ArgumentParser(
        prog="python -m analytics.ingest.social",
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
