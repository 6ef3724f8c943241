"""Display widgets: the measure tile, and the colours of verdict and overdue cells (always with words beside)."""

from __future__ import annotations

import math

import streamlit as st

from analytics.stats import format_p
from analytics.verdicts import CHANGE_WORDS, NOT_COMPARABLE, interval_words
from ui.escape import md_escape
from ui.text import pct, points

_NO_COMPARISON = {
    "no data": "no answers a year before",
    "suppressed": "the base a year before is too small",
}


def measure_tile(container, row) -> None:
    """One Overview tile: value, base, interval and change against a year before.

    The delta is coloured (blue better, orange worse: colour-blind safe) and carries
    an arrow only when the change is significant; otherwise it is grey with no arrow.
    """
    with container.container(border=True):
        st.markdown(f"**{md_escape(row.short_label)}**")
        if row.base_status in ("suppressed", "no data"):
            st.metric(md_escape(row.short_label), "–", label_visibility="collapsed")
            st.caption(
                f"Base too small to show (base {row.base_text})."
                if row.base_status == "suppressed"
                else "No answers in this quarter."
            )
            return
        colour = {"improved": "blue", "declined": "orange"}.get(row.change, "gray")
        has_change = math.isfinite(row.change_pts)
        st.metric(
            md_escape(row.short_label),
            pct(row.pct),
            delta=points(row.change_pts) if has_change else None,
            delta_color=colour,
            delta_arrow="auto" if colour != "gray" else "off",
            label_visibility="collapsed",
        )
        if row.change == NOT_COMPARABLE:
            verdict = row.change_words
        elif has_change:
            verdict = f"{CHANGE_WORDS.get(row.change, row.change)} ({format_p(row.p_value)})"
        else:
            verdict = f"no comparison: {_NO_COMPARISON.get(row.prev_base_status, 'not available')}"
        before = f" ({pct(row.prev_pct)})" if has_change else ""
        st.caption(f"Against {row.prev_quarter_label}{before}: {verdict}")
        flag = " · ⚠ low base" if row.base_status == "low base" else ""
        if row.incomplete_note:
            st.caption(f"⚠ {row.incomplete_note}")
        st.caption(f"Base {row.base_text} · 95% interval {interval_words(row.ci_low, row.ci_high)}{flag}")


_VERDICT_COLOURS = {
    "better": "background-color: #d6e6f5; color: #1b1b1b",
    "improved": "background-color: #d6e6f5; color: #1b1b1b",
    "exceeds expectations": "background-color: #d6e6f5; color: #1b1b1b",
    "worse": "background-color: #fde2cc; color: #1b1b1b",
    "declined": "background-color: #fde2cc; color: #1b1b1b",
    "below expectations": "background-color: #fde2cc; color: #1b1b1b",
}


def verdict_style(shown, verdicts):
    """A Styler colouring cells blue (better) or orange (worse) only where the verdict is significant."""
    return shown.style.apply(lambda _: verdicts.map(lambda v: _VERDICT_COLOURS.get(v, "")).to_numpy(), axis=None)


_OVERDUE_STYLE = "background-color: #fde2cc; color: #1b1b1b; font-weight: bold"


def overdue_style(table):
    """A Styler that makes overdue actions stand out (their status also says OVERDUE)."""
    return table.style.apply(
        lambda row: [_OVERDUE_STYLE if str(row["Status"]).startswith("OVERDUE") else "" for _ in row],
        axis=1,
    )
