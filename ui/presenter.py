"""Presenter mode: large type, controls hidden, a high-contrast projector look, one chart per screen,
and buttons to step through the districts without touching a filter.

On (``present=1`` in the link, or the sidebar toggle), every district-focused choice (the shared
district filter, the Star Chamber's presenting district, the trends page's focus) moves together
to one district at a time.
"""

from __future__ import annotations

import streamlit as st

from ui import url_state
from ui.escape import md_escape

# Our own fixed stylesheet (no data in it), for the projector.
_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stExpander"], [data-testid="stDownloadButton"],
[data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stSlider"],
[data-testid="stToggle"], [data-testid="stCheckbox"], [data-testid="stRadio"], [data-testid="stTabs"] > div:first-child,
[data-testid="stForm"], [data-testid="stFileUploader"], [data-testid="stCaptionContainer"] { display: none !important; }
html, body, [data-testid="stAppViewContainer"] { font-size: 21px; }
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  background: #ffffff !important; color: #000000 !important;
}
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 2.5rem 2rem 2.5rem !important; }
h1 { font-size: 1.7rem !important; padding: 0 !important; }
h2, h3 { font-size: 1.4rem !important; color: #000000 !important; padding: 0.2rem 0 !important; }
[data-testid="stAlertContainer"] { font-size: 0.75rem; padding: 0.3rem 0.8rem !important; }
/* One chart per screen: each chart's block fills the window, so the next one starts a new screen. */
[data-testid="stElementContainer"]:has([data-testid="stVegaLiteChart"]),
[data-testid="stElementContainer"]:has([data-testid="stDeckGlJsonChart"]) {
  min-height: calc(100vh - 6rem); overflow: visible;
}
[data-testid="stVegaLiteChart"] { max-width: 100%; }
/* A chart drawn taller than the window is scaled down to fit it, never cut off. */
[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks {
  max-height: calc(100vh - 7rem); width: auto !important; height: auto !important; max-width: 100%;
}
</style>
"""
FOCUS_KEYS = ("district", "presenting", "focus")


def is_on() -> bool:
    """True when this session is in presenter mode (decided by app.py each run)."""
    return bool(st.session_state.get("_p_present", False))


def sidebar_toggle() -> bool:
    """The sidebar switch (kept in the link as ``present``)."""
    with st.sidebar:
        return url_state.toggle(
            "Presenter mode",
            "present",
            help="Large type, no controls, one chart per screen, and buttons to step through the districts. "
            "Add present=1 to a link to open it this way.",
        )


def apply(district_ids: tuple[str, ...], names: dict[str, str]) -> None:
    """In presenter mode: the stylesheet, and a bar with the district and next / previous / exit buttons."""
    st.html(_CSS)
    order = list(names)
    single = len(district_ids) == 1 and district_ids[0] in order
    current = district_ids[0] if single else None
    # From "all districts", Next starts at the first and Previous at the last.
    i = order.index(current) if single else -1
    prev_i = (i - 1) % len(order) if single else len(order) - 1
    left, mid, right, leave = st.columns([1.3, 3, 1.3, 0.7], vertical_alignment="center")
    if left.button("◀ Previous district", key="present_prev", width="stretch"):
        _focus(order[prev_i])
    mid.markdown(f"## {md_escape(names[current])}" if single else "## All chosen districts")
    if right.button("Next district ▶", key="present_next", width="stretch"):
        _focus(order[(i + 1) % len(order)])
    if leave.button("Exit", key="present_exit", width="stretch", help="Leave presenter mode"):
        url_state.set_value("present", False)
        st.rerun()


def _focus(district_id: str) -> None:
    """Move every district-focused choice to ``district_id`` and run again."""
    url_state.set_value("district", [district_id])
    for key in FOCUS_KEYS[1:]:
        if f"_p_{key}" in st.session_state:
            url_state.set_value(key, district_id)
    st.rerun()
