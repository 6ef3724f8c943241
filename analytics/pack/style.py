"""The meeting pack's look, decided once: the font and how text is measured, the characters it may use,
the colours, and the slide's geometry (in points: a 16:9 slide is 960 x 540).

The deck names Arial (PowerPoint has it); the PDF embeds Liberation Sans, drawn to Arial's metrics, and
LibreOffice draws Arial with it. Text is measured with the same Liberation Sans files (assets/fonts), so a
column measured wide enough here is wide enough in PowerPoint, LibreOffice and the PDF.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

from PIL import ImageFont

from analytics.config import PROJECT_ROOT
from analytics.verdicts import FLAG_MARK, FLAGGED

FONT_DIR = PROJECT_ROOT / "assets" / "fonts"
FONT_FILES = {False: FONT_DIR / "LiberationSans-Regular.ttf", True: FONT_DIR / "LiberationSans-Bold.ttf"}
DECK_FONT = "Arial"  # what the deck names; Liberation Sans has the same widths, character by character
PDF_FONTS = {False: "LiberationSans", True: "LiberationSans-Bold"}  # embedded in the PDF
_UNITS = 1000  # measured at 1,000 px to the em, so rounding to whole pixels never matters

# Characters the pack may draw beyond Latin-1 and Latin Extended-A: all in Arial's long-standing character
# set (WGL4) and in Liberation Sans, so PowerPoint, LibreOffice and the PDF draw each one with the pack's font.
_EXTRA = "–—‘’‚“”„†‡•…‰‹›€™−▲▼►◄●○■□♦√≤≥≠≈∞∆∑∂∏∫"
# Symbols the app uses that these fonts lack, and what the pack writes instead.
SYMBOL_WORDS = {FLAG_MARK: f"({FLAGGED})", "◆": "♦", "\u2009": " ", "\u202f": " "}
MISSING = "?"  # any other character the fonts lack (never silently dropped)

LINE_SPACING = 1.2  # every line is exactly 1.2 x its font size, in the deck and in the PDF

# Colours (RGB hex). Better and worse are the app's cell colours (ui.widgets), always with words beside them.
NAVY = "1D4F91"
INK = "1B1B1B"
MUTED = "4D4D4D"
RULE = "BFC7D5"
ZEBRA = "F3F5F9"
WHITE = "FFFFFF"
BETTER_FILL = "D6E6F5"
WORSE_FILL = "FDE2CC"
SYNTHETIC_FILL = "B34700"  # the synthetic-data badge: white on burnt orange
VERDICT_FILLS = {
    "better": BETTER_FILL,
    "improved": BETTER_FILL,
    "exceeds expectations": BETTER_FILL,
    "worse": WORSE_FILL,
    "declined": WORSE_FILL,
    "below expectations": WORSE_FILL,
    "overdue": WORSE_FILL,
    "short of plan": WORSE_FILL,  # a District Engagement Plan line not or part delivered
}

# Geometry, in points (72 to the inch).
SLIDE_W, SLIDE_H = 960.0, 540.0
MARGIN = 36.0  # nothing is drawn closer than this to an edge
TITLE_SIZE, LEDE_SIZE, BODY_SIZE, STAMP_SIZE = 26.0, 14.0, 18.0, 9.0
TITLE_TOP = MARGIN
BODY_TOP = 110.0  # below the title and its one-line lede
FOOTER_TOP = SLIDE_H - MARGIN - STAMP_SIZE * LINE_SPACING
BODY_BOTTOM = FOOTER_TOP - 20.0
CONTENT_W = SLIDE_W - 2 * MARGIN
CELL_PAD_X, CELL_PAD_Y = 5.0, 3.0
SLACK = 1.015  # a measured width is taken 1.5% wider, so a renderer's rounding never breaks a line earlier


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILES[bold]), _UNITS)


@lru_cache(maxsize=4096)
def _advance(char: str, bold: bool) -> float:
    return _font(bold).getlength(char) / _UNITS


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` at ``size`` points: the sum of the characters' advances (no kerning,
    which only narrows text, so this is never less than what a renderer draws)."""
    return sum(_advance(c, bold) for c in text) * size


@cache
def _cmap(bold: bool) -> frozenset[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(str(FONT_FILES[bold])).charToGlyph)


def safe_char(char: str) -> bool:
    """True when the pack's fonts (regular and bold) and Arial all have ``char``."""
    code = ord(char)
    listed = 0x20 <= code <= 0x7E or 0xA0 <= code <= 0x17F or char in _EXTRA or char in "\n"
    return listed and (char == "\n" or (code in _cmap(False) and code in _cmap(True)))


def drawable(value) -> str:
    """``value`` as text the pack's fonts can draw: the app's symbols the fonts lack become words or a
    near equivalent, a compatibility form becomes its plain form, control characters become spaces, and any other
    character the fonts lack becomes '?'."""
    text = "" if value is None else str(value)
    for symbol, words in SYMBOL_WORDS.items():
        text = text.replace(symbol, words)
    out = []
    for char in text:
        if safe_char(char):
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKC", char)
        if plain and all(safe_char(c) for c in plain):
            out.append(plain)
        elif unicodedata.category(char).startswith(("C", "Z")):
            out.append(" ")
        else:
            out.append(MISSING)
    return "".join(out)
