"""Measured layout for the meeting pack: line breaks, table columns and rows, pages, and the footer stamp.

Everything is measured with the pack's font (analytics.pack.style.text_width), in points. A line is broken
only between words, so a number or a word is never split: each table column is at least as wide as its
longest word, and a table longer than its frame continues on further slides with its header repeated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analytics.pack.style import CELL_PAD_X, CELL_PAD_Y, LINE_SPACING, SLACK, text_width

TABLE_SIZES = (14.0, 13.0, 12.0, 11.0, 10.0, 9.0)  # tried largest first
READABLE = 12.0  # a table is not shrunk below this to fit one slide: it continues on the next instead
STAMP_NAME_MIN = 12  # letters of the district's name the stamp keeps before it leaves other parts out
# A figure, a range of figures, a dash for "none" or nothing: such columns are right-aligned.
_FIGURE = re.compile(r"^([−+\-]?[\d,.]+%?(–[\d,.]+%?)?|–|)$")


# Pieces a line never separates, joined by no-break spaces: a figure and the short note or mark after it
# ("+2.5 (n.s.)", "−13.4 (not tested)", "45 (low base)", "−9.3 ▼"), a quarter ("Q1 2025/26"), a p-value
# ("p = 0.042").
_FIGURE_NOTE = re.compile(r"(?<=\d)(%?) (\([^()\d]{1,14}\)|[▲▼])")
_KEEP_TOGETHER = (
    re.compile(r"(?<=\bQ[1-4]) (?=\d{4}/\d{2})"),
    re.compile(r"(?<=\bp) (?=[=<] )|(?<=\bp [=<]) (?=\d)"),
)


def keep_together(text: str) -> str:
    """``text`` with no-break spaces where a line must not separate its pieces (see _FIGURE_NOTE)."""
    text = _FIGURE_NOTE.sub(lambda m: f"{m[1]}\u00a0{m[2].replace(' ', chr(0xA0))}", text)
    for pattern in _KEEP_TOGETHER:
        text = pattern.sub("\u00a0", text)
    return text


def words(text: str) -> list[str]:
    """The unbreakable pieces of ``text``: split at spaces and tabs only (a number, a hyphenated word and words
    joined by a no-break space stay whole)."""
    return [w for w in re.split(r"[ \t]+", text) if w]


def measure(text: str, size: float, bold: bool = False) -> float:
    """Width used for layout: the measured width with the safety margin."""
    return _em_width(text, bold) * size


@lru_cache(maxsize=65536)
def _em_width(text: str, bold: bool) -> float:
    return text_width(text, 1.0, bold) * SLACK


def longest_word(text: str, size: float, bold: bool = False) -> float:
    return max((measure(w, size, bold) for w in words(text)), default=0.0)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy line breaking between words, each paragraph (\\n) on its own lines; a renderer given the same
    width breaks no earlier, so it needs no more lines than these."""
    lines: list[str] = []
    space = measure(" ", size, bold)
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in words(paragraph):
            w = measure(word, size, bold)
            if line and used + space + w > width:
                lines.append(line)
                line, used = word, w
            else:
                line, used = (f"{line} {word}" if line else word), (used + space + w if line else w)
        lines.append(line)
    return lines


def line_height(size: float) -> float:
    return size * LINE_SPACING


@dataclass
class TableLayout:
    """Where a table's text goes: its font size, column widths, row heights and the rows on each page."""

    size: float
    widths: list[float]
    header_height: float
    row_heights: list[float]
    pages: list[list[int]]
    right: list[bool]  # right-aligned (numeric) columns


def _cell_height(text: str, width: float, size: float, bold: bool = False) -> float:
    return len(wrap(text, width - 2 * CELL_PAD_X, size, bold)) * line_height(size) + 2 * CELL_PAD_Y


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], width: float, size: float):
    """Widths from the measured text; None when the longest words alone do not fit across ``width``.

    Each column is at least as wide as its longest word. When every cell fits on one line, the room left goes
    first to headers that would wrap. Otherwise the room left is given out a step at a time to the column where
    it saves the most lines (the table's height, header included) for the width it takes.
    """
    cols = range(len(header))
    pad = 2 * CELL_PAD_X
    low = [max([longest_word(header[j], size, True)] + [longest_word(r[j], size) for r in rows]) + pad for j in cols]
    body = [max([measure(r[j], size) + pad for r in rows] + [low[j]]) for j in cols]
    full = [max(body[j], measure(header[j], size, True) + pad) for j in cols]
    if sum(low) > width:
        return None
    if sum(full) <= width:
        return [w * width / sum(full) for w in full]
    if sum(body) <= width:
        return _share(body, full, width)
    widths = _fewest_lines(header, rows, low, body, width, size)
    return _share(widths, full, width)


def _cost(lines: np.ndarray) -> float:
    """The table's height in lines, then (a tenth as much) every wrapped line of every cell."""
    return float(lines.max(axis=1).sum() + 0.1 * lines.sum())


def _fewest_lines(header, rows, low: list[float], body: list[float], width: float, size: float) -> list[float]:
    """Greedy: from each column's longest word, steps of width to the column saving the most lines per point
    (looking ahead to the next width at which it saves any), until the room is used or no line can be saved.
    Lines that make a row taller count most; a cell's wrapped lines that do not, a little."""
    pad = 2 * CELL_PAD_X
    step = max((width - sum(low)) / 40, 2.0)
    cache: dict[tuple[int, int], np.ndarray] = {}

    def lines(j: int, k: int) -> np.ndarray:  # the column's line counts (header first) at low + k steps
        if (j, k) not in cache:
            w = min(low[j] + k * step, body[j]) - pad
            cache[j, k] = np.array(
                [len(wrap(header[j], w, size, True))] + [len(wrap(r[j], w, size)) for r in rows], dtype=float
            )
        return cache[j, k]

    steps = [0] * len(low)
    matrix = np.column_stack([lines(j, 0) for j in range(len(low))])
    spare = width - sum(low)
    while spare >= step:
        total, best = _cost(matrix), None
        for j in range(len(low)):
            for k in range(steps[j] + 1, steps[j] + 1 + int(spare // step)):
                if low[j] + (k - 1) * step >= body[j]:
                    break
                trial = matrix.copy()
                trial[:, j] = lines(j, k)
                saved = total - _cost(trial)
                if saved > 0:
                    rate = saved / (k - steps[j])
                    if best is None or rate > best[0]:
                        best = (rate, j, k)
                    break
        if best is None:
            break
        _, j, k = best
        spare -= (k - steps[j]) * step
        steps[j] = k
        matrix[:, j] = lines(j, k)
    return [min(low[j] + steps[j] * step, body[j]) for j in range(len(low))]


def _share(base: list[float], want: list[float], width: float) -> list[float]:
    """``base`` plus the room left across ``width``, shared in proportion to how far each is below ``want``."""
    need = [max(w - b, 0.0) for b, w in zip(base, want, strict=True)]
    spare = width - sum(base)
    if sum(need) == 0:
        return [b + spare / len(base) for b in base]
    return [b + spare * n / sum(need) for b, n in zip(base, need, strict=True)]


def _pages(heights: list[float], room: float) -> list[list[int]] | None:
    """Rows split into as few pages as fit ``room``, balanced: the smallest page capacity giving that count;
    None when one row alone is taller than ``room``."""

    def greedy(capacity: float) -> list[list[int]]:
        pages, used = [[]], 0.0
        for i, h in enumerate(heights):
            if pages[-1] and used + h > capacity:
                pages.append([])
                used = 0.0
            pages[-1].append(i)
            used += h
        return pages

    if not heights:
        return [[]]
    if max(heights) > room:
        return None
    fewest = len(greedy(room))
    lo, hi = max(heights), room
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if len(greedy(mid)) <= fewest else (mid, hi)
    return greedy(hi)


def layout_table(header: Sequence[str], rows: Sequence[Sequence[str]], width: float, height: float) -> TableLayout:
    """The largest font size, not below READABLE, at which the table fits one slide of ``width`` x ``height``;
    failing that, the rows continued over the fewest slides at a readable size (the largest giving that
    fewest); only when no readable size fits the words across, smaller sizes. Raises ValueError when even the
    smallest size cannot fit each column's longest word."""
    layouts = []
    for size in TABLE_SIZES:
        widths = _column_widths(header, rows, width, size)
        if widths is None:
            continue
        head = max(_cell_height(h, w, size, True) for h, w in zip(header, widths, strict=True))
        heights = [max(_cell_height(c, w, size) for c, w in zip(r, widths, strict=True)) for r in rows]
        pages = _pages(heights, height - head)
        if pages is None:
            continue
        right = [all(_FIGURE.match(r[j]) for r in rows) and any(r[j] for r in rows) for j in range(len(header))]
        layouts.append(TableLayout(size, widths, head, heights, pages, right))
    if not layouts:
        raise ValueError("a table's words do not fit across the slide even at the smallest size")
    readable = [t for t in layouts if t.size >= READABLE] or layouts[:1]
    fewest = min(len(t.pages) for t in readable)
    return next(t for t in readable if len(t.pages) == fewest)


def fit_paragraphs(
    paragraphs: Sequence[str], width: float, height: float, sizes: Sequence[float], gap: float = 0.5
) -> tuple[float, list[list[int]]]:
    """The largest size at which the paragraphs (with ``gap`` lines between them) fit ``width`` x ``height``;
    when none does, the smallest size with the paragraphs spread over as few slides as fit."""
    for size in sizes:
        heights = [len(wrap(p, width, size)) * line_height(size) + gap * line_height(size) for p in paragraphs]
        pages = _pages(heights, height + gap * line_height(size))
        if pages is not None and (len(pages) == 1 or size == sizes[-1]):
            return size, pages
    raise ValueError("a paragraph is taller than the slide even at the smallest size")


def paragraph_height(text: str, width: float, size: float, bold: bool = False) -> float:
    return len(wrap(text, width, size, bold)) * line_height(size)


def fit_stamp(parts: Sequence[tuple[str, str]], width: float, size: float, keep_last: bool = True) -> str:
    """The footer stamp on one line of ``width``: its parts (long form, short form) joined by ' · '.

    While too wide: the parts take their short forms one at a time, last first; then the first part (the
    district) loses letters at its end, marked '…', down to STAMP_NAME_MIN letters; then parts are left out,
    last first (never the first); then the first part loses more letters. ``keep_last`` keeps the last part
    (the synthetic-data warning) whole and always there."""
    forms = [long for long, _ in parts]
    inner = range(1, len(parts) - (1 if keep_last else 0))

    def fits() -> bool:
        return measure(" · ".join(f for f in forms if f), size) <= width

    def shorten_name(floor: int) -> None:
        name = parts[0][1]
        while not fits() and len(name) > floor:
            name = name[:-1].rstrip()
            forms[0] = name + "…"

    for i in [*reversed(inner), 0]:
        if fits():
            break
        forms[i] = parts[i][1]
    shorten_name(STAMP_NAME_MIN)
    for i in reversed(inner):
        if fits():
            break
        forms[i] = ""
    shorten_name(1)
    return " · ".join(f for f in forms if f)
