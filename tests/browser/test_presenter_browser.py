"""Presenter mode on a projector: large type, no controls, one chart per screen, stepping through districts."""

import itertools
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import new_context, screenshot, wait_for_charts

SIZES = [(1280, 720), (1920, 1080)]


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("path", ["/trends", "/star_chamber", "/social"])
def test_presenter_mode_fits_the_screen(browser, server, path, width, height):
    context = new_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{server}{path}?present=1&district=harlow&presenting=harlow&focus=harlow")
    wait_for_charts(page, 1)
    page.get_by_role("button", name="Next district ▶").wait_for()
    page.wait_for_timeout(1500)
    assert not page.get_by_test_id("stSidebar").is_visible(), "controls are hidden"
    assert page.locator("[data-testid='stSelectbox']:visible").count() == 0
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, "nothing spills off the side of the screen"
    charts = page.locator("[data-testid='stVegaLiteChart']")
    for i in range(min(charts.count(), 4)):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["height"] <= height and box["width"] <= width, f"chart {i} fits one screen"
    boxes = [charts.nth(i).bounding_box() for i in range(min(charts.count(), 4))]
    for a, b in itertools.pairwise(boxes):
        assert a["y"] + a["height"] <= b["y"] + 1, "charts never overlap"
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, f"presenter{path.replace('/', '_')}_{width}x{height}")
    context.close()


def test_presenter_steps_through_districts_without_touching_a_filter(page, server):
    page.goto(server + "/star_chamber?present=1&district=harlow&presenting=harlow")
    page.get_by_role("button", name="Next district ▶").wait_for(timeout=60_000)
    # The run has finished when it has written the link (the page's own values included).
    page.wait_for_function("() => location.search.includes('round=')", timeout=30_000)
    assert page.get_by_role("heading", name="Harlow").first.is_visible()
    page.get_by_role("button", name="Next district ▶").click()
    page.wait_for_function("() => location.search.includes('district=southend')", timeout=30_000)
    query = parse_qs(urlparse(page.url).query)
    assert query["district"] == ["southend"] and query["presenting"] == ["southend"]
    page.get_by_role("heading", name="Southend").first.wait_for()
    page.wait_for_timeout(2000)  # let the run that moved the district finish before the next click
    page.get_by_role("button", name="◀ Previous district").click()
    page.wait_for_function("() => location.search.includes('district=harlow')", timeout=30_000)
    page.wait_for_timeout(2000)
    page.get_by_role("button", name="Exit").click()
    page.wait_for_function("() => location.search.includes('present=0')", timeout=30_000)
    page.get_by_test_id("stSidebar").wait_for()
    assert page.outside_requests == []
