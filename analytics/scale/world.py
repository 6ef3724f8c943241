"""The synthetic country of the scale data set: 43 forces, their districts, places and the period covered."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.demo.spec import largest_remainder, month_starts, parse_month

FORCES_FILE = Path(__file__).with_name("forces.json")
# England and Wales, roughly: synthetic points are kept inside this box.
LAT_RANGE = (50.0, 55.8)
LON_RANGE = (-5.6, 1.75)
_TILE = (0.22, 0.33)  # degrees of latitude and longitude per tile-map cell
_PLACE_SUFFIXES = ("Central", "North", "East", "South", "West")
_PLACE_DIRECTIONS = ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))


@dataclass(frozen=True)
class World:
    """Everything the table builders share: districts (sorted by id), their forces and places, the period."""

    spec: dict
    districts: pd.DataFrame  # the districts table, sorted by district_id
    force_of: np.ndarray  # force index of each district
    place_district: np.ndarray  # district index of each place
    place_names: list[str]
    place_lat: np.ndarray
    place_lon: np.ndarray
    place_weight: np.ndarray
    first_month: date
    as_at: date
    last_month: date  # last month with (planned) events

    @property
    def n_districts(self) -> int:
        """Number of districts."""
        return len(self.districts)

    @property
    def forces(self) -> list[dict]:
        """The forces as listed in the spec file."""
        return self.spec["forces"]

    def months(self, last: date | None = None) -> list[date]:
        """Month starts from the first month to ``last`` (default: the as-at month)."""
        return month_starts(self.first_month, last or self.as_at)


def slug(text: str) -> str:
    """Lower-case identifier made of letters, digits and underscores."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def districts_per_force(population: int) -> int:
    """Districts a force is split into: 5 for the smallest, 12 for the largest."""
    return int(np.clip(np.floor(4 + population / 400_000 + 0.5), 5, 12))


def load_world(seed: int, path: Path = FORCES_FILE) -> World:
    """The forces file turned into districts and places, with seeded positions and populations."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    rng = np.random.default_rng([seed, 0])
    rows = []
    for fi, f in enumerate(spec["forces"]):
        k = districts_per_force(f["population"])
        pops = largest_remainder(f["population"], rng.lognormal(0, 0.35, k))
        # Districts on a ring around the force centre, inside the force's rough radius.
        radius = np.sqrt(f["area_km2"] / np.pi) / 111 * 0.75
        angle = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(k) / k
        dist = radius * np.sqrt(rng.uniform(0.15, 1.0, k))
        lat = np.clip(f["lat"] + dist * np.sin(angle), *LAT_RANGE)
        lon = np.clip(f["lon"] + dist * np.cos(angle) / np.cos(np.radians(f["lat"])), *LON_RANGE)
        for j in range(k):
            rows.append(
                {
                    "district_id": f"{slug(f['area'])}_{j + 1:02d}",
                    "name": f"{f['area']} district {j + 1}",
                    "lpa": f["force"],
                    "population": int(max(pops[j], 1)),
                    "lat": round(float(lat[j]), 5),
                    "lon": round(float(lon[j]), 5),
                    "lad_codes": [],
                    "force_idx": fi,
                    "spread": radius / np.sqrt(k),
                }
            )
    d = pd.DataFrame(rows).sort_values("district_id", kind="stable").reset_index(drop=True)
    d["tile_row"], d["tile_col"] = _tiles(d["lat"].to_numpy(), d["lon"].to_numpy(), d["population"].to_numpy())
    places = _places(d, rng)
    period = spec["period"]
    first = parse_month(period["first_month"])
    as_at = date.fromisoformat(period["as_at"])
    last = month_starts(as_at, as_at + timedelta(days=31 * period["planned_months"]))[period["planned_months"]]
    return World(
        spec=spec,
        districts=d.drop(columns=["force_idx", "spread"]),
        force_of=d["force_idx"].to_numpy(),
        place_district=places[0],
        place_names=places[1],
        place_lat=places[2],
        place_lon=places[3],
        place_weight=places[4],
        first_month=first,
        as_at=as_at,
        last_month=last,
    )


def _tiles(lat: np.ndarray, lon: np.ndarray, pop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A geographic tile map: each district in the free cell nearest its position, largest districts first."""
    want_r = np.round((LAT_RANGE[1] - lat) / _TILE[0]).astype(int)
    want_c = np.round((lon - LON_RANGE[0]) / _TILE[1]).astype(int)
    taken: set[tuple[int, int]] = set()
    row = np.zeros(lat.size, dtype=int)
    col = np.zeros(lat.size, dtype=int)
    for i in np.lexsort((np.arange(lat.size), -pop)):
        for ring in range(0, 100):
            cells = [
                (want_r[i] + dr, want_c[i] + dc)
                for dr in range(-ring, ring + 1)
                for dc in range(-ring, ring + 1)
                if max(abs(dr), abs(dc)) == ring and (want_r[i] + dr, want_c[i] + dc) not in taken
            ]
            if cells:
                r, c = min(cells, key=lambda rc: ((rc[0] - want_r[i]) ** 2 + (rc[1] - want_c[i]) ** 2, rc))
                break
        taken.add((r, c))
        row[i], col[i] = r, c
    return (row - row.min()).astype(np.int16), (col - col.min()).astype(np.int16)


def _places(d: pd.DataFrame, rng: np.random.Generator):
    """3 to 5 named places per district (centre first), where events are held and concerns raised."""
    district, names, lat, lon, weight = [], [], [], [], []
    for i, rec in enumerate(d.itertuples(index=False)):
        k = int(rng.integers(3, 6))
        step = rec.spread * 0.6
        for j in range(k):
            dy, dx = _PLACE_DIRECTIONS[j]
            district.append(i)
            names.append(f"{rec.name} {_PLACE_SUFFIXES[j]}")
            lat.append(np.clip(rec.lat + dy * step, *LAT_RANGE))
            lon.append(np.clip(rec.lon + dx * step / np.cos(np.radians(rec.lat)), *LON_RANGE))
            weight.append(3.0 if j == 0 else 1.0)
    return np.array(district), names, np.array(lat), np.array(lon), np.array(weight)


def days_since_epoch(d: date) -> int:
    """``d`` as days since 1970-01-01 (Arrow's DATE)."""
    return (d - date(1970, 1, 1)).days
