"""Streamlit side of imports: checking an upload in the isolated reader, remembering the result, committing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.config import load_settings
from analytics.ingest import health, isolate, matching, pipeline
from analytics.ingest.social import importer
from analytics.ingest.textfiles import ExportError
from ui import auth, data
from ui.cache.survey import districts
from ui.data import database_at

MAX_UPLOAD_MB = 50
_KEY = "_import_analysis"


def data_dir() -> Path:
    return load_settings().data_dir


@st.cache_data(show_spinner=False, max_entries=8)
def known_ids(version: str) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """What an upload is checked against: ids that exist, each question's answers, each district's local
    authority codes."""
    return pipeline.reference_values(database_at(version))


@st.cache_data(show_spinner=False, max_entries=8)
def district_names(version: str) -> matching.Districts:
    """Every way a district may be named in a file: id, name, and its local authorities' names and codes."""
    frame = districts(version)
    rows = zip(frame["district_id"], frame["name"], frame["lad_codes"], strict=True)
    return matching.Districts.from_rows(rows, matching.la_names(load_settings().boundaries))


def analyse(version: str, raw: bytes, file_name: str, target: str, sheet, mapping, constants) -> pipeline.Analysis:
    """The checked upload, from this session's memory when nothing changed; raises ExportError when refused."""
    key = (pipeline.digest(raw), file_name, target, sheet, repr(mapping), repr(constants), version)
    kept = st.session_state.get(_KEY)
    if kept and kept[0] == key:
        return kept[1]
    known, answers, lads = known_ids(version)
    with st.spinner("Reading and checking the file (in a separate process)..."):
        result = isolate.run_isolated(
            pipeline.analyse,
            raw,
            file_name,
            target,
            sheet,
            mapping,
            constants,
            known,
            answers,
            district_names(version),
            lads,
        )
    st.session_state[_KEY] = (key, result)
    return result


def forget() -> None:
    """Drop the remembered check (after an import, so the next upload starts fresh)."""
    st.session_state.pop(_KEY, None)


def commit(analysis: pipeline.Analysis, raw: bytes, **options) -> pipeline.Outcome:
    """Write the checked upload as this session's user; the role is checked again inside."""
    who = auth.actor()
    outcome = pipeline.commit(data_dir(), analysis, raw, who.name, who.role or "", **options)
    data.begin_run()  # the rest of this run shows the data as imported
    return outcome


def accounts() -> pd.DataFrame:
    return importer.accounts(data_dir())


@st.cache_data(show_spinner=False, max_entries=4)
def table_health(version: str) -> pd.DataFrame:
    return health.table_health(database_at(version), data_dir())


@st.cache_data(show_spinner=False, max_entries=4)
def gaps(version: str):
    db = database_at(version)
    return health.gap_text(health.survey_gaps(db)), health.districts_without_events(db)


def audit(version: str) -> pd.DataFrame:
    return pipeline.audit_log(data_dir())


__all__ = ["MAX_UPLOAD_MB", "ExportError", "accounts", "analyse", "audit", "commit", "forget", "gaps", "table_health"]
