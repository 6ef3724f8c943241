"""The Star Chamber's action forms in a real browser, as an editor uses them: words typed and not yet saved are still
there after the section is closed and opened again; an added action is stored and the inputs start empty."""

from __future__ import annotations

import pytest

from tests.browser.conftest import new_context, screenshot, wait_until_idle

LINK = "/star_chamber?round=2026-09&presenting=southend"


@pytest.fixture
def editor(browser, import_server):
    context = new_context(browser, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page, *import_server
    context.close()


def _toggle(page, section: str) -> None:
    """Click a section's heading, as a person does, and wait for the run it starts."""
    page.get_by_text(section, exact=True).click()
    wait_until_idle(page, runs=0)
    page.wait_for_timeout(300)  # a second run (the input left, then the section) may follow the first


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
    assert not update.count(), "a closed section draws no form"
    _toggle(page, "Update an action")
    assert update.input_value() == "Two street surgeries held; a third in January"

    _toggle(page, "Add an action from this meeting")
    what = page.get_by_label("What is to be done", exact=True)
    what.fill("Monthly surgery at Westcliff library")
    _toggle(page, "Add an action from this meeting")
    _toggle(page, "Add an action from this meeting")  # the same heading twice: closed, then open again
    assert what.input_value() == "Monthly surgery at Westcliff library"
    page.get_by_label("Owner (role)", exact=True).last.fill("Neighbourhood Inspector")
    page.get_by_role("button", name="Add action").click()
    page.get_by_text("Added SC-2026-09-southend-A").wait_for(timeout=60_000)
    wait_until_idle(page, runs=0)
    page.get_by_text("Added SC-2026-09-southend-A").scroll_into_view_if_needed()
    screenshot(page, "star_chamber_action_added")

    now = pd.read_parquet(folder / "star_chamber_actions.parquet")
    new = now[~now["action_id"].isin(stored)]
    assert new[["district_id", "text", "owner"]].values.tolist() == [
        ["southend", "Monthly surgery at Westcliff library", "Neighbourhood Inspector"]
    ]
    assert what.input_value() == "", "the next action starts from empty inputs"
    assert update.input_value() == "Two street surgeries held; a third in January", "the unsaved update is still there"
