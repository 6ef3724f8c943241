"""The activity map's public map views chart: every district's line reads against the page."""

import pandas as pd

from analytics.charts.images import spec_of
from analytics.engagement.maps import map_views_chart


def _contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio of a colour against white, worked out here from the definition."""
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_ten_districts_lines_each_read_against_white():
    months = pd.date_range("2026-01-01", periods=3, freq="MS")
    monthly = pd.DataFrame(
        [
            {"month_start": m, "name": f"District {i}", "views": 10 * i, "per_1k": float(i), "force_per_1k": 5.0}
            for i in range(10)
            for m in months
        ]
    )
    spec = spec_of(map_views_chart(monthly))
    [lines] = [layer for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    palette = lines["encoding"]["color"]["scale"]["range"]
    assert len(palette) >= 10, "a colour of its own for each of ten districts"
    # The dashboard's palette is colour-blind safe, its palest 2.25:1 (orange, light blue); a pale grey is 1.5 to 2.1.
    pale = {c: round(_contrast_with_white(c), 2) for c in palette if _contrast_with_white(c) < 2.2}
    assert not pale, f"too pale to see on white: {pale}"
