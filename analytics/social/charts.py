"""Pure Altair builders for the Social media page."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from analytics.charts.common import Spec, fill, plain_json, template
from analytics.social.figures import FORCE_WIDE, Association
from analytics.survey.trend_charts import DISTRICT_PALETTE, FORCE_COLOUR

MEASURES = {
    "followers": ("Followers at month end", ",.0f"),
    "reach": ("People reached in the month", ",.0f"),
    "impressions": ("Impressions", ",.0f"),
    "engagements": ("Engagements", ",.0f"),
    "posts": ("Posts", ",.0f"),
    "engagement_rate": ("Engagement rate (engagements per 100 impressions)", ".2f"),
}
PER_1K = ("followers", "reach", "impressions", "engagements")
PLATFORM_COLOURS = {"Facebook": "#0072B2", "X": "#000000", "Instagram": "#CC79A7", "Nextdoor": "#009E73"}


def measure_column(measure: str, per_1k: bool) -> tuple[str, str, str]:
    """The monthly column, its axis title and number format for a measure."""
    title, fmt = MEASURES[measure]
    if per_1k and measure in PER_1K:
        return f"{measure}_per_1k", f"{title} per 1,000 residents", ",.1f"
    return measure, title, fmt


def monthly_chart(monthly: pd.DataFrame, measure: str, per_1k: bool, names: list[str]) -> alt.LayerChart | alt.Chart:
    """A line per district by month. The force-wide pages are a dashed black line on rates and per-1,000
    figures; on raw counts (tens of times a district's) they are left to their own chart."""
    col, title, fmt = measure_column(measure, per_1k)
    comparable = col != measure or measure == "engagement_rate"
    shown = [*names, FORCE_WIDE] if comparable else names
    df = plain_json(monthly[monthly["name"].isin(shown)][["name", "month_start", col]].rename(columns={col: "value"}))
    x = alt.X("month_start:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45))
    colours = [DISTRICT_PALETTE[i % len(DISTRICT_PALETTE)] for i in range(len(names))]
    scale = alt.Scale(domain=shown, range=[*colours, FORCE_COLOUR][: len(shown)])
    tooltip = [
        alt.Tooltip("name:N", title="Pages"),
        alt.Tooltip("month_start:T", title="Month", format="%b %Y"),
        alt.Tooltip("value:Q", title=title, format=fmt),
    ]
    chart = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=x,
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt)),
            color=alt.Color("name:N", title="Pages", scale=scale, sort=shown, legend=alt.Legend(labelLimit=220)),
            strokeDash=alt.condition(alt.datum.name == FORCE_WIDE, alt.value([6, 3]), alt.value([1, 0])),
            tooltip=tooltip,
        )
    )
    return chart.properties(height=340, title=title + (" (dashed: force-wide pages)" if comparable else ""))


def force_chart(monthly: pd.DataFrame, measure: str) -> alt.Chart:
    """The force-wide pages' monthly figure on its own scale."""
    title, fmt = MEASURES[measure]
    df = plain_json(monthly[monthly["name"] == FORCE_WIDE][["month_start", measure]].rename(columns={measure: "value"}))
    return (
        alt.Chart(df)
        .mark_line(color=FORCE_COLOUR, strokeDash=[6, 3], point=alt.OverlayMarkDef(size=18, color=FORCE_COLOUR))
        .encode(
            x=alt.X("month_start:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=fmt)),
            tooltip=[
                alt.Tooltip("month_start:T", title="Month", format="%b %Y"),
                alt.Tooltip("value:Q", title=title, format=fmt),
            ],
        )
        .properties(height=200, title=f"Force-wide pages: {title.lower()}")
    )


def platform_chart(platforms: pd.DataFrame, measure: str) -> alt.Chart:
    """Followers (or another period figure) per group, split by platform."""
    labels = {
        "followers_end": "Followers at the end of the period",
        "reach_avg": "Average people reached a month",
        "impressions": "Impressions in the period",
        "engagements": "Engagements in the period",
    }
    df = plain_json(platforms[["district", "platform", measure]].dropna().rename(columns={measure: "value"}))
    order = [*[d for d in df["district"].unique() if d != FORCE_WIDE], FORCE_WIDE]
    present = [p for p in PLATFORM_COLOURS if p in set(df["platform"])]
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("district:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
            x=alt.X("value:Q", title=labels[measure], axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "platform:N",
                title="Platform",
                scale=alt.Scale(domain=present, range=[PLATFORM_COLOURS[p] for p in present]),
            ),
            tooltip=[
                alt.Tooltip("district:N", title="Pages"),
                alt.Tooltip("platform:N", title="Platform"),
                alt.Tooltip("value:Q", title=labels[measure], format=",.0f"),
            ],
        )
        .properties(height=max(120, 26 * len(order)), title=labels[measure] + " by platform")
    )


def tag_heatmap(tags: pd.DataFrame) -> Spec:
    """Median reach per post by tag and district, coloured against the district's own median (100 = usual).

    The tag reaching furthest in each district is starred, so the answer does not rest on colour.
    """
    df = tags.assign(
        label=[
            ("★ " if f else "") + (f"{m:,.0f}" if np.isfinite(m) else "–") + ("" if np.isfinite(i) else " (few posts)")
            for m, i, f in zip(
                tags["median_reach"].astype(float), tags["index"].astype(float), tags["furthest"], strict=True
            )
        ]
    )
    df = plain_json(
        df.rename(columns={"index": "vs_usual"})[
            ["district", "tag", "posts", "posts_with_reach", "median_reach", "vs_usual", "label"]
        ]
    )
    return fill(_heatmap_template(max(120, 30 * df["district"].nunique())), {"tags": df})


@template
def _heatmap_template(height: int) -> str:
    """The tag heatmap's structure (JSON) for a plot ``height`` pixels high, its rows the named data "tags"."""
    base = alt.Chart(alt.NamedData("tags")).encode(
        x=alt.X("tag:N", title="Tag", axis=alt.Axis(labelAngle=0, labelLimit=140)),
        y=alt.Y("district:N", title=None, axis=alt.Axis(labelLimit=220)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "vs_usual:Q",
            title="Against the usual post (100)",
            scale=alt.Scale(scheme="blueorange", domain=[0, 200], domainMid=100, clamp=True, reverse=True),
        ),
        tooltip=[
            alt.Tooltip("district:N", title="Pages"),
            alt.Tooltip("tag:N", title="Tag"),
            alt.Tooltip("posts:Q", title="Posts"),
            alt.Tooltip("median_reach:Q", title="Median reach per post", format=",.0f"),
            alt.Tooltip("vs_usual:Q", title="Against usual (100)", format=".0f"),
        ],
    )
    # A light cell behind every pair, so a tag with too few posts (no colour) still shows its label.
    blank = base.mark_rect(color="#eeeeee")
    # Dark cells (far from usual) take white text.
    text = base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition(
            "isValid(datum.vs_usual) && (datum.vs_usual >= 150 || datum.vs_usual <= 55)",
            alt.value("#ffffff"),
            alt.value("#000000"),
        ),
    )
    chart = (blank + cells + text).properties(
        height=height, title="Median reach per post by tag (★ reaches furthest in the district)"
    )
    return json.dumps(chart.to_dict())


def association_chart(assoc: Association) -> Spec:
    """% feeling well informed against reach per 1,000 residents, one labelled point per district."""
    df = plain_json(
        assoc.points.dropna(subset=["pct", "reach_per_1k"])[["name", "reach_per_1k", "pct", "ci_low", "ci_high", "n"]]
    )
    return fill(_association_template(), {"association": df})


@template
def _association_template() -> str:
    """The association chart's structure (JSON), its points the named data "association"."""
    base = alt.Chart(alt.NamedData("association")).encode(
        x=alt.X(
            "reach_per_1k:Q",
            title="People reached a month per 1,000 residents (average)",
            scale=alt.Scale(zero=False, padding=60),
            axis=alt.Axis(format=",.0f"),
        )
    )
    bars = base.mark_rule(color="#8c8c8c").encode(
        y=alt.Y("ci_low:Q", title="Feel well informed (%)", scale=alt.Scale(zero=False)), y2="ci_high:Q"
    )
    tooltip = [
        alt.Tooltip("name:N", title="District"),
        alt.Tooltip("reach_per_1k:Q", title="Reach per 1,000 a month", format=",.0f"),
        alt.Tooltip("pct:Q", title="Feel well informed (%)", format=".1f"),
        alt.Tooltip("ci_low:Q", title="95% interval from", format=".1f"),
        alt.Tooltip("ci_high:Q", title="95% interval to", format=".1f"),
        alt.Tooltip("n:Q", title="Answers"),
    ]
    dots = base.mark_point(filled=True, size=70, color=DISTRICT_PALETTE[0]).encode(y="pct:Q", tooltip=tooltip)
    labels = base.mark_text(align="left", dx=7, dy=-7, fontSize=11).encode(y="pct:Q", text="name:N")
    chart = (bars + dots + labels).properties(
        height=360, title="Association, not cause: reach against feeling well informed, by district"
    )
    return json.dumps(chart.to_dict())
