"""Downloads are safe from spreadsheet formula injection; numbers stay numbers."""

import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from analytics.export import csv_bytes, escape_formula, safe_frame


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Harlow", "Harlow"),
        ("", ""),
        (-5, -5),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_escape_formula(cell, expected):
    assert escape_formula(cell) == expected


def test_csv_keeps_numbers_numeric_and_escapes_text():
    frame = pd.DataFrame({"district": ["=cmd|' /C calc'!A0", "Harlow"], "pct": [-1.5, 62.0], "n": [120, 80]})
    out = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig")
    assert list(out["district"]) == ["'=cmd|' /C calc'!A0", "Harlow"]
    assert out["pct"].tolist() == [-1.5, 62.0]
    assert out["n"].dtype.kind == "i"


def test_column_names_are_escaped_too():
    assert list(safe_frame(pd.DataFrame({"=x": [1]})).columns) == ["'=x"]


@given(hs.lists(hs.text(), min_size=1, max_size=20))
def test_no_text_cell_starts_a_formula(cells):
    out = safe_frame(pd.DataFrame({"c": cells}))["c"]
    for original, written in zip(cells, out, strict=True):
        assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert written in (original, "'" + original)
