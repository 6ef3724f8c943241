"""The one module that owns DuckDB.

A ``Database`` is an in-memory DuckDB with one view per contract table over the
Parquet files of a data directory, then locked down: no file access outside the
data directory, no network, no extension installs or autoloading, a memory
limit, and the configuration locked so none of that can be undone from SQL.
Every query runs on its own cursor, because a connection is not thread-safe and
Streamlit sessions are threads. Values are always bound parameters.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd

from analytics import store
from analytics.schema import TABLES, Table


class DataError(RuntimeError):
    """The data directory cannot be served: missing or unreadable tables."""


def _quote_literal(text: str) -> str:
    """A SQL string literal (paths in CREATE VIEW cannot be bound as parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _empty_select(table: Table) -> str:
    cols = ", ".join(f"CAST(NULL AS {c.type}) AS {c.name}" for c in table.columns)
    return f"SELECT {cols} WHERE false"


class Database:
    """Read-only, locked-down DuckDB views over one data directory."""

    def __init__(self, data_dir: Path, memory_limit: str = "1GB", threads: int = 2) -> None:
        self.data_dir = Path(data_dir).resolve()
        if not self.data_dir.is_dir():
            raise DataError(f"The data folder {self.data_dir} does not exist.")
        self.version = store.data_version(self.data_dir)
        self._con = duckdb.connect(":memory:", config={"threads": threads})
        self._lock = threading.Lock()
        self.missing_optional: list[str] = []
        try:
            self._create_views()
            self._lock_down(memory_limit)
        except BaseException:
            self._con.close()
            raise

    def _create_views(self) -> None:
        missing = []
        for table in TABLES.values():
            path = store.table_path(self.data_dir, table.name)
            if path.exists():
                cols = ", ".join(f"CAST({c.name} AS {c.type}) AS {c.name}" for c in table.columns)
                # Identifiers come from the schema module; the path is quoted as a literal.
                select = f"SELECT {cols} FROM read_parquet({_quote_literal(str(path))})"  # noqa: S608
            elif table.optional:
                self.missing_optional.append(table.name)
                select = _empty_select(table)
            else:
                missing.append(table.name)
                continue
            try:
                self._con.execute(f"CREATE VIEW {table.name} AS {select}")
            except duckdb.Error as exc:
                raise DataError(f"Table {table.name} in {self.data_dir} cannot be read: {exc}") from exc
        if missing:
            raise DataError(
                f"The data folder {self.data_dir} is missing required tables: {', '.join(missing)} "
                "(expected one <table>.parquet file each)."
            )
        # Reading each view once surfaces a corrupt file or a column the contract
        # expects but the file lacks, here rather than in the middle of a page.
        for table in TABLES.values():
            try:
                self._con.execute(f"SELECT * FROM {table.name} LIMIT 0").fetchall()  # noqa: S608 (schema name)
            except duckdb.Error as exc:
                raise DataError(f"Table {table.name} in {self.data_dir} cannot be read: {exc}") from exc

    def _lock_down(self, memory_limit: str) -> None:
        allowed = _quote_literal(str(self.data_dir) + "/")
        for statement in (
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
        """Run ``sql`` with bound ``params`` on a fresh cursor and return a DataFrame."""
        with self._lock:
            cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def close(self) -> None:
        """Close the connection."""
        self._con.close()
