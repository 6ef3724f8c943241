"""District-quarter panels for the What works estimate: a survey result beside engagement quarters before.

The outcome is a district's percentage positive in a quarter (values the suppression rule hides are left
out), weighted by its effective base. The exposure is read for the quarters around the period, so the first
quarter of the period still has the quarter before it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.periods import add_quarters
from analytics.stats import SuppressionRule
from analytics.storage.db import Database
from analytics.survey import measures
from analytics.what_works.exposures import Exposure

# Enough data for the estimate, decided here only: district-quarters with a result and the engagement before
# it, the districts they come from (the clusters of the bootstrap) and the quarters.
MIN_ROWS = 40
MIN_DISTRICTS = 5
MIN_QUARTERS = 6


def outcomes(db: Database, question_id: str, q_from: date, q_to: date, rule: SuppressionRule) -> pd.DataFrame:
    """Per district and quarter of the period: ``pct`` and its effective base ``n_eff`` (shown values only)."""
    est = measures.estimates_of(db, [question_id], q_from, q_to, rule=rule, by=["district_id"])
    est = est.dropna(subset=["pct", "n_eff"])
    return est.loc[est["n_eff"] > 0, ["district_id", "quarter_start", "pct", "n_eff"]].reset_index(drop=True)


def exposure_values(db: Database, exposure: Exposure, q_from: date, q_to: date) -> pd.DataFrame:
    """The exposure per district and quarter, two quarters before the period to one after, as counted (the
    estimate divides it by its unit's size, ``exposure.per``)."""
    return exposure.read(db, add_quarters(q_from, -2), add_quarters(q_to, 1))


def _shifted(values: pd.DataFrame, quarters: pd.Series, districts: pd.Series, lag: int) -> pd.Series:
    """The exposure ``lag`` quarters before each row's quarter (``lag`` -1: the quarter after)."""
    lookup = values.set_index(["district_id", "quarter_start"])["value"]
    keys = pd.MultiIndex.from_arrays([districts, [add_quarters(q, -lag) for q in quarters]])
    return pd.Series(lookup.reindex(keys).to_numpy(), index=quarters.index)


def panel(results: pd.DataFrame, values: pd.DataFrame, lag: int, control_lag: int | None = None) -> pd.DataFrame:
    """Columns unit, period, y, weight, x (the exposure ``lag`` quarters before) and, with ``control_lag``,
    control (the exposure that many quarters before); rows without the exposure are left out."""
    out = pd.DataFrame(
        {
            "unit": results["district_id"],
            "period": results["quarter_start"],
            "y": results["pct"].astype(float),
            "weight": results["n_eff"].astype(float),
            "x": _shifted(values, results["quarter_start"], results["district_id"], lag),
        }
    )
    if control_lag is not None:
        out["control"] = _shifted(values, results["quarter_start"], results["district_id"], control_lag)
    return out.dropna().reset_index(drop=True)


def shortfall(data: pd.DataFrame) -> str | None:
    """Why ``data`` is too little for the estimate, with what it needs; None when it is enough."""
    rows, districts, quarters = len(data), data["unit"].nunique(), data["period"].nunique()
    if rows >= MIN_ROWS and districts >= MIN_DISTRICTS and quarters >= MIN_QUARTERS:
        return None
    return (
        f"The estimate needs at least {MIN_ROWS} district-quarters with a survey result and the engagement "
        f"before it, from at least {MIN_DISTRICTS} districts over at least {MIN_QUARTERS} quarters. "
        f"This period has {rows:,} from {districts} district{'s' * (districts != 1)} over {quarters} "
        f"quarter{'s' * (quarters != 1)}: choose a longer period, or wait for more quarters of data."
    )


def varies_within(data: pd.DataFrame, column: str = "x") -> bool:
    """True when ``column`` moves within districts (else a fixed-effects estimate has nothing to go on)."""
    spread = data.groupby("unit")[column].transform(lambda s: s - s.mean())
    return bool((spread.abs() > 1e-9).sum() >= 2)
