"""The benchmark's figures as text for the terminal and as docs/benchmark.md."""

from __future__ import annotations


def _ms(x) -> str:
    return "–" if x is None else f"{x:,.1f}"


def _scan_text(result: dict) -> str:
    """The machine-speed reference, before and after the data set's figures."""
    scans = result.get("reference_scan_ms") or []
    return " and ".join(f"{_ms(x)} ms" for x in scans) + " (before and after)" if len(scans) == 2 else "–"


def sessions_text(spec: str) -> str:
    """``10@5`` as '10 sessions, each reading ~5 s between changes'; ``10`` as '10 sessions, no pause'."""
    n, _, think = spec.partition("@")
    who = f"{n} session" + ("s" if n != "1" else "")
    if n == "1" and not think:
        return who
    return f"{who}, each reading ~{float(think):g} s between changes" if think else f"{who}, no pause (stress)"


def page_rows(result: dict) -> list[dict]:
    on, off, pandas = result["engine_on"]["pages"], result["engine_off"]["pages"], result["pandas"]["page_ms"]
    rows = []
    for page, fig in on.items():
        every = fig["all_queries_total_ms"]
        base = pandas.get(page)
        rows.append(
            {
                "page": page,
                "server_ms": fig["server_run_ms_median"],
                "change_ms": fig["queries_total_ms"],
                "queries_ms": every,
                "parquet_ms": off[page]["all_queries_total_ms"],
                "pandas_ms": base,
                # pandas recomputes the whole page each time: compared with all of the page's queries.
                "ratio": (base / every) if base and every else None,
                "slowest": sorted(fig["all_queries"], key=lambda q: -q["median_ms"])[:3],
            }
        )
    return rows


def lines(kind: str, result: dict) -> list[str]:
    out = [
        f"-- {kind} ({result['rows']['engagement_events']:,} events, {result['rows']['survey_responses']:,} answers)",
        f"reference scan: {_scan_text(result)}",
    ]
    out.append(
        f"{'page':14} {'server ms':>10} {'change ms':>10} {'all q ms':>9} {'parquet':>9} {'pandas':>9} {'x pandas':>9}"
    )
    for r in page_rows(result):
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.0f}x"
        out.append(
            f"{r['page']:14} {_ms(r['server_ms']):>10} {_ms(r['change_ms']):>10} {_ms(r['queries_ms']):>9} "
            f"{_ms(r['parquet_ms']):>9} {_ms(r['pandas_ms']):>9} {ratio:>9}"
        )
    for spec, b in result.get("protocol", {}).items():
        out.append(
            f"server (protocol), {sessions_text(spec)}: median {_ms(b.get('median_ms'))} ms, "
            f"p95 {_ms(b.get('p95_ms'))} ms, errors {len(b.get('errors', []))}"
        )
    for source, what in (("browser", "browser"), ("floor", "bare page (floor)")):
        for spec, b in result.get(source, {}).items():
            out.append(
                f"{what}, {sessions_text(spec)}: median {_ms(b.get('median_ms'))} ms, p95 {_ms(b.get('p95_ms'))} ms, "
                f"server peak {_ms(b.get('server_peak_rss_mib'))} MiB, errors {len(b.get('errors', []))}"
            )
    out.append(
        f"peak memory: AppTest server {result['engine_on']['peak_rss_mib']:.0f} MiB; "
        f"pandas {result['pandas']['peak_rss_mib']:.0f} MiB (load {result['pandas']['load_s']:.1f} s)"
    )
    return out


TARGETS_HEADING = "## Against the targets (scale)"


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def target_lines(result: dict, t: dict) -> list[str]:
    """The scale figures against each target, met or not (worked out from the figures, never typed in)."""
    pages = page_rows(result)
    out = [
        TARGETS_HEADING,
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for r in pages:
        out.append(
            f"| {r['page']}: all the page's queries at most {t['queries_ms']} ms | {_ms(r['queries_ms'])} ms | "
            f"{_met(r['queries_ms'] <= t['queries_ms'])} |"
        )
    for source, label in (("protocol", "server's answer (protocol clients)"), ("browser", "headless Chromium")):
        spec, run = next(((k, v) for k, v in result.get(source, {}).items() if k.startswith("10@")), ("", None))
        if run and run.get("median_ms") is not None:
            ok = (
                run["median_ms"] <= t["browser_median_ms"]
                and run["p95_ms"] <= t["browser_p95_ms"]
                and not run["errors"]
            )
            out.append(
                f"| {sessions_text(spec)}, "
                f"{label}: median at most {t['browser_median_ms']} ms, p95 at most {t['browser_p95_ms']} ms | "
                f"median {_ms(run['median_ms'])} ms, p95 {_ms(run['p95_ms'])} ms | {_met(ok)} |"
            )
    floor = next((v for k, v in result.get("floor", {}).items() if k.startswith("10@")), None)
    if floor and floor.get("median_ms") is not None:
        out.append(
            f"| (for comparison, not a target) the same ten Chromium sessions on a bare page, one filter and one "
            f"chart (`bench/floor_app.py`) | median {_ms(floor['median_ms'])} ms, p95 {_ms(floor['p95_ms'])} ms | – |"
        )
    peaks = [v["server_peak_rss_mib"] for src in ("protocol", "browser") for v in result.get(src, {}).values()]
    if peaks:
        out.append(
            f"| server memory at most {t['memory_mib']} MiB (peak over the protocol and browser runs) | "
            f"{max(peaks):,.0f} MiB | {_met(max(peaks) <= t['memory_mib'])} |"
        )
    for r in pages:
        if r["ratio"] is not None:
            out.append(
                f"| {r['page']}: at least {t['vs_pandas']}x faster than pandas | {r['ratio']:.1f}x | "
                f"{_met(r['ratio'] >= t['vs_pandas'])} |"
            )
    return out


def markdown(report: dict) -> str:
    m, t = report["machine"], report["targets"]
    out = [
        "# Benchmark",
        "",
        "Written by `make benchmark` (`python -m bench`); reproduce with that one command. Figures are medians over",
        "repeated runs on the machine below. Nothing in the test suite asserts a time; CI runs only a small smoke",
        "(`python -m bench --quick`).",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; measured {m['date']}.",
        f"- Python {m['python']}, DuckDB {m['duckdb']}, Streamlit {m['streamlit']}, pandas {m['pandas']}.",
        f"- Targets at scale: a page's queries together at most {t['queries_ms']} ms (median); filter to redrawn "
        f"chart in the browser at most {t['browser_median_ms']} ms median and {t['browser_p95_ms']} ms 95th "
        f"percentile with ten sessions; server memory at most {t['memory_mib']} MiB; at least {t['vs_pandas']}x "
        "faster than pandas.",
        "",
        "Columns: **server** is the app's whole run for a district-filter change (app.py and the page: queries,",
        "statistics, charts), from AppTest, median; **change** sums the median of each query that change ran (what",
        "was not cached), with the engine file; **all queries** sums the median of every query the page runs with",
        "nothing cached (the target's 'all of a page's queries together'); **Parquet** is that with the Parquet",
        "files read directly (`ENGAGEMENT_ENGINE=off`); **pandas** is a naive implementation of the page's figures",
        "with every table loaded in memory (load time not counted), recomputed per change, and **x pandas** its",
        "time over all the page's queries. Peak memory of the AppTest process includes a second DuckDB",
        "connection used to replay the queries; the engine file is built beforehand, not in that process.",
    ]
    if "scale" in report["datasets"]:
        out += ["", *target_lines(report["datasets"]["scale"], t)]
    for kind, result in report["datasets"].items():
        rows = result["rows"]
        b = result["build"]
        out += [
            "",
            f"## {kind.capitalize()}: {rows['engagement_events']:,} events, "
            f"{rows['survey_responses']:,} survey answers",
            "",
            f"Filter: districts {result['districts'].replace(',', ', ')} (one removed per change). Parquet "
            f"{b['parquet_mib']:.0f} MiB; engine file {b['engine_mib']:.0f} MiB"
            + (f", built in {b['engine_build_s']:.0f} s" if "engine_build_s" in b else "")
            + ".",
            "",
            f"Machine speed while measuring: a plain DuckDB scan of the events file grouped by district took "
            f"{_scan_text(result)}; the same workload shows how fast this shared machine was when these figures "
            "were taken.",
            "",
            "| page | server (ms) | change (ms) | all queries (ms) | Parquet (ms) | pandas (ms) | x pandas "
            "| slowest queries (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in page_rows(result):
            slow = "; ".join(f"{q['query']} {q['median_ms']:.1f}" for q in r["slowest"]) or "none (cached)"
            ratio = "–" if r["ratio"] is None else f"{r['ratio']:.0f}x"
            out.append(
                f"| {r['page']} | {_ms(r['server_ms'])} | {_ms(r['change_ms'])} | {_ms(r['queries_ms'])} | "
                f"{_ms(r['parquet_ms'])} | "
                f"{_ms(r['pandas_ms'])} | {ratio} | {slow} |"
            )
        if result.get("protocol"):
            out += [
                "",
                "The server's answer to a district-filter change, from clients of the app's websocket protocol that",
                "draw nothing (`bench/protocol.py`): from sending the filter's new value to the end of the run, every",
                "message of the redrawn page sent. Every session has opened its page before any change is timed.",
                "",
                "| protocol sessions | median (ms) | p95 (ms) | max (ms) | changes | server peak (MiB) | errors |",
                "|---|---:|---:|---:|---:|---:|---|",
            ]
            for spec, pr in result["protocol"].items():
                out.append(
                    f"| {sessions_text(spec)} | {_ms(pr.get('median_ms'))} | {_ms(pr.get('p95_ms'))} | "
                    f"{_ms(pr.get('max_ms'))} | {pr.get('samples', 0)} | {_ms(pr.get('server_peak_rss_mib'))} | "
                    f"{len(pr.get('errors', []))} |"
                )
        if result["browser"]:
            out += [
                "",
                "From a click on the district filter to the redrawn charts in headless Chromium (`bench/browser.py`),",
                "the browsers running on the same two cores as the server. Every session has opened its page before",
                "any change is timed; **opening** is how long that took (from the request to the drawn charts, median,",
                "all sessions opening at once), which is not counted in the changes' figures.",
            ]
            if result.get("floor"):
                out += [
                    "The **bare page (floor)** rows time the same changes on `bench/floor_app.py`, one district filter",
                    "and one chart and nothing else: what the browsers and Streamlit's own front end cost on this",
                    "machine before any dashboard.",
                ]
            out += [
                "",
                "| browser sessions | median (ms) | p95 (ms) | max (ms) | changes | opening (ms) | server peak (MiB) "
                "| errors |",
                "|---|---:|---:|---:|---:|---:|---:|---|",
            ]
        browsers = [(sessions_text(k), v) for k, v in result["browser"].items()]
        browsers += [(f"{sessions_text(k)}: bare page (floor)", v) for k, v in result.get("floor", {}).items()]
        for spec, br in browsers:
            out.append(
                f"| {spec} | {_ms(br.get('median_ms'))} | {_ms(br.get('p95_ms'))} | "
                f"{_ms(br.get('max_ms'))} | {br.get('samples', 0)} | {_ms(br.get('open_median_ms'))} | "
                f"{_ms(br.get('server_peak_rss_mib'))} | {len(br.get('errors', []))} |"
            )
        out += [
            "",
            f"Peak memory: the app process in AppTest {result['engine_on']['peak_rss_mib']:.0f} MiB; pandas with "
            f"every table loaded {result['pandas']['peak_rss_mib']:.0f} MiB (loading took "
            f"{result['pandas']['load_s']:.1f} s).",
        ]
    return "\n".join(out) + "\n"
