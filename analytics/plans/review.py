"""The Star Chamber's review of a district's District Engagement Plan: the reviewed quarter's lines against
delivery with last quarter's beside them, the plans ahead, every district's delivery, and questions for the panel.

No Streamlit here; ``ui.plan_view`` shows it, ``analytics.pack.meeting_pack`` puts it in the pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics.contract.vocabulary import STRANDS, TELL_CHANNELS, YOU_SAID_WE_DID
from analytics.periods import add_quarters, quarter_label
from analytics.plans import delivery
from analytics.storage.db import Database
from analytics.verdicts import DELIVERY_WORDS, SHORT_OF_PLAN

AHEAD = 2  # plans shown after the reviewed quarter: the quarter of the meeting and the one after
MAX_LINE_QUESTIONS = 3
# Below this share of its plan delivered, the panel is asked about the plan as a whole.
WHOLE_PLAN_QUESTION_BELOW = 0.8
_NUMBER_WORDS = "no one two three four five six seven eight nine ten eleven twelve".split()
_PLURALS = {
    "Coffee with a Cop": "Coffee with a Cop sessions",
    "Stroll with a Patrol": "Strolls with a Patrol",
    "Independent Advisory Group": "Independent Advisory Group meetings",
}
REVIEW_COLUMNS = ["Strand", "What", "Audience", "Planned", "Delivered", "Cancelled", "Result"]
LAST_COLUMNS = ["Prev. planned", "Prev. delivered", "Prev. result"]  # last quarter's line
OWNER = "Owner"
COUNT_COLUMNS = ["Planned", "Delivered", "Cancelled", "Prev. planned", "Prev. delivered"]
NOT_IN_PLAN = "–"


@dataclass(frozen=True)
class PlanReview:
    """One district's plan as the Star Chamber reviews it."""

    district_id: str
    quarter: date  # the reviewed quarter
    lines: pd.DataFrame  # its plan lines with delivery (analytics.plans.delivery.LINE_COLUMNS)
    previous: pd.DataFrame  # the quarter before's
    ahead: dict[date, pd.DataFrame]  # plans for the quarters after (those stored)
    force: pd.DataFrame  # every district's delivery of its plan for the reviewed quarter

    @property
    def previous_quarter(self) -> date:
        return add_quarters(self.quarter, -1)


def plan_review(db: Database, district_id: str, quarter: date, district_ids: list[str]) -> PlanReview:
    """The review of ``district_id``'s plan for ``quarter`` (every district in ``district_ids`` for the force)."""
    quarters = reviewed_quarters(quarter)
    later = quarters[2:]
    if district_id in district_ids:  # its lines are among the force's, read once for every district presenting
        every = force_lines(db, quarters, district_ids)
        mine = every[every["district_id"] == district_id]
    else:
        mine = delivery.line_delivery(db, [(district_id, q) for q in quarters])
    by_q = {q: mine[mine["quarter_start"] == q].reset_index(drop=True) for q in quarters}
    return PlanReview(
        district_id,
        quarter,
        by_q[quarter],
        by_q[add_quarters(quarter, -1)],
        {q: by_q[q] for q in later if len(by_q[q])},
        force_review(db, quarter, district_ids),
    )


def reviewed_quarters(quarter: date) -> tuple[date, ...]:
    """The quarters a plan review reads: the quarter before ``quarter``, ``quarter``, and AHEAD after it."""
    return tuple(add_quarters(quarter, k) for k in range(-1, AHEAD + 1))


def force_lines(db: Database, quarters: tuple[date, ...], district_ids: list[str]) -> pd.DataFrame:
    """Every plan line of ``district_ids`` in ``quarters`` with its delivery (``delivery.line_delivery``), worked
    out once per data version: each district's lines are the same whoever else is asked for with it, so the
    panel moving from one presenting district to the next, and the reviews worked out ahead, read nothing more."""
    key = (__name__, "force_lines", quarters, tuple(district_ids))
    pairs = [(d, q) for d in dict.fromkeys(district_ids) for q in quarters]
    return db.remember(key, lambda: delivery.line_delivery(db, pairs))


def force_review(db: Database, quarter: date, district_ids: list[str]) -> pd.DataFrame:
    """Every district's delivery of its plan for ``quarter`` (as ``delivery.force_delivery`` gives it, from the
    lines ``force_lines`` read), worked out once per data version: the same whichever district is presenting."""
    key = (__name__, "force_review", quarter, tuple(district_ids))

    def work() -> pd.DataFrame:
        every = force_lines(db, reviewed_quarters(quarter), district_ids)
        return delivery.force_summary(every[every["quarter_start"] == quarter].reset_index(drop=True), district_ids)

    return db.remember(key, work)


def _key(frame: pd.DataFrame) -> list[tuple]:
    return list(zip(frame["strand"], frame["what"], frame["audience_group"].fillna(""), strict=True))


def review_table(review: PlanReview) -> tuple[pd.DataFrame, pd.Series]:
    """The reviewed quarter's lines (planned, delivered, cancelled, the result in words) with last quarter's
    matching line beside each (by strand, what and audience; last quarter's lines dropped since come last), and
    each row's delivery code for colouring (empty for a line only last quarter had)."""
    now, then = review.lines, review.previous
    then_by_key = dict(zip(_key(then), then.itertuples(index=False), strict=True))
    rows, codes = [], []
    for key, r in zip(_key(now), now.itertuples(index=False), strict=True):
        last = then_by_key.pop(key, None)
        rows.append([*_line_cells(r), *_last_cells(last), r.owner])
        codes.append(r.verdict)
    for last in then_by_key.values():
        audience = last.audience_group if isinstance(last.audience_group, str) else "any"
        rows.append([last.strand, last.what, audience, None, None, None, "not planned", *_last_cells(last), last.owner])
        codes.append("")
    shown = pd.DataFrame(rows, columns=[*REVIEW_COLUMNS, *LAST_COLUMNS, OWNER])
    # Counts as text, with a dash where the line was not in that quarter's plan (as the scorecard shows a
    # comparison it does not have); one type per column.
    for c in COUNT_COLUMNS:
        shown[c] = [NOT_IN_PLAN if v is None or pd.isna(v) else f"{int(v):,}" for v in shown[c]]
    return shown, pd.Series(codes, dtype=object)


def _line_cells(r) -> list:
    return [
        r.strand,
        r.what,
        r.audience_group if isinstance(r.audience_group, str) else "any",
        int(r.how_many),
        int(r.delivered),
        int(r.cancelled),
        DELIVERY_WORDS[r.verdict],
    ]


def _last_cells(last) -> list:
    if last is None:
        return [None, None, "not planned"]
    return [int(last.how_many), int(last.delivered), DELIVERY_WORDS[last.verdict]]


def ahead_table(lines: pd.DataFrame) -> pd.DataFrame:
    """A plan still to be delivered: what is promised, with events already booked (or held so far)."""
    return pd.DataFrame(
        {
            "Strand": lines["strand"],
            "What": lines["what"],
            "Audience": lines["audience_group"].fillna("any"),
            "How many": lines["how_many"].astype(int),
            "Owner": lines["owner"],
            "Booked or done so far": (lines["booked"] + lines["delivered"]).astype(int),
            "Note": lines["note"].fillna(""),
        }
    )


def strand_shares(lines: pd.DataFrame) -> str:
    """``78% delivered (Listen 80%, Act 100%, Tell 60%)``, or that there is no plan."""
    if lines.empty:
        return "no plan"
    summary = delivery.strand_summary(lines).set_index("strand")
    parts = [f"{s} {summary.loc[s, 'share']:.0%}" for s in STRANDS if s in summary.index]
    return f"{summary.loc['Overall', 'share']:.0%} delivered ({', '.join(parts)})"


def force_table(review: PlanReview, names: dict[str, str]) -> pd.DataFrame:
    """Every district's delivery of its plan for the reviewed quarter, the presenting district marked."""
    f = review.force.copy()

    def pct(v: float) -> str:
        return "" if pd.isna(v) else f"{v:.0%}"

    return pd.DataFrame(
        {
            "District": [
                f"{names.get(d, d)}{' (presenting)' if d == review.district_id else ''}" for d in f["district_id"]
            ],
            "Plan lines": f["lines"],
            "Delivered": [pct(v) if n else "no plan" for v, n in zip(f["share"], f["lines"], strict=True)],
            **{s: [pct(v) for v in f[s]] for s in STRANDS},
            "Lines short of plan": f["short"],
            "Cancelled events": f["cancelled"],
        }
    )


def number_word(n: int) -> str:
    """``six`` for 6 (up to twelve), digits above."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def _plural(what: str, n: int) -> str:
    return what if n == 1 else _PLURALS.get(what, f"{what}s")


def _line_question(name: str, quarter: str, r) -> str:
    audience = f" for {r.audience_group.lower()}" if isinstance(r.audience_group, str) else ""
    n, d, c = int(r.how_many), int(r.delivered), int(r.cancelled)
    if r.what == delivery.SOCIAL_POST:
        did = f"planned {number_word(n)} \u201c{YOU_SAID_WE_DID}\u201d posts and published {number_word(d)}"
    elif r.what in TELL_CHANNELS:
        did = f"planned to tell back {number_word(n)} concerns by {r.what.lower()} and told back {number_word(d)}"
    else:
        held = "none" if d == 0 else number_word(d)
        did = f"planned {number_word(n)} {_plural(r.what, n)}{audience} and held {held}"
    cancelled = f"; {number_word(c)} {'was' if c == 1 else 'were'} cancelled" if c else ""
    return f"{name} {did} in {quarter}{cancelled}. What happened?"


def plan_questions(review: PlanReview, name: str) -> list[tuple[str, str]]:
    """Questions for the panel from the reviewed quarter's plan, each with the numbers behind it: the lines
    furthest short of plan, and the plan as a whole when much of it was not delivered."""
    lines = review.lines
    if lines.empty:
        return []
    quarter = quarter_label(review.quarter)
    out = []
    short = lines[lines["verdict"].isin(SHORT_OF_PLAN)]
    short = short.assign(gap=short["how_many"] - short["delivered"]).sort_values(
        ["gap", "line"], ascending=[False, True], kind="stable"
    )
    for r in short.head(MAX_LINE_QUESTIONS).itertuples(index=False):
        audience = r.audience_group if isinstance(r.audience_group, str) else "any"
        numbers = (
            f"Plan line {r.line} ({r.strand}, {r.what}, audience {audience}, owner {r.owner}): "
            f"planned {r.how_many}, delivered {r.delivered} {delivery.UNITS.get(r.what, '')}, cancelled "
            f"{r.cancelled}; {r.verdict}."
        )
        out.append((_line_question(name, quarter, r), numbers))
    share = delivery.share_delivered(lines)
    if share < WHOLE_PLAN_QUESTION_BELOW:
        force_share = delivery.force_share(review.force)
        also = f" (across the force {force_share:.0%})" if force_share == force_share else ""
        out.append(
            (
                f"{name} delivered {share:.0%} of its plan for {quarter}{also}. What will it do differently "
                "next quarter?",
                f"{name}, {quarter}: {strand_shares(lines)}; each line counted up to what it planned. "
                f"Last quarter: {strand_shares(review.previous)}.",
            )
        )
    return out
