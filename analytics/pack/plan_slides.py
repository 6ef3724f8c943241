"""The meeting pack's District Engagement Plan slides: the reviewed quarter's plan against delivery with last
quarter's beside it, and the plan for the quarter ahead; the plan's questions join the pack's questions."""

from __future__ import annotations

import pandas as pd

from analytics.pack.content import PackSection, PackTable
from analytics.periods import quarter_label
from analytics.plans import delivery, review
from analytics.verdicts import DELIVERY_RULE, SHORT_OF_PLAN

PLAN_TITLE, FORCE_TITLE, AHEAD_TITLE = "Engagement plan", "Plans across the force", "Plan ahead"
SHORT = "short of plan"  # the fill of a line short of plan (pack_style.VERDICT_FILLS)
AHEAD_COLUMNS = ["Strand", "What", "Audience", "How many", "Owner"]


def plan_sections(plan: review.PlanReview, name: str, names: dict[str, str]) -> list[PackSection]:
    """The three slides for ``name``'s plan review (``names``: every district's name by id)."""
    q, last = quarter_label(plan.quarter), quarter_label(plan.previous_quarter)
    if plan.lines.empty and plan.previous.empty:
        first = PackSection(
            PLAN_TITLE,
            f"{name}'s District Engagement Plan for {q} against what was delivered.",
            "bullets",
            [f"No District Engagement Plan is stored for {name} for {q} or {last}."],
            notes=f"{delivery.MATCH_RULE} {DELIVERY_RULE}",
        )
    else:
        shown, codes = review.review_table(plan)
        shown = shown.drop(columns=[review.OWNER])
        short = codes.isin(SHORT_OF_PLAN)
        fills = pd.DataFrame({c: short.map({True: SHORT, False: None}) for c in shown.columns})
        first = PackSection(
            PLAN_TITLE,
            f"{q}: {review.strand_shares(plan.lines)}. Prev.: {last}, {review.strand_shares(plan.previous)}.",
            "table",
            PackTable(
                shown.reset_index(drop=True),
                fills.reset_index(drop=True),
                [(SHORT, "○ not delivered or ●○ part delivered: short of plan")] if short.any() else [],
            ),
            notes=_notes(plan, name),
        )
    return [first, _force_section(plan, names), _ahead_section(plan, name)]


def _force_section(plan: review.PlanReview, names: dict[str, str]) -> PackSection:
    """Every district's delivery of its plan for the reviewed quarter."""
    q = quarter_label(plan.quarter)
    shown = review.force_table(plan, names).astype(str).reset_index(drop=True)
    share = delivery.force_share(plan.force)
    together = f"{share:.0%} of the plans delivered together" if share == share else "no district has a plan"
    return PackSection(
        FORCE_TITLE,
        f"Each district's plan for {q}: the share delivered, overall and by strand; {together}.",
        "table",
        PackTable(shown),
        notes=f"About these numbers. {delivery.MATCH_RULE} {DELIVERY_RULE} A blank strand: the plan has no line "
        "in it. Cancelled events are counted apart and never as delivered.",
    )


def _notes(plan: review.PlanReview, name: str) -> str:
    lines = [
        f"About these numbers. {delivery.MATCH_RULE} {DELIVERY_RULE} Prev. is the same line in last quarter's plan "
        f"({quarter_label(plan.previous_quarter)}).",
        f"Across the force, {delivery.force_share(plan.force):.0%} of the plans for {quarter_label(plan.quarter)} "
        "were delivered."
        if plan.force["planned"].sum()
        else "No district has a plan for the quarter.",
    ]
    for r in plan.lines.itertuples(index=False):
        audience = r.audience_group if isinstance(r.audience_group, str) else "any audience"
        lines.append(
            f"Line {r.line}: {r.strand}, {r.what} ({audience}), owner {r.owner}: planned {r.how_many}, delivered "
            f"{r.delivered} {delivery.UNITS.get(r.what, '')}, cancelled {r.cancelled}; {r.verdict}."
        )
    return "\n".join(lines)


def _ahead_section(plan: review.PlanReview, name: str) -> PackSection:
    """The latest stored plan after the reviewed quarter (the quarter after the meeting's, where there is one)."""
    if not plan.ahead:
        return PackSection(
            AHEAD_TITLE,
            f"What {name} promises next.",
            "bullets",
            [f"No plan is stored for {name} after {quarter_label(plan.quarter)} yet."],
        )
    quarter = max(plan.ahead)
    lines = plan.ahead[quarter]
    shown = review.ahead_table(lines)[AHEAD_COLUMNS].astype(str).reset_index(drop=True)
    return PackSection(
        AHEAD_TITLE,
        f"What {name} promises for {quarter_label(quarter)}: {len(lines)} lines, {int(lines['how_many'].sum())} "
        "commitments.",
        "table",
        PackTable(shown),
        notes="\n".join(
            f"Line {r.line}: {r.note}" for r in lines.itertuples(index=False) if isinstance(r.note, str) and r.note
        ),
    )
