"""Checks an imported plan's rows must pass beyond each column's own (run by the importer's ``check_meaning``):
a Tell channel belongs on a Tell line, and a quarter's plan promises each thing for each audience once (two lines
for the same events would count them twice)."""

from __future__ import annotations

import pandas as pd

from analytics.contract.vocabulary import TELL_CHANNELS


class _Row:
    """One checked row's values by name (its file row as ``row``)."""

    def __init__(self, _row: int, **values) -> None:
        self.row = _row
        self.__dict__.update(values)


def plan_problems(frame: pd.DataFrame, labels: dict[str, str], problem) -> list:
    """Problems (built with ``problem(row, column, value, message)``) in the plan rows of ``frame``."""
    out = []
    seen: dict[tuple, int] = {}
    for rec in frame.to_dict("records"):
        r = _Row(**rec)
        if r.what in TELL_CHANNELS and r.strand is not None and r.strand != "Tell":
            out.append(
                problem(r.row, labels["strand"], str(r.strand), f"{r.what} is a Tell channel: its strand is Tell")
            )
        audience = r.audience_group if isinstance(r.audience_group, str) else ""
        key = (r.district_id, r.quarter_start, r.what, audience)
        if None in key[:3] or any(pd.isna(k) for k in key[:3]):
            continue
        if key in seen and seen[key][1] != r.line:
            out.append(
                problem(
                    r.row,
                    labels["what"],
                    str(r.what),
                    f"row {seen[key][0]} already plans {r.what} for {audience or 'any audience'} in this quarter: "
                    "put them on one line",
                )
            )
        else:
            seen.setdefault(key, (r.row, r.line))
    return out
