"""The query engine file: the large tables as a DuckDB database, sorted for pruning, with rollups.

Parquet stays the data of record. Beside it, ``_engine/<fingerprint>.duckdb`` holds copies of the
large tables in DuckDB's own format, each sorted so that a page's usual filter (a question, a few
districts, a date range) reads only the blocks it needs, with a few columns worked out once
(``DERIVED``), and rollups (``ROLLUPS``) such as ``survey_quarter_positive``: the survey summed per
question, district and quarter as every headline figure counts it (from ``survey_quarter_sums``, per
answer, which the answer distributions read). It is
rebuilt after each import (``build``), named by a fingerprint of the Parquet files it was built
from, written aside and renamed into place, so a reader never sees half a file and several app
replicas can read one shared, read-only copy. Without it (or while it is being rebuilt) the data
layer reads the Parquet files directly and gives the same answers, more slowly.

``python -m analytics.storage.engine [DATA_DIR]`` builds it by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import threading
import time
from pathlib import Path

import duckdb

from analytics.config import load_settings
from analytics.contract.schema import TABLES
from analytics.contract.vocabulary import CLOSURE_DAYS
from analytics.storage import parquet as store

ENGINE_DIR = "_engine"
# Table -> the order its copy is stored in (the filter each page applies first leads).
SORTED: dict[str, tuple[str, ...]] = {
    "survey_responses": ("question_id", "district_id", "interview_date"),
    "engagement_events": ("district_id", "start_at"),
    "engagement_concerns": ("district_id", "raised_on"),
    "social_posts": ("account_id", "posted_at"),
    # Small, but the positive rollup below is worked out from its answers: copied, it is in the fingerprint, so a
    # changed question gives a new file.
    "survey_questions": ("question_id",),
}
# Columns the engine stores beside a table's own, worked out once when the file is built. The events' sample
# key orders the activity map's repeatable sample: stored, a map query can skip every event whose key is
# above the sample's reach instead of hashing them all. The data layer shows a table with these columns
# as ``<table>_keyed`` (``keyed_view``), computed on the fly without the engine file; the table's own view
# keeps to the data contract.
DERIVED: dict[str, dict[str, str]] = {"engagement_events": {"sample_key": "hash(event_id)"}}
ROLLUP = "survey_quarter_sums"
# Rows per row group in the engine file (DuckDB's default is 122,880). Min/max statistics are kept per row
# group, so smaller groups let a query for one question or a few districts skip more of each sorted table.
ROW_GROUP_SIZE = 16_384
# Part of the file's name: a change to the layout above gives a new file, built beside the old one.
LAYOUT = f"v10:rg{ROW_GROUP_SIZE}:closure{CLOSURE_DAYS}"
# Per question, district, quarter and answer: everything a headline percentage, base and interval needs.
ROLLUP_SELECT = """
SELECT question_id, district_id, CAST(date_trunc('quarter', interview_date) AS DATE) AS quarter_start, answer,
       count(*) AS n, sum(weight) AS sum_w, sum(weight * weight) AS sum_w2
FROM survey_responses
GROUP BY ALL
ORDER BY question_id, district_id, quarter_start, answer
"""
FORCE_ROLLUP = "survey_quarter_force_sums"
# The same sums for every district together, per question, quarter and answer: the force's rows of the positive
# rollup below come from it (a few hundred rows instead of every district's added up).
FORCE_ROLLUP_SELECT = """
SELECT question_id, CAST(date_trunc('quarter', interview_date) AS DATE) AS quarter_start, answer,
       count(*) AS n, sum(weight) AS sum_w, sum(weight * weight) AS sum_w2
FROM survey_responses
GROUP BY ALL
ORDER BY question_id, quarter_start, answer
"""
POSITIVE_ROLLUP = "survey_quarter_positive"
# The two rollups above summed over answers as every headline figure counts them: the positive answers' weight
# apart, "Don't know" left out where the question says so. Per question, district and quarter (the force's rows
# with district NULL): a headline percentage, base and interval read a fifth of the rows, with no join.
POSITIVE_ROLLUP_SELECT = """
SELECT r.question_id, r.district_id, r.quarter_start,
       CAST(sum(r.n) AS BIGINT) AS n, sum(r.sum_w) AS sum_w, sum(r.sum_w2) AS sum_w2,
       sum(CASE WHEN list_contains(q.positive_answers, r.answer) THEN r.sum_w ELSE 0 END) AS sum_w_pos
FROM (
    SELECT question_id, district_id, quarter_start, answer, n, sum_w, sum_w2 FROM survey_quarter_sums
    WHERE district_id IS NOT NULL  -- NULL is the force's row below (the contract never leaves a district out)
    UNION ALL
    SELECT question_id, NULL, quarter_start, answer, n, sum_w, sum_w2 FROM survey_quarter_force_sums
) r
JOIN survey_questions q USING (question_id)
WHERE NOT coalesce(q.exclude_dont_know, false) OR r.answer <> 'Don''t know'
GROUP BY ALL
ORDER BY question_id, district_id NULLS FIRST, quarter_start
"""
EVENT_ROLLUP = "event_quarter_sums"
# Events per district, quarter and every category a page filters or counts by: the activity map's tables
# and the Star Chamber's engagement figures read a few thousand of these rows instead of every event.
# Quarter first: the Star Chamber reads two quarters of every district, the map a few districts over a
# range of quarters, and both then skip most of the table.
EVENT_ROLLUP_SELECT = """
SELECT district_id, CAST(date_trunc('quarter', start_at) AS DATE) AS quarter_start,
       activity_type, strand, audience_group, status, online,
       count(*) AS events, count(lat) AS located,
       sum(attendance) AS attendance, sum(concerns_raised) AS concerns_raised, sum(actions_taken) AS actions_taken
FROM engagement_events
GROUP BY ALL
ORDER BY quarter_start, district_id, activity_type, strand, audience_group, status, online
"""
TOWN_ROLLUP = "event_town_months"
# The last face-to-face event held in each town per month: when a town was last visited.
TOWN_ROLLUP_SELECT = """
SELECT district_id, town, CAST(date_trunc('month', start_at) AS DATE) AS month_start, max(start_at) AS last_at
FROM engagement_events
WHERE status = 'held' AND NOT online AND town IS NOT NULL
GROUP BY ALL
ORDER BY district_id, town, month_start
"""
QUARTER_LIST = "survey_quarter_list"
# The quarters the survey has answers in, with how many and the last answer's date: what every page's quarter
# filter offers, and whether a quarter's fieldwork looks finished, in a few rows.
QUARTER_LIST_SELECT = """
SELECT CAST(date_trunc('quarter', interview_date) AS DATE) AS quarter_start,
       count(*) AS answers, CAST(max(interview_date) AS DATE) AS last_answer
FROM survey_responses
GROUP BY ALL
ORDER BY quarter_start
"""
CONCERN_ROLLUP = "concern_quarter_sums"
# Concerns raised per district and quarter, and how many were acted on and told back within CLOSURE_DAYS.
CONCERN_ROLLUP_SELECT = f"""
SELECT district_id, CAST(date_trunc('quarter', raised_on) AS DATE) AS quarter_start,
       count(*) AS raised,
       count(*) FILTER (WHERE action_on IS NOT NULL AND told_on IS NOT NULL
                        AND told_on <= raised_on + to_days({int(CLOSURE_DAYS)})) AS closed
FROM engagement_concerns
GROUP BY ALL
ORDER BY district_id, quarter_start
"""  # noqa: S608 (a constant integer)
TOLD_ROLLUP = "concern_told_quarters"
# Concerns told back per district, quarter told and channel: what a District Engagement Plan's Tell lines count.
TOLD_ROLLUP_SELECT = """
SELECT district_id, CAST(date_trunc('quarter', told_on) AS DATE) AS quarter_start, tell_channel, count(*) AS told
FROM engagement_concerns
WHERE told_on IS NOT NULL AND tell_channel IS NOT NULL
GROUP BY ALL
ORDER BY quarter_start, district_id
"""
POST_ROLLUP = "post_quarter_tags"
# Posts per account, quarter and tag: a plan's "You said, we did" post lines read these instead of every post.
POST_ROLLUP_SELECT = """
SELECT account_id, CAST(date_trunc('quarter', posted_at) AS DATE) AS quarter_start, tag, count(*) AS posts
FROM social_posts
GROUP BY ALL
ORDER BY quarter_start, account_id
"""
# Rollup -> (the table it sums, its SELECT). The engine file stores each; without the file, the same
# SELECT is a view over the table, so a page gets the same answer either way. In order: a rollup may read the
# ones before it (the positive rollup reads the two survey rollups), whether stored or views.
ROLLUPS: dict[str, tuple[str, str]] = {
    ROLLUP: ("survey_responses", ROLLUP_SELECT),
    FORCE_ROLLUP: ("survey_responses", FORCE_ROLLUP_SELECT),
    POSITIVE_ROLLUP: ("survey_responses", POSITIVE_ROLLUP_SELECT),
    QUARTER_LIST: ("survey_responses", QUARTER_LIST_SELECT),
    EVENT_ROLLUP: ("engagement_events", EVENT_ROLLUP_SELECT),
    TOWN_ROLLUP: ("engagement_events", TOWN_ROLLUP_SELECT),
    CONCERN_ROLLUP: ("engagement_concerns", CONCERN_ROLLUP_SELECT),
    TOLD_ROLLUP: ("engagement_concerns", TOLD_ROLLUP_SELECT),
    POST_ROLLUP: ("social_posts", POST_ROLLUP_SELECT),
}
_building = threading.Lock()
# Builds that failed, by (folder, fingerprint), and when: retried only after RETRY_AFTER seconds.
_failed: dict[tuple[str, str], float] = {}
RETRY_AFTER = 600
log = logging.getLogger(__name__)


def fingerprint(data_dir: Path) -> str:
    """A fingerprint of the Parquet files the engine copies (names, sizes, modification times), the layout
    (including every rollup's SQL) and DuckDB's version."""
    # The DuckDB version too: the derived columns are its functions' results, and the file must match the
    # values the running version would compute without it.
    h = hashlib.sha256(f"{LAYOUT}:duckdb{duckdb.__version__}".encode())
    # And what the file holds: a changed rollup, sort order or derived column gives a new file without anyone
    # remembering to change LAYOUT.
    h.update(repr((sorted(ROLLUPS.items()), sorted(SORTED.items()), sorted(DERIVED.items()))).encode())
    for name in sorted(SORTED):
        p = store.table_path(data_dir, name)
        if p.exists():
            st = p.stat()
            h.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        else:
            h.update(f"{name}:absent;".encode())
    return h.hexdigest()[:16]


def engine_path(data_dir: Path) -> Path:
    """Where the engine file for the data as it stands now lives (it may not exist yet)."""
    return Path(data_dir) / ENGINE_DIR / f"{fingerprint(data_dir)}.duckdb"


def current(data_dir: Path) -> Path | None:
    """The engine file built from the Parquet files as they are now, or None."""
    path = engine_path(data_dir)
    return path if path.exists() else None


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def keyed_view(table: str) -> str:
    """The name of the view showing ``table`` with its DERIVED columns."""
    return f"{table}_keyed"


def _select(table: str, path: Path) -> str:
    spec = TABLES[table]
    cols = ", ".join(f"CAST({c.name} AS {c.type}) AS {c.name}" for c in spec.columns)
    # Derived from the contract's types, as the data layer derives them without the file.
    derived = "".join(f", {expr} AS {name}" for name, expr in DERIVED.get(table, {}).items())
    order = ", ".join(SORTED[table])
    source = f"SELECT {cols} FROM read_parquet({_quoted(path)})"  # noqa: S608 (schema names)
    return f"SELECT *{derived} FROM ({source}) ORDER BY {order}"  # noqa: S608 (constant expressions)


def build(data_dir: Path, threads: int = 2, memory_limit: str = "2GB") -> Path | None:
    """Build the engine file for ``data_dir`` if it is missing; None when there is nothing to copy."""
    data_dir = Path(data_dir)
    if not any(store.table_path(data_dir, t).exists() for t in SORTED):
        return None
    folder = data_dir / ENGINE_DIR
    folder.mkdir(exist_ok=True)
    with _building, store.locked(data_dir, "engine"):
        target = engine_path(data_dir)
        if target.exists():
            return target
        # Under the lock no other build is running: anything half-built was left by one that was killed.
        for stale in folder.glob(".*.building*"):
            stale.unlink(missing_ok=True)
        spill = folder / ".spill"
        shutil.rmtree(spill, ignore_errors=True)
        tmp = folder / f".{target.stem}.{os.getpid()}.building"
        con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit, "temp_directory": str(spill)})
        try:
            attach = f"ATTACH {_quoted(tmp)} AS built (ROW_GROUP_SIZE {int(ROW_GROUP_SIZE)})"  # a quoted path
            con.execute(attach)
            con.execute("USE built")
            # A sorted copy lets min/max statistics skip whole blocks; insertion order is kept.
            con.execute("SET preserve_insertion_order = true")
            con.execute("SET enable_progress_bar = false")
            for table in SORTED:
                path = store.table_path(data_dir, table)
                if path.exists():
                    create = f"CREATE TABLE {table} AS {_select(table, path)}"  # schema names and a quoted path
                    con.execute(create)
            for name, (source, select) in ROLLUPS.items():
                if store.table_path(data_dir, source).exists():
                    create = f"CREATE TABLE {name} AS {select}"  # constant names and SQL
                    con.execute(create)
            con.execute("CHECKPOINT built")
            con.execute("USE memory")
            con.execute("DETACH built")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        os.replace(tmp, target)
        for old in folder.glob("*.duckdb"):
            if old != target:
                old.unlink(missing_ok=True)  # replicas still reading it keep their open handle
        return target


def build_in_background(data_dir: Path) -> threading.Thread | None:
    """Start building the engine file in a thread, unless it exists, a build is under way, or a build
    of these same files failed in the last RETRY_AFTER seconds (a read-only replica must not retry per run)."""
    if current(data_dir) is not None or _building.locked():
        return None
    key = (str(Path(data_dir).resolve()), fingerprint(data_dir))
    if time.monotonic() - _failed.get(key, -RETRY_AFTER) < RETRY_AFTER:
        return None

    def run() -> None:
        try:
            build(Path(data_dir))
        except (OSError, duckdb.Error) as exc:  # a read-only replica, a full disk: Parquet still serves
            _failed[key] = time.monotonic()
            log.warning("The engine file for %s was not built: %s", data_dir, exc)

    thread = threading.Thread(target=run, name="engine-build", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", help="the data folder (default: ENGAGEMENT_DATA_DIR, else the demo)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    path = build(Path(args.data_dir) if args.data_dir else load_settings().data_dir)
    if path is None:
        print("Nothing to build: the folder has none of the large tables.")
        return 1
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
