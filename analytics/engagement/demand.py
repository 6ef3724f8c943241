"""Demand beside engagement, per district, for the chosen quarters: anti-social behaviour (police.uk) against
events held, concerns raised and loop closure.

Anti-social behaviour is counted in the months the force's files cover (``ContextLayer.covered``), and the
page says which; a district is called out when its anti-social behaviour per 1,000 residents is above the
force's and its events per 10,000 residents below the force's. Side by side these are an association, never a
cause: busy places may draw more events, and events may draw more reports.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.engagement import activity
from analytics.engagement.context_layer import ContextLayer
from analytics.stats import SuppressionRule
from analytics.storage.db import Database
from analytics.survey import measures

_CONCERNS_SQL = """
SELECT district_id, CAST(sum(raised) AS BIGINT) AS raised, CAST(sum(closed) AS BIGINT) AS closed
FROM concern_quarter_sums
WHERE quarter_start >= $f AND quarter_start < $t
GROUP BY ALL
"""
ASSOCIATION = "association, not cause"


@dataclass(frozen=True)
class ForceRates:
    """The force's rates, the line each district is set against."""

    asb_per_1k: float
    events_per_10k: float
    loop_closure: float


def demand_beside_engagement(
    db: Database, flt: activity.EventFilter, layer: ContextLayer | None, rule: SuppressionRule
) -> tuple[pd.DataFrame, ForceRates]:
    """Every district of the force (``chosen`` marks the filter's): anti-social behaviour and its rate per
    1,000 residents, events held and per 10,000, concerns raised and loop closure (hidden below the
    suppression threshold, as on the scorecard), and whether demand is high and engagement low."""
    districts = measures.districts(db)
    every = replace(flt, district_ids=tuple(districts["district_id"]))
    summary = activity.district_summary(db, every)
    concerns = db.query(_CONCERNS_SQL, {"f": every.params()["f"], "t": every.params()["t"]})
    df = summary[["district_id", "name", "population", "held", "per_10k"]].merge(concerns, on="district_id", how="left")
    df[["raised", "closed"]] = df[["raised", "closed"]].fillna(0).astype("int64")
    covered = layer is not None and bool(layer.covered)
    df["asb"] = [float(layer.by_district.get(d, 0)) if covered else np.nan for d in df["district_id"]]
    df["asb_per_1k"] = 1_000 * df["asb"] / df["population"]
    hidden = np.asarray(rule.status(df["raised"].to_numpy())) == "suppressed"
    with np.errstate(divide="ignore", invalid="ignore"):
        closure = np.where(df["raised"] > 0, 100 * df["closed"] / df["raised"], np.nan)
    df["loop_closure"] = np.where(hidden, np.nan, closure)
    df["closure_hidden"] = hidden & (df["raised"] > 0)
    population = df["population"].sum()
    force = ForceRates(
        asb_per_1k=1_000 * df["asb"].sum() / population if covered else np.nan,
        events_per_10k=10_000 * df["held"].sum() / population,
        loop_closure=100 * df["closed"].sum() / df["raised"].sum() if df["raised"].sum() else np.nan,
    )
    df["high_demand_low_engagement"] = (df["asb_per_1k"] > force.asb_per_1k) & (df["per_10k"] < force.events_per_10k)
    df["chosen"] = df["district_id"].isin(flt.district_ids)
    return df.reset_index(drop=True), force


def callouts(frame: pd.DataFrame, force: ForceRates) -> list[str]:
    """In words, each chosen district with anti-social behaviour above the force's rate and events below it."""
    if not np.isfinite(force.asb_per_1k):
        return []
    flagged = frame[frame["chosen"] & frame["high_demand_low_engagement"]]
    if flagged.empty:
        return [
            "None of the chosen districts has both anti-social behaviour above the force's rate and events below it."
        ]
    return [
        f"{r.name}: high demand, low engagement. {r.asb_per_1k:.1f} anti-social behaviour incidents per 1,000 "
        f"residents (force {force.asb_per_1k:.1f}) and {r.per_10k:.1f} events per 10,000 residents (force "
        f"{force.events_per_10k:.1f})."
        for r in flagged.sort_values("asb_per_1k", ascending=False).itertuples(index=False)
    ]


def demand_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The chosen districts' figures as shown and downloaded."""
    chosen = frame[frame["chosen"]]
    return pd.DataFrame(
        {
            "District": chosen["name"],
            "Anti-social behaviour incidents": chosen["asb"].astype("Int64"),
            "Per 1,000 residents": chosen["asb_per_1k"].round(2),
            "Events held": chosen["held"],
            "Events per 10,000 residents": chosen["per_10k"].round(2),
            "Concerns raised": chosen["raised"],
            "Loop closure %": chosen["loop_closure"].round(1),
            "High demand, low engagement": np.where(chosen["high_demand_low_engagement"], "yes", ""),
        }
    ).reset_index(drop=True)


def demand_chart(frame: pd.DataFrame, force_asb: float, force_events: float):
    """Anti-social behaviour per 1,000 residents against events per 10,000, a point per district (the chosen
    ones dark and named), the force's rates as dashed lines: an association, not a cause."""
    import altair as alt

    df = (
        frame[["name", "asb_per_1k", "per_10k", "chosen"]]
        .dropna()
        .assign(shown=lambda d: np.where(d["chosen"], "chosen", "other districts"))
    )
    x = alt.X("asb_per_1k:Q", title="Anti-social behaviour incidents per 1,000 residents")
    y = alt.Y("per_10k:Q", title="Events held per 10,000 residents")
    points = (
        alt.Chart(df)
        .mark_circle(size=110, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "shown:N",
                title=None,
                scale=alt.Scale(domain=["chosen", "other districts"], range=["#0072b2", "#b0b0b0"]),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="District"),
                alt.Tooltip("asb_per_1k:Q", title="Anti-social behaviour per 1,000", format=".1f"),
                alt.Tooltip("per_10k:Q", title="Events per 10,000", format=".1f"),
            ],
        )
    )
    names = alt.Chart(df[df["chosen"]]).mark_text(align="left", dx=8, fontSize=12).encode(x=x, y=y, text="name:N")
    lines = pd.DataFrame({"asb": [force_asb], "events": [force_events]})
    vrule = alt.Chart(lines).mark_rule(strokeDash=[6, 3], color="#555555").encode(x="asb:Q")
    hrule = alt.Chart(lines).mark_rule(strokeDash=[6, 3], color="#555555").encode(y="events:Q")
    return (vrule + hrule + points + names).properties(
        height=320,
        title=f"Anti-social behaviour and engagement by district ({ASSOCIATION}); dashed: the force",
    )
