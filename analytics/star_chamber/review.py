"""One Star Chamber review, in the order the panel takes it: the meeting, the one before it, the survey scorecard,
the KPIs, the actions set earlier, and the questions they raise. The page and the meeting pack both start here."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.plans import review as plan_review
from analytics.star_chamber import actions, kpis, prompts
from analytics.star_chamber.scorecard import Meeting, meeting, previous_meeting, survey_scorecard
from analytics.stats import SuppressionRule
from analytics.storage.db import Database
from analytics.survey import measures


@dataclass(frozen=True)
class Review:
    """What the panel reviews for one district at one meeting."""

    meeting: Meeting
    previous: Meeting | None
    district_name: str
    scorecard: pd.DataFrame
    kpis: pd.DataFrame
    actions: pd.DataFrame
    plan: plan_review.PlanReview  # the District Engagement Plan for the quarter reviewed, against delivery
    district_names: dict[str, str]  # every district's name, by id (the force view of delivery)
    questions: list[tuple[str, str]]  # (the question, the numbers behind it): the survey's, then the plan's

    @property
    def prompts(self) -> list[str]:
        """The panel's questions alone, as the page lists them."""
        return [question for question, _ in self.questions]


def review(db: Database, round_key: str, district_id: str, rule: SuppressionRule) -> Review | None:
    """The review of ``district_id`` at the ``round_key`` meeting; None when the district did not present then."""
    current = meeting(db, round_key, district_id)
    if current is None:
        return None
    previous = previous_meeting(db, current)
    card = survey_scorecard(db, current, previous, rule)
    kpi = kpis.kpi_scorecard(db, district_id, current.review_quarter, rule)
    tracker = actions.tracker(db, district_id, current.meeting_date)
    names = dict(measures.districts(db)[["district_id", "name"]].itertuples(index=False))
    name = str(names.get(district_id, district_id))
    plan = plan_review.plan_review(db, district_id, current.review_quarter, list(names))
    return Review(
        meeting=current,
        previous=previous,
        district_name=name,
        scorecard=card,
        kpis=kpi,
        actions=tracker,
        plan=plan,
        district_names=names,
        questions=prompts.panel_questions(card, kpi, tracker) + plan_review.plan_questions(plan, name),
    )
