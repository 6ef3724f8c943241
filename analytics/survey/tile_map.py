"""Pure Altair chart builders: data in, chart out. Tested through ``chart.to_dict()``."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from analytics.charts.common import BASE_NOTES, Spec, fill, fmt_pct, template, text_slot
from analytics.verdicts import FLAG_MARK, FLAGGED, HIDDEN, HIDDEN_VALUE, SYMBOLS, interval_text

# Colour-blind-safe (blue / orange) and never the only carrier of meaning: tiles
# also carry a symbol and a word.
COMPARISON_COLOURS = {
    "better": "#2c7bb6",
    "similar": "#d9d9d9",
    "worse": "#e66101",
    "not shown (base under threshold)": "#ffffff",
    "not selected": "#ffffff",
}
COMPARISON_SYMBOLS = {k: f"{v} " for k, v in SYMBOLS.items() if k in ("better", "worse")}


_LEGEND_AND_TITLE = 130


def _tile_plot_height(rows: int, cols: int, width: int) -> int:
    return int(rows * width / cols * 0.62)


def tile_map_display_height(comparison: pd.DataFrame, width: int = 560) -> int:
    """Pixel height to give the tile map's element (plot, title and legend).

    Streamlit's theme otherwise squeezes the plot to fit the legend.
    """
    rows = int(comparison["tile_row"].max()) + 1
    cols = int(comparison["tile_col"].max()) + 1
    return _tile_plot_height(rows, cols, width) + _LEGEND_AND_TITLE


def tile_map(comparison: pd.DataFrame, measure_label: str, width: int = 560) -> Spec:
    """Tile map of districts coloured only where they differ significantly from the force."""
    df = comparison.copy()
    df["category"] = np.where(df["selected"], df["comparison"], "not selected")
    df["value_label"] = [
        HIDDEN_VALUE if status == HIDDEN else COMPARISON_SYMBOLS.get(cat, "") + fmt_pct(p)
        for status, cat, p in zip(df["base_status"], df["comparison"], df["pct"], strict=True)
    ]
    df["interval"] = interval_text(df["ci_low"], df["ci_high"])
    df.loc[df["selected"] & (df["base_status"] == FLAGGED), "value_label"] += f" {FLAG_MARK}"
    df["pct_label"] = [fmt_pct(p, 1) for p in df["pct"]]
    df["base_note"] = df["base_status"].map(BASE_NOTES).fillna("")
    df["short_name"] = df["name"].str.replace(" and ", " & ", regex=False)
    df.loc[~df["selected"], "value_label"] = "not selected"
    cols = int(df["tile_col"].max()) + 1
    rows = int(df["tile_row"].max()) + 1
    height = _tile_plot_height(rows, cols, width)
    df["x0"], df["x1"], df["xc"] = df["tile_col"] + 0.03, df["tile_col"] + 0.97, df["tile_col"] + 0.5
    df["y0"], df["y1"], df["yc"] = df["tile_row"] + 0.04, df["tile_row"] + 0.96, df["tile_row"] + 0.5
    # Only what is drawn goes into the spec (the browser receives every column given).
    df = df[
        [
            "name",
            "short_name",
            "category",
            "value_label",
            "pct_label",
            "interval",
            "base_text",
            "base_note",
            "x0",
            "x1",
            "xc",
            "y0",
            "y1",
            "yc",
        ]
    ]
    return fill(_tile_template(cols, rows, width, height), {"tiles": df}, title=measure_label)


@template
def _tile_template(cols: int, rows: int, width: int, height: int) -> str:
    """The tile map's structure (JSON) for a grid of ``cols`` x ``rows`` tiles, its rows the named data "tiles"
    (built once per grid, its title a text slot: building the Altair chart cost more than the rest of a change)."""
    xs = alt.Scale(domain=[0, cols], nice=False, zero=False)
    ys = alt.Scale(domain=[0, rows], nice=False, zero=False, reverse=True)
    domain = list(COMPARISON_COLOURS)
    tiles = (
        alt.Chart(alt.NamedData("tiles"))
        .mark_rect(strokeWidth=1, cornerRadius=4)
        .encode(
            # Unselected districts fade to a dotted outline; suppressed ones keep a solid one and say why.
            stroke=alt.condition("datum.category == 'not selected'", alt.value("#bbbbbb"), alt.value("#555555")),
            strokeDash=alt.condition("datum.category == 'not selected'", alt.value([3, 3]), alt.value([1, 0])),
            x=alt.X("x0:Q", scale=xs, axis=None),
            x2="x1:Q",
            y=alt.Y("y0:Q", scale=ys, axis=None),
            y2="y1:Q",
            color=alt.Color(
                "category:N",
                scale=alt.Scale(domain=domain, range=[COMPARISON_COLOURS[k] for k in domain]),
                legend=alt.Legend(title="Against the force (95% interval)", orient="bottom", columns=3),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="District"),
                alt.Tooltip("pct_label:N", title=text_slot("title")),
                alt.Tooltip("interval:N", title="95% interval"),
                alt.Tooltip("base_text:N", title="Base"),
                alt.Tooltip("base_note:N", title="Base note"),
                alt.Tooltip("category:N", title="Against the force"),
            ],
        )
    )
    text = alt.Chart(alt.NamedData("tiles")).encode(x=alt.X("xc:Q", scale=xs), y=alt.Y("yc:Q", scale=ys))
    name = text.mark_text(dy=-11, fontSize=12, fontWeight="bold", limit=width / cols - 6).encode(text="short_name:N")
    value = text.mark_text(dy=10, fontSize=17).encode(text="value_label:N")
    chart = (
        (tiles + name + value)
        .properties(width=width, height=height, title=text_slot("title"))
        .configure_legend(labelLimit=0, titleLimit=0)
        .configure_view(stroke=None)
    )
    return json.dumps(chart.to_dict())
