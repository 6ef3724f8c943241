"""Arrow building blocks for the scale generator: contract-typed columns and a streaming Parquet writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analytics.contract.schema import TABLES
from analytics.storage import parquet as store

# DuckDB's own row-group size: big enough for fast scans, small enough that a
# date filter on the date-sorted files skips most groups.
ROW_GROUP_SIZE = 122_880
ID_WIDTH = 9


def fixed_ids(prefix: str, start: int, n: int, width: int = ID_WIDTH) -> pa.Array:
    """``prefix`` + zero-padded numbers ``start`` .. ``start + n - 1``; fixed width, so text order is number order."""
    if start + n - 1 >= 10**width:
        raise ValueError(f"more than {10**width - 1:,} ids do not fit {width} digits")
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    size = head.size + width
    text = np.empty((n, size), dtype=np.uint8)
    text[:, : head.size] = head
    nums = np.arange(start, start + n, dtype=np.int64)
    for i in range(width):  # one digit at a time keeps the temporary arrays small
        text[:, size - 1 - i] = nums // 10**i % 10 + 48
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))


def strings(labels: list[str] | pa.Array, index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """``labels[index]`` as a dictionary-encoded string column (null where ``mask``); no Python string per row.

    Parquet stores it as a plain UTF-8 column: the writer keeps the dictionary
    instead of hashing every value again, which is most of the writing time.
    """
    labels = labels if isinstance(labels, pa.Array) else pa.array(labels, pa.string())
    unique = pc.unique(labels)
    if len(unique) < len(labels):  # Parquet gives up on a dictionary that repeats a value
        index = pc.index_in(labels, unique).to_numpy()[index]
        labels = unique
    return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32(), mask=mask), labels)


def days(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Days since 1970-01-01 as a DATE column."""
    return pa.array(values.astype(np.int32), pa.int32(), mask=mask).view(pa.date32())


def micros(values: np.ndarray) -> pa.Array:
    """Microseconds since 1970-01-01 as a TIMESTAMP column."""
    return pa.array(values.astype(np.int64), pa.int64()).view(pa.timestamp("us"))


def numbers(values: np.ndarray, type_: pa.DataType, mask: np.ndarray | None = None) -> pa.Array:
    """A numeric or boolean column of ``type_`` (null where ``mask``)."""
    return pa.array(values, type_, mask=mask)


def contract_table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """``columns`` as an Arrow table with the contract's columns, order and types (strings may be dictionaries)."""
    fields, arrays = [], []
    for f in store.arrow_schema(TABLES[name]):
        col = columns[f.name]
        value_type = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
        if value_type != f.type:
            raise TypeError(f"{name}.{f.name} is {col.type}, the contract says {f.type}")
        if not f.nullable and col.null_count:
            raise ValueError(f"{name}.{f.name} has nulls")
        fields.append(f.with_type(col.type))
        arrays.append(col)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class TableWriter:
    """Writes one table's Parquet file from chunks appended in sort order, in row groups of equal size.

    The file carries no Arrow schema of its own (dictionary columns would be read
    back as categoricals): its Parquet types alone read back as the contract's.
    """

    def __init__(
        self, out_dir: Path, name: str, plain: tuple[str, ...] = (), row_group_size: int = ROW_GROUP_SIZE
    ) -> None:
        self.name = name
        self._plain = set(plain)  # columns of mostly distinct values, where a dictionary only costs
        self.rows = 0
        self._path = store.table_path(out_dir, name)
        self._size = row_group_size
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._writer: pq.ParquetWriter | None = None

    def append(self, table: pa.Table) -> None:
        """Queue ``table`` (already in the contract's sort order) and write every full row group."""
        if self._writer is None:
            # Plain strings (unique ids) and the columns named plain gain nothing from a dictionary.
            repeats = [f.name for f in table.schema if not (pa.types.is_string(f.type) or f.name in self._plain)]
            self._writer = pq.ParquetWriter(
                self._path, table.schema, compression="zstd", store_schema=False, use_dictionary=repeats
            )
        self._buffer.append(table)
        self._buffered += table.num_rows
        self.rows += table.num_rows
        if self._buffered >= self._size:
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        whole = pa.concat_tables(self._buffer)
        cut = whole.num_rows if final else whole.num_rows // self._size * self._size
        if cut:
            self._writer.write_table(whole.slice(0, cut), row_group_size=self._size)
        rest = whole.slice(cut)
        self._buffer = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows

    def close(self) -> int:
        """Write what is left and close the file; the number of rows written."""
        if self._writer is None:  # nothing appended: an empty file with the contract's schema
            pq.write_table(store.arrow_schema(TABLES[self.name]).empty_table(), self._path, compression="zstd")
            return 0
        if self._buffer:
            self._flush(final=True)
        self._writer.close()
        return self.rows

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
