"""Record the queries a page runs, then replay each one on its own to time it."""

from __future__ import annotations

import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from analytics.storage.db import Database


@dataclass
class Recorded:
    """One query a page ran: its SQL, its bound values and how long it took in the page."""

    sql: str
    params: object
    seconds: float
    caller: str


@dataclass
class Recorder:
    queries: list[Recorded] = field(default_factory=list)


def _caller() -> str:
    """The analytics function that issued the query (cheap: no source lines are read): the nearest public
    one, so a private helper shared by several (``measures._sums_query``) or a lambda (``Database.remember``'s) is
    named by the caller that used it."""
    frame = sys._getframe(2)
    private = None
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("analytics.") and module != "analytics.storage.db":
            name = f"{module.removeprefix('analytics.')}.{frame.f_code.co_name}"
            if not frame.f_code.co_name.startswith(("_", "<")):  # <lambda>, <listcomp>: look further up
                return name
            private = private or name
        frame = frame.f_back
    return private or "?"


@contextmanager
def recording():
    """Every Database.query made inside the block is recorded (in any Database)."""
    rec = Recorder()
    original = Database.query

    def query(self, sql, params=None):
        start = time.perf_counter()
        try:
            return original(self, sql, params)
        finally:
            rec.queries.append(Recorded(sql, params, time.perf_counter() - start, _caller()))

    Database.query = query
    try:
        yield rec
    finally:
        Database.query = original


def replay(db: Database, queries: list[Recorded], repeats: int) -> list[dict]:
    """Each recorded query run ``repeats`` times on ``db``: its median and the caller that issued it.

    The runs are interleaved (every query once, then every query again, ...), so a query's runs are spread
    over the whole replay: a few seconds when the shared machine runs slow then touch every query a little
    rather than all the runs of one."""
    for q in queries:
        db.query(q.sql, q.params)  # warm: the first read of a file is not what a user waits for twice
    times: list[list[float]] = [[] for _ in queries]
    for _ in range(repeats):
        for q, runs in zip(queries, times, strict=True):
            start = time.perf_counter()
            db.query(q.sql, q.params)
            runs.append(time.perf_counter() - start)
    return [
        {"query": q.caller, "median_ms": 1000 * statistics.median(runs)} for q, runs in zip(queries, times, strict=True)
    ]


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it does not carry the parent's over exec)."""
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
