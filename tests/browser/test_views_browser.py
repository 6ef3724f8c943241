"""Shareable views, chart downloads, themes and the keyboard, in a real browser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analytics.star_chamber import scorecard as star_chamber
from tests.browser.conftest import new_context, screenshot, wait_for_charts, wait_until_idle


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query, keep_blank_values=True)


def _views(db) -> dict[str, list[tuple[str, str]]]:
    """For every page, a link that changes every one of its controls from its default."""
    meetings = star_chamber.meetings(db)
    rounds = list(dict.fromkeys(meetings["round"]))
    round_key = rounds[-2]  # not the default (the latest)
    presenting = sorted(meetings.loc[meetings["round"] == round_key, "district_id"])[-1]
    shared = [("district", "colchester"), ("district", "harlow"), ("from", "2021-22-Q2"), ("to", "2023-24-Q3")]
    return {
        "": [*shared, ("measure", "seen_officer")],
        "trends": [
            *shared,
            ("measure", "feel_informed"),
            ("mode", "rolling"),
            ("focus", "harlow"),
            ("breakdown", "sex"),
            ("lines", "harlow"),
        ],
        "star_chamber": [
            *shared,
            ("round", round_key),
            ("presenting", presenting),
            ("measure", "understand_issues"),
            ("compare", "colchester"),
            ("compare", "harlow"),
            ("compare", "tendring"),
        ],
        "activity_map": [
            *shared,
            ("view", "hexagon"),
            ("type", "Coffee with a Cop"),
            ("type", "Street pop-up"),
            ("type", "Local Community Meeting"),
            ("strand", "Listen"),
            ("strand", "Act"),
            ("audience", "General public"),
            ("audience", "Young people"),
            ("status", "held"),
            ("status", "cancelled"),
            ("gap", "6"),
        ],
        "social": [*shared, ("metric", "followers"), ("scale", "count"), ("platform", "Facebook"), ("tag", "Appeal")],
        "data": shared,
    }


@pytest.mark.parametrize("path", ["", "trends", "star_chamber", "activity_map", "social", "data"])
def test_every_page_reopens_from_its_link_exactly(page, server, db, path):
    given = _views(db)[path]
    link = f"{server}/{path}?{urlencode(given)}"
    page.goto(link)
    wait_until_idle(page)
    wanted: dict[str, list[str]] = {}
    for key, value in given:
        wanted.setdefault(key, []).append(value)
    shown = _query(page.url)
    assert {k: shown.get(k) for k in wanted} == wanted, "the page kept every value of its link"
    assert urlparse(page.url).path.rstrip("/") == f"/{path}".rstrip("/")
    # A warning about the link would mean a value was not understood.
    assert page.get_by_text("The link's").count() == 0
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_text("encountered an error").count() == 0, "the page ran to the end"

    # The link the page now shows, opened in a new tab, gives the same view and the same link.
    other = page.context.new_page()
    other.goto(page.url)
    wait_until_idle(other)
    assert _query(other.url) == shown
    assert other.get_by_text("encountered an error").count() == 0
    if path == "trends":
        assert other.get_by_role("combobox", name="Measure").input_value() == "Feel well informed"
        assert other.get_by_role("combobox", name="Periods").input_value().startswith("Rolling")
    if path == "star_chamber":
        # The compared district, once drawn where a person sees it (a table's hidden accessible copy may come first).
        other.get_by_text("Tendring").filter(visible=True).first.wait_for(timeout=30_000)
    if path == "activity_map":
        other.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=30_000)
        other.wait_for_timeout(1500)
    screenshot(other, f"link_{path or 'overview'}")
    other.close()
    assert page.outside_requests == []


def _download(page, label: str):
    """Click a chart's download button and return the download (once more if a busy machine missed it)."""
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).first
    for attempt in range(3):
        try:
            with page.expect_download(timeout=40_000) as info:
                button.click()
            return info.value
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            wait_until_idle(page, runs=0)


def test_chart_downloads_are_valid_png_and_svg(page, server):
    page.goto(server + "/trends?district=harlow&from=2019-20-Q1&to=2021-22-Q4")
    wait_for_charts(page, 2)
    wait_until_idle(page)
    png = _download(page, "PNG")
    data = open(png.path(), "rb").read()
    assert png.suggested_filename.endswith(".png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.verify()
    assert image.size[0] > 600 and image.size[1] > 300

    svg = _download(page, "SVG")
    root = ET.fromstring(open(svg.path(), "rb").read())
    assert svg.suggested_filename.endswith(".svg")
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = "".join(root.itertext())
    assert "Harlow" in text, "the drawing carries its legend as text"
    assert "http" not in "".join(e.get("href", "") for e in root.iter()), "nothing in it is fetched"
    assert page.outside_requests == []


def test_dark_theme_follows_the_browser_and_recolours_charts(browser, server):
    context = new_context(browser, viewport={"width": 1440, "height": 1000}, color_scheme="dark")
    page = context.new_page()
    page.goto(server + "/trends?district=harlow&district=southend&from=2019-20-Q1&to=2021-22-Q4")
    wait_for_charts(page, 2)
    wait_until_idle(page)
    background = page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    assert background == "rgb(15, 20, 25)", "the dark theme's background"
    # The force line, black on the light theme, is drawn light on the dark one.
    strokes = page.evaluate(
        """() => Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart'] path"))
                 .map(p => p.getAttribute('stroke'))"""
    )
    assert "#f2f2f2" in strokes and "#000000" not in strokes
    screenshot(page, "trends_dark")
    context.close()


def test_controls_are_reachable_by_keyboard(page, server):
    page.goto(server + "/trends?district=harlow&from=2019-20-Q1&to=2021-22-Q4")
    wait_for_charts(page, 2)
    wait_until_idle(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => { const e = document.activeElement; if (!e) return '';
                   const label = e.getAttribute('aria-label') || e.innerText || e.getAttribute('role') || '';
                   const box = e.closest('[data-testid]');
                   return e.tagName + ' ' + (box ? box.dataset.testid : '') + '|' + label; }"""
            )
        )
    joined = "\n".join(reached)
    for needed in ("stSidebarNavLink", "stMultiSelect", "stSlider", "stSelectbox", "stCheckbox", "stExpander"):
        assert needed in joined, f"{needed} is never reached with Tab"
    assert any(r.startswith("BUTTON") and "PNG" in r for r in reached), "the chart download is reached with Tab"
    # The page's measure is changed with the keyboard alone.
    measure = page.get_by_role("combobox", name="Measure")
    measure.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.type("Feel well")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('measure=feel_informed')", timeout=30_000)
