"""Data is text, never Markdown: hostile names, labels and addresses in a real browser.

Every request to a host other than this machine is blocked and recorded; the hostile text uses only
``.invalid`` addresses, so even an unblocked request could reach nothing.
"""

from __future__ import annotations

import shutil

import pytest

from analytics.storage import parquet as store
from tests.browser.conftest import (
    REPO,
    guarded_page,
    screenshot,
    start_server,
    stop_server,
    wait_for_charts,
    wait_until_idle,
)
from tests.hostile_text import HOSTILE_TEXT

JOINER = "\u2060"  # the invisible word joiner ui/escape.py puts inside addresses

DISTRICT = "Harlow ![x](http://example.invalid/d.png) [click](javascript:alert(1)) www.example.invalid"
LABEL = "Good job ![q](http://example.invalid/q.png) http://example.invalid/q"
WORDING = "<img src=http://example.invalid/w.png> How good a job? Ask me@example.invalid"
ANNOTATION = "Launch [a](http://example.invalid/a) https://example.invalid/n"
ACTION = "Act ![i](http://example.invalid/i.png) www.example.invalid/act"

# Links and images that do not point at this server or a place on the page, anywhere in the document; and
# any link in the main content that is not a heading's own anchor (a markdown link to "javascript:" is drawn
# as a link with an empty address). The map library's own attribution link is not data.
_FOREIGN = """() => {
  const here = location.origin, bad = [];
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || '';
    if (href === 'https://www.mapbox.com/' && a.closest("[data-testid='stDeckGlJsonChart']")) continue;
    const inMain = a.closest("[data-testid='stMain']") !== null;
    if (inMain ? !href.startsWith('#') : !(href.startsWith('#') || a.href.startsWith(here + '/')))
      bad.push('link ' + JSON.stringify(href) + ' ' + a.innerText.slice(0, 80));
  }
  for (const img of document.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    if (!(src.startsWith('data:') || src.startsWith('blob:') || img.src.startsWith(here + '/')))
      bad.push('image ' + src);
  }
  const addresses = '[href*="invalid"]:not([href^="#"]), [src*="invalid"], [srcset*="invalid"]';
  for (const el of document.querySelectorAll(addresses))
    bad.push('address ' + el.outerHTML.slice(0, 120));
  return bad;
}"""


def _clean(page, where: str) -> None:
    """Nothing left the machine, and no link or image came from the data."""
    page.wait_for_timeout(800)  # time for an image the page drew to be requested
    assert page.outside_requests == [], f"{where}: requests left the machine: {page.outside_requests}"
    assert page.evaluate(_FOREIGN) == [], f"{where}: links or images from the data"


def _read(locator) -> str:
    """What a person reads in ``locator`` (the invisible word joiners left out)."""
    return locator.inner_text().replace(JOINER, "").strip()


# --- the helper over the whole table, in every Markdown element ---------------------------------------


@pytest.fixture(scope="module")
def table_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_table")
    proc, url, log = start_server(folder, app=REPO / "tests" / "browser" / "hostile_text_app.py")
    yield url
    stop_server(proc, log)


ELEMENTS = {
    "markdown": "[data-testid='stMarkdownContainer'] strong",
    "header": "[data-testid='stHeading'] h2",
    "caption": "[data-testid='stCaptionContainer']",
    "info": "[data-testid='stAlertContentInfo']",
    "tab label": "[data-testid='stTab'] >> nth=0",
    "expander label": "[data-testid='stExpander'] summary [data-testid='stMarkdownContainer']",
    "button label": "[data-testid='stButton'] button",
    "metric label": "[data-testid='stMetricLabel']",
}


def test_every_hostile_text_reads_as_typed_in_every_markdown_element(browser, table_server):
    page = guarded_page(browser)
    page.goto(table_server + "/")
    last = page.locator(f".st-key-case_{len(HOSTILE_TEXT) - 1} [data-testid='stMetric']")
    last.wait_for(timeout=60_000)
    _clean(page, "the table of hostile text")
    wrong = []
    for i, text in enumerate(HOSTILE_TEXT):
        case = page.locator(f".st-key-case_{i}")
        typed = " ".join(text.split())
        for element, selector in ELEMENTS.items():
            shown = _read(case.locator(selector).first)
            if shown != typed:
                wrong.append(f"{text!r} in the {element}: {shown!r}")
    assert wrong == []
    page.context.close()


# --- the dashboard on data holding hostile text -------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_dashboard(demo_dir, tmp_path_factory):
    """The dashboard on a copy of the demo whose Harlow, first measure, annotations and Harlow's actions
    hold links, images and addresses; yields (base URL, Harlow's last Star Chamber round)."""
    copy = tmp_path_factory.mktemp("hostile_data") / "data"
    shutil.copytree(demo_dir, copy)
    districts = store.read_table(copy, "districts")
    districts.loc[districts["district_id"] == "harlow", "name"] = DISTRICT
    store.write_table(copy, "districts", districts)
    questions = store.read_table(copy, "survey_questions")
    first = questions["question_id"] == "police_job"
    questions.loc[first, "short_label"] = LABEL
    questions.loc[first, "wording"] = WORDING
    store.write_table(copy, "survey_questions", questions)
    notes = store.read_table(copy, "annotations")
    notes["label"] = [f"{ANNOTATION} {i}" for i in range(len(notes))]
    store.write_table(copy, "annotations", notes)
    actions = store.read_table(copy, "star_chamber_actions")
    actions.loc[actions["district_id"] == "harlow", "text"] = ACTION
    store.write_table(copy, "star_chamber_actions", actions)
    meetings = store.read_table(copy, "star_chamber_meetings")
    last_round = f"{meetings.loc[meetings['district_id'] == 'harlow', 'meeting_date'].max():%Y-%m}"
    proc, url, log = start_server(copy)
    yield url, last_round
    stop_server(proc, log)


def test_every_page_shows_hostile_data_as_text(browser, hostile_dashboard):
    url, last_round = hostile_dashboard
    page = guarded_page(browser)
    span = "from=2024-25-Q1&to=2026-27-Q2"

    page.goto(f"{url}/?district=all&{span}&measure=police_job")
    wait_for_charts(page, 2)
    wait_until_idle(page)
    _clean(page, "Overview")
    tile = page.get_by_test_id("stColumn").first.locator("[data-testid='stMarkdownContainer'] strong").first
    assert _read(tile) == LABEL

    page.goto(f"{url}/trends?district=harlow&focus=harlow&{span}&measure=police_job&section=districts")
    wait_for_charts(page, 2)
    wait_until_idle(page)
    _clean(page, "Confidence trends")
    page.get_by_role("tab", name="Every answer").click()
    page.wait_for_function("() => location.search.includes('section=answers')", timeout=30_000)
    heading = page.get_by_test_id("stHeading").filter(has_text="Every answer:")
    heading.wait_for(timeout=60_000)
    wait_for_charts(page, 2)
    wait_until_idle(page)
    assert _read(heading) == f"Every answer: {DISTRICT}"
    _clean(page, "Confidence trends, every answer")
    screenshot(page, "trends_hostile_district")
    # Opened from its link: a second tab switch in one page is lost today (issue 18, handled elsewhere).
    page.goto(f"{url}/trends?district=harlow&focus=harlow&{span}&measure=police_job&section=groups")
    heading = page.get_by_test_id("stHeading").filter(has_text="Groups within")
    heading.wait_for(timeout=60_000)
    wait_for_charts(page, 2)
    wait_until_idle(page)
    assert _read(heading) == f"Groups within {DISTRICT}"
    _clean(page, "Confidence trends, groups")

    page.goto(f"{url}/star_chamber?round={last_round}&presenting=harlow&{span}")
    wait_for_charts(page, 1)
    wait_until_idle(page)
    _clean(page, "Star Chamber")
    caption = page.get_by_test_id("stCaptionContainer").filter(has_text="Star Chamber (").first
    assert _read(caption).startswith(f"{DISTRICT} at the ")
    page.get_by_text("Update an action").click()  # the tracker's actions, in its picker
    wait_until_idle(page)
    _clean(page, "Star Chamber, update an action")

    for path, charts in (("social", 2), ("activity_map", 1), ("data", 0)):
        page.goto(f"{url}/{path}?district=harlow&{span}")
        if charts:
            wait_for_charts(page, charts)
        wait_until_idle(page)
        _clean(page, path)

    # Presenter mode: the bar names the district on every page.
    page.goto(f"{url}/trends?present=1&district=harlow&focus=harlow&{span}&measure=police_job&section=answers")
    wait_for_charts(page, 2)
    wait_until_idle(page)
    bar = page.get_by_test_id("stMain").get_by_test_id("stMarkdownContainer").locator("h2").first
    assert _read(bar) == DISTRICT
    _clean(page, "presenter mode")
    screenshot(page, "trends_hostile_district_presenter")
    page.context.close()
