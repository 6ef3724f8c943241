"""A local dashboard server on a free loopback port, for the browser tests, the benchmarks (bench/) and the
capacity measurement (deploy/capacity.py): start it, and stop it failing on a traceback in its log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from analytics.engagement.boundaries import SHIPPED

REPO = Path(__file__).resolve().parents[1]
# The ONS local authority boundaries the app ships (data/README.md gives their source), as the app names them.
BOUNDARIES = SHIPPED[0]


class ServerLogError(AssertionError):
    """The server logged a traceback (the message is the whole log)."""


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, app: Path | None = None, boundaries: Path = BOUNDARIES):
    """Start the dashboard (or ``app``) on a free local port; returns (process, base URL, log path)."""
    port = free_port()
    env = {**os.environ, "ENGAGEMENT_DATA_DIR": str(data_dir), "ENGAGEMENT_BOUNDARIES": str(boundaries)}
    log = data_dir.parent / f"streamlit-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app or REPO / "app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                # Files edited while the server runs must not reload the app under a session.
                "--server.fileWatcherType",
                "none",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url, log
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"the dashboard did not start: {log.read_text()}")


def stop_server(proc, log: Path) -> None:
    """Stop the server and raise ServerLogError (an AssertionError, so a test using it fails showing the log) if
    it logged a traceback; a clean log is removed (one with a traceback is kept)."""
    proc.terminate()
    proc.wait(10)
    server_log = log.read_text()
    if "Traceback" in server_log:
        raise ServerLogError(server_log)
    log.unlink(missing_ok=True)
