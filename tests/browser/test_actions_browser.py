"""The Star Chamber's action forms in a real browser, as an editor uses them: words typed and not yet saved are still
there after the section is closed and opened again; an added action is stored and the inputs start empty."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_context, screenshot, wait_until_idle

LINK = "/star_chamber?round=2026-09&presenting=southend"


@pytest.fixture
def editor(browser, import_server):
    context = new_context(browser, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page, *import_server
    context.close()


def _toggle(page, section: str) -> None:
    """Click a section's heading, as a person does, and wait for the runs it starts (with the focus in an input,
    two: the input's value, then the section)."""
    page.get_by_text(section, exact=True).click()
    wait_until_idle(page, runs=0)
    page.wait_for_timeout(500)
    wait_until_idle(page, runs=0)


def test_unsaved_words_survive_closing_the_section_and_an_added_action_is_stored(editor):
    import pandas as pd

    page, url, folder = editor
    page.goto(url + LINK)
    wait_until_idle(page)
    stored = set(pd.read_parquet(folder / "star_chamber_actions.parquet")["action_id"])

    _toggle(page, "Update an action")
    update = page.get_by_label("Update", exact=True)
    update.fill("Two street surgeries held; a third in January")
    _toggle(page, "Update an action")  # closed with the words not saved (the input still has the focus)
    expect(update).to_have_count(0)  # a closed section draws no form
    _toggle(page, "Update an action")
    expect(update).to_have_value("Two street surgeries held; a third in January")

    _toggle(page, "Add an action from this meeting")
    what = page.get_by_label("What is to be done", exact=True)
    what.fill("Monthly surgery at Westcliff library")
    _toggle(page, "Add an action from this meeting")
    _toggle(page, "Add an action from this meeting")  # the same heading twice: closed, then open again
    expect(what).to_have_value("Monthly surgery at Westcliff library")
    add = page.get_by_role("button", name="Add action")
    add.click()  # no owner yet: refused, and the words stay to be mended
    expect(page.get_by_text("Not added: “Owner (role)” cannot be empty.")).to_be_visible(timeout=60_000)
    wait_until_idle(page, runs=0)
    expect(what).to_have_value("Monthly surgery at Westcliff library")
    page.get_by_label("Owner (role)", exact=True).last.fill("Neighbourhood Inspector")
    add.click()
    add.click(delay=0)  # twice at once, as a hurried person does: added once
    said = re.compile(r"Added SC-2026-09-southend-A")
    outcome = page.get_by_test_id("stAlert").filter(has_text=said)
    outcome.wait_for(timeout=60_000)
    wait_until_idle(page, runs=0)
    page.wait_for_timeout(1_000)
    wait_until_idle(page, runs=0)
    page.get_by_role("button", name="Add action").scroll_into_view_if_needed()
    screenshot(page, "star_chamber_action_added")

    now = pd.read_parquet(folder / "star_chamber_actions.parquet")
    new = now[~now["action_id"].isin(stored)]
    assert new[["district_id", "text", "owner"]].values.tolist() == [
        ["southend", "Monthly surgery at Westcliff library", "Neighbourhood Inspector"]
    ]
    expect(what).to_have_value("")  # the next action starts from empty inputs
    expect(update).to_have_value("Two street surgeries held; a third in January")  # the unsaved update is still there
