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


def test_xlsx_keeps_numbers_numeric_and_stores_text_as_text():
    import openpyxl

    from analytics.export import xlsx_bytes

    frame = pd.DataFrame(
        {
            "district": ['=HYPERLINK("http://evil","x")', "Harlow", None],
            "pct": [-1.5, 62.0, float("nan")],
            "n": [1, 2, 3],
        }
    )
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("district", "pct", "n")
    assert rows[1] == ('\'=HYPERLINK("http://evil","x")', -1.5, 1)
    assert rows[2] == ("Harlow", 62.0, 2) and rows[3] == (None, None, 3)
    cells = next(iter(ws.iter_rows(min_row=2, max_row=2)))
    assert cells[0].data_type == "s" and cells[1].data_type == "n"  # text never becomes a formula
