"""The meeting pack read back with python-pptx: every shape inside the slide's margins, every table cell's
longest word fitting its column (measured with the deck's font file), every open action present, the
numbers equal to the scorecard's, speaker notes, glyphs the fonts have; for two demo districts and a force
with long names and many actions (tests/pack_fixture.py)."""

from __future__ import annotations

import io
import re
from functools import cache

import pandas as pd
import pypdfium2 as pdfium
import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.oxml.ns import qn
from reportlab.pdfbase.ttfonts import TTFontFile

from analytics.pack import content as pack
from analytics.pack import render
from analytics.pack import style as pack_style
from analytics.pack.layout import fit_stamp
from analytics.pack.meeting_pack import ACTION_COLUMNS, SECTION_TITLES, SOCIAL_KPIS, meeting_pack, pack_content
from analytics.star_chamber import actions, kpis, prompts, tables
from analytics.star_chamber import scorecard as star_chamber
from analytics.stats import SuppressionRule
from tests.pack_fixture import PACKS, ROUND, long_force_db, packs  # noqa: F401 (fixtures)

EMU = 12700  # per point
LABELS = [label for label, _ in PACKS]


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(pack_style.FONT_FILES[bold]), 1000)


def width_pt(text: str, size: float, bold: bool = False) -> float:
    """Measured with PIL on the deck's font file (Liberation Sans: Arial's widths)."""
    return _font(bold).getlength(text) * size / 1000


def _slides(pptx: bytes):
    prs = Presentation(io.BytesIO(pptx))
    return prs, list(prs.slides)


def _runs(element):
    return element.iter(qn("a:r"))


def _size_bold(run) -> tuple[float, bool]:
    """A run's size in points (PowerPoint's 18 when it names none) and boldness."""
    r_pr = run.find(qn("a:rPr"))
    r_pr = {} if r_pr is None else r_pr.attrib
    return int(r_pr.get("sz", 1800)) / 100, r_pr.get("b") == "1"


def _words(text: str) -> list[str]:
    """Where a renderer may break a line: at spaces (not at a no-break space)."""
    return [w for w in re.split(r"[ \n\v\t]+", text) if w]


def _tables(slides, title: str) -> list[pd.DataFrame]:
    out = []
    for slide in slides:
        if re.fullmatch(rf"{re.escape(title)}( \(\d+ of \d+\))?", slide.shapes.title.text):
            table = next(s.table for s in slide.shapes if s.has_table)
            rows = [[c.text.replace("\xa0", " ") for c in r.cells] for r in table.rows]
            out.append(pd.DataFrame(rows[1:], columns=rows[0]))
    return out


@pytest.fixture(params=LABELS)
def built(request, packs):  # noqa: F811
    return packs[request.param]


def test_slides_are_the_sections_in_order_continued_with_their_part(built):
    _, slides = _slides(built.pptx)
    titles = [s.shapes.title.text for s in slides]
    assert titles[0] == built.content.district, "the title slide's title is the district"
    bases = [re.sub(r" \(\d+ of \d+\)$", "", t) for t in titles[1:]]
    assert list(dict.fromkeys(bases)) == list(SECTION_TITLES)
    for base in set(bases):
        parts = [t for t in titles if re.fullmatch(rf"{re.escape(base)}( \(\d+ of \d+\))?", t)]
        if len(parts) > 1:
            assert parts == [f"{base} ({i} of {len(parts)})" for i in range(1, len(parts) + 1)]
    assert len(pdfium.PdfDocument(built.pdf)) == len(slides), "a PDF page per slide"


def test_every_slide_carries_the_stamp_on_one_line(built):
    _, slides = _slides(built.pptx)
    for i, slide in enumerate(slides, start=1):
        boxes = [
            s
            for s in slide.shapes
            if s.has_text_frame and re.search(r"Star Chamber.*SYNTHETIC DEMO DATA$", s.text_frame.text)
        ]
        assert len(boxes) == 1, f"slide {i} has its stamp"
        stamp = boxes[0]
        text = stamp.text_frame.text.replace("\xa0", " ")
        assert "Q1 2026/27" in text and "30 Sep 2026" in text and "Star Chamber" in text
        size, _ = _size_bold(next(_runs(stamp._element)))
        assert width_pt(text, size) <= stamp.width / EMU, f"slide {i}: the stamp fits one line"
        assert any(s.has_text_frame and s.text_frame.text == f"{i} / {len(slides)}" for s in slide.shapes)


def test_title_slide_says_district_meeting_quarter_date_and_synthetic(built):
    _, slides = _slides(built.pptx)
    text = " ".join(s.text_frame.text.replace("\xa0", " ") for s in slides[0].shapes if s.has_text_frame)
    for words in (built.content.district, "Meeting on", "Q1 2026/27 (April to June 2026)", "30 September 2026"):
        assert words in text
    assert "SYNTHETIC DEMO DATA: these are not real figures" in text


def test_every_shape_lies_inside_the_slide_margins(built):
    prs, slides = _slides(built.pptx)
    margin = pack_style.MARGIN * EMU - 1
    for i, slide in enumerate(slides, start=1):
        for shape in slide.shapes:
            where = f"slide {i} ({slide.shapes.title.text}), {shape.name}"
            assert shape.left >= margin and shape.top >= margin, where
            assert shape.left + shape.width <= prs.slide_width - margin, where
            assert shape.top + shape.height <= prs.slide_height - margin, where
            if shape.has_table:  # the frame's size is the sum of its columns and rows
                assert sum(c.width for c in shape.table.columns) <= shape.width + 1, where
                assert sum(r.height for r in shape.table.rows) <= shape.height + 1, where


def test_every_table_cell_and_text_box_fits_its_longest_word(built):
    """No renderer breaks a word or a number that fits its line: each cell's longest word, measured with
    the deck's font at the cell's size and boldness, fits the column less the cell's margins."""
    _, slides = _slides(built.pptx)
    checked = 0
    for slide in slides:
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    for j, cell in enumerate(row.cells):
                        tc_pr = cell._tc.find(qn("a:tcPr"))
                        margins = int(tc_pr.get("marL", 91440)) + int(tc_pr.get("marR", 91440))  # default 0.1in
                        room = (shape.table.columns[j].width - margins) / EMU
                        for run in _runs(cell._tc):
                            size, bold = _size_bold(run)
                            for word in _words(run.findtext(qn("a:t"))):
                                assert width_pt(word, size, bold) <= room, (slide.shapes.title.text, word, room)
                                checked += 1
            elif shape.has_text_frame:
                for run in _runs(shape._element):
                    size, bold = _size_bold(run)
                    for word in _words(run.findtext(qn("a:t"))):
                        assert width_pt(word, size, bold) <= shape.width / EMU, (slide.shapes.title.text, word)
    assert checked > 100


def test_scorecard_and_kpi_tables_equal_the_dashboards(built):
    meeting = star_chamber.meeting(built.db, ROUND, built.district)
    card = star_chamber.survey_scorecard(built.db, meeting, star_chamber.previous_meeting(built.db, meeting))
    _, slides = _slides(built.pptx)

    def same(on_slides: list[pd.DataFrame], expected: pd.DataFrame) -> None:
        shown = pd.concat(on_slides, ignore_index=True)
        expected = expected.map(lambda v: pack_style.drawable(v)).reset_index(drop=True)
        expected = expected[[c for c in expected.columns if (expected[c] != "").any()]]  # empty columns left out
        pd.testing.assert_frame_equal(shown, expected.astype(str))

    same(_tables(slides, "Scorecard"), tables.scorecard_table(card)[0])
    kpi = kpis.kpi_scorecard(built.db, built.district, meeting.review_quarter)
    social = kpi["kpi"].isin(SOCIAL_KPIS)
    same(_tables(slides, "Engagement"), tables.kpi_table(kpi[~social].reset_index(drop=True))[0])
    same(_tables(slides, "Social media"), tables.kpi_table(kpi[social].reset_index(drop=True))[0])


def test_every_action_is_in_the_pack_open_ones_first_header_on_every_part(built):
    meeting = star_chamber.meeting(built.db, ROUND, built.district)
    tracker = actions.tracker(built.db, built.district, meeting.meeting_date)
    _, slides = _slides(built.pptx)
    parts = _tables(slides, "Actions")
    assert all(list(p.columns) == ACTION_COLUMNS for p in parts), "the header is repeated on every part"
    listed = pd.concat(parts, ignore_index=True)
    assert sorted(listed["Action"]) == sorted(tracker["action_id"]), "every action, once"
    open_ids = set(tracker.loc[tracker["status"].isin(actions.OPEN_STATUSES), "action_id"])
    assert set(listed["Action"].head(len(open_ids))) == open_ids, "open ones first"
    overdue = set(tracker.loc[tracker["overdue"], "action_id"])
    assert set(listed.loc[listed["Status"].str.startswith("OVERDUE"), "Action"]) == overdue
    assert "more in the dashboard" not in " ".join(listed["Action"])


def test_long_force_continues_its_actions_over_several_slides(packs):  # noqa: F811
    _, slides = _slides(packs["long names"].pptx)
    parts = [s.shapes.title.text for s in slides if s.shapes.title.text.startswith("Actions")]
    assert len(parts) >= 3 and parts[1] == f"Actions (2 of {len(parts)})"


def test_verdicts_are_coloured_with_their_words(built):
    """Cells the app colours are filled in the app's colours, and only those; each says the same in words."""
    _, slides = _slides(built.pptx)
    slide = next(s for s in slides if s.shapes.title.text.startswith("Scorecard"))
    table = next(s.table for s in slide.shapes if s.has_table)
    header = [c.text for c in table.rows[0].cells]
    for row in list(table.rows)[1:]:
        for name, cell in zip(header, row.cells, strict=True):
            fill = cell._tc.find(qn("a:tcPr")).find(qn("a:solidFill")).find(qn("a:srgbClr")).get("val")
            words = cell.text
            if fill == pack_style.BETTER_FILL:
                assert re.search(r"▲ better|▲ improved|exceeds expectations", words), (name, words)
            elif fill == pack_style.WORSE_FILL:
                assert re.search(r"▼ worse|▼ declined|below expectations", words), (name, words)
            else:
                assert not re.search(r"[▲▼]|exceeds|below expectations", words), (name, words)


def test_pack_colours_are_the_apps():
    from ui import widgets

    assert widgets._VERDICT_COLOURS["better"].startswith(f"background-color: #{pack_style.BETTER_FILL.lower()}")
    assert widgets._VERDICT_COLOURS["worse"].startswith(f"background-color: #{pack_style.WORSE_FILL.lower()}")


def test_speaker_notes_say_what_each_slides_numbers_are(built):
    meeting = star_chamber.meeting(built.db, ROUND, built.district)
    card = star_chamber.survey_scorecard(built.db, meeting, star_chamber.previous_meeting(built.db, meeting))
    kpi = kpis.kpi_scorecard(built.db, built.district, meeting.review_quarter)
    tracker = actions.tracker(built.db, built.district, meeting.meeting_date)
    _, slides = _slides(built.pptx)
    notes = {s.shapes.title.text: s.notes_slide.notes_text_frame.text for s in slides}
    assert all(notes.values()), "every slide has notes"
    asked = prompts.panel_questions(card, kpi, tracker)
    question_notes = " ".join(v for k, v in notes.items() if k.startswith("Questions for the panel"))
    for _, numbers in asked:
        assert pack_style.drawable(numbers) in question_notes, "the numbers behind each question"
    wordings = built.db.query("SELECT wording FROM survey_questions")["wording"]
    assert all(w in notes["Scorecard"] for w in wordings), "each measure's question, in the scorecard's notes"
    assert "Wilson" in notes["Trend"] and "Wilson" in notes["Districts in the funnel"]
    assert "Loop closure" in notes["Engagement"] and "engagement rate" in notes["Social media"]


def test_every_character_is_in_the_deck_font_and_every_run_names_it(built):
    _, slides = _slides(built.pptx)
    cmap = {bold: set(TTFontFile(str(pack_style.FONT_FILES[bold])).charToGlyph) for bold in (False, True)}
    seen = set()
    for slide in slides:
        for run in _runs(slide._element):
            latin = run.find(f"{qn('a:rPr')}/{qn('a:latin')}")
            assert latin is not None and latin.get("typeface") == pack_style.DECK_FONT, "every run names the font"
            seen |= {(c, _size_bold(run)[1]) for c in run.findtext(qn("a:t"))}
        seen |= {(c, False) for c in slide.notes_slide.notes_text_frame.text if c not in "\n\v"}
    missing = sorted({c for c, bold in seen if ord(c) not in cmap[bold]})
    assert not missing, f"characters the font lacks: {missing}"
    assert all(pack_style.safe_char(c) for c, _ in seen), "and all in Arial's long-standing character set"
    assert {"▲", "▼", "−"} <= {c for c, _ in seen}, "the symbols are drawn, not dropped"


def test_no_character_of_the_content_is_lost(built):
    """Every character the pack's content uses is drawn as it is, or as the words for a symbol the fonts lack;
    none becomes the '?' kept for characters nothing can draw (as the funnel's √ once did)."""
    content = built.content
    texts = [content.district, content.meeting, content.review, content.data_to, content.thresholds]
    for section in content.sections:
        texts += [section.title, section.lede, section.notes, *section.paragraph_notes]
        if isinstance(section.body, list):
            texts += section.body
        elif isinstance(section.body, pack.PackTable):
            texts += [str(c) for c in section.body.frame.columns]
            texts += [str(v) for v in section.body.frame.to_numpy().ravel()]
    lost = {
        c
        for t in texts
        for c in t
        if c not in "\n" and not pack_style.safe_char(c) and c not in pack_style.SYMBOL_WORDS
    }
    assert not lost, f"characters the pack would draw as '?': {sorted(lost)}"


def test_charts_are_rendered_for_their_frames(built):
    from analytics.pack.charts import SCALE, png_size

    _, slides = _slides(built.pptx)
    pictures = [(s.shapes.title.text, p) for s in slides for p in s.shapes if p.shape_type == 13]
    assert [t for t, _ in pictures] == ["Trend", "Districts in the funnel"]
    for title, picture in pictures:
        w, h = picture.width / EMU, picture.height / EMU
        px_w, px_h = png_size(picture.image.blob)
        assert px_w / w == pytest.approx(SCALE, rel=0.04), f"{title}: drawn at its size, not scaled"
        assert px_w / px_h == pytest.approx(w / h, rel=0.01), f"{title}: its own aspect"
        frame_h = pack_style.BODY_BOTTOM - picture.top / EMU
        assert w >= 0.96 * pack_style.CONTENT_W or h >= 0.96 * frame_h, f"{title} fills its frame"


def test_stamp_is_shortened_by_rule_never_losing_synthetic():
    parts = [
        ("A District With A Very Long Name Indeed", "A District With A Very Long Name Indeed"),
        ("Star Chamber September 2026", "Star Chamber Sep 2026"),
        ("reviewing Q1 2026/27", "Q1 2026/27"),
        ("survey data to 30 Sep 2026", "data to 30 Sep 2026"),
        ("bases under 50 hidden, under 100 flagged", "n<50 hidden"),
        ("SYNTHETIC DEMO DATA", "SYNTHETIC DEMO DATA"),
    ]
    full = fit_stamp(parts, 2000, 9)
    assert full == " · ".join(long for long, _ in parts), "whole when it fits"
    for width in (width_pt(full, 9) - 20, 450, 300, 200, 140):
        stamp = fit_stamp(parts, width, 9)
        assert width_pt(stamp, 9) <= width, f"one line of {width}pt"
        assert stamp.endswith("SYNTHETIC DEMO DATA") and stamp.startswith("A"), f"never loses the warning: {width}pt"
    middle = fit_stamp(parts, width_pt(full, 9) - 20, 9)
    assert middle.startswith("A District With A Very Long Name Indeed · Star Chamber September 2026 · reviewing")
    assert middle.endswith("n<50 hidden · SYNTHETIC DEMO DATA"), "the last part shortened first"
    narrow = fit_stamp(parts, 450, 9)
    assert narrow.startswith("A District W…") or "Star Chamber Sep 2026 · Q1 2026/27" in narrow


def test_text_from_the_data_is_drawn_as_text(db):
    content = pack_content(db, ROUND, "southend", SuppressionRule(), synthetic=False, charts=False)
    questions = content.section("Questions for the panel")
    questions.body = ["<b>bold?</b> & <font size=40>big</font>"]
    actions_section = content.section("Actions")
    actions_section.body.frame = pd.DataFrame([{c: '=HYPERLINK("x")' for c in ACTION_COLUMNS}])
    actions_section.body.frame.loc[0, "What"] = "<script>alert(1)</script>"
    actions_section.body.fills = None
    deck, pdf_bytes = render.build(content)
    pdf = pdfium.PdfDocument(pdf_bytes)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "<b>bold?</b> & <font size=40>big</font>" in text
    assert "<script>alert(1)</script>" in text and '=HYPERLINK("x")' in text
    _, slides = _slides(deck)
    assert "<b>bold?</b>" in " ".join(s.text_frame.text for s in slides[1].shapes if s.has_text_frame)
    assert "SYNTHETIC" not in text, "real data is not stamped synthetic"


def test_symbols_the_font_lacks_become_words():
    assert pack_style.drawable("45 ⚠") == "45 (low base)"
    assert pack_style.drawable("a\x00b\tc") == "a b c"
    assert pack_style.drawable("ﬁne 中") == "fine ?"


def test_no_pack_for_a_district_that_did_not_present(db):
    assert meeting_pack(db, "1999-09", "southend", SuppressionRule(), synthetic=True) is None
