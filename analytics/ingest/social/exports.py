"""Readers for social-media analytics exports: X (Twitter) and Meta (Facebook) files as people download them.

The layouts are those in ``docs/social_media_exports.md``:

- X legacy "tweet activity" (analytics.twitter.com, to 2023): one row per tweet.
- X current "account analytics content" (2023 onwards, reported layout): one row per post.
- Meta Business Suite post export (current, reported layout): one row per post.
- Facebook legacy Page Insights (page level, two header rows): one row per day.

A file is read as text (UTF-8, UTF-8 with a byte-order mark, UTF-16, or Windows-1252
as Excel saves it; comma, semicolon or tab separated), its layout recognised from
its header, and its rows checked one by one. Every problem is reported with its
row number (as a spreadsheet shows it: the header is row 1) and the row left out;
nothing is guessed. Times are converted to UK local time. Column names are matched
without regard to case or spacing, and extra columns are ignored.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from analytics.ingest.social.layouts import Layout, dates_in_name, detect, norm
from analytics.ingest.social.tags import tag_for
from analytics.ingest.textfiles import LOCAL_TZ, ExportError, decode, is_missing_number, read_numbered_rows, read_rows

__all__ = ["ExportError", "decode", "parse", "read_rows"]


_COUNTS = ("impressions", "engagements", "reach", "reactions", "comments", "shares", "clicks", "followers")


@dataclass(frozen=True)
class RowProblem:
    """One row left out, and why."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "..."
        return f"row {self.row}, {self.column}: {shown!r} {self.reason}"


@dataclass
class ParsedExport:
    """What a file held: its layout, the rows read (posts or days), and what was left out."""

    layout: Layout
    encoding: str
    rows_in: int
    records: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)
    covers: tuple[date, date] | None = None  # the dates the file name states

    @property
    def accepted(self) -> int:
        return len(self.records)


def parse(raw: bytes, file_name: str = "") -> ParsedExport:
    """Read an export file's bytes: recognise its layout, check each row, and return what it holds."""
    text, encoding = decode(raw)
    rows = read_numbered_rows(text)
    if not rows:
        raise ExportError("The file is empty.")
    layout = detect(rows[0][1])
    return parse_rows(rows, layout, encoding, dates_in_name(file_name))


def parse_rows(
    rows: list[tuple[int, list[str]]], layout: Layout, encoding: str = "", covers: tuple[date, date] | None = None
) -> ParsedExport:
    """Numbered rows (header first) of a file known to be in ``layout``; ``covers`` the dates its name states."""
    header = [norm(h) for h in rows[0][1]]
    body_start = 1
    if layout.header_rows == 2 and len(rows) > 1 and _is_description_row(rows[1][1]):
        body_start = 2
    columns = {}
    for target, names in layout.fields.items():
        for name in names:
            if norm(name) in header:
                columns[target] = header.index(norm(name))
                break
    notes = [
        f"No {layout.fields[t][0]!r} column: left blank."
        for t in layout.fields
        if t not in columns and t in ("reach", "impressions", "engagements", "text")
    ]
    body = rows[body_start:]
    cell = {t: [r[c].strip() if c < len(r) else "" for _, r in body] for t, c in columns.items()}
    problems: list[RowProblem] = []
    bad: set[int] = set()
    time_field = "posted_at" if layout.level == "post" else "day"
    when, time_problems, time_notes = _parse_times(cell[time_field], layout, [n for n, _ in body], covers)
    notes += time_notes
    problems += time_problems
    bad |= {p.row for p in time_problems}
    counts = {}
    for target in _COUNTS:
        if target in cell:
            counts[target], count_problems = _parse_counts(
                cell[target], layout.fields[target][0], [n for n, _ in body], target in layout.required, target
            )
            problems += count_problems
            bad |= {p.row for p in count_problems}
    if layout.level == "post":
        for i, (n, _) in enumerate(body):
            if not cell["post_id"][i]:
                problems.append(RowProblem(n, layout.fields["post_id"][0], "", "is empty: every post needs its id"))
                bad.add(n)
            elif _SHORTENED.match(cell["post_id"][i]):
                problems.append(
                    RowProblem(
                        n,
                        layout.fields["post_id"][0],
                        cell["post_id"][i],
                        "was shortened by a spreadsheet (the full id is lost): export the file again and import "
                        "it without opening it in Excel",
                    )
                )
                bad.add(n)
    records = pd.DataFrame({"row": [n for n, _ in body], time_field: when, **counts})
    if layout.level == "post":
        records["post_id"] = [layout.id_prefix + v.removeprefix("'") for v in cell["post_id"]]
        text = cell.get("text", [""] * len(body))
        # X writes a post's text with HTML entities ("&amp;" for "&"); the text is stored as people wrote it.
        records["text"] = [html.unescape(t) for t in text] if layout.platform == "X" else text
        if layout.key == "meta_posts":
            # The aggregate column where given; otherwise its parts, where Meta blanks low counts.
            none = pd.Series(pd.NA, index=records.index, dtype="Int64")
            parts = [counts[c] for c in ("reactions", "comments", "shares") if c in counts]
            summed = pd.concat(parts, axis=1).sum(axis=1, min_count=1).astype("Int64") if len(parts) == 3 else none
            clicks = counts["clicks"].fillna(0) if "clicks" in counts else 0
            records["engagements"] = counts.get("engagements", none).fillna(summed) + clicks
        for i in records.index[records["engagements"].isna()]:
            n = int(records.at[i, "row"])
            if n not in bad:
                problems.append(RowProblem(n, "engagements", "", "has no engagements figure"))
                bad.add(n)
        labels = cell.get("label", [""] * len(body))
        records["tag"] = [tag_for(t, lab) for t, lab in zip(records["text"], labels, strict=True)]
    records = records[~records["row"].isin(bad)]
    before = len(records)
    key = "post_id" if layout.level == "post" else "day"
    differing = records.drop(columns="row").drop_duplicates().duplicated(key).sum()
    if differing:
        notes.append(
            f"{differing} {key.replace('_', ' ')}(s) appear more than once with different figures: "
            "the last row is kept."
        )
    records = records.drop_duplicates(key, keep="last")
    return ParsedExport(
        layout,
        encoding,
        len(body),
        records.reset_index(drop=True),
        sorted(problems, key=lambda p: p.row),
        before - len(records),
        notes,
        covers,
    )


def _is_description_row(row: list[str]) -> bool:
    """Page Insights' second header row: descriptions such as "Lifetime: The total number of people ..."."""
    return any(re.match(r"^(lifetime|daily|weekly|28 days):", c.strip(), re.IGNORECASE) for c in row)


def _example(fmt: str) -> str:
    """A format as a person reads it: the last day of March 2024 at 16:05 written that way."""
    t = datetime(2024, 3, 31, 16, 5, tzinfo=LOCAL_TZ if "%z" in fmt else None)
    return t.strftime(fmt).replace(".000000", ".000")


def _parse_times(values: list[str], layout: Layout, rows: list[int], covers: tuple[date, date] | None):
    """One explicit format for the whole column, never guessed row by row.

    The first of the layout's formats that reads every value wins; when the file name states its
    dates, a format that puts the dates inside them is preferred (so a day-first Meta export is read
    day first). A column no single format reads is read with the best one and the rest reported.
    """
    column = layout.fields["posted_at" if layout.level == "post" else "day"][0]
    filled = [v for v in values if v]

    def score(fmt: str) -> tuple[int, int]:
        parsed = [_strptime(v, fmt) for v in filled]
        hits = sum(t is not None for t in parsed)
        inside = sum(t is not None and covers[0] <= t.date() <= covers[1] for t in parsed) if covers else 0
        return hits, inside

    scores = {fmt: score(fmt) for fmt in layout.time_formats}
    best = max(layout.time_formats, key=lambda f: (scores[f][0], scores[f][1], -layout.time_formats.index(f)))
    notes = []
    rivals = [f for f in layout.time_formats if f != best and scores[f][0] == len(filled) and filled]
    if rivals and not covers and _strptime(filled[0], best) != _strptime(filled[0], rivals[0]):
        notes.append(
            f"Dates such as {filled[0]!r} read as {_example(best)} (the platform's usual order); every day is 12 "
            "or under, so check them, or keep the platform's file name, which states the dates it covers."
        )
    out, problems = [], []
    for n, v in zip(rows, values, strict=True):
        t = _strptime(v, best) if v else None
        if t is None:
            reason = "is empty" if not v else f"is not a date and time written like the rest ({_example(best)})"
            problems.append(RowProblem(n, column, v, reason))
        elif layout.level == "page":
            t = t.date()
        out.append(t)
    return out, problems, notes


def _strptime(value: str, fmt: str) -> datetime | None:
    try:
        t = datetime.strptime(value.strip(), fmt)
    except ValueError:
        return None
    if t.tzinfo is not None:
        t = t.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return t


_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


_SHORTENED = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)
_EUROPEAN = re.compile(r"^\d{1,3}(\.\d{3})+$")
_LIMITS = {"engagements": 2**31 - 1, "followers": 2**31 - 1, "reactions": 2**31 - 1}


def _parse_counts(values: list[str], column: str, rows: list[int], required: bool, target: str = ""):
    """Whole, non-negative counts; "1,234" and "1777.0" are read; blanks, NA, N/A, "-" and dashes are missing."""
    limit = _LIMITS.get(target, 2**53)
    out, problems = [], []
    for n, v in zip(rows, values, strict=True):
        text = v.replace("\u00a0", "").strip()
        if is_missing_number(text):
            if required:
                problems.append(RowProblem(n, column, v, "is empty" if not text else "says there is no figure"))
            out.append(None)
            continue
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        elif _EUROPEAN.match(text):
            problems.append(RowProblem(n, column, v, "is ambiguous: a thousands point (2.000 = 2000) or a decimal?"))
            out.append(None)
            continue
        try:
            x = float(text)
        except ValueError:
            problems.append(RowProblem(n, column, v, "is not a number"))
            out.append(None)
            continue
        if not math.isfinite(x) or x < 0 or x != int(x):
            problems.append(RowProblem(n, column, v, "is not a whole number of zero or more"))
            out.append(None)
            continue
        if x > limit:
            problems.append(RowProblem(n, column, v, "is too large to be a count of this"))
            out.append(None)
            continue
        out.append(int(x))
    return pd.Series(out, dtype="Int64"), problems
