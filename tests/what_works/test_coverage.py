"""Over repeated small simulated forces, the bootstrap's 95% intervals cover the true effect about 95% of the
time (slow: a few hundred estimates), and its test rejects a true null about 5% of the time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.what_works import estimate as est

TRUE = 1.5
RUNS = 300


def simulated_force(seed: int, districts: int = 10, quarters: int = 16) -> pd.DataFrame:
    """A force like the demo: campaign quarters drawn at random, district and quarter effects, noise that
    drifts within a district (correlated within the cluster) and is larger where the base is smaller."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(districts), quarters)
    period = np.tile(np.arange(quarters), districts)
    level = np.repeat(rng.uniform(1, 3, districts), quarters)
    x = level + (rng.random(unit.size) < 0.25) * rng.uniform(1, 2.5, unit.size) + rng.normal(0, 0.3, unit.size)
    drift = np.zeros((districts, quarters))
    for t in range(1, quarters):
        drift[:, t] = 0.7 * drift[:, t - 1] + rng.normal(0, 1.5, districts)
    weight = rng.uniform(100, 250, unit.size)
    y = (
        40
        + TRUE * x
        + np.repeat(rng.normal(0, 5, districts), quarters)
        + np.tile(rng.normal(0, 3, quarters), districts)
        + drift.ravel()
        + rng.normal(0, 1, unit.size) * 50 / np.sqrt(weight)
    )
    return pd.DataFrame({"unit": unit, "period": period, "x": x, "y": y, "weight": weight})


def test_intervals_cover_the_true_value_about_95_percent_of_the_time():
    covered, rejected_null = 0, 0
    for seed in range(RUNS):
        data = simulated_force(seed)
        result = est.estimate(data)
        covered += result.ci_low <= TRUE <= result.ci_high
        # The same force with no effect: the test of zero should reject about 5% of the time.
        null = data.assign(y=data["y"] - TRUE * data["x"])
        design, y, _, clusters = est._design(null, ["x"])
        rejected_null += est.bootstrap_p(design, y, clusters) < est.ALPHA
    # 300 runs: a binomial 95% has a standard deviation of 1.3 points; these bounds are three of them.
    assert 0.91 <= covered / RUNS <= 0.99, covered / RUNS
    assert 0.01 <= rejected_null / RUNS <= 0.09, rejected_null / RUNS
