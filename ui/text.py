"""Words shown beside numbers: points, percentages and the 'about these numbers' texts."""

from __future__ import annotations

import math

import streamlit as st

from analytics.charts.common import fmt_pct
from ui.escape import md_escape

pct = fmt_pct  # one formatter for pages and charts


def points(value: float) -> str:
    """``+1.2 pts``; empty when missing."""
    return "" if value is None or not math.isfinite(value) else f"{value:+.1f} pts"


def _base_rule(question) -> str:
    return (
        '"Don\'t know" is left out of the base'
        if bool(question.get("exclude_dont_know", False))
        else '"Don\'t know" counts in the base'
    )


def about_measures(tiles, rule, questions=None) -> None:
    """'About these numbers': wording, bases and the tests used."""
    with st.expander("About these numbers"):
        st.markdown(
            f"- A percentage is the **weighted** share of positive answers among all answers, "
            '"Don\'t know" included.\n'
            "- The **base** is the unweighted number of answers; intervals are 95% Wilson intervals on the "
            "effective base (sum of weights)² / sum of squared weights.\n"
            f"- **Change** against the same quarter a year before uses a {tiles['test'].iloc[0]}; "
            'overlapping intervals do not prove "no change".\n'
            f"- Bases under **{rule.hide_below}** are never shown; bases under **{rule.flag_below}** are flagged.\n"
            "- Districts are coloured only when their 95% interval excludes the force value."
        )
        rules = questions.set_index("question_id") if questions is not None else None
        for row in tiles.itertuples(index=False):
            base = f" {md_escape(f'({_base_rule(rules.loc[row.question_id])})')}" if rules is not None else ""
            st.markdown(f"**{md_escape(row.short_label)}**: {md_escape(row.wording)}{base}")


def about_text(question, base: str, method: str) -> str:
    """Markdown note: the question's wording, the base and the method (data escaped)."""
    return (
        f"**Question:** {md_escape(question['wording'])}  \n"
        f"**Counts as positive:** {md_escape(', '.join(question['positive_answers']))}; "
        f"{md_escape(_base_rule(question))}  \n"
        f"**Base:** {md_escape(base)}  \n"
        f"**Method:** {md_escape(method)}"
    )
