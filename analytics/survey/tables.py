"""Display tables behind each chart: readable columns, rounded, suppressed values blank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.charts.common import fmt_pct
from analytics.verdicts import (
    BASE_NOTES,
    interval_text,
)

_NOTES = BASE_NOTES


def _r(values, digits: int = 1):
    return np.round(pd.to_numeric(values, errors="coerce").astype(float), digits)


def trend_table(trends: pd.DataFrame, benchmark: pd.DataFrame) -> pd.DataFrame:
    """The trend chart's numbers: one row per series and period."""
    out = pd.DataFrame(
        {
            "Series": trends["series_name"],
            "Period": trends["period_label"],
            "%": _r(trends["pct"]),
            "95% low": _r(trends["ci_low"]),
            "95% high": _r(trends["ci_high"]),
            "Base (n)": trends["base_text"],
            "Against a year before": trends["words_year"],
            "p (year)": _r(trends["p_year"], 4),
            "Against the previous period": trends["words_quarter"],
            "p (previous)": _r(trends["p_quarter"], 4),
            "Note": trends["base_status"].map(_NOTES).fillna(""),
        }
    )
    if len(benchmark):
        msg = pd.DataFrame(
            {
                "Series": "Most Similar Group",
                "Period": benchmark["period_label"],
                "%": _r(benchmark["value_pct"]),
                "Note": "Source: " + benchmark["source"].astype(str),
            }
        )
        out = pd.concat([out, msg], ignore_index=True)
    return out


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """The district comparison as a display table (suppressed values already blank)."""
    return pd.DataFrame(
        {
            "District": comparison["name"],
            "%": [fmt_pct(p, 1) for p in comparison["pct"]],
            "95% CI": interval_text(comparison["ci_low"], comparison["ci_high"], short=True),
            "n": comparison["base_text"],
            "vs force": [
                c if s != "low base" else f"{c} ⚠"
                for c, s in zip(
                    comparison["comparison"].str.replace(" (base under threshold)", ""),
                    comparison["base_status"],
                    strict=True,
                )
            ],
        }
    )


def distribution_table(dist: pd.DataFrame) -> pd.DataFrame:
    """Share of every answer per period."""
    if dist.empty:
        return pd.DataFrame(columns=["Period", "Base (n)"])
    wide = dist.pivot_table(index=["quarter_start", "period_label", "n"], columns="answer", values="share")
    order = list(dist.sort_values("answer_order")["answer"].unique())
    wide = wide[order].round(1).reset_index().drop(columns="quarter_start")
    wide.columns.name = None
    return wide.rename(columns={"period_label": "Period", "n": "Base (n)"})


def funnel_table(points: pd.DataFrame) -> pd.DataFrame:
    """Each district in the funnel, ranked."""
    out = pd.DataFrame(
        {
            "District": points["series_name"],
            "%": _r(points["pct"]),
            "95% low": _r(points["ci_low"]),
            "95% high": _r(points["ci_high"]),
            "Base (n)": points["base_text"],
            "Force %": _r(points["force_pct"]),
            "Position in the funnel": points["position"],
            "Note": points["base_status"].map(_NOTES).fillna(""),
        }
    )
    return out.sort_values("%", ascending=False, na_position="last").reset_index(drop=True)


def breakdown_table(breakdown: pd.DataFrame) -> pd.DataFrame:
    """The measure per demographic group."""
    return pd.DataFrame(
        {
            "Group": breakdown["category"],
            "%": _r(breakdown["pct"]),
            "95% low": _r(breakdown["ci_low"]),
            "95% high": _r(breakdown["ci_high"]),
            "Base (n)": breakdown["base_text"],
            "Note": breakdown["base_status"].map(_NOTES).fillna(""),
        }
    )
