"""The least a Streamlit page can be and still be timed like the dashboard: a floor for the browser benchmark.

One sidebar multiselect of districts kept in the link (``?district=...``), as the dashboard's is, and one
Altair chart of the chosen districts' populations, read once from the data folder. No queries, no
statistics, no other elements. ``python -m bench.browser DATA --app bench/floor_app.py --page ''`` times
its filter changes exactly as it times the dashboard's, so the two figures side by side show how much of a
change is Streamlit's own front end and the browsers sharing the machine, and how much is the dashboard.
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st


@st.cache_data
def _districts(folder: str) -> pd.DataFrame:
    return pd.read_parquet(Path(folder) / "districts.parquet", columns=["district_id", "name", "population"])


districts = _districts(os.environ["ENGAGEMENT_DATA_DIR"])
names = dict(zip(districts["district_id"], districts["name"], strict=True))
if "districts" not in st.session_state:  # the link's districts when the session opens, then the widget's own
    st.session_state["districts"] = [d for d in st.query_params.get_all("district") if d in names]
chosen = st.sidebar.multiselect("Districts", list(names), key="districts", format_func=names.get)
st.query_params["district"] = chosen
shown = districts[districts["district_id"].isin(chosen)]
chart = alt.Chart(shown).mark_bar().encode(x=alt.X("population:Q", title="Residents"), y=alt.Y("name:N", title=None))
st.altair_chart(chart, width="stretch")
