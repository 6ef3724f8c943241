"""Pure pydeck builders for the activity map. No base map and no remote request by default."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from analytics.vocabulary import ACTIVITY_TYPES

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
TOOLTIP = {"text": "{title}\n{activity_type} · {when}\n{venue}\nAudience: {audience_group}\nAttendance: {people}"}


def load_boundaries(path: Path | None, districts: pd.DataFrame) -> dict | None:
    """Local authority boundaries from a GeoJSON file, each tagged with the policing district whose
    ``lad_codes`` include it. None when no file is configured or it cannot be read."""
    if path is None or not Path(path).is_file():
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    owner = {code: row.name for row in districts.itertuples(index=False) for code in row.lad_codes}
    features = []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = next((v for k, v in props.items() if k.upper().endswith("CD") and v in owner), None)
        if code:
            features.append(
                {
                    "type": "Feature",
                    "geometry": feature["geometry"],
                    "properties": {"district": owner[code], "lad_code": code},
                }
            )
    return {"type": "FeatureCollection", "features": features} if features else None


class _Deck(pdk.Deck):
    """A Deck whose JSON is written by json's C encoder.

    pydeck indents its JSON, which makes Python fall back to its pure-Python encoder: for
    thousands of events that was most of the activity page's time.
    """

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain JSON records (pandas' C writer; missing values become null)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _point_frame(points: pd.DataFrame) -> pd.DataFrame:
    df = points[["event_id", "title", "activity_type", "venue", "audience_group", "lat", "lon"]].copy()
    df["when"] = pd.to_datetime(points["start_at"]).dt.strftime("%d %b %Y %H:%M")
    df["people"] = points["attendance"].astype("Float64").fillna(-1).astype(int).astype(str).replace("-1", "–")
    df["colour"] = [ACTIVITY_COLOURS.get(t, [120, 120, 120]) for t in points["activity_type"]]
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
    """The activity map: points coloured by type and sized by attendance, or hexagon density;
    district outlines when boundaries are given, district names at their centres otherwise."""
    layers = []
    if boundaries:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                boundaries,
                id="boundaries",
                stroked=True,
                filled=True,
                get_fill_color=[240, 243, 248, 255],
                get_line_color=[90, 90, 90],
                line_width_min_pixels=1,
                pickable=False,
            )
        )
    labels = districts[["name", "lat", "lon"]].copy()
    layers.append(
        pdk.Layer(
            "TextLayer",
            labels,
            id="district-labels",
            get_position=["lon", "lat"],
            get_text="name",
            get_size=14,
            get_color=[60, 60, 60],
            get_alignment_baseline="'center'",
            pickable=False,
        )
    )
    if context is not None and len(context):
        cells = context.assign(radius=150 + 60 * np.sqrt(context["incidents"].astype(float)))
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                cells,
                id="anti-social-behaviour",
                get_position=["lon", "lat"],
                get_radius="radius",
                get_fill_color=[120, 120, 120, 70],
                stroked=False,
                pickable=False,
            )
        )
    frame = _point_frame(points)
    if mode == "hexagon":
        layers.append(
            pdk.Layer(
                "HexagonLayer",
                _records(frame[["lat", "lon"]]),
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
                _records(frame),
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
    centre = (districts["lat"].mean(), districts["lon"].mean()) if len(districts) else (52.0, -1.5)
    return _Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=centre[0], longitude=centre[1], zoom=8.6),
        map_provider=None,  # no remote base map; a self-hosted style is opt-in (style_url)
        map_style=style_url or BLANK_STYLE_URL,
        tooltip=TOOLTIP if mode != "hexagon" else False,
    )


def legend_chart(types: list[str]):
    """A small Altair legend of the activity-type colours (the map itself draws none)."""
    import altair as alt

    df = pd.DataFrame({"type": types, "row": range(len(types))})
    colours = [f"rgb({','.join(map(str, ACTIVITY_COLOURS[t]))})" for t in types]
    base = alt.Chart(df).encode(y=alt.Y("row:O", axis=None))
    dots = base.mark_circle(size=140).encode(
        color=alt.Color("type:N", scale=alt.Scale(domain=types, range=colours), legend=None)
    )
    text = base.mark_text(align="left", dx=10, fontSize=12).encode(text="type:N")
    return (dots + text).properties(width=300, height=22 * len(types))


def mix_chart(mix: pd.DataFrame):
    """Events per district, stacked by activity type."""
    import altair as alt

    from analytics.chart_common import plain_json

    return (
        alt.Chart(plain_json(mix))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title="District", axis=alt.Axis(labelLimit=220)),
            x=alt.X("events:Q", title="Events"),
            color=alt.Color("activity_type:N", title="Activity", legend=alt.Legend(labelLimit=220)),
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

    df = monthly.assign(month=pd.to_datetime(monthly["month_start"]).dt.strftime("%Y-%m-01"))
    x = alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y"))
    lines = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("per_1k:Q", title="Views per 1,000 residents"),
            color=alt.Color("name:N", title="District"),
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
        .mark_line(color="#000000", strokeDash=[6, 3])
        .encode(x=x, y="force_per_1k:Q")
    )
    return (lines + force).properties(height=260, title="Public map views per 1,000 residents (dashed: force)")
