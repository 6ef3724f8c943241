"""The session benchmarks' gate: no change is timed until every session has opened its page (or failed)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bench.sessions import Gate, Plan


def _run(coroutine):
    """Run ``coroutine`` on a loop of its own, in a thread of its own (Playwright's sync API, used by
    other tests in the same worker, leaves a loop running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _sessions(opens: list[bool], order: list[str]) -> None:
    """Sessions that open (True) or fail before opening (False), yielding between steps; ``order`` logs them."""

    async def session(i: int, opens_page: bool, gate: Gate) -> None:
        plan = Plan(i, ["a", "b", "c", "d", "e", "f"], seen, think=0, gate=gate)
        try:
            for _ in range(i + 1):  # later sessions take longer to open
                await asyncio.sleep(0)
            if not opens_page:
                raise RuntimeError("no page")
            order.append(f"open {i}")
            await plan.opened()
            order.append(f"change {i}")
        except RuntimeError:
            order.append(f"failed {i}")
        finally:
            plan.close()

    async def run() -> None:
        gate = Gate(len(opens))
        await asyncio.gather(*(session(i, o, gate) for i, o in enumerate(opens)))

    seen: set = set()
    _run(run())


def test_no_session_changes_before_every_session_has_opened():
    order: list[str] = []
    _sessions([True, True, True], order)
    assert order[:3] == ["open 0", "open 1", "open 2"]
    assert sorted(order[3:]) == ["change 0", "change 1", "change 2"]


def test_a_session_that_fails_to_open_does_not_hold_the_others():
    order: list[str] = []
    _sessions([True, True, False], order)
    assert order[:3] == ["open 0", "open 1", "failed 2"]
    assert sorted(order[3:]) == ["change 0", "change 1"]


def test_closing_after_opening_does_not_count_twice():
    gate = Gate(2)
    plan = Plan(0, ["a", "b", "c", "d"], set(), think=0, gate=gate)

    async def run() -> bool:
        first = asyncio.create_task(plan.opened())
        await asyncio.sleep(0)
        plan.close()  # already counted when it opened
        await asyncio.sleep(0)
        return first.done()

    assert _run(run()) is False, "one of two sessions opened: it must still be waiting"


def test_a_recorded_query_is_named_by_the_public_function_that_asked_for_it(demo_dir):
    """A query sent from a private helper or a lambda (``Database.remember``'s) is named by the public analytics
    function above it, as the benchmark report lists it."""
    from datetime import date

    from analytics.star_chamber import kpis
    from analytics.storage.db import Database
    from bench.record import recording

    with recording() as rec:
        kpis.kpi_scorecard(Database(demo_dir), "harlow", date(2026, 4, 1))
    assert [q.caller for q in rec.queries if q.sql == kpis._FIGURES_SQL] == ["star_chamber.kpis.kpi_scorecard"]
