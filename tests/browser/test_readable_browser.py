"""Readable as it opens, in a real browser: the trends chart's lines, the scorecard's width, the map's filters."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import choose_presenting, new_context, screenshot, wait_for_charts, wait_until_idle

DISTRICTS = {
    "Basildon",
    "Braintree and Uttlesford",
    "Castle Point and Rochford",
    "Chelmsford and Maldon",
    "Colchester",
    "Epping Forest and Brentwood",
    "Harlow",
    "Southend",
    "Tendring",
    "Thurrock",
}


@pytest.fixture
def screen(browser, server):
    """A page on a 1440 x 900 screen in a UK browser."""
    context = new_context(browser, viewport={"width": 1440, "height": 900}, locale="en-GB")
    yield context.new_page()
    context.close()


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _legend(page) -> set[str]:
    """The district names in the first chart's legend."""
    texts = page.get_by_test_id("stVegaLiteChart").first.locator("g.role-legend text").all_text_contents()
    return set(texts) & DISTRICTS


def _wait_for_legend(page, count: int) -> set[str]:
    page.wait_for_function(
        """([names, n]) => {
            const chart = document.querySelector("[data-testid='stVegaLiteChart']");
            const texts = chart ? [...chart.querySelectorAll("g.role-legend text")].map(t => t.textContent) : [];
            return texts.filter(t => names.includes(t)).length === n;
        }""",
        arg=[sorted(DISTRICTS), count],
        timeout=60_000,
    )
    return _legend(page)


def _chart_control(page):
    return page.get_by_test_id("stMultiSelect").filter(has_text="Districts on the chart")


def test_trends_opens_on_the_force_and_three_districts_the_rest_a_click_away(screen, server):
    page = screen
    page.goto(server + "/trends")
    wait_for_charts(page, 2)
    wait_until_idle(page)
    page.wait_for_function("() => location.search.includes('lines=')", timeout=30_000)
    first = _wait_for_legend(page, 3)
    assert _query(page)["district"] == ["all"], "the sidebar still chooses every district"
    assert "Force" in page.get_by_test_id("stVegaLiteChart").first.locator("g.role-legend text").all_text_contents()
    screenshot(page, "trends_default")

    # Add a fourth district from the chart's own control, then take it off again.
    control = _chart_control(page)
    extra = sorted(DISTRICTS - first)[0]
    control.locator("input").click()
    page.get_by_role("option", name=extra, exact=True).click()
    page.keyboard.press("Escape")
    assert _wait_for_legend(page, 4) == first | {extra}
    wait_until_idle(page, runs=0)
    _chart_control(page).get_by_role("button", name=f"Remove {extra}").click()
    assert _wait_for_legend(page, 3) == first

    # Narrow the sidebar to two districts: the chart follows them exactly.
    sidebar = page.get_by_test_id("stSidebar")
    for name in sorted(DISTRICTS - {"Harlow", "Southend"}):
        wait_until_idle(page, runs=0)
        sidebar.get_by_role("button", name=f"Remove {name}").click()
    assert _wait_for_legend(page, 2) == {"Harlow", "Southend"}
    wait_until_idle(page, runs=0)

    # The link now shown reopens exactly this view.
    other = page.context.new_page()
    other.goto(page.url)
    wait_for_charts(other, 2)
    assert _wait_for_legend(other, 2) == {"Harlow", "Southend"}
    wait_until_idle(other)
    assert _query(other) == _query(page)
    other.close()


def _grid_fits(page, nth: int = 0) -> dict:
    """Whether the page's ``nth`` table fits its width: no sideways scroll, its right edge inside the window."""
    return page.evaluate(
        """nth => {
            const grid = document.querySelectorAll("[data-testid='stDataFrame']")[nth];
            const scroller = grid.querySelector(".dvn-scroller");
            const box = grid.getBoundingClientRect();
            return {scroll: scroller.scrollWidth, client: scroller.clientWidth, right: box.right,
                    viewport: window.innerWidth,
                    headers: [...grid.querySelectorAll("th")].map(t => t.textContent)};
        }""",
        nth,
    )


def test_star_chamber_scorecard_fits_the_page_at_1440(screen, server):
    page = screen
    page.goto(server + "/star_chamber?round=2026-09&presenting=southend")
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for(timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(1000)
    for presenting in ("Southend", "Castle Point and Rochford"):
        fit = _grid_fits(page)
        assert fit["headers"][-1] == "Funnel", "the scorecard's last column is the funnel"
        assert fit["scroll"] <= fit["client"], f"{presenting}: the table scrolls sideways, cutting its last column"
        assert fit["right"] <= fit["viewport"], "the table ends inside the window"
        kpis = _grid_fits(page, 1)
        assert kpis["headers"][-1] == "vs a year before", "the engagement and social media table's last column"
        assert kpis["scroll"] <= kpis["client"], f"{presenting}: the KPI table scrolls sideways"
        grid.scroll_into_view_if_needed()
        screenshot(page, f"star_chamber_scorecard_{presenting.split()[0].lower()}")
        # Another district presents: the new scorecard fits too.
        if presenting == "Southend":
            choose_presenting(page, "Castle Point and Rochford", "castle_point_rochford")
            page.wait_for_timeout(1000)


def _chips(page) -> list[dict]:
    """Every chip of the page's own multiselects (not the sidebar's): its text, and whether it shows in full."""
    return page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stMultiSelect']")].flatMap(m => {
            const box = m.getBoundingClientRect();
            const label = m.querySelector("label").textContent;
            return [...m.querySelectorAll(".react-aria-ComboBox [data-tag]")].map(tag => {
                const text = tag.querySelector("span[title]");
                const r = tag.getBoundingClientRect();
                return {label, text: text.textContent, full: text.scrollWidth <= text.clientWidth,
                        inside: r.left >= box.left - 1 && r.right <= box.right + 1};
            });
        })"""
    )


def _assert_readable(page, wanted: dict[str, int]) -> None:
    chips = _chips(page)
    counts = {label: sum(c["label"] == label for c in chips) for label in wanted}
    assert counts == wanted, counts
    cut = [c for c in chips if not (c["full"] and c["inside"])]
    assert not cut, f"chips cut short or out of sight: {cut}"


def test_activity_map_filter_chips_are_readable(screen, server):
    page = screen
    page.goto(server + "/activity_map?from=2026-27-Q1&to=2026-27-Q1")
    page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", timeout=60_000)
    wait_until_idle(page)
    _assert_readable(page, {"Activity": 8, "Audience": 10, "Strand": 3, "Status": 1})
    screenshot(page, "activity_map_filters")

    # Add a status, then take it off again: the chips stay whole each time.
    status = page.get_by_test_id("stMultiSelect").filter(has_text="Status")
    status.locator("input").click()
    page.get_by_role("option", name="cancelled", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('status=cancelled')", timeout=30_000)
    wait_until_idle(page, runs=0)
    _assert_readable(page, {"Activity": 8, "Audience": 10, "Strand": 3, "Status": 2})
    status.get_by_role("button", name="Remove cancelled").click()
    page.wait_for_function("() => !location.search.includes('status=cancelled')", timeout=30_000)
    wait_until_idle(page, runs=0)
    _assert_readable(page, {"Activity": 8, "Audience": 10, "Strand": 3, "Status": 1})


def test_a_charts_download_buttons_keep_their_labels_in_a_narrow_column(screen, server):
    """The funnel and the ranking share a row: each chart's PNG and SVG buttons wrap under its sentence whole (fixed
    columns once cut them to "P." and "S.", and the ranking's to bare icons)."""
    screen.goto(server + "/trends?section=funnel")
    wait_until_idle(screen)
    wait_for_charts(screen, 3)
    buttons = screen.get_by_role("tabpanel").get_by_test_id("stDownloadButton")  # the funnel's and the ranking's
    buttons.nth(3).wait_for(timeout=30_000)
    # The label is the button's last word (its icon is a ligature before it); cut: any part of it clipping its text.
    shown = buttons.evaluate_all(
        """els => els.map(el => {
             const b = el.querySelector('button');
             const clipped = e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible';
             return {label: b.innerText.trim().split(/\\s+/).pop(), cut: [b, ...b.querySelectorAll('*')].some(clipped)};
           })"""
    )
    screenshot(screen, "funnel_downloads")
    assert len(shown) == 4, shown  # the funnel's and the ranking's
    assert sorted(s["label"] for s in shown) == ["PNG", "PNG", "SVG", "SVG"], shown
    assert not any(s["cut"] for s in shown), shown
