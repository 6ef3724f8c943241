"""The meeting pack drawn as a PowerPoint deck from its layout (analytics.pack.plan).

Every run names the deck's font (Arial) and every paragraph has an exact line spacing, so PowerPoint and
LibreOffice draw the lines the layout measured; each slide's title is its title placeholder, and its
notes hold what the slide's numbers mean.
"""

from __future__ import annotations

import io
from itertools import pairwise

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu

from analytics.pack.content import PackContent
from analytics.pack.plan import BULLET, Box, Grid, Picture, Slide, Text
from analytics.pack.style import (
    CELL_PAD_X,
    CELL_PAD_Y,
    DECK_FONT,
    INK,
    LINE_SPACING,
    NAVY,
    RULE,
    SLIDE_H,
    SLIDE_W,
    WHITE,
    ZEBRA,
)

_TITLE_ONLY = 5  # the default template's "Title Only" layout
_NO_STYLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # PowerPoint's "No Style, No Grid" table style
_ALIGN = {"left": "l", "right": "r"}


def _emu(points: float) -> Emu:
    return Emu(round(points * 12700))


def _paragraphs(frame, texts, size, bold, colour, align="left", gap=0.0, marker=None, start=1, indent=0.0):
    """Fill a text frame: one paragraph each, in the deck's font, at an exact line spacing (written as XML
    directly: python-pptx's objects took a second for a deck's table cells)."""
    body = frame._txBody
    for old in body.findall(qn("a:p")):
        body.remove(old)
    for words in texts:
        p = etree.SubElement(body, qn("a:p"))
        p_pr = etree.SubElement(p, qn("a:pPr"), algn=_ALIGN[align])
        if marker:
            p_pr.set("marL", str(_emu(indent)))
            p_pr.set("indent", str(-_emu(indent)))
        for tag, points in (("a:lnSpc", size * LINE_SPACING), ("a:spcBef", 0.0), ("a:spcAft", gap)):
            etree.SubElement(etree.SubElement(p_pr, qn(tag)), qn("a:spcPts"), val=str(round(points * 100)))
        if marker:
            etree.SubElement(p_pr, qn("a:buFont"), typeface=DECK_FONT)
        if marker == "number":
            etree.SubElement(p_pr, qn("a:buAutoNum"), type="arabicPeriod", startAt=str(start))
        elif marker == "bullet":
            etree.SubElement(p_pr, qn("a:buChar"), char=BULLET)
        else:
            etree.SubElement(p_pr, qn("a:buNone"))
        for k, piece in enumerate(words.split("\n")):
            if k:
                etree.SubElement(p, qn("a:br")).append(_run_properties(size, bold, colour))
            run = etree.SubElement(p, qn("a:r"))
            run.append(_run_properties(size, bold, colour))
            etree.SubElement(run, qn("a:t")).text = piece


def _run_properties(size: float, bold: bool, colour: str):
    r_pr = etree.Element(qn("a:rPr"), lang="en-GB", sz=str(round(size * 100)), b="1" if bold else "0", dirty="0")
    etree.SubElement(etree.SubElement(r_pr, qn("a:solidFill")), qn("a:srgbClr"), val=colour)
    etree.SubElement(r_pr, qn("a:latin"), typeface=DECK_FONT)
    etree.SubElement(r_pr, qn("a:cs"), typeface=DECK_FONT)
    return r_pr


def _frame_setup(frame, margins=(0.0, 0.0, 0.0, 0.0)) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left, frame.margin_right, frame.margin_top, frame.margin_bottom = (_emu(m) for m in margins)


def _text(slide, t: Text) -> None:
    if t.role == "title":
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _emu(t.x), _emu(t.y), _emu(t.w), _emu(t.h)
    else:
        shape = slide.shapes.add_textbox(_emu(t.x), _emu(t.y), _emu(t.w), _emu(t.h))
    _frame_setup(shape.text_frame)
    _paragraphs(shape.text_frame, t.paragraphs, t.size, t.bold, t.colour, t.align, t.gap, t.marker, t.start, t.indent)


def _box(slide, b: Box) -> None:
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, _emu(b.x), _emu(b.y), _emu(b.w), _emu(b.h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(b.fill)
    shape.line.fill.background()
    style = shape._element.find(qn("p:style"))
    if style is not None:  # no theme line, shadow or text colour: the fill above is all
        shape._element.remove(style)
    tree = slide.shapes._spTree
    tree.remove(shape._element)
    tree.insert(2, shape._element)  # behind everything: boxes are backgrounds (the title band, chips, rules)


def _grid(slide, g: Grid) -> None:
    rows, cols = len(g.rows) + 1, len(g.widths)
    frame = slide.shapes.add_table(
        rows, cols, _emu(g.x), _emu(g.y), _emu(g.x + g.w) - _emu(g.x), _emu(g.y + g.h) - _emu(g.y)
    )
    table = frame.table
    tbl = table._tbl
    tbl.tblPr.find(qn("a:tableStyleId")).text = _NO_STYLE
    table.first_row, table.horz_banding = True, False
    for j, width in enumerate(_whole_emus(g.x, g.widths)):
        table.columns[j].width = width
    for i, height in enumerate(_whole_emus(g.y, g.heights)):
        table.rows[i].height = height
    for i in range(rows):
        for j in range(cols):
            cell = table.cell(i, j)
            if i == 0:
                words, fill, bold, colour = g.header[j], NAVY, True, WHITE
            else:
                words, bold, colour = g.rows[i - 1][j], False, INK
                fill = g.fills[i - 1][j] or (ZEBRA if i % 2 == 0 else WHITE)
            align = "right" if g.right[j] and i > 0 else "left"
            _paragraphs(cell.text_frame, [words], g.size, bold, colour, align)
            _cell_properties(cell, fill)
    frame.width, frame.height = _emu(g.x + g.w) - _emu(g.x), _emu(g.y + g.h) - _emu(g.y)


def _whole_emus(start: float, sizes: list[float]) -> list[Emu]:
    """Sizes in whole EMUs that add up to the rounded total (each edge rounded once, not each size)."""
    edges = [_emu(start)]
    for size in sizes:
        start += size
        edges.append(_emu(start))
    return [Emu(b - a) for a, b in pairwise(edges)]


def _cell_properties(cell, fill: str) -> None:
    """Margins, text centred top to bottom, a thin rule below and the fill, in the order the schema wants."""
    tc = cell._tc
    for old in tc.findall(qn("a:tcPr")):
        tc.remove(old)
    x, y = str(_emu(CELL_PAD_X)), str(_emu(CELL_PAD_Y))
    tc_pr = etree.SubElement(tc, qn("a:tcPr"), marL=x, marR=x, marT=y, marB=y, anchor="ctr")
    line = etree.SubElement(tc_pr, qn("a:lnB"), w=str(_emu(0.5)))
    etree.SubElement(etree.SubElement(line, qn("a:solidFill")), qn("a:srgbClr"), val=RULE)
    etree.SubElement(etree.SubElement(tc_pr, qn("a:solidFill")), qn("a:srgbClr"), val=fill)


def _picture(slide, p: Picture) -> None:
    slide.shapes.add_picture(io.BytesIO(p.png), _emu(p.x), _emu(p.y), _emu(p.w), _emu(p.h))


_DRAW = {Text: _text, Box: _box, Grid: _grid, Picture: _picture}


def render(slides: list[Slide], content: PackContent) -> bytes:
    """The laid-out slides as a .pptx file."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = _emu(SLIDE_W), _emu(SLIDE_H)
    prs.core_properties.title = content.title
    prs.core_properties.subject = f"Star Chamber meeting pack, {content.meeting}, reviewing {content.review}"
    for planned in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY])
        for element in planned.elements:
            _DRAW[type(element)](slide, element)
        if planned.notes:
            slide.notes_slide.notes_text_frame.text = planned.notes
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
