"""Shared by the tests of what imported values mean: the documented headers, and checks that a report adds up
and that a refusal leaves the store unchanged."""

from __future__ import annotations

from analytics.ingest import pipeline
from tests.ingest.test_ingest import check

SURVEY_HEADER = "response_id,interview_date,district_id,lad_code,weight,age_band,sex,ethnic_group,question_id,answer\n"
MONTHLY_HEADER = "account_id,month_start,followers,reach,impressions,engagements,posts\n"


def _tables(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.parquet"))}


def _adds_up(outcome) -> None:
    assert outcome.rows_in == outcome.accepted + outcome.rejected + outcome.duplicates


def _messages(v) -> dict[int, str]:
    return {p.row: p.message for p in v.problems}


def _survey_row(rid, when, district="harlow", lad="E07000073", weight="1.0", answer="Good") -> str:
    return f"{rid},{when},{district},{lad},{weight},35-44,Female,White,police_job,{answer}\n"


def _commit(folder, raw, name, table, **kw):
    analysis = check(folder, raw, name, table, **kw)
    return analysis, pipeline.commit(folder, analysis, raw, "Mo", "manager")
