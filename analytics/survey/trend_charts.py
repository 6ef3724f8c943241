"""Pure Altair builders for the Confidence trends page. Suppressed values arrive blank."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from analytics.charts.common import BASE_NOTES, Spec, fill, plain_json, records, slot, template, text_slot
from analytics.verdicts import interval_text

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
MARKER_INK = "#333333"  # the change symbols in their legend (on the chart, each in its line's colour)
MARKER_SHAPES = {
    "▲ up on a year before": "triangle-up",
    "▼ down on a year before": "triangle-down",
    "◆ changed on the previous quarter": "diamond",
}


TREND_PLOT_HEIGHT = 380
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
    "base_text",
    "words_year",
    "words_quarter",
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


COMPARATORS = ["Force", MSG_NAME]


def _drawn_words(districts: bool, comparator: bool) -> str:
    """What the trend chart draws, for its title: 'districts, force and comparator', 'force and comparator'..."""
    parts = [*(["districts"] if districts else []), "force", *(["comparator"] if comparator else [])]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def survey_trend_chart(
    trends: pd.DataFrame,
    benchmark: pd.DataFrame,
    notes: pd.DataFrame,
    measure_label: str,
    height: int = TREND_PLOT_HEIGHT,
    max_bands: int = 3,
) -> Spec:
    # Give Streamlit the element height TREND_ELEMENT_HEIGHT, or its theme squeezes the plot.
    """Lines with 95% bands per district, the force and the Most Similar Group, change symbols and annotations.

    The structure depends on the measure, the periods and whether there are comparator and note data, never on
    which districts are drawn: a district change sends the browser new data for the same chart, which it
    redraws in place instead of building the chart again. Districts take the palette in name order from the
    data (a district with no value shown in any period has no line, no legend entry and no colour, so the ones
    after it take the next colours); the force and the Most Similar Group keep their own colours and legend."""
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
    # Split as plain records: selecting rows of a frame five times cost more than the rest of the chart.
    shown = records(plain_json(df[df["pct"].notna()]))
    district = [r for r in shown if r["kind"] == "district"]
    force = [r for r in shown if r["kind"] != "district"]
    # Past a few districts the bands overlap into a wash: then only the force keeps its band,
    # and intervals stay in tooltips, the table and the small multiples.
    many = len({r["series_name"] for r in district}) > max_bands
    data = {
        "trend": district,
        "trend_force": force,
        "trend_bands": [] if many else district,
        "trend_markers": [r for r in district if r["marker"]],
        "trend_force_markers": [r for r in force if r["marker"]],
    }
    if len(benchmark):
        bm = plain_json(benchmark.assign(series_name=MSG_NAME))
        data["trend_benchmark"] = bm[bm["period_label"].isin(order)]
    annotations = _annotations(notes, label_of, order)
    if annotations is not None:
        data["trend_notes"] = annotations
    structure = _trend_template(height, "trend_benchmark" in data, annotations is not None, bool(district))
    return fill(
        structure,
        data,
        order=order,
        y_title=f"{measure_label} (%)",
        title=f"{measure_label}: {_drawn_words(bool(district), 'trend_benchmark' in data)}",
    )


@template
def _trend_template(height: int, benchmark: bool, notes: bool, districts: bool = True) -> str:
    """The trend chart's structure (JSON), with named data and slots for the periods and the titles; without
    ``districts`` (the force alone) the district legend is left out rather than shown empty."""
    x = _period_axis(slot("order"))
    y = alt.Y("pct:Q", title=text_slot("y_title"), scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("series_name:N", title="Series"),
        alt.Tooltip("period_label:N", title="Period"),
        alt.Tooltip("pct:Q", title="%", format=".1f"),
        alt.Tooltip("interval:N", title="95% interval"),
        alt.Tooltip("base_text:N", title="Base"),
        alt.Tooltip("words_year:N", title="Against a year before"),
        alt.Tooltip("words_quarter:N", title="Against the previous quarter"),
        alt.Tooltip("base_note:N", title="Base note"),
    ]
    shape = alt.Shape(
        "marker:N",
        scale=alt.Scale(domain=list(MARKER_SHAPES), range=list(MARKER_SHAPES.values())),
        title="Significant change (95%)",
        # The symbol says which mark; the label without the glyph its data holds (a second glyph beside the symbol,
        # and on the server a glyph the chart's font lacks set the label in a serif fallback).
        legend=alt.Legend(
            labelExpr="slice(datum.label, 2)",
            symbolFillColor=MARKER_INK,
            symbolStrokeColor=MARKER_INK,
            symbolSize=90,
            symbolOpacity=1,
        ),
    )

    def series(name: str, bands: str, markers: str, colour: alt.Color, dash: list[int], width: int) -> list:
        """Band, interval rules, line and change symbols of one group of series, coloured by ``colour``."""
        base = alt.Chart(alt.NamedData(name)).encode(x=x, color=colour, detail="segment:N")
        return [
            alt.Chart(alt.NamedData(bands))
            .mark_area(opacity=0.12)
            .encode(x=x, color=colour, detail="segment:N", y=alt.Y("ci_low:Q"), y2="ci_high:Q"),
            base.mark_rule(opacity=0.5).encode(y="ci_low:Q", y2="ci_high:Q"),
            base.mark_line(point=alt.OverlayMarkDef(size=30), strokeDash=dash, strokeWidth=width).encode(
                y=y, tooltip=tooltip
            ),
            alt.Chart(alt.NamedData(markers))
            .mark_point(filled=True, size=150, opacity=1, stroke="white", strokeWidth=1)
            .encode(x=x, y="pct:Q", color=colour, shape=shape, tooltip=tooltip),
        ]

    # Districts: the palette in the order of their names, the domain from the data (not written in the spec).
    # A line in each legend, at full strength (the bands' faint fill would otherwise set its symbol).
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1)
    district_colour = alt.Color(
        "series_name:N", scale=alt.Scale(range=DISTRICT_PALETTE), title="District", legend=legend if districts else None
    )
    comparators = alt.Color(
        "series_name:N",
        scale=alt.Scale(domain=COMPARATORS, range=[FORCE_COLOUR, MSG_COLOUR]),
        title="Comparator",
        legend=legend,
    )
    comparator_layers = series("trend_force", "trend_force", "trend_force_markers", comparators, [6, 3], 3)
    if benchmark:
        comparator_layers.append(
            alt.Chart(alt.NamedData("trend_benchmark"))
            .mark_line(strokeDash=[2, 2], strokeWidth=2)
            .encode(
                x=x,
                y=alt.Y("value_pct:Q"),
                color=comparators,
                tooltip=[
                    alt.Tooltip("series_name:N", title="Series"),
                    alt.Tooltip("period_label:N", title="Period"),
                    alt.Tooltip("value_pct:Q", title="%", format=".1f"),
                    alt.Tooltip("source:N", title="Source"),
                ],
            )
        )
    layers = [
        alt.layer(*series("trend", "trend_bands", "trend_markers", district_colour, [1, 0], 2)),
        alt.layer(*comparator_layers),
    ]
    if notes:
        layers += _annotation_layers(slot("order"))
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(height=height, title=text_slot("title"))
    return json.dumps(chart.to_dict(validate=False))


def build_templates() -> None:
    """Build the trend chart's templates (with and without a comparator, notes and districts) and the three-column
    panels' at server start, so no visitor waits for Altair."""
    for benchmark in (True, False):
        for notes in (True, False):
            for districts in (True, False):
                _trend_template(TREND_PLOT_HEIGHT, benchmark, notes, districts)
    _panels_template(3)


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
    title = title or f"{measure_label} by district (dashed: force)"
    return fill(_panels_template(columns), {"panels": plain_json(df)}, order=order, title=title)


@template
def _panels_template(columns: int) -> str:
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
            alt.Tooltip("base_text:N", title="Base"),
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
        .properties(title=text_slot("title"))
    )
    return json.dumps(chart.to_dict(validate=False))
