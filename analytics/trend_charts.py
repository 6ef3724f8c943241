"""Pure Altair builders for the Confidence trends page. Suppressed values arrive blank."""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from analytics.chart_common import BASE_NOTES, Spec, fill, interval_text, plain_json, slot

# Okabe-Ito, extended: distinguishable with the common colour-vision deficiencies.
DISTRICT_PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#882255",
    "#999933",
    "#44AA99",
    "#6A3D9A",
]
FORCE_COLOUR = "#000000"
MSG_COLOUR = "#8c8c8c"
MSG_NAME = "Most Similar Group"
MARKER_SHAPES = {
    "▲ up on a year before": "triangle-up",
    "▼ down on a year before": "triangle-down",
    "◆ changed on the previous quarter": "diamond",
}
POSITION_COLOURS = {
    "above 99.8% limit": "#08519c",
    "above 95% limit": "#6baed6",
    "within limits": "#bdbdbd",
    "below 95% limit": "#fdae6b",
    "below 99.8% limit": "#d94801",
    "not shown": "#ffffff",
}


TREND_ELEMENT_HEIGHT = 540  # plot (380) plus title, rotated axis labels and legend


# Only what is drawn goes into a spec: the browser receives every column a chart is given.
_TREND_FIELDS = (
    "period_label",
    "series_name",
    "kind",
    "segment",
    "pct",
    "ci_low",
    "ci_high",
    "interval",
    "n",
    "change_year",
    "change_quarter",
    "marker",
    "base_note",
)


def _period_axis(order: list[str], title: str = "Period (financial year)", field: str = "period_label") -> alt.X:
    # An explicit domain keeps time order when layers with other fields share the axis.
    return alt.X(
        f"{field}:O",
        scale=alt.Scale(domain=order),
        title=title,
        axis=alt.Axis(labelAngle=-45, labelOverlap=True),
    )


def _series_colours(names: list[str]) -> alt.Scale:
    districts = [n for n in names if n not in ("Force", MSG_NAME)]
    colours = [DISTRICT_PALETTE[i % len(DISTRICT_PALETTE)] for i in range(len(districts))]
    return alt.Scale(domain=[*districts, "Force", MSG_NAME], range=[*colours, FORCE_COLOUR, MSG_COLOUR])


def trend_chart(
    trends: pd.DataFrame,
    benchmark: pd.DataFrame,
    notes: pd.DataFrame,
    measure_label: str,
    height: int = 380,
    max_bands: int = 3,
) -> Spec:
    # Give Streamlit the element height TREND_ELEMENT_HEIGHT, or its theme squeezes the plot.
    """Lines with 95% bands per district, the force and the Most Similar Group, change symbols and annotations."""
    df = trends.copy()
    df["interval"] = interval_text(df["ci_low"], df["ci_high"])
    df["base_note"] = df["base_status"].map(BASE_NOTES).fillna("")
    order = list(dict.fromkeys(df.sort_values("quarter_start")["period_label"]))
    label_of = dict(zip(df["quarter_start"], df["period_label"], strict=False))
    # A new path after every hidden (suppressed) period, so lines break at gaps, never join across them.
    df = df.sort_values(["series_name", "quarter_start"])
    gaps = df["pct"].isna().groupby(df["series_name"]).cumsum()
    df["segment"] = df["segment"].astype(str) + "-" + gaps.astype(str)
    df = df[[*_TREND_FIELDS]]
    shown = plain_json(df[df["pct"].notna()])
    # Past a few districts the bands overlap into a wash: then only the force keeps its band,
    # and intervals stay in tooltips, the table and the small multiples.
    many = shown.loc[shown["kind"] == "district", "series_name"].nunique() > max_bands
    data = {
        "trend": shown,
        "trend_bands": shown[shown["kind"] == "force"] if many else shown,
        "trend_markers": shown[shown["marker"] != ""],
    }
    if len(benchmark):
        bm = plain_json(benchmark.assign(series_name=MSG_NAME))
        data["trend_benchmark"] = bm[bm["period_label"].isin(order)]
    annotations = _annotations(notes, label_of, order)
    if annotations is not None:
        data["trend_notes"] = annotations
    colours = _series_colours([*df["series_name"].unique(), MSG_NAME])
    template = _trend_template(measure_label, height, "trend_benchmark" in data, annotations is not None)
    return fill(template, data, order=order, series=colours.domain, colours=colours.range)


@lru_cache(maxsize=64)
def _trend_template(measure_label: str, height: int, benchmark: bool, notes: bool) -> str:
    """The trend chart's structure (JSON), with named data and slots for the periods and the series colours."""
    colour = alt.Color("series_name:N", scale=alt.Scale(domain=slot("series"), range=slot("colours")), title="Series")
    x = _period_axis(slot("order"))
    y = alt.Y("pct:Q", title=f"{measure_label} (%)", scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("series_name:N", title="Series"),
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("pct:Q", title="%", format=".1f"),
        alt.Tooltip("interval:N", title="95% interval"),
        alt.Tooltip("n:Q", title="Base (unweighted)"),
        alt.Tooltip("change_year:N", title="Against a year before"),
        alt.Tooltip("change_quarter:N", title="Against the previous quarter"),
        alt.Tooltip("base_note:N", title="Base note"),
    ]
    base = alt.Chart(alt.NamedData("trend")).encode(x=x, color=colour, detail="segment:N")
    bands = (
        alt.Chart(alt.NamedData("trend_bands"))
        .mark_area(opacity=0.12)
        .encode(x=x, color=colour, detail="segment:N", y=alt.Y("ci_low:Q"), y2="ci_high:Q")
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=30)).encode(
        y=y,
        strokeDash=alt.StrokeDash(
            "kind:N", scale=alt.Scale(domain=["district", "force"], range=[[1, 0], [6, 3]]), legend=None
        ),
        strokeWidth=alt.StrokeWidth("kind:N", scale=alt.Scale(domain=["district", "force"], range=[2, 3]), legend=None),
        tooltip=tooltip,
    )
    errors = base.mark_rule(opacity=0.5).encode(y="ci_low:Q", y2="ci_high:Q")
    markers = (
        alt.Chart(alt.NamedData("trend_markers"))
        .mark_point(filled=True, size=150, opacity=1, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y="pct:Q",
            color=colour,
            shape=alt.Shape(
                "marker:N",
                scale=alt.Scale(domain=list(MARKER_SHAPES), range=list(MARKER_SHAPES.values())),
                title="Significant change (95%)",
            ),
            tooltip=tooltip,
        )
    )
    layers = [bands, errors, lines, markers]
    if benchmark:
        layers.append(
            alt.Chart(alt.NamedData("trend_benchmark"))
            .mark_line(strokeDash=[2, 2], strokeWidth=2)
            .encode(
                x=x,
                y=alt.Y("value_pct:Q"),
                color=colour,
                tooltip=[
                    alt.Tooltip("series_name:N", title="Series"),
                    alt.Tooltip("period_label:N", title="Period"),
                    alt.Tooltip("value_pct:Q", title="%", format=".1f"),
                    alt.Tooltip("source:N", title="Source"),
                ],
            )
        )
    if notes:
        layers += _annotation_layers(slot("order"))
    chart = alt.layer(*layers).properties(height=height, title=f"{measure_label}: districts, force and comparator")
    return json.dumps(chart.to_dict(validate=False))


def _annotations(notes: pd.DataFrame, label_of: dict, order: list[str]) -> pd.DataFrame | None:
    """The notes that fall in the chart's periods, placed on its axis (None when there are none)."""
    if notes.empty:
        return None
    n = notes.copy()
    n["x_start"] = n["start_quarter"].map(label_of)
    n["x_end"] = n["end_quarter"].map(label_of)
    n = n[n["x_start"].isin(order)]
    if n.empty:
        return None
    n["x_end"] = n["x_end"].fillna(n["x_start"])
    return plain_json(n)


def _annotation_layers(order: list[str]) -> list[alt.Chart]:
    x = _period_axis(order, field="x_start")
    rules = (
        alt.Chart(alt.NamedData("trend_notes"))
        .mark_rule(strokeDash=[4, 4])
        .encode(
            x=x,
            color=alt.value("#555555"),
            size=alt.condition("datum.kind == 'method change'", alt.value(2), alt.value(1)),
            tooltip=[alt.Tooltip("label:N", title="Note"), alt.Tooltip("kind:N", title="Kind")],
        )
    )
    text = (
        alt.Chart(alt.NamedData("trend_notes"))
        .mark_text(align="right", baseline="bottom", dx=-4, fontSize=11, color="#333333", angle=270)
        .encode(x=x, y=alt.value(4), text="label:N")
    )
    return [rules, text]


def small_multiples(trends: pd.DataFrame, measure_label: str, columns: int = 3, title: str | None = None) -> Spec:
    """One panel per district on shared scales, each with the force line for reference."""
    districts = trends[trends["kind"] == "district"].copy()
    # With several measures stacked, a "panel" column says which force line belongs to which panel.
    keys = ["quarter_start", *(["panel"] if "panel" in trends.columns else [])]
    force = trends[trends["kind"] == "force"][[*keys, "pct"]].rename(columns={"pct": "force_pct"})
    df = districts.merge(force, on=keys, how="left")
    df["interval"] = interval_text(df["ci_low"], df["ci_high"])
    order = list(dict.fromkeys(df.sort_values("quarter_start")["period_label"]))
    df = df[["series_name", "period_label", "segment", "pct", "ci_low", "ci_high", "interval", "n", "force_pct"]]
    template = _panels_template(columns, title or f"{measure_label} by district (dashed: force)")
    return fill(template, {"panels": plain_json(df)}, order=order)


@lru_cache(maxsize=64)
def _panels_template(columns: int, title: str) -> str:
    x = _period_axis(slot("order"), title=None)
    base = alt.Chart().encode(x=x)
    band = base.mark_area(opacity=0.2, color=DISTRICT_PALETTE[0]).encode(
        y=alt.Y("ci_low:Q", title="%", scale=alt.Scale(zero=False)), y2="ci_high:Q", detail="segment:N"
    )
    line = base.mark_line(color=DISTRICT_PALETTE[0], point=True).encode(
        y="pct:Q",
        detail="segment:N",
        tooltip=[
            alt.Tooltip("series_name:N", title="District"),
            alt.Tooltip("period_label:N", title="Period"),
            alt.Tooltip("pct:Q", title="%", format=".1f"),
            alt.Tooltip("interval:N", title="95% interval"),
            alt.Tooltip("n:Q", title="Base"),
            alt.Tooltip("force_pct:Q", title="Force %", format=".1f"),
        ],
    )
    force_line = base.mark_line(color=FORCE_COLOUR, strokeDash=[6, 3], strokeWidth=1.5).encode(
        y="force_pct:Q", detail="segment:N"
    )
    chart = (
        alt.layer(band, line, force_line, data=alt.NamedData("panels"))
        .properties(width=260, height=150)
        .facet(facet=alt.Facet("series_name:N", title=None, header=alt.Header(labelFontSize=14)), columns=columns)
        .properties(title=title)
    )
    return json.dumps(chart.to_dict(validate=False))


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
                alt.Tooltip("n:Q", title="Base (unweighted)"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#000000").encode(x="x:Q")
    return alt.layer(bars, zero).properties(height=max(120, 26 * len(order)), title=title)


def funnel_chart(points: pd.DataFrame, limits: pd.DataFrame, measure_label: str) -> alt.LayerChart:
    """Each district's figure against its effective base, inside 95% and 99.8% limits around the force."""
    pts = points[points["pct"].notna()].copy()
    pts["interval"] = interval_text(pts["ci_low"], pts["ci_high"])
    pts = pts[["series_name", "pct", "interval", "n", "n_eff", "position"]]
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
                alt.Tooltip("n:Q", title="Base (unweighted)"),
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


def breakdown_chart(breakdown: pd.DataFrame, title: str) -> alt.LayerChart:
    """The measure per demographic group with 95% intervals; small groups say so instead of a value."""
    df = breakdown.copy()
    df["interval"] = interval_text(df["ci_low"], df["ci_high"])
    df["note"] = np.where(df["base_status"] == "suppressed", "base too small to show", "")
    df["category"] = np.where(df["base_status"] == "low base", df["category"].astype(str) + " ⚠", df["category"])
    df = df[["category", "pct", "ci_low", "ci_high", "interval", "n", "note"]]
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
                alt.Tooltip("n:Q", title="Base (unweighted)"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
    )
    errors = alt.Chart(shown).mark_rule(color="#333333").encode(y=y, x="ci_low:Q", x2="ci_high:Q")
    notes = (
        alt.Chart(df[df["note"] != ""])
        .mark_text(align="left", dx=4, fontSize=11, color="#555555")
        .encode(y=y, x=alt.value(4), text="note:N")
    )
    return alt.layer(bars, errors, notes).properties(height=max(120, 32 * len(df)), title=title)
