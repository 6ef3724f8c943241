"""Writing tables to the data directory: contract-typed, sorted, atomic Parquet."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics.contract.rules import EARLIER_COLUMNS
from analytics.contract.schema import TABLES, Table

# Small row groups keep min/max statistics tight, so DuckDB can skip groups
# outside a filtered date range (the files are sorted by date).
ROW_GROUP_SIZE = 64_000

# A folder of generated synthetic data says so in a marker file: the demo's, or the scale data set's.
DEMO_MARKER = "DEMO_DATA_SYNTHETIC.json"
SCALE_MARKER = "SCALE_DATA_SYNTHETIC.json"


def is_synthetic(data_dir: Path) -> bool:
    """True when ``data_dir`` holds generated synthetic data (the demo, or the scale data set)."""
    return (Path(data_dir) / DEMO_MARKER).exists() or (Path(data_dir) / SCALE_MARKER).exists()


# DuckDB type -> Arrow type, for writing Parquet that matches the contract.

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "SMALLINT": pa.int16(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
}


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema a Parquet file of ``table`` is written with."""
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type], nullable=c.nullable) for c in table.columns])


def table_path(data_dir: Path, table: str) -> Path:
    """Where ``table`` lives in ``data_dir``."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    return Path(data_dir) / f"{table}.parquet"


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table with exactly the contract's columns and types, sorted."""
    spec = TABLES[table]
    missing = [c for c in spec.column_names if c not in frame.columns]
    if missing:
        raise ValueError(f"{table}: missing columns {', '.join(missing)}")
    ordered = frame.loc[:, list(spec.column_names)].sort_values(list(spec.sort_by), kind="stable")
    return pa.Table.from_pandas(ordered, schema=arrow_schema(spec), preserve_index=False)


def write_table(data_dir: Path, table: str, frame: pd.DataFrame) -> Path:
    """Write ``frame`` as ``table`` atomically: a temporary file, fsync, then rename."""
    return write_arrow(data_dir, table, to_arrow(table, frame))


def write_arrow(data_dir: Path, table: str, arrow: pa.Table) -> Path:
    """Write an Arrow table holding ``table``'s columns in contract order, sorted, atomically."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    target = table_path(data_dir, table)
    arrow = arrow.cast(arrow_schema(TABLES[table]))
    fd, tmp = tempfile.mkstemp(prefix=f".{table}.", suffix=".tmp", dir=data_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            pq.write_table(arrow, fh, row_group_size=ROW_GROUP_SIZE, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the data is meant to be readable
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True)
class Upsert:
    """What merging rows into a table on its key did."""

    new: int
    updated: int
    same: int  # already stored exactly so
    written: bool


def upsert(data_dir: Path, table: str, frame: pd.DataFrame) -> Upsert:
    """Merge ``frame``'s rows into ``table`` on its key (a row with a stored key replaces it) and write the
    table atomically when anything changed.

    The stored file is merged in DuckDB, never turned into Python objects, so the cost follows the size of
    the incoming rows and the file's bytes rather than one Python object per stored row.
    """
    spec = TABLES[table]
    incoming = to_arrow(table, frame)
    path = table_path(data_dir, table)
    if not path.exists():
        if incoming.num_rows:
            write_arrow(data_dir, table, incoming)
        return Upsert(incoming.num_rows, 0, 0, incoming.num_rows > 0)
    cols = ", ".join(spec.column_names)  # schema names
    on = " AND ".join(f"s.{k} = i.{k}" for k in spec.key)
    identical = " AND ".join(f"s.{c} IS NOT DISTINCT FROM i.{c}" for c in spec.column_names)
    order = ", ".join(dict.fromkeys((*spec.sort_by, *spec.key)))
    con = duckdb.connect(config={"threads": 2})
    try:
        con.register("incoming", incoming)
        earlier = earlier_columns(table, path)
        columns = ", ".join(f"({earlier[c]}) AS {c}" if c in earlier else c for c in spec.column_names)
        view = f"CREATE VIEW stored AS SELECT {columns} FROM read_parquet({_quoted(path)})"  # noqa: S608
        con.execute(view)
        counts = (
            f"SELECT count(*) FILTER (WHERE s._hit IS NULL), count(*) FILTER (WHERE {identical}) "  # noqa: S608
            f"FROM incoming i LEFT JOIN (SELECT *, true AS _hit FROM stored) s ON {on}"
        )
        new, same = con.execute(counts).fetchall()[0]
        updated = incoming.num_rows - new - same
        if not (new or updated):
            return Upsert(new, updated, same, False)
        merged = con.sql(
            f"SELECT {cols} FROM stored s WHERE NOT EXISTS (SELECT 1 FROM incoming i WHERE {on}) "  # noqa: S608
            f"UNION ALL SELECT {cols} FROM incoming ORDER BY {order}"
        ).to_arrow_table()
    finally:
        con.close()
    write_arrow(data_dir, table, merged)
    return Upsert(new, updated, same, True)


def file_stamps(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Each Parquet file's (size, modification time in ns), by file name: what ``data_version`` fingerprints."""
    out = {}
    for p in sorted(Path(data_dir).glob("*.parquet")):
        try:
            st = p.stat()
        except FileNotFoundError:  # replaced between the listing and the look
            continue
        out[p.name] = (st.st_size, st.st_mtime_ns)
    return out


def data_version(data_dir: Path, stamps: dict[str, tuple[int, int]] | None = None) -> str:
    """A short fingerprint of the data directory's Parquet files (names, sizes, mtimes).

    Caches key on it, so new data is picked up without restarting the app.
    """
    h = hashlib.sha256()
    for name, (size, mtime) in (file_stamps(data_dir) if stamps is None else stamps).items():
        h.update(f"{name}:{size}:{mtime};".encode())
    return h.hexdigest()[:16]


def earlier_columns(table: str, path: Path) -> dict[str, str]:
    """Columns of ``table`` that the file at ``path``, written under an earlier contract, lacks: each with the
    SQL over the file's own columns that gives it (``rules.EARLIER_COLUMNS``)."""
    rules = EARLIER_COLUMNS.get(table)
    if not rules:
        return {}
    present = set(pq.read_schema(path).names)
    return {name: sql for name, sql in rules.items() if name not in present}


def read_table(data_dir: Path, table: str) -> pd.DataFrame:
    """``table`` as stored in ``data_dir``, or an empty frame with its columns when it has no file yet
    (a file written under an earlier contract is read in the current one's columns)."""
    path = table_path(data_dir, table)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLES[table].column_names})
    earlier = earlier_columns(table, path)
    if not earlier:
        # One open file: a writer replacing the file meanwhile (write aside, rename) cannot give this read half
        # of each (a reader opening the path twice, for the footer and then the pages, could be). Arrow's own
        # memory map, not a Python file object: reading through a Python file object leaves Arrow's thread pool
        # to abort the process at exit now and then ("terminate called without an active exception";
        # apache/arrow#34314, #50482).
        with pa.memory_map(str(path), "r") as fh:
            return pd.read_parquet(fh)
    cols = ", ".join(f"({earlier[c]}) AS {c}" if c in earlier else c for c in TABLES[table].column_names)
    with duckdb.connect(config={"threads": 1}) as con:
        select = f"SELECT {cols} FROM read_parquet({_quoted(path)})"  # noqa: S608 (schema SQL, a quoted path)
        return con.sql(select).to_arrow_table().to_pandas()


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@contextmanager
def locked(data_dir: Path, name: str) -> Iterator[None]:
    """An exclusive lock across processes (``.<name>.lock`` in the data folder) for a read-check-write."""
    with open(Path(data_dir) / f".{name}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def built_aside(out_dir: Path, prefix: str) -> Iterator[Path]:
    """A new sibling folder of ``out_dir`` to write a whole data set into: when the block ends it
    replaces ``out_dir``; if the block fails it is removed and ``out_dir`` is left as it was."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=out_dir.parent))
    try:
        yield tmp
        for p in tmp.iterdir():
            if p.is_file():
                p.chmod(0o644)
        tmp.chmod(0o755)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
