"""The What works page in a real browser: the Tendring question, a measure changed and changed back, a
district chosen from the page's own list, and the link reopening the same view."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import screenshot, wait_for_charts, wait_until_idle

LINK = (
    "/what_works?district=tendring&district=harlow&from=2016-17-Q1&to=2026-27-Q2&measure=feel_informed&focus=tendring"
)


def _params(pg) -> dict:
    return parse_qs(urlparse(pg.url).query)


def _choose(pg, label: str, option: str) -> None:
    """Open the list and pick ``option``; open it again, as a person would, when a rerun closed it first."""
    for _ in range(3):
        wait_until_idle(pg)
        pg.get_by_role("combobox", name=label, exact=True).click()
        try:
            pg.get_by_role("option", name=option, exact=True).click(timeout=15_000)
            return
        except PlaywrightTimeout:
            pg.keyboard.press("Escape")
    raise AssertionError(f"{option!r} never showed in the {label!r} list")


def test_what_works_answers_and_follows_the_controls(page, server):
    page.goto(server + LINK + "&type=Street+pop-up&exposure=events_per_10k%3AStreet+pop-up")
    page.get_by_role("heading", name="What is followed by feel well informed").wait_for(timeout=120_000)
    wait_for_charts(page, 3)
    assert page.get_by_text("An association, not proof of cause.").first.is_visible()
    assert page.get_by_role("heading", name="Tendring, its engagement and the quarter after").is_visible()
    screenshot(page, "what_works_tendring")

    # Another measure, then back to the first: the same control twice.
    wait_until_idle(page)
    _choose(page, "Survey measure", "Police doing a good or excellent job")
    page.wait_for_function("() => location.search.includes('measure=police_job')", timeout=120_000)
    page.get_by_role("heading", name="What is followed by police doing a good or excellent job").wait_for(
        timeout=120_000
    )
    wait_until_idle(page)
    _choose(page, "Survey measure", "Feel well informed")
    page.wait_for_function("() => location.search.includes('measure=feel_informed')", timeout=120_000)
    page.get_by_role("heading", name="What is followed by feel well informed").wait_for(timeout=120_000)

    # The district view: the other district the sidebar chose.
    wait_until_idle(page)
    _choose(page, "District view", "Harlow")
    page.get_by_role("heading", name="Harlow, its engagement and the quarter after").wait_for(timeout=60_000)
    page.wait_for_function("() => location.search.includes('focus=harlow')", timeout=60_000)
    wait_for_charts(page, 3)
    assert _params(page)["exposure"] == ["events_per_10k:Street pop-up"]

    # The link reopens this view.
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    other.get_by_role("heading", name="Harlow, its engagement and the quarter after").wait_for(timeout=120_000)
    assert other.get_by_role("combobox", name="Survey measure").input_value() == "Feel well informed"
    assert page.outside_requests == []
    screenshot(other, "what_works_harlow_shared")
