"""Figures for the Overview page: one tile per measure and a district comparison."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from analytics.periods import add_quarters, quarter_label
from analytics.stats import (
    COMPARISON_NAME,
    TEST_NAME,
    SuppressionRule,
    change_direction,
    compare_interval_to_value,
    two_proportion_test,
)
from analytics.storage.db import Database
from analytics.survey import measures, trends
from analytics.verdicts import NOT_COMPARABLE, change_text

_FIGURES = ["pct", "n", "n_eff", "ci_low", "ci_high", "base_status", "base_text"]
_MISSING = {"base_status": "no data", "n": 0, "base_text": "no answers"}


def measure_tiles(db: Database, quarter: date, rule: SuppressionRule | None = None) -> pd.DataFrame:
    """Force figure for every measure in ``quarter``, with its change against a year before.

    One row per question: the figures now and a year ago, the change in points,
    the test's z and p-value and a plain-words verdict.
    """
    rule = rule or SuppressionRule()
    year_ago = add_quarters(quarter, -4)
    questions = measures.questions(db)
    every = measures.estimates_of(db, list(questions["question_id"]), year_ago, quarter, rule=rule)
    rows = []
    for q in questions.itertuples(index=False):
        est = every[every["question_id"] == q.question_id].set_index("quarter_start")
        now = est.loc[quarter] if quarter in est.index else None
        before = est.loc[year_ago] if year_ago in est.index else None
        row = {"question_id": q.question_id, "short_label": q.short_label, "wording": q.wording}
        row.update({k: (now[k] if now is not None else _MISSING.get(k, np.nan)) for k in _FIGURES})
        row.update({f"prev_{k}": (before[k] if before is not None else _MISSING.get(k, np.nan)) for k in _FIGURES})
        rows.append(row)
    out = pd.DataFrame(rows)
    z, p = two_proportion_test(out["pct"] / 100, out["n_eff"], out["prev_pct"] / 100, out["prev_n_eff"])
    out["change_pts"] = out["pct"] - out["prev_pct"]
    out["z"], out["p_value"] = z, p
    out["change"] = change_direction(z, p)
    # A change across a survey method change is not tested, coloured or given in points.
    brk = trends.series_breaks(db).between(year_ago, quarter)
    if brk is not None:
        out["change"] = NOT_COMPARABLE
        out[["change_pts", "z", "p_value"]] = np.nan
    out["change_words"] = [change_text(c, brk) for c in out["change"]]
    incomplete = measures.incomplete_quarters(db)
    out["quarter_label"] = quarter_label(quarter) + (" (incomplete)" if quarter in incomplete else "")
    out["incomplete_note"] = (
        f"{quarter_label(quarter)} is incomplete ({incomplete[quarter]}): a comparison with a full quarter is "
        "a comparison with part of one."
        if quarter in incomplete
        else ""
    )
    out["prev_quarter_label"] = quarter_label(year_ago)
    out["test"] = TEST_NAME
    return out


def district_comparison(
    db: Database,
    question_id: str,
    quarter: date,
    district_ids: Sequence[str] | None = None,
    rule: SuppressionRule | None = None,
) -> pd.DataFrame:
    """Each district's figure in ``quarter`` against the force, with tile-map positions.

    ``comparison`` is better / similar / worse only where the district's 95%
    interval excludes the force value, and "not shown" where the base is too small.
    """
    rule = rule or SuppressionRule()
    d = measures.districts(db)[["district_id", "name", "lpa", "population", "tile_row", "tile_col"]]
    # Every district's sums and the force's from one query (the merge below keeps the districts table's).
    by_district, force_sums = measures.sums_with_force(db, [question_id], quarter, quarter, None)
    force = measures.suppressed_estimates(force_sums.drop(columns="question_id"), rule)
    force_pct = float(force["pct"].iloc[0]) if len(force) else np.nan
    est = measures.suppressed_estimates(by_district.drop(columns="question_id"), rule)
    out = d.merge(est.drop(columns=["quarter_start"]), on="district_id", how="left")
    out["base_status"] = out["base_status"].fillna("suppressed")
    out["base_text"] = out["base_text"].fillna(f"under {rule.hide_below}")
    out["force_pct"] = force_pct
    out["comparison"] = compare_interval_to_value(out["ci_low"], out["ci_high"], force_pct)
    out.loc[out["base_status"] == "suppressed", "comparison"] = "not shown (base under threshold)"
    out["difference_pts"] = out["pct"] - force_pct
    out["quarter_label"] = quarter_label(quarter)
    out["method"] = COMPARISON_NAME
    return with_selected(out.sort_values("name").reset_index(drop=True), district_ids)


def with_selected(comparison: pd.DataFrame, district_ids: Sequence[str] | None) -> pd.DataFrame:
    """``comparison`` with ``selected`` marking the chosen districts (all when None): the only column that
    depends on the choice, so a comparison worked out once serves every choice of districts."""
    selected = set(district_ids) if district_ids is not None else set(comparison["district_id"])
    return comparison.assign(selected=comparison["district_id"].isin(selected))
