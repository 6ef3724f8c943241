"""Matching a file's columns to a contract table and checking every row, reporting every problem at once."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from analytics.contract.rules import date_window, figure_source
from analytics.contract.schema import TABLES, Column
from analytics.contract.vocabulary import SOCIAL_FIGURES
from analytics.ingest import matching
from analytics.ingest.convert import ColumnRejected, convert_column
from analytics.ingest.plan_checks import plan_problems
from analytics.ingest.raw_table import RawTable
from analytics.ingest.readers import cell_text

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
    # Rows imported, but worth a look (a survey weight far above the file's median), each with its row.
    warnings: list[Problem] = field(default_factory=list)

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
    lads: dict[str, set[str]] | None = None,
    today: date | None = None,
) -> Validation:
    """Check every row of ``raw`` against ``table``; values for unmapped columns may come from ``constants``.

    ``known`` holds the ids that exist already (``{"districts": {...}, ...}``); ``answers`` each
    question's answer labels, for survey answers; ``districts`` every way a district may be named; ``lads``
    each district's local authority codes; ``today`` the day of the import (dates are checked against it).
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
    labels: dict[str, str] = {}
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
        labels[col.name] = label
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
    meaning, warnings = check_meaning(frame, table, labels, lads or {}, today or date.today())
    problems += meaning
    bad |= {p.row for p in problems}
    frame = frame[~frame["_row"].isin(bad)]
    frame, dup_problems, dupes = _duplicate_keys(frame, spec.key)
    problems += dup_problems
    problems.sort(key=lambda p: (p.row, p.column))
    if len(problems) > MAX_PROBLEMS_KEPT:
        notes.append(f"{len(problems):,} problems: the first {MAX_PROBLEMS_KEPT:,} are listed.")
    warnings = [w for w in warnings if w.row not in bad]
    return Validation(table, len(raw.rows), frame.reset_index(drop=True), problems, dupes, notes, warnings=warnings)


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


# --- what the values mean: checks once every cell has been read ------------------------------------------

# A survey weight more than this many times the file's median is reported (the row is still imported).
OUTLIER_WEIGHT_RATIO = 20
# Figures no sum of posts can give (a person reached by two posts would count twice).
_NOT_FROM_POSTS = ("followers", "reach")


def check_meaning(frame: pd.DataFrame, table: str, labels: dict[str, str], lads: dict[str, set[str]], today: date):
    """(problems that leave their row out, warnings on rows that go in) for what ``frame``'s values mean."""
    spec = TABLES[table]
    problems: list[Problem] = []
    rows = frame["_row"].tolist()
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name].tolist()
        if col.type in ("DATE", "TIMESTAMP"):
            problems += _date_problems(values, rows, col, labels[col.name], today)
        elif col.above_minimum:
            problems += [
                Problem(row, labels[col.name], _shown(v), f"must be above {col.minimum:g}")
                for v, row in zip(values, rows, strict=True)
                if not pd.isna(v) and v <= col.minimum
            ]
    warnings: list[Problem] = []
    if table == "survey_responses":
        problems += _lad_problems(frame, labels, lads)
        warnings += _weight_outliers(frame, labels["weight"])
    elif table == "survey_questions":
        problems += _answer_problems(frame, labels)
    elif table == "social_monthly":
        problems += _source_problems(frame, labels)
    elif table == "engagement_plans":
        problems += plan_problems(frame, labels, Problem)
    return problems, warnings


def _shown(v) -> str:
    return v.isoformat() if isinstance(v, date | datetime) else f"{v:g}" if isinstance(v, float) else str(v)


def date_message(value: date | datetime, col: Column, today: date) -> str:
    """Why ``value`` cannot be in ``col`` of a file imported on ``today`` ("" when it can)."""
    first, last = date_window(col, today)
    day = value.date() if isinstance(value, datetime) else value
    if day < first:
        return f"is before {first.day} {first:%B %Y}: check the year"
    if day > last:
        return f"is after {last.day} {last:%B %Y}, too far ahead of today: check the year"
    if col.period == "month" and day.day != 1:
        return f"is not the first day of a month (write {day.replace(day=1):%Y-%m-%d} for {day:%B %Y})"
    if col.period == "quarter" and (day.day != 1 or day.month % 3 != 1):
        start = day.replace(month=day.month - (day.month - 1) % 3, day=1)
        return f"is not the first day of a quarter (write {start:%Y-%m-%d} for the quarter holding {day.day} {day:%B})"
    return ""


def _date_problems(values: list, rows: list[int], col: Column, label: str, today: date) -> list[Problem]:
    out = []
    for v, row in zip(values, rows, strict=True):
        message = date_message(v, col, today) if not pd.isna(v) else ""
        if message:
            out.append(Problem(row, label, _shown(v), message))
    return out


def _lad_problems(frame: pd.DataFrame, labels: dict[str, str], lads: dict[str, set[str]]) -> list[Problem]:
    """A respondent's local authority must be one of their district's (``districts.lad_codes``)."""
    out = []
    for district, code, row in zip(frame["district_id"], frame["lad_code"], frame["_row"], strict=True):
        if pd.isna(code) or pd.isna(district) or district not in lads:
            continue
        codes = lads[district]
        if not codes:
            message = f"cannot be checked: {district} lists no local authority codes in the districts table"
            out.append(Problem(row, labels["lad_code"], str(code), message + " (add them there, or leave it blank)"))
        elif code not in codes:
            out.append(
                Problem(
                    row,
                    labels["lad_code"],
                    str(code),
                    f"is not a local authority of {district} ({', '.join(sorted(codes))})",
                )
            )
    return out


def _weight_outliers(frame: pd.DataFrame, label: str) -> list[Problem]:
    weights = [w for w in frame["weight"] if not pd.isna(w) and w > 0]
    if not weights:
        return []
    median = statistics.median(weights)
    limit = OUTLIER_WEIGHT_RATIO * median
    return [
        Problem(
            row,
            label,
            f"{w:g}",
            f"is more than {OUTLIER_WEIGHT_RATIO} times the file's median weight ({median:g}): imported, but check it",
        )
        for w, row in zip(frame["weight"], frame["_row"], strict=True)
        if not pd.isna(w) and w > limit
    ]


def _answer_problems(frame: pd.DataFrame, labels: dict[str, str]) -> list[Problem]:
    """A question offers answers, each once, and counts one or more of them as positive."""
    out = []
    for answers, positive, row in zip(frame["answers"], frame["positive_answers"], frame["_row"], strict=True):
        if not isinstance(answers, list) or not isinstance(positive, list):
            continue
        repeated = sorted({a for a in answers if answers.count(a) > 1})
        if len(answers) < 2:
            out.append(Problem(row, labels["answers"], "; ".join(answers), "needs at least two answers"))
        elif repeated:
            out.append(Problem(row, labels["answers"], "; ".join(answers), f"repeats {', '.join(repeated)}"))
        unknown = [a for a in positive if a not in answers]
        if not positive:
            out.append(Problem(row, labels["positive_answers"], "", "needs at least one answer counted as positive"))
        elif unknown:
            out.append(
                Problem(
                    row,
                    labels["positive_answers"],
                    "; ".join(positive),
                    f"names {', '.join(unknown)}, which is not among the question's answers",
                )
            )
    return out


def _source_problems(frame: pd.DataFrame, labels: dict[str, str]) -> list[Problem]:
    """Each monthly figure keeps its source: one given without is an account-level ('platform') figure, a source
    without its figure is dropped, and followers and reach never come from sums of posts."""
    out = []
    for f in SOCIAL_FIGURES:
        col = figure_source(f)
        sources = frame[col].where(frame[col].notna(), "platform")
        frame[col] = [s if g else None for s, g in zip(sources, frame[f].notna(), strict=True)]
        if f in _NOT_FROM_POSTS:
            out += [
                Problem(row, labels[col], "posts", f"cannot be 'posts': {f} is never summed from posts")
                for row, s in zip(frame["_row"], frame[col], strict=True)
                if s == "posts"
            ]
    return out
