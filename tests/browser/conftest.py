"""A real Streamlit server and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.chromium import CHROMIUM, launch
from scripts.local_server import start_server, stop_server  # also imported from here by the browser tests
from tests.conftest import REPO, in_ci

ARTIFACTS = REPO / "artifacts"


@pytest.fixture(scope="session")
def server(demo_dir) -> str:
    """Base URL of a dashboard served from the demo data."""
    proc, url, log = start_server(demo_dir)
    yield url
    stop_server(proc, log)


@pytest.fixture
def import_server(demo_dir, tmp_path):
    """A dashboard served from a copy of the demo data, so a test may import into it: (base URL, the copy)."""
    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    proc, url, log = start_server(copy)
    yield url, copy
    stop_server(proc, log)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian; skipped locally without it, required under CI."""
    if not Path(CHROMIUM).exists():
        if in_ci():
            pytest.fail(f"{CHROMIUM} is missing under CI: the test command must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium); browser tests skipped locally")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def guarded_page(browser, **context_kwargs):
    """A page in a fresh context whose requests leaving this machine are blocked and recorded
    (``page.outside_requests``); close it with ``page.context.close()``."""
    context = new_context(browser, **({"viewport": {"width": 1440, "height": 1000}} | context_kwargs))
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        host = url.split("/")[2].split(":")[0] if "://" in url else ""
        if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.outside_requests = outside
    return pg


@pytest.fixture
def page(browser, server):
    """A fresh page whose requests outside this machine are blocked and recorded."""
    pg = guarded_page(browser)
    yield pg
    pg.context.close()


def wait_for_charts(page, count: int = 1) -> None:
    """Wait until ``count`` Vega-Lite charts have drawn their SVG or canvas."""
    page.wait_for_function(
        """n => document.querySelectorAll(
            "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas").length >= n""",
        arg=count,
        timeout=60_000,
    )


def screenshot(page, name: str) -> Path:
    """Save a screenshot under artifacts/ to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Counts the app's finished script runs (the state attribute leaving "running" for "notRunning"),
# so a test can wait for a run that has really happened, not the idle state before it starts.
_RUN_COUNTER = """
window.__stRuns = 0;
new MutationObserver(changes => {
  for (const c of changes) {
    const now = c.target.getAttribute('data-test-script-state');
    if (now === 'notRunning' && c.oldValue && c.oldValue !== 'notRunning') window.__stRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


def new_context(browser, **kwargs):
    """A browser context whose pages count the app's finished runs (see wait_until_idle)."""
    context = browser.new_context(**kwargs)
    context.add_init_script(_RUN_COUNTER)
    return context


def wait_until_idle(page, runs: int = 1, timeout: int = 60_000) -> None:
    """Wait until at least ``runs`` script runs have finished since the page loaded and none is under way.

    A busy browser can apply "running" and "notRunning" in one render, and then the counter misses that run (the
    browser benchmark found it, bench/browser.py): after waiting for the link a run writes, pass ``runs=0``."""
    page.wait_for_function(
        """n => (window.__stRuns || 0) >= n && document.querySelector(
               "[data-testid='stApp'][data-test-script-state='notRunning']") !== null""",
        arg=runs,
        timeout=timeout,
    )
    page.wait_for_timeout(200)


def choose_presenting(page, name: str, district_id: str) -> None:
    """Choose the Star Chamber's presenting district as a person would: open the list, and open it again if a
    rerun closed it before it showed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(3):
        page.get_by_role("combobox", name="Presenting district").click()
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_until_idle(page, runs=0)
    option.click()
    page.wait_for_function(f"() => location.search.includes('presenting={district_id}')", timeout=30_000)
    wait_until_idle(page, runs=0)


def upload_file(page, path: Path, answer: str) -> None:
    """Give the page's file uploader ``path`` as a person would, and wait until the page shows ``answer`` (text of
    its reply to the file). The page reruns with a new uploader after a table is chosen; a file set while that one
    replaces the old is lost (the outcomes-file test timed out once in CI so), so it is set again until answered."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    shown = page.get_by_text(answer)
    for _ in range(3):
        wait_until_idle(page, runs=0)
        page.locator("input[type='file']").set_input_files(str(path))
        try:
            shown.first.wait_for(timeout=30_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the page never answered {Path(path).name} with {answer!r}")
