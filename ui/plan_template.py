"""The Data page's plan template: next quarter's District Engagement Plan for a district as an Excel workbook."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics.periods import quarter_label
from analytics.plans import template
from ui import escape
from ui.cache.survey import districts
from ui.pin import database_at

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=32)
def next_quarter(version: str, district_id: str, today: date) -> date:
    """The quarter a new plan for the district is for."""
    return template.next_plan_quarter(database_at(version), district_id, today)


def workbook(version: str, district_id: str, quarter: date) -> bytes:
    """The template's bytes (made when the button is clicked)."""
    return template.plan_workbook(database_at(version), district_id, quarter)


def show(version: str) -> None:
    """Choose a district and a quarter; download the template."""
    st.markdown(
        "Next quarter's **District Engagement Plan** for a district, as an Excel workbook: the lines are copied from "
        "its last plan, and strand, what, audience and district are drop-down lists of the allowed values. Fill it "
        "in and bring it back under **Import a file** as `engagement_plans`; every problem is listed with its row "
        "before anything is written."
    )
    frame = districts(version)
    names = dict(zip(frame["district_id"], frame["name"], strict=True))
    c1, c2 = st.columns(2)
    district = c1.selectbox("District", list(names), format_func=names.get, key="plan_template_district")
    first = next_quarter(version, district, date.today())
    quarters = template.quarter_choices(first, date.today())
    quarter = c2.selectbox(
        "Quarter",
        quarters,
        index=quarters.index(first),
        format_func=quarter_label,
        # A widget of its own per district and first quarter: after an import the choice starts from the new one.
        key=f"plan_template_quarter_{district}_{first:%Y%m}",
    )
    st.download_button(
        f"Download the plan template for {escape.md_escape(names[district])}, {quarter_label(quarter)}",
        data=lambda: workbook(version, district, quarter),
        file_name=f"engagement_plan_{district}_{quarter:%Y-%m}.xlsx",
        mime=XLSX,
        key="dl_plan_template",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(
        f"Offered first: {quarter_label(first)}, the quarter after {escape.md_escape(names[district])}'s latest "
        "plan. Importing a line number already stored for a quarter replaces that line."
    )
