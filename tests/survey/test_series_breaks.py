"""No comparison across a survey method change: not tested, coloured, marked or put in words as significant
anywhere (Overview, trends, Star Chamber scorecard, panel questions, pack tables); it reads "not comparable"."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.star_chamber import prompts, tables
from analytics.star_chamber import scorecard as star_chamber
from analytics.survey import overview, trends
from analytics.survey import reading as trend_reading
from analytics.verdicts import NOT_COMPARABLE, SeriesBreaks
from tests.app_runner import run_app, texts

# The demo's survey moved from face-to-face to telephone on 1 April 2020 (Q1 2020/21).
BREAK = "not comparable: the survey method changed in Q1 2020/21"
Q = {"Q1 2019/20": date(2019, 4, 1), "Q4 2019/20": date(2020, 1, 1), "Q1 2020/21": date(2020, 4, 1),
     "Q2 2020/21": date(2020, 7, 1), "Q1 2021/22": date(2021, 4, 1)}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "then", "now", "district", "expected"),
    [
        ([(date(2020, 4, 1), None)], date(2019, 4, 1), date(2020, 4, 1), None, date(2020, 4, 1)),
        ([(date(2020, 4, 1), None)], date(2020, 1, 1), date(2020, 4, 1), "harlow", date(2020, 4, 1)),
        ([(date(2020, 4, 1), None)], date(2020, 4, 1), date(2020, 7, 1), None, None),  # both after
        ([(date(2020, 4, 1), None)], date(2019, 1, 1), date(2020, 1, 1), None, None),  # both before
        ([(date(2020, 4, 1), None)], date(2020, 4, 1), date(2019, 4, 1), None, date(2020, 4, 1)),  # either order
        ([(date(2020, 4, 1), "harlow")], date(2019, 4, 1), date(2020, 4, 1), "southend", None),  # another's
        ([(date(2020, 4, 1), "harlow")], date(2019, 4, 1), date(2020, 4, 1), "harlow", date(2020, 4, 1)),
        ([(date(2020, 4, 1), "harlow")], date(2019, 4, 1), date(2020, 4, 1), None, date(2020, 4, 1)),  # the force
        ([], date(2019, 4, 1), date(2020, 4, 1), None, None),
    ],
)
def test_a_break_lies_between_two_quarters(changes, then, now, district, expected):
    assert SeriesBreaks(tuple(changes)).between(then, now, district) == expected


def test_breaks_from_annotations_take_the_quarter_the_method_starts():
    notes = pd.DataFrame(
        {
            "start_date": [date(2020, 5, 14), date(2018, 6, 1)],
            "district_id": [None, None],
            "kind": ["method change", "event"],
        }
    )
    assert SeriesBreaks.from_annotations(notes).changes == ((date(2020, 4, 1), None),)


def test_overview_tiles_across_the_break_are_not_comparable(db):
    tiles = overview.measure_tiles(db, Q["Q1 2020/21"])
    assert (tiles["change"] == NOT_COMPARABLE).all()
    assert tiles["change_pts"].isna().all() and tiles["p_value"].isna().all()
    assert (tiles["change_words"] == BREAK).all()
    later = overview.measure_tiles(db, Q["Q1 2021/22"])
    assert (later["change"] != NOT_COMPARABLE).all(), "a year after the change is comparable again"


def test_trends_do_not_test_or_mark_across_the_break(db, raw):
    ids = list(raw("districts")["district_id"])[:3]
    t = trends.district_trends(db, "police_job", Q["Q1 2019/20"], Q["Q1 2021/22"], ids)
    spans_year = t["quarter_start"].between(Q["Q1 2020/21"], date(2021, 1, 1))
    assert (t.loc[spans_year, "change_year"] == NOT_COMPARABLE).all()
    assert (t.loc[spans_year, "words_year"] == BREAK).all()
    assert t.loc[spans_year, "p_year"].isna().all() and t.loc[spans_year, "diff_year"].isna().all()
    on_quarter = t["quarter_start"] == Q["Q1 2020/21"]
    assert (t.loc[on_quarter, "change_quarter"] == NOT_COMPARABLE).all()
    assert (t.loc[spans_year, "marker"] == "").all(), "no ▲ ▼ on a year before across the break"
    assert not t.loc[on_quarter, "marker"].str.contains("◆").any()
    assert (t.loc[~spans_year & (t["quarter_start"] > Q["Q1 2020/21"]), "change_year"] != NOT_COMPARABLE).all()
    pooled = trends.district_trends(db, "police_job", Q["Q1 2020/21"], Q["Q1 2021/22"], ids, pooled=True)
    # A rolling year to Q1 2021/22 is compared with the year to Q1 2020/21, which began before the change.
    assert (pooled["change_year"] == NOT_COMPARABLE).all()
    words = trend_reading.district_summaries(t[t["quarter_start"] <= Q["Q2 2020/21"]], pd.DataFrame())
    assert words and all(BREAK in w or "too small" in w for w in words)
    assert not any("significant rise" in w or "significant fall" in w for w in words)


def _card(db, round_key: str, district: str = "harlow"):
    meeting = star_chamber.meeting(db, round_key, district)
    return star_chamber.survey_scorecard(db, meeting, star_chamber.previous_meeting(db, meeting))


def test_star_chamber_scorecard_questions_and_table_across_the_break(db):
    card = _card(db, "2020-09")  # reviews Q1 2020/21: a year before and the last Star Chamber both span it
    assert (card["vs_year"] == NOT_COMPARABLE).all() and (card["vs_previous"] == NOT_COMPARABLE).all()
    assert card["diff_year"].isna().all() and card["p_year"].isna().all()
    assert (card["words_year"] == BREAK).all()
    assert (card["grade"] == "not graded").all(), "a grade needs the trend, which is not comparable"
    shown, verdicts = tables.scorecard_table(card)
    assert (shown["vs a year before"] == BREAK).all() and (shown["vs last Star Chamber"] == BREAK).all()
    assert not verdicts["vs a year before"].isin(["improved", "declined"]).any(), "nothing coloured"
    questions = [q for q, _ in prompts.panel_questions(card, pd.DataFrame(), pd.DataFrame())]
    assert not any(" rose " in q or " fell " in q for q in questions)
    later = _card(db, "2021-03")  # Q3 2020/21: the last Star Chamber (Q1 2020/21) is on the same method
    assert (later["vs_year"] == NOT_COMPARABLE).all() and (later["vs_previous"] != NOT_COMPARABLE).all()


def test_pages_say_not_comparable_across_the_break(app_env):
    link = {"district": "all", "from": "2019-20-Q1", "to": "2020-21-Q1", "measure": "police_job"}
    at = run_app(link)
    words = texts(at)
    assert BREAK in words and "significant improvement" not in words
    assert not [m for m in at.metric if m.delta and np.isfinite(float(m.delta.split()[0]))], "no change in points"
    sc = run_app({"round": "2020-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    assert not sc.exception, sc.exception
    card = next(d.value for d in sc.dataframe if "vs a year before" in d.value.columns)
    assert (card["vs a year before"] == BREAK).all()
    assert not any(" rose " in m.value or " fell " in m.value for m in sc.markdown)
