"""The server's memory as the session benchmarks sample it: the peak of VmRSS over a process and its descendants."""

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

from bench import sessions
from bench.sessions import PeakRss

HELD_MIB = 100


def _run(coroutine):
    """Run ``coroutine`` on a loop of its own, in a thread of its own (as tests/bench/test_bench_gate.py does)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_peak_counts_each_pid_with_its_descendants():
    # A child holding HELD_MIB MiB it has written to (so resident), until its input closes.
    hold = f"import sys; x = b'1' * ({HELD_MIB} << 20); print('ready', flush=True); sys.stdin.read()"
    child = subprocess.Popen([sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"

        async def run() -> dict[int, int]:
            async with PeakRss([os.getpid(), child.pid], interval=0.05) as memory:
                await asyncio.sleep(0.3)
            return memory.peak

        peak = _run(run())
        assert peak[child.pid] >= HELD_MIB * 1024
        assert peak[os.getpid()] > peak[child.pid], "this process's tree holds the child and this process"
    finally:
        child.stdin.close()
        child.wait(10)


def test_the_peak_is_the_largest_sample_and_sampling_stops_on_leaving():
    readings = {1: iter([5, 9, 7] + [0] * 100), 2: iter([3, 2] + [0] * 100)}
    calls: list[int] = []

    def fake(pid: int) -> tuple[int, int]:
        calls.append(pid)
        return next(readings[pid]), 0

    async def run() -> tuple[dict[int, int], int]:
        async with PeakRss([1, 2], interval=0.01) as memory:
            while len(calls) < 6:
                await asyncio.sleep(0.001)
        sampled = len(calls)
        await asyncio.sleep(0.05)
        assert len(calls) == sampled, "no sample after leaving"
        return memory.peak, sampled

    with patch.object(sessions, "memory_kib", fake):
        peak, sampled = _run(run())
    assert peak == {1: 9, 2: 3}
    assert calls == [1, 2] * (sampled // 2), "every pid in each round, in order"
