"""Matching what people type to what the data holds: column names, districts and survey answers.

Column names match ignoring case, spaces, underscores and punctuation (``textfiles.name_key``).
A district can be named by its id, its name, or the name or ONS code of a local authority it covers,
in any case. Answers and listed values match ignoring case, surrounding spaces and typographic
quotes (``Don’t know`` as Excel's autocorrect writes it). A value that does not match is told
every value that would have.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from analytics.config import PROJECT_ROOT
from analytics.contract.schema import TABLES
from analytics.ingest.textfiles import name_key, nearest_name

# Other names people give a contract column (matched as keys, like the column names themselves).
SYNONYMS = {
    "district": "district_id",
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "start": "start_at",
    "start date": "start_at",
    "end": "end_at",
    "end date": "end_at",
    "type": "activity_type",
    "activity": "activity_type",
    "audience": "audience_group",
    "question": "question_id",
}
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
     "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'}
)  # fmt: skip
_LAD_CODE = re.compile(r"^lad\d{2}cd$", re.IGNORECASE)
# ONS boundary files shipped with the app: their features name local authorities by code and name.
SHIPPED_BOUNDARIES = PROJECT_ROOT / "data" / "boundaries"


def value_key(text: object) -> str:
    """A listed value as it is matched: case, surrounding and repeated spaces, and typographic quotes ignored."""
    return " ".join(str(text).translate(_QUOTES).split()).casefold()


def column_keys(column: str) -> set[str]:
    """The name keys that match a contract column: its name, without a trailing ``_id``, and its synonyms."""
    keys = {name_key(column)}
    if column.endswith("_id"):
        keys.add(name_key(column[: -len("_id")]))
    keys |= {name_key(alias) for alias, target in SYNONYMS.items() if target == column}
    return keys


def match_columns(columns: list[str], table: str) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """Contract column -> the file's column that matches it, and the contract columns more than one file
    column matches (those are left unmatched: which one to read is the person's choice, never a guess)."""
    by_key: dict[str, list[str]] = {}
    for c in columns:
        by_key.setdefault(name_key(c), []).append(c)
    mapping: dict[str, str | None] = {}
    ambiguous: dict[str, list[str]] = {}
    for col in TABLES[table].column_names:
        found = [c for k in sorted(column_keys(col)) for c in by_key.get(k, [])]
        # The column's own name wins over a synonym ("district_id" over "district").
        exact = by_key.get(name_key(col), [])
        found = exact if len(exact) == 1 else list(dict.fromkeys(found))
        mapping[col] = found[0] if len(found) == 1 else None
        if len(found) > 1:
            ambiguous[col] = found
    return mapping, ambiguous


def missing_column_message(column: str, columns: list[str]) -> str:
    """Why a needed column is missing: the file's columns beside it, and the nearest one."""
    close = nearest_name(column_keys(column), columns)
    found = ", ".join(repr(c) for c in columns[:60] if str(c).strip()) or "(none named)"
    more = f" and {len(columns) - 60} more" if len(columns) > 60 else ""
    hint = f" The nearest is {close!r}: rename it, or choose it in the column mapping." if close else ""
    return f"is needed but no column of the file matches it.{hint} The file's columns: {found}{more}."


@dataclass(frozen=True)
class Districts:
    """Every way a district may be named in a file: id, name, and each local authority's name and ONS code."""

    ids: tuple[str, ...]
    names: dict[str, str] = field(default_factory=dict)  # district_id -> name
    authorities: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # id -> ((code, name), ...)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, Iterable[str]]], la_names: dict[str, str]) -> Districts:
        """From (district_id, name, lad_codes) rows and an ONS code -> local authority name lookup."""
        ids, names, authorities = [], {}, {}
        for district_id, name, codes in rows:
            ids.append(str(district_id))
            names[str(district_id)] = str(name)
            authorities[str(district_id)] = tuple(
                (str(c), la_names.get(str(c), "")) for c in ([] if codes is None else list(codes))
            )
        return cls(tuple(ids), names, authorities)

    @cached_property
    def _aliases(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for d in self.ids:
            spellings = [d, self.names.get(d, "")] + [x for pair in self.authorities.get(d, ()) for x in pair]
            for s in spellings:
                if name_key(s):
                    out.setdefault(name_key(s), set()).add(d)
        return out

    def resolve(self, value: object) -> str | None:
        """The district_id a value names, or None (unknown, or naming more than one district)."""
        if value in self.ids:
            return str(value)
        hits = self._aliases.get(name_key(value), set())
        return next(iter(hits)) if len(hits) == 1 else None

    def accepted(self) -> str:
        """Every accepted value, district by district, for a message."""
        parts = []
        for d in self.ids:
            spellings = [self.names.get(d, "")] + [f"{n} {c}".strip() for c, n in self.authorities.get(d, ())]
            shown = "; ".join(s for s in spellings if s)
            parts.append(f"{d} ({shown})" if shown else d)
        return ", ".join(parts)

    def problem(self, value: object) -> str:
        """Why a value names no district, with every accepted value."""
        hits = self._aliases.get(name_key(value), set())
        if len(hits) > 1:
            return f"names more than one district ({', '.join(sorted(hits))}): give the district's id"
        return (
            "is not a known district. Give a district's id, its name, or the name or ONS code of a local "
            f"authority it covers (any case): {self.accepted()}"
        )


def la_names(configured: Path | None = None) -> dict[str, str]:
    """ONS local authority code -> name, from the GeoJSON boundary files shipped in data/boundaries and the one
    configured (ENGAGEMENT_BOUNDARIES), whose features carry ``LADyyCD`` and ``LADyyNM`` properties as the ONS
    publishes them. Files that are missing or unreadable are skipped."""
    out: dict[str, str] = {}
    for path in [configured, *sorted(SHIPPED_BOUNDARIES.glob("*.geojson"))]:
        if path is None or not Path(path).is_file():
            continue
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for feature in data.get("features", []) if isinstance(data, dict) else []:
            props = feature.get("properties") or {}
            for key, code in props.items():
                name = props.get(key[:-2] + "NM") or props.get(key[:-2] + "nm")
                if _LAD_CODE.match(str(key)) and isinstance(code, str) and isinstance(name, str):
                    out.setdefault(code, name)
    return out


def listed(values: Iterable[str]) -> str:
    """Every accepted value for a message: in the order given, or sorted when the order is not kept (a set)."""
    return ", ".join(sorted(values) if isinstance(values, set | frozenset) else values)
