"""What a table and a column of the data contract are (``analytics.contract.tables`` declares the contract's tables,
``analytics.contract.schema`` lists them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column: its name, DuckDB type, description and constraints."""

    name: str
    type: str
    description: str
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    # True when the value must be above ``minimum``, not merely at least it (a survey weight).
    above_minimum: bool = False
    # A DATE column that names a period by its first day: "month" or "quarter".
    period: str | None = None
    # A date that may lie well ahead: a plan (an event, a meeting, a due date), not a record of what happened.
    planned: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the contract, stored as ``<name>.parquet`` in the data directory."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sort_by: tuple[str, ...]
    # Optional tables load as empty views when their file is absent, so a force can
    # start with survey data alone; only districts and the survey are required.
    optional: bool = False
    date_column: str | None = None
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names in contract order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``; KeyError if it is not in the contract."""
        return self.column_index[name]
