"""Matching a file's columns to a contract table and checking every row, reporting every problem at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analytics.ingest.convert import ColumnRejected, convert_column
from analytics.ingest.readers import RawTable, cell_text
from analytics.schema import TABLES

# Columns whose values must already exist in another table (or in the file, for that table itself).
REFERENCES = {
    "district_id": "districts",
    "question_id": "survey_questions",
    "account_id": "social_accounts",
    "meeting_id": "star_chamber_meetings",
}
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
    "date": None,  # too vague to match
}
MAX_PROBLEMS_KEPT = 5_000


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).casefold()).strip()


def auto_mapping(columns: list[str], table: str) -> dict[str, str | None]:
    """Contract column -> file column, matched on names (case, spaces and punctuation ignored) and synonyms."""
    by_norm = {_norm(c): c for c in columns}
    out: dict[str, str | None] = {}
    for col in TABLES[table].column_names:
        match = by_norm.get(_norm(col)) or by_norm.get(_norm(col).replace(" id", ""))
        if match is None:
            for alias, target in SYNONYMS.items():
                if target == col and alias in by_norm:
                    match = by_norm[alias]
                    break
        out[col] = match
    return out


@dataclass(frozen=True)
class Problem:
    """One problem, with the row number as the file shows it (0: the whole file or column)."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class Validation:
    """The checked file: valid rows in the contract's types, and every problem found."""

    table: str
    rows_in: int
    valid: pd.DataFrame  # contract columns plus "_row"
    problems: list[Problem] = field(default_factory=list)
    duplicates_in_file: int = 0
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        """Rows left out for a problem (a problem with a whole column leaves out every row)."""
        return self.rows_in - len(self.valid) - self.duplicates_in_file


def validate(
    raw: RawTable,
    table: str,
    mapping: dict[str, str | None],
    constants: dict[str, str] | None = None,
    known: dict[str, set[str]] | None = None,
    answers: dict[str, set[str]] | None = None,
) -> Validation:
    """Check every row of ``raw`` against ``table``; values for unmapped columns may come from ``constants``.

    ``known`` holds the ids that exist already (``{"districts": {...}, ...}``); ``answers`` each
    question's answer labels, for survey answers.
    """
    spec = TABLES[table]
    constants = {k: v for k, v in (constants or {}).items() if v not in (None, "")}
    known = known or {}
    index = {c: i for i, c in enumerate(raw.columns)}
    numbers = [n for n, _ in raw.rows]
    problems: list[Problem] = [Problem(n, c, "", m) for n, c, m in raw.cell_problems]
    reported = {(p.row, p.column) for p in problems}
    missing = [
        c.name for c in spec.columns if not c.nullable and mapping.get(c.name) not in index and c.name not in constants
    ]
    if missing:
        problems.append(Problem(0, ", ".join(missing), "", "needed, but not in the file and given no fixed value"))
        empty = pd.DataFrame(columns=[*spec.column_names, "_row"])
        return Validation(table, len(raw.rows), empty, problems, 0, list(raw.notes), missing)
    data: dict[str, list[Any]] = {}
    bad: set[int] = {p.row for p in problems}
    notes = list(raw.notes)
    for col in spec.columns:
        source = mapping.get(col.name)
        if source in index:
            cells = [row[index[source]] if index[source] < len(row) else None for _, row in raw.rows]
            label = source
        else:
            cells = [constants.get(col.name)] * len(raw.rows)
            label = f"{col.name} (fixed value)"
        try:
            values, col_problems, fmt = convert_column(cells, col, raw.kind == "excel")
        except ColumnRejected as exc:
            problems.append(Problem(0, label, "", str(exc)))
            bad |= set(numbers)
            data[col.name] = [None] * len(cells)
            continue
        if fmt:
            notes.append(f"{label}: dates read as {fmt}.")
        for i, message in col_problems.items():
            if (numbers[i], label) not in reported:  # a formula cell is reported once, as a formula
                problems.append(Problem(numbers[i], label, cell_text(cells[i]), message))
            bad.add(numbers[i])
        data[col.name] = values
    frame = pd.DataFrame(data)
    frame["_row"] = numbers
    problems += _reference_problems(frame, table, mapping, known, answers, bad)
    bad |= {p.row for p in problems}
    frame = frame[~frame["_row"].isin(bad)]
    frame, dup_problems, dupes = _duplicate_keys(frame, spec.key)
    problems += dup_problems
    problems.sort(key=lambda p: (p.row, p.column))
    if len(problems) > MAX_PROBLEMS_KEPT:
        notes.append(f"{len(problems):,} problems: the first {MAX_PROBLEMS_KEPT:,} are listed.")
    return Validation(table, len(raw.rows), frame.reset_index(drop=True), problems, dupes, notes)


def _reference_problems(frame, table, mapping, known, answers, bad) -> list[Problem]:
    out = []
    for col, target in REFERENCES.items():
        if col not in frame.columns or target == table or target not in known:
            continue
        label = mapping.get(col) or f"{col} (fixed value)"
        allowed = known[target]
        for value, row in zip(frame[col], frame["_row"], strict=True):
            if value is not None and not pd.isna(value) and value not in allowed:
                shown = ", ".join(sorted(allowed)[:6]) + (", ..." if len(allowed) > 6 else "")
                out.append(Problem(row, label, str(value), f"is not a known {col} ({shown})"))
    if table == "survey_responses" and answers:
        for q, a, row in zip(frame["question_id"], frame["answer"], frame["_row"], strict=True):
            if q in answers and a is not None and not pd.isna(a) and a not in answers[q]:
                out.append(Problem(row, mapping.get("answer") or "answer", str(a), f"is not an answer to {q}"))
    return out


def _duplicate_keys(frame: pd.DataFrame, key: tuple[str, ...]):
    """Rows repeating an earlier row exactly are duplicates; repeating its key with other values, rejected."""
    if frame.empty:
        return frame, [], 0
    first: dict[tuple, tuple] = {}
    keep, problems, dupes = [], [], 0
    values = frame.drop(columns="_row")
    for i, (row, rec) in enumerate(zip(frame["_row"], values.itertuples(index=False, name=None), strict=True)):
        k = tuple(rec[values.columns.get_loc(c)] for c in key)
        canon = tuple(repr(v) for v in rec)
        if k not in first:
            first[k] = (row, canon)
            keep.append(i)
        elif first[k][1] == canon:
            dupes += 1
        else:
            problems.append(
                Problem(
                    row, ", ".join(key), " / ".join(map(str, k)), f"repeats row {first[k][0]}'s key with other values"
                )
            )
    return frame.iloc[keep], problems, dupes
