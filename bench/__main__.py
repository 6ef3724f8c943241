"""The benchmark: ``python -m bench`` (or ``make benchmark``). Prints figures and writes docs/benchmark.md.

At demo size and at scale (10 million events, 5 million survey rows, 43 forces by default) it measures,
for each page, the server's time for a filter change (AppTest) and the median of each query the page
ran, with the engine file and reading Parquet directly; a naive pandas implementation of the same
pages (load everything, filter, group) in the same run, as ratios; peak memory; and in headless
Chromium, the time from changing the district filter to the redrawn chart with one session and ten.
Nothing here asserts a time: the numbers are for reading. ``--quick`` is the small smoke CI runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from analytics import demo, scale
from analytics.storage import engine

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".cache" / "bench"
# Issue 26's targets at scale, each judged against figures from the same run (the bare page, pandas).
TARGETS = {
    "queries_ms": 50,  # all of a page's queries together
    "change_vs_floor": 2.0,  # one browser, district change to redrawn charts, over the bare page's
    "open_vs_floor": 1.3,  # one browser, opening a page (the first after the server starts, and again)
    "open10_p95_ms": 400,  # ten protocol sessions opening the same page at once: each whole first page sent
    "change10_median_ms": 120,  # ten protocol sessions changing districts (reading between changes)
    "change10_p95_ms": 300,
    "vs_pandas": 20,  # every page against the naive pandas baseline
    "memory_mib": 400,  # the server's peak
}
# Pages timed in the browser (their URL paths; the overview is the default page) and those the change target names.
BROWSER_PAGES = {
    "overview": "",
    "trends": "trends",
    "star_chamber": "star_chamber",
    "activity_map": "activity_map",
    "social": "social",
}
# A page that follows its own district control rather than the sidebar's districts: the control's label, whose
# next district each change chooses (the Star Chamber's panel moves from one presenting district to the next).
OWN_DISTRICT_CONTROL = {"star_chamber": "Presenting district"}


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    import duckdb
    import streamlit

    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 1024 / 1024, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "streamlit": streamlit.__version__,
        "pandas": pd.__version__,
        "commit": _commit(),
    }


def _commit() -> str:
    """The code measured: the commit, marked when the working tree had changes ("" outside a git checkout)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=Path(__file__).parent, capture_output=True, text=True, check=False
            )
        except OSError:  # no git on this machine
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    return head + (" with uncommitted changes" if head and git("status", "--porcelain", "--untracked-files=no") else "")


def prepare(kind: str, events: int, survey_rows: int, folder: Path) -> tuple[Path, dict]:
    """The data set (generated if missing) and its engine file, with how long each took to build."""
    built: dict = {}
    marker = folder / (demo.MARKER if kind == "demo" else scale.MARKER)
    if kind == "demo":
        if not demo.is_current(folder):
            start = time.perf_counter()
            demo.write_demo(folder)
            built["generate_s"] = time.perf_counter() - start
    else:
        wanted = {"engagement_events": events, "survey_responses": survey_rows}
        if not marker.exists() or json.loads(marker.read_text()).get("requested") != wanted:
            start = time.perf_counter()
            scale.write_scale(folder, events=events, survey_rows=survey_rows)
            built["generate_s"] = time.perf_counter() - start
    if engine.current(folder) is None:
        start = time.perf_counter()
        engine.build(folder)
        built["engine_build_s"] = time.perf_counter() - start
    path = engine.current(folder)
    built["engine_mib"] = path.stat().st_size / 2**20 if path else 0
    built["parquet_mib"] = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 2**20
    return folder, built


def filter_districts(data_dir: Path) -> list[str]:
    """The district filter a user changes: one force's districts (the largest force's, up to ten)."""
    d = pd.read_parquet(data_dir / "districts.parquet", columns=["district_id", "lpa", "population"])
    if d["lpa"].nunique() > 10:  # many forces: one force, as a force's own user would look
        force = d.groupby("lpa")["population"].sum().idxmax()
        d = d[d["lpa"] == force]
    return sorted(d["district_id"])[:10]


def _json_of(cmd: list[str]) -> dict:
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def reference_scan_ms(data_dir: Path, repeats: int = 7) -> float:
    """The machine's speed at this moment: a plain DuckDB scan of the events file, grouped by district (median ms).

    The shared machine's speed swings by up to 2x within minutes; this fixed workload, taken before and after
    a data set's figures, shows how fast it was while they were measured."""
    import statistics

    import duckdb

    path = [str(data_dir / "engagement_events.parquet")]
    sql = "SELECT district_id, count(*), sum(attendance) FROM read_parquet($path) GROUP BY district_id"
    con = duckdb.connect(config={"threads": os.cpu_count() or 1})
    try:
        con.execute(sql, {"path": path}).fetchall()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            con.execute(sql, {"path": path}).fetchall()
            times.append(time.perf_counter() - start)
    finally:
        con.close()
    return 1000 * statistics.median(times)


def measure(
    data_dir: Path, repeats: int, sessions: list[str], changes: int, browsers: bool = True, floor: bool = False
) -> dict:
    districts = ",".join(filter_districts(data_dir))
    py = sys.executable
    out = {"districts": districts, "reference_scan_ms": [reference_scan_ms(data_dir)]}
    for mode in ("on", "off"):
        out[f"engine_{mode}"] = _json_of(
            [
                py,
                "-m",
                "bench.pages",
                str(data_dir),
                "--districts",
                districts,
                "--repeats",
                str(repeats),
                "--engine",
                mode,
            ]
        )
    out["pandas"] = _json_of(
        [py, "-m", "bench.pandas_baseline", str(data_dir), "--districts", districts, "--repeats", str(repeats)]
    )
    out["browser"], out["protocol"], out["floor"] = {}, {}, {"protocol": {}, "browser": []}
    from bench.browser import browser_benchmark
    from bench.protocol import protocol_benchmark
    from bench.sessions import FLOOR_APP

    for spec in sessions:
        n, _, think = spec.partition("@")
        run = {"sessions": int(n), "changes": changes, "think": float(think or 0)}
        # The server's answer alone (clients that draw nothing), and the same on the bare page.
        out["protocol"][spec] = protocol_benchmark(data_dir, **run)
        if floor:
            out["floor"]["protocol"][spec] = protocol_benchmark(data_dir, **run, page="", app=FLOOR_APP)
    if browsers:
        # One browser on each page, each on a freshly started server (its opening is the first after the start),
        # with the bare page before and after: the ratios compare figures taken minutes apart, not hours.
        if floor:
            out["floor"]["browser"].append(browser_benchmark(data_dir, 1, changes, app=FLOOR_APP, page_path=""))
        for name, path in BROWSER_PAGES.items():
            out["browser"][name] = browser_benchmark(data_dir, 1, changes, path, choose=OWN_DISTRICT_CONTROL.get(name))
        if floor:
            out["floor"]["browser"].append(browser_benchmark(data_dir, 1, changes, app=FLOOR_APP, page_path=""))
    out["reference_scan_ms"].append(reference_scan_ms(data_dir))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the dashboard at demo size and at scale.")
    parser.add_argument("--events", type=int, default=scale.DEFAULT_EVENTS)
    parser.add_argument("--survey-rows", type=int, default=scale.DEFAULT_SURVEY_ROWS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--changes", type=int, default=5, help="district-filter changes per session")
    parser.add_argument(
        "--sessions",
        default="1,10@5,10",
        help="protocol runs: sessions at once, @ the mean seconds each reads between changes (none: no pause, "
        "and all open at once); one browser session times each page",
    )
    parser.add_argument("--no-browser", action="store_true", help="protocol clients only (no Chromium)")
    parser.add_argument("--quick", action="store_true", help="the CI smoke: a small scale set, few repeats")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the generated data sets are kept")
    parser.add_argument("--only", choices=["demo", "scale"], help="one data set only")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.survey_rows, args.repeats, args.changes = 20_000, 10_000, 1, 2
    sessions = [s.strip() for s in args.sessions.split(",") if s.strip()]
    for spec in sessions:
        n, _, think = spec.partition("@")
        if not n.isdigit() or (think and not think.replace(".", "", 1).isdigit()):
            parser.error(f"--sessions: {spec!r} is not N or N@SECONDS")
    report = {"machine": machine(), "targets": TARGETS, "datasets": {}}
    for kind, folder in (("demo", args.cache / "demo"), ("scale", args.cache / f"scale-{args.events}")):
        if args.only and kind != args.only:
            continue
        print(f"== {kind}: preparing {folder}", flush=True)
        data_dir, built = prepare(kind, args.events, args.survey_rows, folder)
        print(f"   {built}", flush=True)
        browsers = not args.no_browser
        result = measure(data_dir, args.repeats, sessions, args.changes, browsers, floor=True)
        result["build"] = built
        result["rows"] = {
            t: pd.read_parquet(data_dir / f"{t}.parquet", columns=[]).shape[0]
            for t in ("engagement_events", "survey_responses")
        }
        report["datasets"][kind] = result
        from bench.report import lines

        print("\n".join(lines(kind, result)), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "benchmark-quick" if args.quick else "benchmark"
    (args.out / f"{name}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    from bench.report import markdown

    (args.out / f"{name}.md").write_text(markdown(report), encoding="utf-8")
    print(f"written {args.out / name}.md and .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
