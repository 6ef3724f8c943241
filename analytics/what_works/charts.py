"""Altair builders for the What works page: the estimates beside their checks, and one district's view."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analytics.survey.trend_charts import FORCE_COLOUR

MAIN, CHECK, LAG2 = "Quarter before (the estimate)", "Quarter after (check)", "Two quarters before"
KIND_COLOURS = {MAIN: "#0072B2", LAG2: "#56B4E9", CHECK: "#E69F00"}  # Okabe-Ito
DISTRICT_COLOUR = "#0072B2"


def estimates_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Long form of the reading's table: one row per exposure and kind of estimate, with its interval."""
    rows = []
    for r in table.itertuples(index=False):
        for kind, coef, low, high in (
            (MAIN, r.coef, r.ci_low, r.ci_high),
            (LAG2, r.lag2_coef, r.lag2_low, r.lag2_high),
            (CHECK, r.check_coef, r.check_low, r.check_high),
        ):
            if coef == coef:
                rows.append({"exposure": r.label, "kind": kind, "coef": coef, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["exposure", "kind", "coef", "low", "high"])


def estimates_chart(frame: pd.DataFrame, measure: str) -> alt.LayerChart:
    """Each exposure's estimate with its 95% interval, the checks beside it, and zero marked."""
    y = alt.Y("exposure:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    offset = alt.YOffset("kind:N", sort=[MAIN, LAG2, CHECK])
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values())),
        legend=alt.Legend(orient="bottom"),
    )
    x_title = f"Points of {measure} per unit of engagement (95% interval)"
    tooltip = [
        alt.Tooltip("exposure:N", title="Engagement"),
        alt.Tooltip("kind:N", title="Estimate"),
        alt.Tooltip("coef:Q", title="Points", format="+.2f"),
        alt.Tooltip("low:Q", title="95% from", format="+.2f"),
        alt.Tooltip("high:Q", title="95% to", format="+.2f"),
    ]
    base = alt.Chart(frame)
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", title=x_title), x2="high:Q", y=y, yOffset=offset, color=colour, tooltip=tooltip
    )
    points = base.mark_point(filled=True, size=60).encode(
        x="coef:Q", y=y, yOffset=offset, color=colour, shape=alt.Shape("kind:N", legend=None), tooltip=tooltip
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=FORCE_COLOUR, strokeDash=[4, 3]).encode(x="zero:Q")
    return (zero + bars + points).properties(
        width="container", height=alt.Step(14), title=f"What is followed by {measure}"
    )


def exposure_chart(view: pd.DataFrame, district: str, exposure: str) -> alt.LayerChart:
    """The district's engagement by quarter against the force's (the average district, by population)."""
    long = pd.concat(
        [
            pd.DataFrame({"quarter": view["quarter_start"], "value": view["exposure"], "who": district}),
            pd.DataFrame({"quarter": view["quarter_start"], "value": view["force_exposure"], "who": "Force"}),
        ]
    )
    long["quarter"] = pd.to_datetime(long["quarter"])
    colour = alt.Color(
        "who:N",
        title=None,
        scale=alt.Scale(domain=[district, "Force"], range=[DISTRICT_COLOUR, FORCE_COLOUR]),
        legend=alt.Legend(orient="top"),
    )
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:T", title="Quarter"),
            y=alt.Y("value:Q", title=exposure),
            color=colour,
            strokeDash=alt.StrokeDash(
                "who:N", legend=None, scale=alt.Scale(domain=[district, "Force"], range=[[1, 0], [4, 3]])
            ),
            tooltip=[
                alt.Tooltip("who:N", title="Who"),
                alt.Tooltip("quarter:T", title="Quarter starting", format="%d/%m/%Y"),
                alt.Tooltip("value:Q", title=exposure, format=",.2f"),
            ],
        )
        .properties(width="container", height=260, title=f"{district} and the force, by quarter")
    )


def response_chart(view: pd.DataFrame, district: str, exposure: str, measure: str, slope: float) -> alt.LayerChart:
    """The district's quarters: engagement above its usual against its result the quarter after (against its
    usual gap to the force), with the force-wide estimate as a line through zero."""
    frame = view.assign(quarter=pd.to_datetime(view["quarter_start"]))
    x = alt.X("above_usual:Q", title=f"{exposure}: above usual")
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=50, color=DISTRICT_COLOUR)
        .encode(
            x=x,
            y=alt.Y("next_relative:Q", title="Quarter after: points against usual"),
            tooltip=[
                alt.Tooltip("quarter:T", title="Quarter starting", format="%d/%m/%Y"),
                alt.Tooltip("above_usual:Q", title="Engagement above usual", format="+.2f"),
                alt.Tooltip("next_relative:Q", title=f"{measure} after, against usual", format="+.1f"),
            ],
        )
    )
    lo, hi = float(frame["above_usual"].min()), float(frame["above_usual"].max())
    line = pd.DataFrame({"above_usual": [lo, hi], "next_relative": [slope * lo, slope * hi]})
    fit = alt.Chart(line).mark_line(color=FORCE_COLOUR, strokeDash=[6, 3]).encode(x=x, y="next_relative:Q")
    return (fit + points).properties(width="container", height=260, title=f"{district}: the quarter after")
