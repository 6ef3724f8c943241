"""Readable as it opens, in a real browser: the trends chart's lines, the scorecard's width, the map's filters."""

import pytest

from tests.browser.conftest import new_context, screenshot, wait_until_idle


@pytest.fixture
def screen(browser, server):
    """A page on a 1440 x 900 screen in a UK browser."""
    context = new_context(browser, viewport={"width": 1440, "height": 900}, locale="en-GB")
    yield context.new_page()
    context.close()


def _grid_fits(page) -> dict:
    return page.evaluate(
        """() => {
            const grid = document.querySelector("[data-testid='stDataFrame']");
            const scroller = grid.querySelector(".dvn-scroller");
            const box = grid.getBoundingClientRect();
            return {scroll: scroller.scrollWidth, client: scroller.clientWidth, right: box.right,
                    viewport: window.innerWidth,
                    headers: [...grid.querySelectorAll("th")].map(t => t.textContent)};
        }"""
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
        grid.scroll_into_view_if_needed()
        screenshot(page, f"star_chamber_scorecard_{presenting.split()[0].lower()}")
        # Another district presents: the new scorecard fits too.
        if presenting == "Southend":
            page.get_by_role("combobox", name="Presenting district").click()
            page.get_by_role("option", name="Castle Point and Rochford").click()
            page.wait_for_function("() => location.search.includes('presenting=castle_point_rochford')", timeout=30_000)
            wait_until_idle(page, runs=0)
            page.wait_for_timeout(1000)
