"""The What works estimate: a two-way fixed-effects panel with a wild cluster bootstrap.

For a panel of units (districts) over periods (quarters), the outcome is regressed on one exposure (and any
controls) with unit and period fixed effects, each row weighted (by the survey's effective base). Fixed
differences between districts and force-wide shocks (COVID-19, a survey method change) drop out; what is left
is how a district's result moves, against its own usual level and the force's quarter, with its exposure.

- The coefficient and the conventional cluster-robust (CRV1) error are the bootstrap package's own least-squares
  fit (weighted, a column per district and per quarter); the tests check them against ``statsmodels``,
  ``linearmodels``' ``PanelOLS`` (effects absorbed, not written out) and plain least squares in numpy.
- With ten or so clusters those errors are unreliable, so the p-value and the 95% interval come from the wild
  cluster bootstrap of the ``wildboottest`` package: restricted (the null imposed, "WCR"), CRV1 errors, Webb's
  six-point weights (Rademacher weights give only 2^G distinct draws: 1,024 with ten districts), a fixed seed.
  The interval is the set of values the bootstrap test does not reject at 5%, found by bisection (test
  inversion: testing beta = r is testing zero on y - r x).
- The smallest effect the data could detect (80% power, 5% two-sided) is (z_0.975 + z_0.80) standard errors,
  the standard error read off the bootstrap interval (its half-width over z_0.975).

Both run on the weighted least-squares problem written out in full: rows scaled by the square root of their
weight, with a column per unit and per period (but the first). A force has tens of districts and quarters, so
the columns cost nothing, and the bootstrap (which takes a statsmodels-style design) sees the same regression.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

BOOTSTRAP_DRAWS = 9_999
SEED = 25
WEIGHTS = "webb"
ALPHA = 0.05
POWER = 0.80
METHOD = (
    "Two-way fixed effects (district and quarter), weighted by effective base; 95% interval and p-value from a "
    f"restricted wild cluster bootstrap by district (Webb weights, {BOOTSTRAP_DRAWS:,} draws, fixed seed)"
)
MDE_FACTOR = (ndtri(1 - ALPHA / 2) + ndtri(POWER)) / ndtri(1 - ALPHA / 2)


@functools.cache
def _bootstrap_class() -> type:
    """``WildboottestCL`` with its CRV1 denominator computed in numpy.

    The package compiles a numba kernel afresh on every call (a quarter of a second each); an interval needs
    dozens of tests. This is the same formula, vectorised over draws; a test checks it against the package's.
    Imported when first estimated, not with the module: it and scipy.stats cost a server process about 50 MiB,
    and the Star Chamber page (which reaches this module through the meeting pack) never estimates."""
    from wildboottest.wildboottest import WildboottestCL

    class _Bootstrap(WildboottestCL):
        def get_denom(self):
            if self.crv_type != "crv1":
                return super().get_denom()
            g = len(self.bootclustid)
            h = np.empty((g, g))
            a = self.R @ self.tXXinv
            for i in range(g):
                h[i] = a @ self.tXgXg_list[i] @ self.tXXinv @ self.scores_mat
            z = self.Cg[:, None] * self.v - h @ self.v
            self.denom = self.ssc * np.sum(z * z, axis=0)

    return _Bootstrap


class NotEstimable(ValueError):
    """The exposure does not move apart from the district and quarter effects: nothing to estimate from."""


@dataclass(frozen=True)
class Estimate:
    """One exposure's estimate, in outcome units per unit of exposure."""

    coef: float
    ci_low: float
    ci_high: float
    p_value: float
    se_conventional: float
    mde: float
    n_obs: int
    n_units: int
    n_periods: int


def _design(panel: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, x column, cluster codes) of the weighted problem with explicit unit and period columns."""
    root = np.sqrt(panel["weight"].to_numpy(dtype=float))
    units = pd.get_dummies(panel["unit"], dtype=float).to_numpy()
    periods = pd.get_dummies(panel["period"], dtype=float).to_numpy()[:, 1:]
    x = panel[columns].to_numpy(dtype=float)
    design = np.column_stack([x, units, periods]) * root[:, None]
    y = panel["y"].to_numpy(dtype=float) * root
    codes = pd.factorize(panel["unit"])[0]
    return design, y, design[:, 0], codes


def _bootstrap(design: np.ndarray, y: np.ndarray, clusters: np.ndarray, draws: int):
    """The package's restricted wild cluster bootstrap for the first column's coefficient being 0, run."""
    r = np.zeros(design.shape[1])
    r[0] = 1.0
    boot = _bootstrap_class()(X=design, Y=y, cluster=clusters, R=r, B=draws, seed=SEED, parallel=False)
    boot.get_scores(bootstrap_type="11", impose_null=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot.get_weights(weights_type=WEIGHTS)
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    return boot


def bootstrap_p(design: np.ndarray, y: np.ndarray, clusters: np.ndarray, draws: int = BOOTSTRAP_DRAWS) -> float:
    """Two-sided p-value of the restricted wild cluster bootstrap for the first column's coefficient being 0."""
    return float(_bootstrap(design, y, clusters, draws).pvalue)


def _bound(design, y, x, clusters, coef: float, step: float, draws: int) -> float:
    """The interval's end on the side of ``step``: where the test of beta = r starts to reject at ALPHA."""
    inside, outside = coef, coef + step
    for _ in range(12):
        if bootstrap_p(design, y - outside * x, clusters, draws) < ALPHA:
            break
        inside, outside = outside, outside + 2 * (outside - coef)
    else:
        return float("inf") * np.sign(step)
    while abs(outside - inside) > 0.01 * abs(step):
        mid = (inside + outside) / 2
        if bootstrap_p(design, y - mid * x, clusters, draws) < ALPHA:
            outside = mid
        else:
            inside = mid
    return (inside + outside) / 2


def estimate(panel: pd.DataFrame, exposure: str = "x", controls: tuple[str, ...] = ()) -> Estimate:
    """The estimate of ``exposure`` on ``y`` in ``panel`` (columns unit, period, y, weight and the exposure and
    controls); rows with anything missing are left out."""
    columns = [exposure, *controls]
    panel = panel.dropna(subset=["y", "weight", *columns]).reset_index(drop=True)
    design, y, x, clusters = _design(panel, columns)
    # On the small cross-product matrix: LAPACK on the tall design is slow on a busy shared server.
    if len(panel) <= design.shape[1] or np.linalg.matrix_rank(design.T @ design) < design.shape[1]:
        raise NotEstimable(exposure)
    boot = _bootstrap(design, y, clusters, BOOTSTRAP_DRAWS)
    coef, p = float(boot.beta_hat[0]), float(boot.pvalue)
    se = float(np.sqrt(boot.ssc * boot.vcov[0, 0]))  # conventional CRV1, the package's small-sample factor
    width = max(se, 1e-9) * 2
    low = _bound(design, y, x, clusters, coef, -width, BOOTSTRAP_DRAWS)
    high = _bound(design, y, x, clusters, coef, width, BOOTSTRAP_DRAWS)
    return Estimate(
        coef=coef,
        ci_low=low,
        ci_high=high,
        p_value=p,
        se_conventional=se,
        mde=MDE_FACTOR * (high - low) / 2,
        n_obs=len(panel),
        n_units=panel["unit"].nunique(),
        n_periods=panel["period"].nunique(),
    )
