"""The browser benchmark's clock (``bench.browser._WATCH``) in a real browser, on a page that acts out a run with
known timings: a change ends two frames after the page's last change, once the run is over and the page has been
still, and never while the run is still going."""

from __future__ import annotations

from bench.browser import _FINISHED, _WATCH

QUIET = 200

# A stand-in for a Streamlit page: clicking "go" plays the steps (milliseconds after the click, what to do).
_PAGE = """<!doctype html><html><body>
<div data-testid="stApp" data-test-script-state="notRunning">
  <button id="go">go</button><div id="main">before</div>
  <div data-testid="stVegaLiteChart"><svg><rect id="bar" width="1" height="1"></rect></svg></div>
  <canvas id="grid" width="10" height="10"><table><tr><td id="cell">before</td></tr></table></canvas>
</div>
<script>
const app = document.querySelector("[data-testid='stApp']");
const acts = {
  running: () => app.setAttribute("data-test-script-state", "running"),
  notRunning: () => app.setAttribute("data-test-script-state", "notRunning"),
  chart: () => document.getElementById("bar").setAttribute("width", "2"),
  text: () => { document.getElementById("main").textContent = "after"; },
  link: () => history.replaceState(null, "", "?district=x"),
  grid: () => document.getElementById("grid").setAttribute("height", "20"),
  fallback: () => { document.getElementById("cell").textContent = "after"; },
};
window.steps = [];
document.getElementById("go").addEventListener("click", () => {
  for (const [at, what] of window.steps) setTimeout(acts[what], at);
});
</script></body></html>"""


def _time(browser, steps, quiet=QUIET):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("http://bench.test/**", lambda route: route.fulfill(body=_PAGE, content_type="text/html"))
        page.goto("http://bench.test/page")
        page.evaluate("s => { window.steps = s; }", steps)
        page.evaluate(_WATCH, quiet)
        page.click("#go")
        page.wait_for_function(_FINISHED, timeout=10_000, polling=50)
        return page.evaluate("() => window.__bench")
    finally:
        context.close()


def test_a_change_ends_after_the_last_thing_drawn_not_when_the_run_ends(browser):
    b = _time(browser, [[50, "running"], [150, "notRunning"], [250, "chart"], [450, "text"]])
    took = b["end"] - b["t0"]
    assert took >= 450, took  # two frames after the text, not at the flip (150) or the chart (250)
    assert took < 450 + 1000, took
    assert b["done"] is not None and b["done"] - b["t0"] < 250 and b["charts"] == 1


def test_without_a_state_flip_the_link_says_the_run_is_over(browser):
    b = _time(browser, [[100, "link"], [300, "chart"]])
    took = b["end"] - b["t0"]
    assert 300 <= took < 300 + 1000, took
    assert b["done"] is None and b["urlAt"] is not None


def test_a_link_written_mid_run_does_not_end_the_change_while_the_page_runs(browser):
    b = _time(browser, [[50, "running"], [100, "link"], [900, "text"], [950, "notRunning"]])
    assert b["end"] - b["t0"] >= 950, b["end"] - b["t0"]


def test_a_still_page_mid_run_does_not_end_the_change(browser):
    # Running from 50 to 900 ms with nothing drawn in between: longer than QUIET, still one change.
    b = _time(browser, [[50, "running"], [900, "text"], [950, "notRunning"]])
    took = b["end"] - b["t0"]
    assert 950 <= took < 950 + 1000, took


def test_a_canvas_redrawn_counts_its_fallback_content_rewritten_after_does_not(browser):
    # A data grid draws its canvas, then rewrites the cells inside it (for screen readers, never drawn) later.
    # Still for 600 ms, so the fallback content (at 600) comes before the change could end on the canvas (at 250).
    b = _time(browser, [[50, "running"], [150, "notRunning"], [250, "grid"], [600, "fallback"]], quiet=600)
    took = b["end"] - b["t0"]
    assert 250 <= took < 600, took  # two frames after the canvas, not after its fallback content
