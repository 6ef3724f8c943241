"""police.uk street-level crime files for tests, written in the documented layouts (docs/police_uk_formats.md).

The real published samples in tests/fixtures/police_uk/ are Bedfordshire's; these are built to the same
header, with rows in several Essex districts, outside the force, without a location, and from another force.
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
    "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip
SNAKE_HEADER = [h.lower().replace(" ", "_") for h in HEADER]
API_HEADER = [
    "category", "persistent_id", "date", "lat", "long", "street_id", "street_name", "context", "id",
    "location_type", "location_subtype", "outcome_status",
]  # fmt: skip
ASB = "Anti-social behaviour"

# Points inside each district's outline (checked against the shipped boundaries in the tests).
PLACES = {
    "Harlow": (0.11, 51.77),
    "Chelmsford": (0.47, 51.735),
    "Basildon": (0.46, 51.575),
    "Southend-on-Sea": (0.71, 51.545),
    "Colchester": (0.90, 51.89),
    "Uttlesford": (0.24, 52.02),
    "Babergh": (0.95, 52.05),  # Suffolk: outside Essex
    "Maidstone": (0.52, 51.27),  # Kent
}


def street_row(month: str, force: str, lad: str | None, crime: str = ASB, n: int = 1) -> list[str]:
    """One row of a street file; ``lad`` None gives a row with no location."""
    if lad is None:
        return ["", month, force, force, "", "", "No location", "", "", crime, "", ""]
    lon, lat = PLACES[lad]
    crime_id = "" if crime == ASB else f"id{n}"
    outcome = "" if crime == ASB else "Under investigation"
    return [
        crime_id, month, force, force, f"{lon:.6f}", f"{lat:.6f}", "On or near High Street", "E01000000",
        f"{lad} {n % 1000:03d}A", crime, outcome, "",
    ]  # fmt: skip


def write_street_file(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    """Write ``rows`` under ``header`` as police.uk writes its CSV files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def api_row(month: str, lad: str, category: str = "anti-social-behaviour", n: int = 1) -> list[str]:
    """One row of the API's flattened street-crime extract (a slug category, ``lat`` and ``long``, no LSOA)."""
    lon, lat = PLACES[lad]
    return [category, "", month, f"{lat:.6f}", f"{lon:.6f}", "1", "On or near High Street", "", str(n), "Force", "", ""]
