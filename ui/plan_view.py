"""The Star Chamber's District Engagement Plan section: the presenting district's plan for the reviewed quarter
against delivery, last quarter's beside it, the plans ahead, and every district's delivery."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.contract.vocabulary import STRANDS
from analytics.periods import quarter_label
from analytics.plans import delivery, review
from analytics.verdicts import DELIVERY_RULE, SHORT_OF_PLAN
from ui import escape, page, presenter, table_view

_SHORT_STYLE = "background-color: #fde2cc; color: #1b1b1b"
PRESENTER_SCALE = 1.3


def _styled(shown: pd.DataFrame, codes: pd.Series):
    """Lines short of plan shaded; their Result says so in words and a symbol too."""
    short = codes.isin(SHORT_OF_PLAN).to_numpy()
    return shown.style.apply(lambda _: [_SHORT_STYLE if short[i] else "" for i in range(len(shown))], axis=0)


def show(plan: review.PlanReview, names: dict[str, str], key: str) -> None:
    """Draw the section (the page's header is drawn by the caller)."""
    name = names.get(plan.district_id, plan.district_id)
    q, last = quarter_label(plan.quarter), quarter_label(plan.previous_quarter)
    # Each part whose length depends on the district in a place of its own.
    with page.varying():
        if plan.lines.empty and plan.previous.empty:
            st.info(f"{escape.md_escape(name)} has no District Engagement Plan for {q} or {last}.")
        else:
            st.markdown(
                f"**{escape.md_escape(name)}'s plan for {q}**: {review.strand_shares(plan.lines)}. "
                f"Last quarter ({last}): {review.strand_shares(plan.previous)}."
            )
            shown, codes = review.review_table(plan)
            # Widths (px) that fit every column but the owner beside the sidebar on a 1440 px screen.
            widths = {"Strand": 55, "What": 165, "Audience": 95, "Result": 120, "Prev. result": 120}
            counts = dict(zip(review.COUNT_COLUMNS, (64, 72, 76, 98, 108), strict=True))
            # Presenter mode's larger type, on a screen without the sidebar: wider columns.
            scale = PRESENTER_SCALE if presenter.is_on() else 1
            config = {c: {"width": round(w * scale)} for c, w in widths.items()}
            config |= {c: {"alignment": "right", "width": round(w * scale)} for c, w in counts.items()}
            # Every line in view: a plan is a dozen lines or so, and a panel reads them all.
            table_view.show(_styled(shown, codes), column_config=config, height="content")
            st.caption(f"Prev.: the same line in last quarter's plan ({last}).")
            table_view.download_csv(shown, f"plan_{plan.district_id}_{plan.quarter:%Y-%m}.csv", key=f"dl_plan_{key}")
            with st.expander("How planned is matched with delivered"):
                st.markdown(escape.md_escape(delivery.MATCH_RULE))
                st.markdown(escape.md_escape(DELIVERY_RULE))
                st.markdown(
                    "Lines short of plan are shaded; the Result column says the same in words and a symbol "
                    "(○ not delivered, ●○ part delivered, ● delivered, ●+ over-delivered), so colour is never the only "
                    "signal."
                )
    with page.varying():  # as many quarters ahead as the plan holds
        for quarter, lines in plan.ahead.items():
            st.markdown(f"**Promised for {quarter_label(quarter)}** ({len(lines)} lines)")
            table_view.show(review.ahead_table(lines))
        if not plan.ahead:
            st.caption(f"No plan has been stored for {escape.md_escape(name)} after {q} yet.")

    st.markdown(f"**Every district's delivery of its plan for {q}**")
    shares = ["Delivered", *STRANDS]
    table_view.show(review.force_table(plan, names), column_config={c: {"alignment": "right"} for c in shares})
    st.caption(
        "The share of each district's plan delivered, overall and by strand (each line counted up to what it "
        "planned; blank where a plan has no line in that strand); lines short of plan; and events cancelled (not "
        "counted as delivered)."
    )
