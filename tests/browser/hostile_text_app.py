"""A bare page drawing each hostile text through ui.escape.md_escape in every Markdown element the
dashboard uses (for tests/browser/test_hostile_text_browser.py)."""

import streamlit as st

from tests.hostile_text import HOSTILE_TEXT
from ui.escape import md_escape

for i, text in enumerate(HOSTILE_TEXT):
    shown = md_escape(text)
    with st.container(key=f"case_{i}"):
        st.markdown(f"**{shown}**")
        st.header(shown)
        st.caption(shown)
        st.info(shown)
        st.tabs([shown, "other"])
        st.expander(shown)
        st.button(shown, key=f"button_{i}")
        st.metric(shown, "1")
