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
    floor = result.get("floor") or {}
    for what, runs in (
        ("server (protocol)", result.get("protocol", {})),
        ("bare page (protocol)", floor.get("protocol", {})),
    ):
        for spec, b in runs.items():
            out.append(
                f"{what}, {sessions_text(spec)}: change median {_ms(b.get('median_ms'))} ms, "
                f"p95 {_ms(b.get('p95_ms'))} ms; opening median {_ms(b.get('open_median_ms'))} ms, "
                f"p95 {_ms(b.get('open_p95_ms'))} ms; errors {len(b.get('errors', []))}"
            )
    browsers = list((result.get("browser") or {}).items())
    browsers += [(f"bare page (run {i + 1})", b) for i, b in enumerate(floor.get("browser") or [])]
    for what, b in browsers:
        out.append(
            f"browser, {what}: change median {_ms(b.get('median_ms'))} ms, p95 {_ms(b.get('p95_ms'))} ms; "
            f"opening {_ms(b.get('open_median_ms'))} ms, again {_ms(b.get('reopen_ms'))} ms; "
            f"server peak {_ms(b.get('server_peak_rss_mib'))} MiB, errors {len(b.get('errors', []))}"
        )
    out.append(
        f"peak memory: AppTest server {result['engine_on']['peak_rss_mib']:.0f} MiB; "
        f"pandas {result['pandas']['peak_rss_mib']:.0f} MiB (load {result['pandas']['load_s']:.1f} s)"
    )
    return out


TARGETS_HEADING = "## Against the targets (scale)"
# The pages whose district change the change target names (every page is measured and shown).
CHANGE_TARGET_PAGES = ("overview", "trends", "star_chamber")


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def floor_browser(result: dict) -> dict:
    """The bare page in one browser (mean of its runs before and after the pages): change, first and second opening."""
    runs = (result.get("floor") or {}).get("browser") or []
    return {
        k: _mean([r.get(k) for r in runs if not r.get("errors")]) for k in ("median_ms", "open_median_ms", "reopen_ms")
    }


def _ratio(x, floor) -> float | None:
    return x / floor if x is not None and floor else None


def _x(r) -> str:
    return "–" if r is None else f"{r:.2f}x"


def _spec(runs: dict, paused: bool) -> tuple[str, dict | None]:
    """The ten-session protocol run: with pauses between changes, or without (all opening at once)."""
    return next(((k, v) for k, v in runs.items() if k.split("@")[0] == "10" and ("@" in k) == paused), ("", None))


def target_lines(result: dict, t: dict) -> list[str]:
    """The scale figures against each target, met or not (worked out from the figures, never typed in), each
    beside the bare page (``bench/floor_app.py``) or the pandas baseline measured in the same run."""
    pages = page_rows(result)
    out = [TARGETS_HEADING, "", "| target | measured | bare page / pandas | met |", "|---|---|---|---|"]
    for r in pages:
        out.append(
            f"| {r['page']}: all the page's queries at most {t['queries_ms']} ms | {_ms(r['queries_ms'])} ms | – | "
            f"{_met(r['queries_ms'] <= t['queries_ms'])} |"
        )
    floor = floor_browser(result)
    for name, run in (result.get("browser") or {}).items():
        ratio = _ratio(run.get("median_ms"), floor["median_ms"])
        judged = name in CHANGE_TARGET_PAGES
        verdict = _met(ratio is not None and ratio <= t["change_vs_floor"] and not run["errors"]) if judged else "–"
        what = f"at most {t['change_vs_floor']:g}x the bare page's" if judged else "(shown, not a target)"
        out.append(
            f"| {name}: one browser, district change to a settled page, {what} | {_ms(run.get('median_ms'))} ms "
            f"({_x(ratio)}) | {_ms(floor['median_ms'])} ms | {verdict} |"
        )
    for name, run in (result.get("browser") or {}).items():
        first, again = (
            _ratio(run.get("open_median_ms"), floor["open_median_ms"]),
            _ratio(run.get("reopen_ms"), floor["reopen_ms"]),
        )
        ok = first is not None and again is not None and max(first, again) <= t["open_vs_floor"] and not run["errors"]
        out.append(
            f"| {name}: one browser, opening the page (the first after the server starts; again, a new visitor) "
            f"at most {t['open_vs_floor']:g}x the bare page's | first {_ms(run.get('open_median_ms'))} ms "
            f"({_x(first)}), again {_ms(run.get('reopen_ms'))} ms ({_x(again)}) | first "
            f"{_ms(floor['open_median_ms'])} ms, again {_ms(floor['reopen_ms'])} ms | {_met(ok)} |"
        )
    protocol, floor_protocol = result.get("protocol") or {}, (result.get("floor") or {}).get("protocol") or {}
    spec, run = _spec(protocol, paused=False)
    if run and run.get("open_p95_ms") is not None:
        bare = floor_protocol.get(spec) or {}
        ok = run["open_p95_ms"] <= t["open10_p95_ms"] and not run["errors"]
        out.append(
            f"| ten protocol sessions opening the trends page at once, each whole first page sent: p95 under "
            f"{t['open10_p95_ms']} ms | median {_ms(run.get('open_median_ms'))} ms, p95 {_ms(run['open_p95_ms'])} ms "
            f"| median {_ms(bare.get('open_median_ms'))} ms, p95 {_ms(bare.get('open_p95_ms'))} ms | {_met(ok)} |"
        )
    spec, run = _spec(protocol, paused=True)
    if run and run.get("median_ms") is not None:
        bare = floor_protocol.get(spec) or {}
        ok = run["median_ms"] < t["change10_median_ms"] and run["p95_ms"] < t["change10_p95_ms"] and not run["errors"]
        out.append(
            f"| {sessions_text(spec)} (protocol clients), changing districts: median under "
            f"{t['change10_median_ms']} ms, p95 under {t['change10_p95_ms']} ms | median {_ms(run['median_ms'])} ms, "
            f"p95 {_ms(run['p95_ms'])} ms | median {_ms(bare.get('median_ms'))} ms, p95 {_ms(bare.get('p95_ms'))} ms "
            f"| {_met(ok)} |"
        )
    peaks = [v["server_peak_rss_mib"] for v in [*protocol.values(), *(result.get("browser") or {}).values()]]
    if peaks:
        out.append(
            f"| server memory at most {t['memory_mib']} MiB (peak over the protocol and browser runs) | "
            f"{max(peaks):,.0f} MiB | – | {_met(max(peaks) <= t['memory_mib'])} |"
        )
    for r in pages:
        if r["ratio"] is not None:
            out.append(
                f"| {r['page']}: at least {t['vs_pandas']}x faster than pandas | {r['ratio']:.1f}x "
                f"({_ms(r['queries_ms'])} ms) | {_ms(r['pandas_ms'])} ms | {_met(r['ratio'] >= t['vs_pandas'])} |"
            )
    return out


def markdown(report: dict) -> str:
    from bench.browser import QUIET_MS

    m, t = report["machine"], report["targets"]
    out = [
        "# Benchmark",
        "",
        "Written by `make benchmark` (`python -m bench`); reproduce with that one command. Figures are medians over",
        "repeated runs on the machine below. Nothing in the test suite asserts a time; CI runs only a small smoke",
        "(`python -m bench --quick`).",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; measured {m['date']}"
        + (f", code at commit {m['commit']}." if m.get("commit") else "."),
        f"- Python {m['python']}, DuckDB {m['duckdb']}, Streamlit {m['streamlit']}, pandas {m['pandas']}.",
        f"- Targets at scale (issue 26), each judged against the bare page or pandas measured in the same run: one "
        f"browser, a district change at most {t['change_vs_floor']:g}x the bare page's (overview, trends, Star "
        f"Chamber), opening a page at most {t['open_vs_floor']:g}x; ten protocol sessions opening at once p95 under "
        f"{t['open10_p95_ms']} ms, changing districts median under {t['change10_median_ms']} ms and p95 under "
        f"{t['change10_p95_ms']} ms; every page at least {t['vs_pandas']}x faster than pandas; server memory at "
        f"most {t['memory_mib']} MiB; a page's queries together at most {t['queries_ms']} ms.",
        "",
        "Columns: **server** is the app's whole run for a district-filter change (app.py and the page: queries,",
        "statistics, charts; on the Star Chamber, a new presenting district), from AppTest, median; **change**",
        "sums the median of each query that change ran (what was not cached), with the engine file; **all",
        "queries** sums the median of every query the page runs with nothing cached (the target's 'all of a",
        "page's queries together'); **Parquet** is that with the Parquet files read directly",
        "(`ENGAGEMENT_ENGINE=off`); **pandas** is a naive implementation of the page's figures with every table",
        "loaded in memory (load time not counted), recomputed per change, and **x pandas** its time over all the",
        "page's queries. Peak memory of the AppTest process includes a second DuckDB connection used to replay",
        "the queries; the engine file is built beforehand, not in that process.",
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
        floor = result.get("floor") or {}
        if result.get("protocol"):
            out += [
                "",
                "The server's answer from clients of the app's websocket protocol that draw nothing",
                "(`bench/protocol.py`), on the trends page and on the bare page (`bench/floor_app.py`, one district",
                "filter and one chart): **opening** from the request to the whole first page sent (without pauses,",
                "every session opens at once); a **change** from sending the filter's new value to the end of the",
                "run, every message of the redrawn page sent. Every session has opened its page before any change",
                "is timed.",
                "",
                "| protocol sessions | change median (ms) | p95 (ms) | max (ms) | changes | opening median (ms) "
                "| opening p95 (ms) | server peak (MiB) | errors |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|",
            ]
            runs = [(sessions_text(k), v) for k, v in result["protocol"].items()]
            runs += [(f"{sessions_text(k)}: bare page", v) for k, v in floor.get("protocol", {}).items()]
            for spec, pr in runs:
                out.append(
                    f"| {spec} | {_ms(pr.get('median_ms'))} | {_ms(pr.get('p95_ms'))} | "
                    f"{_ms(pr.get('max_ms'))} | {pr.get('samples', 0)} | {_ms(pr.get('open_median_ms'))} | "
                    f"{_ms(pr.get('open_p95_ms'))} | {_ms(pr.get('server_peak_rss_mib'))} | "
                    f"{len(pr.get('errors', []))} |"
                )
        browsers = list((result.get("browser") or {}).items())
        browsers += [(f"bare page, run {i + 1}", b) for i, b in enumerate(floor.get("browser") or [])]
        if browsers:
            out += [
                "",
                "One headless Chromium session on each page (`bench/browser.py`), each on a freshly started server,",
                "the browser on the same two cores as the server: **opening** is from the request to the drawn",
                "charts, the first opening after the server started; **again** a new visitor opening the same link",
                "once the changes are done; a **change** is from a click on the district filter to the page settled:",
                "two frames after its last drawn change (charts, tables, text; not a canvas's hidden fallback",
                f"content), once the run is over and the page has been still for {QUIET_MS} ms.",
                "The bare page (`bench/floor_app.py`, one district filter and one chart) is timed the same way before",
                "and after the pages: what the browser and Streamlit's own front end cost before any dashboard.",
                "The Star Chamber follows the presenting district chosen on the page, not the sidebar's districts",
                "(its sidebar says so): its change is choosing the next presenting district, as the panel does. The",
                "page reviews the next presenting districts in the background once it is drawn; a change made soon",
                "after, as here, can reach one still being worked out. (The AppTest columns above time the review",
                "worked out in the run: the look-ahead is off there.)",
                "",
                "| browser, one session | change median (ms) | p95 (ms) | max (ms) | changes | opening (ms) "
                "| again (ms) | server peak (MiB) | errors |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|",
            ]
        for name, br in browsers:
            out.append(
                f"| {name} | {_ms(br.get('median_ms'))} | {_ms(br.get('p95_ms'))} | "
                f"{_ms(br.get('max_ms'))} | {br.get('samples', 0)} | {_ms(br.get('open_median_ms'))} | "
                f"{_ms(br.get('reopen_ms'))} | {_ms(br.get('server_peak_rss_mib'))} | {len(br.get('errors', []))} |"
            )
        out += [
            "",
            f"Peak memory: the app process in AppTest {result['engine_on']['peak_rss_mib']:.0f} MiB; pandas with "
            f"every table loaded {result['pandas']['peak_rss_mib']:.0f} MiB (loading took "
            f"{result['pandas']['load_s']:.1f} s).",
        ]
    return "\n".join(out) + "\n"
