"""The start of every page: its title and settings check, accessible styles, and the synthetic-data banner."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from analytics.stats import SuppressionRule
from ui import data
from ui.escape import md_escape


class PageContext(NamedTuple):
    """What every page starts from (named, and unpacked in this order by the pages)."""

    filters: object  # ui.filters.SharedFilters
    version: str  # the data version this run reads
    rule: SuppressionRule
    limits: tuple[int, int]  # (hide below, flag below): the rule as cache keys


def page_start(title: str) -> PageContext:
    """Title a page and return its shared context.

    Stops the page with a message when there is no survey data to show.
    """
    from ui import filters

    f = filters.current()
    rule = data.rule()
    st.title(title)
    if f.quarter_to is None:
        st.info("There are no survey answers in this data yet, so there is nothing to show here.")
        st.stop()
    return PageContext(f, data.data_version(), rule, (rule.hide_below, rule.flag_below))


# Our own fixed stylesheet (no data in it). A slider's value is drawn in the theme's primary colour,
# which on the dark theme cannot contrast with both the sidebar and white text on the district tags;
# the value takes the text colour instead, so both read at 4.5:1 or better.
_ACCESSIBLE_CSS = """
<style>
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"] {
  color: inherit !important;
}
</style>
"""


def accessible_styles() -> None:
    """Small fixes that keep text contrast at WCAG AA on both themes."""
    st.html(_ACCESSIBLE_CSS)


def synthetic_banner() -> None:
    """A visible banner whenever the served data is the synthetic demo."""
    if data.is_demo():
        info = data.demo_info()
        seed = md_escape(info.get("seed"))
        if info.get("kind") == "scale":
            st.warning(
                f"**Synthetic scale data.** Generated for load testing (seed {seed}): real force names, "
                "invented districts and figures. Nothing here is real.",
                icon=":material/science:",
            )
            return
        st.warning(
            f"**Synthetic demo data.** Every figure here is generated (seed {seed}), calibrated to "
            "published force-level results; no real person answered this survey. "
            "Point ENGAGEMENT_DATA_DIR at real data to use your own.",
            icon=":material/science:",
        )


def varying():
    """A container for a part of the page whose number of elements depends on the filters (a note or a chart, a
    sentence per district). The browser keys charts, tables and text by their place among their siblings, so a part
    like this drawn straight on the page would move everything after it, and the browser would build those again on
    each change; in a container of its own, what follows keeps its place and is updated in place (docs/scaling.md,
    stable places)."""
    return st.container()
