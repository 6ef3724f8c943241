"""Safe downloads: text cells that a spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these is treated as a formula by Excel, LibreOffice
# and Google Sheets (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """``value`` with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells (and column names) are escaped; numbers stay numbers."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(escape_formula)
    out.columns = [escape_formula(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads accents) of ``frame``, safe against formula injection."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """An Excel workbook of ``frame``: text escaped and stored as text (never as a formula), numbers as numbers."""
    import io

    from openpyxl import Workbook

    safe = safe_frame(frame)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        cells = []
        for value in row:
            if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT:
                cells.append(None)
            elif hasattr(value, "item") and not isinstance(value, str):
                cells.append(value.item())  # numpy scalars as plain numbers
            else:
                cells.append(value)
        ws.append(cells)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise write "=..." as a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
