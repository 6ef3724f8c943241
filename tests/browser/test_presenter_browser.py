"""Presenter mode on a projector: large type, no controls, one chart per screen, stepping through districts."""

import itertools
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_context, screenshot, wait_for_charts, wait_until_idle

SIZES = [(1280, 720), (1920, 1080)]

# For each drawn chart: its box on the screen, the box of everything it draws (title, axes, legend), and
# its axes' boxes, all in window pixels; so a test can tell a chart that is whole from one cut off.
_CHART_BOXES = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'] svg.marks")].map(svg => {
  const r = svg.getBoundingClientRect();
  const view = svg.viewBox.baseVal;
  const scale = view && view.width ? r.width / view.width : 1;
  const drawn = svg.getBBox();
  const box = b => ({top: b.top, bottom: b.bottom, left: b.left, right: b.right});
  return {
    svg: box(r),
    drawn: {top: r.top + drawn.y * scale, bottom: r.top + (drawn.y + drawn.height) * scale,
            left: r.left + drawn.x * scale, right: r.left + (drawn.x + drawn.width) * scale},
    axes: [...svg.querySelectorAll("g.role-axis")].map(a => box(a.getBoundingClientRect())),
    title: (svg.querySelector("g.role-title text") || {}).textContent || "",
  };
})"""


def _inside(box, width, height, slack=1.5) -> bool:
    return (
        box["top"] >= -slack
        and box["left"] >= -slack
        and box["bottom"] <= height + slack
        and box["right"] <= width + slack
    )


def _whole(chart, width, height) -> list[str]:
    """What of a chart falls outside the window (nothing, when it is whole)."""
    problems = []
    for part in ("svg", "drawn"):
        if not _inside(chart[part], width, height):
            problems.append(f"{chart['title']!r}: its {part} box {chart[part]} leaves the {width}x{height} window")
    for axis in chart["axes"]:
        if not _inside(axis, width, height):
            problems.append(f"{chart['title']!r}: an axis {axis} is cut off")
    return problems


def _settled(page) -> None:
    """Charts drawn and placed (the presenter's layout script runs once they are drawn)."""
    wait_for_charts(page, 1)
    wait_until_idle(page)
    page.wait_for_timeout(1500)


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("path", ["/", "/trends", "/star_chamber", "/social"])
def test_presenter_mode_fits_the_screen(browser, server, path, width, height):
    context = new_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{server}{path}?present=1&district=harlow&presenting=harlow&focus=harlow")
    page.get_by_role("button", name="Next district ▶").wait_for(timeout=60_000)
    _settled(page)
    assert not page.get_by_test_id("stSidebar").is_visible(), "controls are hidden"
    assert page.locator("[data-testid='stSelectbox']:visible").count() == 0
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, "nothing spills off the side of the screen"
    # The first screen: every chart on it is whole, axes included (none runs off the foot or the side).
    on_first_screen = [c for c in page.evaluate(_CHART_BOXES) if c["svg"]["top"] < height]
    for chart in on_first_screen:
        assert not _whole(chart, width, height), _whole(chart, width, height)
    # Each chart, brought into view, fits one screen whole.
    charts = page.locator("[data-testid='stVegaLiteChart']")
    assert charts.count() >= 1
    for i in range(min(charts.count(), 4)):
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        chart = page.evaluate(_CHART_BOXES)[i]
        assert not _whole(chart, width, height), _whole(chart, width, height)
    boxes = [charts.nth(i).bounding_box() for i in range(min(charts.count(), 4))]
    for a, b in itertools.pairwise(boxes):
        assert a["y"] + a["height"] <= b["y"] + 1, "charts never overlap"
    page.locator("[data-testid='stMain']").evaluate("m => m.scrollTo(0, 0)")
    screenshot(page, f"presenter{path.replace('/', '_')}_{width}x{height}")
    context.close()


def _bar_heading(page):
    """The presenter bar's heading: the first level-two heading on the screen (the page's title is level one)."""
    return page.get_by_role("heading", level=2).first


def _step(page, button: str, district: str, name: str) -> None:
    """A real click on Previous or Next after a pause; the link and the heading move to ``district``."""
    page.wait_for_timeout(2_500)
    page.get_by_role("button", name=button).click()
    page.wait_for_function(
        "d => new URLSearchParams(location.search).getAll('district').join() === d", arg=district, timeout=30_000
    )
    expect(_bar_heading(page), f"after {button}").to_have_text(name, timeout=30_000)
    query = parse_qs(urlparse(page.url).query)
    assert query["presenting"] == [district], f"after {button}: the Star Chamber presents {district}"
    caption = page.get_by_text(re.compile(rf"^{re.escape(name)} at the September 2026 Star Chamber")).first
    expect(caption, f"after {button}: the meeting's caption names {name}").to_be_visible(timeout=30_000)
    wait_until_idle(page)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_star_chamber_heading_and_stepping_with_real_clicks(browser, server, width, height):
    context = new_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    # Every district chosen (the default) and Southend presenting.
    page.goto(f"{server}/star_chamber?present=1&round=2026-09&presenting=southend")
    page.get_by_role("button", name="Next district ▶").wait_for(timeout=60_000)
    wait_until_idle(page)
    expect(_bar_heading(page)).to_have_text("Southend", timeout=30_000)
    expect(page.get_by_text("Southend at the September 2026 Star Chamber").first).to_be_visible()
    # Next twice goes on from Southend in the listed order, a third time wraps to the first, Previous wraps back.
    _step(page, "Next district ▶", "tendring", "Tendring")
    _step(page, "Next district ▶", "thurrock", "Thurrock")
    _step(page, "Next district ▶", "basildon", "Basildon")
    _step(page, "◀ Previous district", "thurrock", "Thurrock")
    _settled(page)
    page.locator("[data-testid='stMain']").evaluate("m => m.scrollTo(0, 0)")
    screenshot(page, f"presenter_star_chamber_stepped_{width}x{height}")
    context.close()


def test_stepping_keeps_to_the_districts_chosen(page, server):
    page.goto(
        server + "/star_chamber?present=1&round=2026-09&presenting=southend"
        "&district=harlow&district=southend&district=colchester"
    )
    page.get_by_role("button", name="Next district ▶").wait_for(timeout=60_000)
    wait_until_idle(page)
    expect(_bar_heading(page)).to_have_text("Southend")
    _step(page, "Next district ▶", "colchester", "Colchester")  # the last of the three wraps to the first
    _step(page, "Next district ▶", "harlow", "Harlow")  # still the three chosen, not every district
    _step(page, "◀ Previous district", "colchester", "Colchester")
    _step(page, "◀ Previous district", "southend", "Southend")
    assert page.outside_requests == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_overview_tiles_keep_their_period_base_and_significance(browser, server, width, height):
    context = new_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    # A year that does not span the survey's method change (Q1 2020/21), so each change is tested.
    page.goto(f"{server}/?present=1&from=2022-23-Q2&to=2023-24-Q1")
    page.get_by_role("button", name="Next district ▶").wait_for(timeout=60_000)
    _settled(page)
    expect(page.get_by_text("Force-wide figures for Q1 2023/24")).to_be_visible()
    tiles = page.locator("[data-testid='stColumn']").filter(has=page.get_by_test_id("stMetric"))
    assert tiles.count() == 5
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        expect(tile.get_by_text(re.compile(r"^Against Q1 2022/23 .*: .*\(p [=<]")).first).to_be_visible()
        expect(tile.get_by_text(re.compile(r"^Base [\d,]+ · 95% interval [\d.]+% to [\d.]+%")).first).to_be_visible()
    screenshot(page, f"presenter_overview_{width}x{height}")
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
