"""Presenter mode: large type, controls hidden, a high-contrast projector look, one chart per screen,
and buttons to step through the districts without touching a filter.

On (``present=1`` in the link, or the sidebar toggle), every district-focused choice (the shared
district filter, the Star Chamber's presenting district, the trends page's focus) moves together
to one district at a time: Previous / Next step through the districts chosen when stepping began
(every district when one was chosen), in their listed order, wrapping round. The bar's heading names
the district the page shows (a page showing one district says which with ``showing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from ui import url_state
from ui.escape import md_escape

# Our own fixed stylesheet and layout script (no data in either), for the projector.
_ASSETS = Path(__file__).resolve().parents[1] / "assets"
_CSS = "<style>" + (_ASSETS / "presenter.css").read_text(encoding="utf-8") + "</style>"
_FIT = "<script>" + (_ASSETS / "presenter_fit.js").read_text(encoding="utf-8") + "</script>"
FOCUS_KEYS = ("district", "presenting", "focus")
_TOUR = "_present_tour"  # the districts Previous / Next step through, and the one stepping last narrowed the filter to
_PAGE_SHOWS = "_present_page_shows"  # (district, districts it could show) a page declared in this run
_SHOWN = "_present_shown"  # (district shown or None, districts to step through) at the end of the last run


def is_on() -> bool:
    """True when this session is in presenter mode (decided by app.py each run)."""
    return bool(url_state.remembered("present", False))


def sidebar_toggle() -> bool:
    """The sidebar switch (kept in the link as ``present``)."""
    with st.sidebar:
        return url_state.toggle(
            "Presenter mode",
            "present",
            help="Large type, no controls, one chart per screen, and buttons to step through the districts. "
            "Add present=1 to a link to open it this way.",
        )


def showing(district_id: str, among: Sequence[str] | None = None) -> None:
    """A page that shows one district (the Star Chamber: the presenting one) names it for the presenter's heading;
    ``among``: the districts the page can show, so Previous / Next step only through those."""
    st.session_state[_PAGE_SHOWS] = (district_id, tuple(among) if among is not None else None)


def tour(chosen: Sequence[str], order: Sequence[str]) -> list[str]:
    """The districts Previous / Next step through, in the listed ``order``: the districts chosen in the filter,
    or every district when one (or none) is chosen.

    Stepping narrows the filter to one district; while the filter is still the one stepping chose, the
    stepping continues through the list it started from, kept in this session.
    """
    kept = st.session_state.get(_TOUR)
    if kept and kept["narrowed_to"] is not None and list(chosen) == [kept["narrowed_to"]]:
        listed = [d for d in order if d in kept["districts"]]
        if listed:
            return listed
    listed = [d for d in order if d in chosen]
    districts = listed if len(listed) > 1 else list(order)
    st.session_state[_TOUR] = {"districts": districts, "narrowed_to": None}
    return districts


def step(districts: Sequence[str], order: Sequence[str], current: str | None, direction: int) -> str:
    """The district after (``direction`` 1) or before (-1) ``current`` among ``districts``, in the listed
    ``order``, wrapping round. From a district not among them, the nearest one that way in the list; from no
    district, the first (Next) or the last (Previous)."""
    if current is None or current not in order:
        return districts[0] if direction > 0 else districts[-1]
    if current in districts:
        return districts[(districts.index(current) + direction) % len(districts)]
    here = order.index(current)
    if direction > 0:
        return next((d for d in districts if order.index(d) > here), districts[0])
    return next((d for d in reversed(districts) if order.index(d) < here), districts[-1])


def apply(district_ids: tuple[str, ...], names: dict[str, str]):
    """In presenter mode: the stylesheet, and a bar with previous / next / exit buttons around a heading.

    Returns the heading's place: ``title`` fills it once the page has run and said what it shows.
    """
    st.html(_CSS)
    with st.sidebar:  # hidden in presenter mode; the script still runs
        st.html(_FIT, unsafe_allow_javascript=True)
    order = list(names)
    tour(district_ids, order)
    st.session_state.pop(_PAGE_SHOWS, None)  # the page declares again what it shows in this run
    bar = st.container(key="present_bar")  # presenter_fit.js also knows presenter mode is on by it
    left, mid, right, leave = bar.columns([1.3, 3, 1.3, 0.7], vertical_alignment="center")
    # Callbacks: they run before the next run, so the page runs once, for the new district.
    left.button("◀ Previous district", key="present_prev", width="stretch", on_click=_step, args=(-1, order))
    heading = mid.empty()
    right.button("Next district ▶", key="present_next", width="stretch", on_click=_step, args=(1, order))
    leave.button("Exit", key="present_exit", width="stretch", help="Leave presenter mode", on_click=_leave)
    return heading


def stepping(district_ids: Sequence[str], names: dict[str, str], among: Sequence[str] | None = None) -> list[str]:
    """The districts Previous / Next step through, in order: the tour (``tour``), kept to ``among`` when the page
    can show only those (the Star Chamber: the districts presenting), or ``among`` in order when none of the tour
    is."""
    order = list(names)
    districts = tour(district_ids, order)
    if among is not None:
        districts = [d for d in districts if d in among] or [d for d in order if d in among]
    return districts


def title(heading, district_ids: tuple[str, ...], names: dict[str, str]) -> None:
    """Write the heading: the district the page showed (or the chosen districts), and remember it for stepping."""

    shown, among = st.session_state.get(_PAGE_SHOWS) or (None, None)
    if shown is None and len(district_ids) == 1:
        shown = district_ids[0]
    st.session_state[_SHOWN] = (shown, stepping(district_ids, names, among))
    heading.markdown("## " + md_escape(heading_text(shown, district_ids, names)))


def heading_text(shown: str | None, district_ids: Sequence[str], names: dict[str, str]) -> str:
    """Whose figures these are: the district shown, else the chosen districts by name."""
    if shown is not None:
        return names.get(shown, shown)
    if not district_ids:
        return "Whole force (no district chosen)"
    if set(district_ids) >= set(names):
        return "All districts"
    listed = [names[d] for d in names if d in district_ids]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def _step(direction: int, order: list[str]) -> None:
    shown, districts = st.session_state.get(_SHOWN) or (None, [])
    if districts:
        _focus(step(districts, order, shown, direction))


def _leave() -> None:
    """Leave presenter mode; a district filter stepping narrowed (and nobody has changed since) is given back as
    it was before the first step, so the other pages do not stay on the last district presented."""
    url_state.set_value("present", False)
    kept = st.session_state.pop(_TOUR, None) or {}
    narrowed = kept.get("narrowed_to")
    if narrowed is not None and "before" in kept and list(url_state.remembered("district") or []) == [narrowed]:
        url_state.set_value("district", kept["before"])


def _focus(district_id: str) -> None:
    """Move every district-focused choice to ``district_id`` (the page then runs for it)."""
    kept = st.session_state.setdefault(_TOUR, {"districts": [], "narrowed_to": None})
    if kept["narrowed_to"] is None:  # the first step: what the filter held, given back on leaving
        kept["before"] = list(url_state.remembered("district") or [])
    url_state.set_value("district", [district_id])
    # The Star Chamber's side by side follows: the district presenting before gives way to the new one.
    url_state.swap("compare", url_state.remembered("presenting"), district_id)
    for key in FOCUS_KEYS[1:]:
        if f"_p_{key}" in st.session_state:
            url_state.set_value(key, district_id)
    kept["narrowed_to"] = district_id
