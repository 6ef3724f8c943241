"""Statistics the panel can trust: weighted proportions, Wilson intervals,
two-proportion tests, comparisons and the small-base suppression rule.

Every function is vectorised over numpy arrays or pandas Series so that a whole
table of district-quarters is handled in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri, stdtr

from analytics.verdicts import base_texts

CONFIDENCE = 0.95
TEST_NAME = "two-proportion z-test (pooled), 95%, on effective bases"
COMPARISON_NAME = "95% Wilson interval of the district against the force value"


def effective_base(weights) -> float:
    """Kish effective base (sum w)^2 / sum w^2 of a set of weights."""
    w = np.asarray(weights, dtype=float)
    s2 = float(np.sum(w * w))
    return float(np.sum(w)) ** 2 / s2 if s2 > 0 else 0.0


def effective_base_from_sums(sum_w, sum_w2):
    """Effective base from the sums of weights and squared weights (vectorised)."""
    sum_w = np.asarray(sum_w, dtype=float)
    sum_w2 = np.asarray(sum_w2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sum_w2 > 0, sum_w * sum_w / sum_w2, 0.0)


def wilson_interval(p, n, confidence: float = CONFIDENCE):
    """Wilson score interval for proportion ``p`` on base ``n`` (may be an effective base).

    Returns ``(lower, upper)`` as arrays (or floats for scalar input); NaN where n is 0.
    """
    p_arr = np.asarray(p, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    ok = (n_arr > 0) & np.isfinite(p_arr)
    safe_n = np.where(ok, n_arr, 1.0)
    safe_p = np.where(ok, p_arr, 0.0)
    # The score interval in closed form (Wilson 1927; statsmodels' ``proportion_confint(method="wilson")`` gives the
    # same, tested): importing statsmodels for it cost every server process about 48 MiB (scipy.stats).
    z = z_for(confidence)
    z2n = z * z / safe_n
    centre = (safe_p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * np.sqrt(safe_p * (1 - safe_p) / safe_n + z2n / (4 * safe_n))
    lo, hi = centre - half, centre + half
    lo = np.where(ok, np.clip(lo, 0.0, 1.0), np.nan)
    hi = np.where(ok, np.clip(hi, 0.0, 1.0), np.nan)
    if np.ndim(p) == 0 and np.ndim(n) == 0:
        return float(lo), float(hi)
    return lo, hi


def two_proportion_test(p1, n1, p2, n2):
    """Pooled two-proportion z-test of p1 against p2; returns ``(z, two-sided p-value)``.

    Vectorised; the bases may be effective bases. NaN where either base is 0.
    """
    p1, n1, p2, n2 = (np.asarray(a, dtype=float) for a in (p1, n1, p2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
        z = np.where((n1 > 0) & (n2 > 0), z, np.nan)
    pval = 2 * ndtr(-np.abs(z))
    if z.ndim == 0:
        return float(z), float(pval)
    return z, pval


def spearman(x, y) -> tuple[float, float]:
    """Spearman's rank correlation of ``x`` and ``y`` and its two-sided p-value; NaN below three pairs.

    Pearson's correlation of the average ranks, tested with Student's t on n - 2 degrees of freedom: what
    ``scipy.stats.spearmanr`` does (tested against it), without importing scipy.stats (about 48 MiB a process).
    """
    rx = pd.Series(np.asarray(x, dtype=float)).rank().to_numpy()
    ry = pd.Series(np.asarray(y, dtype=float)).rank().to_numpy()
    n = len(rx)
    if n < 3 or np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return np.nan, np.nan
    rho = float(np.clip(np.corrcoef(rx, ry)[0, 1], -1.0, 1.0))
    dof = n - 2
    if abs(rho) == 1.0:
        return rho, 0.0
    t = rho * np.sqrt(dof / ((1.0 - rho) * (1.0 + rho)))
    return rho, float(2 * stdtr(dof, -abs(t)))


def format_p(p: float) -> str:
    """``p = 0.036``; ``p < 0.001`` when tiny; four places near 0.05 so rounding never contradicts the verdict."""
    if not np.isfinite(p):
        return ""
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.4f}" if 0.045 <= p < 0.055 else f"p = {p:.3f}"


def z_for(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level (1.96 for 95%)."""
    return float(ndtri(1 - (1 - confidence) / 2))


def compare_interval_to_value(lower, upper, value, higher_is_better: bool = True):
    """'better', 'worse' or 'similar': where the interval lies against a comparator value.

    Follows the Fingertips convention: a difference is shown only when the 95%
    interval excludes the comparator.
    """
    lower, upper, value = (np.asarray(a, dtype=float) for a in (lower, upper, value))
    above = lower > value
    below = upper < value
    good, bad = ("better", "worse") if higher_is_better else ("worse", "better")
    out = np.where(above, good, np.where(below, bad, "similar"))
    out = np.where(np.isnan(lower) | np.isnan(upper) | np.isnan(value), "not compared", out)
    return out if out.ndim else str(out)


def change_direction(z, pval, alpha: float = 1 - CONFIDENCE, higher_is_better: bool = True):
    """'improved', 'declined' or 'no significant change' from a test's z and p-value."""
    z, pval = np.asarray(z, dtype=float), np.asarray(pval, dtype=float)
    sig = pval < alpha
    up, down = ("improved", "declined") if higher_is_better else ("declined", "improved")
    out = np.where(sig & (z > 0), up, np.where(sig & (z < 0), down, "no significant change"))
    out = np.where(np.isnan(pval), "not compared", out)
    return out if out.ndim else str(out)


# --- suppression -----------------------------------------------------------------


@dataclass(frozen=True)
class SuppressionRule:
    """Small-base rule: below ``hide_below`` a value is never shown; below ``flag_below`` flagged."""

    hide_below: int = 50
    flag_below: int = 100

    def __post_init__(self) -> None:
        if not 0 <= self.hide_below <= self.flag_below:
            raise ValueError("suppression thresholds must satisfy 0 <= hide_below <= flag_below")

    def status(self, n, n_eff=None):
        """'suppressed', 'low base' or 'ok' for base(s) ``n``; with ``n_eff``, on the smaller of the unweighted
        and the effective base (one heavy weight makes a large sample act like a small one)."""
        n = np.asarray(n, dtype=float)
        if n_eff is not None:
            n = np.fmin(n, np.asarray(n_eff, dtype=float))
        out = np.where(n < self.hide_below, "suppressed", np.where(n < self.flag_below, "low base", "ok"))
        return out if out.ndim else str(out)

    def apply(
        self, frame: pd.DataFrame, value_columns: list[str], base_column: str = "n", effective_column: str = "n_eff"
    ) -> pd.DataFrame:
        """Copy of ``frame`` with ``base_status`` (on the smaller of the unweighted and effective bases) and
        ``base_text`` columns; where suppressed, the values and the exact base are blanked (the base reads
        "under 50"), so a hidden value cannot be worked back from other figures."""
        out = frame.copy()
        n = out[base_column].to_numpy(dtype=float)
        eff = out[effective_column].to_numpy(dtype=float) if effective_column in out.columns else None
        out["base_status"] = self.status(n, eff)
        out["base_text"] = base_texts(n, n if eff is None else eff, out["base_status"], self.hide_below)
        hidden = out["base_status"] == "suppressed"
        for col in [*value_columns, base_column]:
            if col in out.columns:
                out[col] = out[col].mask(hidden)
        return out


def estimates_from_sums(frame: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Add ``pct``, ``n_eff``, ``ci_low`` and ``ci_high`` (percentages) to aggregated sums.

    ``frame`` holds ``n`` (unweighted base), ``sum_w``, ``sum_w2`` and ``sum_w_pos``.
    """
    out = frame.copy()
    sum_w = out["sum_w"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(sum_w > 0, out["sum_w_pos"].to_numpy(dtype=float) / sum_w, np.nan)
    n_eff = effective_base_from_sums(sum_w, out["sum_w2"].to_numpy(dtype=float))
    lo, hi = wilson_interval(p, n_eff, confidence)
    out["pct"] = 100 * p
    out["n_eff"] = n_eff
    out["ci_low"] = 100 * np.asarray(lo)
    out["ci_high"] = 100 * np.asarray(hi)
    return out


FUNNEL_LEVELS = (0.95, 0.998)
FUNNEL_METHOD = (
    "95% and 99.8% control limits around the force value, p ± z·√(p(1−p)/n) on the effective base (the score "
    "test): a district outside the 95% limits is exactly one whose 95% Wilson interval excludes the force value"
)


def funnel_limits(target, n, confidence: float):
    """Funnel-plot control limits for a proportion ``target`` at base(s) ``n``: ``target ± z·√(target(1−target)/n)``.

    These are the limits of the score test (the normal approximation to the binomial, as in Spiegelhalter's
    funnel plots), so a point lies outside them exactly when the Wilson interval of its own value excludes
    ``target``: the funnel and "better / worse than the force" always agree. Returns ``(lower, upper)`` as
    proportions, clipped to 0 and 1.
    """
    target = np.asarray(target, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_for(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(target * (1 - target) / n)
    lo, hi = np.clip(target - half, 0, 1), np.clip(target + half, 0, 1)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def funnel_position(pct, n, target_pct):
    """Where each point sits in the funnel: 'above 99.8% limit', 'above 95% limit', 'within limits', 'below 95%
    limit', 'below 99.8% limit'. Worked out from the point's own Wilson interval at each level against the
    target, the same comparison as ``compare_interval_to_value`` (the one rule for "different from the force")."""
    pct = np.asarray(pct, dtype=float)
    n = np.asarray(n, dtype=float)
    conditions, names = [], []
    for level, label in ((0.998, "99.8%"), (0.95, "95%")):
        lo, hi = wilson_interval(pct / 100, n, level)
        conditions += [100 * np.asarray(lo) > target_pct, 100 * np.asarray(hi) < target_pct]
        names += [f"above {label} limit", f"below {label} limit"]
    out = np.select(conditions, names, "within limits")
    return np.where(np.isnan(pct) | ~(n > 0) | np.isnan(np.asarray(target_pct, dtype=float)), "not shown", out)
