"""Importing exports into the data folder: posts by key, months from posts or page figures, nothing lost."""

import shutil
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from analytics.ingest.social.importer import ImportRefused, add_account, import_file
from analytics.storage import parquet as store
from analytics.storage.db import Database
from tests import social_samples as s


@pytest.fixture
def folder(demo_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    return copy


def _month_row(folder, account, month):
    m = store.read_table(folder, "social_monthly")
    m = m[(m["account_id"] == account) & (pd.to_datetime(m["month_start"]).dt.date == month)]
    return m.iloc[0] if len(m) else None


def test_post_export_adds_posts_and_sets_the_months_they_cover(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    before = store.read_table(folder, "social_posts")
    report = import_file(folder, s.x_legacy_file(), "x_harlow", file_name="tweets.csv")
    assert report.written and (report.posts_added, report.posts_updated) == (3, 0)
    assert report.months == [date(2021, 6, 1)]
    posts = store.read_table(folder, "social_posts")
    assert len(posts) == len(before) + 3
    mine = posts[posts["account_id"] == "x_harlow"]
    assert mine["reach"].isna().all()
    row = _month_row(folder, "x_harlow", date(2021, 6, 1))
    assert (row["posts"], row["impressions"], row["engagements"]) == (3, 1777 + 5400 + 300, 50 + 310 + 4)
    assert pd.isna(row["reach"]) and pd.isna(row["followers"])
    # Each figure says where it came from; the blank ones have no source.
    assert [row[f"{f}_source"] for f in ("posts", "impressions", "engagements")] == ["posts"] * 3
    assert pd.isna(row["reach_source"]) and pd.isna(row["followers_source"])
    # What was written reads back through the locked-down database with the contract's types.
    got = Database(folder).query("SELECT * FROM social_monthly WHERE account_id = 'x_harlow'")
    assert len(got) == 1 and got["posts"].iloc[0] == 3


def test_importing_the_same_file_again_changes_nothing(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    import_file(folder, s.x_legacy_file(), "x_harlow")
    posts, monthly = store.read_table(folder, "social_posts"), store.read_table(folder, "social_monthly")
    again = import_file(folder, s.x_legacy_file(), "x_harlow")
    assert (again.posts_added, again.posts_updated, again.posts_unchanged) == (0, 0, 3)
    pd.testing.assert_frame_equal(store.read_table(folder, "social_posts"), posts)
    pd.testing.assert_frame_equal(store.read_table(folder, "social_monthly"), monthly)


def test_an_overlapping_export_updates_posts_on_their_id_and_recounts_the_month(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    import_file(folder, s.x_legacy_file(s.X_LEGACY_ROWS[:2]), "x_harlow")
    later = [s.x_legacy_row("1410000000000000002", "Appeal update", "2021-06-15 23:30 +0000", 6000, 400),
             s.X_LEGACY_ROWS[2]]  # fmt: skip
    report = import_file(folder, s.x_legacy_file(later), "x_harlow")
    assert (report.posts_added, report.posts_updated) == (1, 1)
    row = _month_row(folder, "x_harlow", date(2021, 6, 1))
    assert (row["posts"], row["impressions"]) == (3, 1777 + 6000 + 300)


def test_page_figures_are_not_overwritten_by_post_sums(folder):
    # The demo's force X account has account-level figures (source 'platform') for every month.
    before = _month_row(folder, "x_force", date(2024, 3, 1))
    report = import_file(folder, s.x_current_file(), "x_force")
    after = _month_row(folder, "x_force", date(2024, 3, 1))
    assert after["impressions"] == before["impressions"] and after["engagements"] == before["engagements"]
    assert after["impressions_source"] == after["engagements_source"] == "platform"
    # The post count, which account-level exports lack, follows the stored posts.
    posts = store.read_table(folder, "social_posts")
    in_march = (posts["account_id"] == "x_force") & (pd.to_datetime(posts["posted_at"]).dt.to_period("M") == "2024-03")
    assert after["posts"] == in_march.sum() and after["posts_source"] == "posts"
    assert "Mar 2024 has account-level impressions and engagements: kept; the rest set from the posts." in report.notes


def test_page_insights_set_complete_months_only(folder):
    feb = s.page_insights_file(2022, 2, 28)
    part = s.page_insights_file(2022, 3, 10)
    engagements_before = _month_row(folder, "fb_harlow", date(2022, 2, 1))["engagements"]
    report = import_file(folder, feb, "fb_harlow")
    assert report.months == [date(2022, 2, 1)]
    row = _month_row(folder, "fb_harlow", date(2022, 2, 1))
    assert row["followers"] == 10_280 and row["reach"] == 40_000 + 2_800
    assert row["impressions"] == sum(2_000 + d for d in range(1, 29))
    # Daily engaged users are people, not engagements: the month's engagements are left as they were.
    assert row["engagements"] == engagements_before
    before = store.read_table(folder, "social_monthly")
    partial = import_file(folder, part, "fb_harlow")
    assert partial.months == [] and "10 of its 31 days" in partial.notes[0]
    pd.testing.assert_frame_equal(store.read_table(folder, "social_monthly"), before)


def test_followers_typed_in_for_the_last_month(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    import_file(folder, s.x_legacy_file(), "x_harlow", followers=4321)
    assert _month_row(folder, "x_harlow", date(2021, 6, 1))["followers"] == 4321


def test_wrong_or_unknown_account_is_refused_and_nothing_written(folder):
    before = store.data_version(folder)
    with pytest.raises(ImportRefused, match="fb_harlow is a Facebook account, but this file is an export from X"):
        import_file(folder, s.x_legacy_file(), "fb_harlow")
    with pytest.raises(ImportRefused, match=r"Unknown account 'nope'\. Known accounts: fb_basildon"):
        import_file(folder, s.x_legacy_file(), "nope")
    with pytest.raises(ImportRefused, match="Unknown district"):
        add_account(folder, "x_new", "atlantis", "X", "@a", "")
    assert store.data_version(folder) == before


def test_a_dry_run_reports_and_writes_nothing(folder):
    before = store.data_version(folder)
    report = import_file(folder, s.meta_file(), "fb_harlow", dry_run=True)
    assert report.posts_added == 3 and not report.written
    assert store.data_version(folder) == before


def test_command_line_import(folder):
    f = folder.parent / "Feb-01-2025_Feb-28-2025_100000000000001.csv"
    f.write_bytes(s.meta_file())
    bad = folder.parent / "other.csv"
    bad.write_bytes(b"Month,Visitors\n2024-01,5\n")
    run = subprocess.run(
        [sys.executable, "-m", "analytics.ingest.social", "--data-dir", str(folder), "import", "--account",
         "fb_harlow", str(f), str(bad)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "rows in 3 = accepted 3 + rejected 0 + duplicates in the file 0" in run.stdout
    assert "other.csv: not imported: Not a recognised export" in run.stderr
    posts = store.read_table(folder, "social_posts")
    assert (posts["account_id"] == "fb_harlow").sum() > 3 and "fb:100000000000001_900001" in set(posts["post_id"])
    listing = subprocess.run(
        [sys.executable, "-m", "analytics.ingest.social", "--data-dir", str(folder), "accounts"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert "fb_harlow" in listing.stdout


def test_a_month_only_partly_in_the_file_waits_and_followers_go_on_the_last_whole_month(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    rows = [
        s.x_legacy_row("11", "a", "2022-09-10 10:00 +0000", 100, 5),
        s.x_legacy_row("12", "b", "2022-09-30 23:30 +0000", 500, 9),  # 1 October in the UK
    ]
    name = "tweet_activity_metrics_EP_Harlow_20220901_20220930_en.csv"
    report = import_file(folder, s.x_legacy_file(rows), "x_harlow", file_name=name, followers=5000)
    assert report.months == [date(2022, 9, 1)]
    assert any("Oct 2022 is only partly inside" in n for n in report.notes)
    assert _month_row(folder, "x_harlow", date(2022, 9, 1))["followers"] == 5000
    assert _month_row(folder, "x_harlow", date(2022, 10, 1)) is None
    assert "x:12" in set(store.read_table(folder, "social_posts")["post_id"]), "the post itself is kept"


def test_a_post_whose_date_changes_leaves_its_old_month(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    import_file(folder, s.x_legacy_file([s.x_legacy_row("21", "a", "2022-05-10 10:00 +0000", 100, 5)]), "x_harlow")
    import_file(folder, s.x_legacy_file([s.x_legacy_row("21", "a", "2022-06-10 10:00 +0000", 100, 5)]), "x_harlow")
    may, june = (_month_row(folder, "x_harlow", date(2022, m, 1)) for m in (5, 6))
    assert (may["posts"], may["impressions"]) == (0, 0) and june["posts"] == 1


def test_an_unchanged_reimport_does_not_touch_the_files(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    import_file(folder, s.x_legacy_file(), "x_harlow")
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.parquet")}
    again = import_file(folder, s.x_legacy_file(), "x_harlow")
    assert not again.written and "nothing written" in again.lines()[-1]
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("*.parquet")} == stamps
