"""Every table the pages draw (through app.py with AppTest) shows numbers with thousands separators."""

import json
import re

import pandas as pd
import pytest

from tests.app_runner import run_app
from tests.conftest import open_data_sections

# Every page with tables, and each of the trends page's sections (only the open one runs).
VIEWS = [
    ("app_pages/overview.py", {}),
    *[("app_pages/trends.py", {"district": ["harlow", "southend"], "section": s}) for s in ("districts", "answers")],
    *[("app_pages/trends.py", {"district": ["harlow", "southend"], "section": s}) for s in ("funnel", "groups")],
    ("app_pages/star_chamber.py", {"round": "2026-09", "presenting": "southend"}),
    ("app_pages/activity_map.py", {}),
    ("app_pages/social.py", {}),
]
# A number written out as text (a cell that is a number of four or more digits, alone or before a note).
_BARE_NUMBER = re.compile(r"[+\-\u2212]?\d{4,}(\.\d+)?(\s.*)?")


def _tables(page, query):
    at = run_app(query, page=page)
    open_data_sections(at)
    assert not at.exception, at.exception
    return [(t.value, json.loads(t.proto.columns or "{}")) for t in at.dataframe]


@pytest.mark.parametrize(("page", "query"), VIEWS)
def test_every_number_in_every_table_carries_thousands_separators(app_env, page, query):
    tables = _tables(page, query)
    assert tables, "the view draws tables"
    for frame, config in tables:
        for name in frame.columns:
            values = frame[name]
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                big = bool((values.abs() >= 1000).any())
                if pd.api.types.is_integer_dtype(values) or big:
                    number_format = (config.get(name) or {}).get("type_config", {}).get("format")
                    # "localized": the reader's locale, 1,234 in the UK (Streamlit's default shows 1234).
                    assert number_format == "localized", f"{page}: column {name!r} shows numbers without separators"
            elif values.dtype == object:
                bare = [v for v in values.dropna().astype(str) if _BARE_NUMBER.fullmatch(v)]
                assert not bare, f"{page}: column {name!r} writes numbers without separators: {bare[:3]}"


def test_the_check_sees_large_numbers(app_env):
    tables = _tables("app_pages/social.py", {})
    large = [
        name
        for frame, _ in tables
        for name in frame.columns
        if pd.api.types.is_numeric_dtype(frame[name]) and (frame[name].abs() >= 1000).any()
    ]
    assert len(large) >= 5, large


def test_kpi_bases_written_as_text_carry_separators():
    import numpy as np

    from analytics.star_chamber import tables

    kpi = pd.DataFrame(
        {
            "label": ["Loop closure"],
            "unit": ["%"],
            "value": [61.2],
            "ci_low": [58.0],
            "ci_high": [64.3],
            "base": [1234.0],
            "base_status": ["ok"],
            "force_value": [66.0],
            "diff_force": [-4.8],
            "vs_force": ["worse"],
            "year_value": [np.nan],
            "diff_year": [np.nan],
            "vs_year": ["not compared"],
        }
    )
    shown, _ = tables.kpi_table(kpi)
    assert shown.loc[0, "Base"] == "1,234"
