"""The server's answer to district-filter changes from many sessions at once, without browsers.

    python -m bench.protocol DATA_DIR [--sessions 10] [--changes 5] [--think 5] [--page trends]

Each session is a client of the app's own websocket protocol (what the browser speaks): it opens the page
on a district set no other session has, then sends the district filter's new value as the browser does
(a rerun with the widget's state) and times until the server reports the run finished, every message of
the redrawn page sent. Nothing is drawn, so on one machine this is the server's share of "filter to
redrawn chart" under load, apart from the browsers' own drawing (which bench.browser measures with them).
As there, every session has opened its page before any change is timed.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qs

import pandas as pd

from bench.sessions import SERVE, Gate, PeakRss, Plan, _pools, memory_kib, session_parser, timings
from scripts.local_server import start_server, stop_server

TIMEOUT_S = 180


async def _until_finished(ws, on_element=None) -> list[str]:
    """Read messages until the run finishes: the districts of the link the run wrote (the app writes its
    state to the URL at the end of every run), after checking that no element is an error."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    query = None
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                raise RuntimeError(f"the page shows an error: {element.exception.message[:200]}")
            if on_element:
                on_element(element)
        elif kind == "page_info_changed":
            query = msg.page_info_changed.query_string
        elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return sorted(parse_qs(query or "").get("district", []))
        elif kind == "page_not_found":
            raise RuntimeError("the server has no such page")


def _rerun(query: str, page: str, widgets: list | None = None) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    for state in widgets or []:
        msg.rerun_script.widget_states.widgets.append(state)
    return msg.SerializeToString()


async def _session(i, url, page, pool, names, changes, think, seen, gate, samples, opens, errors):
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    plan = Plan(i, pool, seen, think, gate)
    current = plan.current
    await plan.stagger()
    found: dict[str, str] = {}

    def find_filter(element) -> None:
        if element.WhichOneof("type") == "multiselect" and element.multiselect.label == "Districts":
            found["id"] = element.multiselect.id

    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
            query = "from=2024-25-Q3&to=2026-27-Q2&" + "&".join(f"district={d}" for d in current)
            start = time.perf_counter()
            await ws.send(_rerun(query, page))
            shown = await _until_finished(ws, find_filter)
            # Opening: from the request to the whole first page sent (every session at once without pauses).
            opens.append(1000 * (time.perf_counter() - start))
            if shown != sorted(current):
                raise RuntimeError("the opened page did not take the link's districts")
            if "id" not in found:
                raise RuntimeError("the page drew no district filter")
            await plan.opened()
            for step in range(changes):
                change = await plan.next_change(step, errors)
                if change is None:
                    break
                plan.apply(*change)
                current = plan.current
                state = WidgetState(id=found["id"])
                state.string_array_value.data.extend(names[x] for x in current)
                start = time.perf_counter()
                await ws.send(_rerun("", page, [state]))
                shown = await _until_finished(ws)
                samples.append(1000 * (time.perf_counter() - start))
                if shown != sorted(current):
                    errors.append(f"session {i} change {step + 1}: the page shows {shown}, not {sorted(current)}")
    except Exception as exc:  # reported with the figures, never hidden
        errors.append(f"session {i}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        plan.close()


def protocol_benchmark(
    data_dir: Path,
    sessions: int,
    changes: int,
    page: str = "trends",
    *,
    think: float = 0,
    force: str | None = None,
    app: Path | None = None,
) -> dict:
    """Time opening the page and ``changes`` district-filter changes in each of ``sessions`` protocol clients
    at once. ``app``: another script to serve (``bench/floor_app.py``, the bare page, with ``page=''``)."""
    data_dir = Path(data_dir)
    districts = pd.read_parquet(data_dir / "districts.parquet", columns=["district_id", "name"])
    names = dict(zip(districts["district_id"], districts["name"], strict=True))
    pools = _pools(list(names), force)
    samples: list[float] = []
    opens: list[float] = []
    errors: list[str] = []
    seen: set[frozenset] = set()
    with patch.dict(os.environ, {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", "ENGAGEMENT_ENGINE": "on"}):
        proc, url, log = start_server(data_dir, app or SERVE)
    memory = PeakRss([proc.pid])

    async def run() -> None:
        args = (names, changes, think, seen, Gate(sessions), samples, opens, errors)
        async with memory:
            await asyncio.gather(*(_session(i, url, page, pools[i % len(pools)], *args) for i in range(sessions)))

    try:
        asyncio.run(run())
    finally:
        _, hwm = memory_kib(proc.pid)
        stop_server(proc, log)
    return {
        "sessions": sessions,
        "think_s": think,
        "changes_per_session": changes,
        "samples": len(samples),
        **timings(samples),
        # Opening the page, each session's whole first page sent: all at once when there is no pause.
        "open_median_ms": timings(opens)["median_ms"],
        "open_p95_ms": timings(opens)["p95_ms"],
        "server_peak_rss_mib": round(max(memory.peak[proc.pid], hwm) / 1024, 1),
        "errors": errors,
    }


if __name__ == "__main__":
    parser = session_parser(__doc__.splitlines()[0], sessions=10, changes=5)
    parser.add_argument("--page", default="trends", help="the page's URL name ('' for the overview)")
    parser.add_argument("--app", type=Path, help="serve this script instead of app.py (bench/floor_app.py: the floor)")
    print(json.dumps(protocol_benchmark(**vars(parser.parse_args()))))
