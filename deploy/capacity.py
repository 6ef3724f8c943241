"""Sessions per replica, measured through nginx: the figures docs/deployment.md sizes a national launch from.

    python -m deploy.capacity DATA_DIR [--replicas 2] [--sessions 10 20 40] [--think 5] [--changes 4]

Starts the replicas over DATA_DIR and nginx in front (deploy/nginx.py), then for each number of sessions runs
bench/protocol.py's sessions through the proxy at once: each opens the trends page on districts of its own
and changes the district filter every ``think`` seconds on average (exponential, seeded), timed from sending
the change to the end of the redrawn page. Reported per step: the changes' median and 95th percentile, the
replicas' memory (idle, and peak under the sessions) and the CPU seconds they used, from /proc. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

import pandas as pd

from bench.protocol import _session
from bench.sessions import Gate, PeakRss, _pools, memory_kib, timings
from deploy.nginx import Proxy
from scripts.local_server import free_port, start_server, stop_server

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` (every thread), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _step(url: str, names: dict, sessions: int, changes: int, think: float, pids: list[int]) -> dict:
    pools = _pools(list(names), None)
    samples: list[float] = []
    opens: list[float] = []  # bench.protocol's sessions time their opening too; not reported here
    errors: list[str] = []
    seen: set[frozenset] = set()
    memory = PeakRss(pids)
    cpu_before = {p: _cpu_seconds(p) for p in pids}
    start = time.perf_counter()

    async def run() -> None:
        gate = Gate(sessions)
        args = (names, changes, think, seen, gate, samples, opens, errors)
        async with memory:
            await asyncio.gather(*(_session(i, url, "trends", pools[i % len(pools)], *args) for i in range(sessions)))

    asyncio.run(run())
    cpu = {p: round(_cpu_seconds(p) - cpu_before[p], 1) for p in pids}
    return {
        "sessions": sessions,
        "think_s": think,
        "changes": len(samples),
        **timings(samples),
        "wall_s": round(time.perf_counter() - start, 1),
        "replica_peak_rss_mib": [round(memory.peak[p] / 1024) for p in pids],
        "replica_cpu_s": [cpu[p] for p in pids],
        "errors": errors,
    }


def measure(data_dir: Path, replicas: int, steps: list[int], changes: int, think: float) -> dict:
    names_frame = pd.read_parquet(Path(data_dir) / "districts.parquet", columns=["district_id", "name"])
    names = dict(zip(names_frame["district_id"], names_frame["name"], strict=True))
    run_dir = Path(tempfile.mkdtemp(prefix="engagement-capacity-"))
    started, proxy, results = [], None, []
    try:
        with patch.dict(os.environ, {"ENGAGEMENT_ENGINE": "on"}):
            for _ in range(replicas):
                started.append(start_server(Path(data_dir)))
        listen = f"127.0.0.1:{free_port()}"
        proxy = Proxy(run_dir, [url.removeprefix("http://") for _, url, _ in started], listen)
        time.sleep(1)
        pids = [proc.pid for proc, _, _ in started]
        idle = [round(memory_kib(p)[0] / 1024) for p in pids]
        for sessions in steps:
            results.append(_step(f"http://{listen}", names, sessions, changes, think, pids))
            print(json.dumps(results[-1]), flush=True)
        return {"replicas": replicas, "idle_rss_mib": idle, "cpus": os.cpu_count(), "steps": results}
    finally:
        if proxy is not None:
            proxy.stop()
        for proc, _, log in started:
            stop_server(proc, log)
        shutil.rmtree(run_dir, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--sessions", type=int, nargs="+", default=[10, 20, 40])
    ap.add_argument("--changes", type=int, default=4, help="filter changes per session")
    ap.add_argument("--think", type=float, default=5, help="mean seconds a session reads between changes")
    args = ap.parse_args()
    print(json.dumps(measure(args.data_dir, args.replicas, args.sessions, args.changes, args.think)))


if __name__ == "__main__":
    main()
