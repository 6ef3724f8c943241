"""The benchmark's small smoke (CI runs only this): every section is measured and written. No time is asserted."""

import json
import os
import subprocess
import sys

from tests.conftest import REPO, in_ci


def _head() -> str:
    """HEAD's full hash, or "" where git cannot say (no git, or not a checkout)."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


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
    # The report says which code it measured, whenever git can say (a plain copy of the files has no commit).
    head, commit = _head(), report["machine"]["commit"]
    if head:
        assert commit and head.startswith(commit.split()[0]), (commit, head)
    else:
        assert commit == ""
    scans = result["reference_scan_ms"]
    assert len(scans) == 2 and all(x > 0 for x in scans), "the machine-speed scan before and after"
    for mode in ("engine_on", "engine_off"):
        pages = result[mode]["pages"]
        assert set(pages) == {"overview", "trends", "star_chamber", "activity_map", "social"}
        assert all(p["server_run_ms_median"] > 0 for p in pages.values())
        # The activity map and social pages query each new district set; the overview's comparison and the
        # trends figures are cached for every district of an area, so a change there may run no query.
        assert pages["activity_map"]["queries"] and pages["social"]["queries"]
    assert result["engine_on"]["engine_file"] and result["engine_off"]["engine_file"] is None
    assert set(result["pandas"]["page_ms"]) == set(result["engine_on"]["pages"])
    for spec, runs in (("1", 1), ("2@0.5", 2)):
        for answer in (result["protocol"][spec], result["floor"]["protocol"][spec]):
            assert answer["sessions"] == runs and answer["samples"] == 2 * runs and not answer["errors"]
            assert answer["median_ms"] > 0 and answer["open_p95_ms"] >= answer["open_median_ms"] > 0
    if browsers:
        # One browser on every page, and on the bare page before and after them: opened twice, changed twice.
        assert set(result["browser"]) == {"overview", "trends", "star_chamber", "activity_map", "social"}
        for run in [*result["browser"].values(), *result["floor"]["browser"]]:
            assert run["samples"] == 2 and not run["errors"]
            assert run["open_median_ms"] > 0 and run["reopen_ms"] > 0
        assert len(result["floor"]["browser"]) == 2
        assert all(run["changes_without_chart_redraw"] == 0 for run in result["floor"]["browser"])
    markdown = (tmp_path / "out" / "benchmark-quick.md").read_text()
    assert "| overview |" in markdown and "x pandas" in markdown
    if report["machine"]["commit"]:
        assert f"code at commit {report['machine']['commit']}" in markdown
    assert "Machine speed while measuring: a plain DuckDB scan" in markdown and "(before and after)" in markdown
    assert "| 2 sessions, each reading ~0.5 s between changes |" in markdown
    assert "| 2 sessions, each reading ~0.5 s between changes: bare page |" in markdown
    if browsers:
        assert "| again (ms) |" in markdown and "| bare page, run 2 |" in markdown


def test_the_targets_table_says_met_only_within_each_target():
    from bench.__main__ import TARGETS
    from bench.report import TARGETS_HEADING, target_lines

    def page(all_ms):
        return {"server_run_ms_median": 1, "queries_total_ms": 1, "all_queries_total_ms": all_ms, "all_queries": []}

    def browser(change, first, again):
        return {
            "median_ms": change,
            "open_median_ms": first,
            "reopen_ms": again,
            "errors": [],
            "server_peak_rss_mib": 300,
        }

    result = {
        "engine_on": {"pages": {"trends": page(40.0), "social": page(60.0)}},
        "engine_off": {"pages": {"trends": page(90.0), "social": page(90.0)}},
        "pandas": {"page_ms": {"trends": 900.0, "social": 1000.0}},
        "protocol": {
            "10": {
                "median_ms": 900.0,
                "p95_ms": 1500.0,
                "open_median_ms": 300.0,
                "open_p95_ms": 390.0,
                "errors": [],
                "server_peak_rss_mib": 350.0,
            },
            "10@5": {"median_ms": 110.0, "p95_ms": 310.0, "errors": [], "server_peak_rss_mib": 410.0},
        },
        # The bare page twice (before and after): judged against their mean, 100 ms a change, 2 s an opening.
        "floor": {
            "browser": [browser(90.0, 1900.0, 900.0), browser(110.0, 2100.0, 1100.0)],
            "protocol": {"10": {"open_median_ms": 90.0, "open_p95_ms": 120.0}},
        },
        "browser": {
            "trends": browser(199.0, 2500.0, 1200.0),  # 1.99x, 1.25x, 1.2x: all met
            "star_chamber": browser(201.0, 2700.0, 1000.0),  # 2.01x: missed; first opening 1.35x: missed
            "social": browser(500.0, 2000.0, 1000.0),  # not a change target: shown, not judged
        },
    }
    lines = target_lines(result, TARGETS)
    assert lines[0] == TARGETS_HEADING
    verdicts = {line.split(" | ")[0].lstrip("| "): line.rstrip(" |").rsplit("| ", 1)[1] for line in lines[4:]}

    def verdict(*words):
        (found,) = [v for k, v in verdicts.items() if all(w in k for w in words)]
        return found

    assert verdict("trends", "queries") == "yes" and verdict("social", "queries") == "**no**"
    assert verdict("trends", "district change") == "yes"
    assert verdict("star_chamber", "district change") == "**no**"
    assert verdict("social", "district change") == "–", "a page the target does not name is shown, not judged"
    assert (verdict("trends", "opening the page"), verdict("star_chamber", "opening the page")) == ("yes", "**no**")
    assert verdict("social", "opening the page") == "yes"
    assert verdict("at once") == "yes", "a p95 of 390 ms opening is under 400"
    assert verdict("changing districts") == "**no**", "a p95 of 310 ms misses 300"
    assert verdict("server memory") == "**no**", "410 MiB in one run is over 400"
    assert verdict("trends", "pandas") == "yes"  # 900 / 40 = 22.5x
    assert verdict("social", "pandas") == "**no**"  # 1000 / 60 = 16.7x
    star = next(line for line in lines if line.startswith("| star_chamber: one browser, district change"))
    assert "201.0 ms (2.01x)" in star and "| 100.0 ms |" in star, "shown beside the bare page's mean"
