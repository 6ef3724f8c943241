"""The What works estimator against independent computations, and its bootstrap against the package's own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from wildboottest.wildboottest import WildboottestCL

from analytics.what_works import estimate as est
from analytics.what_works import panel as panels


def small_panel(seed: int = 1, units: int = 8, periods: int = 12, beta: float = 0.8) -> pd.DataFrame:
    """A weighted panel with unit and period effects and a within-unit exposure."""
    rng = np.random.default_rng(seed)
    unit = np.repeat([f"u{i}" for i in range(units)], periods)
    period = np.tile(np.arange(periods), units)
    x = rng.normal(size=units * periods) + np.repeat(rng.normal(size=units) * 3, periods)
    y = (
        beta * x
        + np.repeat(rng.normal(size=units) * 5, periods)
        + np.tile(rng.normal(size=periods) * 2, units)
        + rng.normal(size=units * periods)
    )
    return pd.DataFrame({"unit": unit, "period": period, "x": x, "y": y, "weight": rng.uniform(50, 200, y.size)})


def test_coefficient_matches_weighted_least_squares_with_dummies_in_numpy():
    data = small_panel()
    # Independent: the weighted normal equations with every unit and period dummy but one period, by hand.
    units = (data["unit"].to_numpy()[:, None] == np.unique(data["unit"])[None, :]).astype(float)
    periods = (data["period"].to_numpy()[:, None] == np.unique(data["period"])[None, 1:]).astype(float)
    x = np.column_stack([data["x"], units, periods])
    w = data["weight"].to_numpy()
    beta = np.linalg.solve(x.T @ (w[:, None] * x), x.T @ (w * data["y"].to_numpy()))
    assert est.estimate(data).coef == pytest.approx(beta[0], rel=1e-9)


def test_coefficient_and_error_match_linearmodels_and_statsmodels():
    import statsmodels.api as sm
    from linearmodels.panel import PanelOLS

    data = small_panel(seed=2)
    result = est.estimate(data)
    frame = data.set_index(["unit", "period"])
    absorbed = PanelOLS(frame["y"], frame[["x"]], entity_effects=True, time_effects=True, weights=frame["weight"])
    assert result.coef == pytest.approx(float(absorbed.fit().params["x"]), rel=1e-8)
    dummies = pd.get_dummies(data[["unit", "period"]].astype(str), drop_first=True, dtype=float)
    wls = sm.WLS(data["y"], sm.add_constant(pd.concat([data[["x"]], dummies], axis=1)), weights=data["weight"])
    fit = wls.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data["unit"])[0]})
    assert result.coef == pytest.approx(fit.params["x"], rel=1e-8)
    assert result.se_conventional == pytest.approx(fit.bse["x"], rel=1e-6)


def test_bootstrap_denominator_is_the_packages_own():
    data = small_panel(seed=3)
    design, y, _, clusters = est._design(data, ["x"])
    r = np.zeros(design.shape[1])
    r[0] = 1
    runs = []
    for cls in (WildboottestCL, est._bootstrap_class()):
        boot = cls(X=design, Y=y, cluster=clusters, R=r, B=999, seed=7, parallel=False)
        boot.get_scores(bootstrap_type="11", impose_null=True)
        boot.get_weights(weights_type="webb")
        boot.get_numer()
        boot.get_denom()
        boot.get_tboot()
        runs.append(boot.t_boot)
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-9)


def test_interval_ends_are_where_the_bootstrap_test_starts_to_reject():
    data = small_panel(seed=4)
    result = est.estimate(data)
    design, y, x, clusters = est._design(data, ["x"])
    width = result.ci_high - result.ci_low
    for end, outward in ((result.ci_low, -1), (result.ci_high, 1)):
        assert est.bootstrap_p(design, y - (end - outward * 0.03 * width) * x, clusters) >= est.ALPHA
        assert est.bootstrap_p(design, y - (end + outward * 0.03 * width) * x, clusters) < est.ALPHA
    assert result.ci_low < result.coef < result.ci_high
    assert result.mde == pytest.approx(est.MDE_FACTOR * width / 2)


def test_bootstrap_is_repeatable():
    data = small_panel(seed=5)
    assert est.estimate(data) == est.estimate(data)


def test_an_exposure_that_moves_only_with_the_quarters_is_not_estimable():
    data = small_panel(seed=6)
    data["x"] = data["period"] * 0.5  # the same in every district: the quarter effects take it all
    with pytest.raises(est.NotEstimable):
        est.estimate(data)


def test_too_few_district_quarters_says_what_it_needs():
    data = small_panel(units=3, periods=5)
    message = panels.shortfall(data)
    assert f"at least {panels.MIN_ROWS} district-quarters" in message
    assert "15 from 3 districts over 5 quarters" in message
    assert panels.shortfall(small_panel(units=12, periods=8)) is None
