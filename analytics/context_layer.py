"""Context for the activity map: anti-social behaviour from police.uk street-level crime CSV files.

The files are the public monthly downloads (``YYYY-MM-<force>-street.csv``), read from
a configured folder. Rows without a location cannot be drawn: they are counted and
reported, never silently dropped. Points are aggregated to a grid of about half a
kilometre, so the browser never receives more than MAX_CELLS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

REQUIRED = ("Month", "Longitude", "Latitude", "Crime type")
ASB = "Anti-social behaviour"
GRID = 0.005  # degrees, about 350 to 550 m in England
MAX_CELLS = 20_000


@dataclass
class ContextLayer:
    """Anti-social behaviour in the period: grid cells with counts, and what could not be used."""

    cells: pd.DataFrame
    incidents: int = 0
    without_location: int = 0
    files_read: int = 0
    files_skipped: list[str] = field(default_factory=list)


def anti_social_behaviour(folder: Path, first_month: date, last_month: date) -> ContextLayer:
    """Anti-social behaviour incidents in ``folder``'s street CSVs between two months, gridded."""
    frames, skipped, read = [], [], 0
    for path in sorted(Path(folder).rglob("*-street.csv")):
        try:
            header = pd.read_csv(path, nrows=0).columns
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                skipped.append(f"{path.name}: missing columns {', '.join(missing)}")
                continue
            df = pd.read_csv(path, usecols=list(REQUIRED), dtype={"Month": str, "Crime type": str})
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            skipped.append(f"{path.name}: {type(exc).__name__}")
            continue
        read += 1
        frames.append(df[df["Crime type"] == ASB])
    empty = pd.DataFrame({"lon": [], "lat": [], "incidents": []})
    if not frames:
        return ContextLayer(empty, files_read=read, files_skipped=skipped)
    asb = pd.concat(frames, ignore_index=True)
    months = pd.to_datetime(asb["Month"], format="%Y-%m", errors="coerce")
    asb = asb[(months >= pd.Timestamp(first_month)) & (months <= pd.Timestamp(last_month))]
    lon = pd.to_numeric(asb["Longitude"], errors="coerce")
    lat = pd.to_numeric(asb["Latitude"], errors="coerce")
    located = lon.notna() & lat.notna()
    cells = (
        pd.DataFrame({"lon": (lon[located] / GRID).round() * GRID, "lat": (lat[located] / GRID).round() * GRID})
        .groupby(["lon", "lat"])
        .size()
        .rename("incidents")
        .reset_index()
        .sort_values("incidents", ascending=False)
        .head(MAX_CELLS)
    )
    return ContextLayer(cells, len(asb), int((~located).sum()), read, skipped)
