"""The meeting pack's charts, each rendered for the frame it fills on the slide (one point of the slide is
one pixel of the chart, drawn at twice that for sharpness), in the pack's font.

A chart is drawn once to measure what its axes, headers and legends take, then at the size that leaves the
frame exactly filled. The funnel is in analytics.pack.funnel.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from functools import cache

import pandas as pd
import vl_convert as vlc

from analytics.charts import images as chart_export
from analytics.pack.layout import wrap
from analytics.pack.style import FONT_DIR
from analytics.survey.trend_charts import small_multiples

CHART_FONT = "Liberation Sans"
SCALE = 2  # pixels drawn per point of the slide
LABEL_SIZE, HEADER_SIZE = 12.0, 13.0
CONFIG = {
    "font": CHART_FONT,
    "background": "#ffffff",
    "axis": {
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": LABEL_SIZE,
        "labelColor": "#1b1b1b",
        "titleColor": "#1b1b1b",
    },
    "legend": {"labelFontSize": LABEL_SIZE, "titleFontSize": LABEL_SIZE, "labelLimit": 400},
    "header": {"labelFontSize": HEADER_SIZE, "labelColor": "#1b1b1b"},
    "view": {"stroke": "#bfc7d5"},
}
# A chart builder: (plot width, plot height) -> (spec, panels across, panels down).
Builder = Callable[[float, float], tuple[dict, int, int]]


@cache
def _fonts_registered() -> bool:
    vlc.register_font_directory(str(FONT_DIR))
    return True


def _drawn_size(spec: dict) -> tuple[float, float]:
    _fonts_registered()
    scene = vlc.vegalite_to_scenegraph(spec)
    return float(scene["width"]), float(scene["height"])


def fitted_png(build: Builder, frame_w: float, frame_h: float) -> bytes:
    """The chart from ``build`` as a PNG filling ``frame_w`` x ``frame_h`` points."""
    w0, h0 = 200.0, 120.0
    spec, across, down = build(w0, h0)
    total_w, total_h = _drawn_size(spec)
    extra_w, extra_h = total_w - across * w0, total_h - down * h0
    w, h = (frame_w - extra_w) / across, (frame_h - extra_h) / down
    spec, _, _ = build(max(w, 40.0), max(h, 40.0))
    _fonts_registered()
    return chart_export.png(spec, scale=SCALE)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# --- every measure's trend, one panel each -------------------------------------------------------------


def trend_builder(panels: pd.DataFrame, order: list[str], frame_w: float, frame_h: float) -> Builder:
    """Small multiples of ``panels`` (analytics.survey.trends rows with a ``panel`` per measure, the district's
    ``series_name`` set to it), in ``order``, as many across as gives the largest panels for the frame."""
    n = max(len(order), 1)
    across = max(range(1, n + 1), key=lambda c: _panel_score(c, n, frame_w, frame_h))
    down = math.ceil(n / across)
    base = dict(small_multiples(panels, "", columns=across, title=""))

    def build(w: float, h: float) -> tuple[dict, int, int]:
        spec = copy.deepcopy(base)
        spec.pop("title", None)
        names = {name: "\n".join(wrap(name, w, HEADER_SIZE)) for name in order}
        for row in spec["datasets"]["panels"]:
            row["series_name"] = names.get(row["series_name"], row["series_name"])
        spec["facet"]["sort"] = [names[name] for name in order]
        spec["facet"]["header"] = {"labelExpr": "split(datum.value, '\\n')", "labelLimit": w, "labelPadding": 4}
        spec["spec"]["width"], spec["spec"]["height"] = w, h
        spec["resolve"] = {"axis": {"x": "independent"}}
        for layer in spec["spec"]["layer"]:
            layer["encoding"]["x"]["axis"] = {"labelAngle": 0, "labelOverlap": "greedy", "labelPadding": 4}
        spec["config"] = {**spec.get("config", {}), **CONFIG}
        return spec, across, down

    return build


def _panel_score(across: int, n: int, frame_w: float, frame_h: float) -> float:
    """How large the panels come out (height counts double: a panel about twice as wide as tall reads best)."""
    down = math.ceil(n / across)
    w, h = (frame_w - 60) / across - 20, (frame_h - 10) / down - 70
    return min(w, 2 * h)
