"""Text columns are kept by Python, not Arrow, in every process that imports analytics (analytics/__init__.py)."""

from datetime import date

import pandas as pd

from analytics.survey import trends


def test_text_read_and_worked_out_is_python_stored(db):
    assert pd.get_option("mode.string_storage") == "python"
    figures = trends.district_trends(db, "police_job", date(2024, 4, 1), date(2025, 1, 1), ["harlow"])
    text = [c for c in figures.columns if isinstance(figures[c].dtype, pd.StringDtype)]
    assert text, "the figures carry text columns"
    assert {figures[c].dtype.storage for c in text} == {"python"}
    # Missing text is still NaN, as with Arrow storage: the two differ only in where the text is kept.
    assert pd.isna(pd.Series(["a", None], dtype="str")[1])
