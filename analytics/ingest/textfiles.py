"""Reading delimited text files as people save them: encodings, byte-order marks, line endings, delimiters,
and the spellings people use for a column's name or a missing value."""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

MAX_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 500
MAX_CELL = 100_000
# Times in a file are UK local time; a time that states its zone is converted to it.
LOCAL_TZ = ZoneInfo("Europe/London")
# What people type in a number cell to say "no figure": blank, NA, N/A, a hyphen or a dash.
MISSING_NUMBER = frozenset({"", "na", "n/a", "-", "--", "\u2013", "\u2014"})
_LINE_END = re.compile(r"\r\n|\r|\n")
_NOT_ALNUM = re.compile(r"[\W_]+")


class ExportError(ValueError):
    """The file cannot be read; the message says why, for the person importing."""


def name_key(name: object) -> str:
    """A column name as it is matched: case, spaces, underscores and punctuation ignored
    (``crime_type``, ``Crime type`` and ``CRIME-TYPE`` are one name)."""
    return _NOT_ALNUM.sub("", str(name).replace("\ufeff", "").casefold())


def nearest_name(wanted: Iterable[str], columns: Iterable[str]) -> str | None:
    """The column whose name is closest to any of the ``wanted`` names (compared as ``name_key``), if one is close."""
    options = {name_key(c): c for c in columns if name_key(c)}
    best: tuple[float, str] | None = None
    for key in {name_key(w) for w in wanted}:
        for hit in difflib.get_close_matches(key, list(options), n=1, cutoff=0.6):
            score = difflib.SequenceMatcher(None, key, hit).ratio()
            if best is None or score > best[0]:
                best = (score, options[hit])
    return best[1] if best else None


def is_missing_number(text: str) -> bool:
    """True for a number cell that says "no figure" (see ``MISSING_NUMBER``)."""
    return text.replace("\u00a0", " ").strip().casefold() in MISSING_NUMBER


def _utf16_without_mark(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when ``head`` looks like UTF-16 text saved without a byte-order mark: mostly
    Latin text, so every other byte is zero (odd bytes for little-endian, even bytes for big-endian)."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0)
    odd = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0)
    if odd >= 0.6 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd == 0:
        return "utf-16-be"
    return None


def decode(raw: bytes) -> tuple[str, str]:
    """``raw`` as text and the encoding it was read with (UTF-16 with or without its mark, UTF-8, or cp1252)."""
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
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 with byte-order mark"
        except UnicodeDecodeError as exc:
            raise ExportError("The file says it is UTF-8 text but holds bytes that are not UTF-8.") from exc
    if b"\x00" in raw[:4096]:
        codec = _utf16_without_mark(raw[:4096])
        if codec:
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise ExportError("The file looks like UTF-16 text but is damaged (cut short?).") from exc
            if "\x00" not in text:
                return text, "UTF-16 (no byte-order mark)"
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
    its row number as a spreadsheet shows it (the header is row 1). Lines may end CR LF (Windows), LF
    (Linux, macOS) or CR alone (old Mac programs). Blank rows are skipped, not renumbered."""
    first = _LINE_END.split(text, maxsplit=1)[0]
    delimiter = max(",;\t", key=first.count)
    if first.count(delimiter) >= MAX_COLUMNS:
        raise ExportError(f"The header has {first.count(delimiter) + 1:,} columns; at most {MAX_COLUMNS} are read.")
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if len(row) > MAX_COLUMNS:
                raise ExportError(f"Row {number} has {len(row):,} columns; at most {MAX_COLUMNS} are read.")
            if any(cell.strip() for cell in row):
                rows.append((number, row))
    except csv.Error as exc:
        raise ExportError(_csv_problem(str(exc), number + 1)) from exc
    return rows


def _csv_problem(error: str, row: int) -> str:
    """The csv module's complaint in plain words."""
    if "field limit" in error:
        return (
            f"Row {row} has a cell longer than {MAX_CELL:,} characters, so the file is not read. Often a quote mark "
            '(") opens a cell and is never closed: check the row, or save the file again from the spreadsheet.'
        )
    if "NUL" in error:
        return "This is not a text file (it holds binary data)."
    return f"The file is not readable as delimited text at row {row}: save it again as CSV from the spreadsheet."


def read_rows(text: str) -> list[list[str]]:
    """The non-blank rows of a delimited text (see ``read_numbered_rows``)."""
    return [row for _, row in read_numbered_rows(text)]
