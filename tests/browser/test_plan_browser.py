"""District Engagement Plans in a real browser, as a person uses them: download the template from the Data page,
fill it in, import it, see the next template move on a quarter; on the Star Chamber, the presenting district's plan,
another district's, and back to the first."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import choose_presenting, new_context, screenshot, upload_file, wait_until_idle


@pytest.fixture
def person(browser, import_server):
    context = new_context(browser, viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    yield page, *import_server
    context.close()


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("tabpanel").get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def test_a_manager_downloads_fills_and_imports_next_quarters_plan(person, tmp_path):
    import pandas as pd

    page, url, folder = person
    page.goto(url + "/data")
    page.get_by_role("tab", name="Plan template").click(timeout=60_000)
    _choose(page, "District", "Harlow")
    button = page.get_by_role("button", name="Download the plan template for Harlow, Q4 2026/27")
    with page.expect_download(timeout=60_000) as download:
        button.click()
    filled = tmp_path / "harlow_plan.xlsx"
    download.value.save_as(filled)
    wb = load_workbook(filled)
    ws = wb["Plan"]
    lines = ws.max_row - 1
    ws["F2"] = 5
    ws["I2"] = "One in each town, one at the college"
    wb.save(filled)
    screenshot(page, "plan_template_tab")

    page.get_by_role("tab", name="Import a file").click()
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="engagement_plans: District Engagement Plans", exact=False).click()
    upload_file(page, filled, f"Rows in the file: {lines}")  # the page reruns with an uploader for that table
    page.get_by_role("button", name=f"Import {lines} rows").click()
    page.get_by_text(f"Imported into engagement_plans: {lines} new").wait_for(timeout=60_000)
    stored = pd.read_parquet(folder / "engagement_plans.parquet")
    when = pd.to_datetime(stored["quarter_start"])
    stored = stored[(stored["district_id"] == "harlow") & (when == pd.Timestamp("2027-01-01"))]
    assert len(stored) == lines and stored.sort_values("line")["how_many"].iloc[0] == 5
    assert stored.sort_values("line")["note"].iloc[0] == "One in each town, one at the college"

    # The same control again: Harlow's next plan without one is now a quarter later.
    page.get_by_role("tab", name="Plan template").click()
    _choose(page, "District", "Tendring")
    _choose(page, "District", "Harlow")
    page.get_by_role("button", name="Download the plan template for Harlow, Q1 2027/28").wait_for(timeout=60_000)


def test_the_panel_reviews_a_plan_then_another_district_and_comes_back(person):
    page, url, _ = person
    page.goto(url + "/star_chamber?round=2026-09&presenting=harlow")
    page.get_by_text("Harlow's plan for Q1 2026/27").wait_for(timeout=90_000)
    # A question from the plan, whatever the demo's numbers are.
    page.get_by_text(re.compile(r"^Harlow planned \w+ Street pop-ups and held \w+ in Q1 2026/27")).first.wait_for(
        timeout=30_000
    )
    wait_until_idle(page, runs=0)
    page.get_by_text("District Engagement Plan", exact=True).scroll_into_view_if_needed()
    page.get_by_test_id("stDataFrame").nth(2).locator("canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    screenshot(page, "star_chamber_plan_harlow")
    choose_presenting(page, "Tendring", "tendring")
    page.get_by_text("Tendring's plan for Q1 2026/27").wait_for(timeout=60_000)
    # The same control again, back to the first district.
    choose_presenting(page, "Harlow", "harlow")
    page.get_by_text("Harlow's plan for Q1 2026/27").wait_for(timeout=60_000)
