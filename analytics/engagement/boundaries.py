"""Local authority districts: the outlines the activity map draws, and which policing district a place is in.

Two generalised ONS files ship in data/boundaries/ (Open Government Licence v3.0; data/README.md): the 14
districts of Essex with their ONS codes, and all 296 districts of England with their names only. With no
setting the map uses them: a local authority joins a policing district by its code (the ``lad_codes`` of
the ``districts`` table) where the file has codes, and otherwise by its name, matched to the names the
coded file gives those codes or to the district's own name ("Braintree and Uttlesford" covers Braintree
and Uttlesford). ``ENGAGEMENT_BOUNDARIES`` names a file that replaces both (for a Welsh force, the ONS
download: England's file has no Welsh districts).

The same join places police.uk rows: an LSOA's name begins with its local authority's ("Basildon 001A"),
and a row with coordinates but no LSOA is placed by the outline its point falls in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.config import PROJECT_ROOT

BOUNDARY_DIR = PROJECT_ROOT / "data" / "boundaries"
# Tried in this order: a district's code found in the first settles it; the names-only file covers the rest.
SHIPPED = (BOUNDARY_DIR / "essex_lad_2024_buc.geojson", BOUNDARY_DIR / "england_lad_2024_buc_names.geojson")
ATTRIBUTION = (
    "Boundaries: Office for National Statistics, Local Authority Districts (May 2024) Boundaries UK BUC. "
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right."
)
WELSH_ADVICE = (
    "The dashboard ships outlines for England only. For Welsh districts, download the ONS 'Local Authority "
    "Districts (May 2024) Boundaries UK BUC' as GeoJSON from the ONS Open Geography Portal and set "
    "ENGAGEMENT_BOUNDARIES to that file (its LAD24CD codes join the districts' lad_codes)."
)
_LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")


def name_key(name: object) -> str:
    """A place name as a comparable key: case, punctuation and '&' do not matter (``Southend-on-Sea``)."""
    text = str(name).lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def lad_name_of_lsoa(lsoa_name: pd.Series) -> pd.Series:
    """The local authority's name in a police.uk LSOA name (``Basildon 001A`` -> ``Basildon``)."""
    return lsoa_name.astype("string").str.strip().str.replace(_LSOA_SUFFIX, "", regex=True)


def _codes(value) -> list[str]:
    """A ``lad_codes`` cell as a list (a list, an array, or missing)."""
    return [] if value is None or (isinstance(value, float) and np.isnan(value)) else [str(c) for c in value]


def _district_name_keys(name: str) -> set[str]:
    """Keys a district's own name offers: whole, and each local authority it lists ("A, B and C")."""
    parts = re.split(r",|\band\b|&", str(name))
    return {name_key(name)} | {name_key(p) for p in parts if name_key(p)}


@dataclass(frozen=True)
class Lad:
    """One local authority district of a boundary file."""

    code: str | None
    name: str | None
    geometry: dict


def read_lads(path: Path) -> list[Lad]:
    """The local authority districts of a GeoJSON file: an ONS code from a property named like ``LAD24CD``
    and a name from ``LAD24NM`` or ``name``. Raises ValueError (or OSError) for a file that is not one."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ValueError("not a GeoJSON FeatureCollection")
    lads = []
    for feature in features:
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            continue
        props = feature.get("properties") or {}
        code = next((str(v) for k, v in props.items() if re.fullmatch(r"LAD\d*CD", str(k).upper()) and v), None)
        name = next((str(v) for k, v in props.items() if re.fullmatch(r"LAD\d*NM", str(k).upper()) and v), None)
        lads.append(Lad(code, name or (str(props["name"]) if props.get("name") else None), feature["geometry"]))
    return lads


def _rings(geometry: dict) -> list[list[np.ndarray]]:
    """A (Multi)Polygon's polygons, each a list of rings as (n, 2) arrays of lon, lat."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[np.asarray(ring, dtype=float)[:, :2] for ring in polygon if len(ring) >= 3] for polygon in polygons]


def _inside(rings: list[np.ndarray], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points inside a polygon with holes (even-odd rule over every ring)."""
    inside = np.zeros(len(lon), dtype=bool)
    for ring in rings:
        x0, y0 = ring[:, 0], ring[:, 1]
        x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
        for ax, ay, bx, by in zip(x0, y0, x1, y1, strict=True):
            crosses = (ay > lat) != (by > lat)
            if crosses.any():
                at = ax + (lat - ay) * (bx - ax) / np.where(by == ay, 1, by - ay)
                inside ^= crosses & (lon < at)
    return inside


@dataclass
class DistrictAreas:
    """The force's districts as places: outlines to draw, and lookups that place a police.uk row."""

    outlines: dict | None = None  # GeoJSON FeatureCollection, each feature tagged with its district
    by_name: dict[str, str] = field(default_factory=dict)  # local authority name key -> district_id
    shapes: list[tuple[str, list[np.ndarray], tuple[float, float, float, float]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # file names the outlines came from
    without_outline: list[str] = field(default_factory=list)  # district names no file covered
    notes: list[str] = field(default_factory=list)

    def district_of_lad_name(self, lad_names: pd.Series) -> pd.Series:
        """The district_id of each local authority name (missing where it is not one of the force's)."""
        found = [self.by_name.get(name_key(n)) if isinstance(n, str) else None for n in lad_names]
        return pd.Series(found, index=lad_names.index, dtype=object)

    def district_of_point(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The district_id whose outline holds each point (None outside every outline)."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        out = np.full(len(lon), None, dtype=object)
        for district_id, rings, (x0, y0, x1, y1) in self.shapes:
            near = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1) & (out == None)  # noqa: E711
            if near.any():
                idx = np.flatnonzero(near)
                out[idx[_inside(rings, lon[idx], lat[idx])]] = district_id
        return out


def district_areas(districts: pd.DataFrame, configured: Path | None = None) -> DistrictAreas:
    """The districts' outlines and place lookups from ``configured`` (ENGAGEMENT_BOUNDARIES) or the shipped files."""
    areas = DistrictAreas()
    files: list[tuple[Path, list[Lad]]] = []
    if configured is not None:
        try:
            files.append((Path(configured), read_lads(configured)))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            reason = "it does not exist" if isinstance(exc, FileNotFoundError) else "it is not a readable GeoJSON file"
            areas.notes.append(
                f"The boundary file set in ENGAGEMENT_BOUNDARIES ({Path(configured).name}) was not used: {reason}. "
                "The outlines shipped with the dashboard are shown instead."
            )
    if not files:
        files = [(p, read_lads(p)) for p in SHIPPED if p.is_file()]
    owner = {str(code): row.district_id for row in districts.itertuples(index=False) for code in _codes(row.lad_codes)}
    names = {row.district_id: row.name for row in districts.itertuples(index=False)}
    code_names = {lad.code: lad.name for _, lads in files for lad in lads if lad.code and lad.name}
    # Name keys -> district: the names the coded files give its codes first, then its own name's parts.
    by_name: dict[str, str] = {}
    for code, district_id in owner.items():
        if code in code_names:
            by_name.setdefault(name_key(code_names[code]), district_id)
    for district_id, name in names.items():
        for key in _district_name_keys(name):
            by_name.setdefault(key, district_id)
    features, taken, used = [], set(), []
    for path, lads in files:
        before = len(features)
        for lad in lads:
            key = name_key(lad.name) if lad.name else None
            district_id = owner.get(lad.code) if lad.code else by_name.get(key) if key else None
            if district_id is None or (key and key in taken) or (lad.code and lad.code in taken):
                continue
            taken.update(k for k in (key, lad.code) if k)
            if key:
                by_name[key] = district_id
            features.append(
                {
                    "type": "Feature",
                    "geometry": lad.geometry,
                    "properties": {
                        "district_id": district_id,
                        "district": names[district_id],
                        "lad_code": lad.code or "",
                        "lad_name": lad.name or "",
                        "tip": f"{names[district_id]} ({lad.name})" if lad.name else names[district_id],
                    },
                }
            )
            for polygon in _rings(lad.geometry):
                if polygon:
                    outer = polygon[0]
                    bbox = (outer[:, 0].min(), outer[:, 1].min(), outer[:, 0].max(), outer[:, 1].max())
                    areas.shapes.append((district_id, polygon, tuple(map(float, bbox))))
        if len(features) > before:
            used.append(path.name)
    areas.by_name = by_name
    areas.sources = used
    areas.outlines = {"type": "FeatureCollection", "features": features} if features else None
    covered = {f["properties"]["district_id"] for f in features}
    areas.without_outline = [names[d] for d in names if d not in covered]
    if areas.without_outline:
        areas.notes.append(
            "No outline for " + ", ".join(areas.without_outline) + ": no boundary file has their local authority "
            "codes, and their names match no local authority in it."
        )
        welsh = districts[districts["district_id"].isin([d for d in names if d not in covered])]
        if any(str(c).startswith("W") for codes in welsh["lad_codes"] for c in _codes(codes)):
            areas.notes.append(WELSH_ADVICE)
    return areas
