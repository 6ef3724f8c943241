"""Engagement performance dashboard: page config, navigation, shared filters."""

import logging
import time
from pathlib import Path

import streamlit as st

from analytics.config import SettingsError
from analytics.storage.db import DataError
from ui import auth, data, escape, filters, page, presenter, url_state
from ui.navigation import PAGES

run_started = time.perf_counter()
st.set_page_config(
    page_title="Engagement performance",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)
url_state.begin_run()
try:
    data.check_settings()
except SettingsError as exc:
    logging.getLogger(__name__).error("settings refused: %s", exc)
    st.error(f"The dashboard's settings cannot be used: {escape.md_escape(str(exc))}", icon=":material/settings_alert:")
    st.stop()
actor = auth.remember(auth.current())
auth.sign_in_gate(actor)
try:
    data.ensure_demo_data()
    # The run is pinned to the data as it is now: every figure on the page comes from this one version.
    data.begin_run()
except DataError as exc:
    logging.getLogger(__name__).error("cannot open data: %s", exc)
    st.error(f"The dashboard cannot open its data. {escape.md_escape(exc.user_message)}", icon=":material/error:")
    st.stop()

# Unpinned however the run ends (an error, st.stop, st.rerun): a fragment's own rerun of the sidebar filters
# (ui/filters.py) tells itself from a page run by the pin.
try:
    page.accessible_styles()
    page.synthetic_banner()
    # Only the pages this role may use are listed (and each page checks again). The menu sits at the top of the sidebar
    # wherever it is called; called first, it says which page runs before the filters are drawn.
    allowed = [p for p in PAGES if actor.can(p.permission)]
    listed = {p.path: st.Page(p.path, title=p.title, icon=p.icon, default=p.default) for p in allowed}
    page = st.navigation(list(listed.values()))
    spec = next((p for p in allowed if listed[p.path] is page), None)  # st.navigation returns the page it was given
    unused = spec.filters_unused if spec is not None else None
    try:
        shared = filters.render_shared(alone=bool(unused))
    except data.DataChanged:
        st.rerun()  # an import landed while the filters were read from Parquet: start again on the new data
    if unused:
        st.sidebar.info(unused, icon=":material/info:")  # under the filters
    presenting = presenter.sidebar_toggle()
    auth.sidebar_status(actor)
    # The presenter's heading is written once the page has run and said which district it shows.
    presenter_heading = presenter.apply(shared.district_ids, shared.district_names) if presenting else None
    # Filled after the page has run, so problems with the page's own link values show at once.
    link_notices = st.container()
    try:
        page.run()
    except data.DataChanged:
        st.rerun()  # as above: the page read Parquet files an import replaced mid-run
    finally:
        if presenter_heading is not None:
            presenter.title(presenter_heading, shared.district_ids, shared.district_names)
        with link_notices:
            for message in url_state.warnings():
                st.warning(message, icon=":material/link_off:")
        url_state.commit()
        # The server's time for this run, for the benchmark (python -m bench) and the log.
        st.session_state["_run_seconds"] = time.perf_counter() - run_started
        logging.getLogger("dashboard").debug("run took %.3f s", st.session_state["_run_seconds"])
finally:
    data.end_run()
