"""The meeting pack's "What the evidence says" slide, read back from the deck."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from analytics.pack import evidence_slide as slide
from analytics.pack.meeting_pack import SECTION_TITLES, pack_content
from analytics.pack.render import build
from analytics.stats import SuppressionRule
from analytics.survey import measures

ROUND = "2026-09"


@pytest.fixture(scope="module")
def deck(db):
    content = pack_content(db, ROUND, "tendring", SuppressionRule(), synthetic=True, charts=False)
    prs = Presentation(io.BytesIO(build(content)[0]))
    return content, [s for s in prs.slides if s.shapes.title.text.startswith(slide.TITLE)]


def _rows(pptx_slide) -> list[list[str]]:
    table = next(s.table for s in pptx_slide.shapes if s.has_table)
    return [[c.text.replace("\xa0", " ") for c in r.cells] for r in table.rows]


def test_slide_sits_before_the_methodology(deck):
    assert SECTION_TITLES.index(slide.TITLE) == SECTION_TITLES.index("Methodology") - 1
    _, slides = deck
    assert len(slides) == 1


def test_slide_gives_force_wide_estimates_and_where_the_district_sits(deck, db):
    _, (pptx_slide,) = deck
    rows = _rows(pptx_slide)
    header, body = rows[0], rows[1:]
    assert "Tendring, Q1 2026/27 (place)" in header
    by_label = {r[0].split(" (")[0]: r for r in body}
    events = by_label["Events per 10,000 residents"]
    assert events[2].startswith("▲ higher after more") and events[3] == "passed"
    low, high = (float(v) for v in events[1].split("(")[1].rstrip(")").split(" to "))
    assert 0 < low < 1.5 < high, "the planted effect, as on the page"
    assert by_label["Hard-to-reach groups reached"][2] == "no evidence"
    # Where Tendring sits: its held events per 10,000 residents in the quarter reviewed, and its place.
    q = measures.survey_quarters(db)
    review = max(x for x in q if x.isoformat() < "2026-07-01")
    held = db.query(
        "SELECT sum(events) AS n FROM event_quarter_sums WHERE district_id = 'tendring' AND status = 'held' "
        "AND quarter_start = ?",
        [review],
    )["n"].iloc[0]
    population = measures.districts(db).set_index("district_id").loc["tendring", "population"]
    assert events[4].startswith(f"{held / population * 10_000:,.2f} (")
    assert events[4].endswith(" of 10)")
    # The notes carry the method, each row's smallest detectable effect, the caveat and what would help.
    notes = pptx_slide.notes_slide.notes_text_frame.text
    assert "wild cluster bootstrap" in notes and "smallest detectable" in notes
    shown = " ".join(s.text_frame.text for s in pptx_slide.shapes if s.has_text_frame).replace("\xa0", " ")
    assert "An association, not proof of cause." in shown
    assert "planned roll-out" in notes
