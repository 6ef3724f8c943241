"""Financial-year periods: April to March."""

from datetime import date

import pytest

from analytics import periods


@pytest.mark.parametrize(
    ("d", "label"),
    [
        (date(2018, 10, 1), "Q3 2018/19"),
        (date(2018, 12, 31), "Q3 2018/19"),
        (date(2019, 1, 1), "Q4 2018/19"),
        (date(2019, 3, 31), "Q4 2018/19"),
        (date(2019, 4, 1), "Q1 2019/20"),
        (date(2020, 6, 15), "Q1 2020/21"),
        (date(1999, 7, 1), "Q2 1999/00"),
    ],
)
def test_quarter_label(d, label):
    assert periods.quarter_label(d) == label


def test_quarter_key_round_trip_over_twenty_years():
    q = date(2010, 4, 1)
    for _ in range(80):
        assert periods.parse_quarter_key(periods.quarter_key(q)) == q
        q = periods.add_quarters(q, 1)


@pytest.mark.parametrize("bad", ["2018-20-Q1", "2018Q3", "2018-19-Q5", "", "latest", "2018-19-Q3; DROP TABLE x"])
def test_parse_quarter_key_rejects_malformed(bad):
    with pytest.raises(ValueError):
        periods.parse_quarter_key(bad)


def test_quarter_arithmetic():
    assert periods.add_quarters(date(2018, 11, 5), -4) == date(2017, 10, 1)
    assert periods.quarters_between(date(2018, 12, 1), date(2019, 4, 2)) == [
        date(2018, 10, 1),
        date(2019, 1, 1),
        date(2019, 4, 1),
    ]
    assert periods.fy_label(2018) == "2018/19"


def test_quarter_end():
    assert periods.quarter_end(date(2019, 2, 1)) == date(2019, 3, 31)
    assert periods.quarter_end(date(2026, 4, 1)) == date(2026, 6, 30)
