"""The Star Chamber meeting pack: one set of content, laid out once (analytics.pack.plan) on 16:9 slides, and
drawn as a PowerPoint deck (analytics.pack.pptx) and as a PDF of the same pages (analytics.pack.pdf).

Every slide carries the same footer stamp: the district, the meeting, the quarter reviewed, the suppression
thresholds, the survey data's last date and, where it is, SYNTHETIC. Text from the data is always drawn as
text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class PackTable:
    """A table as shown: its text, and per cell the verdict that colours it (None: no colour)."""

    frame: pd.DataFrame
    fills: pd.DataFrame | None = None  # same shape as ``frame``: verdict words (see style.VERDICT_FILLS)
    key: list[tuple[str | None, str]] = field(default_factory=list)  # (verdict or None, words) under the table


@dataclass
class PackSection:
    """One idea: a titled slide (continued on further slides when it is too long for one).

    ``body`` is a list of paragraphs (``kind`` "numbered" or "bullets"), a PackTable ("table"), or a chart
    builder taking the frame's width and height in points and returning a PNG ("chart").
    """

    title: str
    lede: str
    kind: str
    body: list[str] | PackTable | Callable[[float, float], bytes]
    notes: str = ""
    paragraph_notes: list[str] = field(default_factory=list)  # per paragraph; follows it onto a continuation


@dataclass
class PackContent:
    """Everything the pack shows, independent of the file format."""

    district: str
    meeting: str  # the meeting's date, in words
    review: str  # the quarter reviewed, in words
    data_to: str  # the survey data's last date
    thresholds: str  # the suppression rule, in words
    synthetic: bool
    stamp_parts: list[tuple[str, str]]  # (long, short) forms; see layout.fit_stamp
    sections: list[PackSection]
    title_notes: str = ""

    @property
    def title(self) -> str:
        return f"Star Chamber: {self.district}"

    def section(self, title: str) -> PackSection:
        """The section with this title."""
        return next(s for s in self.sections if s.title == title)
