"""Survey measures: weighted percentage positive with bases and Wilson intervals.

A measure's percentage is the weighted share of positive answers among all
answers, "Don't know" included, unless the question's row says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from analytics.contract.rules import SURVEY_BREAKDOWNS, whitelisted
from analytics.periods import add_quarters, quarter_start
from analytics.stats import SuppressionRule, estimates_from_sums
from analytics.storage.db import Database, district_range

# The raw weighted sums never leave this layer: from them (and the force total)
# a suppressed value could be worked back out.
SUM_COLUMNS = ["sum_w", "sum_w2", "sum_w_pos"]
# Up to this many values, a list is searched item by item (faster than building a hash table for it).
_SHORT_LIST = 32
# What suppression blanks.
ESTIMATE_VALUES = ["pct", "ci_low", "ci_high", "n_eff"]

# Only whitelisted breakdown columns are interpolated (at {by}); every value is bound.
_SUMS_SQL = """
SELECT r.question_id, CAST(date_trunc('quarter', r.interview_date) AS DATE) AS quarter_start{by},
       count(*) AS n,
       sum(r.weight) AS sum_w,
       sum(r.weight * r.weight) AS sum_w2,
       sum(CASE WHEN list_contains(q.positive_answers, r.answer) THEN r.weight ELSE 0 END) AS sum_w_pos
FROM survey_responses r
JOIN survey_questions q USING (question_id)
WHERE list_contains($question_ids, r.question_id) AND r.question_id BETWEEN $q_lo AND $q_hi
  AND r.interview_date >= $date_from AND r.interview_date < $date_to
  AND (NOT coalesce(q.exclude_dont_know, false) OR r.answer <> 'Don''t know')
  AND ($districts IS NULL OR list_contains($districts, r.district_id)) AND r.district_id BETWEEN $d_lo AND $d_hi
GROUP BY ALL
ORDER BY ALL
"""


# The same sums from the engine's positive rollup (summed per question, district and quarter, positive answers
# apart and "Don't know" left out as each question says): a few thousand rows instead of every answer, for any
# breakdown by district alone. The force's rows (district NULL) are left out: these are districts' sums.
_ROLLUP_SUMS_SQL = """
SELECT r.question_id, r.quarter_start{by},
       CAST(sum(r.n) AS BIGINT) AS n,
       sum(r.sum_w) AS sum_w,
       sum(r.sum_w2) AS sum_w2,
       sum(r.sum_w_pos) AS sum_w_pos
FROM survey_quarter_positive r
WHERE list_contains($question_ids, r.question_id) AND r.question_id BETWEEN $q_lo AND $q_hi
  AND r.quarter_start >= $date_from AND r.quarter_start < $date_to
  AND r.district_id IS NOT NULL
  AND ($districts IS NULL OR list_contains($districts, r.district_id)) AND r.district_id BETWEEN $d_lo AND $d_hi
GROUP BY ALL
ORDER BY ALL
"""

# The chosen districts' sums and the force's (district_id NULL) from the positive rollup in one query: a few
# hundred rows, with no join and nothing to add up.
_ROLLUP_WITH_FORCE_SQL = """
SELECT question_id, quarter_start, district_id, n, sum_w, sum_w2, sum_w_pos FROM (
    SELECT * FROM survey_quarter_positive
    WHERE list_contains($question_ids, question_id) AND question_id BETWEEN $q_lo AND $q_hi
      AND quarter_start >= $date_from AND quarter_start < $date_to
      AND {lookup} AND district_id BETWEEN $d_lo AND $d_hi
    UNION ALL
    SELECT * FROM survey_quarter_positive
    WHERE list_contains($question_ids, question_id) AND question_id BETWEEN $q_lo AND $q_hi
      AND quarter_start >= $date_from AND quarter_start < $date_to
      AND district_id IS NULL
)
ORDER BY question_id, quarter_start, district_id
"""


def questions(db: Database) -> pd.DataFrame:
    """The survey questions in display order."""
    return db.memo("questions", "SELECT * FROM survey_questions ORDER BY sort_order, question_id")


def districts(db: Database) -> pd.DataFrame:
    """The districts, ordered by name."""
    return db.memo("districts", "SELECT * FROM districts ORDER BY name")


def survey_quarters(db: Database) -> list[date]:
    """Quarter starts that have survey responses, oldest first (a rollup of a few rows: see ``engine``)."""
    return [pd.Timestamp(x).date() for x in _quarter_list(db)["quarter_start"]]


def _quarter_list(db: Database) -> pd.DataFrame:
    """The survey's quarters with their answers and last answer's date (read once for the quarters on offer and
    their status)."""
    return db.memo(
        "survey_quarter_list",
        "SELECT quarter_start, answers, last_answer FROM survey_quarter_list ORDER BY quarter_start",
    )


# A quarter holding fewer than this share of the answers its four quarters before usually held is incomplete.
INCOMPLETE_SHARE = 0.5


def survey_quarter_status(db: Database) -> pd.DataFrame:
    """Each survey quarter with its answers, last answer date and whether its fieldwork looks finished.

    A quarter is incomplete when it holds fewer than ``INCOMPLETE_SHARE`` of the median of the four quarters
    before it, or when it is the latest quarter and its answers stop before the quarter's last month.
    ``reason`` says which, in words.
    """
    df = _quarter_list(db)
    df["quarter_start"] = pd.to_datetime(df["quarter_start"]).dt.date
    df["last_answer"] = pd.to_datetime(df["last_answer"]).dt.date
    typical = df["answers"].shift(1).rolling(4, min_periods=1).median()
    thin = df["answers"] < INCOMPLETE_SHARE * typical
    final_month = [add_quarters(q, 1) - pd.DateOffset(months=1) for q in df["quarter_start"]]
    latest = df.index == df.index.max()
    ends_early = latest & (pd.to_datetime(df["last_answer"]) < pd.to_datetime(final_month))
    df["complete"] = ~(thin | ends_early)
    df["reason"] = [
        f"fieldwork not finished: {a:,} answers so far, against about {t:,.0f} a quarter before"
        if th
        else (f"fieldwork not finished: answers so far to {last:%d %b %Y}" if early else "")
        for a, t, th, last, early in zip(
            df["answers"], typical.fillna(0), thin, df["last_answer"], ends_early, strict=True
        )
    ]
    return df


def last_interview_date(db: Database) -> date:
    """The date of the latest survey answer: how fresh the survey data is."""
    return max(survey_quarter_status(db)["last_answer"])


def incomplete_quarters(db: Database) -> dict[date, str]:
    """Survey quarters whose fieldwork has not finished, with the reason in words."""
    status = survey_quarter_status(db)
    return dict(
        zip(status.loc[~status["complete"], "quarter_start"], status.loc[~status["complete"], "reason"], strict=True)
    )


def positive_sums(
    db: Database,
    question_id: str,
    quarter_from: date,
    quarter_to: date,
    by: Sequence[str] = (),
    district_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per quarter (and breakdown) sums: ``n``, ``sum_w``, ``sum_w2``, ``sum_w_pos``."""
    sums = positive_sums_of(db, [question_id], quarter_from, quarter_to, by, district_ids)
    return sums.drop(columns="question_id")


def positive_sums_of(
    db: Database,
    question_ids: Sequence[str],
    quarter_from: date,
    quarter_to: date,
    by: Sequence[str] = (),
    district_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The sums of positive_sums for several questions in one query, with a ``question_id`` column.
    Only whitelisted breakdown columns reach the SQL."""
    cols = [whitelisted(c, SURVEY_BREAKDOWNS) for c in by]
    breakdown = "".join(f", r.{c}" for c in cols)
    # The rollup is summed per district: any other breakdown reads the answers.
    by_district = set(cols) <= {"district_id"}
    return _sums_query(db, breakdown, by_district, question_ids, quarter_from, quarter_to, district_ids)


def _sums_query(
    db: Database,
    by: str,
    rollup_ok: bool,
    question_ids: Sequence[str],
    quarter_from: date,
    quarter_to: date,
    district_ids: Sequence[str] | None,
    extra: dict | None = None,
) -> pd.DataFrame:
    """Run the sums query with the breakdown SQL ``by``: from the survey rollup when there is an engine
    file, the breakdown allows (``rollup_ok``) and the range starts on a quarter, else from the answers."""
    template = _ROLLUP_SUMS_SQL if rollup_ok and _rollups_answer(db, quarter_from) else _SUMS_SQL
    return _query_sums(db, template.format(by=by), question_ids, quarter_from, quarter_to, district_ids, extra)


def _rollups_answer(db: Database, quarter_from: date) -> bool:
    """Whether the engine file's quarterly rollups can answer a range starting at ``quarter_from``: there is an
    engine file and the range starts on a quarter's first day."""
    return db.engine is not None and quarter_from == quarter_start(quarter_from)


def _query_sums(
    db: Database,
    sql: str,
    question_ids: Sequence[str],
    quarter_from: date,
    quarter_to: date,
    district_ids: Sequence[str] | None,
    extra: dict | None = None,
) -> pd.DataFrame:
    """Run one of the sums queries with its parameters bound (those it names); quarters as dates."""
    ids = sorted(set(question_ids))
    params = {
        "question_ids": ids,
        # Bounds the sorted copy's statistics can use (the list alone is not pushed down).
        "q_lo": ids[0] if ids else "",
        "q_hi": ids[-1] if ids else "",
        "date_from": quarter_from,
        "date_to": add_quarters(quarter_to, 1),
        "districts": list(district_ids) if district_ids is not None else None,
        **district_range(district_ids),
        **(extra or {}),
    }
    df = db.query(sql, {name: value for name, value in params.items() if f"${name}" in sql})
    df["quarter_start"] = pd.to_datetime(df["quarter_start"]).dt.date
    return df


def sums_with_force(
    db: Database,
    question_ids: Sequence[str],
    quarter_from: date,
    quarter_to: date,
    district_ids: Sequence[str] | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(districts, force)``: the sums of ``positive_sums_of`` for each of ``district_ids`` (None: every
    district answers name) and for the whole force, from one query. With the engine file, districts given and a
    range starting on a quarter's first day, both come from the positive rollup (the force's rows from the force
    rollup); otherwise the force's are every district's added up, so reading them once gives both."""
    # A long list is looked up by hashing: list_contains walks the whole list for every row, which on the force's
    # 300 districts took twice as long as the query's scan. Every district (a funnel, a map) needs no list at all.
    long_list = district_ids is not None and len(district_ids) > _SHORT_LIST
    if (district_ids is None or district_ids) and _rollups_answer(db, quarter_from):
        if district_ids is None:
            lookup = "district_id IS NOT NULL"
        elif long_list:
            lookup = "district_id IN (SELECT unnest($districts))"
        else:
            lookup = "list_contains($districts, district_id)"
        sql = _ROLLUP_WITH_FORCE_SQL.format(lookup=lookup)
        df = _query_sums(db, sql, question_ids, quarter_from, quarter_to, district_ids)
        force = df[df["district_id"].isna()].drop(columns="district_id").reset_index(drop=True)
        districts = df[df["district_id"].notna()].reset_index(drop=True)
        return districts[["question_id", "quarter_start", "district_id", "n", *SUM_COLUMNS]], force
    # Without the engine file: rows of the chosen districts keep their district; all others fall into one
    # group (NULL), summed with them for the force.
    lookup = "r.district_id IN (SELECT unnest($chosen))" if long_list else "list_contains($chosen, r.district_id)"
    chosen = (
        ", r.district_id" if district_ids is None else f", CASE WHEN {lookup} THEN r.district_id END AS district_id"
    )
    extra = {} if district_ids is None else {"chosen": list(district_ids)}
    df = _sums_query(db, chosen, True, question_ids, quarter_from, quarter_to, None, extra)
    force = df.groupby(["question_id", "quarter_start"], as_index=False)[["n", *SUM_COLUMNS]].sum()
    districts = df[df["district_id"].notna()].reset_index(drop=True)
    return districts[["question_id", "quarter_start", "district_id", "n", *SUM_COLUMNS]], force


def suppressed_estimates(sums: pd.DataFrame, rule: SuppressionRule) -> pd.DataFrame:
    """Estimates from sums with the suppression rule applied and the sums dropped (they would let a hidden
    value be worked back out)."""
    return rule.apply(estimates_from_sums(sums), ESTIMATE_VALUES).drop(columns=SUM_COLUMNS)


def estimates_of(
    db: Database,
    question_ids: Sequence[str],
    quarter_from: date,
    quarter_to: date,
    rule: SuppressionRule | None = None,
    by: Sequence[str] = (),
    district_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The estimates of several questions from one query, with a ``question_id`` column."""
    rule = rule or SuppressionRule()
    return suppressed_estimates(positive_sums_of(db, question_ids, quarter_from, quarter_to, by, district_ids), rule)
