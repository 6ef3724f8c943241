"""Independent pandas reference implementations used by the differential tests."""

from datetime import date

import numpy as np
import pandas as pd

from analytics.stats import SuppressionRule

Z = 1.959963984540054  # two-sided 95% normal quantile


def reference(
    raw,
    qid,
    q_from,
    q_to,
    by=(),
    districts=None,
    rule: SuppressionRule | None = None,
    exclude_dont_know=None,
    per_quarter=True,
) -> pd.DataFrame:
    """pandas reference: weighted % positive, bases, Wilson interval, suppression (per quarter, or pooled)."""
    rule = rule or SuppressionRule()
    r = raw("survey_responses")
    q = raw("survey_questions").set_index("question_id").loc[qid]
    r = r[r["question_id"] == qid]
    if exclude_dont_know if exclude_dont_know is not None else bool(q.get("exclude_dont_know", False)):
        r = r[r["answer"] != "Don't know"]
    r["quarter_start"] = pd.to_datetime(r["interview_date"]).dt.to_period("Q").dt.start_time.dt.date
    r = r[(r["quarter_start"] >= q_from) & (r["quarter_start"] <= q_to)]
    if districts is not None:
        r = r[r["district_id"].isin(districts)]
    r["wpos"] = r["weight"] * r["answer"].isin(list(q["positive_answers"]))
    r["w2"] = r["weight"] ** 2
    g = r.groupby(["quarter_start", *by] if per_quarter else list(by)).agg(
        n=("weight", "size"), sw=("weight", "sum"), sw2=("w2", "sum"), swp=("wpos", "sum")
    )
    g["p"] = g["swp"] / g["sw"]
    g["neff"] = g["sw"] ** 2 / g["sw2"]
    centre = (g["p"] + Z**2 / (2 * g["neff"])) / (1 + Z**2 / g["neff"])
    half = Z / (1 + Z**2 / g["neff"]) * np.sqrt(g["p"] * (1 - g["p"]) / g["neff"] + Z**2 / (4 * g["neff"] ** 2))
    g["lo"], g["hi"] = 100 * (centre - half), 100 * (centre + half)
    g["pct"] = 100 * g["p"]
    # Hidden on the smaller of the unweighted and the effective base.
    hidden = np.minimum(g["n"], g["neff"]) < rule.hide_below
    g.loc[hidden, ["pct", "lo", "hi"]] = np.nan
    return g.reset_index()


def pooled_z_test(p1, n1, p2, n2):
    """Two-proportion pooled z-test by formula: (z, two-sided p)."""
    from math import erf, sqrt

    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (p1 - p2) / se
    return z, 2 * (1 - 0.5 * (1 + erf(abs(z) / sqrt(2))))


def spans_method_change(raw, then: date, now: date) -> bool:
    """True when a force-wide survey method change (an annotation) starts after quarter ``then`` and by
    quarter ``now``: the comparison is not comparable (worked out here from the raw table)."""
    notes = raw("annotations")
    starts = pd.to_datetime(notes.loc[notes["kind"] == "method change", "start_date"]).dt.to_period("Q-MAR")
    first = [s.start_time.date() for s in starts]
    return any(then < s <= now for s in first)
