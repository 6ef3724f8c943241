"""In a real browser through nginx: the replica serving a page is stopped while the page is open. The page
says it is reconnecting, the proxy sends it to the other replica, and the figures it shows again are the
same ones; at no moment does it show other numbers."""

from __future__ import annotations

from tests.browser.conftest import new_context, screenshot, wait_for_charts, wait_until_idle
from tests.deploy.client import REPLICA_HEADER, ROUTE_COOKIE
from tests.deploy.conftest import LINK, PUBLISHED, cluster

__all__ = ["cluster"]  # the replicas behind nginx: a fixture of the deploy tests, used here

# Records every set of figures the page shows from the moment it is installed, and whether Streamlit's
# status widget said it was connecting, so a wrong number shown for an instant is caught.
WATCH = """() => {
  window.__figures = [];
  window.__connecting = false;
  const look = () => {
    const now = [...document.querySelectorAll("[data-testid='stMetricValue']")].map(e => e.innerText);
    const last = window.__figures[window.__figures.length - 1];
    if (JSON.stringify(now) !== JSON.stringify(last)) window.__figures.push(now);
    const status = document.querySelector("[data-testid='stStatusWidget']");
    if (status && /connecting/i.test(status.innerText)) window.__connecting = true;
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true});
  look();
}"""


def test_a_page_whose_replica_stops_reconnects_to_the_other_and_shows_the_same_figures(browser, cluster):
    route = cluster.route_to(cluster.a)[ROUTE_COOKIE]
    context = new_context(browser, viewport={"width": 1440, "height": 1000})
    context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": cluster.proxy}])
    try:
        page = context.new_page()
        sockets: list = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        response = page.goto(f"{cluster.proxy}/?{LINK}")
        assert response.headers[REPLICA_HEADER.lower()] == cluster.a.address
        wait_for_charts(page, 2)
        wait_until_idle(page)
        before = page.get_by_test_id("stMetricValue").all_inner_texts()
        assert before[:3] == list(PUBLISHED.values())

        page.evaluate(WATCH)
        cluster.a.stop()
        # The front end notices the lost connection and opens a new one through the proxy, which goes to B.
        for _ in range(120):
            if len(sockets) >= 2:
                break
            page.wait_for_timeout(500)
        assert len(sockets) >= 2, "the page did not reconnect"
        # The person carries on: another measure for the district map. Only B can answer now.
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="Police understand local issues").click()
        # Its figures shown, then the run over. Not a count of runs: a busy browser can show "running" and
        # "notRunning" in one render, and the counter then misses that run (see wait_until_idle).
        page.get_by_text("Police understand local issues, Q1 2020/21").first.wait_for(timeout=90_000)
        wait_until_idle(page, runs=0, timeout=90_000)
        after = page.get_by_test_id("stMetricValue").all_inner_texts()
        shown = page.evaluate("window.__figures")
        connecting = page.evaluate("window.__connecting")
        screenshot(page, "replicas-after-failover")
    finally:
        context.close()

    assert after == before, "the other replica showed different figures"
    for figures in shown:
        assert all(value == before[i] for i, value in enumerate(figures) if value), f"wrong figures shown: {figures}"
    print(f"figure sets shown while failing over: {len(shown)}; 'connecting' shown: {connecting}")
