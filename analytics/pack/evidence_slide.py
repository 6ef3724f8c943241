"""The meeting pack's "What the evidence says" slide: the force-wide What works estimates, and where the
presenting district sits on each engagement figure in the quarter reviewed."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from analytics.pack.content import PackSection, PackTable
from analytics.periods import quarter_label
from analytics.stats import SuppressionRule
from analytics.storage.db import Database
from analytics.survey import measures
from analytics.what_works import district, exposures, reading, words
from analytics.what_works.estimate import METHOD

TITLE = "What the evidence says"
MEASURE = "feel_informed"  # the measure engagement most directly aims at; the first measure where it is absent
ACTIVITY = "Street pop-up"
COLUMNS = ["Engagement (quarter before)", "Points per unit (95% interval)", "Reading", "Check", "District", "Force"]
KEY = [
    ("better", "▲ higher after more: significant after Holm adjustment"),
    ("worse", "▼ lower after more: significant after Holm adjustment"),
    (None, "otherwise no evidence either way (see the smallest detectable effect in the notes)"),
]
_FILLS = {words.HIGHER: "better", words.LOWER: "worse"}


def _measure(db: Database) -> tuple[str, str]:
    q = measures.questions(db)
    ids = list(q["question_id"])
    qid = MEASURE if MEASURE in ids else ids[0]
    return qid, str(q.set_index("question_id").loc[qid, "short_label"])


def _sits(values: pd.DataFrame, district_id: str, quarter: date, populations: pd.Series) -> tuple[str, str]:
    """The district's value in ``quarter`` with its place, and the force's average district."""
    here = values[(values["quarter_start"] == quarter) & (values["district_id"] == district_id)]["value"]
    force = district.force_exposure(values[values["quarter_start"] == quarter], populations)
    place = district.rank_in_force(values, district_id, quarter)
    mine = f"{here.iloc[0]:,.2f} ({place[0]} of {place[1]})" if len(here) and place else "–"
    return mine, (f"{force.iloc[0]:,.2f}" if len(force) else "–")


def section(db: Database, district_id: str, name: str, review_quarter: date, rule: SuppressionRule) -> PackSection:
    """The slide for the district presenting about ``review_quarter``: estimates over every quarter of survey
    data up to it."""
    qid, label = _measure(db)
    quarters = [q for q in measures.survey_quarters(db) if q <= review_quarter]
    shown = exposures.shown(ACTIVITY)
    result = reading.read(db, qid, label, quarters[0], review_quarter, shown, rule)
    lede = (
        f"{label}, {quarter_label(quarters[0])} to {quarter_label(review_quarter)}, every district: each "
        f"district's result against its engagement the quarter before. An {words.ASSOCIATION}."
    )
    if result.shortfall:
        return PackSection(TITLE, lede, "bullets", [result.shortfall, words.STRONGER], notes=words.METHOD_NOTE)
    populations = measures.districts(db).set_index("district_id")["population"].astype(float)
    found = reading.frame(result)
    rows, fills = [], []
    for r in found.itertuples(index=False):
        estimated = not math.isnan(r.coef)
        mine, force = _sits(result.values[r.key], district_id, review_quarter, populations)
        rows.append(
            [
                f"{r.label} ({r.unit.removeprefix('per ')})",
                f"{words.points(r.coef)} ({words.interval(r.ci_low, r.ci_high)})" if estimated else "–",
                words.VERDICT_WORDS[r.verdict],
                words.CHECK_WORDS[r.check_verdict].split(":")[0],
                mine,
                force,
            ]
        )
        fills.append([None, None, _FILLS.get(r.verdict), None, None, None])
    district_column = f"{name}, {quarter_label(review_quarter)} (place)"
    frame = pd.DataFrame(rows, columns=COLUMNS).rename(columns={"District": district_column})
    fill_frame = pd.DataFrame(fills, columns=frame.columns)
    return PackSection(TITLE, lede, "table", PackTable(frame, fill_frame, KEY), notes=_notes(found, label, name))


def _notes(found: pd.DataFrame, label: str, name: str) -> str:
    """Speaker notes: how the numbers are made, each row's smallest detectable effect and check, the caveat."""
    lines = [words.METHOD_NOTE, f"Method: {METHOD}.", words.CHECK_NOTE]
    for r in found.itertuples(index=False):
        if math.isnan(r.coef):
            lines.append(f"{r.label}: not estimated ({r.note}).")
            continue
        lines.append(
            f"{r.label}: {words.points(r.coef)} points of {label.lower()} {r.unit}, 95% interval "
            f"{words.interval(r.ci_low, r.ci_high)}, Holm-adjusted p {r.p_adjusted:.3f}; smallest detectable "
            f"effect about {r.mde:.2f} points; check (the quarter after) {words.points(r.check_coef)} "
            f"({words.interval(r.check_low, r.check_high)}): {words.CHECK_WORDS[r.check_verdict]}."
        )
    lines.append(
        f"The last two columns: {name}'s figure in the quarter reviewed and its place among the districts (1 = the "
        "most), and the force's average district (districts averaged by population)."
    )
    lines += [words.CAVEAT, words.STRONGER]
    return "\n".join(lines)
