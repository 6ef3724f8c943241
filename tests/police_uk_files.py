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


def write_year(root: Path, months: list[str], force: str = "Essex Police", seed: int = 7) -> Path:
    """A month's street file for each of ``months``, in the documented layout: anti-social behaviour around the
    demo's towns (more in some towns than others), a few other crimes, rows without a location and rows
    outside the force (Babergh). Repeatable for a seed."""
    import json

    import numpy as np

    spec = json.loads((Path(__file__).resolve().parents[1] / "data" / "demo_force.json").read_text())
    rng = np.random.default_rng(seed)
    towns = [(d["lads"][0]["name"], t[1], t[2], t[3]) for d in spec["districts"] for t in d["towns"]]
    heat = rng.gamma(1.5, 1.0, len(towns))  # some towns busier than their size
    for month in months:
        rows = []
        for i, (lad, lat, lon, population) in enumerate(towns):
            for k in range(rng.poisson(population / 1_500 * heat[i])):
                crime = ASB if rng.random() < 0.6 else "Criminal damage and arson"
                row = street_row(month, force, "Harlow", crime=crime, n=k)
                row[4] = f"{lon + rng.normal(0, 0.008):.6f}"
                row[5] = f"{lat + rng.normal(0, 0.006):.6f}"
                row[8] = f"{lad} {k % 50:03d}A"
                rows.append(row)
        rows += [street_row(month, force, None) for _ in range(rng.poisson(8))]
        rows += [street_row(month, force, "Babergh", n=k) for k in range(rng.poisson(3))]
        write_street_file(root / month / f"{month}-{force.split()[0].lower()}-street.csv", rows)
    return root
