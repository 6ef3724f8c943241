"""Two replicas behind Debian's nginx, configured by deploy/engagement.nginx.conf, over one data folder.

What a browser does is done here by clients of the app's own protocol (tests/deploy/client.py), all from one
address, through the proxy on the loopback interface:

1. a visitor's first page and its session land on one replica, and visitors spread over both;
2. an import made through the Data page on replica A is seen, in the same open session, by a visitor on B;
3. replica A is stopped mid-session: the session's connection drops (the browser shows "Connecting"), and
   reconnecting through the proxy is answered by B with the same, right figures;
4. the front end's JavaScript comes back gzip-compressed from nginx (Streamlit itself sends it plain).

nginx runs as the test's own process from a temporary folder. Skipped locally without nginx; under CI
(CI=true) a missing nginx fails (scripts/ensure_test_tools.sh installs it).
"""

from __future__ import annotations

import asyncio
import gzip
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.deploy.client import ROUTE_COOKIE, Visitor
from tests.deploy.conftest import LINK, PUBLISHED

# The site's name as browsers ask for it (a reserved test name; nginx listens on the loopback address).
SITE = "engagement.test"
# Sixty answers for a quarter the demo has none in: too few for a whole quarter, so the app offers it as
# incomplete, which is how a viewer sees that the import arrived.
NEW_QUARTER = "Q3 2026/27 is incomplete"
ANSWERS = (
    "response_id,interview_date,district_id,question_id,answer,weight,age_band,sex,ethnic_group\n"
    + "".join(
        f"R-NEW-{i},2026-11-0{1 + i % 5},harlow,feel_informed,Very well informed,1.0,35-44,Female,White\n"
        for i in range(60)
    )
).encode()
# Bytes of an upload larger than nginx lets through by default, well within the app's own limit.
LARGE_UPLOAD = 5 * 2**20
# The whole module, start-up included, must stay well inside two minutes on the loaded two-core machine.
SCENARIO_S = 90


def run(coroutine):
    """Run one scenario's protocol sessions, bounded in time, in a thread of its own: a browser test earlier in
    the same worker can leave an event loop running in this thread, and asyncio.run refuses to start inside one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, SCENARIO_S)).result()


def test_gzip_on_the_front_end_javascript(cluster):
    visitor = Visitor(cluster.proxy)
    index = visitor.request("GET", "/")
    assert index.status == 200 and ROUTE_COOKIE in visitor.cookies
    main_js = "/" + re.search(r"static/js/index\.[\w-]+\.js", index.body.decode()).group(0)

    compressed = visitor.request("GET", main_js, headers={"Accept-Encoding": "gzip"})
    plain = Visitor(cluster.a.url).request("GET", main_js, headers={"Accept-Encoding": "gzip"})
    assert compressed.status == plain.status == 200
    assert compressed.headers.get("Content-Encoding") == "gzip", dict(compressed.headers)
    assert plain.headers.get("Content-Encoding") is None, "Streamlit compressed it: the check proves nothing"
    assert gzip.decompress(compressed.body) == plain.body
    print(f"main JS {len(plain.body):,} bytes, {len(compressed.body):,} gzip-compressed by nginx")


def test_first_page_through_the_proxy_sticks_to_one_replica(cluster):
    visitor = Visitor(cluster.proxy, name=SITE)
    page_replica = visitor.request("GET", "/").replica

    async def first_page():
        start = time.perf_counter()
        async with visitor.session() as session:
            shown = await session.run(LINK)
        return session.replica, shown.metrics, time.perf_counter() - start

    replica, metrics, took = run(first_page())
    assert replica == page_replica, "the session's WebSocket went to another replica than its page"
    assert {k: metrics.get(k) for k in PUBLISHED} == PUBLISHED
    print(f"first page through nginx in {took:.2f} s from {replica}")

    # Visitors from one address still spread over both replicas: the proxy hashes its cookie, not the address.
    seen = {Visitor(cluster.proxy).request("GET", "/_stcore/health").replica for _ in range(20)}
    assert seen == {cluster.a.address, cluster.b.address}


def test_an_import_on_replica_a_is_seen_by_a_session_on_replica_b(cluster):
    viewer = Visitor(cluster.proxy, cluster.route_to(cluster.b), name=SITE)
    manager = Visitor(cluster.proxy, cluster.route_to(cluster.a), name=SITE)
    viewer.request("GET", "/")
    assert manager.request("GET", "/").replica == cluster.a.address
    # The front end asks for the server's health before connecting; the answer sets the XSRF cookie uploads need.
    assert manager.request("GET", "/_stcore/health").replica == cluster.a.address

    async def scenario():
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        async with viewer.session() as on_b, manager.session() as on_a:
            assert (on_b.replica, on_a.replica) == (cluster.b.address, cluster.a.address)
            before = await on_b.run("district=harlow")
            assert NEW_QUARTER not in before.texts

            # The manager imports on A, as in the browser: choose the table, upload the file, press Import.
            page = await on_a.run("", "data")
            target = page.widget("selectbox", "What the file holds")
            choice = WidgetState(
                id=target.id, string_value=next(o for o in target.options if o.startswith("survey_responses:"))
            )
            page = await on_a.run("", "data", [choice])
            uploader = page.widget("file_uploader", "File")
            # A file of a few megabytes gets through to the app (nginx's own default limit is 1 MB).
            spare = await on_a.upload_urls("large.csv")
            large = manager.upload(spare.upload_url, "large.csv", b"x" * LARGE_UPLOAD)
            assert large.status in (200, 204), (large.status, large.body[:200])
            urls = await on_a.upload_urls("answers.csv")
            put = manager.upload(urls.upload_url, "answers.csv", ANSWERS)
            assert put.status in (200, 204) and put.replica == cluster.a.address, (put.status, put.body[:200])
            upload = WidgetState(id=uploader.id)
            upload.file_uploader_state_value.uploaded_file_info.add(
                file_id=urls.file_id, name="answers.csv", size=len(ANSWERS), file_urls=urls
            )
            page = await on_a.run("", "data", [choice, upload])
            button = page.widget("button", "Import 60 rows")
            press = WidgetState(id=button.id, trigger_value=True)
            start = time.perf_counter()
            page = await on_a.run("", "data", [choice, upload, press])
            # (The message is Markdown, its underscore escaped.)
            assert "Imported into survey\\_responses: 60 new" in page.texts, page.texts[-2000:]

            # The viewer's session on B, open all along, shows the new data on its next run.
            after = await on_b.run("district=harlow")
            return on_b.replica, after.texts, time.perf_counter() - start

    replica, texts, took = run(scenario())
    assert replica == cluster.b.address
    assert NEW_QUARTER in texts
    print(f"import on A seen by the session on B {took:.2f} s after pressing Import")


def test_a_replica_stopped_mid_session_the_session_reconnects_to_the_other_with_the_same_figures(cluster):
    visitor = Visitor(cluster.proxy, cluster.route_to(cluster.a), name=SITE)
    assert visitor.request("GET", "/").replica == cluster.a.address

    async def scenario():
        import websockets

        async with visitor.session() as session:
            assert session.replica == cluster.a.address
            before = (await session.run(LINK)).metrics
            stopped = time.perf_counter()
            cluster.a.stop()
            # The open connection drops when its replica goes: this is when the browser shows "Connecting".
            with pytest.raises(websockets.ConnectionClosed):
                await session.run(LINK)
        # The browser checks the server's health, then reconnects and reruns its link: same cookies, same proxy.
        health = visitor.request("GET", "/_stcore/health")
        async with visitor.session() as again:
            after = (await again.run(LINK)).metrics
        return before, health, again.replica, after, time.perf_counter() - stopped

    before, health, replica, after, took = run(scenario())
    # The proxy tried A, found it gone, and asked B within the same request: the browser sees no error.
    assert (health.status, health.body, health.tried) == (200, b"ok", [cluster.a.address, cluster.b.address])
    assert replica == cluster.b.address
    assert {k: before.get(k) for k in PUBLISHED} == PUBLISHED
    assert after == before, "the other replica answered the reconnected session with different figures"
    print(f"replica A stopped; the session answered by B {took:.2f} s later")
