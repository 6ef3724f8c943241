"""The demo force specification (``data/demo_force.json``) and anchor interpolation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from analytics.periods import parse_quarter_key, quarters_between

DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "data" / "demo_force.json"
DEFAULT_SEED = 20180930


def load_spec(path: Path = DEFAULT_SPEC) -> dict:
    """The demo specification as a dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def demo_quarters(spec: dict) -> list[date]:
    """Every quarter start the demo survey covers."""
    return quarters_between(parse_quarter_key(spec["first_quarter"]), parse_quarter_key(spec["last_quarter"]))


def month_starts(first: date, last: date) -> list[date]:
    """First days of every month from ``first`` to ``last`` inclusive."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def parse_month(key: str) -> date:
    """``2018-11`` -> 1 November 2018."""
    y, m = key.split("-")
    return date(int(y), int(m), 1)


def interpolate(anchors: dict[date, float], at: list[date], log: bool = False) -> np.ndarray:
    """Linear (or log-linear) interpolation of anchor values at the given dates.

    Outside the anchors the nearest anchor value is held.
    """
    xs = np.array([d.toordinal() for d in sorted(anchors)], dtype=float)
    ys = np.array([anchors[d] for d in sorted(anchors)], dtype=float)
    if log:
        ys = np.log(ys)
    out = np.interp([d.toordinal() for d in at], xs, ys)
    return np.exp(out) if log else out


def quarter_anchors(raw: dict[str, float]) -> dict[date, float]:
    """Anchors keyed by quarter key (``2018-19-Q1``) as dates; keys starting with _ are notes."""
    return {parse_quarter_key(k): float(v) for k, v in raw.items() if not k.startswith("_")}


def month_anchors(raw: dict[str, float]) -> dict[date, float]:
    """Anchors keyed by month (``2018-11``) as dates."""
    return {parse_month(k): float(v) for k, v in raw.items()}


def largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Split integer ``total`` into integers proportional to ``shares`` that sum exactly."""
    shares = np.asarray(shares, dtype=float)
    raw = total * shares / shares.sum()
    base = np.floor(raw).astype(np.int64)
    short = int(total - base.sum())
    if short > 0:
        base[np.argsort(-(raw - base), kind="stable")[:short]] += 1
    return base
