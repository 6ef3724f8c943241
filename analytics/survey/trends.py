"""Figures for the Confidence trends page.

Everything here starts from the weighted sums in ``measures.positive_sums`` so
that single quarters and pooled rolling years share one path, and suppression
is applied before anything leaves this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd

from analytics.contract.rules import DEMOGRAPHIC_BREAKDOWNS, whitelisted
from analytics.periods import add_quarters, quarter_label, quarter_start, quarters_between
from analytics.stats import (
    FUNNEL_LEVELS,
    SuppressionRule,
    change_direction,
    funnel_limits,
    funnel_position,
    two_proportion_test,
)
from analytics.storage.db import Database
from analytics.survey import measures
from analytics.verdicts import NOT_COMPARABLE, SeriesBreaks, change_text

FORCE_ID = "__force__"
FORCE_NAME = "Force"
_SUMS = ["n", *measures.SUM_COLUMNS]


def period_label(quarter: date, pooled: bool) -> str:
    """``Q3 2018/19``, or ``Year to Q3 2018/19`` for a pooled rolling year."""
    return f"Year to {quarter_label(quarter)}" if pooled else quarter_label(quarter)


def _pool(sums: pd.DataFrame, keys: list[str], quarters: list[date], window: int) -> pd.DataFrame:
    """Sums over the ``window`` quarters ending at each of ``quarters`` (complete windows only)."""
    if window == 1:
        return sums[sums["quarter_start"].isin(quarters)]
    rows = []
    for q in quarters:
        span = set(quarters_between(add_quarters(q, 1 - window), q))
        part = sums[sums["quarter_start"].isin(span)]
        counts = part.groupby(keys, dropna=False)["quarter_start"].nunique()
        totals = part.groupby(keys, dropna=False)[_SUMS].sum()
        totals = totals[counts.reindex(totals.index) == window].reset_index()
        totals["quarter_start"] = q
        rows.append(totals)
    return pd.concat(rows, ignore_index=True) if rows else sums.iloc[0:0]


def _series_sums(
    db: Database, question_id: str, first: date, last: date, district_ids: Sequence[str], pooled: bool
) -> pd.DataFrame:
    """Sums per series (each district, and the whole force) per quarter, pooled if asked."""
    window = 4 if pooled else 1
    fetch_from = add_quarters(first, 1 - window)
    quarters = quarters_between(first, last)
    districts, force = measures.sums_with_force(db, [question_id], fetch_from, last, district_ids)
    districts, force = districts.drop(columns="question_id"), force.drop(columns="question_id")
    force["district_id"] = FORCE_ID
    both = pd.concat([districts, force], ignore_index=True)
    return _pool(both, ["district_id"], quarters, window).rename(columns={"district_id": "series_id"})


def series_breaks(db: Database) -> SeriesBreaks:
    """The survey method changes (annotations of kind "method change")."""
    return SeriesBreaks.from_annotations(annotations(db))


def _test(frame: pd.DataFrame, other: pd.DataFrame, suffix: str, breaks: SeriesBreaks, window: int = 1) -> pd.DataFrame:
    """Add the change against ``other`` (same series, matched on ``match_quarter``); a change that spans a
    survey method change (anywhere from the first quarter of the earlier ``window`` to the later period) is
    not tested ("not comparable"), and ``words_<suffix>`` says so with its quarter."""
    cols = ["series_id", "quarter_start", "pct", "n_eff"]
    ref = other[cols].rename(columns={"quarter_start": "match_quarter", "pct": "ref_pct", "n_eff": "ref_n_eff"})
    out = frame.merge(ref, on=["series_id", "match_quarter"], how="left")
    z, p = two_proportion_test(out["pct"] / 100, out["n_eff"], out["ref_pct"] / 100, out["ref_n_eff"])
    series = out["series_id"].where(out["series_id"] != FORCE_ID, None)
    earliest = [add_quarters(q, 1 - window) for q in out["match_quarter"]]
    spans = breaks.between_each(earliest, out["quarter_start"], series)
    broken = np.array([b is not None for b in spans], dtype=bool)
    change = np.where(broken, NOT_COMPARABLE, change_direction(z, p))
    out[f"change_{suffix}"] = change
    out[f"p_{suffix}"] = np.where(broken, np.nan, p)
    out[f"diff_{suffix}"] = np.where(broken, np.nan, out["pct"] - out["ref_pct"])
    out[f"words_{suffix}"] = [change_text(c, b) for c, b in zip(change, spans, strict=True)]
    return out.drop(columns=["ref_pct", "ref_n_eff", "match_quarter"])


def district_trends(
    db: Database,
    question_id: str,
    quarter_from: date,
    quarter_to: date,
    district_ids: Sequence[str],
    pooled: bool = False,
    rule: SuppressionRule | None = None,
) -> pd.DataFrame:
    """Each chosen district and the force, quarter by quarter, with significance marks.

    Changes are tested against the same period a year before and, for single
    quarters, against the previous quarter (overlapping rolling years are not
    independent, so they are not tested against each other).
    """
    rule = rule or SuppressionRule()
    history_from = add_quarters(quarter_from, -4)
    sums = _series_sums(db, question_id, history_from, quarter_to, district_ids, pooled)
    est = measures.suppressed_estimates(sums, rule)
    shown = est[est["quarter_start"] >= quarter_from].copy()
    breaks = series_breaks(db)
    shown["match_quarter"] = [add_quarters(q, -4) for q in shown["quarter_start"]]
    shown = _test(shown, est, "year", breaks, 4 if pooled else 1)
    if pooled:
        shown["change_quarter"], shown["p_quarter"], shown["diff_quarter"] = "not compared", np.nan, np.nan
        shown["words_quarter"] = change_text("not compared")
    else:
        shown["match_quarter"] = [add_quarters(q, -1) for q in shown["quarter_start"]]
        shown = _test(shown, est, "quarter", breaks)
    names = measures.districts(db).set_index("district_id")["name"].to_dict()
    shown["series_name"] = shown["series_id"].map(names).fillna(FORCE_NAME)
    shown["kind"] = np.where(shown["series_id"] == FORCE_ID, "force", "district")
    incomplete = measures.incomplete_quarters(db)
    late = shown["quarter_start"].isin(list(incomplete))
    shown["period_label"] = [
        period_label(q, pooled) + (" (incomplete)" if q in incomplete else "") for q in shown["quarter_start"]
    ]
    for suffix in ("year", "quarter"):
        # A comparison with a quarter still in the field says so.
        shown.loc[late, f"words_{suffix}"] = shown.loc[late, f"words_{suffix}"] + " (this quarter is incomplete)"
    shown["marker"] = _marker(shown)
    shown["segment"] = _segments(db, shown)
    return shown.sort_values(["kind", "series_name", "quarter_start"]).reset_index(drop=True)


def _marker(frame: pd.DataFrame) -> np.ndarray:
    """Symbol for a significant change: ▲/▼ against a year before, ◆ against the previous quarter."""
    year = frame["change_year"].to_numpy()
    quarter = frame["change_quarter"].to_numpy()
    return np.select(
        [year == "improved", year == "declined", np.isin(quarter, ["improved", "declined"])],
        ["▲ up on a year before", "▼ down on a year before", "◆ changed on the previous quarter"],
        "",
    )


def _segments(db: Database, frame: pd.DataFrame) -> np.ndarray:
    """Line segment number: it increases at each survey method change, so the line breaks there."""
    notes = annotations(db)
    changes = notes[notes["kind"] == "method change"]
    seg = np.zeros(len(frame), dtype=int)
    for row in (SimpleNamespace(**r) for r in changes.to_dict("records")):
        applies = frame["series_id"].eq(row.district_id) | pd.isna(row.district_id) | frame["kind"].eq("force")
        seg += (applies & (frame["quarter_start"] >= row.start_date)).to_numpy(dtype=int)
    return seg


def annotations(db: Database, quarter_from: date | None = None, quarter_to: date | None = None) -> pd.DataFrame:
    """Annotations overlapping the quarter range (all when no range), with their quarter labels."""
    df = db.memo("annotations", "SELECT * FROM annotations ORDER BY start_date, annotation_id")
    start = pd.to_datetime(df["start_date"])
    df["start_date"] = start.dt.date
    df["end_date"] = pd.to_datetime(df["end_date"]).fillna(start).dt.date  # one-day marks end where they start
    if quarter_from is not None and quarter_to is not None:
        df = df[(df["end_date"] >= quarter_from) & (df["start_date"] <= add_quarters(quarter_to, 1))]
    df["start_quarter"] = [quarter_start(s) for s in df["start_date"]]
    df["end_quarter"] = [quarter_start(e) for e in df["end_date"]]
    if quarter_from is not None and quarter_to is not None:
        df["start_quarter"] = df["start_quarter"].clip(lower=quarter_from)
        df["end_quarter"] = df["end_quarter"].clip(upper=quarter_to)
    return df.reset_index(drop=True)


def benchmark_trend(
    db: Database, question_id: str, quarter_from: date, quarter_to: date, group_id: str = "msg", pooled: bool = False
) -> pd.DataFrame:
    """A comparator group's figures over the range (rolling-year mean of quarters when pooled)."""
    first = add_quarters(quarter_from, -3 if pooled else 0)
    df = db.query(
        "SELECT quarter_start, value_pct, source FROM benchmarks "
        "WHERE question_id = ? AND group_id = ? AND quarter_start BETWEEN ? AND ? ORDER BY quarter_start",
        [question_id, group_id, first, quarter_to],
    )
    df["quarter_start"] = pd.to_datetime(df["quarter_start"]).dt.date
    if pooled and len(df):
        full = pd.DataFrame({"quarter_start": quarters_between(first, quarter_to)})
        df = full.merge(df, on="quarter_start", how="left")
        df["value_pct"] = df["value_pct"].rolling(4, min_periods=4).mean()
        df["source"] = df["source"].ffill()
    df = df[(df["quarter_start"] >= quarter_from) & df["value_pct"].notna()].copy()
    df["period_label"] = [period_label(q, pooled) for q in df["quarter_start"]]
    return df.reset_index(drop=True)


def benchmark_values(db: Database, question_ids: Sequence[str], quarter: date, group_id: str = "msg") -> dict:
    """A comparator group's value for each of ``question_ids`` in one quarter (those it has), in one query."""
    df = db.query(
        "SELECT question_id, value_pct FROM benchmarks WHERE list_contains($ids, question_id) AND group_id = $g "
        "AND quarter_start = $q AND value_pct IS NOT NULL ORDER BY question_id",
        {"ids": list(question_ids), "g": group_id, "q": quarter},
    )
    return dict(zip(df["question_id"], df["value_pct"].astype(float), strict=True))


def answer_distribution(
    db: Database,
    question_id: str,
    quarter_from: date,
    quarter_to: date,
    district_id: str | None = None,
    pooled: bool = False,
    rule: SuppressionRule | None = None,
) -> pd.DataFrame:
    """Weighted share of every answer per period, laid out for a diverging stacked bar.

    Positive answers sit right of zero (so they add up to the headline figure),
    every other answer to the left: neutral nearest zero, "Don't know" furthest.
    A period whose base is under the suppression threshold is left out entirely.
    """
    rule = rule or SuppressionRule()
    window = 4 if pooled else 1
    fetch_from = add_quarters(quarter_from, 1 - window)
    raw = db.query(
        """
        SELECT CAST(date_trunc('quarter', interview_date) AS DATE) AS quarter_start, answer,
               count(*) AS n, sum(weight) AS sum_w
        FROM survey_responses
        WHERE question_id = $q AND interview_date >= $f AND interview_date < $t
          AND ($d IS NULL OR district_id = $d)
        GROUP BY ALL
        """,
        {"q": question_id, "f": fetch_from, "t": add_quarters(quarter_to, 1), "d": district_id},
    )
    raw["quarter_start"] = pd.to_datetime(raw["quarter_start"]).dt.date
    question = measures.questions(db).set_index("question_id").loc[question_id]
    answers = list(question["answers"])
    positive = list(question["positive_answers"])
    rows = []
    for q in quarters_between(quarter_from, quarter_to):
        span = quarters_between(add_quarters(q, 1 - window), q)
        part = raw[raw["quarter_start"].isin(span)]
        if part["quarter_start"].nunique() < window:
            continue
        by_answer = part.groupby("answer")[["n", "sum_w"]].sum().reindex(answers, fill_value=0)
        n = int(by_answer["n"].sum())
        if rule.status(n) == "suppressed":
            continue
        shares = 100 * by_answer["sum_w"] / by_answer["sum_w"].sum()
        rows += _diverging_rows(q, pooled, n, rule.status(n), answers, positive, shares)
    return pd.DataFrame(rows, columns=_DIST_COLUMNS)


_DIST_COLUMNS = [
    "quarter_start",
    "period_label",
    "answer",
    "answer_order",
    "side",
    "share",
    "x_start",
    "x_end",
    "n",
    "base_status",
]


def _diverging_rows(q, pooled, n, status, answers, positive, shares) -> list[dict]:
    rows = []
    right = [a for a in answers if a in positive][::-1]  # weakest positive nearest zero
    left = [a for a in answers if a not in positive]  # neutral first, "Don't know" last
    for side, ordered, sign in (("positive", right, 1), ("other", left, -1)):
        edge = 0.0
        for a in ordered:
            share = float(shares[a])
            rows.append(
                {
                    "quarter_start": q,
                    "period_label": period_label(q, pooled),
                    "answer": a,
                    "answer_order": answers.index(a),
                    "side": side,
                    "share": share,
                    "x_start": sign * edge,
                    "x_end": sign * (edge + share),
                    "n": n,
                    "base_status": status,
                }
            )
            edge += share
    return rows


def funnel(
    db: Database, question_id: str, quarter: date, pooled: bool = False, rule: SuppressionRule | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every district's figure against its effective base, and the funnel's limit curves.

    Returns ``(points, limits)``: points per district with their position in the
    funnel; limits as lines of (n_eff, level, lower, upper) around the force value.
    """
    rule = rule or SuppressionRule()
    ids = list(measures.districts(db)["district_id"])
    trend = district_trends(db, question_id, quarter, quarter, ids, pooled, rule)
    force = trend[trend["kind"] == "force"]
    points = trend[trend["kind"] == "district"].copy()
    force_pct = float(force["pct"].iloc[0]) if len(force) and force["pct"].notna().any() else np.nan
    points["force_pct"] = force_pct
    points["position"] = funnel_position(points["pct"], points["n_eff"], force_pct)
    top = max(float(np.nanmax(points["n_eff"])) * 1.15, 100.0) if points["n_eff"].notna().any() else 1000.0
    grid = np.linspace(max(rule.hide_below * 0.6, 10), top, 120)
    limits = []
    for level in FUNNEL_LEVELS:
        lo, hi = funnel_limits(force_pct / 100, grid, level)
        limits.append(pd.DataFrame({"n_eff": grid, "level": f"{level * 100:g}%", "lower": 100 * lo, "upper": 100 * hi}))
    cols = [
        "series_id",
        "series_name",
        "pct",
        "ci_low",
        "ci_high",
        "n",
        "n_eff",
        "base_status",
        "base_text",
        "force_pct",
    ]
    return points[[*cols, "position", "period_label"]].reset_index(drop=True), pd.concat(limits, ignore_index=True)


def demographic_breakdown(
    db: Database,
    question_id: str,
    quarter: date,
    dimension: str,
    district_id: str | None = None,
    pooled: bool = True,
    rule: SuppressionRule | None = None,
) -> pd.DataFrame:
    """The measure by age band, sex or ethnic group for one district (or the force)."""
    rule = rule or SuppressionRule()
    whitelisted(dimension, DEMOGRAPHIC_BREAKDOWNS)
    window = 4 if pooled else 1
    sums = measures.positive_sums(
        db, question_id, add_quarters(quarter, 1 - window), quarter, [dimension], [district_id] if district_id else None
    )
    pooled_sums = sums.groupby(dimension, dropna=False)[_SUMS].sum().reset_index()
    est = measures.suppressed_estimates(pooled_sums, rule).rename(columns={dimension: "category"})
    est["dimension"] = dimension
    est["period_label"] = period_label(quarter, pooled)
    return est.sort_values("category").reset_index(drop=True)
