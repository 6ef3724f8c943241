"""The meeting pack drawn as a PDF from its layout (analytics.pack.plan): one 16:9 page per slide, the same
positions, the measured line breaks, in Liberation Sans embedded in the file (the font the layout measured).

Text is drawn as it is (never parsed as markup); each page's title is in the PDF's outline.
"""

from __future__ import annotations

import io
from functools import cache

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from analytics.pack.content import PackContent
from analytics.pack.layout import line_height, wrap
from analytics.pack.plan import BULLET, Box, Grid, Picture, Slide, Text
from analytics.pack.style import (
    CELL_PAD_X,
    FONT_FILES,
    INK,
    NAVY,
    PDF_FONTS,
    RULE,
    SLIDE_H,
    SLIDE_W,
    WHITE,
    ZEBRA,
)

_ASCENT, _DESCENT = 0.905, 0.212  # Liberation Sans (and Arial), in ems


@cache
def _fonts() -> dict[bool, str]:
    for bold, name in PDF_FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_FILES[bold])))
    return PDF_FONTS


def _baseline(top: float, size: float, line: int) -> float:
    """The PDF y of a line's baseline, centred in its line as PowerPoint and LibreOffice centre it."""
    lh = line_height(size)
    return SLIDE_H - (top + line * lh + (lh - (_ASCENT + _DESCENT) * size) / 2 + _ASCENT * size)


def _lines(c: Canvas, lines: list[str], x: float, top: float, w: float, size: float, bold: bool, colour: str, right):
    c.setFont(_fonts()[bold], size)
    c.setFillColor(HexColor(f"#{colour}"))
    for i, line in enumerate(lines):
        if right:
            c.drawRightString(x + w, _baseline(top, size, i), line)
        else:
            c.drawString(x, _baseline(top, size, i), line)


def _text(c: Canvas, t: Text) -> None:
    top = t.y
    for k, lines in enumerate(t.lines):
        if t.marker:
            mark = f"{t.start + k}." if t.marker == "number" else BULLET
            _lines(c, [mark], t.x, top, t.indent, t.size, t.bold, t.colour, False)
        _lines(c, lines, t.x + t.indent, top, t.w - t.indent, t.size, t.bold, t.colour, t.align == "right")
        top += len(lines) * line_height(t.size) + t.gap


def _rect(c: Canvas, x: float, y: float, w: float, h: float, fill: str) -> None:
    c.setFillColor(HexColor(f"#{fill}"))
    c.rect(x, SLIDE_H - y - h, w, h, stroke=0, fill=1)


def _box(c: Canvas, b: Box) -> None:
    _rect(c, b.x, b.y, b.w, b.h, b.fill)


def _grid(c: Canvas, g: Grid) -> None:
    top = g.y
    for i, height in enumerate(g.heights):
        x = g.x
        for j, width in enumerate(g.widths):
            if i == 0:
                words, fill, bold, colour = g.header[j], NAVY, True, WHITE
            else:
                words, bold, colour = g.rows[i - 1][j], False, INK
                fill = g.fills[i - 1][j] or (ZEBRA if i % 2 == 0 else WHITE)
            _rect(c, x, top, width, height, fill)
            _rect(c, x, top + height - 0.5, width, 0.5, RULE)
            inner = width - 2 * CELL_PAD_X
            lines = wrap(words, inner, g.size, bold)
            middle = top + (height - len(lines) * line_height(g.size)) / 2  # centred top to bottom, as in the deck
            _lines(c, lines, x + CELL_PAD_X, middle, inner, g.size, bold, colour, g.right[j] and i > 0)
            x += width
        top += height


def _picture(c: Canvas, p: Picture) -> None:
    c.drawImage(ImageReader(io.BytesIO(p.png)), p.x, SLIDE_H - p.y - p.h, p.w, p.h)


_DRAW = {Text: _text, Box: _box, Grid: _grid, Picture: _picture}


def render(slides: list[Slide], content: PackContent) -> bytes:
    """The laid-out slides as a PDF."""
    out = io.BytesIO()
    c = Canvas(out, pagesize=(SLIDE_W, SLIDE_H), pageCompression=1, initialFontName=_fonts()[False])
    c.setTitle(content.title)
    c.setSubject(f"Star Chamber meeting pack, {content.meeting}, reviewing {content.review}")
    for i, slide in enumerate(slides):
        for element in slide.elements:
            _DRAW[type(element)](c, element)
        key = f"p{i}"
        c.bookmarkPage(key)
        c.addOutlineEntry(slide.title, key, level=0)
        c.showPage()
    c.save()
    return out.getvalue()
