"""A force's own question, added by import, flows through every page, the scorecard and the pack with no
code change: forces ask more than the demo's five (fairness, stop and search, anti-social behaviour...)."""

from __future__ import annotations

import io
import shutil
from datetime import date

import pandas as pd
import pypdfium2 as pdfium
import pytest
import streamlit as st
from pptx import Presentation

from analytics.ingest import pipeline
from analytics.pack.meeting_pack import meeting_pack
from analytics.stats import SuppressionRule
from analytics.storage import engine
from analytics.storage.db import Database
from tests.app_runner import run_app
from tests.ingest.test_ingest import check

LABEL = "Treated fairly by the police"
QUESTION = (
    "question_id,short_label,wording,answers,positive_answers,exclude_dont_know,sort_order\n"
    f"treated_fairly,{LABEL},How far do you agree: the police in this area treat everyone fairly?,"
    "Strongly agree;Tend to agree;Neither agree nor disagree;Tend to disagree;Strongly disagree;Don't know,"
    "Strongly agree;Tend to agree,false,6\n"
).encode()
# Each respondent's answer, from how they rated the police's job (so the new measure has a realistic spread).
FROM_JOB = {
    "Excellent": "Strongly agree",
    "Good": "Tend to agree",
    "Fair": "Neither agree nor disagree",
    "Poor": "Tend to disagree",
    "Very poor": "Strongly disagree",
    "Don't know": "Don't know",
}


@pytest.fixture(scope="module")
def folder(demo_dir, tmp_path_factory):
    """The demo with the new question and two years of its answers imported through the pipeline."""
    copy = tmp_path_factory.mktemp("own") / "data"
    shutil.copytree(demo_dir, copy)
    analysis = check(copy, QUESTION, "questions.csv", "survey_questions")
    assert not analysis.validation.problems, analysis.validation.problems
    assert pipeline.commit(copy, analysis, QUESTION, "Mo", "manager").new == 1
    job = pd.read_parquet(copy / "survey_responses.parquet")
    job = job[(job["question_id"] == "police_job") & (job["interview_date"] >= date(2024, 10, 1))]
    answers = job.assign(question_id="treated_fairly", answer=job["answer"].map(FROM_JOB))
    raw = answers.to_csv(index=False).encode()
    analysis = check(copy, raw, "fairness.csv", "survey_responses")
    assert not analysis.validation.problems, analysis.validation.problems[:3]
    outcome = pipeline.commit(copy, analysis, raw, "Mo", "manager")
    assert outcome.new == len(answers) and outcome.rows_in == outcome.accepted
    engine.build(copy)
    return copy


@pytest.fixture
def app_folder(folder, app_env, monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(folder))
    st.cache_data.clear()
    st.cache_resource.clear()
    return folder


def test_the_overview_gives_the_new_question_a_tile(app_folder):
    at = run_app({"district": ["harlow", "southend"]})
    assert not at.exception, at.exception
    assert len(at.metric) == 6
    assert f"**{LABEL}**" in [m.value for m in at.markdown]
    measure = at.selectbox(key="w_measure")
    assert "treated_fairly" in measure.options or LABEL in measure.options


def test_the_trends_page_shows_the_new_measure(app_folder):
    at = run_app({"measure": "treated_fairly", "district": ["harlow"]}, page="app_pages/trends.py")
    assert not at.exception, at.exception
    assert at.selectbox(key="w_measure").value == "treated_fairly"
    assert at.get("vega_lite_chart")
    assert any(LABEL in c.value for c in at.caption) or any(LABEL in m.value for m in at.markdown)


def test_the_star_chamber_scorecard_and_the_pack_carry_the_new_measure(app_folder):
    at = run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py")
    assert not at.exception, at.exception
    scorecard = at.dataframe[0].value
    assert LABEL in list(scorecard["Measure"])
    row = scorecard.set_index("Measure").loc[LABEL]
    assert row["Grade"] in {"exceeds expectations", "meets expectations", "below expectations", "not graded"}
    built = meeting_pack(Database(app_folder), "2026-09", "southend", SuppressionRule(), synthetic=True)
    slides = list(Presentation(io.BytesIO(built[0])).slides)
    card = next(s for s in slides if s.shapes.title.text == "Scorecard")
    table = next(sh.table for sh in card.shapes if sh.has_table)
    assert LABEL in [r.cells[0].text for r in table.rows]
    pdf = pdfium.PdfDocument(built[1])
    assert any(LABEL in pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
