"""What the session benchmarks share (bench.browser, bench.protocol, bench.consistency, deploy/capacity.py): the
app they serve, the districts each session changes and the gate it waits at before timing (Plan, Gate), the
figures (timings), the command line, and the server's memory from /proc (memory_kib, and PeakRss sampling it while
the sessions run).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
from collections.abc import Iterable
from contextlib import suppress
from itertools import combinations
from pathlib import Path

import numpy as np

# The dashboard as it is served (`make run`, deploy/): app.py, warmed before the server answers (ui/warm.py).
SERVE = Path(__file__).resolve().parents[1] / "serve.py"

# A bare page timed the same way (bench.floor_app): what the browsers and Streamlit cost with nothing else.
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"

# Districts each session opens its page with.
START_DISTRICTS = 3


def _pools(ids: list[str], force: str | None) -> list[list[str]]:
    """Districts each session works in: a force each when ids read ``<force>_NN``, else all of them, rotated."""
    groups: dict[str, list[str]] = {}
    for d in ids:
        groups.setdefault(re.sub(r"_\d+$", "", d), []).append(d)
    big = [g for g in groups.values() if len(g) > START_DISTRICTS]
    big.sort(key=lambda g: (not (force and g[0].startswith(f"{force}_")), -len(g), g[0]))
    return big or [ids[i:] + ids[:i] for i in range(len(ids))]


def _plan_change(step: int, current: list[str], pool: list[str], seen: set) -> tuple[str, str] | None:
    """("remove" | "add", district) giving a district set not seen before, reserved at once."""
    removes = [("remove", d) for d in current if len(current) > 1]
    adds = [("add", d) for d in pool if d not in current]
    for op, d in removes + adds if step % 2 == 0 else adds + removes:
        chosen = frozenset(current) - {d} if op == "remove" else frozenset(current) | {d}
        if chosen not in seen:
            seen.add(chosen)
            return op, d
    return None


def timings(values: list[float]) -> dict:
    """Median, 95th percentile and maximum of ``values`` in ms (None when there are none)."""
    stats = {"median_ms": np.median, "p95_ms": lambda x: np.percentile(x, 95), "max_ms": max}
    return {k: round(float(f(values)), 1) if values else None for k, f in stats.items()}


def session_parser(description: str, sessions: int, changes: int) -> argparse.ArgumentParser:
    """The command line both session benchmarks take (bench.browser and bench.protocol)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--sessions", type=int, default=sessions)
    parser.add_argument("--changes", type=int, default=changes)
    parser.add_argument("--think", type=float, default=0, help="mean seconds a session reads between changes")
    parser.add_argument("--force", help="force whose districts the first session uses (ids <force>_NN)")
    return parser


class Gate:
    """Where the sessions wait until every one has opened its page (or given up), so the timed changes
    run against each other's changes, not against page loads."""

    def __init__(self, sessions: int):
        self.waiting, self.event = sessions, asyncio.Event()

    def leave(self) -> None:
        """This session will not wait (it failed, or already passed): the others need not wait for it."""
        self.waiting -= 1
        if self.waiting <= 0:
            self.event.set()

    async def arrive(self) -> None:
        self.leave()
        await self.event.wait()


class Plan:
    """One session's district changes: an opening set no other session has, then sets not seen before,
    with the reading pause between them (seeded per session)."""

    def __init__(self, i: int, pool: list[str], seen: set, think: float, gate: Gate | None = None):
        # Chosen when the session is made (before any await), so no two sessions open on the same set.
        self.current = list(next(c for c in combinations(pool, START_DISTRICTS) if frozenset(c) not in seen))
        seen.add(frozenset(self.current))
        self.i, self.pool, self.seen, self.think = i, pool, seen, think
        self.rng = random.Random(i)
        self.gate, self._gated = gate, False

    async def opened(self) -> None:
        """The page is open: wait until every session's is."""
        if self.gate and not self._gated:
            self._gated = True
            await self.gate.arrive()

    def close(self) -> None:
        """The session is over (perhaps failed before opening): never keep the others waiting."""
        if self.gate and not self._gated:
            self._gated = True
            self.gate.leave()

    async def stagger(self) -> None:
        """Open at a random moment within the mean pause (none without pauses)."""
        if self.think:
            await asyncio.sleep(self.rng.uniform(0, self.think))

    async def next_change(self, step: int, errors: list) -> tuple[str, str] | None:
        """After the pause: ("remove" | "add", district), or None (an error noted) when no unseen set is left."""
        if self.think:
            await asyncio.sleep(self.rng.expovariate(1 / self.think))
        plan = _plan_change(step, self.current, self.pool, self.seen)
        if plan is None:
            errors.append(f"session {self.i}: no unseen district set left after {step} changes")
        return plan

    def apply(self, op: str, district: str) -> None:
        self.current = [x for x in self.current if x != district] if op == "remove" else [*self.current, district]


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB summed over ``pid`` and its descendants."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    tree = [pid]
    for p in tree:  # grows while it is walked: every descendant
        tree.extend(c for c, parent in parents.items() if parent == p)
    rss = hwm = 0
    for p in tree:
        with suppress(OSError, ValueError):
            status = dict(line.partition(":")[::2] for line in Path(f"/proc/{p}/status").read_text().splitlines())
            rss += int(status.get("VmRSS", "0 kB").split()[0])
            hwm += int(status.get("VmHWM", "0 kB").split()[0])
    return rss, hwm


class PeakRss:
    """The peak VmRSS in KiB of each of ``pids`` with its descendants (memory_kib), ``peak[pid]``: an asyncio task
    samples them one after another every ``interval`` seconds, from entering ``async with`` until stop() or
    leaving it."""

    def __init__(self, pids: Iterable[int], interval: float = 0.25):
        self.peak = dict.fromkeys(pids, 0)
        self.interval = interval
        self._task: asyncio.Task | None = None

    async def _sample(self) -> None:
        while True:
            for pid in self.peak:
                self.peak[pid] = max(self.peak[pid], memory_kib(pid)[0])
            await asyncio.sleep(self.interval)

    async def __aenter__(self) -> PeakRss:
        self._task = asyncio.create_task(self._sample())
        return self

    def stop(self) -> None:
        """Sample no more (the peaks so far stay)."""
        if self._task is not None:
            self._task.cancel()

    async def __aexit__(self, *_exc) -> None:
        self.stop()
