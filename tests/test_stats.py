"""Statistics against independent test vectors (published or computed by hand)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from analytics import config, stats


@pytest.mark.parametrize(
    ("x", "n", "lo", "hi"),
    [
        (7, 20, 18.1, 56.7),
        (0, 10, 0.0, 27.8),
        (10, 10, 72.2, 100.0),
    ],
)
def test_wilson_interval_vectors(x, n, lo, hi):
    got_lo, got_hi = stats.wilson_interval(x / n, n)
    assert round(100 * got_lo, 1) == lo
    assert round(100 * got_hi, 1) == hi


def _wilson_by_hand(p: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@given(hs.floats(0, 1), hs.floats(1, 50_000))
def test_wilson_matches_the_textbook_formula(p, n):
    lo, hi = stats.wilson_interval(p, n)
    elo, ehi = _wilson_by_hand(p, n)
    assert lo == pytest.approx(max(elo, 0), abs=1e-9)
    assert hi == pytest.approx(min(ehi, 1), abs=1e-9)
    assert 0 <= lo <= p + 1e-12 and p - 1e-12 <= hi <= 1


def test_wilson_interval_agrees_with_statsmodels_at_every_confidence():
    rng = np.random.default_rng(11)
    n = rng.uniform(1, 5_000, 200)
    p = rng.uniform(0, 1, 200)
    for confidence in (0.8, 0.9, 0.95, 0.99):
        lo, hi = stats.wilson_interval(p, n, confidence)
        elo, ehi = proportion_confint(p * n, n, alpha=1 - confidence, method="wilson")
        np.testing.assert_allclose(lo, np.clip(elo, 0, 1), atol=1e-12)
        np.testing.assert_allclose(hi, np.clip(ehi, 0, 1), atol=1e-12)
    # The edges: no positive answers, all positive, and an effective base under one.
    p, n = np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([30.0, 30.0, 0.5, 0.5, 0.5])
    lo, hi = stats.wilson_interval(p, n)
    elo, ehi = proportion_confint(p * n, n, method="wilson")
    np.testing.assert_allclose(lo, np.clip(elo, 0, 1), atol=1e-12)
    np.testing.assert_allclose(hi, np.clip(ehi, 0, 1), atol=1e-12)


@pytest.mark.parametrize("n", [3, 4, 10, 43])
def test_spearman_agrees_with_scipy_ties_included(n):
    from scipy.stats import spearmanr

    rng = np.random.default_rng(n)
    for _ in range(20):
        x = rng.integers(0, 6, n).astype(float)  # ties on purpose
        y = x * rng.uniform(-1, 1) + rng.normal(0, 2, n)
        if np.ptp(x) == 0:
            continue
        rho, p = stats.spearman(x, y)
        expected = spearmanr(x, y)
        assert rho == pytest.approx(expected.statistic, abs=1e-12)
        assert p == pytest.approx(expected.pvalue, abs=1e-12)


def test_spearman_of_a_perfect_order_and_of_too_few_pairs():
    assert stats.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == (1.0, 0.0)
    assert all(np.isnan(v) for v in stats.spearman([1, 2], [3, 4]))
    assert all(np.isnan(v) for v in stats.spearman([1, 1, 1], [3, 4, 5]))


def test_two_proportion_test_vector_significant_although_intervals_overlap():
    z, p = stats.two_proportion_test(0.6, 200, 0.7, 200)
    assert p == pytest.approx(0.036, abs=0.001)
    assert p < 0.05
    _, hi1 = stats.wilson_interval(0.6, 200)
    lo2, _ = stats.wilson_interval(0.7, 200)
    assert hi1 > lo2, "the intervals overlap, yet the difference is significant"
    assert z < 0


def test_two_proportion_test_agrees_with_statsmodels():
    rng = np.random.default_rng(3)
    n1, n2 = rng.integers(20, 2000, 50), rng.integers(20, 2000, 50)
    x1, x2 = rng.binomial(n1, 0.4), rng.binomial(n2, 0.45)
    z, p = stats.two_proportion_test(x1 / n1, n1, x2 / n2, n2)
    for i in range(50):
        ez, ep = proportions_ztest([x1[i], x2[i]], [n1[i], n2[i]])
        assert z[i] == pytest.approx(ez)
        assert p[i] == pytest.approx(ep)


def test_effective_base_vector():
    assert stats.effective_base([1] * 50 + [3] * 50) == pytest.approx(80.0)
    assert stats.effective_base([2.5] * 40) == pytest.approx(40.0)


def test_suppression_rule_thresholds_and_blanking():
    rule = stats.SuppressionRule()
    assert list(rule.status([0, 49, 50, 99, 100, 5000])) == [
        "suppressed",
        "suppressed",
        "low base",
        "low base",
        "ok",
        "ok",
    ]
    frame = pd.DataFrame({"n": [49, 75, 120], "pct": [40.0, 50.0, 60.0], "label": ["a", "b", "c"]})
    out = rule.apply(frame, ["pct", "label"])
    assert out["pct"].isna().tolist() == [True, False, False]
    assert out["label"].isna().tolist() == [True, False, False]
    assert frame["pct"].notna().all(), "the input is not modified"


def test_suppression_rule_is_configurable(monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_SUPPRESS_BELOW", "30")
    monkeypatch.setenv("ENGAGEMENT_FLAG_BELOW", "60")
    settings = config.load_settings()
    rule = stats.SuppressionRule(settings.suppress_below, settings.flag_below)
    assert list(rule.status([29, 30, 59, 60])) == ["suppressed", "low base", "low base", "ok"]
    with pytest.raises(ValueError):
        stats.SuppressionRule(100, 50)


def test_comparison_only_when_interval_excludes_value():
    out = stats.compare_interval_to_value([60, 40, 45, np.nan], [70, 48, 55, 50], [50, 50, 50, 50])
    assert list(out) == ["better", "worse", "similar", "not compared"]


def test_change_direction_words():
    out = stats.change_direction([2.5, -2.5, 1.0, np.nan], [0.01, 0.01, 0.3, np.nan])
    assert list(out) == ["improved", "declined", "no significant change", "not compared"]


def test_estimates_from_sums_uses_effective_base():
    frame = pd.DataFrame({"n": [100], "sum_w": [200.0], "sum_w2": [500.0], "sum_w_pos": [120.0]})
    out = stats.estimates_from_sums(frame).iloc[0]
    assert out["pct"] == pytest.approx(60.0)
    assert out["n_eff"] == pytest.approx(80.0)
    lo, hi = _wilson_by_hand(0.6, 80.0)
    assert out["ci_low"] == pytest.approx(100 * lo)
    assert out["ci_high"] == pytest.approx(100 * hi)


def _funnel_by_hand(p0: float, n: float, z: float) -> tuple[float, float]:
    # The score test's limits around the target (Spiegelhalter), written out independently.
    half = z * math.sqrt(p0 * (1 - p0) / n)
    return p0 - half, p0 + half


@pytest.mark.parametrize(
    ("p0", "n", "confidence", "lo", "hi"),
    [
        # Worked by hand: p0 = 0.6, n = 100, z = 1.959964: 0.6 ± 1.959964 × 0.0489898.
        (0.6, 100, 0.95, 0.50398, 0.69602),
        # z for 99.8% is 3.090232; n = 200, p0 = 0.7: 0.7 ± 3.090232 × 0.0324037.
        (0.7, 200, 0.998, 0.59986, 0.80014),
    ],
)
def test_funnel_limit_vectors(p0, n, confidence, lo, hi):
    got = stats.funnel_limits(p0, n, confidence)
    assert got[0] == pytest.approx(lo, abs=5e-5)
    assert got[1] == pytest.approx(hi, abs=5e-5)
    assert got == pytest.approx(_funnel_by_hand(p0, n, stats.z_for(confidence)))


@given(
    hs.floats(0.01, 0.99),
    hs.floats(10, 5000),
    hs.floats(0.05, 0.95),
)
def test_funnel_and_interval_give_one_verdict(p, n, p0):
    """Outside the 95% funnel limits exactly when the Wilson interval excludes the force value, and on the side
    the comparison says (the one rule for "different from the force")."""
    lo, hi = stats.wilson_interval(p, n)
    verdict = stats.compare_interval_to_value(100 * lo, 100 * hi, 100 * p0)
    position = str(stats.funnel_position(np.array([100 * p]), np.array([n]), 100 * p0)[0])
    assert position.startswith("above") == (verdict == "better")
    assert position.startswith("below") == (verdict == "worse")
    flo, fhi = stats.funnel_limits(p0, n, 0.95)
    if abs(p - flo) > 1e-9 and abs(p - fhi) > 1e-9:  # away from the limit itself (rounding)
        assert (p < flo or p > fhi) == (verdict != "similar")


def test_funnel_limits_narrow_with_base_and_nest():
    n = np.array([20, 50, 100, 400, 2000])
    lo95, hi95 = stats.funnel_limits(0.65, n, 0.95)
    lo998, hi998 = stats.funnel_limits(0.65, n, 0.998)
    assert np.all(np.diff(hi95 - lo95) < 0)
    assert np.all(lo998 < lo95) and np.all(hi998 > hi95)


def test_funnel_limits_cover_binomial_draws_at_their_level():
    rng = np.random.default_rng(11)
    n = 300
    draws = rng.binomial(n, 0.62, 20_000) / n
    lo, hi = stats.funnel_limits(0.62, n, 0.95)
    inside = np.mean((draws >= lo) & (draws <= hi))
    assert 0.935 <= inside <= 0.965


def test_funnel_position():
    lo95, hi95 = stats.funnel_limits(0.6, 100, 0.95)
    lo998, hi998 = stats.funnel_limits(0.6, 100, 0.998)
    pct = np.array([60, 100 * hi95 + 0.5, 100 * hi998 + 0.5, 100 * lo95 - 0.5, 100 * lo998 - 0.5, np.nan])
    got = stats.funnel_position(pct, np.full(6, 100.0), 60.0)
    assert list(got) == [
        "within limits",
        "above 95% limit",
        "above 99.8% limit",
        "below 95% limit",
        "below 99.8% limit",
        "not shown",
    ]


@pytest.mark.parametrize(
    ("p", "text"), [(0.0004, "p < 0.001"), (0.036, "p = 0.036"), (0.0496, "p = 0.0496"), (0.3, "p = 0.300")]
)
def test_format_p_never_rounds_across_the_verdict(p, text):
    assert stats.format_p(p) == text
    assert stats.format_p(float("nan")) == ""
