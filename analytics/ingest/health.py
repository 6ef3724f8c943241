"""Data health: what each table holds, how fresh it is, the last import, and gaps worth chasing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analytics.contract.schema import TABLES
from analytics.ingest.pipeline import audit_log
from analytics.periods import add_quarters, quarter_label, quarters_between
from analytics.storage import parquet as store
from analytics.storage.db import Database, ident


def table_health(db: Database, data_dir: Path) -> pd.DataFrame:
    """Per table: rows, the dates it covers, when its file last changed, and its last import."""
    log = audit_log(data_dir)
    rows = []
    for table in TABLES.values():
        path = store.table_path(data_dir, table.name)
        n = int(db.query(f"SELECT count(*) AS n FROM {ident(table.name)}")["n"].iloc[0])  # noqa: S608 (schema name)
        first = last = None
        if table.date_column and n:
            col = ident(table.date_column)
            span = db.query(f"SELECT min({col}) AS a, max({col}) AS b FROM {ident(table.name)}")  # noqa: S608
            first, last = (pd.Timestamp(span["a"].iloc[0]).date(), pd.Timestamp(span["b"].iloc[0]).date())
        imports = log[log["table"] == table.name] if len(log) else log
        rows.append(
            {
                "table": table.name,
                "required": not table.optional,
                "rows": n,
                "from": first,
                "to": last,
                "file_changed": datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
                if path.exists()
                else None,
                "last_import": imports["at"].iloc[0] if len(imports) else None,
                "last_import_by": imports["who"].iloc[0] if len(imports) else None,
            }
        )
    return pd.DataFrame(rows)


def survey_gaps(db: Database) -> list[date]:
    """Quarters between the first and last survey quarter with no answers at all."""
    got = db.query(
        "SELECT DISTINCT CAST(date_trunc('quarter', interview_date) AS DATE) AS q FROM survey_responses ORDER BY q"
    )["q"]
    have = [pd.Timestamp(q).date() for q in got]
    if not have:
        return []
    return [q for q in quarters_between(have[0], have[-1]) if q not in set(have)]


def districts_without_events(db: Database, quarters: int = 4) -> pd.DataFrame:
    """Districts with no event held in the last ``quarters`` quarters of event data, and their last event."""
    latest = db.query("SELECT max(start_at) AS t FROM engagement_events")["t"].iloc[0]
    if pd.isna(latest):
        return db.query("SELECT name, NULL AS last_event FROM districts ORDER BY name")
    ts = pd.Timestamp(latest)
    since = add_quarters(date(ts.year, 3 * ((ts.month - 1) // 3) + 1, 1), 1 - quarters)
    return db.query(
        """
        SELECT d.name, max(e.start_at) AS last_event
        FROM districts d LEFT JOIN engagement_events e ON e.district_id = d.district_id AND e.status = 'held'
        GROUP BY d.name
        HAVING max(e.start_at) IS NULL OR max(e.start_at) < $since
        ORDER BY d.name
        """,
        {"since": since},
    )


def gap_text(gaps: list[date]) -> str:
    """The survey's missing quarters in words."""
    return ", ".join(quarter_label(q) for q in gaps) if gaps else "none"
