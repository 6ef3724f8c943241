"""Context for the activity map: anti-social behaviour from police.uk street-level crime files, by district.

The files are the public monthly downloads (``YYYY-MM-<force>-street.csv``) or the API's flattened
street-crime extract, in a configured folder (layouts: docs/police_uk_formats.md). Each row is placed in a
policing district through its LSOA's local authority (the LSOA name begins with it), or, with no LSOA, by
the district outline its point falls in (``analytics.engagement.boundaries``). Nothing is dropped silently:

- rows outside the force's districts, and rows without a location, are counted apart;
- the force is the one whose rows fall in the districts; another force's files are counted apart;
- the months of the period with a file of the force, and those without, are stated (a month with no
  file is missing, never zero);
- a month of the force read twice (the same file in two places) is counted once, with a note;
- every file in the folder that is not read is listed by name with the reason.

Points are aggregated to a grid of about half a kilometre, so the browser gets at most MAX_CELLS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.engagement.boundaries import DistrictAreas, lad_name_of_lsoa
from analytics.ingest import policeuk

ASB_KEY = "anti social behaviour"  # "Anti-social behaviour" (download) and "anti-social-behaviour" (API), keyed
GRID = 0.005  # degrees, about 350 to 550 m in England
MAX_CELLS = 20_000
_FILE_MONTH = re.compile(r"^(\d{4}-\d{2})-(.+)-street\.csv$", re.IGNORECASE)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])")
NOT_STREET = {
    policeuk.OUTCOMES: "an outcomes file, not street-level crime: the dashboard does not use outcomes",
    policeuk.STOP_AND_SEARCH: "a stop-and-search file, not street-level crime: the dashboard does not use it",
}


def _force_key(name: str) -> str:
    """A force as a comparable key: ``Essex Police`` and the file slug ``essex`` are the same force."""
    key = re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()
    return re.sub(r"\s+(police service|police|constabulary)$", "", key)


def month_label(month: str) -> str:
    """``2025-04`` as ``Apr 2025``."""
    return pd.Timestamp(month + "-01").strftime("%b %Y")


def period_months(first: date, last: date) -> list[str]:
    """Every month from ``first``'s to ``last``'s as ``YYYY-MM``."""
    return [p.strftime("%Y-%m") for p in pd.period_range(pd.Timestamp(first), pd.Timestamp(last), freq="M")]


@dataclass(frozen=True)
class _Read:
    """What one street file holds: its anti-social behaviour rows, and each (month, force) any of its rows has."""

    asb: pd.DataFrame  # month, force (key), lon, lat, lad_name
    present: frozenset[tuple[str, str]]
    force_names: dict[str, str]  # force key -> the name as the file writes it
    bad_months: int = 0


def _read_header(path: Path) -> tuple[list[str], str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return list(pd.read_csv(path, nrows=0, encoding=encoding).columns), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError("its text is neither UTF-8 nor Windows-1252")


@lru_cache(maxsize=512)
def _read_street_file(path: str, mtime_ns: int, size: int) -> _Read | str:
    """One file read (cached on its path, time and size), or the reason it is not read."""
    p = Path(path)
    try:
        header, encoding = _read_header(p)
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return f"cannot be read as CSV ({exc if isinstance(exc, ValueError) else type(exc).__name__})"
    layout = policeuk.csv_layout(header)
    if layout.kind is None:
        return "not a police.uk street-level crime file: an unknown layout (columns " + ", ".join(header[:6]) + ")"
    if not layout.is_street:
        return NOT_STREET[layout.kind]
    cols = layout.columns
    if not ({"longitude", "latitude"} <= cols.keys() or "lsoa_name" in cols):
        return "a street file without locations (neither Longitude and Latitude nor an LSOA name column)"
    try:
        df = pd.read_csv(p, usecols=list(cols.values()), dtype=str, encoding=encoding)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        return f"cannot be read as CSV ({type(exc).__name__})"
    df = df.rename(columns={v: k for k, v in cols.items()})
    month = df["month"].astype("string").str.strip().str[:7]
    good = month.str.match(_MONTH).fillna(False).astype(bool)
    slug = _FILE_MONTH.match(p.name)
    force = (
        df["falls_within"].astype("string").str.strip()
        if "falls_within" in df
        else pd.Series(slug.group(2) if slug else "", index=df.index, dtype="string")
    )
    force = force.fillna(slug.group(2) if slug else "")
    keys = force.map(_force_key)
    names = dict(zip(keys, force, strict=True))
    present = frozenset(zip(month[good], keys[good], strict=True))
    kind = df["crime_type"].astype("string").str.lower().str.replace(r"[-_\s]+", " ", regex=True).str.strip()
    asb = good & (kind == ASB_KEY).fillna(False).astype(bool)
    out = pd.DataFrame(
        {
            "month": month[asb].astype(str),
            "force": keys[asb].astype(str),
            "lon": pd.to_numeric(df["longitude"][asb], errors="coerce") if "longitude" in df else np.nan,
            "lat": pd.to_numeric(df["latitude"][asb], errors="coerce") if "latitude" in df else np.nan,
            "lad_name": lad_name_of_lsoa(df["lsoa_name"][asb]) if "lsoa_name" in df else pd.NA,
        }
    ).reset_index(drop=True)
    out["lad_name"] = out["lad_name"].replace("", pd.NA)
    return _Read(out, present, names, int((~good).sum()))


def folder_files(folder: Path) -> list[Path]:
    """Every file in the folder and its sub-folders (hidden ones aside), in name order."""
    root = Path(folder)
    return sorted(
        (
            p
            for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
        ),
        key=lambda p: p.relative_to(root).as_posix(),
    )


@dataclass
class ContextLayer:
    """Anti-social behaviour in the period, placed in the force's districts, and what could not be used."""

    months: list[str]  # the period's months, YYYY-MM
    covered: list[str] = field(default_factory=list)  # months with a file of the force
    force: str = ""  # the force, as its files name it
    by_district: dict[str, int] = field(default_factory=dict)  # district_id -> incidents
    cells: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["district_id", "lon", "lat", "incidents"])
    )
    without_location: int = 0
    outside: int = 0  # the force's rows whose place is in none of its districts
    other_forces: dict[str, int] = field(default_factory=dict)  # force name -> rows not counted
    files_read: list[str] = field(default_factory=list)
    other_months: int = 0  # street files read or named for months outside the period
    files_not_read: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    duplicates: list[str] = field(default_factory=list)  # notes on months read twice
    notes: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [m for m in self.months if m not in self.covered]

    def incidents(self, district_ids) -> int:
        """Incidents placed in these districts."""
        return int(sum(self.by_district.get(d, 0) for d in district_ids))

    def cells_for(self, district_ids) -> pd.DataFrame:
        """Grid cells of these districts (what the map draws)."""
        cells = self.cells[self.cells["district_id"].isin(list(district_ids))]
        return cells.sort_values("incidents", ascending=False).head(MAX_CELLS).reset_index(drop=True)

    def coverage_text(self) -> str:
        """``2 of 3 months (Apr 2025, May 2025; no file for Jun 2025)``."""
        text = f"{len(self.covered)} of {len(self.months)} month{'' if len(self.months) == 1 else 's'}"
        if self.missing:
            text += " (no file for " + ", ".join(month_label(m) for m in self.missing) + ")"
        return text


def anti_social_behaviour(folder: Path, first_month: date, last_month: date, areas: DistrictAreas) -> ContextLayer:
    """Anti-social behaviour in ``folder``'s street files from ``first_month``'s month to ``last_month``'s,
    placed in the districts of ``areas``."""
    root = Path(folder)
    layer = ContextLayer(period_months(first_month, last_month))
    wanted = set(layer.months)
    reads: list[tuple[str, _Read]] = []
    for path in folder_files(root):
        name = path.relative_to(root).as_posix()
        if path.suffix.lower() == ".zip":
            layer.files_not_read.append((name, "a zip archive: unpack its CSV files into the folder"))
            continue
        if path.suffix.lower() != ".csv":
            layer.files_not_read.append((name, "not a CSV file"))
            continue
        named = _FILE_MONTH.match(path.name)
        if named and named.group(1) not in wanted:
            layer.other_months += 1  # a street file of another month, by its name: not needed for this period
            continue
        stat = path.stat()
        got = _read_street_file(str(path), stat.st_mtime_ns, stat.st_size)
        if isinstance(got, str):
            layer.files_not_read.append((name, got))
        elif any(m in wanted for m, _ in got.present):
            reads.append((name, got))
            if got.bad_months:
                layer.notes.append(f"{name}: {got.bad_months:,} row(s) without a readable month were not counted.")
        else:
            layer.other_months += 1
    if not reads:
        return layer
    rows = pd.concat([r.asb.assign(file=n) for n, r in reads], ignore_index=True)
    rows = rows[rows["month"].isin(wanted)].reset_index(drop=True)
    names = {k: v for _, r in reads for k, v in r.force_names.items() if k}
    # Place each row: by its LSOA's local authority, else by the outline its point falls in.
    district = areas.district_of_lad_name(rows["lad_name"]).astype(object)
    located = rows["lon"].notna() & rows["lat"].notna()
    by_point = located & district.isna() & rows["lad_name"].isna()
    if by_point.any():
        district[by_point] = areas.district_of_point(rows.loc[by_point, "lon"], rows.loc[by_point, "lat"])
    rows["district_id"] = district.where(district.notna(), None)
    # The force is the one whose rows fall in the districts; a file that names no force is read as the force's.
    placed = rows[rows["district_id"].notna() & (rows["force"] != "")]
    home = placed["force"].value_counts().idxmax() if len(placed) else next(iter(sorted(names)), "")
    layer.force = names.get(home, home)
    if (rows["force"] == "").any() and home:
        unnamed = sorted(set(rows.loc[rows["force"] == "", "file"]))
        layer.notes.append(f"{', '.join(unnamed)} name(s) no force: read as {layer.force}'s.")
    rows["force"] = rows["force"].replace("", home)
    present: dict[tuple[str, str], str] = {}
    for name, r in reads:
        for month, force in sorted(r.present):
            force = force or home
            if month not in wanted:
                continue
            if (month, force) in present and present[(month, force)] != name:
                first = present[(month, force)]
                rows = rows[~((rows["file"] == name) & (rows["month"] == month) & (rows["force"] == force))]
                layer.duplicates.append(
                    f"{month_label(month)} of {names.get(force, force) or 'the force'} is in both {first} and {name}: "
                    "counted once."
                )
            else:
                present.setdefault((month, force), name)
    layer.files_read = sorted({n for n, _ in reads})
    other = rows[rows["force"] != home]
    layer.other_forces = {names.get(k, k): int(v) for k, v in other["force"].value_counts().items()}
    mine = rows[rows["force"] == home]
    layer.covered = sorted({m for m, f in present if f == home})
    located = mine["lon"].notna() & mine["lat"].notna()
    inside = mine["district_id"].notna()
    layer.without_location = int((~located & mine["lad_name"].isna()).sum())
    layer.outside = int((~inside & (located | mine["lad_name"].notna())).sum())
    layer.by_district = {str(k): int(v) for k, v in mine.loc[inside, "district_id"].value_counts().items()}
    drawn = mine[inside & located]
    layer.cells = (
        pd.DataFrame(
            {
                "district_id": drawn["district_id"].astype(str),
                "lon": (drawn["lon"] / GRID).round() * GRID,
                "lat": (drawn["lat"] / GRID).round() * GRID,
            }
        )
        .groupby(["district_id", "lon", "lat"])
        .size()
        .rename("incidents")
        .reset_index()
    )
    return layer


def describe(layer: ContextLayer, district_ids, names: dict[str, str]) -> list[str]:
    """The layer in sentences for the chosen districts: incidents and the months they cover, then what is counted
    apart (force-wide), months read twice and other notes. Plain text (it holds file and district names)."""
    where = names[district_ids[0]] if len(district_ids) == 1 else f"the {len(district_ids)} chosen districts"
    if len(district_ids) == len(names):
        where = "the force's districts"
    first, last = month_label(layer.months[0]), month_label(layer.months[-1])
    if not layer.covered:
        return [
            f"Anti-social behaviour: no police.uk street file{' of ' + layer.force if layer.force else ''} covers "
            f"{first} to {last}, so there is no figure for it (not zero)."
        ]
    n = layer.incidents(district_ids)
    files = len(layer.files_read)
    lines = [
        "Anti-social behaviour (grey shading beneath the events; police.uk street files of "
        f"{layer.force or 'the force'}): "
        f"{n:,} incident{'' if n == 1 else 's'} in {where} in {layer.coverage_text()}, from {files} "
        f"file{'' if files == 1 else 's'}."
    ]
    apart = []
    if layer.without_location:
        apart.append(f"{layer.without_location:,} without a location")
    if layer.outside:
        apart.append(f"{layer.outside:,} placed outside the force's districts")
    if apart:
        lines.append("Counted apart, force-wide (in no district's figure): " + "; ".join(apart) + ".")
    for force, rows in layer.other_forces.items():
        lines.append(f"{force}'s files: {rows:,} anti-social behaviour rows not counted (another force).")
    if layer.other_months:
        lines.append(
            f"{layer.other_months:,} more street file{' holds' if layer.other_months == 1 else 's hold'} months "
            "outside the chosen quarters."
        )
    return lines + layer.duplicates + layer.notes
