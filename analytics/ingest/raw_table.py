"""What every reader gives: a file's cells, whatever the format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawTable:
    """A file's cells: column names, and rows each with its row number as the file shows it."""

    columns: list[str]
    rows: list[tuple[int, list[Any]]]
    kind: str
    encoding: str = ""
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    notes: list[str] = field(default_factory=list)
    cell_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
