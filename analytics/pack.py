"""The Star Chamber meeting pack: one set of content, rendered as a PowerPoint deck and a PDF.

Charts are rendered offline with vl-convert. Every slide and page carries the
same stamp: the data's "as at" quarter, the filters, and whether the data is synthetic.
Text from the data is always drawn as text (escaped for reportlab's markup).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pandas as pd
from pptx import Presentation
from pptx.util import Inches, Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from analytics import chart_export

SLIDE_TITLES = (
    "Questions for the panel",
    "Scorecard",
    "Trend",
    "Districts in the funnel",
    "Engagement",
    "Social media",
    "Actions",
    "Methodology",
)
MAX_ACTION_ROWS = 8
SLIDE_CELL_CHARS = 70  # slide cells stay on one or two lines, so tables never run off the slide


def _column_weights(frame: pd.DataFrame) -> list[float]:
    """Relative column widths from the longest text in each column (header included), within bounds."""
    weights = []
    for col in frame.columns:
        longest = max([len(str(col))] + [len(str(v)) for v in frame[col].tolist()])
        weights.append(min(max(longest, 5), 45))
    total = sum(weights)
    return [w / total for w in weights]


def _cell(value, limit: int | None = None) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass
class PackContent:
    """Everything the pack shows, independent of the file format."""

    title: str
    subtitle: str
    stamp: str
    prompts: list[str]
    scorecard: pd.DataFrame
    engagement: pd.DataFrame
    social: pd.DataFrame
    actions: pd.DataFrame
    charts: dict[str, bytes] = field(default_factory=dict)
    methodology: list[str] = field(default_factory=list)


def chart_png(chart, width: int | None = 1000) -> bytes:
    """A chart rendered to PNG on the server, without network (width None keeps the chart's own sizing)."""
    if isinstance(chart, dict):  # a spec filled from a template (analytics.chart_common.Spec)
        spec = chart_export.spec_of(chart)
        return chart_export.png({**spec, "width": width} if width else spec)
    return chart_export.png(chart_export.spec_of(chart.properties(width=width) if width else chart))


def _slide_table(slide, frame: pd.DataFrame, top: float, font: int = 11) -> None:
    rows, cols = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(rows, cols, Inches(0.4), Inches(top), Inches(12.5), Inches(0.32 * rows))
    table = shape.table
    for j, share in enumerate(_column_weights(frame)):
        table.columns[j].width = int(Inches(12.5) * share)
    for j, col in enumerate(frame.columns):
        table.cell(0, j).text = str(col)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = _cell(value, SLIDE_CELL_CHARS)
    for i in range(rows):
        for j in range(cols):
            for paragraph in table.cell(i, j).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(font)


def _slide(prs, title: str, stamp: str):
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    slide.shapes.title.text = title
    slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(30)
    footer = slide.shapes.add_textbox(Inches(0.4), Inches(7.0), Inches(12.5), Inches(0.4))
    footer.text_frame.text = stamp
    footer.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
    return slide


def _bullets(slide, lines: list[str], top: float = 1.5, size: int = 16) -> None:
    box = slide.shapes.add_textbox(Inches(0.5), Inches(top), Inches(12.3), Inches(5.3))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = f"\u2022 {line}"
        paragraph.runs[0].font.size = Pt(size)


def build_pptx(content: PackContent) -> bytes:
    """The pack as a 16:9 PowerPoint deck."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = content.title
    first.placeholders[1].text = f"{content.subtitle}\n{content.stamp}"
    for title in SLIDE_TITLES:
        slide = _slide(prs, title, content.stamp)
        if title == "Questions for the panel":
            _bullets(slide, content.prompts or ["No significant change or gap stands out this time."])
        elif title == "Scorecard":
            _slide_table(slide, content.scorecard, 1.4, font=10)
        elif title in ("Trend", "Districts in the funnel"):
            png = content.charts.get(title)
            if png:
                slide.shapes.add_picture(io.BytesIO(png), Inches(0.9), Inches(1.3), height=Inches(5.5))
        elif title == "Engagement":
            _slide_table(slide, content.engagement, 1.5)
        elif title == "Social media":
            _slide_table(slide, content.social, 1.5)
        elif title == "Actions":
            _slide_table(slide, content.actions, 1.3, font=9)
        elif title == "Methodology":
            _bullets(slide, content.methodology, size=13)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _pdf_table(frame: pd.DataFrame, font: int = 8) -> Table:
    # Paragraph cells wrap long text inside their column; the text is escaped, so it is never markup.
    body = ParagraphStyle("cell", fontName="Helvetica", fontSize=font, leading=font + 2)
    head = ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", textColor=colors.white)
    data = [[Paragraph(escape(str(c)), head) for c in frame.columns]]
    data += [[Paragraph(escape(_cell(v)), body) for v in row] for row in frame.itertuples(index=False)]
    width = landscape(A4)[0] - 2.4 * cm
    table = Table(data, repeatRows=1, colWidths=[width * w for w in _column_weights(frame)])
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), font),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1d4f91")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def build_pdf(content: PackContent) -> bytes:
    """The pack as a landscape A4 PDF, one page per slide."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()

    def stamp(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(1.2 * cm, 0.8 * cm, content.stamp)
        canvas.drawRightString(landscape(A4)[0] - 1.2 * cm, 0.8 * cm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=1.2 * cm,
        rightMargin=1.2 * cm,
        topMargin=1.2 * cm,
        bottomMargin=1.6 * cm,
        title=content.title,
    )
    story = [
        Paragraph(escape(content.title), styles["Title"]),
        Paragraph(escape(content.subtitle), styles["Heading2"]),
        PageBreak(),
    ]
    for title in SLIDE_TITLES:
        story.append(Paragraph(escape(title), styles["Heading1"]))
        if title == "Questions for the panel":
            for line in content.prompts or ["No significant change or gap stands out this time."]:
                story.append(Paragraph("\u2022 " + escape(line), styles["BodyText"]))
        elif title == "Scorecard":
            story.append(_pdf_table(content.scorecard))
        elif title in ("Trend", "Districts in the funnel") and content.charts.get(title):
            image = Image(io.BytesIO(content.charts[title]))
            scale = min(24 * cm / image.drawWidth, 14 * cm / image.drawHeight)
            image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
            story.append(image)
        elif title == "Engagement":
            story.append(_pdf_table(content.engagement, 9))
        elif title == "Social media":
            story.append(_pdf_table(content.social, 9))
        elif title == "Actions":
            story.append(_pdf_table(content.actions, 7))
        elif title == "Methodology":
            for line in content.methodology:
                story += [Paragraph("\u2022 " + escape(line), styles["BodyText"]), Spacer(1, 4)]
        story.append(PageBreak())
    doc.build(story[:-1], onFirstPage=stamp, onLaterPages=stamp)
    return out.getvalue()


def actions_for_pack(actions: pd.DataFrame) -> pd.DataFrame:
    """Open and overdue actions first, at most MAX_ACTION_ROWS, with a line saying how many more there are."""
    cols = ["Action", "Theme", "What", "Owner", "Due", "Status"]
    ordered = actions.assign(_open=~actions["Status"].isin(["complete", "dropped"])).sort_values(
        ["_open", "Due"], ascending=[False, True]
    )[cols]
    if len(ordered) > MAX_ACTION_ROWS:
        more = len(ordered) - MAX_ACTION_ROWS
        ordered = pd.concat(
            [ordered.head(MAX_ACTION_ROWS), pd.DataFrame([{"Action": f"+ {more} more in the dashboard"}])],
            ignore_index=True,
        )
    return ordered.fillna("")
