"""What the What works page and slide say, decided once: verdict codes, their words and the caveats."""

from __future__ import annotations

import math

from analytics.stats import format_p

# --- codes ------------------------------------------------------------------------------------------
HIGHER, LOWER, NO_EVIDENCE, NOT_ESTIMATED = "higher", "lower", "no evidence", "not estimated"
CHECK_PASSED, CHECK_FAILED = "check passed", "check failed"
ALPHA = 0.05

# --- words --------------------------------------------------------------------------------------------
ASSOCIATION = "association, not proof of cause"
CAVEAT = (
    "Districts choose where and when to engage, often where "
    "confidence is already moving, and the fixed effects remove only what is fixed in a district or shared by "
    "the whole force in a quarter."
)
STRONGER = (
    "What would make it stronger: a planned roll-out. Start an activity in some districts a quarter or two "
    "before others, in an order fixed in advance (by lot, ideally), and compare the districts quarter by quarter."
)
METHOD_NOTE = (
    "Each district's result in a quarter against its engagement in the quarter before, within districts over "
    "time: district and quarter effects remove fixed differences between districts and force-wide shocks "
    "(COVID-19, a survey method change). District-quarters are weighted by their effective base. With few "
    "districts, conventional errors are unreliable, so the 95% interval and p-value come from a wild cluster "
    "bootstrap by district; p-values are adjusted (Holm) across the exposures shown. The smallest detectable "
    "effect is the size the data would find four times in five (80% power, 5% two-sided)."
)
CHECK_NOTE = (
    "Falsification check: next quarter's engagement against this quarter's result, holding the quarter "
    "before's engagement fixed. Engagement cannot have caused a result before it happened, so an association "
    "here means something else moves both (a district engaging more where results were already rising). The "
    "checks are not adjusted for being several: one that fails by chance, about one time in twenty, is the safer "
    "mistake."
)
LAG2_NOTE = "Two quarters before: the same estimate with the engagement two quarters before the result."


def points(value: float) -> str:
    """A value in percentage points, signed."""
    return "–" if value is None or math.isnan(value) else f"{value:+.2f}"


def interval(low: float, high: float) -> str:
    """A 95% interval in points."""
    return f"{points(low)} to {points(high)}"


def verdict(coef: float, p_adjusted: float) -> str:
    """The code for an estimate given its adjusted p-value."""
    if p_adjusted != p_adjusted:
        return NOT_ESTIMATED
    if p_adjusted >= ALPHA:
        return NO_EVIDENCE
    return HIGHER if coef > 0 else LOWER


def verdict_text(code: str, measure: str, exposure: str, p_adjusted: float, mde: float) -> str:
    """One sentence for a verdict."""
    if code == NOT_ESTIMATED:
        return "Not estimated."
    if code == NO_EVIDENCE:
        return (
            f"No evidence of an association ({format_p(p_adjusted)}, Holm-adjusted). Not evidence of no effect: "
            f"effects smaller than about {mde:.2f} points either way could not have been detected."
        )
    direction = "higher" if code == HIGHER else "lower"
    return (
        f"Evidence of an association: {measure} was {direction} the quarter after more {exposure.lower()} "
        f"({format_p(p_adjusted)}, Holm-adjusted). An {ASSOCIATION}."
    )


def check(p_value: float) -> str:
    """The falsification check's code."""
    if p_value != p_value:
        return NOT_ESTIMATED
    return CHECK_FAILED if p_value < ALPHA else CHECK_PASSED


CHECK_WORDS = {
    CHECK_PASSED: "passed: next quarter's engagement shows no association",
    CHECK_FAILED: "FAILED: next quarter's engagement is associated too; read the estimate with suspicion",
    NOT_ESTIMATED: "not estimated",
}
VERDICT_WORDS = {
    HIGHER: "▲ higher after more",
    LOWER: "▼ lower after more",
    NO_EVIDENCE: "no evidence",
    NOT_ESTIMATED: "not estimated",
}
