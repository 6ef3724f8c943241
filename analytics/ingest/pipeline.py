"""An upload from bytes to a checked, previewable import, and from there into the data folder.

``analyse`` runs in the isolated reader process: it reads the file, maps its
columns and checks every row, writing nothing. ``commit`` runs in the server
once the person confirms: under the import lock it merges the checked rows on
the table's key, writes the table atomically (temporary file, then rename),
keeps the upload's original bytes named by their hash, and appends a line to the
audit log. Rows in = accepted + rejected + duplicates, always.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analytics import access
from analytics.contract.schema import TABLES
from analytics.ingest import policeuk
from analytics.ingest.matching import Districts
from analytics.ingest.readers import cell_text, read_file
from analytics.ingest.social import exports as social_exports
from analytics.ingest.social import importer
from analytics.ingest.social import months as social_months
from analytics.ingest.validate import Validation, auto_mapping, validate
from analytics.storage import engine
from analytics.storage import parquet as store

SOCIAL = "social media export"
IMPORTS = "_imports"
AUDIT = "audit.jsonl"
PREVIEW_ROWS = 20


@dataclass
class Analysis:
    """What an upload holds, as checked; nothing written yet."""

    file_name: str
    sha256: str
    size: int
    target: str
    kind: str = ""
    encoding: str = ""
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    columns: list[str] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    mapping: dict[str, str | None] = field(default_factory=dict)
    validation: Validation | None = None
    social: social_exports.ParsedExport | None = None


def digest(raw: bytes) -> str:
    """The upload's SHA-256, which names its kept copy."""
    return hashlib.sha256(raw).hexdigest()


def reference_values(db) -> tuple[dict[str, set[str]], dict[str, list[str]], dict[str, set[str]]]:
    """What an upload is checked against, from the stored data: the ids that exist (districts, questions,
    accounts, meetings), each question's answers, and each district's local authority codes."""
    known = {
        "districts": set(db.query("SELECT district_id AS v FROM districts")["v"]),
        "survey_questions": set(db.query("SELECT question_id AS v FROM survey_questions")["v"]),
        "social_accounts": set(db.query("SELECT account_id AS v FROM social_accounts")["v"]),
        "star_chamber_meetings": set(db.query("SELECT meeting_id AS v FROM star_chamber_meetings")["v"]),
    }
    q = db.query("SELECT question_id, answers FROM survey_questions")
    answers = {r.question_id: list(r.answers) for r in q.itertuples(index=False)}  # in the order offered
    d = db.query("SELECT district_id, lad_codes FROM districts")
    lads = {r.district_id: set(r.lad_codes) for r in d.itertuples(index=False)}
    return known, answers, lads


def analyse(
    raw: bytes,
    file_name: str,
    target: str,
    sheet: str | None = None,
    mapping: dict[str, str | None] | None = None,
    constants: dict[str, str] | None = None,
    known: dict[str, set[str]] | None = None,
    answers: dict[str, set[str]] | None = None,
    districts: Districts | None = None,
    lads: dict[str, set[str]] | None = None,
    today: date | None = None,
) -> Analysis:
    """Read and check an upload for ``target`` (a contract table, or SOCIAL for a platform export); ``districts``
    every way a district may be named (ids only, from ``known``, without it); ``lads`` each district's local
    authority codes; ``today`` the day the dates are checked against (the day of the import)."""
    out = Analysis(file_name, digest(raw), len(raw), target)
    if target == SOCIAL:
        out.social = social_months.plausible(social_exports.parse(raw, file_name), today)
        out.kind, out.encoding = out.social.layout.title, out.social.encoding
        records = out.social.records.drop(columns="row").head(PREVIEW_ROWS)
        out.preview = records.map(cell_text) if len(records) else records
        return out
    if target not in TABLES:
        raise ValueError(f"unknown table {target!r}")
    table = read_file(raw, file_name, sheet)
    if table.kind == "text":  # a police.uk monthly CSV is no table of the contract: say where it belongs
        policeuk.refuse_police_uk_csv(table.columns)
    out.kind, out.encoding, out.sheets, out.sheet, out.columns = (
        table.kind, table.encoding, table.sheets, table.sheet, table.columns
    )  # fmt: skip
    out.preview = pd.DataFrame(
        [[n, *[cell_text(c) for c in row]] for n, row in table.rows[:PREVIEW_ROWS]],
        columns=["Row", *[c or f"(column {i + 1})" for i, c in enumerate(table.columns)]],
    )
    auto = auto_mapping(table.columns, target)
    out.mapping = {c: (mapping or {}).get(c, auto[c]) for c in auto} if mapping is not None else auto
    out.validation = validate(table, target, out.mapping, constants, known, answers, districts, lads, today)
    return out


@dataclass
class Outcome:
    """What a confirmed import did."""

    table: str
    rows_in: int
    new: int
    updated: int
    duplicates: int
    rejected: int
    written: bool
    record: dict

    report: importer.ImportReport | None = None  # a social-media export's own report

    @property
    def accepted(self) -> int:
        return self.new + self.updated


def _keep_original(data_dir: Path, raw: bytes, sha: str, file_name: str) -> str:
    folder = Path(data_dir) / IMPORTS / "originals"
    folder.mkdir(parents=True, exist_ok=True)
    ext = "".join(c for c in Path(file_name).suffix.lower() if c.isalnum() or c == ".")[:10]
    target = folder / f"{sha}{ext}"
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    return target.name


def _audit(data_dir: Path, record: dict) -> None:
    """Append one line to the audit log and make sure it reached the disk."""
    path = Path(data_dir) / IMPORTS / AUDIT
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def commit(
    data_dir: Path,
    analysis: Analysis,
    raw: bytes,
    who: str,
    role: str,
    via: str = "Data page",
    rebuild_in_background: bool = True,
    **social_options,
) -> Outcome:
    """Write a checked upload (managers and admins only); refused if the bytes are not the ones checked.

    Every import, from the Data page or the command line (``via``), keeps its original bytes and appends
    one line to the audit log, which the Data page's Import history lists. The engine file is rebuilt in
    a background thread unless ``rebuild_in_background`` is false (a command that exits when done builds
    it itself: a thread still inside DuckDB when the process ends aborts it).
    """
    access.require(role, "import")
    if digest(raw) != analysis.sha256:
        raise ValueError("The file changed since it was checked: check it again before importing.")
    data_dir = Path(data_dir)
    with store.locked(data_dir, "import"):
        if analysis.social is not None:
            outcome = _commit_social(data_dir, analysis, social_options)
        else:
            outcome = _commit_table(data_dir, analysis)
        kept = _keep_original(data_dir, raw, analysis.sha256, analysis.file_name)
        outcome.record |= {
            "at": datetime.now().isoformat(timespec="seconds"),
            "who": who,
            "role": role,
            "via": via,
            "file": analysis.file_name,
            "sha256": analysis.sha256,
            "bytes": analysis.size,
            "kept_as": kept,
            "table": outcome.table,
            "rows_in": outcome.rows_in,
            "accepted": outcome.accepted,
            "new": outcome.new,
            "updated": outcome.updated,
            "rejected": outcome.rejected,
            "duplicates": outcome.duplicates,
            "written": outcome.written,
        }
        _audit(data_dir, outcome.record)
    if rebuild_in_background and outcome.written and outcome.table in engine.SORTED:
        # The sorted copy and rollups are rebuilt for the new data; Parquet answers until it is ready.
        engine.build_in_background(data_dir)
    return outcome


def _commit_table(data_dir: Path, analysis: Analysis) -> Outcome:
    v = analysis.validation
    if v is None or v.missing:
        raise ValueError("The file cannot be imported: columns the table needs are missing.")
    rows = v.valid.drop(columns="_row")
    rejected = v.rows_in - len(v.valid) - v.duplicates_in_file
    if v.table == "social_monthly":
        # Figure by figure, as the social-media imports merge months (under their lock): a blank never blanks.
        with store.locked(data_dir, "social_import"):
            stored = store.read_table(data_dir, v.table)
            monthly, new, updated, same = social_months.merge_rows(stored, rows)
            if new or updated:
                store.write_table(data_dir, v.table, monthly)
        return Outcome(
            v.table, v.rows_in, new, updated, v.duplicates_in_file + same, rejected, bool(new or updated), {}
        )
    merged = store.upsert(data_dir, v.table, rows)
    return Outcome(
        v.table, v.rows_in, merged.new, merged.updated, v.duplicates_in_file + merged.same, rejected, merged.written, {}
    )


def _commit_social(data_dir: Path, analysis: Analysis, options: dict) -> Outcome:
    parsed = analysis.social
    report = importer.import_parsed(
        data_dir, parsed, options["account_id"], file_name=analysis.file_name, followers=options.get("followers")
    )
    rejected = len({p.row for p in parsed.problems})
    if parsed.layout.level == "post":
        new, updated, dupes = report.posts_added, report.posts_updated, parsed.duplicates + report.posts_unchanged
    else:
        new, updated, dupes = parsed.accepted, 0, parsed.duplicates
    record = {"account_id": options["account_id"], "months": [f"{m:%Y-%m}" for m in report.months]}
    table = "social_posts" if parsed.layout.level == "post" else "social_monthly"
    return Outcome(table, parsed.rows_in, new, updated, dupes, rejected, report.written, record, report)


def audit_log(data_dir: Path) -> pd.DataFrame:
    """Every confirmed import, newest first."""
    path = Path(data_dir) / IMPORTS / AUDIT
    if not path.exists():
        return pd.DataFrame(columns=["at", "who", "role", "table", "file", "rows_in", "accepted", "rejected"])
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a crash is skipped, not fatal
    return pd.DataFrame(rows).iloc[::-1].reset_index(drop=True)
