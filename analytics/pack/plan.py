"""The meeting pack laid out: every slide as positioned, measured elements (in points, top left origin),
which the PowerPoint and PDF renderers draw as they are. Nothing is placed outside the margins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.pack.content import PackContent, PackSection, PackTable
from analytics.pack.layout import (
    fit_paragraphs,
    fit_stamp,
    keep_together,
    layout_table,
    line_height,
    measure,
    wrap,
)
from analytics.pack.style import (
    BODY_BOTTOM,
    CONTENT_W,
    FOOTER_TOP,
    INK,
    LEDE_SIZE,
    MARGIN,
    MUTED,
    NAVY,
    RULE,
    SLIDE_W,
    STAMP_SIZE,
    SYNTHETIC_FILL,
    TITLE_SIZE,
    VERDICT_FILLS,
    WHITE,
    drawable,
)

BODY_SIZES = (20.0, 18.0, 16.0, 15.0, 14.0)
LIST_INDENT = 30.0
BULLET = "\u2022"


@dataclass
class Text:
    """Paragraphs in a box; ``lines`` are the measured line breaks (the PDF draws these; PowerPoint and
    LibreOffice, given the same box, break no earlier)."""

    x: float
    y: float
    w: float
    h: float
    paragraphs: list[str]
    size: float
    bold: bool = False
    colour: str = INK
    align: str = "left"
    marker: str | None = None  # "number" or "bullet": each paragraph marked, with a hanging indent
    start: int = 1  # the first paragraph's number
    gap: float = 0.0  # points after each paragraph
    role: str = ""  # "title": the slide's title (its placeholder in the deck)
    lines: list[list[str]] = field(default_factory=list)

    @property
    def indent(self) -> float:
        return LIST_INDENT if self.marker else 0.0


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass
class Grid:
    """A table (one page of it): header, rows, each cell's fill (None: the row's band colour)."""

    x: float
    y: float
    widths: list[float]
    heights: list[float]  # header first
    size: float
    header: list[str]
    rows: list[list[str]]
    fills: list[list[str | None]]
    right: list[bool]

    @property
    def w(self) -> float:
        return sum(self.widths)

    @property
    def h(self) -> float:
        return sum(self.heights)


@dataclass
class Picture:
    x: float
    y: float
    w: float
    h: float
    png: bytes


@dataclass
class Slide:
    title: str
    elements: list = field(default_factory=list)
    notes: str = ""


def text(x, y, w, paragraphs, size, bold=False, **kw) -> Text:
    """A text box exactly as tall as its measured lines."""
    paragraphs = [keep_together(drawable(p)) for p in paragraphs]
    t = Text(x, y, w, 0.0, paragraphs, size, bold, **kw)
    t.lines = [wrap(p, w - t.indent, size, bold) for p in paragraphs]
    t.h = sum(len(lines) for lines in t.lines) * line_height(size) + t.gap * len(paragraphs)
    return t


def _heading(slide: Slide, title: str, lede: str) -> float:
    """The slide's title and lede; returns where the body starts."""
    head = text(MARGIN, MARGIN, CONTENT_W, [title], TITLE_SIZE, True, colour=NAVY, role="title")
    slide.elements.append(head)
    top = head.y + head.h + 4
    if lede:
        sub = text(MARGIN, top, CONTENT_W, [lede], LEDE_SIZE, colour=MUTED)
        slide.elements.append(sub)
        top = sub.y + sub.h
    return top + 14


def _part_title(title: str, i: int, n: int) -> str:
    return title if n == 1 else f"{title} ({i + 1} of {n})"


def _paragraph_slides(section: PackSection) -> list[Slide]:
    paragraphs = [drawable(p) for p in section.body] or ["Nothing to show."]
    probe = Slide(section.title)
    top = _heading(probe, _part_title(section.title, 0, 2), section.lede)
    marker = {"numbered": "number", "bullets": "bullet"}.get(section.kind)
    width = CONTENT_W - (LIST_INDENT if marker else 0)
    size, pages = fit_paragraphs(paragraphs, width, BODY_BOTTOM - top, BODY_SIZES)
    slides, start = [], 1
    for i, page in enumerate(pages):
        slide = Slide(_part_title(section.title, i, len(pages)))
        top = _heading(slide, slide.title, section.lede)
        body = [paragraphs[j] for j in page]
        gap = 0.5 * line_height(size)
        slide.elements.append(text(MARGIN, top, CONTENT_W, body, size, marker=marker, start=start, gap=gap))
        start += len(page)
        notes = [section.paragraph_notes[j] for j in page if j < len(section.paragraph_notes)]
        slide.notes = "\n\n".join([section.notes, *notes]).strip()
        slides.append(slide)
    return slides


def _table_slides(section: PackSection) -> list[Slide]:
    table: PackTable = section.body
    header = [drawable(c) for c in table.frame.columns]
    rows = [[keep_together(drawable(v if v == v else "")) for v in row] for row in table.frame.itertuples(index=False)]
    verdicts = table.fills.to_numpy().tolist() if table.fills is not None else [[None] * len(header)] * len(rows)
    probe = Slide(section.title)
    top = _heading(probe, _part_title(section.title, 0, 2), section.lede)
    key = _key(table.key, 0.0)
    room = BODY_BOTTOM - top - (key[-1].y + key[-1].h + 10 if key else 0)
    layout = layout_table(header, rows, CONTENT_W, room)
    slides = []
    for i, page in enumerate(layout.pages):
        slide = Slide(_part_title(section.title, i, len(layout.pages)), notes=section.notes)
        top = _heading(slide, slide.title, section.lede)
        grid = Grid(
            MARGIN,
            top,
            layout.widths,
            [layout.header_height] + [layout.row_heights[r] for r in page],
            layout.size,
            header,
            [rows[r] for r in page],
            [[VERDICT_FILLS.get(v) if isinstance(v, str) else None for v in verdicts[r]] for r in page],
            layout.right,
        )
        slide.elements.append(grid)
        slide.elements += _key(table.key, grid.y + grid.h + 10)
        slides.append(slide)
    return slides


def _key(entries: list[tuple[str | None, str]], top: float) -> list:
    """The colour key: a chip in each verdict's colour followed by its words, left to right, on as many lines
    as it needs."""
    out, x, size = [], MARGIN, 12.0
    for verdict, words in entries:
        width = (28 if verdict is not None else 0) + measure(drawable(words), size) + 2
        if x > MARGIN and x + width > MARGIN + CONTENT_W:
            x, top = MARGIN, top + line_height(size) + 6
        if verdict is not None:
            out.append(Box(x, top + 1, 22, line_height(size) - 2, VERDICT_FILLS[verdict]))
            x += 28
        label = text(x, top, min(measure(drawable(words), size) + 2, MARGIN + CONTENT_W - x), [words], size)
        out.append(label)
        x += label.w + 22
    return out


def _chart_slides(section: PackSection) -> list[Slide]:
    slide = Slide(section.title, notes=section.notes)
    top = _heading(slide, section.title, section.lede)
    frame_w, frame_h = CONTENT_W, BODY_BOTTOM - top
    png = section.body(frame_w, frame_h)
    from analytics.pack.charts import png_size

    pw, ph = png_size(png)
    scale = min(frame_w / pw, frame_h / ph)
    slide.elements.append(Picture(MARGIN, top, pw * scale, ph * scale, png))
    return [slide]


def _title_slide(content: PackContent) -> Slide:
    """The district and the meeting on a navy band; below it the quarter reviewed, the data's date and the
    small-base rule; the synthetic-data badge where it applies."""
    slide = Slide(content.title, notes=content.title_notes)
    pad, inner = 32.0, CONTENT_W - 64.0
    kicker = text(MARGIN + pad, MARGIN + pad, inner, ["STAR CHAMBER MEETING PACK"], 14, True, colour="C9D6EA")
    district = drawable(content.district)
    size = next((s for s in (44.0, 40.0, 36.0, 32.0, 28.0) if len(wrap(district, inner, s, True)) <= 2), 24.0)
    name = text(MARGIN + pad, 0, inner, [district], size, True, colour=WHITE, role="title")
    when = text(MARGIN + pad, 0, inner, [f"Meeting on {content.meeting}"], 22, colour=WHITE)
    bottom = max(MARGIN + 250.0, kicker.y + kicker.h + 24 + name.h + 10 + when.h + pad)
    when.y = bottom - pad - when.h
    name.y = when.y - 10 - name.h
    slide.elements += [Box(MARGIN, MARGIN, CONTENT_W, bottom - MARGIN, NAVY), kicker, name, when]
    top, label_w = bottom + 26, 200.0
    for label, value in (
        ("Quarter reviewed", content.review),
        ("Survey data to", content.data_to),
        ("Small bases", content.thresholds),
    ):
        left = text(MARGIN, top + 5, label_w - 10, [label], 14, True, colour=MUTED)
        right = text(MARGIN + label_w, top, CONTENT_W - label_w, [value], 20)
        slide.elements += [left, right]
        top += max(left.h + 5, right.h) + 10
    if content.synthetic:
        words = drawable("SYNTHETIC DEMO DATA: these are not real figures")
        badge = text(MARGIN + 12, top + 16, CONTENT_W - 24, [words], 16, True, colour=WHITE)
        width = min(measure(words, 16, True) + 26, CONTENT_W)
        slide.elements += [Box(MARGIN, top + 10, width, badge.h + 12, SYNTHETIC_FILL), badge]
    return slide


def plan(content: PackContent) -> list[Slide]:
    """Every slide of the pack: the title, then each section on one or more slides, each with its footer."""
    slides = [_title_slide(content)]
    for section in content.sections:
        if section.kind == "table":
            slides += _table_slides(section)
        elif section.kind == "chart":
            slides += _chart_slides(section)
        else:
            slides += _paragraph_slides(section)
    for i, slide in enumerate(slides, start=1):
        _footer(slide, content, i, len(slides))
        slide.notes = drawable(slide.notes)
    return slides


def _footer(slide: Slide, content: PackContent, page: int, pages: int) -> None:
    number = f"{page} / {pages}"
    number_w = measure(number, STAMP_SIZE) + 2
    stamp_w = CONTENT_W - number_w - 16
    parts = [(drawable(long), drawable(short)) for long, short in content.stamp_parts]
    stamp = fit_stamp(parts, stamp_w, STAMP_SIZE)
    slide.elements += [
        Box(MARGIN, FOOTER_TOP - 6, CONTENT_W, 0.75, RULE),
        text(MARGIN, FOOTER_TOP, stamp_w, [stamp], STAMP_SIZE, colour=MUTED),
        text(SLIDE_W - MARGIN - number_w, FOOTER_TOP, number_w, [number], STAMP_SIZE, colour=MUTED, align="right"),
    ]
