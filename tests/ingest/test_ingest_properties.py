"""Properties of the CSV path (Hypothesis), and a crash in the middle of a write."""

import csv
import io
import shutil
import subprocess
import sys
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.contract.vocabulary import CONCERN_THEMES
from analytics.ingest import pipeline
from analytics.ingest.textfiles import ExportError
from tests.conftest import REPO

DISTRICTS = {"harlow", "southend"}
# The day these imports are checked on, and the last date a record may then hold: a month later.
IMPORT_DAY, LAST_DATE = date(2026, 12, 2), date(2027, 1, 2)
HEADER = ["concern_id", "district_id", "raised_on", "theme", "summary"]

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\x00\ufeff"), max_size=40
) | st.sampled_from(["=SUM(A1)", "<b>x</b>", "1,234", "  padded  ", 'say "hi", ok;', "line\nbreak"])
row = st.fixed_dictionaries(
    {
        "concern_id": st.from_regex(r"0?[0-9A-Z]{1,6}", fullmatch=True),
        "district_id": st.sampled_from([*DISTRICTS, "atlantis", "HARLOW", ""]),
        "raised_on": st.one_of(
            st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.sampled_from(["", "soon", "31/02/2026"])
        ),
        "theme": st.sampled_from([*CONCERN_THEMES, "speeding", "Aliens", ""]),
        "summary": text,
    }
)


def _write(rows, delimiter, encoding, uk_dates) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(HEADER)
    for r in rows:
        d = r["raised_on"]
        shown = (d.strftime("%d/%m/%Y") if uk_dates else d.isoformat()) if isinstance(d, date) else d
        w.writerow([r["concern_id"], r["district_id"], shown, r["theme"], r["summary"]])
    return buf.getvalue().encode(encoding, errors="replace")


def _expected_valid(r) -> bool:
    return (
        r["district_id"].casefold() in DISTRICTS  # a district's id in any case names it
        and isinstance(r["raised_on"], date)
        and r["raised_on"] <= LAST_DATE
        and r["theme"].casefold() in {t.casefold() for t in CONCERN_THEMES}
        and r["summary"].strip() != ""
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row, min_size=1, max_size=25),
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    uk_dates=st.booleans(),
)
def test_csv_path_accounts_for_every_row_and_keeps_values(rows, delimiter, encoding, uk_dates):
    raw = _write(rows, delimiter, encoding, uk_dates)
    try:
        a = pipeline.analyse(
            raw, "concerns.csv", "engagement_concerns", known={"districts": DISTRICTS}, today=IMPORT_DAY
        )
    except ExportError:
        return  # a refusal in words is allowed (for example every row blank); anything else fails the test
    v = a.validation
    assert v.rows_in == len(v.valid) + v.rejected_rows + v.duplicates_in_file
    written = {}
    for i, r in enumerate(rows):
        written.setdefault(r["concern_id"], []).append((i + 2, r))
    for rec in v.valid.to_dict("records"):
        r = next(x for n, x in written[rec["concern_id"]] if n == rec["_row"])
        assert _expected_valid(r)
        assert rec["district_id"] == r["district_id"].casefold() and rec["raised_on"] == r["raised_on"]
        assert rec["summary"] == r["summary"].strip()
        assert rec["theme"].casefold() == r["theme"].casefold()
    for p in v.problems:
        assert p.message and (p.row == 0 or 2 <= p.row <= len(rows) + 1)
    # A row that should pass is never rejected, unless it repeats an earlier id.
    first_seen = {}
    for i, r in enumerate(rows):
        first_seen.setdefault(r["concern_id"], i)
    for i, r in enumerate(rows):
        if _expected_valid(r) and first_seen[r["concern_id"]] == i:
            assert i + 2 in set(v.valid["_row"]), r


CRASHER = r"""
import os, sys
from datetime import date
import pyarrow.parquet as pq
from analytics.ingest import pipeline

real = pq.write_table
def dying(table, where, **kw):
    half = table.slice(0, max(1, table.num_rows // 2))
    real(half, where, **kw)   # half the new file reaches the disk...
    where.flush()
    os._exit(9)               # ...and the process dies before the rename
pq.write_table = dying

folder = sys.argv[1]
raw = b"district_id,month_start,views\nharlow,2026-11-01,5\nsouthend,2026-11-01,6\n"
a = pipeline.analyse(raw, "v.csv", "map_views", known={"districts": {"harlow", "southend"}}, today=date(2026, 12, 2))
pipeline.commit(folder, a, raw, "crash", "admin")
"""


def test_a_crash_mid_write_leaves_the_data_intact(demo_dir, tmp_path):
    from analytics.storage.db import Database

    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    before = {p.name: p.read_bytes() for p in folder.glob("*.parquet")}
    run = subprocess.run([sys.executable, "-c", CRASHER, str(folder)], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 9, run.stderr
    assert {p.name: p.read_bytes() for p in folder.glob("*.parquet")} == before
    assert not (folder / "_imports" / "audit.jsonl").exists(), "an import that did not finish is not logged"
    views = Database(folder).query("SELECT count(*) AS n FROM map_views WHERE month_start >= '2026-11-01'")
    assert views["n"].iloc[0] == 0
