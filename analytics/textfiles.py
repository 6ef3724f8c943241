"""Reading delimited text files as people save them: encodings, byte-order marks, delimiters."""

from __future__ import annotations

import codecs
import csv
import io

MAX_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 500
MAX_CELL = 100_000


class ExportError(ValueError):
    """The file cannot be read; the message says why, for the person importing."""


def decode(raw: bytes) -> tuple[str, str]:
    """``raw`` as text and the encoding it was read with (UTF-16 and UTF-8 by their marks, else UTF-8 or cp1252)."""
    if len(raw) > MAX_BYTES:
        raise ExportError(f"The file is larger than {MAX_BYTES // 2**20} MB; split it by month.")
    if raw.startswith(b"PK\x03\x04"):
        raise ExportError("This is an Excel workbook, not a CSV file: export or save it as CSV first.")
    for bom, name in ((codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(bom):
            try:
                return raw.decode("utf-16"), name
            except UnicodeDecodeError as exc:
                raise ExportError("The file says it is UTF-16 text but is damaged (cut short?).") from exc
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8 with byte-order mark"
    if b"\x00" in raw[:4096]:
        raise ExportError("This is not a text file (it holds binary data).")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            raise ExportError("The file's text encoding is not UTF-8, UTF-16 or Windows-1252.") from exc


def read_numbered_rows(text: str) -> list[tuple[int, list[str]]]:
    """Rows of a delimited text (comma, semicolon or tab, whichever splits the header most), each with
    its row number as a spreadsheet shows it (the header is row 1). Blank rows are skipped, not renumbered."""
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    if first.count(delimiter) >= MAX_COLUMNS:
        raise ExportError(f"The header has {first.count(delimiter) + 1:,} columns; at most {MAX_COLUMNS} are read.")
    try:
        rows = []
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if len(row) > MAX_COLUMNS:
                raise ExportError(f"Row {number} has {len(row):,} columns; at most {MAX_COLUMNS} are read.")
            if any(cell.strip() for cell in row):
                rows.append((number, row))
    except csv.Error as exc:
        raise ExportError(f"The file is not readable as delimited text ({exc}).") from exc
    return rows


def read_rows(text: str) -> list[list[str]]:
    """The non-blank rows of a delimited text (see ``read_numbered_rows``)."""
    return [row for _, row in read_numbered_rows(text)]
