"""Reading X and Meta analytics exports built from their documented layouts."""

from datetime import date, datetime

import pytest

from analytics.ingest.social import tags as post_tags
from analytics.ingest.social.exports import ExportError, parse
from tests import social_samples as s


def test_x_tweet_activity_export_is_read_with_local_times_and_whole_counts():
    got = parse(s.x_legacy_file())
    assert got.layout.key == "x_tweet_activity"
    assert (got.rows_in, got.accepted, got.problems, got.duplicates) == (3, 3, [], 0)
    r = got.records.set_index("post_id")
    first = r.loc["x:1410000000000000001"]
    # 16:00 UTC on 30 June is 17:00 British Summer Time.
    assert first["posted_at"] == datetime(2021, 6, 30, 17, 0)
    # 23:30 UTC on 15 June is already the 16th in the UK.
    assert r.loc["x:1410000000000000002", "posted_at"] == datetime(2021, 6, 16, 0, 30)
    assert (first["impressions"], first["engagements"]) == (1777, 50)
    assert first["text"] == "You said speeding on the High Street was a problem.\nWe did: speed checks 🚓"
    assert first["tag"] == "You said, we did"
    assert r.loc["x:1410000000000000002", "tag"] == "Appeal"
    assert "reach" not in got.records  # X reports no reach


def test_x_current_content_export_is_read():
    got = parse(s.x_current_file())
    assert got.layout.key == "x_account_content"
    r = got.records.set_index("post_id")
    assert r.loc["x:1800000000000000001", "posted_at"] == datetime(2024, 3, 2, 10, 15)
    assert r.loc["x:1800000000000000001", "tag"] == "Event"
    assert r.loc["x:1800000000000000002", "tag"] == "Crime prevention"
    assert list(r["impressions"]) == [2000, 1000]


def test_meta_post_export_with_bom_comma_in_a_column_name_and_blanked_low_counts():
    got = parse(s.meta_file())
    assert got.layout.key == "meta_posts" and got.encoding == "UTF-8 with byte-order mark"
    r = got.records.set_index("post_id")
    a = r.loc["fb:100000000000001_900001"]
    assert (a["impressions"], a["reach"]) == (12345, 9876)  # "12,345" read as twelve thousand
    assert a["engagements"] == 410 + 120  # reactions, comments and shares, plus clicks
    assert a["posted_at"] == datetime(2025, 2, 3, 9, 30)  # month first, as Meta writes it
    # The aggregate is blank and two parts are blank (low counts withheld): the part given, plus clicks.
    assert r.loc["fb:100000000000001_900002", "engagements"] == 3 + 7
    assert r.loc["fb:100000000000001_900002", "tag"] == "Recruitment"
    assert r.loc["fb:100000000000001_900003", "tag"] == "Event"  # the page's own label wins
    assert r.loc["fb:100000000000001_900001", "tag"] == "You said, we did"


def test_meta_dates_with_a_day_over_twelve_are_read_day_first_for_the_whole_column():
    rows = [s.meta_row(f"1_{i}", when, "x", "10", "5", "1", "1", "0", "0", "0") for i, when in
            enumerate(["03/02/2025 09:30", "25/02/2025 10:00"])]  # fmt: skip
    got = parse(s.meta_file(rows))
    assert list(got.records["posted_at"]) == [datetime(2025, 2, 3, 9, 30), datetime(2025, 2, 25, 10, 0)]


def test_a_column_mixing_date_formats_is_reported_not_guessed():
    rows = [s.meta_row(f"1_{i}", when, "x", "10", "5", "1", "1", "0", "0", "0") for i, when in
            enumerate(["02/03/2025 09:30", "2025-02-04 10:00", "02/05/2025 11:00"])]  # fmt: skip
    got = parse(s.meta_file(rows))
    assert got.accepted == 2
    assert [(p.row, p.column) for p in got.problems] == [(3, "publish time")]
    assert "written like the rest (03/31/2024 16:05)" in got.problems[0].reason


def test_page_insights_two_header_rows():
    got = parse(s.page_insights_file(2022, 2, 28))
    assert got.layout.key == "facebook_page_insights"
    assert got.rows_in == 28 and got.accepted == 28  # the description row is not data
    assert got.records["day"].iloc[0] == date(2022, 2, 1)
    assert got.records["followers"].iloc[-1] == 10_000 + 280


def test_extra_columns_are_ignored():
    header = ["Campaign", *s.X_LEGACY_HEADER[:5], "Notes", *s.X_LEGACY_HEADER[5:]]
    rows = [["spring", *r[:5], "checked", *r[5:]] for r in s.X_LEGACY_ROWS]
    plain, extra = parse(s.x_legacy_file()), parse(s.x_legacy_file(rows, header))
    assert extra.layout.key == "x_tweet_activity"
    assert extra.records.drop(columns="row").equals(plain.records.drop(columns="row"))


@pytest.mark.parametrize(
    ("make", "drop", "named"),
    [
        (lambda h, r: s.x_legacy_file(r, h), "impressions", "impressions"),
        (lambda h, r: s.meta_file(r, h), "Reach", "reach"),
        (lambda h, r: s.meta_file(r, h), "Publish time", "publish time"),
    ],
)
def test_missing_columns_are_named(make, drop, named):
    base = s.X_LEGACY_HEADER if drop == "impressions" else s.META_HEADER
    rows = s.X_LEGACY_ROWS if drop == "impressions" else s.META_ROWS
    keep = [i for i, h in enumerate(base) if h != drop]
    with pytest.raises(ExportError, match=f"lacks the column\\(s\\) needed: {named}"):
        parse(make([base[i] for i in keep], [[r[i] for i in keep] for r in rows]))


def test_meta_without_engagement_columns_names_them():
    drop = {"Reactions, Comments and Shares", "Comments"}
    keep = [i for i, h in enumerate(s.META_HEADER) if h not in drop]
    with pytest.raises(ExportError, match="comments"):
        parse(s.meta_file([[r[i] for i in keep] for r in s.META_ROWS], [s.META_HEADER[i] for i in keep]))


def test_an_unknown_layout_lists_the_files_columns():
    with pytest.raises(ExportError, match=r"Not a recognised export.*Month, Visitors"):
        parse(b"Month,Visitors\n2024-01,5\n")


def test_saved_by_excel_in_windows_1252():
    text = "Caf\u00e9 drop-in \u2019Coffee with a Cop\u2019 \u2013 \u00a32 off"
    rows = [s.x_legacy_row("1", text, "2021-06-01 08:00 +0000", 10, 1)]
    got = parse(s.x_legacy_file(rows, encoding="cp1252"))
    assert got.encoding == "Windows-1252"
    assert got.records["text"].iloc[0] == text


def test_saved_by_excel_as_utf8_with_bom_and_as_unicode_text():
    with_bom = b"\xef\xbb\xbf" + s.x_legacy_file()
    assert parse(with_bom).accepted == 3
    tab_utf16 = s.to_csv(s.X_CURRENT_HEADER, [], delimiter="\t") + "\t".join(
        ["42", "2024-03-02", "Hello", "", "10", "0", "1"] + ["0"] * 10
    )
    got = parse(tab_utf16.encode("utf-16"))
    assert got.encoding == "UTF-16" and got.records["post_id"].tolist() == ["x:42"]


def test_semicolon_separated():
    text = s.to_csv(s.X_CURRENT_HEADER, [], delimiter=";") + ";".join(
        ["7", "2024-03-02", "Hello; world", "", "1.234", "0", "3"] + ["0"] * 10
    )
    got = parse(text.encode())
    # "1.234" is not a whole number: reported, not read as 1234 or 1.
    assert got.accepted == 0 and got.problems[0].column == "impressions"


def test_bad_rows_are_reported_by_row_number_and_the_rest_kept():
    rows = [
        *s.X_LEGACY_ROWS,
        s.x_legacy_row("9", "bad count", "2021-06-02 08:00 +0000", 10, 1),
        s.x_legacy_row("10", "bad time", "yesterday", 10, 1),
        s.X_LEGACY_ROWS[0],  # the same tweet twice: a duplicate
    ]
    rows[3][4] = "lots"
    got = parse(s.x_legacy_file(rows))
    assert [(p.row, p.column) for p in got.problems] == [(5, "impressions"), (6, "time")]
    assert got.rows_in == 6 == got.accepted + len(got.problems) + got.duplicates
    assert got.duplicates == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"", "empty"),
        (b"\x81\x8d\x8f\x90\x9d", "encoding"),
    ],
)
def test_files_that_are_not_exports(raw, message):
    with pytest.raises(ExportError, match=message):
        parse(raw)


@pytest.mark.parametrize(
    ("text", "label", "tag"),
    [
        ("You said: litter in the park. We did: a clean-up with the council. #YouSaidWeDid", "", "You said, we did"),
        ("Do you recognise this man? Police would like to speak to him.", "", "Appeal"),
        ("We are recruiting Special Constables in Colchester", "", "Recruitment"),
        ("Pop-up stall at the market on Saturday: come and say hello", "", "Event"),
        ("Courier fraud: your bank will never send someone to collect your card", "", "Crime prevention"),
        ("Happy Christmas from the team", "", "Other"),
        ("You said the underpass felt unsafe. Since then we have added lighting.", "", "You said, we did"),
        ("Thanks to all who told us what they think", "", "Other"),
        ("Happy Christmas from the team", "appeal", "Appeal"),
        ("Happy Christmas", "Campaign A; Crime prevention", "Crime prevention"),
    ],
)
def test_tag_rules(text, label, tag):
    assert post_tags.tag_for(text, label) == tag


def test_the_rules_give_every_demo_post_its_own_tag(raw):
    posts = raw("social_posts").drop_duplicates("tag")
    assert len(posts) == 6
    for text, tag in zip(posts["text"], posts["tag"], strict=True):
        assert post_tags.tag_for(text) == tag, text


def test_ids_shortened_by_excel_are_refused_not_merged():
    rows = [s.x_legacy_row(pid, "t", "2021-06-01 08:00 +0000", 10, 1) for pid in ("1.565E+18", "1.565E+18", "99")]
    got = parse(s.x_legacy_file(rows))
    assert got.records["post_id"].tolist() == ["x:99"]
    assert [p.row for p in got.problems] == [2, 3] and "shortened by a spreadsheet" in got.problems[0].reason


def test_counts_too_large_or_ambiguous_are_reported_not_crashing():
    rows = [
        s.x_legacy_row("1", "a", "2021-06-01 08:00 +0000", 10, 1),
        s.x_legacy_row("2", "b", "2021-06-01 08:00 +0000", 10, 1),
        s.x_legacy_row("3", "c", "2021-06-01 08:00 +0000", 10, 1),
    ]
    rows[0][4] = "99999999999999999999999"
    rows[1][5] = "3000000000"  # engagements are stored as 32-bit whole numbers
    rows[2][4] = "2.000"  # a thousands point, or two?
    got = parse(s.x_legacy_file(rows))
    assert got.accepted == 0
    assert [p.reason for p in got.problems] == [
        "is too large to be a count of this",
        "is too large to be a count of this",
        "is ambiguous: a thousands point (2.000 = 2000) or a decimal?",
    ]


def test_meta_row_with_every_engagement_part_blank_is_reported():
    row = s.meta_row("1_9", "02/03/2025 09:30", "x", "10", "5", "", "", "", "", "")
    got = parse(s.meta_file([row]))
    assert got.accepted == 0 and got.problems[0].reason == "has no engagements figure"


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does():
    text = s.to_csv(s.X_CURRENT_HEADER, []) + "\n\n" + ",".join(["1", "yesterday", "t", "", "1", "0", "1"] + ["0"] * 10)
    got = parse(text.encode())
    assert [p.row for p in got.problems] == [4]


def test_file_name_dates_decide_day_first_meta_dates():
    rows = [s.meta_row(f"1_{d}", f"{d:02d}/10/2024 09:00", "x", "10", "5", "1", "1", "0", "0", "0") for d in (1, 5, 12)]
    dated = parse(s.meta_file(rows), "Oct-01-2024_Oct-31-2024_1234.csv")
    assert [t.month for t in dated.records["posted_at"]] == [10, 10, 10]
    undated = parse(s.meta_file(rows), "export.csv")
    assert [t.month for t in undated.records["posted_at"]] == [1, 5, 12]
    assert any("check them" in n for n in undated.notes), "an ambiguous column says so"


def test_x_content_dates_with_milliseconds_and_z():
    text = s.to_csv(s.X_CURRENT_HEADER, []) + ",".join(
        ["1", "2024-10-08T09:00:00.000Z", "t", "", "1", "0", "1"] + ["0"] * 10
    )
    got = parse(text.encode())
    assert got.records["posted_at"].tolist() == [datetime(2024, 10, 8, 10, 0)]  # BST
