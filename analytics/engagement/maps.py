"""Pure pydeck builders for the activity map. No base map and no remote request by default."""

from __future__ import annotations

import json
import urllib.parse
import uuid

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from analytics.contract.vocabulary import ACTIVITY_TYPES
from analytics.engagement import map_layout

# One colour per activity type (Okabe-Ito and friends), as RGB.
ACTIVITY_COLOURS: dict[str, list[int]] = dict(
    zip(
        ACTIVITY_TYPES,
        [
            [0, 114, 178],
            [230, 159, 0],
            [0, 158, 115],
            [204, 121, 167],
            [86, 180, 233],
            [213, 94, 0],
            [136, 34, 85],
            [153, 153, 51],
        ],
        strict=True,
    )
)
# A base-map style with only a plain background, inlined as a data: URL so nothing is fetched.
# (With no style at all, Streamlit's front end falls back to a remote Carto style, and pydeck only
# takes a style given as a dict together with the Mapbox provider.)
BLANK_STYLE_URL = "data:application/json;charset=utf-8," + urllib.parse.quote(
    json.dumps(
        {
            "version": 8,
            "sources": {},
            "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#f7f9fc"}}],
        }
    )
)
# One plain-text tooltip for every layer (an event, a grid cell of anti-social behaviour, a district's outline):
# each object carries its own ``tip``. Text, never HTML, so nothing in the data can become markup.
TOOLTIP = {"text": "{tip}"}
# Outlines: the chosen districts white with a dark edge, the others grey (indexed by "chosen").
OUTLINE_FILL = {True: [255, 255, 255, 255], False: [226, 231, 238, 255]}
OUTLINE_LINE = {True: [40, 40, 40, 255], False: [150, 150, 150, 255]}
ASB_COLOUR = [64, 64, 64]  # dark grey: no activity type has it
ASB_ALPHA = 60
ASB_LABEL = "Anti-social behaviour"


class _Deck(pdk.Deck):
    """A Deck whose JSON is written by json's C encoder, its large layers' rows spliced in as pandas wrote them.

    pydeck indents its JSON, which makes Python fall back to its pure-Python encoder: for
    thousands of events that was most of the activity page's time. A layer given ``_Rows`` holds a token
    in place of its rows; the rows' JSON (pandas' C writer) replaces the token in the text, so thousands of
    events are never turned into Python dicts and written again (about 70 ms of a change at scale).
    """

    def __init__(self, *args, spliced: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.spliced_rows = spliced or {}  # token -> rows' JSON; never written as an attribute (to_json)

    def to_json(self) -> str:
        def attributes(o):
            out = default_serialize(o)
            if o is self:
                out.pop("splicedRows", None)
            return out

        text = json.dumps(self, sort_keys=True, default=attributes)
        for token, rows in self.spliced_rows.items():
            text = text.replace(json.dumps(token), rows, 1)
        return text


class _Rows:
    """The rows of a deck's large layers as JSON text, each behind a token no data can hold (a fresh UUID)."""

    def __init__(self) -> None:
        self.text: dict[str, str] = {}

    def __call__(self, frame: pd.DataFrame) -> str:
        token = f"@@rows:{uuid.uuid4().hex}"
        self.text[token] = frame.to_json(orient="records", date_format="iso")
        return token


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain JSON records (pandas' C writer; missing values become null)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _when(start_at: pd.Series) -> np.ndarray:
    """Each event's start as "05 Apr 2026 18:30" (None where missing): in English whatever the server's locale,
    and a quarter of the time of pandas' strftime."""
    ts = pd.to_datetime(start_at)
    out = np.full(len(ts), None, dtype=object)
    known = ts.notna().to_numpy()
    t = ts[known].dt
    out[known] = [
        f"{d:02d} {_MONTHS[m - 1]} {y} {h:02d}:{mi:02d}"
        for d, m, y, h, mi in zip(t.day, t.month, t.year, t.hour, t.minute, strict=True)
    ]
    return out


def _point_frame(points: pd.DataFrame) -> pd.DataFrame:
    df = points[["event_id", "title", "activity_type", "venue", "audience_group", "lat", "lon"]].copy()
    df["when"] = _when(points["start_at"])
    df["people"] = points["attendance"].astype("Float64").fillna(-1).astype(int).astype(str).replace("-1", "–")
    df["colour"] = [ACTIVITY_COLOURS.get(t, [120, 120, 120]) for t in points["activity_type"]]
    df["tip"] = (
        df["title"].fillna("").astype(str) + "\n" + df["activity_type"].astype(str) + " · " + df["when"].fillna("")
        + "\n" + df["venue"].fillna("").astype(str) + "\nAudience: " + df["audience_group"].fillna("").astype(str)
        + "\nAttendance: " + df["people"]
    )  # fmt: skip
    # Area grows with attendance; a floor keeps small meetings visible.
    df["radius"] = 120 + 40 * np.sqrt(points["attendance"].astype("Float64").fillna(0).astype(float))
    return df


def activity_deck(
    points: pd.DataFrame,
    districts: pd.DataFrame,
    mode: str = "points",
    boundaries: dict | None = None,
    style_url: str | None = None,
    context: pd.DataFrame | None = None,
) -> pdk.Deck:
    """The activity map: points coloured by type and sized by attendance, or hexagon density; the districts'
    outlines when boundaries are given and their names (labels that would overlap another are left out, the
    outline names its district on hover); anti-social behaviour (``context``: lon, lat, incidents) beneath.

    ``districts`` has name, lat and lon, and optionally ``district_id``, ``population`` and ``chosen`` (the
    districts the page shows: the view fits them, their outlines are drawn darker and their labels win).
    """
    rows = _Rows()  # the large layers' rows, written once as JSON text
    districts = districts.copy()
    if "chosen" not in districts:
        districts["chosen"] = True
    chosen = districts[districts["chosen"]]
    layers = []
    if boundaries:
        ids = set(chosen["district_id"]) if "district_id" in chosen else set()
        features = []
        for f in boundaries["features"]:
            mine = f["properties"].get("district_id") in ids
            style = {"chosen": mine, "fill": OUTLINE_FILL[mine], "line": OUTLINE_LINE[mine], "width": 2 if mine else 1}
            features.append({**f, "properties": {**f["properties"], **style}})
        outlines = {"type": "FeatureCollection", "features": features}
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                outlines,
                id="boundaries",
                stroked=True,
                filled=True,
                get_fill_color="properties.fill",
                get_line_color="properties.line",
                get_line_width="properties.width",
                line_width_units="'pixels'",  # quoted: pydeck reads a bare string as an expression
                pickable=True,
            )
        )
    # Anti-social behaviour beneath the events as translucent grey discs, a disc per grid cell growing with its
    # incidents: where they pile up the grey deepens, so concentrations show at any zoom and the events stay on top.
    if context is not None and len(context):
        cells = context[["lon", "lat", "incidents"]].copy()
        cells["radius"] = 200 + 150 * np.sqrt(cells["incidents"].astype(float))
        cells["tip"] = [
            f"{n:,} anti-social behaviour incident{'' if n == 1 else 's'} (police.uk)" for n in cells["incidents"]
        ]
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                rows(cells),
                id="anti-social-behaviour",
                get_position=["lon", "lat"],
                get_radius="radius",
                radius_min_pixels=2,
                get_fill_color=[*ASB_COLOUR, ASB_ALPHA],
                stroked=False,
                pickable=True,
            )
        )
    frame = _point_frame(points)
    if mode == "hexagon":
        layers.append(
            pdk.Layer(
                "HexagonLayer",
                rows(frame[["lat", "lon"]]),
                id="density",
                get_position=["lon", "lat"],
                radius=1500,
                elevation_scale=0,
                extruded=False,
                coverage=0.9,
                pickable=False,
                color_range=[
                    [222, 235, 247],
                    [198, 219, 239],
                    [158, 202, 225],
                    [107, 174, 214],
                    [49, 130, 189],
                    [8, 81, 156],
                ],
            )
        )
    else:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                rows(frame),
                id="events",
                get_position=["lon", "lat"],
                get_fill_color="colour",
                get_radius="radius",
                radius_min_pixels=3,
                radius_max_pixels=30,
                opacity=0.8,
                stroked=True,
                get_line_color=[255, 255, 255],
                line_width_min_pixels=1,
                pickable=True,
            )
        )
    # Labels last, on top, placed so that none overlaps another (place_labels); the outline names its
    # district on hover, so a label left out is never lost.
    view = map_layout.initial_view(districts, boundaries)
    labels = map_layout.place_labels(districts, view, boundaries)
    layers.append(
        pdk.Layer(
            "TextLayer",
            _records(labels),
            id="district-labels",
            get_position=["lon", "lat"],
            get_text="label",
            get_size="size_m",
            size_units="'meters'",  # quoted: pydeck reads a bare string as an expression
            size_min_pixels=map_layout.LABEL_MIN_PX,
            size_max_pixels=map_layout.LABEL_MAX_PX,
            get_color=[30, 30, 30],
            font_family="'monospace'",
            font_weight=600,
            get_text_anchor="'middle'",
            get_alignment_baseline="'center'",
            background=True,
            get_background_color=[255, 255, 255, 215],
            background_padding=[3, 1, 3, 1],
            pickable=False,
        )
    )
    return _Deck(
        layers=layers,
        initial_view_state=view,
        map_provider=None,  # no remote base map; a self-hosted style is opt-in (style_url)
        map_style=style_url or BLANK_STYLE_URL,
        tooltip=TOOLTIP,
        spliced=rows.text,
    )


def _css(rgb: list[int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


def activity_scale():
    """The activity types' colours as an Altair scale: the same colours as the map's points."""
    import altair as alt

    return alt.Scale(domain=list(ACTIVITY_COLOURS), range=[_css(c) for c in ACTIVITY_COLOURS.values()])


def legend_chart(types: list[str], context: bool = False):
    """A small Altair legend of the map's colours (the map itself draws none): the activity types, and
    anti-social behaviour's grey shading when its layer is drawn."""
    import altair as alt

    entries = list(types) + ([ASB_LABEL] if context else [])
    df = pd.DataFrame({"type": entries, "row": range(len(entries))})
    colours = [_css(ACTIVITY_COLOURS[t]) for t in types] + ([_css(ASB_COLOUR)] if context else [])
    opacity = [1.0] * len(types) + ([max(0.35, ASB_ALPHA / 255)] if context else [])
    df["opacity"] = opacity
    base = alt.Chart(df).encode(y=alt.Y("row:O", axis=None))
    dots = base.mark_circle(size=140).encode(
        color=alt.Color("type:N", scale=alt.Scale(domain=entries, range=colours), legend=None),
        opacity=alt.Opacity("opacity:Q", scale=None, legend=None),
    )
    text = base.mark_text(align="left", dx=10, fontSize=12).encode(text="type:N")
    return (dots + text).properties(width=300, height=22 * len(entries))


def mix_chart(mix: pd.DataFrame):
    """Events per district, stacked by activity type."""
    import altair as alt

    from analytics.charts.common import plain_json

    return (
        alt.Chart(plain_json(mix))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title="District", axis=alt.Axis(labelLimit=220)),
            x=alt.X("events:Q", title="Events"),
            color=alt.Color(
                "activity_type:N", title="Activity", scale=activity_scale(), legend=alt.Legend(labelLimit=220)
            ),
            tooltip=[
                alt.Tooltip("name:N", title="District"),
                alt.Tooltip("activity_type:N", title="Activity"),
                alt.Tooltip("events:Q", title="Events"),
            ],
        )
        .properties(height=max(140, 28 * mix["name"].nunique()), title="Mix of activity")
    )


def map_views_chart(monthly: pd.DataFrame):
    """Public map views per 1,000 residents by month: a line per district, the force dashed."""
    import altair as alt

    from analytics.survey.trend_charts import DISTRICT_PALETTE, FORCE_COLOUR

    df = monthly.assign(month=pd.to_datetime(monthly["month_start"]).dt.strftime("%Y-%m-01"))
    x = alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y"))
    lines = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("per_1k:Q", title="Views per 1,000 residents"),
            # The dashboard's district palette (colour-blind safe, none pale on white), as on every other chart.
            color=alt.Color("name:N", title="District", scale=alt.Scale(range=DISTRICT_PALETTE)),
            tooltip=[
                alt.Tooltip("name:N", title="District"),
                alt.Tooltip("month:T", format="%b %Y"),
                alt.Tooltip("views:Q", title="Views"),
                alt.Tooltip("per_1k:Q", format=".1f"),
            ],
        )
    )
    force = (
        alt.Chart(df.drop_duplicates("month"))
        .mark_line(color=FORCE_COLOUR, strokeDash=[6, 3])
        .encode(x=x, y="force_per_1k:Q")
    )
    return (lines + force).properties(height=260, title="Public map views per 1,000 residents (dashed: force)")
