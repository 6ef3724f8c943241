"""Assembles the Star Chamber meeting pack's content from the scorecard, KPIs, actions and charts."""

from __future__ import annotations

import pandas as pd

from analytics import actions, kpis, prompts, section_charts, star_chamber, tables, trend_charts, trends
from analytics.db import Database
from analytics.pack import PackContent, actions_for_pack, build_pdf, build_pptx, chart_png
from analytics.periods import add_quarters, quarter_label
from analytics.stats import FUNNEL_METHOD, TEST_NAME, SuppressionRule
from analytics.verdicts import BREAK_RULE, DISTRICT_RULE

_SOCIAL = ("followers_per_1k", "reach_per_1k", "engagement_rate")


def pack_content(
    db: Database, round_key: str, district_id: str, rule: SuppressionRule, synthetic: bool, charts: bool = True
) -> PackContent | None:
    """The pack's content for one meeting; None when the district did not present then."""
    meeting = star_chamber.meeting(db, round_key, district_id)
    if meeting is None:
        return None
    previous = star_chamber.previous_meeting(db, meeting)
    card = star_chamber.survey_scorecard(db, meeting, previous, rule)
    kpi = kpis.kpi_scorecard(db, district_id, meeting.review_quarter, rule)
    tracker = actions.tracker(db, district_id, meeting.meeting_date)
    name = db.query("SELECT name FROM districts WHERE district_id = ?", [district_id])["name"].iloc[0]
    latest = pd.Timestamp(db.query("SELECT max(interview_date) AS d FROM survey_responses")["d"].iloc[0]).date()
    review = quarter_label(meeting.review_quarter)
    stamp = (
        f"{name} · Star Chamber {meeting.meeting_date:%B %Y} · reviewing {review} · bases under "
        f"{rule.hide_below} hidden, under {rule.flag_below} flagged · survey data to {latest:%d %b %Y}"
        + (" · SYNTHETIC DEMO DATA" if synthetic else "")
    )
    scorecard, _ = tables.scorecard_table(card)
    kpi_shown, _ = tables.kpi_table(kpi)
    social = kpi["kpi"].isin(_SOCIAL).to_numpy()
    content = PackContent(
        title=f"Star Chamber: {name}",
        subtitle=f"{meeting.meeting_date:%d %B %Y} · reviewing {review}",
        stamp=stamp,
        prompts=prompts.panel_prompts(card, kpi, tracker),
        scorecard=scorecard,
        engagement=kpi_shown[~social].reset_index(drop=True),
        social=kpi_shown[social].reset_index(drop=True),
        actions=actions_for_pack(tables.actions_table(tracker)) if len(tracker) else tables.actions_table(tracker),
        methodology=[
            star_chamber.GRADE_RULE_TEXT,
            f"Percentages are weighted; intervals are 95% Wilson intervals on the effective base; changes use a "
            f"{TEST_NAME}. (n.s.) means not significant.",
            f"Better, similar or worse than the force: {DISTRICT_RULE} {BREAK_RULE}",
            f"Funnel: {FUNNEL_METHOD}.",
            f"Bases under {rule.hide_below} are never shown; under {rule.flag_below} they are flagged.",
            "Loop closure counts concerns raised in the quarter that were acted on and told back, as the data stands.",
        ],
    )
    if charts:
        content.charts = _charts(db, meeting, district_id, name, card, rule)
    return content


def _charts(db: Database, meeting, district_id: str, name: str, card, rule: SuppressionRule) -> dict[str, bytes]:
    """Every measure's two-year trend for the district (one panel each, force dashed), and the headline funnel."""
    first = add_quarters(meeting.review_quarter, -7)
    frames = []
    for row in card.itertuples(index=False):
        t = trends.district_trends(db, row.question_id, first, meeting.review_quarter, [district_id], rule=rule)
        t = t.assign(panel=row.measure)
        t.loc[t["kind"] == "district", "series_name"] = row.measure
        frames.append(t)
    panels = pd.concat(frames, ignore_index=True)
    headline = card.iloc[0]
    points, limits = trends.funnel(db, headline["question_id"], meeting.review_quarter, rule=rule)
    return {
        "Trend": chart_png(
            trend_charts.small_multiples(panels, "", title=f"{name}: every measure over two years (dashed: force)"),
            width=None,
        ),
        "Districts in the funnel": chart_png(section_charts.funnel_chart(points, limits, headline["measure"])),
    }


def meeting_pack(
    db: Database, round_key: str, district_id: str, rule: SuppressionRule, synthetic: bool
) -> tuple[bytes, bytes] | None:
    """(PowerPoint bytes, PDF bytes) for one meeting; None when the district did not present then."""
    content = pack_content(db, round_key, district_id, rule, synthetic)
    return None if content is None else (build_pptx(content), build_pdf(content))
