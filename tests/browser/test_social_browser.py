"""The Social media page in a real browser, including imported post text that looks like HTML."""

import shutil

import pytest

from analytics.ingest.social.importer import import_file
from analytics.social.tables import RATE_NOTE
from tests import social_samples as s
from tests.browser.conftest import screenshot, start_server, stop_server, wait_for_charts, wait_until_idle

HOSTILE = '<img src=x onerror="window.__xss=1"><b>You said</b> <script>window.__xss=2</script>'


def test_social_page_renders_with_no_outside_requests(page, server):
    page.goto(server + "/social?from=2025-26-Q1&to=2026-27-Q2")
    wait_for_charts(page, 4)
    assert page.get_by_role("heading", name="Districts in the period").is_visible()
    assert page.get_by_text("Association, not cause").first.is_visible()
    page.wait_for_function("() => location.search.includes('metric=reach')", timeout=20_000)
    assert page.outside_requests == []
    screenshot(page, "social")
    # The top posts by engagement rate are worked out when their tab opens, and the link names it.
    assert page.get_by_text(RATE_NOTE).count() == 0
    wait_until_idle(page)
    page.get_by_role("tab", name="By engagement rate").click()
    page.wait_for_function("() => location.search.includes('posts=engagement_rate')", timeout=30_000)
    page.get_by_text(RATE_NOTE).wait_for(timeout=30_000)
    wait_until_idle(page)
    screenshot(page, "social_top_by_rate")


@pytest.fixture
def hostile_server(demo_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    row = s.meta_row("1_666", "06/15/2026 10:00", HOSTILE, "9,000,000", "8,000,000", "5", "5", "0", "0", "0")
    report = import_file(copy, s.meta_file([row]), "fb_harlow")
    assert report.written
    proc, url, log = start_server(copy)
    yield url
    stop_server(proc, log)


def test_imported_post_text_is_shown_as_text_never_run(page, hostile_server):
    page.goto(hostile_server + "/social?district=harlow&from=2026-27-Q1&to=2026-27-Q1&platform=Facebook")
    wait_for_charts(page, 2)
    page.get_by_role("heading", name="Top posts in the period").wait_for()
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.__xss") is None, "imported text ran as script"
    assert page.locator("img[src='x']").count() == 0
    # The table also writes its cells to an accessible grid: the text is there exactly as typed.
    cell = page.locator("[data-testid='stDataFrame'] td").get_by_text(HOSTILE, exact=True)
    assert cell.count() == 1
    screenshot(page, "social_hostile_text")
