"""The meeting pack's District Engagement Plan slides read back with python-pptx: the reviewed quarter's lines as
the raw plan file holds them, delivery as the raw events count it, short lines filled and said in words, last
quarter's beside them, the plan ahead, and the plan's questions on the questions slide."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from pptx import Presentation

from analytics.pack import render
from analytics.pack import style as pack_style
from analytics.pack.meeting_pack import pack_content
from analytics.stats import SuppressionRule

RULE = SuppressionRule(50, 100)


def _table(slide) -> pd.DataFrame:
    table = next(s.table for s in slide.shapes if s.has_table)
    rows = [[c.text.replace("\xa0", " ") for c in r.cells] for r in table.rows]
    return pd.DataFrame(rows[1:], columns=rows[0])


def _fill(cell) -> str | None:
    fill = cell.fill
    return str(fill.fore_color.rgb) if fill.type == 1 else None  # 1: solid


def test_the_plan_slides_read_back(db, raw):
    content = pack_content(db, "2026-09", "harlow", RULE, synthetic=True, charts=False)
    pptx, _ = render.build(content)
    slides = list(Presentation(io.BytesIO(pptx)).slides)
    by_title = {s.shapes.title.text: s for s in slides}
    plans = raw("engagement_plans")
    plans["quarter_start"] = pd.to_datetime(plans["quarter_start"]).dt.date
    mine = plans[plans["district_id"] == "harlow"]
    reviewed = mine[mine["quarter_start"] == date(2026, 4, 1)].sort_values("line")

    slide = by_title["Engagement plan"]
    shown = _table(slide)
    assert list(shown["What"]) == list(reviewed["what"])
    assert list(shown["Planned"].astype(int)) == list(reviewed["how_many"])
    events = raw("engagement_events")
    in_q = events[(events["district_id"] == "harlow") & (events["start_at"] >= "2026-04-01")]
    in_q = in_q[in_q["start_at"] < "2026-07-01"]
    named = set(
        reviewed.loc[(reviewed["what"] == "Street pop-up") & reviewed["audience_group"].notna(), "audience_group"]
    )
    pop_ups = in_q[(in_q["activity_type"] == "Street pop-up") & ~in_q["audience_group"].isin(named)]
    row = shown[(shown["What"] == "Street pop-up") & (shown["Audience"] == "any")].iloc[0]
    assert int(row["Delivered"]) == (pop_ups["status"] == "held").sum()
    assert int(row["Cancelled"]) == (pop_ups["status"] == "cancelled").sum() > 0
    # Short lines are filled and say so in words; the key under the table explains the fill.
    table = next(s.table for s in slide.shapes if s.has_table)
    for i, result in enumerate(shown["Result"], start=1):
        short = result.endswith(("not delivered", "part delivered"))
        assert (_fill(table.cell(i, 0)) == pack_style.WORSE_FILL) == short, result
    assert any(s.has_text_frame and "short of plan" in s.text_frame.text for s in slide.shapes if not s.has_table), (
        "the key"
    )
    previous = mine[mine["quarter_start"] == date(2026, 1, 1)]
    lcm = shown[shown["What"] == "Local Community Meeting"].iloc[0]
    assert int(lcm["Prev. planned"]) == int(
        previous.loc[previous["what"] == "Local Community Meeting", "how_many"].iloc[0]
    )
    assert "Line 1: Listen, Local Community Meeting" in slide.notes_slide.notes_text_frame.text

    # Every district's delivery: the presenting district's share is what its own slide's lines add up to.
    force = _table(by_title["Plans across the force"])
    assert len(force) == len(raw("districts"))
    [presenting] = force[force["District"] == "Harlow (presenting)"].to_dict("records")
    planned, delivered = shown["Planned"].astype(int), shown["Delivered"].astype(int)
    assert (
        presenting["Delivered"] == f"{(pd.concat([planned, delivered], axis=1).min(axis=1).sum() / planned.sum()):.0%}"
    )
    assert (
        int(presenting["Lines short of plan"])
        == shown["Result"].str.endswith(("not delivered", "part delivered")).sum()
    )

    ahead = _table(by_title["Plan ahead"])
    q3 = mine[mine["quarter_start"] == date(2026, 10, 1)].sort_values("line")
    assert list(ahead["What"]) == list(q3["what"]) and list(ahead["How many"].astype(int)) == list(q3["how_many"])

    questions = " ".join(s.text_frame.text for s in by_title["Questions for the panel"].shapes if s.has_text_frame)
    assert "Harlow planned" in questions and "What happened?" in questions
