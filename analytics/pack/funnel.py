"""The meeting pack's funnel: every district against its effective base inside the 95% and 99.8% limits around
the force, drawn for its frame (analytics.pack.charts.fitted_png) on explicit scales, so that each label can be
placed in pixels: only the presenting district and the districts outside the 95% limits are named, each where
it overlaps no other label, no point and no line when such a spot exists near it (with a leader line when it
had to move away).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from analytics.pack.charts import CONFIG, LABEL_SIZE, Builder
from analytics.pack.layout import wrap
from analytics.pack.style import text_width
from analytics.survey.section_charts import POSITION_COLOURS
from analytics.survey.trend_charts import DISTRICT_PALETTE, FORCE_COLOUR


@dataclass
class Label:
    name: str
    x: float  # the point, in pixels of the plot (origin top left)
    y: float
    bold: bool
    lines: list[str] = field(default_factory=list)
    box: tuple[float, float, float, float] | None = None  # the label: left, top, right, bottom
    leader: bool = False


_MARK_RADIUS = 8.0
_RING_SIZE = 420  # the presenting district's ring (area in pixels)
_RING_RADIUS = math.sqrt(_RING_SIZE / math.pi) + 2
LABEL_LINE = LABEL_SIZE * 1.2
LABEL_MAX_W = 190.0  # a longer name is wrapped onto more lines


def _spots(x: float, y: float, ring: float, w: float, h: float) -> list[tuple[float, float, bool]]:
    """Candidate (left, top, needs a leader) for a ``w`` x ``h`` label of the point (x, y): beside it, above
    and below first; then further up, down and out on each side, nearest first, with a leader line."""
    right, left = x + ring + 3, x - ring - 3 - w
    near = [(right, y - h / 2, False), (left, y - h / 2, False), (x - w / 2, y - ring - 3 - h, False)]
    near.append((x - w / 2, y + ring + 3, False))
    far = [
        (side, y + dy - h / 2, True)
        for step in range(0, 8)
        for dy in {-step * (h + 4), step * (h + 4)}
        for out in (8, 48, 96, 160)
        for side in (right + out, left - out)
    ]
    far.sort(key=lambda s: math.hypot(s[0] + w / 2 - x, s[1] + h / 2 - y))
    return near + far


def place_labels(
    labels: list[Label],
    marks: list[tuple[float, float, float]],
    lines: list[tuple[float, float]],
    w: float,
    h: float,
) -> list[Label]:
    """Each label (in the order given, wrapped to LABEL_MAX_W) at the first spot near its point that stays in
    the plot and overlaps no placed label, no mark (x, y, radius) and no line (points along it); failing every
    spot, the one overlapping least (a line's crossing counts less than a mark's). A label set away from its
    point gets a leader line."""
    obstacles = [(x - r, y - r, x + r, y + r) for x, y, r in marks] + [
        (x - 1.5, y - 1.5, x + 1.5, y + 1.5) for x, y in lines
    ]
    weights = [1.0] * len(marks) + [0.5] * len(lines)
    for label in labels:
        label.lines = wrap(label.name, min(LABEL_MAX_W, w / 2), LABEL_SIZE, label.bold)
        width = max(text_width(line, LABEL_SIZE, label.bold) for line in label.lines) * 1.05
        height = len(label.lines) * LABEL_LINE
        ring = max((r for x, y, r in marks if (x, y) == (label.x, label.y)), default=_MARK_RADIUS)
        spots = [s for s in _spots(label.x, label.y, ring, width, height)]
        boxes = np.array([(left, top, left + width, top + height) for left, top, _ in spots])
        inside = (boxes[:, 0] >= 0) & (boxes[:, 1] >= 0) & (boxes[:, 2] <= w) & (boxes[:, 3] <= h)
        if inside.any():
            cost = _overlaps(boxes, np.array(obstacles)) @ np.array(weights)
            cost[~inside] = np.inf
            pick = int(np.argmax(cost == 0)) if (cost == 0).any() else int(np.argmin(cost))
            label.box, label.leader = tuple(boxes[pick]), spots[pick][2]
        else:  # no spot inside the plot: beside the point, moved inside
            left = min(max(label.x + ring + 3, 0.0), max(w - width, 0.0))
            top = min(max(label.y - height / 2, 0.0), max(h - height, 0.0))
            label.box, label.leader = (left, top, left + width, top + height), True
        obstacles.append(label.box)
        weights.append(1.0)
    return labels


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Overlap areas, each of ``boxes`` (K x 4: left, top, right, bottom) with each of ``others`` (M x 4)."""
    dx = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    dy = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
    return np.clip(dx, 0, None) * np.clip(dy, 0, None)


def _along(points: list[tuple[float, float]], spacing: float = 2.0) -> list[tuple[float, float]]:
    """Points every ``spacing`` pixels along a polyline."""
    out = []
    for (x0, y0), (x1, y1) in pairwise(points):
        n = max(int(math.hypot(x1 - x0, y1 - y0) / spacing), 1)
        out += [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(n)]
    return out + points[-1:]


def funnel_builder(points: pd.DataFrame, limits: pd.DataFrame, presenting: str) -> Builder:
    """The funnel for ``presenting`` (a district name): every district against its effective base inside the
    95% and 99.8% limits around the force, the presenting district ringed."""
    pts = points[points["pct"].notna()].copy()
    x0 = float(limits["n_eff"].min())
    x1 = float(max(pts["n_eff"].max() if len(pts) else x0 + 1, x0 + 1) * 1.06)
    lim = limits[limits["n_eff"] <= x1]
    low = min(lim["lower"].min(), pts["pct"].min() if len(pts) else 100.0)
    high = max(lim["upper"].max(), pts["pct"].max() if len(pts) else 0.0)
    pad = (high - low) * 0.04
    y0, y1 = max(0.0, low - pad), min(100.0, high + pad)
    force = float(points["force_pct"].iloc[0]) if len(points) else np.nan
    rows = pts[["series_name", "pct", "n_eff", "position"]].to_dict("records")
    limit_rows = lim[["n_eff", "level", "lower", "upper"]].to_dict("records")

    def build(w: float, h: float) -> tuple[dict, int, int]:
        def px(r) -> tuple[float, float]:
            return (r["n_eff"] - x0) / (x1 - x0) * w, h - (r["pct"] - y0) / (y1 - y0) * h

        wanted = [r for r in rows if r["series_name"] == presenting] + [
            r for r in rows if r["position"] != "within limits" and r["series_name"] != presenting
        ]
        marks = [(*px(r), _RING_RADIUS if r["series_name"] == presenting else _MARK_RADIUS) for r in rows]
        lines = []
        for level in ("95%", "99.8%"):
            for bound in ("lower", "upper"):
                curve = [px({"n_eff": r["n_eff"], "pct": r[bound]}) for r in limit_rows if r["level"] == level]
                lines += _along([(x, y) for x, y in curve if 0 <= y <= h])
        if np.isfinite(force):
            lines += _along([(0.0, px({"n_eff": x0, "pct": force})[1]), (w, px({"n_eff": x0, "pct": force})[1])])
        labels = place_labels(
            [Label(r["series_name"], *px(r), bold=r["series_name"] == presenting) for r in wanted], marks, lines, w, h
        )
        text_rows, leaders = [], []
        for label in labels:
            left, top, right, bottom = label.box
            text_rows.append(
                {
                    "name": "\n".join(label.lines),
                    "x": _data_x(left, w, x0, x1),
                    "y": _data_y(top, h, y0, y1),
                    "bold": label.bold,
                }
            )
            if label.leader:  # from the edge of the point's mark to the nearest point of its label
                end_x = min(max(label.x, left), right)
                end_y = min(max(label.y, top), bottom)
                ring = _RING_RADIUS if label.bold else _MARK_RADIUS
                d = math.hypot(end_x - label.x, end_y - label.y) or 1.0
                sx, sy = label.x + (end_x - label.x) * ring / d, label.y + (end_y - label.y) * ring / d
                leaders.append(
                    {
                        "x": _data_x(sx, w, x0, x1),
                        "y": _data_y(sy, h, y0, y1),
                        "x2": _data_x(end_x, w, x0, x1),
                        "y2": _data_y(end_y, h, y0, y1),
                    }
                )
        return _funnel_spec(rows, limit_rows, text_rows, leaders, presenting, force, (x0, x1, y0, y1), w, h), 1, 1

    return build


def _data_x(px: float, w: float, x0: float, x1: float) -> float:
    return float(x0 + px / w * (x1 - x0))


def _data_y(py: float, h: float, y0: float, y1: float) -> float:
    return float(y0 + (h - py) / h * (y1 - y0))


def _funnel_spec(rows, limit_rows, text_rows, leaders, presenting, force, domain, w, h) -> dict:
    x0, x1, y0, y1 = domain
    x = {
        "field": "n_eff",
        "type": "quantitative",
        "title": "Effective base (weighted answers)",
        "scale": {"domain": [x0, x1], "nice": False, "zero": False},
    }
    y = {
        "field": "pct",
        "type": "quantitative",
        "title": "%",
        "scale": {"domain": [y0, y1], "nice": False, "zero": False},
    }
    colour = {
        "field": "position",
        "type": "nominal",
        "title": "Position in the funnel",
        "scale": {"domain": list(POSITION_COLOURS)[:-1], "range": list(POSITION_COLOURS.values())[:-1]},
        "legend": {"orient": "right", "symbolStrokeColor": "#333333"},
    }
    dash = {
        "field": "level",
        "type": "nominal",
        "title": "Control limits",
        "scale": {"domain": ["95%", "99.8%"], "range": [[6, 3], [2, 2]]},
        "legend": {"orient": "right", "symbolType": "stroke"},
    }
    layers = [
        {
            "data": {"values": limit_rows},
            "mark": {"type": "line", "color": "#555555", "clip": True},
            "encoding": {"x": x, "y": {**y, "field": bound}, "strokeDash": dash, "detail": {"field": "level"}},
        }
        for bound in ("lower", "upper")
    ]
    if np.isfinite(force):
        layers.append(
            {
                "data": {"values": [{"pct": force}]},
                "mark": {"type": "rule", "color": FORCE_COLOUR},
                "encoding": {"y": y},
            }
        )
    layers += [
        {
            "data": {"values": leaders},
            "mark": {"type": "rule", "color": "#555555", "strokeWidth": 0.8},
            "encoding": {
                "x": {**x, "field": "x"},
                "y": {**y, "field": "y"},
                "x2": {"field": "x2"},
                "y2": {"field": "y2"},
            },
        },
        {
            "data": {"values": rows},
            "mark": {
                "type": "point",
                "filled": True,
                "size": 110,
                "stroke": "#333333",
                "strokeWidth": 0.7,
                "opacity": 1,
            },
            "encoding": {"x": x, "y": y, "color": colour, "shape": {"field": "position", "legend": None}},
        },
        {
            "data": {"values": [r for r in rows if r["series_name"] == presenting]},
            "mark": {
                "type": "point",
                "filled": False,
                "size": _RING_SIZE,
                "stroke": DISTRICT_PALETTE[0],
                "strokeWidth": 2.5,
            },
            "encoding": {"x": x, "y": y},
        },
        *(
            {
                "data": {"values": [r for r in text_rows if r["bold"] == bold]},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "lineBreak": "\n",
                    "lineHeight": LABEL_LINE,
                    "fontSize": LABEL_SIZE,
                    "fontWeight": "bold" if bold else "normal",
                    "color": "#1b1b1b",
                },
                "encoding": {"x": {**x, "field": "x"}, "y": {**y, "field": "y"}, "text": {"field": "name"}},
            }
            for bold in (True, False)
        ),
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": w,
        "height": h,
        "layer": layers,
        "config": CONFIG,
    }
