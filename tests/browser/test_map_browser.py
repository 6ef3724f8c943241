"""The activity map in a real browser with a year of police.uk street files: outlines, labels and the
anti-social behaviour layer drawn, every request outside this machine blocked."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import guarded_page, screenshot, start_server, stop_server, upload_file, wait_until_idle
from tests.police_uk_files import write_year

MONTHS = [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-03"]  # no file for February 2026
LINK = "/activity_map?from=2025-26-Q1&to=2025-26-Q4"


@pytest.fixture(scope="module")
def police_uk(tmp_path_factory) -> Path:
    return write_year(tmp_path_factory.mktemp("police_uk"), MONTHS)


@pytest.fixture(scope="module")
def map_server(demo_dir, police_uk, browser):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENGAGEMENT_POLICE_UK_DIR", str(police_uk))
        proc, url, log = start_server(demo_dir)
    yield url
    stop_server(proc, log)


@pytest.fixture
def map_page(browser, map_server):
    page = guarded_page(browser, viewport={"width": 1440, "height": 1100})
    page.base = map_server
    yield page
    page.context.close()


def asb_counts(folder: Path) -> pd.Series:
    """Anti-social behaviour per local authority named in the LSOA names, by pandas over the files."""
    rows = pd.concat(pd.read_csv(p, dtype=str) for p in folder.rglob("*-street.csv"))
    asb = rows[rows["Crime type"] == "Anti-social behaviour"]
    return asb["LSOA name"].str.rsplit(" ", n=1).str[0].value_counts()


def map_image(page) -> np.ndarray:
    from PIL import Image

    shot = page.locator("[data-testid='stDeckGlJsonChart']").first.screenshot()
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def grey_pixels(image: np.ndarray) -> int:
    """Pixels of a neutral mid grey: the shading (outline edges are grey too, and the same on both sides)."""
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    return int(((abs(r - g) < 10) & (abs(g - b) < 10) & (r > 110) & (r < 228)).sum())


def settle(page, runs: int = 1) -> None:
    wait_until_idle(page, runs)
    page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(3500)  # deck.gl draws after the script ends


def choose_context(page, option: str) -> None:
    page.get_by_role("combobox", name="Context layer").click()
    page.wait_for_timeout(300)
    page.get_by_role("option", name=option).click()


def test_the_layer_is_drawn_and_said_for_all_districts_and_one(map_page, police_uk):
    page = map_page
    page.goto(page.base + LINK + "&district=all")
    settle(page)
    without = grey_pixels(map_image(page))

    # A person turns the layer on: the shading appears beneath the events, and the caption says its months.
    choose_context(page, "Anti-social behaviour (police.uk)")
    page.wait_for_function("() => location.search.includes('context=asb')", timeout=30_000)
    settle(page, 0)  # the link changed at the run's end: idle now is after it
    drawn = grey_pixels(map_image(page))
    assert drawn > without + 3_000, (without, drawn)
    total = int(asb_counts(police_uk).drop("Babergh", errors="ignore").sum())
    caption = page.get_by_text("in the force's districts in 11 of 12 months (no file for Feb 2026)")
    assert caption.is_visible()
    assert f"{total:,} incidents" in caption.inner_text()
    assert page.get_by_text("Boundaries: Office for National Statistics").is_visible()
    screenshot(page, "map_asb_all")

    # The same control again, the other way: the shading goes; and once more, it is back as it was.
    choose_context(page, "None")
    page.wait_for_function("() => !location.search.includes('context=asb')", timeout=30_000)
    settle(page, 0)  # the link changed at the run's end: idle now is after it
    assert grey_pixels(map_image(page)) < drawn - 3_000
    choose_context(page, "Anti-social behaviour (police.uk)")
    page.wait_for_function("() => location.search.includes('context=asb')", timeout=30_000)
    settle(page, 0)  # the link changed at the run's end: idle now is after it
    assert abs(grey_pixels(map_image(page)) - drawn) < 0.1 * drawn

    # Away to the Overview and back by the sidebar: the map comes back with its layer.
    sidebar = page.get_by_test_id("stSidebarNavLink")
    sidebar.filter(has_text="Overview").click()
    page.wait_for_function("() => !location.pathname.includes('activity_map')", timeout=30_000)
    page.wait_for_timeout(1500)
    sidebar.filter(has_text="Activity map").click()
    page.wait_for_function("() => location.search.includes('context=asb')", timeout=30_000)
    page.get_by_text("in the force's districts in 11 of 12 months").wait_for(timeout=60_000)
    page.wait_for_timeout(3500)
    assert grey_pixels(map_image(page)) > without + 3_000

    # One district from its link: the figures and the shading follow the filter.
    page.goto(page.base + LINK + "&district=harlow&context=asb")
    settle(page)
    harlow = int(asb_counts(police_uk)["Harlow"])
    assert page.get_by_text(f"{harlow:,} incidents in Harlow in 11 of 12 months").is_visible()
    assert page.get_by_role("heading", name="Anti-social behaviour beside engagement").is_visible()
    screenshot(page, "map_asb_harlow")
    assert page.outside_requests == [], "no tiles, styles, fonts or scripts from outside this machine"


def test_the_data_page_says_where_an_outcomes_file_belongs(map_page, tmp_path):
    from tests.conftest import FIXTURES

    page = map_page
    page.goto(page.base + "/data")
    wait_until_idle(page)
    # As a person would: wait for the page, open the list, wait for the option to show, click it, and see it
    # chosen (a click sometimes landed while the list was still opening, and typing sometimes went nowhere).
    page.get_by_role("tab", name="Import a file").wait_for(timeout=60_000)
    chooser = page.get_by_test_id("stSelectbox").filter(has_text="What the file holds")
    chooser.wait_for(state="visible", timeout=60_000)
    option = page.get_by_role("option", name="engagement_events: One row per engagement event")
    # The choice shows as the value of the list's text box (a react-aria combo box), not as text.
    box = chooser.get_by_role("combobox")
    for _ in range(3):
        chooser.click()
        try:
            option.wait_for(state="visible", timeout=10_000)
            page.wait_for_timeout(300)
            option.click()
            page.wait_for_function(
                "el => el.value.startsWith('engagement_events')", arg=box.element_handle(), timeout=10_000
            )
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    assert box.input_value().startswith("engagement_events"), "the table was not chosen after three tries"
    wait_until_idle(page)
    sample = FIXTURES / "police_uk" / "csv_sample_2023-03-bedfordshire-outcomes_first5rows.csv"
    upload = tmp_path / "2023-03-bedfordshire-outcomes.csv"
    upload.write_bytes(sample.read_bytes())
    upload_file(page, upload, "This is a police.uk outcomes file")
    message = page.get_by_text("This is a police.uk outcomes file")
    assert "ENGAGEMENT_POLICE_UK_DIR" in message.inner_text()
    # Drawn just after the message, maybe in the next render: waited for, not read at one instant.
    expect(page.get_by_text("Nothing was written.")).to_be_visible(timeout=10_000)
    screenshot(page, "data_outcomes_file")
    assert page.outside_requests == []
