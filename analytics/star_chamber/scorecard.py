"""The Star Chamber scorecard: a district's measures against the force, the Most Similar
Group, its previous Star Chamber and the same quarter a year before, with a grade.

The scorecard looks at the last complete quarter before the meeting: a meeting in
September 2026 reviews Q1 2026/27 (April to June).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics.periods import add_quarters, quarter_label, quarter_start
from analytics.stats import (
    SuppressionRule,
    change_direction,
    compare_interval_to_value,
    funnel_position,
    two_proportion_test,
)
from analytics.storage.db import Database
from analytics.survey import measures, trends
from analytics.verdicts import NOT_COMPARABLE, change_text

# Level against the force (rows) x trend on a year before (columns) -> grade.
GRADE_RULE: dict[tuple[str, str], str] = {
    ("better", "improved"): "exceeds expectations",
    ("better", "no significant change"): "exceeds expectations",
    ("better", "declined"): "meets expectations",
    ("similar", "improved"): "exceeds expectations",
    ("similar", "no significant change"): "meets expectations",
    ("similar", "declined"): "below expectations",
    ("worse", "improved"): "meets expectations",
    ("worse", "no significant change"): "below expectations",
    ("worse", "declined"): "below expectations",
}
GRADE_RULE_TEXT = (
    "Level: the district's 95% interval against the force value (better, similar or worse). "
    "Trend: a two-proportion test against the same quarter a year before (improved, no significant change, "
    "declined). Exceeds expectations: better than the force and not declining, or similar and improving. "
    "Below expectations: worse than the force and not improving, or similar and declining. "
    "Meets expectations: everything else. No grade where a base is too small to compare."
)


def grade(level: str, trend: str) -> str:
    """The grade for a level against the force and a trend on a year before (see GRADE_RULE_TEXT)."""
    return GRADE_RULE.get((level, trend), "not graded")


@dataclass(frozen=True)
class Meeting:
    """One Star Chamber meeting: a district presenting to the panel."""

    meeting_id: str
    meeting_date: date
    district_id: str
    review_quarter: date


def review_quarter(meeting_date: date) -> date:
    """The last complete quarter before a meeting."""
    return add_quarters(quarter_start(meeting_date), -1)


def round_of(day: date) -> str:
    """The round (``YYYY-MM``) a meeting on ``day`` belongs to: the month's meetings are one round."""
    return day.strftime("%Y-%m")


def meetings(db: Database, district_id: str | None = None) -> pd.DataFrame:
    """Every meeting (or one district's) with its round (month) and the quarter it reviews, newest first."""
    # What finds a meeting (the chair's role and the notes are not shown: leaving them out halves the read).
    df = db.memo(
        "meetings",
        "SELECT meeting_id, meeting_date, district_id FROM star_chamber_meetings "
        "ORDER BY meeting_date DESC, district_id, meeting_id DESC",
    )
    if district_id is not None:
        df = df[df["district_id"] == district_id].reset_index(drop=True)
    df["meeting_date"] = pd.to_datetime(df["meeting_date"]).dt.date
    df["round"] = [round_of(d) for d in df["meeting_date"]]
    df["round_label"] = [d.strftime("%B %Y") for d in df["meeting_date"]]
    df["review_quarter"] = [review_quarter(d) for d in df["meeting_date"]]
    return df


class Round(NamedTuple):
    """One Star Chamber round (a month's meetings): its label and the districts presenting at it."""

    label: str
    district_ids: tuple[str, ...]


def rounds(db: Database) -> dict[str, Round]:
    """Every round (``YYYY-MM``), newest first, with its label and presenting districts (in meetings' order, each
    once: a district that met the panel twice in a month is reviewed at its later meeting, as ``meeting`` reads).

    What the Star Chamber page chooses from, without the meetings' dates: at national scale there are thousands
    of meetings, and the page reads this on every run."""
    m = meetings(db)
    labels: dict[str, str] = {}
    presenting: dict[str, list[str]] = {}
    columns = (m["round"].tolist(), m["round_label"].tolist(), m["district_id"].tolist())
    for key, label, district in zip(*columns, strict=True):
        labels.setdefault(key, label)
        presenting.setdefault(key, []).append(district)
    return {key: Round(labels[key], tuple(dict.fromkeys(ids))) for key, ids in presenting.items()}


def meeting(db: Database, round_key: str, district_id: str) -> Meeting | None:
    """The meeting of ``district_id`` in round ``YYYY-MM``, with the one before it; None if there was none."""
    m = meetings(db, district_id)
    row = m[m["round"] == round_key]
    if row.empty:
        return None
    r = row.iloc[0]
    return Meeting(r["meeting_id"], r["meeting_date"], r["district_id"], r["review_quarter"])


def previous_meeting(db: Database, current: Meeting) -> Meeting | None:
    """The district's Star Chamber before ``current``: its latest meeting in an earlier round (a meeting reconvened
    in the same month reviews the same quarter, so it is not the one to compare with)."""
    m = meetings(db, current.district_id)
    earlier = m[m["round"] < round_of(current.meeting_date)]
    if earlier.empty:
        return None
    r = earlier.iloc[0]
    return Meeting(r["meeting_id"], r["meeting_date"], r["district_id"], r["review_quarter"])


def _by_measure_and_quarter(est: pd.DataFrame) -> dict[tuple[str, date], dict]:
    """Each estimate as a row (a dict) by its (question_id, quarter start), the first where there are two: one
    pass over the table, not a filter per measure and quarter (a third of the scorecard's time)."""
    rows: dict[tuple[str, date], dict] = {}
    for row in est.to_dict("records"):
        rows.setdefault((row["question_id"], pd.Timestamp(row["quarter_start"]).date()), row)
    return rows


def survey_scorecard(
    db: Database, current: Meeting, previous: Meeting | None, rule: SuppressionRule | None = None
) -> pd.DataFrame:
    """One row per survey measure for the presenting district in the reviewed quarter."""
    rule = rule or SuppressionRule()
    q = current.review_quarter
    year_ago = add_quarters(q, -4)
    prev_q = previous.review_quarter if previous else None
    first = min(year_ago, prev_q or year_ago)
    questions = measures.questions(db)
    ids = list(questions["question_id"])
    # Every measure's district and force figures and Most Similar Group values: two queries in all.
    district_sums, force_sums = measures.sums_with_force(db, ids, first, q, [current.district_id])
    districts = measures.suppressed_estimates(district_sums, rule)
    forces = measures.suppressed_estimates(force_sums[force_sums["quarter_start"] == q], rule)
    msg = trends.benchmark_values(db, ids, q, "msg")
    breaks = trends.series_breaks(db)
    # A comparison across a survey method change is not tested (the district's own changes and the force's).
    year_break = breaks.between(year_ago, q, current.district_id)
    prev_break = breaks.between(prev_q, q, current.district_id) if prev_q else None
    mine, force = _by_measure_and_quarter(districts), _by_measure_and_quarter(forces)
    rows = []
    for question in questions.itertuples(index=False):
        qid = question.question_id
        now = mine.get((qid, q))
        year = mine.get((qid, year_ago))
        before = mine.get((qid, prev_q)) if prev_q else None
        force_now = force.get((qid, q))
        rows.append(
            _scorecard_row(question, now, year, before, force_now, msg.get(qid, np.nan), year_break, prev_break)
            | {
                "quarter_label": quarter_label(q),
                "year_ago_label": quarter_label(year_ago),
                "previous_label": quarter_label(prev_q) if prev_q else "",
            }
        )
    out = pd.DataFrame(rows)
    out["grade"] = [grade(lv, tr) for lv, tr in zip(out["vs_force"], out["vs_year"], strict=True)]
    return out


def _num(row: dict | None, col: str) -> float:
    return float(row[col]) if row is not None and pd.notna(row[col]) else np.nan


def _change(now: dict | None, then: dict | None, series_break: date | None) -> tuple[float, float, str]:
    """Points difference, p-value and verdict between two estimates (NaN / 'not compared' when hidden;
    'not comparable', untested, across a survey method change)."""
    p1, n1, p2, n2 = _num(now, "pct"), _num(now, "n_eff"), _num(then, "pct"), _num(then, "n_eff")
    if np.isnan(p1) or np.isnan(p2):
        return np.nan, np.nan, "not compared"
    if series_break is not None:
        return np.nan, np.nan, NOT_COMPARABLE
    z, p = two_proportion_test(p1 / 100, n1, p2 / 100, n2)
    return p1 - p2, p, str(change_direction(z, p))


def _scorecard_row(question, now, year, before, force_now, msg_pct: float, year_break, prev_break) -> dict:
    pct, lo, hi = _num(now, "pct"), _num(now, "ci_low"), _num(now, "ci_high")
    force_pct = _num(force_now, "pct")
    # The district's place in the quarter's funnel around the force value (as trends.funnel draws it).
    position = str(funnel_position(np.array([pct]), np.array([_num(now, "n_eff")]), force_pct)[0])
    d_year, p_year, v_year = _change(now, year, year_break)
    d_prev, p_prev, v_prev = _change(now, before, prev_break)
    return {
        "question_id": question.question_id,
        "measure": question.short_label,
        "pct": pct,
        "ci_low": lo,
        "ci_high": hi,
        "n": _num(now, "n"),
        "base_text": now["base_text"] if now is not None else "no answers",
        "base_status": now["base_status"] if now is not None else "no data",
        "force_pct": force_pct,
        "diff_force": pct - force_pct,
        "vs_force": str(compare_interval_to_value(lo, hi, force_pct)),
        "msg_pct": msg_pct,
        "diff_msg": pct - msg_pct,
        "vs_msg": str(compare_interval_to_value(lo, hi, msg_pct)) if np.isfinite(msg_pct) else "no benchmark",
        "diff_previous": d_prev,
        "p_previous": p_prev,
        "vs_previous": v_prev,
        "words_previous": change_text(v_prev, prev_break),
        "diff_year": d_year,
        "p_year": p_year,
        "vs_year": v_year,
        "words_year": change_text(v_year, year_break),
        "funnel_position": position,
    }
