"""Tables as the app draws them: numbers with thousands separators (1,234) and dates day first (31/01/2019)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

# Dates are typed and shown day first, as UK users write them (Streamlit's own default is 2019/01/31).
DATE_FORMAT = "DD/MM/YYYY"
# "localized" writes numbers as the reader's browser does: 1,234 in the UK. It shows at most three decimals, so a
# column with more (p-values to four places, all under 1) keeps Streamlit's plain format rather than lose digits.
_NUMBER_FORMAT = "localized"
_MAX_DECIMALS = 3
# Streamlit wraps text in a cell only when rows are taller than 4rem (64 px): room for two lines.
_WRAPPING_ROW_HEIGHT = 66


def _decimals(values: pd.Series) -> int | None:
    """The fewest decimals (up to three) that show every value in ``values`` exactly; None if more are needed."""
    finite = values[np.isfinite(values.astype(float))].astype(float)
    return next((d for d in range(_MAX_DECIMALS + 1) if np.allclose(finite, finite.round(d), rtol=0, atol=1e-9)), None)


def _all_dates(values: pd.Series) -> bool:
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in present)


def column_formats(frame: pd.DataFrame) -> dict:
    """Streamlit column settings for ``frame``: every number column localised, every date column day first."""
    config = {}
    for name in frame.columns:
        if not isinstance(name, str):
            continue
        values = frame[name]
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_integer_dtype(values):
            config[name] = st.column_config.NumberColumn(format=_NUMBER_FORMAT)
        elif pd.api.types.is_float_dtype(values) and (decimals := _decimals(values)) is not None:
            # The same decimals on every row (7.0 beside 12.8, not 7).
            config[name] = st.column_config.NumberColumn(format=_NUMBER_FORMAT, step=10**-decimals)
        elif pd.api.types.is_datetime64_any_dtype(values):
            times = (values.dropna() != values.dropna().dt.normalize()).any()
            config[name] = st.column_config.DatetimeColumn(format=DATE_FORMAT + (" HH:mm" if times else ""))
        elif values.dtype == object and _all_dates(values):
            config[name] = st.column_config.DateColumn(format=DATE_FORMAT)
    return config


def show(data, *, column_config: dict | None = None, wrap: bool = False, **kwargs):
    """``st.dataframe`` of a DataFrame or Styler with the formats above; ``column_config`` adds to them per column
    (a width, a label) or replaces a column's type. ``wrap``: rows of two lines, long text wrapping within its column's
    width rather than widening it. The index is hidden and the table fills its width unless told otherwise."""
    frame = data.data if isinstance(data, Styler) else data
    config = column_formats(frame)
    for name, given in (column_config or {}).items():
        config[name] = {**config.get(name, {}), **given} if isinstance(given, dict) else given
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    if wrap:
        kwargs.setdefault("row_height", _WRAPPING_ROW_HEIGHT)
    return st.dataframe(data, column_config=config, **kwargs)


def download_csv(table, filename: str, key: str) -> None:
    """Download buttons for ``table`` as CSV and as Excel, both escaped against spreadsheet formula injection."""
    from analytics.export import csv_bytes, xlsx_bytes

    c1, c2, _ = st.columns([1, 1, 4])
    # Made when clicked, not on every run (a filter change redraws many tables).
    c1.download_button(
        "Download CSV",
        data=lambda: csv_bytes(table),
        file_name=filename,
        mime="text/csv",
        key=key,
        on_click="ignore",  # a download needs no new run of the page
        icon=":material/download:",
    )
    c2.download_button(
        "Download Excel",
        data=lambda: xlsx_bytes(table),
        file_name=filename.rsplit(".", 1)[0] + ".xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
