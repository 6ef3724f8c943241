"""Helpers shared by the chart builders: formatting, plain-JSON data, element sizing."""

from __future__ import annotations

import copy
import functools
import json
import threading
from datetime import date

import altair as alt
import numpy as np
import pandas as pd

from analytics import verdicts

BASE_NOTES = verdicts.BASE_NOTES  # decided in analytics/verdicts.py


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


def element_height(chart, extra: int = 150) -> int | None:
    """Pixel height for Streamlit's chart element: the plot's own height plus room for title, axes and legend.

    Streamlit's theme otherwise squeezes a plot with a legend into its default height.
    Returns None for charts without a fixed height (facets size themselves).
    """
    height = getattr(chart, "height", alt.Undefined)
    return int(height) + extra if isinstance(height, int | float) else None


# --- templates: a chart's Altair structure built once, its data and domains filled per call -------------
# Building an Altair chart and writing its spec costs far more than the data it carries (a tenth of a
# second for the trend chart). A builder whose structure depends only on a few settings builds it once
# with named data and placeholder lists (slot), and fills in each call's rows and domains (fill).


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain JSON records (pandas' C writer: missing and infinite values null, timestamps ISO text)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def slot(name: str) -> list[str]:
    """A placeholder list (a scale's domain or range) in a chart template, filled by fill()."""
    return [f"\x00{name}"]


def text_slot(name: str) -> str:
    """A placeholder text (a title) in a chart template, filled by fill(): one template serves every measure."""
    return f"\x01{name}"


def template(build):
    """``build`` (a chart template builder: hashable arguments, a JSON string back) run once per arguments for
    the life of the process, even when several sessions first ask at once: building an Altair chart costs a
    few hundred milliseconds, and ten sessions opening together each built it while none had finished."""
    cached = functools.lru_cache(maxsize=64)(build)
    # Re-entrant, so a builder that calls itself cannot hang. A cached template waits only while another is
    # being built: once per process and arguments, most of them when the server starts (ui/warm.py).
    lock = threading.RLock()

    @functools.wraps(build)
    def once(*args):
        with lock:
            return cached(*args)

    once.cache_info = cached.cache_info
    once.cache_clear = cached.cache_clear
    return once


class Spec(dict):
    """A Vega-Lite spec filled from a template; callers read it as they read the Altair chart it replaces."""

    def to_dict(self, validate: bool = False) -> dict:
        """A copy of the spec (the templates are checked against the Vega-Lite schema in the tests)."""
        return copy.deepcopy(dict(self))

    @property
    def height(self):
        return self.get("height", alt.Undefined)


def fill(template: str, datasets: dict[str, pd.DataFrame | list[dict]], **slots: list | str) -> Spec:
    """The template (JSON of a chart built with named data and slots) with its data sets (frames, or rows
    already written as records) and slots filled."""

    def walk(node):
        if isinstance(node, str) and node.startswith("\x01"):
            return slots[node[1:]]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            if len(node) == 1 and isinstance(node[0], str) and node[0].startswith("\x00"):
                return list(slots[node[0][1:]])
            return [walk(v) for v in node]
        return node

    spec = walk(json.loads(template))
    spec["datasets"] = {name: rows if isinstance(rows, list) else records(rows) for name, rows in datasets.items()}
    return Spec(spec)
