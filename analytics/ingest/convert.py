"""Turning a column of cells into the contract's type, with explicit formats and one message per bad cell.

Dates are read in one explicit format per column, never guessed: ISO
(``2024-03-31``) or UK (``31/03/2024``). A column whose values need both is
rejected as a whole. Excel cells that are real dates come through as dates, and
a number in an Excel date column is read as an Excel serial date. Counts may be
written "1,234"; in a number column that may be empty, NA, N/A, a hyphen, a dash or
a blank mean "no figure". Text keeps its leading zeros and is never cast; binary
data (bytes, as a Parquet file may hold) is refused, never stored as text.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta
from typing import Any

from analytics.contract.schema import Column
from analytics.ingest.matching import value_key
from analytics.ingest.textfiles import is_missing_number

DATE_FORMATS = {"ISO (yyyy-mm-dd)": ("%Y-%m-%d",), "UK (dd/mm/yyyy)": ("%d/%m/%Y",)}
TIMESTAMP_FORMATS = {
    "ISO (yyyy-mm-dd hh:mm)": (
        "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
    ),
    "UK (dd/mm/yyyy hh:mm)": ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"),
}  # fmt: skip
_EXCEL_EPOCH = datetime(1899, 12, 30)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EUROPEAN = re.compile(r"^\d{1,3}(\.\d{3})+$")
_INT_TYPES = {"INTEGER": 2**31 - 1, "BIGINT": 2**63 - 1, "SMALLINT": 2**15 - 1}
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_BINARY = "is binary data, not text: save the column as text"


class ColumnRejected(ValueError):
    """A whole column cannot be read (for example, dates in two formats)."""


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def convert_column(values: list[Any], col: Column, from_excel: bool) -> tuple[list[Any], dict[int, str], str]:
    """``values`` in ``col``'s type: (converted, {index: problem}, note on the format used)."""
    if col.type in ("DATE", "TIMESTAMP"):
        return _dates(values, col, from_excel)
    out: list[Any] = []
    problems: dict[int, str] = {}
    enum = {value_key(e): e for e in col.enum} if col.enum else None
    numeric = col.type in _INT_TYPES or col.type == "DOUBLE"
    for i, v in enumerate(values):
        if isinstance(v, bytes | bytearray | memoryview):
            out.append(None)
            problems[i] = _BINARY
            continue
        if _blank(v) or (numeric and isinstance(v, str) and is_missing_number(v)):
            out.append(None)
            if not col.nullable:
                said = "is empty" if _blank(v) else "says there is no figure"
                problems[i] = f"{said}, and this column needs a value"
            continue
        try:
            x = _convert(v, col, enum)
        except ValueError as exc:
            out.append(None)
            problems[i] = str(exc)
            continue
        message = _check(x, col)
        if message:
            problems[i] = message
            x = None
        out.append(x)
    return out, problems, ""


def _convert(v: Any, col: Column, enum: dict[str, str] | None = None) -> Any:
    t = col.type
    if t == "VARCHAR":
        text = _text(v)
        if enum:
            match = enum.get(value_key(text))
            if match is None:
                raise ValueError(f"is not one of: {', '.join(col.enum)}")
            return match
        return text
    if t in _INT_TYPES:
        if isinstance(v, str) and _EUROPEAN.match(v.strip()):
            raise ValueError("is ambiguous: a thousands point (2.000 = 2000) or a decimal? Write 2000 or 2")
        x = _number(v)
        if x != int(x):
            raise ValueError("is not a whole number")
        if abs(x) > _INT_TYPES[t]:
            raise ValueError("is too large")
        return int(x)
    if t == "DOUBLE":
        return _number(v)
    if t == "BOOLEAN":
        if isinstance(v, bool):
            return v
        text = _text(v).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("is not true or false (yes/no, 1/0)")
    if t == "VARCHAR[]":
        return _list(v)
    raise ValueError(f"has a type ({t}) that cannot be imported")


def _text(v: Any) -> str:
    if isinstance(v, float) and v == int(v):
        return str(int(v))  # Excel stores 0123-less numbers as floats; ids typed as numbers
    if isinstance(v, datetime | date):
        return v.isoformat()
    return str(v).strip()


def _number(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError("is not a number")
    if isinstance(v, int | float):
        x = float(v)
    else:
        text = str(v).strip().replace("\u00a0", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            x = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
    if not math.isfinite(x):
        raise ValueError("is not a finite number")
    return x


def _list(v: Any) -> list[str]:
    if isinstance(v, list):
        return [str(x) for x in v]
    text = str(v).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError("is not a list (write items separated by ';', or a JSON list)") from None
        if not isinstance(parsed, list):
            raise ValueError("is not a list")
        return [str(x) for x in parsed]
    return [p.strip() for p in text.split(";") if p.strip()]


def _check(x: Any, col: Column) -> str:
    if isinstance(x, int | float) and not isinstance(x, bool):
        if col.minimum is not None and x < col.minimum:
            return f"is below the smallest allowed value ({col.minimum:g})"
        if col.maximum is not None and x > col.maximum:
            return f"is above the largest allowed value ({col.maximum:g})"
    return ""


def _dates(values: list[Any], col: Column, from_excel: bool) -> tuple[list[Any], dict[int, str], str]:
    formats = DATE_FORMATS if col.type == "DATE" else TIMESTAMP_FORMATS
    texts = {i: _text(v) for i, v in enumerate(values) if isinstance(v, str) and v.strip()}
    fits = {name: {i for i, t in texts.items() if _parse(t, fmts) is not None} for name, fmts in formats.items()}
    names = list(formats)
    chosen = max(names, key=lambda n: len(fits[n]))
    others = [n for n in names if n != chosen and fits[n] - fits[chosen]]
    if others:
        raise ColumnRejected(
            f"mixes date formats ({len(fits[chosen])} row(s) {chosen}, {len(fits[others[0]] - fits[chosen])} row(s) "
            f"{others[0]}): save the column in one format"
        )
    out: list[Any] = []
    problems: dict[int, str] = {}
    for i, v in enumerate(values):
        x = None
        if _blank(v):
            if not col.nullable:
                problems[i] = "is empty, and this column needs a value"
        elif isinstance(v, datetime):
            x = v
        elif isinstance(v, date):
            x = datetime.combine(v, datetime.min.time())
        elif isinstance(v, int | float) and not isinstance(v, bool) and from_excel and 1 <= v < 2958466:
            x = _EXCEL_EPOCH + timedelta(days=float(v))
        elif i in texts:
            x = _parse(texts[i], formats[chosen])
            if x is None:
                problems[i] = f"is not a date in the column's format, {chosen}"
        else:
            problems[i] = _BINARY if isinstance(v, bytes | bytearray | memoryview) else "is not a date"
        if x is not None and col.type == "DATE":
            x = x.date()
        out.append(x)
    return out, problems, chosen if texts else ""


def _parse(text: str, formats: tuple[str, ...]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None
