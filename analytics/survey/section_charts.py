"""Pure Altair builders for the Confidence trends page's sections: every answer, the funnel and ranking, and
groups within a district. Suppressed values arrive blank."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from analytics.charts.common import plain_json
from analytics.survey.trend_charts import DISTRICT_PALETTE, FORCE_COLOUR
from analytics.verdicts import BASE_NOTES, FLAG_MARK, FLAGGED, interval_text

POSITION_COLOURS = {
    "above 99.8% limit": "#08519c",
    "above 95% limit": "#6baed6",
    "within limits": "#bdbdbd",
    "below 95% limit": "#fdae6b",
    "below 99.8% limit": "#d94801",
    "not shown": "#ffffff",
}


def distribution_chart(dist: pd.DataFrame, answers: list[str], positive: list[str], title: str) -> alt.LayerChart:
    """Diverging stacked bar of every answer per period: positive answers right of zero."""
    df = dist.copy()
    df["share_label"] = [f"{s:.1f}%" for s in df["share"]]
    order = list(dict.fromkeys(df.sort_values("quarter_start")["period_label"]))
    df = df[["period_label", "answer", "share_label", "x_start", "x_end", "n"]]
    negatives = [a for a in answers if a not in positive and a != "Don't know"]
    pos_colours = ["#08519c", "#6baed6", "#9ecae1"][: len(positive)]
    neg_colours = ["#fdae6b", "#e6550d", "#a63603"]
    neutral = [a for a in negatives if a.startswith("Neither")]
    harsh = [a for a in negatives if a not in neutral]
    domain = [*positive, *neutral, *harsh, "Don't know"]
    colours = [*pos_colours, *(["#d9d9d9"] * len(neutral)), *neg_colours[: len(harsh)], "#f0f0f0"]
    bars = (
        alt.Chart(plain_json(df))
        .mark_bar(stroke="#ffffff", strokeWidth=0.5)
        .encode(
            y=alt.Y("period_label:O", sort=order, title=None),
            x=alt.X(
                "x_start:Q",
                title="% of all answers (positive answers right of zero)",
                scale=alt.Scale(domain=[-100, 100]),
            ),
            x2="x_end:Q",
            color=alt.Color("answer:N", scale=alt.Scale(domain=domain, range=colours), sort=domain, title="Answer"),
            tooltip=[
                alt.Tooltip("period_label:N", title="Period"),
                alt.Tooltip("answer:N", title="Answer"),
                alt.Tooltip("share_label:N", title="Share"),
                alt.Tooltip("n:Q", title="Base (unweighted)", format=","),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#000000").encode(x="x:Q")
    return alt.layer(bars, zero).properties(height=max(120, 26 * len(order)), title=title)


def funnel_chart(points: pd.DataFrame, limits: pd.DataFrame, measure_label: str) -> alt.LayerChart:
    """Each district's figure against its effective base, inside 95% and 99.8% limits around the force."""
    pts = points[points["pct"].notna()].copy()
    pts["interval"] = interval_text(pts["ci_low"], pts["ci_high"])
    pts = pts[["series_name", "pct", "interval", "base_text", "n_eff", "position"]]
    x = alt.X("n_eff:Q", title="Effective base (weighted)", scale=alt.Scale(zero=False))
    y = alt.Y("pct:Q", title=f"{measure_label} (%)", scale=alt.Scale(zero=False))
    dash = alt.StrokeDash(
        "level:N", scale=alt.Scale(domain=["95%", "99.8%"], range=[[6, 3], [2, 2]]), title="Control limits"
    )
    lim = alt.Chart(limits).encode(x=x, strokeDash=dash, color=alt.value("#555555"))
    lower = lim.mark_line().encode(y="lower:Q")
    upper = lim.mark_line().encode(y="upper:Q")
    force = (
        alt.Chart(points[["force_pct"]].head(1)).mark_rule(color=FORCE_COLOUR).encode(y=alt.Y("force_pct:Q"))
        if len(points)
        else None
    )
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=120, stroke="#333333", strokeWidth=0.7)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "position:N",
                scale=alt.Scale(domain=list(POSITION_COLOURS), range=list(POSITION_COLOURS.values())),
                title="Position in the funnel",
            ),
            shape=alt.Shape("position:N", legend=None),
            tooltip=[
                alt.Tooltip("series_name:N", title="District"),
                alt.Tooltip("pct:Q", title="%", format=".1f"),
                alt.Tooltip("interval:N", title="95% interval"),
                alt.Tooltip("base_text:N", title="Base"),
                alt.Tooltip("n_eff:Q", title="Effective base", format=".0f"),
                alt.Tooltip("position:N", title="Position"),
            ],
        )
    )
    # Names only where they matter (outside the limits); the rest are in tooltips and the ranking.
    outside = pts[pts["position"] != "within limits"]
    labels = (
        alt.Chart(outside)
        .mark_text(align="left", dx=8, fontSize=12, fontWeight="bold")
        .encode(x=x, y=y, text="series_name:N")
    )
    layers = [lower, upper, dots, labels] + ([force] if force is not None else [])
    return alt.layer(*layers).properties(height=360, title=f"Funnel plot: {measure_label}")


def ranking_chart(points: pd.DataFrame, measure_label: str) -> alt.LayerChart:
    """Districts ranked, with 95% intervals; coloured only when outside the funnel's limits."""
    pts = points[points["pct"].notna()].copy()
    pts["interval"] = interval_text(pts["ci_low"], pts["ci_high"])
    pts = pts[["series_name", "pct", "ci_low", "ci_high", "interval", "position"]]
    order = list(pts.sort_values("pct", ascending=False)["series_name"])
    y = alt.Y("series_name:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    bars = (
        alt.Chart(pts)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("pct:Q", title=f"{measure_label} (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "position:N",
                scale=alt.Scale(domain=list(POSITION_COLOURS), range=list(POSITION_COLOURS.values())),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("series_name:N", title="District"),
                alt.Tooltip("pct:Q", title="%", format=".1f"),
                alt.Tooltip("interval:N", title="95% interval"),
                alt.Tooltip("position:N", title="Position in the funnel"),
            ],
        )
    )
    errors = alt.Chart(pts).mark_rule(color="#333333").encode(y=y, x="ci_low:Q", x2="ci_high:Q")
    return alt.layer(bars, errors).properties(height=360, title="Ranking (read with the funnel)")


# A bar at least this long (%) holds its base note inside it, in white (the note is about 40% of the plot's width).
NOTE_INSIDE_FROM = 45
# White on the bar's blue (5.2:1), in both themes: not the page's white (#ffffff), which the dark theme turns dark.
ON_BAR = "#fffffe"


def breakdown_chart(breakdown: pd.DataFrame, title: str) -> alt.LayerChart:
    """The measure per demographic group with 95% intervals; small groups say so instead of a value."""
    df = breakdown.copy()
    df["interval"] = interval_text(df["ci_low"], df["ci_high"])
    df["note"] = df["base_status"].map(BASE_NOTES).fillna("")
    df["category"] = np.where(
        df["base_status"] == FLAGGED, df["category"].astype(str) + f" {FLAG_MARK}", df["category"]
    )
    df = df[["category", "pct", "ci_low", "ci_high", "interval", "base_text", "note"]]
    y = alt.Y("category:N", title=None, sort=list(df["category"]))
    shown = df[df["pct"].notna()]
    bars = (
        alt.Chart(shown)
        .mark_bar(color=DISTRICT_PALETTE[0])
        .encode(
            y=y,
            x=alt.X("pct:Q", title="%", scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                alt.Tooltip("category:N", title="Group"),
                alt.Tooltip("pct:Q", title="%", format=".1f"),
                alt.Tooltip("interval:N", title="95% interval"),
                alt.Tooltip("base_text:N", title="Base"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
    )
    errors = alt.Chart(shown).mark_rule(color="#333333").encode(y=y, x="ci_low:Q", x2="ci_high:Q")
    # A note where it reads: on the white of a group with no bar; in white inside a bar long enough to hold it;
    # after the interval of a shorter one (dark grey on the bar's blue could not be read).
    noted = df[df["note"] != ""]
    inside = noted["pct"] >= NOTE_INSIDE_FROM
    after = noted["pct"].notna() & ~inside
    note = alt.Text("note:N")
    notes = [
        alt.Chart(noted[noted["pct"].isna()])
        .mark_text(align="left", dx=4, fontSize=11, color="#555555")
        .encode(y=y, x=alt.value(4), text=note),
        alt.Chart(noted[inside])
        .mark_text(align="left", dx=4, fontSize=11, color=ON_BAR, fontWeight="bold")
        .encode(y=y, x=alt.value(4), text=note),
        alt.Chart(noted[after])
        .mark_text(align="left", dx=6, fontSize=11, color="#555555")
        .encode(y=y, x="ci_high:Q", text=note),
    ]
    return alt.layer(bars, errors, *notes).properties(height=max(120, 32 * len(df)), title=title)
