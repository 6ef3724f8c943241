"""A real Streamlit server and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.chromium import CHROMIUM, launch
from tests.conftest import BOUNDARIES, REPO, in_ci

ARTIFACTS = REPO / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, app: Path | None = None):
    """Start the dashboard (or ``app``) on a free local port; returns (process, base URL, log path)."""
    port = _free_port()
    env = {**os.environ, "ENGAGEMENT_DATA_DIR": str(data_dir), "ENGAGEMENT_BOUNDARIES": str(BOUNDARIES)}
    log = data_dir.parent / f"streamlit-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app or REPO / "app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                # Files edited while the tests run must not reload the app under a session.
                "--server.fileWatcherType",
                "none",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url, log
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"the dashboard did not start: {log.read_text()}")


def stop_server(proc, log: Path) -> None:
    """Stop the server and fail if it logged a traceback; a clean log is removed (one with a traceback is kept)."""
    proc.terminate()
    proc.wait(10)
    server_log = log.read_text()
    assert "Traceback" not in server_log, server_log
    log.unlink(missing_ok=True)


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
    """Wait until at least ``runs`` script runs have finished since the page loaded and none is under way."""
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
