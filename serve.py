"""The dashboard's server: ``streamlit run serve.py`` serves app.py, warmed as it starts (ui/warm.py).

``streamlit run app.py`` serves the same pages; this adds only the warm-up, done before the server answers
(its health check included), so the first visitor after a start does not wait for the imports and the data.
"""

import asyncio
from contextlib import asynccontextmanager

import streamlit as st


@asynccontextmanager
async def _lifespan(_app):
    from ui.warm import warm

    # Before the server answers anyone (its health check included): a few seconds at start, once.
    await asyncio.to_thread(warm)
    yield


app = st.App("app.py", lifespan=_lifespan)
