"""Run a parser in a separate process with memory and time limits.

A hostile file (a zip bomb, a million columns, a pathological CSV) can at worst
exhaust the child, which is killed or dies; the server carries on and the
person importing gets a message. The child is a fresh interpreter
(``python -m analytics.ingest.isolate``) that sets its own limits before it
reads anything, and shares nothing with the server but its arguments.

The memory limit caps the child's address space. Arrow's default allocator (mimalloc) reserves
address space far beyond what it uses, which made an ordinary Parquet file hit the limit; the child
uses the system allocator instead, so the limit measures memory actually used.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import resource
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from analytics.config import PROJECT_ROOT
from analytics.ingest.textfiles import ExportError

TIMEOUT_S = 60
MEMORY_MB = 1536
# Arrow's allocator for the child: the system one, which reserves no address space beyond what it uses.
CHILD_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system"}
log = logging.getLogger(__name__)


def run_isolated(fn: Callable, *args: Any, timeout: float = TIMEOUT_S, memory_mb: int = MEMORY_MB) -> Any:
    """``fn(*args)`` in a child process; an ``ExportError`` with a plain message if it fails, runs out, or dies.

    ``fn`` must be a module-level function and its arguments and result picklable.
    """
    request = pickle.dumps((fn.__module__, fn.__qualname__, args))
    env = {
        **os.environ,
        **CHILD_ENV,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "analytics.ingest.isolate", str(memory_mb), str(int(timeout) + 1)],
            input=request,
            capture_output=True,
            timeout=timeout,
            cwd=PROJECT_ROOT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExportError(f"Reading the file took longer than {timeout:.0f} seconds, so it was stopped.") from exc
    try:
        status, payload = pickle.loads(done.stdout)
    except Exception as exc:
        raise ExportError(
            "Reading the file stopped the reader process (it needed more memory or time than allowed)."
        ) from exc
    if done.stderr:
        log.warning("isolated reader: %s", done.stderr.decode("utf-8", "replace")[-2000:])
    if status != "ok":
        raise ExportError(payload)
    return payload


def _serve(memory_mb: int, cpu_s: int) -> None:
    """The child: read the request from stdin, load the reader's code, set limits, read the file, write the
    answer to stdout.

    The limits bound reading the file, not loading the project's own code: under a small memory limit,
    importing pandas or DuckDB can fail inside a C extension with an error that does not say memory.
    """
    os.environ.update(CHILD_ENV)  # before Arrow is imported, also when the child is started by hand
    module, name, args = pickle.loads(sys.stdin.buffer.read())
    fn = getattr(importlib.import_module(module), name)
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    try:
        answer = ("ok", fn(*args))
    except ExportError as exc:
        answer = ("refused", str(exc))
    except MemoryError:
        answer = ("refused", f"Reading the file needed more than {memory_mb} MB of memory, so it was stopped.")
    except RecursionError:
        answer = ("refused", "The file is nested too deeply to read.")
    except OverflowError:
        answer = ("refused", "The file holds a number or date too large to read; check its values.")
    except Exception as exc:
        # The technical detail goes to the server's log; the person importing reads plain words.
        print(f"{type(exc).__name__}: {str(exc)[:500]}", file=sys.stderr)
        answer = (
            "refused",
            "The file could not be read: it may be damaged, or saved in a form this importer does not know. "
            "Save it again from the program that made it (CSV, Excel .xlsx or Parquet).",
        )
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
