"""The plan template, round trip through the Data page: the workbook the page offers (its deferred download run as
the browser would run it), filled with openpyxl, uploaded and imported; the stored plan equals what was filled, and
a value outside a drop-down's list is refused with its row."""

from __future__ import annotations

import io
import shutil
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.app_runner import run_app

DATA_PAGE = "app_pages/data.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEXT = date(2027, 1, 1)  # the demo's plans run to Q3 2026/27: the next is Q4 (January to March 2027)


@pytest.fixture
def page(demo_dir, tmp_path, monkeypatch):
    """The Data page over a copy of the demo, and every deferred download it offers (file name -> callable)."""
    import streamlit as st
    from streamlit.runtime.media_file_manager import MediaFileManager

    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(folder))
    offered: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, *args, **kw):
        offered[kw.get("file_name")] = args[0]
        return original(self, *args, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_app(page=DATA_PAGE)
    yield at, folder, offered
    st.cache_data.clear()
    st.cache_resource.clear()


def _download(at, offered, district: str) -> bytes:
    at.selectbox(key="plan_template_district").set_value(district).run()
    assert not at.exception, at.exception
    [button] = [b for b in at.get("download_button") if b.proto.label.startswith("Download the plan template")]
    assert button.proto.label == "Download the plan template for Tendring, Q4 2026/27"
    return offered[f"engagement_plan_{district}_{NEXT:%Y-%m}.xlsx"]()


def _upload(at, raw: bytes) -> None:
    at.selectbox(key="import_target").set_value("engagement_plans").run()
    at.file_uploader(key="upload_engagement_plans").set_value(("plan.xlsx", raw, XLSX)).run()
    assert not at.exception, at.exception


def _rows(ws) -> pd.DataFrame:
    values = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(values[1:], columns=values[0]).dropna(how="all")


def test_the_template_is_filled_and_imported_and_the_plan_stored_is_what_was_filled(page, raw):
    at, folder, offered = page
    wb = load_workbook(io.BytesIO(_download(at, offered, "tendring")))
    assert wb.sheetnames[0] == "Plan" and wb["Lists"].sheet_state == "hidden"
    ws = wb["Plan"]
    # Pre-filled from the last plan (Q3 2026/27), for the next quarter.
    plans = raw("engagement_plans")
    plans["quarter_start"] = pd.to_datetime(plans["quarter_start"]).dt.date
    last = plans[(plans["district_id"] == "tendring") & (plans["quarter_start"] == date(2026, 10, 1))]
    filled = _rows(ws)
    assert list(filled["what"]) == list(last.sort_values("line")["what"])
    assert {pd.Timestamp(q).date() for q in filled["quarter_start"]} == {NEXT}
    assert set(filled["district_id"]) == {"Tendring"}
    # The drop-downs: strand, what and audience_group draw on the hidden list of allowed values.
    lists = {
        str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"
    }
    assert {"A", "D", "E", "G"} <= set(lists)
    # Fill it in as a manager would: change a number and a note, add a line for a named audience.
    ws["F2"] = 9
    ws["I3"] = "Two in Clacton, one in Harwich"
    n = ws.max_row + 1
    for col, value in zip("ABCDEFGHI", ["Tendring", NEXT, n - 1, "Act", "Stroll with a Patrol", 4, "Rural",
                                         "Neighbourhood Sergeant", "Farm watch patrols"], strict=True):  # fmt: skip
        ws[f"{col}{n}"] = value
    out = io.BytesIO()
    wb.save(out)
    expected = _rows(ws)
    _upload(at, out.getvalue())
    assert any(
        f"Rows in the file: {len(expected)}" in m.value and f"valid {len(expected)}" in m.value for m in at.markdown
    )
    at.button(key="confirm_import").click().run()
    assert not at.exception, at.exception
    assert any("Imported into engagement\\_plans" in s.value for s in at.success)
    stored = pd.read_parquet(folder / "engagement_plans.parquet")
    stored = stored[(stored["district_id"] == "tendring") & (pd.to_datetime(stored["quarter_start"]).dt.date == NEXT)]
    stored = stored.sort_values("line").reset_index(drop=True)
    assert list(stored["line"]) == list(expected["line"])
    assert list(stored["what"]) == list(expected["what"])
    assert list(stored["how_many"]) == list(expected["how_many"]) and stored["how_many"].iloc[0] == 9
    assert list(stored["audience_group"].fillna("")) == list(expected["audience_group"].fillna(""))
    assert list(stored["owner"]) == list(expected["owner"])
    assert list(stored["note"].fillna("")) == list(expected["note"].fillna(""))
    assert stored["note"].iloc[1] == "Two in Clacton, one in Harwich"
    assert tuple(stored.iloc[-1][["strand", "what", "how_many", "audience_group"]]) == (
        "Act",
        "Stroll with a Patrol",
        4,
        "Rural",
    )


def test_a_value_outside_a_drop_down_is_refused_with_its_row(page):
    at, folder, offered = page
    before = pd.read_parquet(folder / "engagement_plans.parquet")
    wb = load_workbook(io.BytesIO(_download(at, offered, "tendring")))
    ws = wb["Plan"]
    ws["E4"] = "Carnival"  # not an activity type or a Tell channel (Excel's drop-down would refuse it too)
    ws["D5"] = "Listen"
    ws["E5"] = "Newsletter"  # a Tell channel on a Listen line
    out = io.BytesIO()
    wb.save(out)
    _upload(at, out.getvalue())
    problems = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    found = {(r["Row"], r["Column"], r["Value"]) for r in problems.to_dict("records")}
    assert (4, "what", "Carnival") in found
    assert (5, "strand", "Listen") in found
    assert "Local Community Meeting" in problems.set_index("Row").loc[4, "Problem"], (
        "the message lists the allowed values"
    )
    assert pd.read_parquet(folder / "engagement_plans.parquet").equals(before), "nothing written before Import"


def test_the_quarter_offered_follows_the_latest_plan_whatever_the_date(db):
    from analytics.plans import template

    for today in (date(2026, 12, 2), date(2028, 5, 1)):
        assert template.next_plan_quarter(db, "tendring", today) == NEXT
    assert template.next_plan_quarter(db, "no_such_district", date(2028, 5, 1)) == date(2028, 7, 1)
    # A district whose plans stopped long ago can start again from now.
    assert template.quarter_choices(NEXT, date(2028, 5, 1))[-1] == date(2028, 7, 1)
    assert template.quarter_choices(NEXT, date(2026, 12, 2)) == [
        NEXT,
        date(2027, 4, 1),
        date(2027, 7, 1),
        date(2027, 10, 1),
    ]
