"""Does every page run show one version of the data while imports change it? Protocol clients, no browsers.

    python -m bench.consistency DATA_DIR [--sessions 20] [--changes 6] [--imports 4]

DATA_DIR is copied first (the copy is changed, never DATA_DIR). A server is started on the copy (loopback
only); each session is a client of the app's own websocket protocol (as in bench.protocol) that opens the
Overview on three districts and then changes the district filter ``changes`` times. Once every session
has opened its page, imports (``pipeline.commit``, as the Data page does) change existing survey answers
back and forth: the first measure's answers in the last quarter, so the force's figure moves from about
72% to about 36% and back. Every finished run's page is read: the first tile (the force's figure for the
first measure) and the caption under the district table, which quotes the same force figure to one
decimal. A run whose two disagree showed two versions of the data at once: a mixed page.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest.mock import patch

import pandas as pd

from bench.protocol import TIMEOUT_S, _rerun, _until_finished
from bench.sessions import Gate, Plan, _pools
from scripts.local_server import start_server, stop_server

_FORCE = re.compile(r"force's value here is (\d+(?:\.\d+)?)%")
_PCT = re.compile(r"^(\d+(?:\.\d+)?)%$")


def changed_answers(data_dir: Path) -> tuple[bytes, bytes, str]:
    """(the first measure's answers in the last quarter as stored, the same with every other positive answer
    made negative, the question id), as CSV files of survey_responses."""
    questions = pd.read_parquet(data_dir / "survey_questions.parquet").sort_values("sort_order")
    first = questions.iloc[0]
    responses = pd.read_parquet(data_dir / "survey_responses.parquet")
    quarter = pd.to_datetime(responses["interview_date"]).dt.to_period("Q")
    rows = responses[(quarter == quarter.max()) & (responses["question_id"] == first["question_id"])].copy()
    as_stored = rows.to_csv(index=False).encode()
    negative = next(a for a in reversed(list(first["answers"])) if a not in set(first["positive_answers"]))
    positive = rows["answer"].isin(set(first["positive_answers"]))
    flip = positive & (positive.cumsum() % 2 == 0)
    rows.loc[flip, "answer"] = negative
    return as_stored, rows.to_csv(index=False).encode(), first["question_id"]


def read_page(run: dict) -> str:
    """'consistent', 'mixed' or 'unreadable' for one run's tile and caption."""
    tile, caption = run.get("tile"), run.get("force")
    if tile is None or caption is None:
        return "unreadable"
    return "consistent" if abs(tile - caption) <= 0.55 else "mixed"


async def _one_run(ws, record: dict) -> None:
    """Read messages until a run finishes successfully; a run stopped early for a rerun is followed to the
    run that replaces it (what the person ends up looking at)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen: dict = {}
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            if what == "exception":
                raise RuntimeError(f"the page shows an error: {element.exception.message[:200]}")
            if what == "metric" and "tile" not in seen:
                found = _PCT.match(element.metric.body)
                seen["tile"] = float(found.group(1)) if found else None
            elif what == "markdown" and (found := _FORCE.search(element.markdown.body)):
                seen["force"] = float(found.group(1))
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                record["reruns"] = record.get("reruns", 0) + 1
                seen = {}
                continue
            record.update(seen)
            return
        elif kind == "page_not_found":
            raise RuntimeError("the server has no such page")


async def _session(i, url, pool, names, changes, seen, gate, runs, errors) -> None:
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    plan = Plan(i, pool, seen, 0, gate)
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
            await ws.send(_rerun("&".join(f"district={d}" for d in plan.current), ""))
            record = {"session": i, "step": 0, "at": time.monotonic()}
            await _one_run(ws, record)
            runs.append(record)
            await plan.opened()
            for step in range(changes):
                change = await plan.next_change(step, errors)
                if change is None:
                    break
                plan.apply(*change)
                state = WidgetState(id=_DISTRICTS[0])
                state.string_array_value.data.extend(names[x] for x in plan.current)
                await ws.send(_rerun("", "", [state]))
                record = {"session": i, "step": step + 1, "at": time.monotonic()}
                await _one_run(ws, record)
                runs.append(record)
    except Exception as exc:  # reported with the figures, never hidden
        errors.append(f"session {i}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        plan.close()


_DISTRICTS: list[str] = []  # the district filter's widget id, found once


async def _find_filter(url: str) -> str:
    """The district filter's widget id (the same for every session: it is keyed)."""
    import websockets

    found: list[str] = []

    def note(element) -> None:
        if element.WhichOneof("type") == "multiselect" and element.multiselect.label == "Districts":
            found.append(element.multiselect.id)

    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
        await ws.send(_rerun("", ""))
        await _until_finished(ws, note)
    if not found:
        raise RuntimeError("the page drew no district filter")
    return found[-1]


def consistency_under_imports(
    data_dir: Path, sessions: int = 20, changes: int = 6, imports: int = 4, pause: float = 1.0, cap_s: float = 600
) -> dict:
    """Run the sessions against a copy of ``data_dir`` while ``imports`` commits change existing answers."""
    from analytics.ingest import pipeline
    from analytics.storage import engine
    from analytics.storage.db import Database

    work = Path(tempfile.mkdtemp(prefix="consistency-"))
    folder = work / "data"
    shutil.copytree(data_dir, folder)
    as_stored, changed, question = changed_answers(folder)
    db = Database(folder)
    known = {
        "districts": set(db.query("SELECT district_id AS v FROM districts")["v"]),
        "survey_questions": set(db.query("SELECT question_id AS v FROM survey_questions")["v"]),
    }
    answers = {r.question_id: set(r.answers) for r in db.query("SELECT * FROM survey_questions").itertuples()}
    db.close()
    checked = {
        raw: pipeline.analyse(raw, "answers.csv", "survey_responses", known=known, answers=answers)
        for raw in (changed, as_stored)
    }
    names = dict(pd.read_parquet(folder / "districts.parquet", columns=["district_id", "name"]).values)
    pools = _pools(list(names), None)
    runs: list[dict] = []
    errors: list[str] = []
    commits: list[dict] = []
    seen: set = set()
    proc, url, log = start_server(folder)

    async def run() -> None:
        gate = Gate(sessions)
        _DISTRICTS[:] = [await _find_filter(url)]

        async def importer() -> None:
            await gate.event.wait()
            for k in range(imports):
                raw = changed if k % 2 == 0 else as_stored
                start = time.monotonic()
                # The server builds its own engine file when it sees the new data, as after a Data page import.
                with patch.object(engine, "build_in_background", lambda _d: None):
                    out = await asyncio.to_thread(pipeline.commit, folder, checked[raw], raw, "bench", "admin")
                commits.append({"at": time.monotonic(), "seconds": round(time.monotonic() - start, 2),
                                "updated": out.updated})  # fmt: skip
                await asyncio.sleep(pause)

        tasks = [_session(i, url, pools[i % len(pools)], names, changes, seen, gate, runs, errors)
                 for i in range(sessions)]  # fmt: skip
        await asyncio.wait_for(asyncio.gather(importer(), *tasks), cap_s)

    started = time.monotonic()
    try:
        # On a loop of its own, in a thread of its own: Playwright's sync API, used by other tests in the same
        # process, can leave a loop running in this thread, and asyncio.run refuses to start inside one.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, run()).result()
    except TimeoutError:
        errors.append(f"not finished within {cap_s:.0f} s")
    finally:
        stop_server(proc, log)
        shutil.rmtree(work, ignore_errors=True)
    verdicts = [read_page(r) for r in runs]
    mixed = [r for r, v in zip(runs, verdicts, strict=True) if v == "mixed"]
    return {
        "sessions": sessions,
        "runs": len(runs),
        "mixed": len(mixed),
        "unreadable": verdicts.count("unreadable"),
        "reruns": sum(r.get("reruns", 0) for r in runs),
        "mixed_examples": [f"tile {r['tile']:.0f}% beside a caption quoting the force at {r['force']}%" for r in mixed],
        "imports": commits,
        "question": question,
        "seconds": round(time.monotonic() - started, 1),
        "errors": errors,
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--changes", type=int, default=6)
    parser.add_argument("--imports", type=int, default=4)
    print(json.dumps(consistency_under_imports(**vars(parser.parse_args())), indent=1))
