"""The meeting pack: read back with python-pptx, PDF pages rendered, opened by LibreOffice."""

import io
import shutil
import subprocess

import pandas as pd
import pypdfium2 as pdfium
import pytest
from pptx import Presentation

from analytics import pack, star_chamber, tables
from analytics.meeting_pack import meeting_pack, pack_content
from analytics.stats import SuppressionRule
from tests.conftest import REPO, in_ci

ROUND, DISTRICT = "2026-09", "southend"


@pytest.fixture(scope="module")
def built(db):
    return meeting_pack(db, ROUND, DISTRICT, SuppressionRule(), synthetic=True)


def _slides(pptx: bytes) -> list:
    return list(Presentation(io.BytesIO(pptx)).slides)


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def _table(slide) -> pd.DataFrame:
    table = next(s.table for s in slide.shapes if s.has_table)
    rows = [[c.text for c in r.cells] for r in table.rows]
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_deck_has_the_expected_slides_each_stamped(built):
    slides = _slides(built[0])
    assert [s.shapes.title.text for s in slides] == ["Star Chamber: Southend", *pack.SLIDE_TITLES]
    for slide in slides:
        text = " ".join(_texts(slide))
        assert "reviewing Q1 2026/27" in text and "survey data to 30 Sep 2026" in text
        assert "SYNTHETIC DEMO DATA" in text
    pictures = [s for s in slides if any(sh.shape_type == 13 for sh in s.shapes)]
    assert [s.shapes.title.text for s in pictures] == ["Trend", "Districts in the funnel"]


def test_scorecard_slide_numbers_equal_the_scorecard(db, built):
    meeting = star_chamber.meeting(db, ROUND, DISTRICT)
    card = star_chamber.survey_scorecard(db, meeting, star_chamber.previous_meeting(db, meeting))
    shown, _ = tables.scorecard_table(card)
    slide = next(s for s in _slides(built[0]) if s.shapes.title.text == "Scorecard")
    on_slide = _table(slide)
    expected = shown.astype(str)
    assert list(on_slide.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(on_slide, expected.reset_index(drop=True))


def test_pdf_has_a_page_per_slide_and_renders(built):
    doc = pdfium.PdfDocument(built[1])
    assert len(doc) == 1 + len(pack.SLIDE_TITLES)
    text = doc[2].get_textpage().get_text_range()
    assert "Scorecard" in text and "SYNTHETIC DEMO DATA" in text
    out = REPO / "artifacts"
    out.mkdir(exist_ok=True)
    doc[2].render(scale=1.5).to_pil().save(out / "pack_scorecard_page.png")
    assert (out / "pack_scorecard_page.png").stat().st_size > 10_000


def test_deck_opens_in_libreoffice(built, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if in_ci():
            pytest.fail("LibreOffice (soffice) is missing under CI: the test command must install it")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-impress)")
    deck = tmp_path / "pack.pptx"
    deck.write_bytes(built[0])
    done = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck),
        ],
        timeout=180,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, (
        f"LibreOffice could not open the deck (exit {done.returncode}); is libreoffice-impress installed? "
        f"{done.stderr[-500:]}"
    )
    converted = pdfium.PdfDocument(tmp_path / "pack.pdf")
    assert len(converted) == 1 + len(pack.SLIDE_TITLES)
    assert "Scorecard" in converted[2].get_textpage().get_text_range()


def test_text_from_the_data_is_drawn_as_text(db):
    content = pack_content(db, ROUND, DISTRICT, SuppressionRule(), synthetic=False, charts=False)
    content.prompts = ["<b>bold?</b> & <font size=40>big</font>"]
    content.actions = pd.DataFrame([{"Action": '=HYPERLINK("x")', "What": "<script>alert(1)</script>"}])
    pdf = pdfium.PdfDocument(pack.build_pdf(content))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "<b>bold?</b> & <font size=40>big</font>" in text
    assert "<script>alert(1)</script>" in text
    deck = _slides(pack.build_pptx(content))
    assert "<b>bold?</b>" in " ".join(_texts(deck[1]))
    assert "SYNTHETIC" not in text, "real data is not stamped synthetic"


def test_no_pack_for_a_district_that_did_not_present(db):
    assert meeting_pack(db, "1999-09", DISTRICT, SuppressionRule(), synthetic=True) is None


def test_actions_for_pack_keeps_open_ones_and_says_how_many_more():
    frame = pd.DataFrame(
        {
            "Action": [f"A{i}" for i in range(15)],
            "Theme": "Other",
            "What": "x",
            "Owner": "o",
            "Due": [f"2026-01-{i + 1:02d}" for i in range(15)],
            "Status": ["complete"] * 5 + ["OVERDUE (open)"] * 10,
        }
    )
    out = pack.actions_for_pack(frame)
    assert len(out) == pack.MAX_ACTION_ROWS + 1
    assert (out["Status"].head(pack.MAX_ACTION_ROWS) == "OVERDUE (open)").all(), "open ones first"
    assert out["Action"].iloc[-1] == f"+ {15 - pack.MAX_ACTION_ROWS} more in the dashboard"


def test_charts_render_offline():
    import altair as alt

    png = pack.chart_png(alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q"), width=200)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_slide_keeps_its_tables_and_stamp_on_the_slide(db):
    content = pack_content(db, ROUND, DISTRICT, SuppressionRule(), synthetic=True, charts=False)
    long_text = "Run a very long engagement action description " * 6
    content.actions = pd.DataFrame(
        [
            {
                "Action": f"SC-2026-09-southend-A{i}",
                "Theme": "Hard to reach groups",
                "What": long_text,
                "Owner": "Community Engagement Officer",
                "Due": "2026-12-14",
                "Status": "OVERDUE (in progress)",
            }
            for i in range(pack.MAX_ACTION_ROWS)
        ]
    )
    prs = Presentation(io.BytesIO(pack.build_pptx(content)))
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= prs.slide_width, shape.name
            assert shape.top + shape.height <= prs.slide_height, shape.name
        stamp = [s for s in slide.shapes if s.has_text_frame and "SYNTHETIC DEMO DATA" in s.text_frame.text]
        tables = [s for s in slide.shapes if s.has_table]
        assert stamp, "every slide carries the stamp"
        for table in tables:
            assert table.top + table.height <= stamp[0].top, "tables end above the stamp"
            cells = [c.text for r in table.table.rows for c in r.cells]
            assert max(len(c) for c in cells) <= pack.SLIDE_CELL_CHARS
    # The PDF wraps the full text inside its column instead of cutting it.
    pdf = pdfium.PdfDocument(pack.build_pdf(content))
    actions_page = next(
        i for i in range(len(pdf)) if "SC-2026-09-southend-A0" in pdf[i].get_textpage().get_text_range()
    )
    text = pdf[actions_page].get_textpage().get_text_range()
    assert "OVERDUE (in progress)" in text, "the status column is on the page"
    pdf[actions_page].render(scale=1.5).to_pil().save(REPO / "artifacts" / "pack_actions_page.png")


def test_a_template_chart_renders_at_a_given_width(db):
    from datetime import date

    from analytics import pack, trend_charts, trends

    t = trends.district_trends(db, "police_job", date(2024, 4, 1), date(2025, 1, 1), ["harlow"])
    chart = trend_charts.trend_chart(t, t.iloc[0:0], t.iloc[0:0], "Good job")
    narrow, wide = pack.chart_png(chart, width=400), pack.chart_png(chart, width=1000)
    assert narrow[:8] == wide[:8] == b"\x89PNG\r\n\x1a\n"
    width_of = lambda png: int.from_bytes(png[16:20], "big")  # noqa: E731 (the IHDR width)
    assert width_of(wide) > width_of(narrow)
