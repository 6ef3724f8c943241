"""police.uk neighbourhood events and priorities (API JSON) as rows of the contract's tables.

Events (``/{force}/{neighbourhood}/events``: title, description, address, type,
start_date, end_date) become ``engagement_events``; priorities (``/priorities``:
issue, issue-date, action, action-date, with HTML) become ``engagement_concerns``,
the "You said, we did" ledger: the issue is what people said, the action what
was done, and its publication on police.uk the Tell. HTML is reduced to plain
text. The district is not in the data: it is chosen at import.

The monthly CSV files (street-level crime, outcomes, stop and search) are recognised
by their header (``csv_layout``): street files feed the activity map's anti-social
behaviour layer from a folder (``analytics.engagement.context_layer``), and none of them is a
table of the contract, so an upload of one is told where it belongs. Their layouts:
docs/police_uk_formats.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from analytics.ingest.raw_table import RawTable
from analytics.ingest.textfiles import ExportError

EVENT_KEYS = {"title", "start_date"}
PRIORITY_KEYS = {"issue", "issue-date"}
EVENT_TYPES = {"meeting": "Local Community Meeting", "surgery": "Coffee with a Cop"}
_THEMES = (
    ("Anti-social behaviour", r"anti[- ]?social|\basb\b|nuisance|begg|rough sleep"),
    ("Speeding", r"speed"),
    ("Drugs", r"\bdrug|cannabis|dealing"),
    ("Burglary", r"burglar"),
    ("Youth nuisance", r"youth|young people|teenager"),
    ("Parking", r"parking|parked"),
    ("Vehicle crime", r"vehicle crime|car theft|catalytic"),
    ("Fly-tipping", r"fly[- ]?tip"),
    ("Violence", r"violen|assault|knife"),
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("p", "br", "li", "div"):
            self.parts.append("\n")


def plain_text(html: str | None) -> str | None:
    """HTML as the words it shows (tags dropped, entities decoded, blank lines squeezed)."""
    if html is None:
        return None
    parser = _Text()
    parser.feed(str(html))
    parser.close()
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def theme_of(text: str) -> str:
    """The concern theme whose words appear first in the rules, else Other."""
    for theme, pattern in _THEMES:
        if re.search(pattern, text or "", re.IGNORECASE):
            return theme
    return "Other"


def _id(prefix: str, *parts: Any) -> str:
    return prefix + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def to_raw_table(data: Any, encoding: str = "UTF-8") -> RawTable:
    """The API response as a table in the contract's column names (district left to the import)."""
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise ExportError(
            "Not a police.uk events or priorities response: expected a list of objects such as "
            '{"title": ..., "start_date": ...} or {"issue": ..., "issue-date": ...}.'
        )
    keys = set().union(*(i.keys() for i in items))
    if EVENT_KEYS <= keys:
        return _events(items, encoding)
    if PRIORITY_KEYS <= keys:
        return _priorities(items, encoding)
    raise ExportError(
        "Not a police.uk events or priorities response: it lacks 'title' and 'start_date' (events) or "
        f"'issue' and 'issue-date' (priorities). Fields found: {', '.join(sorted(map(str, keys))[:10])}."
    )


def _events(items: list[dict], encoding: str) -> RawTable:
    columns = [
        "event_id", "start_at", "end_at", "activity_type", "title", "venue", "online", "strand",
        "audience_group", "concerns_raised", "actions_taken", "status",
    ]  # fmt: skip
    rows = []
    for n, e in enumerate(items, start=1):
        kind = str(e.get("type") or "").lower()
        rows.append(
            (
                n,
                [
                    _id("pukev-", e.get("title"), e.get("start_date"), e.get("address")),
                    e.get("start_date"),
                    e.get("end_date") or e.get("start_date"),
                    EVENT_TYPES.get(kind, "Local Community Meeting"),
                    plain_text(e.get("title")),
                    plain_text(e.get("address")),
                    "false",
                    "Listen",
                    "General public",
                    "0",
                    "0",
                    "planned",
                ],
            )
        )
    notes = [
        "police.uk lists events as published: they come in as planned Local Community Meetings for the general "
        "public (a 'surgery' as Coffee with a Cop); record attendance and status when they are held."
    ]
    return RawTable(columns, rows, "police.uk events", encoding, notes=notes)


def _priorities(items: list[dict], encoding: str) -> RawTable:
    columns = ["concern_id", "raised_on", "theme", "summary", "action_taken", "action_on", "told_on", "tell_channel"]
    rows = []
    for n, p in enumerate(items, start=1):
        issue = plain_text(p.get("issue"))
        action = plain_text(p.get("action"))
        acted = p.get("action-date") if action else None
        rows.append(
            (
                n,
                [
                    _id("pukpr-", p.get("issue"), p.get("issue-date")),
                    _date_part(p.get("issue-date")),
                    theme_of(issue or ""),
                    issue,
                    action,
                    _date_part(acted),
                    _date_part(acted),
                    "Website" if acted else None,
                ],
            )
        )
    notes = [
        "Each priority is a concern: the issue is what people said, the action what was done, and its "
        "publication on police.uk (the action date) the Tell. Themes are set by keyword."
    ]
    return RawTable(columns, rows, "police.uk priorities", encoding, notes=notes)


def _date_part(value: Any) -> Any:
    """``2018-09-20T00:00:00`` as ``2018-09-20`` (priorities carry dates with a zero time)."""
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}T00:00(:00)?$", value):
        return value[:10]
    return value


# --- police.uk CSV files: which layout a header is (docs/police_uk_formats.md) ---------------------------------

STREET = "street"
STREET_API = "street (API)"
OUTCOMES = "outcomes"
STOP_AND_SEARCH = "stop and search"
# A street file's columns by role, each under the names it takes: the download's header ("Crime type"), the same in
# snake_case ("crime_type"), and the API's flattened street-crime extract ("category", "date", "lat", "long").
STREET_ROLES: dict[str, tuple[str, ...]] = {
    "month": ("month", "date"),
    "crime_type": ("crime_type", "category"),
    "longitude": ("longitude", "long", "lng", "lon"),
    "latitude": ("latitude", "lat"),
    "lsoa_code": ("lsoa_code",),
    "lsoa_name": ("lsoa_name",),
    "falls_within": ("falls_within",),
    "reported_by": ("reported_by",),
}
_OUTCOME_MARKS = {"outcome_type"}
_STOP_SEARCH_MARKS = {"object_of_search", "legislation", "officer_defined_ethnicity", "self_defined_ethnicity"}


def column_key(name: object) -> str:
    """A column name as a comparable key: ``Crime type``, ``crime_type`` and ``CRIME-TYPE`` are all ``crime_type``."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")


@dataclass(frozen=True)
class CsvLayout:
    """Which police.uk file a header is, and for a street file the column holding each role."""

    kind: str | None  # STREET, STREET_API, OUTCOMES, STOP_AND_SEARCH, or None (not a police.uk file)
    columns: dict[str, str] = field(default_factory=dict)  # role -> the file's own column name

    @property
    def is_street(self) -> bool:
        return self.kind in (STREET, STREET_API)


def csv_layout(header: list[str]) -> CsvLayout:
    """The police.uk layout of a CSV header: a street file (download or API form), outcomes, stop and search,
    or none."""
    keys = {column_key(c): str(c) for c in header}
    found = {role: next((keys[n] for n in names if n in keys), None) for role, names in STREET_ROLES.items()}
    found = {role: col for role, col in found.items() if col}
    if "month" in found and "crime_type" in found:
        api = column_key(found["crime_type"]) == "category"
        return CsvLayout(STREET_API if api else STREET, found)
    if _OUTCOME_MARKS <= keys.keys() and "crime_id" in keys:
        return CsvLayout(OUTCOMES)
    if len(_STOP_SEARCH_MARKS & keys.keys()) >= 2:
        return CsvLayout(STOP_AND_SEARCH)
    return CsvLayout(None)


FOLDER_SETTING = "ENGAGEMENT_POLICE_UK_DIR"
# Where each police.uk file belongs, said on the Data page and in the map's list of files not read.
WHERE_IT_BELONGS = {
    STREET: (
        "a police.uk street-level crime file. It is not imported here: put it in the folder named by "
        f"{FOLDER_SETTING}, where the activity map reads anti-social behaviour from it."
    ),
    STREET_API: (
        "a police.uk street-level crime extract (the API's form). It is not imported here: put it in the folder "
        f"named by {FOLDER_SETTING}, where the activity map reads anti-social behaviour from it."
    ),
    OUTCOMES: (
        "a police.uk outcomes file (what became of each crime). The dashboard does not use outcomes: it is not "
        f"imported, and the activity map's folder ({FOLDER_SETTING}) reads only street-level crime files."
    ),
    STOP_AND_SEARCH: (
        "a police.uk stop-and-search file. The dashboard does not use stop and search: it is not imported, and "
        f"the activity map's folder ({FOLDER_SETTING}) reads only street-level crime files."
    ),
}


def refuse_police_uk_csv(header: list[str]) -> None:
    """Raise ExportError saying where a police.uk street, outcomes or stop-and-search file belongs (these are
    never rows of the data contract's tables); return quietly for any other header."""
    layout = csv_layout(header)
    if layout.kind is not None:
        raise ExportError(f"This is {WHERE_IT_BELONGS[layout.kind]}")
