"""Social-media imports (docs/social_media_exports.md): monthly figures merge figure by figure and keep each
figure's source, X post text is decoded, and a monthly file written under contract 2 is read with each figure
sourced."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.ingest import pipeline
from analytics.ingest.social.importer import add_account, import_file
from analytics.storage import parquet as store
from analytics.storage.db import Database
from tests import social_samples as s
from tests.ingest.meaning import (
    MONTHLY_HEADER,
    _adds_up,
    _commit,
    _messages,
    _tables,
)
from tests.ingest.test_ingest import check

# --- monthly social figures merge figure by figure -----------------------------------------------------------


def _month(folder, account, month) -> pd.Series:
    m = store.read_table(folder, "social_monthly")
    return m[(m["account_id"] == account) & (pd.to_datetime(m["month_start"]).dt.date == month)].iloc[0]


def test_a_platform_row_never_blanks_what_posts_gave_the_month(folder):
    add_account(folder, "fb_new", "harlow", "Facebook", "EPHarlowNew", "Harlow (new page)")
    import_file(folder, s.meta_file(), "fb_new")  # February 2025's posts
    feb = date(2025, 2, 1)
    from_posts = _month(folder, "fb_new", feb)
    assert from_posts["engagements"] > 0 and from_posts["engagements_source"] == "posts"
    # A monthly file of account-level figures: followers and reach, engagements left blank.
    raw = (MONTHLY_HEADER + "fb_new,2025-02-01,5000,9000,,,\n").encode()
    analysis, outcome = _commit(folder, raw, "monthly.csv", "social_monthly")
    assert not analysis.validation.problems
    assert (outcome.rows_in, outcome.new, outcome.updated) == (1, 0, 1)
    _adds_up(outcome)
    row = _month(folder, "fb_new", feb)
    assert row["engagements"] == from_posts["engagements"] and row["engagements_source"] == "posts"
    assert (row["impressions"], row["posts"]) == (from_posts["impressions"], from_posts["posts"])
    assert (row["followers"], row["followers_source"]) == (5000, "platform")
    assert (row["reach"], row["reach_source"]) == (9000, "platform")
    # The same file again changes nothing.
    before = _tables(folder)
    again = pipeline.commit(folder, analysis, raw, "Mo", "manager")
    assert (again.new, again.updated, again.duplicates, again.written) == (0, 0, 1, False)
    assert _tables(folder) == before


def test_each_figure_keeps_its_source_so_later_posts_still_update_their_own(folder):
    add_account(folder, "fb_new", "harlow", "Facebook", "EPHarlowNew", "Harlow (new page)")
    import_file(folder, s.meta_file(), "fb_new")
    feb = date(2025, 2, 1)
    import_file(folder, s.page_insights_file(2025, 2, 28), "fb_new")  # the platform's followers, reach, impressions
    after_page = _month(folder, "fb_new", feb)
    assert after_page["impressions_source"] == "platform" and after_page["engagements_source"] == "posts"
    # The first post's figures grow in a later export: the month's engagements (from posts) follow; the
    # platform's impressions stand.
    rows = list(s.META_ROWS)
    rows[0] = s.meta_row("100000000000001_900001", "02/03/2025 09:30", "Thank you, Harlow", "20,000", "15,000",
                         "1,410", "1,300", "60", "50", "120")  # fmt: skip
    report = import_file(folder, s.meta_file(rows), "fb_new")
    row = _month(folder, "fb_new", feb)
    assert row["engagements"] == after_page["engagements"] + 1_000
    assert row["impressions"] == after_page["impressions"] and row["impressions_source"] == "platform"
    assert "Feb 2025 has account-level impressions: kept; the rest set from the posts." in report.notes


def test_followers_and_reach_are_never_sums_of_posts(folder):
    raw = (
        b"account_id,month_start,followers,reach,followers_source,reach_source\n"
        b"fb_harlow,2026-10-01,5000,9000,posts,platform\n"
    )
    v = check(folder, raw, "monthly.csv", "social_monthly").validation
    assert _messages(v) == {2: "cannot be 'posts': followers is never summed from posts"}


# --- X post text -----------------------------------------------------------------------------------------------


def test_x_post_text_has_its_html_entities_decoded(folder):
    add_account(folder, "x_harlow", "harlow", "X", "@EP_Harlow", "Harlow on X")
    text = "Speed checks &amp; patrols on the A414 &lt;today&gt; &#8212; thanks for telling us"
    rows = [s.x_legacy_row("1410000000000000009", text, "2021-06-30 16:00 +0000", 1000, 20)]
    report = import_file(folder, s.x_legacy_file(rows), "x_harlow")
    assert report.posts_added == 1
    posts = store.read_table(folder, "social_posts").set_index("post_id")
    assert (
        posts.loc["x:1410000000000000009", "text"]
        == "Speed checks & patrols on the A414 <today> \u2014 thanks for telling us"
    )
    # Meta writes text as typed: an "&amp;" there is what the person wrote.
    meta = [s.meta_row("100000000000001_900009", "02/03/2025 09:30", "Fish &amp; chips", "10", "9", "1", "1", "", "",
                       "")]  # fmt: skip
    import_file(folder, s.meta_file(meta), "fb_harlow")
    posts = store.read_table(folder, "social_posts").set_index("post_id")
    assert posts.loc["fb:100000000000001_900009", "text"] == "Fish &amp; chips"


def test_a_monthly_file_written_under_contract_2_is_read_with_each_figure_sourced(folder):
    # Contract 2 kept one source per row; a force's stored file of that time still opens and imports.
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "social_monthly.parquet"
    v3 = pq.read_table(path)
    old = v3.drop_columns([c for c in v3.column_names if c.endswith("_source")])
    sources = ["posts" if a == "x_force" else "platform" for a in old.column("account_id").to_pylist()]
    pq.write_table(old.append_column("source", pa.array(sources, pa.string())), path)
    got = (
        Database(folder)
        .query(
            "SELECT reach, reach_source, impressions_source, followers_source FROM social_monthly "
            "WHERE account_id = 'x_force' AND month_start = DATE '2024-03-01'"
        )
        .iloc[0]
    )
    assert pd.isna(got["reach"]) and pd.isna(got["reach_source"]), "no figure, no source"
    assert got["impressions_source"] == got["followers_source"] == "posts"
    assert store.read_table(folder, "social_monthly")["engagements_source"].notna().all()
    # The next import writes the file in the current contract.
    raw = (MONTHLY_HEADER + "fb_harlow,2026-10-01,9000,,,,\n").encode()
    _commit(folder, raw, "monthly.csv", "social_monthly")
    assert "source" not in pq.read_schema(path).names and "followers_source" in pq.read_schema(path).names
