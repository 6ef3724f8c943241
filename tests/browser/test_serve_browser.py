"""The dashboard as `make run` and deploy/ serve it (serve.py: app.py warmed before it answers), in a browser."""

import pytest

from tests.browser.conftest import new_context, start_server, stop_server, wait_for_charts, wait_until_idle
from tests.conftest import REPO


@pytest.fixture
def served(demo_dir):
    proc, url, log = start_server(demo_dir, REPO / "serve.py")
    yield url
    stop_server(proc, log)  # fails on any traceback in the server's log (the warm-up's included)


def test_the_served_dashboard_opens_a_shared_link_and_follows_a_district_change(served, browser):
    context = new_context(browser, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{served}/trends?district=harlow&district=colchester", timeout=120_000)
        wait_for_charts(page, 2)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("button", name="Remove Harlow", exact=True).click()
        page.wait_for_function("() => !location.search.includes('harlow')", timeout=60_000)
        assert "district=colchester" in page.url
        page.wait_for_timeout(500)
        wait_for_charts(page, 2)
        assert page.get_by_test_id("stException").count() == 0
        assert sidebar.get_by_role("button", name="Remove Colchester", exact=True).count() == 1
        # As a person would, go back once the change has finished: under CI's load a run still under way when
        # Back was pressed wrote its link over the one Back had restored.
        wait_until_idle(page)
        page.go_back()
        page.wait_for_function("() => location.search.includes('harlow')", timeout=60_000)
        # The page follows the link Back restored (it once wrote the session's choice back over it): once the run
        # it started is over, Harlow is chosen again and the link still names it.
        wait_until_idle(page, runs=0)
        sidebar.get_by_role("button", name="Remove Harlow", exact=True).wait_for(timeout=30_000)
        assert "harlow" in page.url and "colchester" in page.url
        wait_for_charts(page, 2)
    finally:
        context.close()
