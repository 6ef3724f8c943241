"""Where the activity map looks first and where its district labels go: pure geometry, no drawing.

The first view fits the chosen districts' outlines. Labels are placed in Python, not left to the browser:
each at its district's centre, or nudged beside it, or left out where it would overlap another (the outline
names its district on hover). They are sized in metres, so labels apart at the first view stay apart as the
map zooms in.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pydeck as pdk


def label_text(name: str) -> str:
    """A district's name as its map label: a long name over two lines ("Braintree and" / "Uttlesford")."""
    if len(name) <= 14 or " and " not in name:
        return name
    head, tail = name.split(" and ", 1)
    return f"{head} and\n{tail}"


def _view(lon: pd.Series, lat: pd.Series, width: int = 900, height: int = 560) -> pdk.ViewState:
    """A view that fits the given points (deck.gl's Web Mercator: a degree of longitude is 512 * 2^zoom / 360
    pixels)."""
    if not len(lon):
        return pdk.ViewState(latitude=52.0, longitude=-1.5, zoom=5.5)
    x0, x1, y0, y1 = float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max())

    def merc(y: float) -> float:
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(y) / 2)))

    span_x = max(x1 - x0, 0.05) * 1.1
    span_y = max(merc(y1) - merc(y0), 0.05) * 1.1
    zoom = min(math.log2(width * 360 / (512 * span_x)), math.log2(height * 360 / (512 * span_y)), 10.5)
    centre_y = math.degrees(2 * math.atan(math.exp(math.radians((merc(y0) + merc(y1)) / 2))) - math.pi / 2)
    return pdk.ViewState(latitude=centre_y, longitude=(x0 + x1) / 2, zoom=round(zoom, 2))


def _outline_extent(boundaries: dict, district_ids: set[str]) -> tuple[pd.Series, pd.Series]:
    """Every vertex of the chosen districts' outlines, as longitudes and latitudes."""
    xs: list[float] = []
    ys: list[float] = []
    for feature in boundaries["features"]:
        if feature["properties"].get("district_id") in district_ids:
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            for polygon in polygons:
                for x, y, *_ in polygon[0]:
                    xs.append(x)
                    ys.append(y)
    return pd.Series(xs, dtype=float), pd.Series(ys, dtype=float)


LABEL_PX = 14  # a label's size at the first view, in pixels
LABEL_MIN_PX, LABEL_MAX_PX = 9, 22
# Where a label may go (in label widths and heights from its anchor): the anchor, then around it.
_NUDGES = (
    (0.0, 0.0), (0.0, -1.05), (0.0, 1.05), (-0.6, 0.0), (0.6, 0.0), (-0.5, -1.05), (0.5, -1.05),
    (-0.5, 1.05), (0.5, 1.05), (0.0, -2.1), (0.0, 2.1), (-1.1, 0.0), (1.1, 0.0),
)  # fmt: skip


def _pixels(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """A place in deck.gl's Web Mercator pixels at ``zoom`` (y down)."""
    scale = 512 * 2**zoom
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return lon / 360 * scale, -y / (2 * math.pi) * scale


def _place(x: float, y: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixels at ``zoom`` back to longitude and latitude."""
    scale = 512 * 2**zoom
    lat = math.degrees(2 * math.atan(math.exp(-y / scale * 2 * math.pi)) - math.pi / 2)
    return x / scale * 360, lat


def label_box(label: str, size: float = LABEL_PX) -> tuple[float, float]:
    """A label's width and height in pixels (monospace: a character is about 0.6 of the size wide), padded."""
    lines = label.split("\n")
    return max(map(len, lines)) * 0.6 * size + 8, len(lines) * 1.2 * size + 4


def _district_rings(boundaries: dict | None) -> dict[str, list[np.ndarray]]:
    """Each district's outline rings (every polygon's outer ring), as (n, 2) arrays of longitude, latitude."""
    rings: dict[str, list[np.ndarray]] = {}
    for feature in (boundaries or {}).get("features", []):
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            ring = np.asarray(polygon[0], dtype=float)[:, :2]
            rings.setdefault(feature["properties"].get("district_id"), []).append(ring)
    return rings


def _centroid(rings: list[np.ndarray]) -> tuple[float, float] | None:
    """The area-weighted centre of a district's polygons (the shoelace formula; degrees are flat enough here)."""
    total, cx, cy = 0.0, 0.0, 0.0
    for ring in rings:
        x, y = ring[:, 0], ring[:, 1]
        x1, y1 = np.roll(x, -1), np.roll(y, -1)
        cross = x * y1 - x1 * y
        area = cross.sum() / 2
        if area:
            total += area
            cx += ((x + x1) * cross).sum() / 6
            cy += ((y + y1) * cross).sum() / 6
    return (cx / total, cy / total) if total else None


def _inside(rings: list[np.ndarray], lon: float, lat: float) -> bool:
    """Whether a point is inside any of the rings (even-odd rule)."""
    for ring in rings:
        x, y = ring[:, 0], ring[:, 1]
        x1, y1 = np.roll(x, -1), np.roll(y, -1)
        crosses = (y > lat) != (y1 > lat)
        at = x + (lat - y) * (x1 - x) / np.where(y1 == y, 1, y1 - y)
        if int((crosses & (lon < at)).sum()) % 2:
            return True
    return False


def place_labels(districts: pd.DataFrame, view: pdk.ViewState, boundaries: dict | None = None) -> pd.DataFrame:
    """District labels that overlap no other at the first view: the chosen districts first, then the more
    populous; each at its district's centre (its outline's, when there are outlines and that falls inside them),
    else nudged beside it while still within its outline, else left out (the outline names it on hover). Their
    size is in metres (the label grows and shrinks with the map), so labels apart at the first view stay apart
    as it zooms in."""
    zoom = float(view.zoom)
    n = len(districts)
    # Plain lists: reading a frame's cell by position, row after row, took most of the time at 300 districts.
    population = districts["population"].astype(float).tolist() if "population" in districts else [1.0] * n
    chosen = districts["chosen"].astype(bool).tolist() if "chosen" in districts else [True] * n
    ids = districts["district_id"].tolist() if "district_id" in districts else [None] * n
    names, lons, lats = (districts[c].tolist() for c in ("name", "lon", "lat"))
    outlines = _district_rings(boundaries)
    order = sorted(range(n), key=lambda i: (not chosen[i], -population[i]))
    metres_per_pixel = 40_075_016.686 * math.cos(math.radians(float(view.latitude))) / (512 * 2**zoom)
    kept: list[tuple[float, float, float, float]] = []
    rows = []
    for i in order:
        label = label_text(str(names[i]))
        w, h = label_box(label)
        rings = outlines.get(ids[i], [])
        anchor = (float(lons[i]), float(lats[i]))
        centre = _centroid(rings) if rings else None
        if centre is not None and _inside(rings, *centre):
            anchor = centre
        x0, y0 = _pixels(*anchor, zoom)
        for dx, dy in _NUDGES:
            x, y = x0 + dx * w, y0 + dy * h
            box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if any(box[0] < k[2] and k[0] < box[2] and box[1] < k[3] and k[1] < box[3] for k in kept):
                continue
            lon, lat = _place(x, y, zoom)
            if rings and not _inside(rings, lon, lat):
                continue
            kept.append(box)
            rows.append({"label": label, "lon": lon, "lat": lat, "size_m": LABEL_PX * metres_per_pixel})
            break
    return pd.DataFrame(rows, columns=["label", "lon", "lat", "size_m"])


def initial_view(districts: pd.DataFrame, boundaries: dict | None = None) -> pdk.ViewState:
    """The map's first view: it fits the chosen districts' outlines (their centres without outlines)."""
    chosen = districts[districts["chosen"]] if "chosen" in districts else districts
    if boundaries and len(chosen) and "district_id" in chosen:
        lon, lat = _outline_extent(boundaries, set(chosen["district_id"]))
        if len(lon):
            return _view(lon, lat)
    return _view(chosen["lon"], chosen["lat"])
