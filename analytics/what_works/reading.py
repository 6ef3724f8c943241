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
from statsmodels.stats.multitest import multipletests

from analytics.db import Database
from analytics.stats import SuppressionRule
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
    values: dict[str, pd.DataFrame] = field(default_factory=dict)  # per exposure key, in its units


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
    main_data = panels.panel(results, values, lag=1)
    main, note = _try(main_data)
    lag2, _ = _try(panels.panel(results, values, lag=2)) if main else (None, "")
    check, _ = _try(panels.panel(results, values, lag=-1, control_lag=1), ("control",)) if main else (None, "")
    finding = Finding(
        key=exposure.key,
        label=exposure.label,
        unit=exposure.unit,
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
    values = {e.key: panels.exposure_values(db, e, q_from, q_to) for e in exposures}
    pairs = [_finding(e, results, values[e.key]) for e in exposures]
    findings = [f for f, _ in pairs]
    shortfalls = [s for _, s in pairs]
    estimated = [i for i, f in enumerate(findings) if f.main is not None]
    if estimated:
        adjusted = multipletests([findings[i].main.p_value for i in estimated], method="holm")[1]
        for i, p in zip(estimated, adjusted, strict=True):
            f = findings[i]
            findings[i] = Finding(**{**f.__dict__, "p_adjusted": float(p), "verdict": words.verdict(f.main.coef, p)})
    shortfall = shortfalls[0] if not estimated and shortfalls and all(shortfalls) else None
    return Reading(question_id, measure, q_from, q_to, findings, shortfall, results, values)


def table(reading: Reading) -> pd.DataFrame:
    """The findings as the page and the slide show them, one row per exposure."""
    rows = []
    for f in reading.findings:
        m, c, l2 = f.main, f.check, f.lag2
        rows.append(
            {
                "Engagement (quarter before)": f.label,
                "Unit": f.unit,
                "Estimate (points)": m.coef if m else math.nan,
                "95% interval": words.interval(m.ci_low, m.ci_high) if m else "",
                "p (Holm)": f.p_adjusted,
                "Smallest detectable (points)": m.mde if m else math.nan,
                "Reading": words.VERDICT_WORDS[f.verdict] if m else f"not estimated: {f.note}",
                "Check: quarter after (points)": c.coef if c else math.nan,
                "Check interval": words.interval(c.ci_low, c.ci_high) if c else "",
                "Check": words.CHECK_WORDS[f.check_verdict],
                "Two quarters before (points)": l2.coef if l2 else math.nan,
                "Two quarters before interval": words.interval(l2.ci_low, l2.ci_high) if l2 else "",
                "District-quarters": m.n_obs if m else 0,
            }
        )
    return pd.DataFrame(rows)
