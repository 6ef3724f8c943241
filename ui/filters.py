"""The shared filters (districts, quarter range) in the sidebar, kept in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from analytics.periods import parse_quarter_key, quarter_key, quarter_label
from ui import data, url_state

DEFAULT_QUARTERS = 8
_KEY = "_shared_filters"


@dataclass(frozen=True)
class SharedFilters:
    """What the shared filters select."""

    district_ids: tuple[str, ...]
    quarter_from: date
    quarter_to: date
    district_names: dict[str, str]


def render_shared() -> SharedFilters:
    """Draw the shared filters in the sidebar and remember their values for the page."""
    version = data.data_version()
    districts = data.districts(version)
    names = dict(zip(districts["district_id"], districts["name"], strict=True))
    quarters = data.survey_quarters(version)
    with st.sidebar:
        st.header("Filters")
        chosen = url_state.multiselect(
            "Districts",
            "district",
            list(names),
            default=list(names),
            format_func=lambda d: names.get(d, d),
            placeholder="Choose districts",
            help="Kept in the page address: copy the link to share this view.",
        )
        if quarters:
            default = (quarters[max(0, len(quarters) - DEFAULT_QUARTERS)], quarters[-1])
            q_from, q_to = url_state.range_slider(
                "Quarters (financial year)",
                ("from", "to"),
                quarters,
                default,
                to_text=quarter_key,
                from_text=parse_quarter_key,
                format_func=quarter_label,
            )
            st.caption(f"Survey data from {quarter_label(quarters[0])} to {quarter_label(quarters[-1])}.")
        else:
            q_from = q_to = None
    # Sorted, so the same selection in another order shares cache entries.
    filters = SharedFilters(tuple(sorted(chosen)), q_from, q_to, names)
    st.session_state[_KEY] = filters
    return filters


def current() -> SharedFilters:
    """The shared filters drawn by ``app.py`` on this run."""
    return st.session_state[_KEY]
