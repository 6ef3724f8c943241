"""police.uk neighbourhood events and priorities (API JSON) as rows of the contract's tables.

Events (``/{force}/{neighbourhood}/events``: title, description, address, type,
start_date, end_date) become ``engagement_events``; priorities (``/priorities``:
issue, issue-date, action, action-date, with HTML) become ``engagement_concerns``,
the "You said, we did" ledger: the issue is what people said, the action what
was done, and its publication on police.uk the Tell. HTML is reduced to plain
text. The district is not in the data: it is chosen at import.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from typing import Any

from analytics.ingest.readers import RawTable
from analytics.textfiles import ExportError

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
