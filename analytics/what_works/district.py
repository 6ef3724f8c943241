"""One district's view for the What works page and slide: its engagement against the force's, and its own
result the quarter after, against its usual and the force's."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.periods import add_quarters, quarters_between
from analytics.what_works.reading import Reading

COLUMNS = {
    "quarter_start": "Quarter",
    "exposure": "District",
    "force_exposure": "Force (average district, by population)",
    "above_usual": "Above the district's usual",
    "next_pct": "Result the quarter after (%)",
    "next_vs_force": "Quarter after: against the force (points)",
    "next_relative": "Quarter after: against its usual gap to the force (points)",
}


def force_exposure(values: pd.DataFrame, populations: pd.Series) -> pd.Series:
    """Per quarter, the districts' exposure averaged by population (the force's rate for a per-resident
    figure)."""
    pop = values["district_id"].map(populations).astype(float)
    weighted = (values["value"] * pop).groupby(values["quarter_start"]).sum()
    return weighted / pop.groupby(values["quarter_start"]).sum()


def view(reading: Reading, key: str, district_id: str, populations: pd.Series) -> pd.DataFrame:
    """Per quarter of the period (whose quarter after has a result): the district's exposure, the force's,
    how far it sits above its own usual, and its result the quarter after (level, against the force, and
    against its usual gap to the force)."""
    values = reading.values[key]
    quarters = [add_quarters(q, -1) for q in quarters_between(reading.q_from, reading.q_to)]
    mine = values[values["district_id"] == district_id].set_index("quarter_start")["value"]
    force = force_exposure(values, populations)
    results = reading.outcomes[reading.outcomes["district_id"] == district_id].set_index("quarter_start")["pct"]
    out = pd.DataFrame({"quarter_start": quarters})
    out["exposure"] = out["quarter_start"].map(mine)
    out["force_exposure"] = out["quarter_start"].map(force)
    out["above_usual"] = out["exposure"] - out["exposure"].mean()
    nxt = [add_quarters(q, 1) for q in out["quarter_start"]]
    out["next_pct"] = pd.Series(nxt).map(results).to_numpy(dtype=float)
    force_pct = reading.force.set_index("quarter_start")["pct"]
    out["next_vs_force"] = out["next_pct"] - pd.Series(nxt).map(force_pct).to_numpy(dtype=float)
    out["next_relative"] = out["next_vs_force"] - np.nanmean(out["next_vs_force"])
    return out.dropna(subset=["exposure", "next_pct"]).reset_index(drop=True)


def latest(table: pd.DataFrame) -> pd.Series | None:
    """The last quarter in the district's view (None when it has none)."""
    return None if table.empty else table.iloc[-1]


def rank_in_force(values: pd.DataFrame, district_id: str, quarter: date) -> tuple[int, int] | None:
    """The district's place (1 = most) among districts on the exposure in ``quarter``, and how many."""
    q = values[values["quarter_start"] == quarter].sort_values("value", ascending=False).reset_index(drop=True)
    hits = q.index[q["district_id"] == district_id]
    return (int(hits[0]) + 1, len(q)) if len(hits) else None


def display(table: pd.DataFrame) -> pd.DataFrame:
    """The district view as a table shows it."""
    out = table.rename(columns=COLUMNS)
    numbers = [c for c in out.columns if c != "Quarter"]
    out[numbers] = out[numbers].astype(float).round(2)
    return out
