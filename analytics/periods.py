"""Financial-year periods: UK police report April to March.

Periods are stored as dates (the first day of a quarter or month); labels are
derived here and nowhere else. "Q3 2018/19" is October to December 2018.
"""

from __future__ import annotations

import re
from datetime import date

_KEY = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$", re.IGNORECASE)


def quarter_start(d: date) -> date:
    """First day of the (calendar-aligned) quarter containing ``d``."""
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def financial_year(d: date) -> int:
    """The calendar year in which the financial year containing ``d`` starts."""
    return d.year if d.month >= 4 else d.year - 1


def fy_quarter(d: date) -> int:
    """Financial-year quarter (1 = April to June) containing ``d``."""
    return ((d.month - 4) % 12) // 3 + 1


def fy_label(start_year: int) -> str:
    """Label of the financial year starting in April of ``start_year``: ``2018/19``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def quarter_label(d: date) -> str:
    """Label of the quarter containing ``d``: ``Q3 2018/19``."""
    return f"Q{fy_quarter(d)} {fy_label(financial_year(d))}"


def quarter_key(d: date) -> str:
    """URL-safe key of the quarter containing ``d``: ``2018-19-Q3``."""
    fy = financial_year(d)
    return f"{fy}-{(fy + 1) % 100:02d}-Q{fy_quarter(d)}"


def parse_quarter_key(key: str) -> date:
    """First day of the quarter named by ``key`` (``2018-19-Q3``); ValueError if malformed."""
    m = _KEY.match(key.strip())
    if not m:
        raise ValueError(f"{key!r} is not a quarter such as 2018-19-Q3")
    fy, fy_end, q = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if (fy + 1) % 100 != fy_end:
        raise ValueError(f"{key!r}: {fy_end:02d} does not follow {fy}")
    month = 3 * (q - 1) + 4
    year = fy if month <= 12 else fy + 1
    return date(year, (month - 1) % 12 + 1, 1)


def add_quarters(d: date, n: int) -> date:
    """First day of the quarter ``n`` quarters after the one containing ``d``."""
    q = quarter_start(d)
    months = q.year * 12 + (q.month - 1) + 3 * n
    return date(months // 12, months % 12 + 1, 1)


def quarters_between(first: date, last: date) -> list[date]:
    """Quarter starts from the quarter of ``first`` to that of ``last``, inclusive."""
    out, q, end = [], quarter_start(first), quarter_start(last)
    while q <= end:
        out.append(q)
        q = add_quarters(q, 1)
    return out


def quarter_end(d: date) -> date:
    """Last day of the quarter containing ``d``."""
    return date.fromordinal(add_quarters(d, 1).toordinal() - 1)
