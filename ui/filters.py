"""The shared filters (districts, quarter range) in the sidebar, kept in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from analytics.periods import parse_quarter_key, quarter_key, quarter_label
from ui import data, url_state
from ui.cache import survey

DEFAULT_QUARTERS = 8
_KEY = "_shared_filters"


@dataclass(frozen=True)
class SharedFilters:
    """What the shared filters select."""

    district_ids: tuple[str, ...]
    quarter_from: date
    quarter_to: date
    district_names: dict[str, str]


def render_shared(*, alone: bool = False) -> SharedFilters:
    """Draw the shared filters in the sidebar and remember their values for the page.

    ``alone``: the page does not use them (``navigation.PageSpec.filters_unused``). They are then drawn as a
    fragment: a change reruns the filters alone and writes the link, not the page, whose content it cannot change
    (a whole Star Chamber run, redrawn as it was, took about as long as choosing the next district to present).
    """
    with st.sidebar:
        if alone:
            _alone()
            return current()
        return _draw()


@st.fragment
def _alone() -> None:
    # Streamlit shows any other exception raised in a fragment as an error there, so an import landing while the
    # filters read the data is handled here, not by app.py: the whole page starts again on the new data.
    if data.in_run():  # drawn by the page's own run: app.py pins the data and writes the link
        try:
            _draw()
        except data.DataChanged:
            st.rerun()  # app.py unpins the run however it ends
        return
    # A change of these filters, rerunning them alone: pinned to the data as it is now, and the link rewritten
    # with them (the page's own values in it stay as the page's last run wrote them). Sign-in is not checked
    # again here: the filters show nothing but district names and quarters, and every page run checks it.
    data.begin_run()
    try:
        _draw()
    except data.DataChanged:
        st.rerun()
    finally:
        data.end_run()
    url_state.commit()


def _draw() -> SharedFilters:
    version = data.data_version()
    districts = survey.districts(version)
    names = dict(zip(districts["district_id"], districts["name"], strict=True))
    quarters = survey.survey_quarters(version)
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
    incomplete = survey.incomplete_quarters(version)
    if quarters:
        # The default range ends at the last complete quarter: a quarter still in the field is never the default.
        complete = [q for q in quarters if q not in incomplete] or quarters
        last = quarters.index(complete[-1])
        default = (quarters[max(0, last + 1 - DEFAULT_QUARTERS)], quarters[last])
        q_from, q_to = url_state.range_slider(
            "Quarters (financial year)",
            ("from", "to"),
            quarters,
            default,
            to_text=quarter_key,
            from_text=parse_quarter_key,
            format_func=lambda q: quarter_label(q) + (" (incomplete)" if q in incomplete else ""),
        )
        st.caption(f"Survey data from {quarter_label(quarters[0])} to {quarter_label(quarters[-1])}.")
        for q, reason in incomplete.items():
            if q in (q_from, q_to) or q == quarters[-1]:
                st.caption(f"{quarter_label(q)} is incomplete ({reason}): read its figures with care.")
    else:
        q_from = q_to = None
    # Sorted, so the same selection in another order shares cache entries.
    filters = SharedFilters(tuple(sorted(chosen)), q_from, q_to, names)
    st.session_state[_KEY] = filters
    return filters


def current() -> SharedFilters:
    """The shared filters drawn by ``app.py`` on this run."""
    return st.session_state[_KEY]


# A chart stays readable with the force and up to this many district lines.
READABLE_LINES = 3
_LINES_POOL = "_lines_pool"


def chart_districts(f: SharedFilters, ranked: list[str], container=st, **kwargs) -> list[str]:
    """The districts a chart draws as lines (link value ``lines``), from those the shared filter chooses.

    When the shared filter is narrowed (a link or the sidebar names districts), every one of them is drawn; when it
    holds them all, its default, the first READABLE_LINES of ``ranked`` are, and the rest are a click away in this
    control. A link naming ``lines`` is kept as it is; when the shared filter changes, the choice starts again.
    """
    pool = list(f.district_ids)
    narrowed = len(pool) < len(f.district_names)
    default = pool if narrowed else [d for d in ranked if d in pool][:READABLE_LINES]
    if st.session_state.get(_LINES_POOL, pool) != pool:
        url_state.set_value("lines", default)
    st.session_state[_LINES_POOL] = pool
    return url_state.multiselect(
        "Districts on the chart",
        "lines",
        pool,
        default=default,
        format_func=lambda d: f.district_names.get(d, d),
        container=container,
        placeholder="Only the force",
        **kwargs,
    )
