"""Time district-filter changes in concurrent browser sessions, from the click to the redrawn charts.

    python -m bench.browser DATA_DIR [--sessions 1] [--changes 10] [--think 5] [--page trends] [--force kent]

Each session (a context of one headless Chromium) opens a link naming three districts, then alternately
clicks a tag's "Remove <name>" and types a name into the sidebar multiselect and presses Enter; every
district set is new across all sessions, so every change misses Streamlit's caches. A change is timed in
the page (performance.now()) from the pointerdown / Enter keydown to two animation frames after the page's
last drawn change (any element, chart or attribute; not a canvas's fallback content), once the run is over
and nothing has changed for QUIET_MS: what a person waits for before the page is still again. The run is
over when the app's script state went "running" then "notRunning"; a busy browser can apply both in one
render, so the attribute never flips, and then the sign is the link the app writes at the end of a run that
changes it, as every change made here does (the figures count those changes). A canvas repainted with no change
to the page's elements (a chart or a data grid drawn on a canvas) is not seen; the two frames after the last
change seen cover a repaint that follows it.

With ``--think S`` each session reads for a while before its next change (exponentially distributed,
S seconds on average, seeded per session) and the sessions open at staggered times within S seconds,
as people using the dashboard at once do; without it, every session changes the filter again the moment
its charts have redrawn (a stress test: ten people clicking without pause).

The sessions all open their page before any change is timed (``Gate``): opening a page costs a browser
several times what a change does, so ten openings in the first seconds would time changes against page
loads rather than against each other. How long the openings took is reported beside the changes.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from pathlib import Path
from unittest.mock import patch
from urllib.parse import urlsplit

import pandas as pd

from analytics.periods import quarter_key, quarter_start
from bench.sessions import FLOOR_APP, SERVE, Gate, PeakRss, Plan, _pools, memory_kib, session_parser, timings
from scripts.chromium import CHROMIUM, FLAGS
from scripts.local_server import ServerLogError, start_server, stop_server

QUIET_MS = 400
TIMEOUT_MS = 180_000

# Installed just before an action; window.__bench.end is set once the page has settled: two animation frames
# after its last drawn change (any element, chart or attribute), once the run is over (the app's script state went
# "running" then "notRunning", or the run wrote the link) and nothing has changed for ``quiet`` ms.
_WATCH = """quiet => {
  const CHART = "[data-testid='stVegaLiteChart']", ATTR = "data-test-script-state";
  const app = document.querySelector("[data-testid='stApp']");
  const b = window.__bench = {
    t0: null, running: null, done: null, last: null, painted: null, charts: 0, end: null, urlAt: null};
  // The app writes its state to the link at the end of a run that changes it: a second sign the run is over, for when
  // a busy browser applies "running" and "notRunning" in one render and the attribute never flips.
  if (!window.__benchHistory) {
    window.__benchHistory = true;
    for (const m of ["pushState", "replaceState"]) {
      const original = history[m];
      history[m] = function (...args) {
        const out = original.apply(this, args);
        const w = window.__bench;
        if (w && w.t0 !== null && w.end === null) w.urlAt = performance.now();
        return out;
      };
    }
  }
  let gen = 0;
  const act = e => { if (b.t0 === null && (e.type === "pointerdown" || e.key === "Enter")) b.t0 = performance.now(); };
  const EVENTS = ["pointerdown", "keydown"];
  EVENTS.forEach(t => addEventListener(t, act, true));
  const inChart = r => {
    const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    if (el && el.closest(CHART) && !(r.type === "attributes" && el.matches(CHART))) return true;
    return [...r.addedNodes].some(n => n.nodeType === 1 && (n.matches(CHART) || n.querySelector(CHART)));
  };
  // What is inside a canvas is its fallback content, never drawn (the data grid's cells for screen readers, which
  // it rewrites a moment after drawing the canvas); changes to the canvas element itself are drawn.
  const drawn = r => {
    const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    const canvas = el && el.closest("canvas");
    return !canvas || (canvas === el && r.type === "attributes");
  };
  const over = () => b.done !== null || b.urlAt !== null;
  const settle = () => {
    if (b.end !== null) return;
    const idle = app.getAttribute(ATTR) === "notRunning";
    if (!over() || !idle || b.painted === null || performance.now() - b.last < quiet) {
      setTimeout(settle, 50);
      return;
    }
    b.end = b.painted;
    obs.disconnect();
    EVENTS.forEach(t => removeEventListener(t, act, true));
  };
  const obs = new MutationObserver(records => {
    const now = performance.now();
    if (b.t0 === null || b.end !== null) return;
    const states = records.filter(r => r.target === app && r.attributeName === ATTR);
    // Each record holds the value before it, so a fast running -> notRunning flip is still seen.
    states.forEach((r, i) => {
      const value = i + 1 < states.length ? states[i + 1].oldValue : app.getAttribute(ATTR);
      if (value === "running") { b.running ??= now; b.done = null; }
      else if (value === "notRunning" && b.running !== null && b.done === null) b.done = now;
    });
    if (records.some(inChart)) b.charts++;
    if (!records.some(drawn)) return;
    const g = ++gen;
    if (b.last === null) setTimeout(settle, 50);
    b.last = now;
    b.painted = null;
    requestAnimationFrame(() => requestAnimationFrame(() => { if (g === gen) b.painted = performance.now(); }));
  });
  const options = {subtree: true, childList: true, attributes: true, characterData: true, attributeOldValue: true};
  obs.observe(document.body, options);
}"""
# Finished: the page has settled (above).
_FINISHED = """() => window.__bench.end !== null"""
_IDLE = """() => document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
  && document.querySelector("[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas")"""


async def _session(
    i, browser, url, pool, names, changes, think, seen, gate, samples, opens, errors, reopens=None, choose=None
):
    plan = Plan(i, pool, seen, think, gate)
    current = plan.current
    await plan.stagger()
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})

    async def guard(route):
        u = route.request.url
        if urlsplit(u).hostname in ("127.0.0.1", "localhost") or u.startswith(("data:", "blob:")):
            await route.continue_()
        else:
            errors.append(f"session {i}: blocked outside request {u}")
            await route.abort()

    await context.route("**/*", guard)
    page = await context.new_page()
    sidebar = page.get_by_test_id("stSidebar")
    select = sidebar.get_by_test_id("stMultiSelect").first

    async def check(where: str) -> None:
        if await page.get_by_text("Page not found").count():
            raise RuntimeError(f"no page at {url.split('?')[0]} (the overview is --page '')")
        if await page.get_by_text("encountered an error").count() or await page.get_by_test_id("stException").count():
            errors.append(f"session {i} {where}: the page shows an error")
        labels = await select.get_by_role("button").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
        shown = sorted(x.removeprefix("Remove ") for x in labels if x and x.startswith("Remove "))
        if shown != sorted(names[d] for d in current):
            errors.append(f"session {i} {where}: sidebar shows {shown}, expected {[names[d] for d in current]}")

    try:
        start = time.perf_counter()
        await page.goto(url + "".join(f"&district={d}" for d in current), timeout=TIMEOUT_MS)
        for d in current:
            await sidebar.get_by_role("button", name=f"Remove {names[d]}", exact=True).wait_for(timeout=TIMEOUT_MS)
        await page.wait_for_function(_IDLE, timeout=TIMEOUT_MS, polling=100)
        opens.append(1000 * (time.perf_counter() - start))
        await check("on opening")
        await plan.opened()
        for step in range(changes):
            if choose:
                # The page's own district control: the next district in its list (the first is shown on opening).
                await page.get_by_role("combobox", name=choose).click()
                option = page.get_by_role("option").nth(step + 1)
                await option.wait_for(timeout=TIMEOUT_MS)
                op, d = "choose", (await option.inner_text()).strip()
                action = option.click
            else:
                change = await plan.next_change(step, errors)
                if change is None:
                    break
                op, d = change
            if op == "choose":
                pass
            elif op == "remove":
                action = sidebar.get_by_role("button", name=f"Remove {names[d]}", exact=True).click
            else:
                await select.get_by_role("combobox").click()
                await page.keyboard.type(names[d])
                option = page.get_by_role("option", name=names[d], exact=True)
                await option.wait_for(timeout=TIMEOUT_MS)
                first = (await page.get_by_role("option").first.inner_text()).strip()
                action = (lambda: page.keyboard.press("Enter")) if first == names[d] else option.click
            await page.evaluate(_WATCH, QUIET_MS)
            await action()
            await page.wait_for_function(_FINISHED, timeout=TIMEOUT_MS, polling=100)
            b = await page.evaluate("() => window.__bench")
            if op == "choose":
                shown = (await page.get_by_role("combobox", name=choose).input_value()).strip()
                if shown != d:
                    errors.append(f"session {i} change {step + 1}: {choose} shows {shown!r}, expected {d!r}")
            else:
                plan.apply(op, d)
            current = plan.current
            flipped = b["done"] is not None
            done = b["done"] if flipped else b["urlAt"]
            took = {"ms": b["end"] - b["t0"], "script_ms": done - b["t0"]}
            samples.append({**took, "charts": b["charts"], "flip": flipped})
            if op == "add":
                await page.keyboard.press("Escape")
            await check(f"change {step + 1} ({op} {d})")
        if reopens is not None:
            # Opening again, the server warm: a new visitor (a fresh browser context) on the same link.
            again = await browser.new_context(viewport={"width": 1440, "height": 1000})
            await again.route("**/*", guard)
            second = await again.new_page()
            start = time.perf_counter()
            await second.goto(url + "".join(f"&district={d}" for d in current), timeout=TIMEOUT_MS)
            await second.wait_for_function(_IDLE, timeout=TIMEOUT_MS, polling=100)
            reopens.append(1000 * (time.perf_counter() - start))
            await again.close()
    except Exception as exc:
        errors.append(f"session {i}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        plan.close()
        await context.close()


async def _run(url: str, pid: int, pools, names, sessions: int, changes: int, think: float, errors: list, choose=None):
    from playwright.async_api import async_playwright

    samples: list[dict] = []
    opens: list[float] = []
    reopens: list[float] = [] if sessions == 1 else None
    seen: set[frozenset] = set()
    gate = Gate(sessions)
    async with PeakRss([pid]) as memory, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            args = (names, changes, think, seen, gate, samples, opens, errors)
            await asyncio.gather(
                *(_session(i, browser, url, pools[i % len(pools)], *args, reopens, choose) for i in range(sessions))
            )
        finally:
            memory.stop()  # the sessions are over: closing the browser is not sampled
            await browser.close()
    return samples, opens, reopens, memory.peak[pid]


def browser_benchmark(
    data_dir: Path,
    sessions: int,
    changes: int,
    page_path: str = "trends",
    *,
    think: float = 0,
    force: str | None = None,
    app: Path | None = None,
    choose: str | None = None,
) -> dict:
    """Time ``changes`` district-filter changes in each of ``sessions`` concurrent browser sessions
    (each reading ``think`` seconds on average between changes; 0: no pause). ``app``: another script to
    serve instead of the dashboard (``bench/floor_app.py``, the floor), at ``page_path`` ('' for its one page).
    ``choose``: the label of the page's own district selectbox, whose next district each change chooses, for a
    page that follows it rather than the sidebar's districts (the Star Chamber's presenting district)."""
    data_dir = Path(data_dir)
    districts = pd.read_parquet(data_dir / "districts.parquet", columns=["district_id", "name"])
    names = dict(zip(districts["district_id"], districts["name"], strict=True))
    dates = pd.read_parquet(data_dir / "survey_responses.parquet", columns=["interview_date"])["interview_date"]
    quarters = sorted({quarter_start(pd.Timestamp(d).date()) for d in dates.unique()})
    span = f"from={quarter_key(quarters[max(0, len(quarters) - 8)])}&to={quarter_key(quarters[-1])}"
    pools = _pools(list(names), force)
    errors: list[str] = []
    # No file watcher: an edit to the source during a run would reload modules under the sessions.
    with patch.dict(os.environ, {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", "ENGAGEMENT_ENGINE": "on"}):
        proc, url, log = start_server(data_dir, app or SERVE)
    try:
        link = f"{url}/{page_path}?{span}"
        samples, opens, reopens, peak = asyncio.run(
            _run(link, proc.pid, pools, names, sessions, changes, think, errors, choose)
        )
    finally:
        rss, hwm = memory_kib(proc.pid)
        try:
            stop_server(proc, log)
        except ServerLogError as exc:
            raised = [x for x in str(exc).splitlines() if re.match(r"\w+(Error|Exception)\b", x)]
            errors.append(f"server log: {raised[0] if raised else 'a traceback'}")
    ms, script = [s["ms"] for s in samples], [s["script_ms"] for s in samples]
    return {
        "sessions": sessions,
        "think_s": think,
        "changes_per_session": changes,
        "samples": len(ms),
        **timings(ms),
        "median_script_ms": timings(script)["median_ms"],
        # Opening the page (not a change, and not in the figures above): from the request to the drawn charts.
        "open_median_ms": timings(opens)["median_ms"],
        "open_max_ms": timings(opens)["max_ms"],
        # With one session: its opening is the first after the server started; then a new visitor opens it again.
        "reopen_ms": timings(reopens or [])["median_ms"],
        "changes_without_chart_redraw": sum(1 for s in samples if not s["charts"]),
        # Changes whose run was seen to end by the link it wrote (the browser never showed "running"); each change
        # still ends when the page settled.
        "changes_without_state_flip": sum(1 for s in samples if not s["flip"]),
        "server_peak_rss_mib": round(max(peak, hwm) / 1024, 1),
        "server_rss_end_mib": round(rss / 1024, 1),
        "errors": errors,
    }


if __name__ == "__main__":
    parser = session_parser(__doc__.splitlines()[0], sessions=1, changes=10)
    parser.add_argument("--page", dest="page_path", default="trends", help="'' for the overview")
    parser.add_argument("--app", type=Path, help=f"serve this script instead of app.py ({FLOOR_APP.name}: the floor)")
    parser.add_argument("--choose", help="the label of the page's own district selectbox to change instead")
    print(json.dumps(browser_benchmark(**vars(parser.parse_args()))))
