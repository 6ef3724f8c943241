"""Known effects planted in the synthetic survey, for the What works page to recover (issue 25).

The spec's ``planted_effects`` give, per survey question, an exposure, its size in percentage points per unit
and its lag: a district's share answering positively in a quarter moves by ``points`` for each unit its exposure
in the quarter ``lag_quarters`` before sits above the district's own average. The effect works within
districts; the force-wide level in each quarter is still steered to the published anchor afterwards (the
survey's per-quarter shift), so the force-level calibration holds exactly.

The one exposure planted is ``events_per_10k``: engagement events held in the district in the quarter, per
10,000 residents, all activity types, as the What works page counts it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.periods import add_quarters, quarter_start


def held_events_per_10k(spec: dict, events: pd.DataFrame, quarters: list[date]) -> np.ndarray:
    """Held events per 10,000 residents, shape (quarters, districts)."""
    ids = [d["district_id"] for d in spec["districts"]]
    pop = np.array([sum(lad["population"] for lad in d["lads"]) for d in spec["districts"]], dtype=float)
    held = events[events["status"] == "held"]
    q = [quarter_start(t.date()) for t in held["start_at"]]
    counts = pd.crosstab(pd.Series(q, index=held.index), held["district_id"])
    counts = counts.reindex(index=quarters, columns=ids, fill_value=0)
    return counts.to_numpy(dtype=float) / pop * 10_000


def lagged_deviation(spec: dict, events: pd.DataFrame, quarters: list[date], lag: int) -> np.ndarray:
    """The exposure ``lag`` quarters before each quarter, less the district's own average, shape
    (quarters, districts); zero where the earlier quarter has no events data."""
    earlier = [add_quarters(q, -lag) for q in quarters]
    all_q = sorted(set(quarters) | set(earlier))
    x = pd.DataFrame(held_events_per_10k(spec, events, all_q), index=all_q)
    first_event = quarter_start(events["start_at"].min().date())
    x.loc[[q for q in all_q if q < first_event]] = np.nan
    lagged = x.reindex(earlier).to_numpy()
    dev = lagged - np.nanmean(lagged, axis=0)
    return np.nan_to_num(dev, nan=0.0)


def planted_points(spec: dict, events: pd.DataFrame | None, quarters: list[date]) -> dict[str, np.ndarray]:
    """Per question with a planted effect, the points added to each district's share, shape (quarters,
    districts)."""
    out = {}
    if events is None:
        return out
    for qid, effect in spec.get("planted_effects", {}).items():
        if qid.startswith("_"):
            continue
        if effect["exposure"] != "events_per_10k":
            raise ValueError(f"the demo plants no effect of {effect['exposure']!r}")
        out[qid] = effect["points"] * lagged_deviation(spec, events, quarters, int(effect["lag_quarters"]))
    return out


def logit_term(points: np.ndarray, p: np.ndarray, w: np.ndarray, q_idx: np.ndarray, d_idx: np.ndarray) -> np.ndarray:
    """Per respondent, the logit shift that moves their district's weighted share by ``points`` (a percentage
    point change divided by the quarter's mean slope of the logistic curve, p(1 - p), at ``p``)."""
    slope = np.bincount(q_idx, w * p * (1 - p)) / np.bincount(q_idx, w)
    return points[q_idx, d_idx] / 100 / slope[q_idx]
