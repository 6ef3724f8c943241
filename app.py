"""Engagement performance dashboard: page config, navigation, shared filters."""

from pathlib import Path

import streamlit as st

from analytics.db import DataError
from ui import components, data, filters, url_state
from ui.navigation import PAGES

st.set_page_config(
    page_title="Engagement performance",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)
url_state.begin_run()
try:
    data.ensure_demo_data()
    data.database()
except DataError as exc:
    st.error(f"The dashboard cannot open its data. {exc}", icon=":material/error:")
    st.stop()

components.synthetic_banner()
filters.render_shared()
page = st.navigation([st.Page(p.path, title=p.title, icon=p.icon, default=p.default) for p in PAGES])
try:
    page.run()
finally:
    url_state.commit()
