"""Chart colours for the dark theme and the projector."""

import json

import altair as alt
import pandas as pd

from analytics.charts import theme as chart_theme
from analytics.charts.images import spec_of
from analytics.survey.trend_charts import DISTRICT_PALETTE, FORCE_COLOUR


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (computed here, independently of the module)."""

    def lum(hex_: str) -> float:
        channels = [int(hex_[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _chart() -> alt.LayerChart:
    frame = pd.DataFrame({"q": ["a", "b"], "v": [1.0, 2.0], "label": ["#000000", "white"]})
    line = alt.Chart(frame).mark_line(color="#000000").encode(x="q:N", y="v:Q")
    bars = alt.Chart(frame).mark_bar(stroke="#FFFFFF").encode(x="q:N", y="v:Q", color=alt.value("#555555"))
    text = (
        alt.Chart(frame)
        .mark_text()
        .encode(
            x="q:N",
            y="v:Q",
            text="label:N",
            color=alt.condition("datum.v > 1", alt.value("#ffffff"), alt.value("#000000")),
        )
    )
    return alt.layer(line, bars, text)


def test_dark_inks_swapped_and_nothing_else():
    spec = spec_of(_chart())
    dark = chart_theme.recolour(spec)
    layers = dark["layer"]
    assert layers[0]["mark"]["color"] == "#f2f2f2", "the black line becomes light"
    assert layers[1]["mark"]["stroke"] == "#0f1419", "white separators take the dark background"
    assert layers[1]["encoding"]["color"]["value"] == "#bdbdbd"
    # Text coloured by a condition sits on a coloured cell: unchanged.
    assert layers[2]["encoding"]["color"] == spec["layer"][2]["encoding"]["color"]
    # Data values that look like colours are data, never recoloured.
    assert json.dumps(dark["datasets"]) == json.dumps(spec["datasets"])
    # The light spec (what downloads give) is not modified.
    assert spec["layer"][0]["mark"]["color"] == "#000000"


def test_dark_inks_are_readable_on_the_dark_background():
    background = chart_theme.DARK_INKS["#ffffff"]
    for light_ink, dark_ink in chart_theme.DARK_INKS.items():
        if dark_ink != background and light_ink.startswith("#"):
            assert _contrast(dark_ink, background) >= 4.5, (light_ink, dark_ink)
    assert _contrast(chart_theme.DARK_INKS[FORCE_COLOUR], background) >= 7


def test_every_district_colour_is_visible_on_the_dark_background():
    # Lines need 3:1 against what they are drawn on (WCAG 1.4.11, non-text contrast). On the light page,
    # Okabe-Ito's orange and sky blue fall short of it (about 2.3:1); each line is also named in the legend
    # and the table, and marked by symbols, so colour is never the only way to tell them apart.
    dark = chart_theme.DARK_INKS["#ffffff"]
    for colour in DISTRICT_PALETTE:
        drawn = chart_theme.DARK_INKS.get(colour.lower(), colour)
        assert _contrast(drawn, dark) >= 3, (colour, drawn)


def test_outlines_chosen_by_a_condition_are_swapped_but_text_colours_are_not():
    frame = pd.DataFrame({"v": [1.0, 2.0]})
    rect = (
        alt.Chart(frame)
        .mark_rect()
        .encode(x="v:O", stroke=alt.condition("datum.v > 1", alt.value("#bbbbbb"), alt.value("#555555")))
    )
    dark = chart_theme.recolour(spec_of(rect))
    assert dark["encoding"]["stroke"]["value"] == "#bdbdbd"


def test_projector_config_is_large_black_on_white_and_keeps_existing_config():
    spec = spec_of(_chart().configure_legend(labelLimit=260))
    out = chart_theme.for_projector(spec)
    assert out["config"]["legend"]["labelLimit"] == 260
    assert out["config"]["legend"]["labelFontSize"] >= 16
    assert out["config"]["axis"]["labelFontSize"] >= 16
    assert out["config"]["background"] == "#ffffff"
    assert _contrast(out["config"]["axis"]["labelColor"], "#ffffff") >= 7
    assert "config" not in spec or "labelFontSize" not in spec["config"].get("legend", {})


def test_drawn_with_sets_the_renderer_and_keeps_the_other_embed_options():
    spec = {"mark": "bar", "usermeta": {"embedOptions": {"padding": 4}, "note": "kept"}}
    out = chart_theme.drawn_with(spec, "canvas")
    assert out["usermeta"] == {"embedOptions": {"padding": 4, "renderer": "canvas"}, "note": "kept"}
    assert spec["usermeta"] == {"embedOptions": {"padding": 4}, "note": "kept"}, "the given spec is not changed"
    assert chart_theme.drawn_with({"mark": "bar"}, "svg")["usermeta"] == {"embedOptions": {"renderer": "svg"}}


def test_the_projector_draws_svg_over_a_canvas_spec():
    spec = chart_theme.drawn_with(spec_of(_chart()), "canvas")
    out = chart_theme.for_projector(spec)
    assert out["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas", "the screen's spec is not changed"
    # A dark page's recolouring keeps the renderer (it swaps colours only).
    assert chart_theme.recolour(spec)["usermeta"] == spec["usermeta"]
