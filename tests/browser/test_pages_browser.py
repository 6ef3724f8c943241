"""What a person sees in a real browser: every page, links, downloads, no outside requests."""

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import screenshot, wait_for_charts, wait_until_idle


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query, keep_blank_values=True)


# True once the first chart's canvas has at least ``least`` pixels drawn (neither transparent nor white): Vega adds
# the canvas before it first draws on it.
_INKED = """least => { const c = document.querySelector("[data-testid='stVegaLiteChart'] canvas"); if (!c) return false;
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245)) n++;
  return n >= least; }"""


def test_overview_renders_charts_with_no_outside_requests(page, server):
    page.goto(server + "/?district=all&from=2019-20-Q1&to=2020-21-Q1&measure=feel_informed")
    wait_for_charts(page, 2)
    assert page.get_by_text("Synthetic demo data").is_visible()
    metrics = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert metrics[:3] == ["81%", "80%", "53%"], "published Q1 2020/21 figures"
    tile_map, force_trend = page.get_by_test_id("stVegaLiteChart").all()
    # The tile map, its values all in the table beside it, is one canvas (not an SVG node per tile, which a district
    # change rewrote); the force trend, with no table, stays SVG so screen readers reach its axes and legend.
    assert tile_map.locator("canvas").count() == 1 and tile_map.locator("svg.marks").count() == 0
    page.wait_for_function(_INKED, arg=5_000, timeout=20_000)  # the tiles are drawn
    assert force_trend.locator("svg.marks").count() == 1 and force_trend.locator("canvas").count() == 0
    assert tile_map.bounding_box()["height"] > 250, "the tile map is not squashed"
    assert page.outside_requests == [], "the page fetched nothing from outside this machine"
    screenshot(page, "overview")


def test_filters_round_trip_through_the_url(page, server):
    page.goto(server + "/")
    wait_for_charts(page, 2)
    # The link is written when the script run ends, which can be after the charts draw.
    page.wait_for_function("() => location.search.includes('district=')", timeout=20_000)
    assert params(page)["district"] == ["all"]
    assert params(page)["to"] == ["2026-27-Q2"]

    # Change the page's measure: the URL follows and the shared filters stay.
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Feel well informed").click()
    page.wait_for_function("() => location.search.includes('measure=feel_informed')", timeout=20_000)
    assert params(page)["district"] == ["all"]

    # Narrow the districts in the sidebar: remove Basildon.
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Remove Basildon").click()
    page.wait_for_function("() => !location.search.includes('district=all')", timeout=20_000)
    chosen = params(page)["district"]
    assert "basildon" not in chosen and len(chosen) == 9
    wait_for_charts(page, 2)

    # The copied link reopens exactly this view in a new tab.
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    wait_for_charts(other, 2)
    screenshot(other, "overview_shared_link")
    assert other.get_by_role("combobox", name="Measure").input_value() == "Feel well informed"
    assert other.get_by_test_id("stSidebar").get_by_role("button", name="Remove Basildon").count() == 0
    assert parse_qs(urlparse(other.url).query) == parse_qs(urlparse(shared).query)
    assert page.outside_requests == []


def test_a_deep_link_is_the_first_request_after_the_server_starts(browser, demo_dir):
    # A fresh server whose very first request is a page URL: the page must still get app.py's shell.
    from tests.browser.conftest import start_server, stop_server

    proc, url, log = start_server(demo_dir)
    try:
        pg = browser.new_page(viewport={"width": 1440, "height": 1000})
        pg.goto(url + "/trends?district=harlow&from=2019-20-Q1&to=2020-21-Q1")
        wait_for_charts(pg, 2)  # the trend and the open section
        assert pg.get_by_text("Confidence trends").first.is_visible()
        assert pg.get_by_test_id("stSidebar").get_by_text("Filters").is_visible()
        pg.close()
    finally:
        stop_server(proc, log)


def test_trends_page_with_three_districts(page, server):
    page.goto(
        server + "/trends?district=harlow&district=southend&district=colchester"
        "&from=2018-19-Q1&to=2022-23-Q1&measure=police_job&mode=quarter&focus=harlow"
    )
    wait_for_charts(page, 2)
    assert page.get_by_role("heading", name="Confidence trends").is_visible()
    trend = page.get_by_test_id("stVegaLiteChart").first
    assert trend.bounding_box()["height"] > 400, "the trend chart is given room"
    assert page.get_by_role("heading", name="District by district").is_visible()
    # Another section opens in its tab (and only then runs), and the link names it.
    wait_until_idle(page)
    page.get_by_role("tab", name="Funnel and ranking").click()
    page.wait_for_function("() => location.search.includes('section=funnel')", timeout=30_000)
    page.get_by_role("heading", name="Districts in Q1 2022/23: funnel and ranking").wait_for(timeout=30_000)
    wait_for_charts(page, 3)
    assert page.get_by_role("heading", name="District by district").count() == 0
    wait_until_idle(page)
    # The data behind a chart is drawn once opened (closed sections send no table), and its CSV downloads
    # with escaped text.
    assert page.get_by_test_id("stDataFrame").count() == 0
    page.get_by_text("Data behind this chart, and about these numbers").first.click()
    button = page.get_by_role("button", name="Download CSV").first
    button.wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    for attempt in range(3):  # a busy machine can miss the first click while the expander opens
        try:
            with page.expect_download(timeout=40_000) as download:
                button.click()
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            wait_until_idle(page, runs=0)
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Series,Period,%")
    assert "Harlow" in text and "Most Similar Group" in text
    assert page.outside_requests == []
    screenshot(page, "trends_three_districts")


def test_star_chamber_scorecard(page, server):
    page.goto(
        server + "/star_chamber?round=2026-09&presenting=southend&compare=southend&compare=harlow&measure=feel_informed"
    )
    wait_for_charts(page, 1)
    assert page.get_by_role("heading", name="Questions for the panel").is_visible()
    # A question from the scorecard, whatever the demo's figures are (the unit tests check the figures).
    assert page.get_by_text(re.compile(r"below the force \(\d+\.\d%\) beyond its 95% interval")).first.is_visible()
    grids = page.get_by_test_id("stDataFrame")
    # The table component loads on its own, so a chart further down can be drawn first: wait for the third.
    grids.nth(2).wait_for(timeout=60_000)
    assert grids.count() >= 3, "scorecard, KPIs and actions"
    screenshot(page, "star_chamber")
    wait_until_idle(page)
    page.get_by_role("button", name="Build the meeting pack").click()
    # Building the pack renders every chart on the server: slow on a busy CI machine.
    page.get_by_role("button", name="Download PowerPoint").wait_for(timeout=180_000)
    with page.expect_download(timeout=60_000) as pptx:
        page.get_by_role("button", name="Download PowerPoint").click()
    assert pptx.value.suggested_filename == "star_chamber_2026-09_southend.pptx"
    assert pptx.value.path().read_bytes()[:2] == b"PK", "a pptx is a zip package"
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download PDF").click()
    assert pdf.value.path().read_bytes()[:5] == b"%PDF-"
    assert page.outside_requests == []


# Records every change inside the page's main area from now on (the sidebar is outside it).
_WATCH_MAIN = """() => { window.__mainChanges = 0;
  new MutationObserver(r => { window.__mainChanges += r.length; }).observe(
    document.querySelector("[data-testid='stMain']"), {subtree: true, childList: true, attributes: true,
                                                       characterData: true}); }"""


def test_a_page_that_ignores_the_sidebar_filters_is_not_rerun_by_them(page, server):
    """On the Star Chamber, whose figures do not follow the sidebar, a district change there reruns the filters
    alone: the link takes the new districts and keeps the page's own choices, the page is not touched, and the
    next page opens on the new districts. Done twice, as a person would, with a pause between."""
    page.goto(server + "/star_chamber?round=2026-09&presenting=southend&compare=southend&compare=harlow")
    wait_for_charts(page, 1)
    page.get_by_test_id("stDataFrame").nth(2).wait_for(timeout=60_000)
    page.wait_for_function("() => location.search.includes('district=all')", timeout=20_000)
    wait_until_idle(page)
    page.wait_for_timeout(1_000)  # the tables and charts settle
    own = {k: v for k, v in params(page).items() if k not in ("district", "from", "to")}
    sidebar = page.get_by_test_id("stSidebar")
    removed = []
    for name, district in (("Basildon", "basildon"), ("Harlow", "harlow")):
        page.evaluate(_WATCH_MAIN)
        sidebar.get_by_role("button", name=f"Remove {name}").click()
        page.wait_for_function(
            f"() => new URLSearchParams(location.search).getAll('district').length > 0 && "
            f"!new URLSearchParams(location.search).getAll('district').includes('all') && "
            f"!new URLSearchParams(location.search).getAll('district').includes('{district}')",
            timeout=20_000,
        )
        wait_until_idle(page, runs=0)
        page.wait_for_timeout(800)
        removed.append(district)
        assert page.evaluate("() => window.__mainChanges") == 0, "the page itself was redrawn"
        assert {k: v for k, v in params(page).items() if k not in ("district", "from", "to")} == own
        chosen = params(page)["district"]
        assert len(chosen) == 10 - len(removed) and not set(removed) & set(chosen)
    screenshot(page, "star_chamber_filters_alone")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Confidence trends").click()
    page.wait_for_function("() => location.pathname.endsWith('/trends')", timeout=20_000)
    wait_for_charts(page, 1)
    wait_until_idle(page, runs=0)
    tags = sidebar.get_by_role("button", name=re.compile(r"^Remove ")).evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert "Remove Colchester" in tags and not {"Remove Basildon", "Remove Harlow"} & set(tags)
    assert page.outside_requests == []


def test_activity_map_draws_offline(page, server):
    page.goto(server + "/activity_map?from=2026-27-Q1&to=2026-27-Q1&district=all")
    page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=60_000)
    page.wait_for_timeout(2000)
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    assert canvas.bounding_box()["height"] > 400
    assert page.get_by_role("heading", name="Districts in the chosen quarters").is_visible()
    assert page.outside_requests == [], "no tiles, styles, fonts or scripts from outside this machine"
    screenshot(page, "activity_map")


def test_clicking_an_event_shows_its_details(page, server, db):
    import math
    from datetime import date

    from analytics.engagement import activity, boundaries, map_layout
    from analytics.survey import measures
    from tests.conftest import BOUNDARIES

    flt = activity.EventFilter(
        date(2026, 4, 1), date(2026, 4, 1), ("harlow",), activity_types=("Local Community Meeting",), statuses=("held",)
    )
    target = activity.map_points(db, flt)[0].iloc[0]
    page.goto(
        server + "/activity_map?district=harlow&from=2026-27-Q1&to=2026-27-Q1&type=Local+Community+Meeting&status=held"
    )
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(timeout=60_000)
    page.wait_for_timeout(2500)
    # Project the event's place to the canvas (deck.gl Web Mercator: 512-pixel world at zoom 0),
    # around the map's first view, which fits the chosen district's outline.
    places = measures.districts(db).assign(chosen=lambda t: t["district_id"] == "harlow")
    view = map_layout.initial_view(places, boundaries.district_areas(places, BOUNDARIES).outlines)
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    scale = 512 * 2**view.zoom
    detail = page.get_by_text("Selected event")
    # A slow machine may still be laying out or drawing the map when the first click lands:
    # click again (from a freshly measured canvas) until the details appear, for up to a minute.
    for _ in range(12):
        box = canvas.bounding_box()
        x = box["x"] + box["width"] / 2 + (target["lon"] - view.longitude) / 360 * scale
        y = box["y"] + box["height"] / 2 - (merc(target["lat"]) - merc(view.latitude)) / (2 * math.pi) * scale
        page.mouse.click(x, y)
        try:
            detail.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    detail.wait_for(timeout=1_000)
    assert page.get_by_text(f"Title: {target['title']}").is_visible()
    assert page.outside_requests == []
