"""The one module that owns DuckDB.

A ``Database`` is an in-memory DuckDB with one view per contract table over the
Parquet files of a data directory, then locked down: no file access outside the
data directory, no network, no extension installs or autoloading, a memory
limit, and the configuration locked so none of that can be undone from SQL.
Every query runs on its own cursor, because a connection is not thread-safe and
Streamlit sessions are threads. Values are always bound parameters.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from analytics.contract.schema import TABLES, Table
from analytics.storage import engine
from analytics.storage import parquet as store


class DataError(RuntimeError):
    """The data directory cannot be served: missing or unreadable tables.

    ``user_message`` says what is wrong without server paths or engine internals;
    the full text (``str(exc)``) is for the server log.
    """

    def __init__(self, message: str, user_message: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message or message


class QueryRefused(ValueError):
    """A statement other than a read was sent to the read-only database."""


# Tables whose Parquet file is at most this size are read into memory once, when the Database opens, instead
# of being read from the file by every query: opening a file and decoding its metadata costs a few
# milliseconds, more than the query itself on a few thousand rows. A Database serves one data version
# (a new file, including a saved action, opens a new one), so the copy is never stale.
SMALL_TABLE_BYTES = 2 * 1024 * 1024
# The copies live in an in-memory database of their own, compressed once they are all in (CHECKPOINT): DuckDB
# gives every column of an uncompressed in-memory table whole blocks of its own, so ten tables of a few thousand
# rows held 23 MiB at scale; compressed, 3.5 MiB, answering as fast.
SMALL = "small"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.I)
# Only reads reach the connection; DESCRIBE and SUMMARIZE parse as SELECT.
_READ_ONLY = {duckdb.StatementType.SELECT}
# How many checked SQL texts a Database remembers (the app sends a few dozen; the set is emptied when full).
_CHECKED_TEXTS = 1024
# How many derived results (``Database.remember``) a Database keeps, the least recently used dropped first: the
# force-wide figures of a few meetings and quarters, each a few thousand rows at most.
_REMEMBERED = 32
T = TypeVar("T")


def _ident(name: str) -> str:
    """``name`` if it is a plain identifier (tables and columns come from the schema module)."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a plain identifier")
    return name


ident = _ident  # for other analytics modules building SQL from schema names


def district_range(district_ids) -> dict[str, str]:
    """``d_lo`` and ``d_hi`` bounding the chosen districts (everything when none are given).

    Added to a district filter as ``district_id BETWEEN $d_lo AND $d_hi``, it lets DuckDB skip every
    block of a district-sorted table outside the range (a list lookup alone reads them all).
    """
    ids = [d for d in (district_ids or ()) if d is not None]
    return {"d_lo": min(ids), "d_hi": max(ids)} if ids else {"d_lo": "", "d_hi": "\U0010ffff"}


def _copied(value):
    """A copy of ``value`` for one caller: DataFrames copied (alone, or in a dict, list, tuple or named tuple; the
    objects in their cells, such as lists, are shared, so callers must not change those in place), plain values as
    they are (they cannot change), anything else copied whole (``copy.deepcopy``)."""
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_copied(v) for v in value))
    if isinstance(value, (tuple, list)):
        return type(value)(_copied(v) for v in value)
    if value is None or isinstance(value, (str, bytes, int, float, dt.date, dt.timedelta)):
        return value
    return copy.deepcopy(value)


def _quote_literal(text: str) -> str:
    """A SQL string literal (paths in CREATE VIEW cannot be bound as parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _view_sql(table: Table, path: Path | None, in_memory: bool = False) -> str:
    """CREATE VIEW for ``table``: the Parquet file cast to contract types, or an empty typed view;
    CREATE TABLE in the small tables' database (a copy held in memory) when ``in_memory``."""
    if path is None:
        cols = ", ".join(f"CAST(NULL AS {c.type}) AS {_ident(c.name)}" for c in table.columns)
        select = f"SELECT {cols} WHERE false"
    else:
        # A file written under an earlier contract gives the columns it lacks from its own (schema SQL).
        earlier = store.earlier_columns(table.name, path)
        cols = ", ".join(f"CAST({earlier.get(c.name, _ident(c.name))} AS {c.type}) AS {c.name}" for c in table.columns)
        select = f"SELECT {cols} FROM read_parquet({_quote_literal(str(path))})"  # noqa: S608 (schema names)
    if in_memory:
        return f"CREATE TABLE {SMALL}.{_ident(table.name)} AS {select}"
    return f"CREATE VIEW {_ident(table.name)} AS {select}"


def _unreadable(table: Table, data_dir: Path, exc: Exception) -> DataError:
    return DataError(
        f"Table {table.name} in {data_dir} cannot be read: {exc}",
        f"The {table.name} table cannot be read: the file is damaged or does not match the data "
        "contract (docs/data_contract.md).",
    )


def _rollup_view_sql(name: str, from_engine: bool) -> str:
    """A rollup (``engine.ROLLUPS``) read from the engine file when it holds one, else computed from the
    table it sums (same columns, same answers)."""
    if from_engine:
        return f"CREATE VIEW {_ident(name)} AS SELECT * FROM engine.{_ident(name)}"  # noqa: S608 (constant)
    return f"CREATE VIEW {_ident(name)} AS {engine.ROLLUPS[name][1]}"


def _probe_sql(table: Table) -> str:
    return f"SELECT * FROM {_ident(table.name)} LIMIT 0"  # noqa: S608 (schema name)


class Database:
    """Read-only, locked-down DuckDB views over one data directory."""

    def __init__(self, data_dir: Path, memory_limit: str = "1GB", threads: int = 2, use_engine: bool = True) -> None:
        self.data_dir = Path(data_dir).resolve()
        if not self.data_dir.is_dir():
            raise DataError(
                f"The data folder {self.data_dir} does not exist.",
                "The configured data folder does not exist. Check ENGAGEMENT_DATA_DIR.",
            )
        self.version = store.data_version(self.data_dir)
        if not _MEMORY.match(memory_limit.strip()):
            raise DataError(
                f"ENGAGEMENT_MEMORY_LIMIT {memory_limit!r} is not a size such as 1GB",
                "ENGAGEMENT_MEMORY_LIMIT is not a size such as 1GB.",
            )
        # The limit holds from the start: the small tables copied into memory count against it.
        self._con = duckdb.connect(":memory:", config={"threads": threads, "memory_limit": memory_limit.strip()})
        attach_small = f"ATTACH ':memory:' AS {SMALL} (COMPRESS)"
        self._con.execute(attach_small)
        self._lock = threading.Lock()
        self._memo: dict[str, pd.DataFrame] = {}
        self._remembered: OrderedDict[tuple, object] = OrderedDict()
        self._read_only: set[str] = set()  # SQL texts already checked to be one read-only SELECT
        self.missing_optional: list[str] = []
        # Small tables copied into memory when the database opened (SMALL_TABLE_BYTES).
        self.in_memory: list[str] = []
        # The sorted DuckDB copy of the large tables, with rollups, when it matches the Parquet files.
        self.engine = engine.current(self.data_dir) if use_engine else None
        try:
            if self.engine is not None:
                try:
                    attach = "ATTACH " + _quote_literal(str(self.engine)) + " AS engine (READ_ONLY)"
                    self._con.execute(attach)
                except duckdb.Error:
                    self.engine = None  # replaced or removed since it was found: Parquet answers the same
            self._create_views()
            self._lock_down(memory_limit)
        except BaseException:
            self._con.close()
            raise

    def _create_views(self) -> None:
        missing = []
        for table in TABLES.values():
            path = store.table_path(self.data_dir, table.name)
            if not path.exists():
                if not table.optional:
                    missing.append(table.name)
                    continue
                self.missing_optional.append(table.name)
                path = None
            try:
                name = _ident(table.name)
                derived = engine.DERIVED.get(table.name, {})
                if self.engine is not None and path is not None and table.name in engine.SORTED:
                    cols = ", ".join(_ident(c.name) for c in table.columns)
                    view = f"CREATE VIEW {name} AS SELECT {cols} FROM engine.{name}"  # noqa: S608 (schema names)
                    self._con.execute(view)
                    keyed = f"SELECT * FROM engine.{name}"  # noqa: S608 (schema name)
                else:
                    small = path is not None and path.stat().st_size <= SMALL_TABLE_BYTES
                    self._con.execute(_view_sql(table, path, in_memory=small))
                    if small:
                        self.in_memory.append(table.name)
                        copy = f"CREATE VIEW {name} AS SELECT * FROM {SMALL}.{name}"  # noqa: S608 (schema name)
                        self._con.execute(copy)
                    # The engine's derived columns, computed on the fly (the same expressions, the same values).
                    extra = "".join(f", {expr} AS {_ident(col)}" for col, expr in derived.items())
                    keyed = f"SELECT *{extra} FROM {name}"  # noqa: S608 (schema names and constant expressions)
                if derived:
                    create = f"CREATE VIEW {_ident(engine.keyed_view(table.name))} AS {keyed}"
                    self._con.execute(create)
            except duckdb.Error as exc:
                raise _unreadable(table, self.data_dir, exc) from exc
        if self.in_memory:
            try:
                compress = f"CHECKPOINT {SMALL}"  # compresses the copies
                self._con.execute(compress)
            except duckdb.Error as exc:
                raise DataError(
                    f"The small tables of {self.data_dir} could not be held in memory: {exc}",
                    "The data could not be read into memory: raise ENGAGEMENT_MEMORY_LIMIT.",
                ) from exc
        if not missing:
            stored = set()
            if self.engine is not None:
                listed = self._con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'engine'")
                stored = {row[0] for row in listed.fetchall()}
            for name in engine.ROLLUPS:
                self._con.execute(_rollup_view_sql(name, name in stored))
        if missing:
            raise DataError(
                f"The data folder {self.data_dir} is missing required tables: {', '.join(missing)}.",
                f"The data folder is missing required tables: {', '.join(missing)} "
                "(one <table>.parquet file each; see docs/data_contract.md).",
            )
        # Reading each view once surfaces a corrupt file or a column the contract
        # expects but the file lacks, here rather than in the middle of a page.
        for table in TABLES.values():
            try:
                self._con.execute(_probe_sql(table)).fetchall()
            except duckdb.Error as exc:
                raise _unreadable(table, self.data_dir, exc) from exc

    def _lock_down(self, memory_limit: str) -> None:
        allowed = _quote_literal(str(self.data_dir) + "/")
        for statement in (
            # No spill directory: DuckDB would otherwise add ./.tmp to the writable paths.
            "SET temp_directory = ''",
            f"SET allowed_directories = [{allowed}]",
            "SET enable_external_access = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            "SET allow_community_extensions = false",
            f"SET memory_limit = {_quote_literal(memory_limit)}",
            "SET lock_configuration = true",
        ):
            self._con.execute(statement)

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run a read-only ``sql`` with bound ``params`` on a fresh cursor and return a DataFrame.

        Anything but a SELECT (COPY, CREATE, ATTACH, SET, INSTALL, ...) is refused
        before it reaches DuckDB: the lockdown keeps the data folder writable to
        the engine, so reads-only is enforced here as a second wall.
        """
        with self._lock:
            if sql not in self._read_only:
                # Parsing a page's query to check it costs a third of a millisecond or more, and the pages send
                # the same few SQL texts with new values: each text is checked once.
                statements = self._con.extract_statements(sql)
                if len(statements) != 1 or statements[0].type not in _READ_ONLY:
                    raise QueryRefused("only single read-only SELECT statements are run")
                if len(self._read_only) >= _CHECKED_TEXTS:
                    self._read_only.clear()
                self._read_only.add(sql)
            cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def memo(self, key: str, sql: str) -> pd.DataFrame:
        """The result of ``sql`` (a read of a small whole table, no parameters), run once for the life of
        this Database: it serves one data version, so the answer cannot change. Each caller gets a copy."""
        if key not in self._memo:
            frame = self.query(sql)
            with self._lock:
                self._memo.setdefault(key, frame)
        return self._memo[key].copy()

    def remember(self, key: tuple, compute: Callable[[], T]) -> T:
        """``compute()``, worked out once for ``key`` while this Database lives (up to ``_REMEMBERED`` keys, the
        least recently used forgotten first): for figures that do not depend on the district in view (the
        force's, every district's), which the Star Chamber would otherwise recompute for each district presenting.
        ``key`` names the figures and every input, the calling function first. Each caller gets its own copy.

        A Database serves one data version, so the answer stays right while the data does. Tables copied into
        memory or into the engine file cannot change under it; a table read from its Parquet file per query (no
        engine file) can be replaced by an import, which is a new data version: the caller must not use this
        Database past that (the app checks before every cached call, ``ui.pin``)."""
        with self._lock:
            found = key in self._remembered
            if found:
                self._remembered.move_to_end(key)
                value = self._remembered[key]
        if not found:
            value = compute()  # outside the lock: two sessions asking at once may both compute, never block
            with self._lock:
                self._remembered[key] = value
                while len(self._remembered) > _REMEMBERED:
                    self._remembered.popitem(last=False)
        return _copied(value)

    def close(self) -> None:
        """Close the connection."""
        self._con.close()
