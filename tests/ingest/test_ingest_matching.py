"""Matching what files say to what the data holds (tests/fixtures/ingest, built from the documented layouts):
column names however they are spelt, districts by id, name or local authority, survey answers as Excel's
autocorrect leaves them, and the ways people write "no figure".

Each file goes through the isolated reader with what the Data page passes; each test checks the rows
stored, the message shown, that the report adds up, and that a refusal changes nothing.
"""

from __future__ import annotations

import pytest

from analytics.ingest import matching, pipeline
from analytics.ingest.isolate import run_isolated
from analytics.ingest.textfiles import ExportError, name_key
from analytics.storage.db import Database
from tests.ingest.test_ingest_reading import CORPUS, adds_up, analyse, folder, imported, lookups, refused, store

__all__ = ["folder"]  # the fixture, shared with the reading tests


# --- column names -------------------------------------------------------------------------------------


def test_column_names_match_ignoring_case_spaces_underscores_and_punctuation(folder):
    assert name_key("crime_type") == name_key("Crime type") == name_key("CRIME-TYPE") == "crimetype"
    raw = (CORPUS / "events_header_spellings.csv").read_bytes()
    a = analyse(folder, "events_header_spellings.csv", "engagement_events")
    assert a.mapping["event_id"] == "Event ID" and a.mapping["concerns_raised"] == "ConcernsRaised"
    assert a.mapping["online"] == "Online?" and a.mapping["start_at"] == "Start-At"
    v = a.validation
    assert v.problems == [] and len(v.valid) == 1
    adds_up(v)
    imported(folder, a, raw)
    got = Database(folder).query("SELECT concerns_raised, actions_taken FROM engagement_events WHERE event_id='SP-1'")
    assert got.iloc[0].tolist() == [2, 1]


def test_two_columns_matching_one_needed_column_are_refused_by_name(folder):
    before = store(folder)
    v = analyse(folder, "views_twice.csv", "map_views").validation
    assert len(v.valid) == 0 and v.rejected_rows == 1 and "views" in v.missing
    [problem] = [p for p in v.problems if p.row == 0]
    assert problem.column == "Views, views"
    assert "'Views' and 'views' both match views" in problem.message
    adds_up(v)
    assert store(folder) == before


def test_two_social_export_columns_matching_one_field_are_refused_by_name(folder):
    message = refused(folder, "meta_views_twice.csv", pipeline.SOCIAL)
    assert "'Views' and 'views'" in message and "rename or remove one" in message


def test_a_missing_column_is_shown_beside_the_files_columns_and_the_nearest(folder):
    v = analyse(folder, "views_missing_month.csv", "map_views").validation
    assert v.missing == ["month_start"] and len(v.valid) == 0
    [problem] = v.problems
    assert problem.column == "month_start"
    assert "The nearest is 'Month'" in problem.message
    assert "The file's columns: 'district_id', 'Month', 'views', 'notes'." in problem.message
    adds_up(v)


# --- districts ----------------------------------------------------------------------------------------


def test_a_district_is_named_by_id_name_or_local_authority_in_any_case(folder):
    raw = (CORPUS / "views_district_spellings.csv").read_bytes()
    a = analyse(folder, "views_district_spellings.csv", "map_views")
    v = a.validation
    stored = dict(zip(v.valid["_row"], v.valid["district_id"], strict=True))
    assert stored == {
        2: "harlow",  # its id
        3: "harlow",  # its id in capitals
        4: "southend",  # the name of the local authority it covers (Southend-on-Sea)
        5: "epping_forest_brentwood",  # the ONS code of Epping Forest
        6: "castle_point_rochford",  # a local authority's name in lower case
        7: "braintree_uttlesford",  # its name
    }
    [problem] = v.problems
    assert (problem.row, problem.value) == (8, "Atlantis")
    # Every accepted value is listed, the right one among them (not six ids and "...").
    for spelling in ("southend (Southend; Southend-on-Sea E06000033)", "harlow (Harlow; Harlow E07000073)",
                     "thurrock", "tendring", "Uttlesford E07000077"):  # fmt: skip
        assert spelling in problem.message, problem.message
    adds_up(v)
    out = imported(folder, a, raw)
    assert (out.rows_in, out.rejected) == (7, 1)
    got = Database(folder).query("SELECT district_id, views FROM map_views WHERE month_start < '2002-01-01' ORDER BY 2")
    assert got["district_id"].tolist() == ["harlow", "harlow", "southend", "epping_forest_brentwood",
                                           "castle_point_rochford", "braintree_uttlesford"]  # fmt: skip


def test_a_name_shared_by_two_districts_is_not_guessed():
    districts = matching.Districts.from_rows(
        [("north", "North", ["E1"]), ("south", "South", ["E1"])], {"E1": "Shared Borough"}
    )
    assert districts.resolve("north") == "north" and districts.resolve("Shared Borough") is None
    assert "names more than one district (north, south)" in districts.problem("shared borough")


def test_local_authority_names_come_from_the_shipped_ons_boundaries():
    names = matching.la_names()
    assert names["E06000033"] == "Southend-on-Sea" and names["E07000072"] == "Epping Forest"


# --- survey answers -----------------------------------------------------------------------------------


def test_survey_answers_match_ignoring_case_spaces_and_typographic_quotes(folder):
    raw = (CORPUS / "survey_answers_autocorrect.csv").read_bytes()
    assert "Don\u2019t know".encode() in raw  # as Excel's autocorrect writes it
    a = analyse(folder, "survey_answers_autocorrect.csv", "survey_responses")
    v = a.validation
    assert dict(zip(v.valid["response_id"], v.valid["answer"], strict=True)) == {
        "R-1": "Don't know", "R-2": "Good", "R-3": "Excellent", "R-4": "Don't know",
    }  # fmt: skip
    [problem] = v.problems
    assert (problem.row, problem.value) == (6, "Maybe")
    assert problem.message == "is not an answer to police_job (Excellent, Good, Fair, Poor, Very poor, Don't know)"
    adds_up(v)
    out = imported(folder, a, raw)
    assert (out.new, out.rejected) == (4, 1)
    got = Database(folder).query("SELECT answer FROM survey_responses WHERE response_id = 'R-1'")
    assert got["answer"].tolist() == ["Don't know"]


# --- missing figures ----------------------------------------------------------------------------------


def test_na_and_dashes_in_an_optional_number_column_are_missing_not_a_rejected_row(folder):
    raw = (CORPUS / "monthly_missing_followers.csv").read_bytes()
    a = analyse(folder, "monthly_missing_followers.csv", "social_monthly")
    v = a.validation
    assert v.problems == [] and len(v.valid) == 5
    adds_up(v)
    imported(folder, a, raw)
    got = Database(folder).query(
        "SELECT followers, reach, engagements FROM social_monthly WHERE account_id = 'fb_harlow' "
        "AND month_start >= '2031-01-01' ORDER BY month_start"
    )
    assert got["followers"].isna().all()
    assert got["reach"].tolist() == [1001, 1002, 1003, 1004, 1005]  # the good figures are kept
    assert got["engagements"].tolist() == [201, 202, 203, 204, 205]


def test_na_in_a_needed_number_column_is_reported_not_read_as_zero(folder):
    v = analyse(folder, "views.csv", "map_views", b"district_id,month_start,views\nharlow,2031-01-01,NA\n").validation
    assert [(p.row, p.message) for p in v.problems] == [(2, "says there is no figure, and this column needs a value")]


def test_a_social_export_count_written_na_is_missing(folder):
    from tests import social_samples as s

    # Meta withholds low counts; people type NA, N/A or a dash for them. The row's other figures count.
    rows = [s.meta_row("1_1", "02/03/2025 09:30", "x", "100", "80", "", "3", "N/A", "\u2014", "NA")]
    parsed = run_isolated(pipeline.analyse, s.meta_file(rows), "meta.csv", pipeline.SOCIAL).social
    assert parsed.problems == [] and parsed.accepted == 1
    assert parsed.records["engagements"].tolist() == [3]  # the reactions given; no comments, shares or clicks
    required = [s.meta_row("1_2", "02/03/2025 09:30", "x", "100", "N/A", "5", "3", "1", "1", "0")]
    problems = run_isolated(pipeline.analyse, s.meta_file(required), "meta.csv", pipeline.SOCIAL).social.problems
    assert [(p.column, p.reason) for p in problems] == [("reach", "says there is no figure")]


def test_the_refusal_helper_sees_a_changed_store(folder):
    # The corpus's check that nothing changed would notice a write: prove it on a real import.
    before = store(folder)
    raw = (CORPUS / "views_lf.csv").read_bytes()
    imported(folder, analyse(folder, "views_lf.csv", "map_views"), raw)
    assert store(folder) != before
    with pytest.raises(ExportError):
        analyse(folder, "x.exe", "map_views", b"MZ")
    assert lookups(folder)[2].resolve("E07000073") == "harlow"
