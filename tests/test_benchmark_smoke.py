"""The benchmark's small smoke (CI runs only this): every section is measured and written. No time is asserted."""

import json
import os
import subprocess
import sys

from tests.conftest import REPO, in_ci


def test_the_benchmark_runs_and_writes_every_figure(tmp_path):
    # One session, and two that pause (half a second on average) between changes: protocol clients always,
    # browsers where Chromium is installed (always in CI).
    browsers = in_ci() or os.path.exists("/usr/bin/chromium")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--only",
            "scale",
            "--sessions",
            "1,2@0.5",
            *([] if browsers else ["--no-browser"]),
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads((tmp_path / "out" / "benchmark-quick.json").read_text())
    result = report["datasets"]["scale"]
    assert result["rows"] == {"engagement_events": 20_000, "survey_responses": 10_000}
    assert report["machine"]["cores"] >= 1
    for mode in ("engine_on", "engine_off"):
        pages = result[mode]["pages"]
        assert set(pages) == {"overview", "trends", "star_chamber", "activity_map", "social"}
        assert all(p["server_run_ms_median"] > 0 for p in pages.values())
        # A filter change runs queries on the pages that depend on the districts.
        assert all(p["queries"] for name, p in pages.items())
    assert result["engine_on"]["engine_file"] and result["engine_off"]["engine_file"] is None
    assert set(result["pandas"]["page_ms"]) == set(result["engine_on"]["pages"])
    for spec, runs in (("1", 1), ("2@0.5", 2)):
        answer = result["protocol"][spec]
        assert answer["sessions"] == runs and answer["samples"] == 2 * runs and not answer["errors"]
        assert answer["median_ms"] > 0
    if browsers:
        browser = result["browser"]["1"]
        assert browser["samples"] >= 1 and not browser["errors"]
        paused = result["browser"]["2@0.5"]
        assert paused["sessions"] == 2 and paused["think_s"] == 0.5
        assert paused["samples"] == 4 and not paused["errors"], "two changes in each of two sessions"
    markdown = (tmp_path / "out" / "benchmark-quick.md").read_text()
    assert "| overview |" in markdown and "x pandas" in markdown
    assert "| 2 sessions, each reading ~0.5 s between changes |" in markdown
