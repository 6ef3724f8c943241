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
from datetime import date, datetime
from typing import Any

from analytics.ingest.raw_table import RawTable
from analytics.ingest.textfiles import (
    LOCAL_TZ,
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    ExportError,
    decode,
    read_numbered_rows,
)

MAX_ROWS = 1_000_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
# A Parquet file's data once unpacked; past this it is not an upload but a decompression bomb.
MAX_UNPACKED = 256 * 1024 * 1024
PARQUET_BATCH_ROWS = 16_384
_BOMB = (
    "This Parquet file unpacks to far more than it holds (a 'decompression bomb'), so it is not read. "
    "Export the data again, or split it into smaller files."
)
KINDS = {
    ".csv": "text",
    ".txt": "text",
    ".tsv": "text",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".json": "json",
}


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

    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExportError(
            "This is an old-style Excel file (.xls) or a workbook protected with a password: open it in Excel and "
            "save it as .xlsx without a password, or as CSV."
        )
    _check_zip(raw)
    try:
        formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ExportError(
            "This Excel file cannot be opened: it is damaged or not really an Excel workbook. Open it in Excel and "
            "save it again as .xlsx, or as CSV."
        ) from exc
    sheets = list(values.sheetnames)
    hidden = [ws.title for ws in values.worksheets if getattr(ws, "sheet_state", "visible") != "visible"]
    visible = [n for n in sheets if n not in hidden]
    name = sheet if sheet in sheets else (visible or sheets)[0]
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
    if name in hidden:
        notes.append(f"Sheet {name!r} is hidden in the workbook: it is read only because it was chosen.")
    elif hidden:
        notes.append(
            f"The workbook also has hidden sheet(s), not read unless chosen: {', '.join(repr(h) for h in hidden)}."
        )
    while header and not header[-1]:
        header.pop()
    table = RawTable(header, [(n, r[: len(header)]) for n, r in rows], "excel", "", sheets, name, notes, problems)
    return table


def _parquet(raw: bytes, sheet: str | None) -> RawTable:
    """A Parquet file read a batch at a time, so memory stays bounded and a decompression bomb is caught as it
    unpacks. Times that state their zone become UK local time; binary cells stay bytes (refused as text later)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(pa.BufferReader(raw))  # an Arrow buffer, not a Python file object (see read_table)
        meta = pf.metadata
        names = [str(n) for n in pf.schema_arrow.names]
        declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except (pa.ArrowException, OSError, ValueError, IndexError) as exc:
        raise ExportError("This is not a readable Parquet file (it is damaged or cut short).") from exc
    if len(names) > MAX_COLUMNS:
        raise ExportError(f"The file has {len(names):,} columns; at most {MAX_COLUMNS} are read.")
    if meta.num_rows > MAX_ROWS:
        raise ExportError(f"The file has {meta.num_rows:,} rows; at most {MAX_ROWS:,} are read at once.")
    if declared > MAX_UNPACKED:
        raise ExportError(_BOMB)
    cells: list[list[Any]] = [[] for _ in names]
    unpacked = 0
    batches = pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, use_threads=False)
    while True:
        try:
            batch = next(batches, None)
        except MemoryError as exc:  # Arrow's out-of-memory error is one too: unpacking ran out of room
            raise ExportError(_BOMB) from exc
        except (pa.ArrowException, OSError, ValueError, IndexError) as exc:
            raise ExportError("This is not a readable Parquet file (it is damaged or cut short).") from exc
        if batch is None:
            break
        unpacked += batch.nbytes
        if unpacked > MAX_UNPACKED:
            raise ExportError(_BOMB)
        if cells and len(cells[0]) + batch.num_rows > MAX_ROWS:
            raise ExportError(f"The file has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} are read at once.")
        for i, column in enumerate(batch.columns):
            cells[i].extend(_python_values(column, names[i]))
    rows = [(i + 2, list(r)) for i, r in enumerate(zip(*cells, strict=True))]
    return RawTable(names, rows, "parquet")


def _python_values(column: Any, name: str) -> list[Any]:
    """One Arrow column as Python values; zoned times as UK local time without a zone."""
    import pyarrow as pa

    try:
        values = column.to_pylist()
    except (ValueError, OverflowError) as exc:
        raise ExportError(
            f"Column {name!r} holds dates or numbers outside the range that can be read (years 1 to 9999)."
        ) from exc
    if pa.types.is_timestamp(column.type) and column.type.tz is not None:
        values = [None if v is None else v.astimezone(LOCAL_TZ).replace(tzinfo=None) for v in values]
    return values


def _json(raw: bytes, sheet: str | None) -> RawTable:
    """police.uk neighbourhood events or priorities, as the API returns them (a list, or one object)."""
    from analytics.ingest import policeuk

    text, encoding = decode(raw)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"The file is not valid JSON (at line {exc.lineno}, column {exc.colno}).") from exc
    except RecursionError as exc:
        raise ExportError("The file is not valid JSON that can be read: it is nested too deeply.") from exc
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
