"""Section tabs clicked like a person: every tab, in order and back, twice, with pauses; each click must show
its tab's content (issue 18: on the trends and social pages every other click was ignored)."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from analytics.social.tables import RATE_NOTE
from tests.browser.conftest import new_context, screenshot, wait_until_idle

PAUSE_MS = 3_500  # a person reading the tab before the next click

TREND_TABS = {
    "districts": ("District by district", "District by district"),
    "answers": ("Every answer", "Every answer: Harlow"),
    "funnel": ("Funnel and ranking", "Districts in Q1 2020/21: funnel and ranking"),
    "groups": ("Groups", "Groups within Harlow"),
}


def _there_and_back(ids: list[str]) -> list[str]:
    """From the first tab: to the last one in order and back to the first, twice."""
    once = ids[1:] + ids[-2::-1]
    return once + once


def _runs(page) -> int:
    """How many runs of the app this page has seen finish."""
    return page.evaluate("() => window.__stRuns || 0")


def _click_tab(page, label: str) -> None:
    """A real click on a tab after a pause, then wait for the app to be idle again.

    The run the click starts is waited for by the page's run counter; a run quick enough to leave no trace
    in the page's state attribute is not counted, so the callers check what the tab shows, not the count.
    """
    page.wait_for_timeout(PAUSE_MS)
    runs = _runs(page)
    page.get_by_role("tab", name=label, exact=True).click()
    _idle_after(page, runs)


def _idle_after(page, runs: int) -> None:
    try:
        wait_until_idle(page, runs + 1, timeout=20_000)
    except PlaywrightTimeout:
        wait_until_idle(page, 0)


def _open_panel(page):
    return page.locator("[role='tabpanel']:visible")


def test_every_trends_tab_click_shows_its_section(browser, server):
    context = new_context(browser, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(server + "/trends?district=harlow&district=southend&from=2019-20-Q1&to=2020-21-Q1&focus=harlow")
    page.get_by_role("tab", name="Every answer").wait_for(timeout=60_000)
    wait_until_idle(page)
    order = _there_and_back(list(TREND_TABS))
    assert order[:3] == ["answers", "funnel", "groups"] and order[3:6] == ["funnel", "answers", "districts"]
    for step, section in enumerate(order):
        label, heading = TREND_TABS[section]
        where = f"click {step + 1} ({label})"
        _click_tab(page, label)
        expect(page.get_by_role("tab", name=label, exact=True), where).to_have_attribute(
            "aria-selected", "true", timeout=15_000
        )
        panel = _open_panel(page)
        expect(panel.get_by_role("heading", name=heading, exact=True), where).to_be_visible(timeout=15_000)
        for other, (_, other_heading) in TREND_TABS.items():
            if other != section:
                expect(page.get_by_role("heading", name=other_heading, exact=True), where).to_have_count(0)
        # The section's chart is drawn in it, and the link names the section.
        expect(
            panel.locator("[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas").first, where
        ).to_be_visible(timeout=30_000)
        expect(page, where).to_have_url(re.compile(rf"[?&]section={section}(&|$)"), timeout=15_000)
    screenshot(page, "tabs_trends_after_two_rounds")

    # Away to another page and back: the section chosen last is still open, and a click still works at once.
    _click_tab(page, "Funnel and ranking")
    for other_page in ("Overview", "Confidence trends"):
        page.wait_for_timeout(PAUSE_MS)
        runs = _runs(page)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=other_page).click()
        _idle_after(page, runs)
    expect(_open_panel(page).get_by_role("heading", name=TREND_TABS["funnel"][1]), "back on trends").to_be_visible(
        timeout=30_000
    )
    expect(page).to_have_url(re.compile(r"[?&]section=funnel(&|$)"), timeout=15_000)
    _click_tab(page, "Groups")
    expect(_open_panel(page).get_by_role("heading", name="Groups within Harlow")).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"[?&]section=groups(&|$)"), timeout=15_000)
    context.close()


def _top_post(page):
    """The first row of the open tab's top-posts table, as the grid's accessible copy of its cells gives it
    (hidden from view, so found by CSS, not by role)."""
    return _open_panel(page).get_by_test_id("stDataFrame").locator("tr[aria-rowindex='2']")


def test_every_social_top_posts_tab_click_shows_its_posts(browser, server):
    context = new_context(browser, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(server + "/social?from=2025-26-Q1&to=2026-27-Q2")
    page.get_by_role("tab", name="By reach").wait_for(timeout=60_000)
    wait_until_idle(page)
    expect(_top_post(page)).to_contain_text(re.compile(r"\w"), timeout=30_000)
    top_by_reach = _top_post(page).inner_text()
    tabs = {"reach": "By reach", "engagement_rate": "By engagement rate"}
    order = _there_and_back(list(tabs))
    assert order == ["engagement_rate", "reach", "engagement_rate", "reach"]
    for step, chosen in enumerate(order):
        label = tabs[chosen]
        where = f"click {step + 1} ({label})"
        _click_tab(page, label)
        expect(page.get_by_role("tab", name=label, exact=True), where).to_have_attribute(
            "aria-selected", "true", timeout=15_000
        )
        expect(_top_post(page), where).to_have_count(1, timeout=30_000)
        if chosen == "engagement_rate":
            expect(_open_panel(page).get_by_text(RATE_NOTE), where).to_be_visible(timeout=15_000)
            expect(_top_post(page), where).not_to_have_text(top_by_reach, timeout=15_000)
        else:
            expect(page.get_by_text(RATE_NOTE), where).to_have_count(0, timeout=15_000)
            expect(_top_post(page), where).to_have_text(top_by_reach, timeout=15_000)
        expect(page, where).to_have_url(re.compile(rf"[?&]posts={chosen}(&|$)"), timeout=15_000)
    screenshot(page, "tabs_social_after_two_rounds")
    context.close()
