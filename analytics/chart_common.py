"""Helpers shared by the chart builders: formatting, plain-JSON data, element sizing."""

from __future__ import annotations

from datetime import date

import altair as alt
import numpy as np
import pandas as pd

BASE_NOTES = {"low base": "⚠ low base: read with care", "suppressed": "base too small: not shown", "ok": ""}


def fmt_pct(value: float, digits: int = 0) -> str:
    """``72%`` (or an en dash for a missing value)."""
    return "–" if value is None or not np.isfinite(value) else f"{value:.{digits}f}%"


def plain_json(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy with date and timestamp columns as ISO text, so the spec is plain JSON."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif out[col].dtype == object:
            out[col] = [v.isoformat() if isinstance(v, date) else v for v in out[col]]
    return out


def interval_text(lo, hi) -> list[str]:
    """``55.1% to 69.2%`` per row; empty where the interval is hidden."""
    return ["" if not np.isfinite(a) else f"{a:.1f}% to {b:.1f}%" for a, b in zip(lo, hi, strict=True)]


def element_height(chart, extra: int = 150) -> int | None:
    """Pixel height for Streamlit's chart element: the plot's own height plus room for title, axes and legend.

    Streamlit's theme otherwise squeezes a plot with a legend into its default height.
    Returns None for charts without a fixed height (facets size themselves).
    """
    height = getattr(chart, "height", alt.Undefined)
    return int(height) + extra if isinstance(height, int | float) else None
