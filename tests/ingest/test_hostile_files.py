# ruff: noqa: E501  (the corpus reads best as one file per line)
"""A corpus of malformed and hostile files: each gives a clear message and leaves the data store byte-identical.

Each file goes through the isolated reader exactly as an upload does. "Clear" means
a refusal in plain words, or a check that names every problem; never a traceback.
Hostile text that is valid text (HTML, script, SQL, formulas) is kept as typed,
never interpreted.
"""

import io
import json
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics.ingest import pipeline
from analytics.ingest.isolate import run_isolated
from analytics.ingest.textfiles import ExportError

EVENTS = (
    "event_id,district_id,start_at,end_at,activity_type,title,online,strand,audience_group,concerns_raised,"
    "actions_taken,status\n"
)
GOOD_EVENT = "E1,harlow,2026-05-01 18:00,2026-05-01 19:00,Coffee with a Cop,{title},no,Listen,General public,1,0,held\n"


def _parquet(frame_dict, **kw) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table(frame_dict), buf, **kw)
    return buf.getvalue()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"0" * (1 << 20)
            for _ in range(260):  # 260 MB of zeros, a few hundred KB packed
                fh.write(chunk)
    return buf.getvalue()


def _flipped(raw: bytes) -> bytes:
    b = bytearray(raw)
    for i in range(8, len(b) - 8, 7):
        b[i] ^= 0xFF
    return bytes(b)


_VALID_PARQUET = _parquet({"district_id": ["harlow"], "month_start": ["2026-03-01"], "views": [5]})

# (name, file name, table, bytes, expected: "refused" with a message fragment, or "problems", or "as text")
CORPUS = [
    ("empty", "a.csv", "map_views", b"", ("refused", "empty")),
    ("only blank lines", "a.csv", "map_views", b"\n\n  \n", ("refused", "empty")),
    ("header only", "a.csv", "map_views", b"district_id,month_start,views\n", ("refused", "no rows")),
    ("truncated mid-quote", "a.csv", "map_views", b'district_id,month_start,views\nharlow,"2026-03-01', ("problems", None)),
    ("text in a number column", "a.csv", "map_views", b"district_id,month_start,views\nharlow,2026-03-01,lots\n", ("problems", "is not a number")),
    ("negative count", "a.csv", "map_views", b"district_id,month_start,views\nharlow,2026-03-01,-4\n", ("problems", "smallest allowed")),
    ("huge integer", "a.csv", "map_views", b"district_id,month_start,views\nharlow,2026-03-01,1e30\n", ("problems", "too large")),
    ("nan and infinity", "a.csv", "map_views", b"district_id,month_start,views\nharlow,2026-03-01,nan\nharlow,2026-04-01,inf\n", ("problems", "finite")),
    ("impossible date", "a.csv", "map_views", b"district_id,month_start,views\nharlow,31/02/2026,4\n", ("problems", "not a date")),
    ("mixed date formats", "a.csv", "map_views", b"district_id,month_start,views\nharlow,2026-03-01,4\nharlow,01/04/2026,4\n", ("problems", "mixes date formats")),
    ("unknown district", "a.csv", "map_views", b"district_id,month_start,views\natlantis,2026-03-01,4\n", ("problems", "not a known district")),
    ("wrong enum", "a.csv", "engagement_events", (EVENTS + GOOD_EVENT.format(title="x").replace("held", "exploded")).encode(), ("problems", "is not one of")),
    ("ragged rows", "a.csv", "map_views", b"district_id,month_start,views\nharlow\nharlow,2026-03-01,4,9,9,9\n", ("problems", "header names 3 columns")),
    ("duplicate column names", "a.csv", "map_views", b"district_id,district_id,views\nharlow,harlow,4\n", ("refused", "more than once")),
    ("SQL in column names", "a.csv", "map_views", b'"district_id; DROP TABLE districts;--",month_start,views\nharlow,2026-03-01,4\n', ("problems", "needed")),
    ("a million columns", "a.csv", "map_views", (",".join(f"c{i}" for i in range(1_000_000)) + "\n").encode(), ("refused", "columns")),
    ("a 200,000-character cell", "a.csv", "map_views", b"district_id,month_start,views\n" + b"x" * 200_000 + b",2026-03-01,4\n", ("refused", "")),
    ("NUL bytes", "a.csv", "map_views", b"district_id\x00,month_start,views\nharlow\x00,2026-03-01,4\n", ("refused", "not a text file")),
    ("broken UTF-16", "a.csv", "map_views", b"\xff\xfed\x00i\x00s", ("refused", "UTF-16")),
    ("undecodable bytes", "a.csv", "map_views", b"\x81\x8d\x8f\x90\x9d,\x81\n\x9d,\x90\n", ("refused", "encoding")),
    ("random binary", "a.csv", "map_views", bytes(range(256)) * 64, ("refused", "")),
    ("too big", "a.csv", "map_views", b"a" * (51 * 1024 * 1024), ("refused", "larger than")),
    ("wrong extension", "a.exe", "map_views", b"MZ\x90\x00", ("refused", "not read")),
    ("bit-flipped Parquet", "a.parquet", "map_views", _flipped(_VALID_PARQUET), ("refused", "Parquet")),
    ("truncated Parquet", "a.parquet", "map_views", _VALID_PARQUET[: len(_VALID_PARQUET) // 2], ("refused", "Parquet")),
    ("Parquet with 600 columns", "a.parquet", "map_views", _parquet({f"c{i}": [1] for i in range(600)}), ("refused", "columns")),
    ("Parquet of the wrong types", "a.parquet", "map_views", _parquet({"district_id": [1.5], "month_start": [True], "views": ["many"]}), ("problems", None)),
    ("zip bomb workbook", "a.xlsx", "map_views", _zip_bomb(), ("refused", "zip bomb")),
    ("not really a workbook", "a.xlsx", "map_views", b"PK\x03\x04" + b"\x00" * 100, ("refused", "Excel")),
    ("text pretending to be a workbook", "a.xlsx", "map_views", b"district_id,month_start,views\n", ("refused", "Excel")),
    ("not JSON", "a.json", "engagement_concerns", b"{'issue': nope", ("refused", "not valid JSON")),
    ("deeply nested JSON", "a.json", "engagement_concerns", b"[" * 100_000 + b"]" * 100_000, ("refused", "")),
    ("JSON of numbers", "a.json", "engagement_concerns", b"[1, 2, 3]", ("refused", "Not a police.uk")),
    ("JSON without the fields", "a.json", "engagement_concerns", json.dumps([{"crime": "x"}]).encode(), ("refused", "Not a police.uk")),
    ("HTML and script in text", "a.csv", "engagement_events", (EVENTS + GOOD_EVENT.format(title='"<img src=x onerror=alert(1)><script>alert(2)</script>"')).encode(), ("as text", "<img src=x onerror=alert(1)><script>alert(2)</script>")),
    ("SQL in values", "a.csv", "engagement_events", (EVENTS + GOOD_EVENT.format(title="'); DROP TABLE engagement_events; --")).encode(), ("as text", "'); DROP TABLE engagement_events; --")),
    ("spreadsheet formula in text", "a.csv", "engagement_events", (EVENTS + GOOD_EVENT.format(title='"=HYPERLINK(""http://evil"",""x"")"')).encode(), ("as text", '=HYPERLINK("http://evil","x")')),
    ("not a social export", "a.csv", pipeline.SOCIAL, b"Month,Visitors\n2024-01,5\n", ("refused", "Not a recognised export")),
]  # fmt: skip


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 30


def _store(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("label", "name", "table", "raw", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_file(demo_dir, label, name, table, raw, expected):
    before = _store(demo_dir)
    kind, fragment = expected
    known = {"districts": {"harlow", "southend"}}
    if kind == "refused":
        with pytest.raises(ExportError) as refused:
            run_isolated(pipeline.analyse, raw, name, table, None, None, None, known, None)
        message = str(refused.value)
        assert message and "Traceback" not in message
        assert fragment.lower() in message.lower(), message
    else:
        a = run_isolated(pipeline.analyse, raw, name, table, None, None, None, known, None)
        v = a.validation
        assert v.rows_in == len(v.valid) + v.rejected_rows + v.duplicates_in_file
        if kind == "problems":
            assert v.problems and all(p.message for p in v.problems), "every problem is said in words"
            if fragment:
                assert any(fragment in p.message for p in v.problems), [p.message for p in v.problems]
        else:  # valid text stays exactly as typed
            assert v.problems == [] and v.valid["title"].iloc[0] == fragment
    assert _store(demo_dir) == before, "reading a file never changes the data store"
