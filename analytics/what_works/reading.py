"""The What works reading: every exposure's estimate, its checks and verdict, for one measure and period.

For each exposure: the main estimate (the exposure in the quarter before the result), the same with the
quarter two before (a check on timing), and the falsification check (the quarter after, holding the quarter
before fixed). The main estimates' p-values are adjusted across the exposures shown (Holm).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analytics.stats import SuppressionRule
from analytics.storage.db import Database
from analytics.survey import measures
from analytics.what_works import panel as panels
from analytics.what_works import words
from analytics.what_works.estimate import Estimate, NotEstimable, estimate
from analytics.what_works.exposures import Exposure


@dataclass(frozen=True)
class Finding:
    """One exposure's estimates (None where not estimated) and verdicts."""

    key: str
    label: str
    unit: str
    per: float  # the unit's size in the figure as counted
    main: Estimate | None
    lag2: Estimate | None
    check: Estimate | None
    p_adjusted: float
    verdict: str
    check_verdict: str
    note: str = ""  # why it was not estimated


@dataclass(frozen=True)
class Reading:
    """The page's and the slide's answer for a measure and period."""

    question_id: str
    measure: str
    q_from: date
    q_to: date
    findings: list[Finding]
    shortfall: str | None  # why nothing was estimated, with what it needs
    outcomes: pd.DataFrame  # district_id, quarter_start, pct, n_eff
    force: pd.DataFrame  # quarter_start, pct: the force's result
    values: dict[str, pd.DataFrame] = field(default_factory=dict)  # per exposure key, as counted


def _try(data: pd.DataFrame, controls: tuple[str, ...] = ()) -> tuple[Estimate | None, str]:
    if panels.shortfall(data) is not None:
        return None, "too few district-quarters"
    if not panels.varies_within(data):
        return None, "does not change within districts in this period"
    try:
        return estimate(data, "x", controls), ""
    except NotEstimable:
        return None, "moves only with the district and quarter effects: nothing to estimate from"


def _finding(exposure: Exposure, results: pd.DataFrame, values: pd.DataFrame) -> tuple[Finding, str | None]:
    values = values.assign(value=values["value"] / exposure.per)  # in the estimate's units
    main_data = panels.panel(results, values, lag=1)
    main, note = _try(main_data)
    lag2, _ = _try(panels.panel(results, values, lag=2)) if main else (None, "")
    check, _ = _try(panels.panel(results, values, lag=-1, control_lag=1), ("control",)) if main else (None, "")
    finding = Finding(
        key=exposure.key,
        label=exposure.label,
        unit=exposure.unit,
        per=exposure.per,
        main=main,
        lag2=lag2,
        check=check,
        p_adjusted=math.nan,
        verdict=words.NOT_ESTIMATED,
        check_verdict=words.check(check.p_value if check else math.nan),
        note=note,
    )
    return finding, panels.shortfall(main_data)


def read(
    db: Database,
    question_id: str,
    measure: str,
    q_from: date,
    q_to: date,
    exposures: list[Exposure],
    rule: SuppressionRule,
) -> Reading:
    """The reading for ``question_id`` (named ``measure``) over the period, for ``exposures``."""
    results = panels.outcomes(db, question_id, q_from, q_to, rule)
    force = measures.estimates_of(db, [question_id], q_from, q_to, rule=rule)[["quarter_start", "pct"]]
    values = {e.key: panels.exposure_values(db, e, q_from, q_to) for e in exposures}
    pairs = [_finding(e, results, values[e.key]) for e in exposures]
    findings = [f for f, _ in pairs]
    shortfalls = [s for _, s in pairs]
    estimated = [i for i, f in enumerate(findings) if f.main is not None]
    if estimated:
        # imported here: statsmodels costs a server process tens of MiB, and only an estimate needs it
        from statsmodels.stats.multitest import multipletests

        adjusted = multipletests([findings[i].main.p_value for i in estimated], method="holm")[1]
        for i, p in zip(estimated, adjusted, strict=True):
            f = findings[i]
            findings[i] = Finding(**{**f.__dict__, "p_adjusted": float(p), "verdict": words.verdict(f.main.coef, p)})
    shortfall = shortfalls[0] if not estimated and shortfalls and all(shortfalls) else None
    return Reading(question_id, measure, q_from, q_to, findings, shortfall, results, force, values)


def _parts(e: Estimate | None) -> tuple[float, float, float, float]:
    return (e.coef, e.ci_low, e.ci_high, e.p_value) if e else (math.nan,) * 4


def frame(reading: Reading) -> pd.DataFrame:
    """The findings, one row per exposure, with plain column names (for charts, the slide and tests)."""
    rows = []
    for f in reading.findings:
        coef, low, high, p = _parts(f.main)
        c_coef, c_low, c_high, c_p = _parts(f.check)
        l_coef, l_low, l_high, _ = _parts(f.lag2)
        rows.append(
            {
                "key": f.key,
                "label": f.label,
                "unit": f.unit,
                "per": f.per,
                "coef": coef,
                "ci_low": low,
                "ci_high": high,
                "p": p,
                "p_adjusted": f.p_adjusted,
                "mde": f.main.mde if f.main else math.nan,
                "verdict": f.verdict,
                "check_coef": c_coef,
                "check_low": c_low,
                "check_high": c_high,
                "check_p": c_p,
                "check_verdict": f.check_verdict,
                "lag2_coef": l_coef,
                "lag2_low": l_low,
                "lag2_high": l_high,
                "n_obs": f.main.n_obs if f.main else 0,
                "n_units": f.main.n_units if f.main else 0,
                "note": f.note,
            }
        )
    return pd.DataFrame(rows)


def table(reading: Reading) -> pd.DataFrame:
    """The findings as the page shows them, one row per exposure."""
    rows = []
    for r in frame(reading).itertuples(index=False):
        estimated = r.coef == r.coef
        rows.append(
            {
                "Engagement (quarter before)": r.label,
                "Unit": r.unit,
                "Estimate (points)": round(r.coef, 2),
                "95% interval": words.interval(r.ci_low, r.ci_high) if estimated else "",
                "p (Holm)": round(r.p_adjusted, 4),
                "Smallest detectable (points)": round(r.mde, 2),
                "Reading": words.VERDICT_WORDS[r.verdict] if estimated else f"not estimated: {r.note}",
                "Check: quarter after (points)": round(r.check_coef, 2),
                "Check interval": words.interval(r.check_low, r.check_high) if r.check_coef == r.check_coef else "",
                "Check": words.CHECK_WORDS[r.check_verdict],
                "Two quarters before (points)": round(r.lag2_coef, 2),
                "Two quarters before interval": words.interval(r.lag2_low, r.lag2_high)
                if r.lag2_coef == r.lag2_coef
                else "",
                "District-quarters": r.n_obs,
            }
        )
    return pd.DataFrame(rows)
