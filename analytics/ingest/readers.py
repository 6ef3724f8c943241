"""Reading an uploaded file into a plain table of cells: CSV or other delimited text, Excel, Parquet, JSON.

Readers are defensive: sizes, columns and rows are capped, an Excel file is
checked for a zip bomb before it is opened, and every failure is an
``ExportError`` with a message for the person importing. They run in a separate,
limited process (``analytics.ingest.isolate``), so a file that still manages to
exhaust memory or time takes down only that process.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from analytics.textfiles import MAX_BYTES, MAX_CELL, MAX_COLUMNS, ExportError, decode, read_numbered_rows

MAX_ROWS = 1_000_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
KINDS = {
    ".csv": "text",
    ".txt": "text",
    ".tsv": "text",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".json": "json",
}


@dataclass
class RawTable:
    """A file's cells: column names, and rows each with its row number as the file shows it."""

    columns: list[str]
    rows: list[tuple[int, list[Any]]]
    kind: str
    encoding: str = ""
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    notes: list[str] = field(default_factory=list)
    cell_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


def kind_of(file_name: str) -> str:
    """The reader for a file name's extension; an error naming the accepted ones otherwise."""
    ext = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if ext not in KINDS:
        raise ExportError(f"Files ending {ext or '(nothing)'} are not read. Accepted: {', '.join(sorted(KINDS))}.")
    return KINDS[ext]


def read_file(raw: bytes, file_name: str, sheet: str | None = None) -> RawTable:
    """Read ``raw`` by its file name's kind."""
    if not raw:
        raise ExportError("The file is empty.")
    if len(raw) > MAX_BYTES:
        raise ExportError(f"The file is larger than {MAX_BYTES // 2**20} MB.")
    kind = kind_of(file_name)
    table = {"text": _text, "excel": _excel, "parquet": _parquet, "json": _json}[kind](raw, sheet)
    if not table.columns:
        raise ExportError("The file has no header row.")
    if len(table.rows) > MAX_ROWS:
        raise ExportError(f"The file has {len(table.rows):,} rows; at most {MAX_ROWS:,} are read at once.")
    _check_header(table.columns)
    return table


def _check_header(columns: list[str]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise ExportError(f"The file has {len(columns):,} columns; at most {MAX_COLUMNS} are read.")
    names = [str(c).strip() for c in columns]
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise ExportError(f"Column names appear more than once: {', '.join(dupes[:5])}.")


def _text(raw: bytes, sheet: str | None) -> RawTable:
    text, encoding = decode(raw)
    rows = read_numbered_rows(text)
    if not rows:
        raise ExportError("The file is empty.")
    _, header = rows[0]
    if len(rows) == 1:
        raise ExportError("The file has a header row but no rows under it.")
    width = len(header)
    body, problems = [], []
    for number, row in rows[1:]:
        if any(len(c) > MAX_CELL for c in row):
            raise ExportError(f"Row {number} has a cell longer than {MAX_CELL:,} characters.")
        if len(row) > width and any(c.strip() for c in row[width:]):
            problems.append((number, "(whole row)", f"has {len(row)} cells, but the header names {width} columns"))
        body.append((number, row[:width] + [""] * (width - len(row))))
    return RawTable([h.strip() for h in header], body, "text", encoding, cell_problems=problems)


def _check_zip(raw: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
    except zipfile.BadZipFile as exc:
        raise ExportError("This is not a readable Excel file (the workbook is damaged or cut short).") from exc
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED or total / packed > MAX_ZIP_RATIO:
        raise ExportError(
            "This Excel file unpacks to far more than it holds (a 'zip bomb'), so it is not opened. "
            "Save it again from Excel, or as CSV."
        )


def _excel(raw: bytes, sheet: str | None) -> RawTable:
    import openpyxl

    _check_zip(raw)
    try:
        formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ExportError(f"This Excel file cannot be opened ({type(exc).__name__}).") from exc
    sheets = list(values.sheetnames)
    name = sheet if sheet in sheets else sheets[0]
    f_rows = formulas[name].iter_rows()
    v_rows = values[name].iter_rows(values_only=True)
    rows: list[tuple[int, list[Any]]] = []
    problems: list[tuple[int, str, str]] = []
    header: list[str] = []
    used_cached = 0
    for number, (f_row, v_row) in enumerate(zip(f_rows, v_rows, strict=False), start=1):
        if len(v_row) > MAX_COLUMNS:
            raise ExportError(f"Sheet {name!r} has {len(v_row):,} columns; at most {MAX_COLUMNS} are read.")
        cells = list(v_row)
        for i, cell in enumerate(f_row):
            if getattr(cell, "data_type", None) == "f":
                if cells[i] is None:
                    col = header[i] if i < len(header) else f"column {i + 1}"
                    problems.append((number, col, "is a formula with no saved value: open and save it in Excel"))
                else:
                    used_cached += 1
        if not header:
            if any(c is not None and str(c).strip() for c in cells):
                header = ["" if c is None else str(c).strip() for c in cells]
            continue
        if any(c is not None and str(c).strip() for c in cells):
            rows.append((number, cells[: len(header)] + [None] * (len(header) - len(cells))))
        if len(rows) > MAX_ROWS:
            raise ExportError(f"Sheet {name!r} has more than {MAX_ROWS:,} rows.")
    notes = [f"{used_cached} formula cell(s): the values Excel saved with them were used."] if used_cached else []
    while header and not header[-1]:
        header.pop()
    table = RawTable(header, [(n, r[: len(header)]) for n, r in rows], "excel", "", sheets, name, notes, problems)
    return table


def _parquet(raw: bytes, sheet: str | None) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(io.BytesIO(raw))
        if pf.metadata.num_columns > MAX_COLUMNS:
            raise ExportError(f"The file has {pf.metadata.num_columns:,} columns; at most {MAX_COLUMNS} are read.")
        if pf.metadata.num_rows > MAX_ROWS:
            raise ExportError(f"The file has {pf.metadata.num_rows:,} rows; at most {MAX_ROWS:,} are read at once.")
        table = pf.read()
    except ExportError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ExportError("This is not a readable Parquet file (it is damaged or cut short).") from exc
    columns = [str(c) for c in table.column_names]
    data = table.to_pylist()
    return RawTable(columns, [(i + 2, [r[c] for c in table.column_names]) for i, r in enumerate(data)], "parquet")


def _json(raw: bytes, sheet: str | None) -> RawTable:
    """police.uk neighbourhood events or priorities, as the API returns them (a list, or one object)."""
    from analytics.ingest import policeuk

    text, encoding = decode(raw)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ExportError(f"The file is not valid JSON ({exc.__class__.__name__}).") from exc
    return policeuk.to_raw_table(data, encoding)


def cell_text(value: Any) -> str:
    """A cell as text for previews and messages."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
