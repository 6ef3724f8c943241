"""Matching a file's columns to a contract table and checking every row, reporting every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analytics.ingest import matching
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
MAX_PROBLEMS_KEPT = 5_000


def auto_mapping(columns: list[str], table: str) -> dict[str, str | None]:
    """Contract column -> file column, matched on names (case, spaces, underscores and punctuation ignored) and
    synonyms; a column more than one file column matches is left unmatched (``validate`` says which)."""
    return matching.match_columns(columns, table)[0]


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
    districts: matching.Districts | None = None,
) -> Validation:
    """Check every row of ``raw`` against ``table``; values for unmapped columns may come from ``constants``.

    ``known`` holds the ids that exist already (``{"districts": {...}, ...}``); ``answers`` each
    question's answer labels, for survey answers; ``districts`` every way a district may be named.
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
    twice = {c: g for c, g in matching.match_columns(raw.columns, table)[1].items() if mapping.get(c) in (None, *g)}
    for col in missing:
        if col not in twice:
            problems.append(Problem(0, col, "", matching.missing_column_message(col, raw.columns)))
    for col, group in twice.items():
        names = " and ".join(repr(c) for c in group)
        problems.append(Problem(0, ", ".join(group), "", f"{names} both match {col}: rename or remove one"))
        missing += [col] if col not in missing else []
    if missing:
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
    problems += _reference_problems(frame, table, mapping, known, answers, districts)
    bad |= {p.row for p in problems}
    frame = frame[~frame["_row"].isin(bad)]
    frame, dup_problems, dupes = _duplicate_keys(frame, spec.key)
    problems += dup_problems
    problems.sort(key=lambda p: (p.row, p.column))
    if len(problems) > MAX_PROBLEMS_KEPT:
        notes.append(f"{len(problems):,} problems: the first {MAX_PROBLEMS_KEPT:,} are listed.")
    return Validation(table, len(raw.rows), frame.reset_index(drop=True), problems, dupes, notes)


def _reference_problems(frame, table, mapping, known, answers, districts=None) -> list[Problem]:
    """Values that must name something that exists; a district or an answer written another accepted way is
    stored as its id or label. Each refused value's message lists every accepted value."""
    out = []
    if districts is None and "districts" in known:
        districts = matching.Districts(tuple(sorted(known["districts"])))
    for col, target in REFERENCES.items():
        checked = districts is not None if target == "districts" else target in known
        if col not in frame.columns or target == table or not checked:
            continue
        label = mapping.get(col) or f"{col} (fixed value)"
        allowed = known.get(target, set())
        resolved = []
        for value, row in zip(frame[col], frame["_row"], strict=True):
            if value is None or pd.isna(value):
                resolved.append(value)
            elif target == "districts":
                resolved.append(districts.resolve(value))
                if resolved[-1] is None:
                    out.append(Problem(row, label, str(value), districts.problem(value)))
            else:
                resolved.append(value)
                if value not in allowed:
                    out.append(Problem(row, label, str(value), f"is not a known {col} ({matching.listed(allowed)})"))
        frame[col] = resolved
    if table == "survey_responses" and answers:
        label = mapping.get("answer") or "answer"
        lookup = {q: {matching.value_key(x): x for x in labels} for q, labels in answers.items()}
        given = []
        for q, a, row in zip(frame["question_id"], frame["answer"], frame["_row"], strict=True):
            match = lookup[q].get(matching.value_key(a)) if q in lookup and isinstance(a, str) else a
            given.append(a if match is None else match)
            if match is None and a is not None:
                out.append(Problem(row, label, a, f"is not an answer to {q} ({matching.listed(answers[q])})"))
        frame["answer"] = given
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
