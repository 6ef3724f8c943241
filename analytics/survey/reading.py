"""Reading a trend: which districts stand furthest from the force, and one plain sentence per district.

Pure functions over the frames ``analytics.survey.trends`` returns (no queries); rules, not a model.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from analytics.stats import format_p
from analytics.verdicts import NOT_COMPARABLE


def furthest_from_force(trend: pd.DataFrame) -> list[str]:
    """District ids in ``trend`` (district_trends' rows), furthest from the force first: by the mean distance, in
    points, between the district's value and the force's over the periods where both are shown. Districts with no
    shown value come last; ties go by name."""
    force = trend.loc[trend["kind"] == "force"].set_index("quarter_start")["pct"]
    districts = trend.loc[trend["kind"] == "district"]
    gap = (districts["pct"] - districts["quarter_start"].map(force)).abs()
    mean = gap.groupby(districts["series_id"]).mean()
    names = districts.groupby("series_id")["series_name"].first()

    def order(district_id: str) -> tuple:
        distance = mean.get(district_id, np.nan)
        return (bool(np.isnan(distance)), 0.0 if np.isnan(distance) else -distance, names[district_id])

    return sorted(names.index, key=order)


def district_summaries(trend: pd.DataFrame, points: pd.DataFrame) -> list[str]:
    """One plain sentence per district for the last period: its change on a year before and its place
    against the force, each with the test's verdict. Rules, not a model; numbers as the charts show them."""
    last = trend["quarter_start"].max()
    latest = trend[(trend["quarter_start"] == last) & (trend["kind"] == "district")]
    funnel_at = points.set_index("series_id") if len(points) else None
    out = []
    # Rows as plain records (itertuples makes a new named-tuple class on every call, a millisecond each).
    for row in (SimpleNamespace(**r) for r in latest.sort_values("series_name").to_dict("records")):
        if row.base_status == "suppressed":
            out.append(
                f"{row.series_name}: the base in {row.period_label} ({row.base_text}) is too small to show a figure."
            )
            continue
        text = f"{row.series_name}: {row.pct:.1f}% in {row.period_label} (base {row.base_text})."
        if row.change_year == NOT_COMPARABLE:
            text += f" On a year before: {row.words_year}."
        elif np.isfinite(row.diff_year):
            verdict = {
                "improved": "a significant rise",
                "declined": "a significant fall",
                "no significant change": "not a significant change",
            }.get(row.change_year, row.change_year)
            text += f" On a year before: {row.diff_year:+.1f} points, {verdict} ({format_p(row.p_year)})."
        if funnel_at is not None and row.series_id in funnel_at.index:
            f = funnel_at.loc[row.series_id]
            where = {
                "within limits": "within the funnel's limits, so no different from the force beyond chance",
                "above 95% limit": "above the force beyond the 95% limit",
                "above 99.8% limit": "above the force beyond the 99.8% limit",
                "below 95% limit": "below the force beyond the 95% limit",
                "below 99.8% limit": "below the force beyond the 99.8% limit",
            }.get(f["position"], "not compared")
            text += f" Against the force ({f['force_pct']:.1f}%): {where}."
        if row.base_status == "low base":
            text += " Low base: read with care."
        out.append(text)
    return out
