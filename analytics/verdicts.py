"""Verdicts, decided once: the codes the statistics return, the words every page, table, sentence and
slide shows for them, the rule for "is this district different from the force", and survey series
breaks (no change that spans a survey method change is tested, coloured or called significant), the words
for a plan line's delivery, and the one way to write a 95% interval.

No Streamlit here; ``stats`` computes, this module names and explains.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics.periods import quarter_label, quarter_start

# --- codes (kept in frames; colours and rules key on them) ---------------------------------------
IMPROVED, DECLINED, NO_CHANGE = "improved", "declined", "no significant change"
NOT_COMPARED = "not compared"  # one side is missing or hidden
NOT_COMPARABLE = "not comparable"  # a survey method change lies between the two periods
BETTER, SIMILAR, WORSE = "better", "similar", "worse"
OK, FLAGGED, HIDDEN = "ok", "low base", "suppressed"
SIGNIFICANT = (IMPROVED, DECLINED, BETTER, WORSE)

# --- words -----------------------------------------------------------------------------------------
CHANGE_WORDS = {
    IMPROVED: "▲ significant improvement",
    DECLINED: "▼ significant decline",
    NO_CHANGE: "no significant change",
    NOT_COMPARED: "no comparison available",
    NOT_COMPARABLE: "not comparable",
}
SYMBOLS = {BETTER: "▲", IMPROVED: "▲", WORSE: "▼", DECLINED: "▼"}
BASE_NOTES = {FLAGGED: "⚠ low base: read with care", HIDDEN: "base too small: not shown", OK: ""}
FLAG_MARK = "⚠"  # beside a flagged (low-base) value wherever it is shown
HIDDEN_VALUE = "base too small"  # in place of a hidden value

# The one rule for "is this district different from the force", stated on the pages and in the pack.
DISTRICT_RULE = (
    "A district is better or worse than the force when the force's value lies outside the district's 95% "
    "Wilson interval (on its effective base). This is the same test as a point outside the funnel plot's 95% "
    "limits, so the scorecard, the district map, the funnel and the panel's questions always agree."
)
BREAK_RULE = (
    "Changes that span a survey method change are not tested: they are not comparable (the Crime Survey's convention)."
)


# Above this design effect (n / effective base) both bases are shown.
DESIGN_EFFECT_SHOWN = 1.5


def base_text(n: float, n_eff: float, status: str, hide_below: int) -> str:
    """The base as every page shows it: ``1,927``; ``n 1,927, effective 9`` where weighting shrinks it a lot;
    ``under 50`` where the value is hidden (never the exact base of a hidden value)."""
    if n != n or n <= 0:  # NaN or nothing
        return "no answers"
    if status == HIDDEN:
        return f"under {hide_below}" if n < hide_below else f"n {n:,.0f}, effective under {hide_below}"
    if n_eff == n_eff and n_eff > 0 and n / n_eff > DESIGN_EFFECT_SHOWN:
        return f"n {n:,.0f}, effective {n_eff:,.0f}"
    return f"{n:,.0f}"


def base_texts(n, n_eff, status, hide_below: int) -> list[str]:
    """``base_text`` for each row."""
    return [base_text(float(a), float(b), str(c), hide_below) for a, b, c in zip(n, n_eff, status, strict=True)]


def not_comparable_text(change_quarter: date) -> str:
    """``not comparable: the survey method changed in Q1 2020/21``."""
    return f"not comparable: the survey method changed in {quarter_label(change_quarter)}"


def change_text(code: str, break_quarter: date | None = None) -> str:
    """The words for a change verdict; a series break names its quarter."""
    if code == NOT_COMPARABLE and break_quarter is not None:
        return not_comparable_text(break_quarter)
    return CHANGE_WORDS.get(code, code)


@dataclass(frozen=True)
class SeriesBreaks:
    """Survey method changes: the quarter each new method starts, and the district it applies to
    (None: the whole force)."""

    changes: tuple[tuple[date, str | None], ...] = ()

    @classmethod
    def from_annotations(cls, notes: pd.DataFrame) -> SeriesBreaks:
        """From the ``annotations`` table (rows of kind "method change")."""
        rows = notes[notes["kind"] == "method change"] if len(notes) else notes
        found = {
            (quarter_start(pd.Timestamp(r.start_date).date()), None if pd.isna(r.district_id) else str(r.district_id))
            for r in rows.itertuples(index=False)
        }
        return cls(tuple(sorted(found, key=lambda c: (c[0], c[1] or ""))))

    def between(self, then: date, now: date, district_id: str | None = None) -> date | None:
        """The first method change after quarter ``then`` up to and including quarter ``now`` that applies to
        the series: a district's own changes and the force's; for the force (``None``) every change."""
        lo, hi = sorted((quarter_start(then), quarter_start(now)))
        for start, where in self.changes:
            if lo < start <= hi and (where is None or district_id is None or where == district_id):
                return start
        return None

    def between_each(
        self, thens: Iterable[date], nows: Iterable[date], district_ids: Iterable[str | None]
    ) -> list[date | None]:
        """``between`` for each row (missing quarters give None)."""
        return [
            self.between(t, n, d) if not (pd.isna(t) or pd.isna(n)) else None
            for t, n, d in zip(thens, nows, district_ids, strict=True)
        ]


# --- intervals: the one way every table, tooltip, note and question writes a 95% interval ---------
def interval_words(lo, hi, short: bool = False) -> str:
    """``55.1% to 69.2%`` (in a sentence or tooltip), or ``55.1–69.2`` when ``short`` (a table column headed
    "95% CI", narrow enough for a slide); where the interval is hidden or missing, empty in words and an en dash
    in a table (as the value beside it)."""
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi) or not (math.isfinite(lo) and math.isfinite(hi)):
        return "–" if short else ""
    return f"{lo:.1f}–{hi:.1f}" if short else f"{lo:.1f}% to {hi:.1f}%"


def interval_text(lo: Iterable, hi: Iterable, short: bool = False) -> list[str]:
    """``interval_words`` per row."""
    return [interval_words(a, b, short) for a, b in zip(lo, hi, strict=True)]


# --- delivery of a District Engagement Plan line (analytics.plans) -------------------------------
DELIVERED, PART_DELIVERED, NOT_DELIVERED, OVER_DELIVERED = (
    "delivered",
    "part delivered",
    "not delivered",
    "over-delivered",
)
DELIVERY_CODES = (NOT_DELIVERED, PART_DELIVERED, DELIVERED, OVER_DELIVERED)
# A symbol beside each word, so colour is never the only signal (characters the pack may draw: pack_style._EXTRA).
DELIVERY_WORDS = {
    NOT_DELIVERED: "○ not delivered",
    PART_DELIVERED: "●○ part delivered",
    DELIVERED: "● delivered",
    OVER_DELIVERED: "●+ over-delivered",
}
SHORT_OF_PLAN = (NOT_DELIVERED, PART_DELIVERED)  # the lines coloured (orange) and asked about
DELIVERY_RULE = (
    "A line is delivered when what was done equals what was planned, over-delivered above it, part delivered "
    "when some but not all was done, and not delivered when none was. The share of a plan delivered counts each "
    "line up to what it planned (doing more of one thing does not make up for another)."
)


def delivery_verdict(planned: int, delivered: int) -> str:
    """The delivery code for a plan line (see DELIVERY_RULE)."""
    if delivered <= 0:
        return NOT_DELIVERED
    if delivered < planned:
        return PART_DELIVERED
    return DELIVERED if delivered == planned else OVER_DELIVERED
