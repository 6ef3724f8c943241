"""Data: import a file (checked, previewed, confirmed), the data's health, and the import history."""

import pandas as pd
import streamlit as st

from analytics.access import PermissionDenied
from analytics.contract.schema import TABLES
from analytics.ingest.pipeline import SOCIAL
from ui import auth, data, escape, plan_template, table_view
from ui.cache import imports, survey

actor = auth.actor()
auth.require(actor, "import")
st.title("Data")
version = data.data_version()
HEALTH_LABELS = {
    "table": "Table",
    "required": "Required",
    "rows": "Rows",
    "from": "From",
    "to": "To",
    "file_changed": "File changed",
    "last_import": "Last import",
    "last_import_by": "Last import by",
}
tab_import, tab_health, tab_history, tab_plan = st.tabs(
    ["Import a file", "Data health", "Import history", "Plan template"]
)


def _choice_label(t: str) -> str:
    if t == SOCIAL:
        return "Social media: an X or Meta analytics export"
    return f"{t}: {TABLES[t].description}"


def _report(analysis) -> None:
    """What the check found, every problem listed with its row."""
    v = analysis.validation
    st.markdown(
        f"**Rows in the file: {v.rows_in:,}** · valid {len(v.valid):,} · with problems {v.rejected_rows:,} · "
        f"repeated in the file {v.duplicates_in_file:,}"
    )
    for note in v.notes:
        st.caption(escape.md_escape(note))
    if v.problems:
        problems = pd.DataFrame(
            [(p.row or "whole file", p.column, p.value, p.message) for p in v.problems[:5000]],
            columns=["Row", "Column", "Value", "Problem"],
        )
        table_view.show(problems)
        # A long message (every accepted value, the file's columns) is cut short in its cell: each in full once.
        long = dict.fromkeys((p.column, p.message) for p in v.problems if len(p.message) > 90)
        for column, message in list(long)[:5]:
            st.caption(escape.md_escape(f"{column}: {message}"))
        table_view.download_csv(problems, "import_problems.csv", key="dl_problems")
    if v.warnings:
        st.markdown(f"**Rows that will be imported but are worth checking: {len(v.warnings):,}**")
        st.dataframe(
            pd.DataFrame(
                [(w.row, w.column, w.value, w.message) for w in v.warnings[:5000]],
                columns=["Row", "Column", "Value", "Check"],
            ),
            hide_index=True,
            width="stretch",
        )


def _mapping_editor(analysis) -> dict:
    """Contract column -> file column, matched automatically and editable."""
    spec = TABLES[analysis.target]
    frame = pd.DataFrame(
        {
            "Column in the data contract": list(spec.column_names),
            "Needed": ["no" if c.nullable else "yes" for c in spec.columns],
            "From the file's column": [analysis.mapping.get(c) or "" for c in spec.column_names],
            "Meaning": [c.description for c in spec.columns],
        }
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        disabled=["Column in the data contract", "Needed", "Meaning"],
        column_config={
            "From the file's column": st.column_config.SelectboxColumn(options=["", *analysis.columns], required=False)
        },
        key=f"mapping_{analysis.sha256}_{analysis.target}_{analysis.sheet}",
    )
    return {
        c: (f or None)
        for c, f in zip(edited["Column in the data contract"], edited["From the file's column"], strict=True)
    }


def _fixed_values(target: str, mapping: dict) -> dict:
    """Values for needed columns the file lacks (for example the district of a police.uk download)."""
    missing = [c for c in TABLES[target].columns if not c.nullable and not mapping.get(c.name)]
    values = {}
    if missing:
        st.markdown("**Needed columns the file lacks: give one value for every row, or map a column above.**")
    names = dict(zip(survey.districts(version)["district_id"], survey.districts(version)["name"], strict=True))
    for col in missing:
        if col.name == "district_id":
            values[col.name] = st.selectbox(
                "District (for every row)", ["", *names], format_func=lambda d: names.get(d, "—")
            )
        elif col.enum:
            values[col.name] = st.selectbox(f"{col.name} (for every row)", ["", *col.enum])
        else:
            values[col.name] = st.text_input(f"{col.name} (for every row)", max_chars=200)
    return {k: v for k, v in values.items() if v}


def _import_ui() -> None:
    """The import flow: choose, upload, check, preview, confirm. Returns early (never st.stop, which would
    blank the tabs drawn after this one) while there is nothing to import yet."""
    targets = [SOCIAL, *[t for t in TABLES if t != "star_chamber_actions"]]
    target = st.selectbox("What the file holds", targets, format_func=_choice_label, key="import_target")
    st.caption(
        "CSV or other delimited text (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab), Excel (.xlsx), "
        "Parquet, or police.uk neighbourhood events or priorities (API JSON) for engagement_events or "
        f"engagement_concerns. Up to {imports.MAX_UPLOAD_MB} MB. Nothing is written until you confirm."
    )
    account = None
    if target == SOCIAL:
        acc = imports.accounts()
        if acc.empty:
            st.info(
                "There are no social-media accounts yet: add one with `python -m analytics.ingest.social add-account`."
            )
            return
        account = st.selectbox(
            "Account the export belongs to",
            list(acc["account_id"]),
            format_func=lambda a: (
                f"{acc.set_index('account_id').loc[a, 'name']} ({acc.set_index('account_id').loc[a, 'platform']})"
            ),
        )
    upload = st.file_uploader(
        "File", type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet", "json"], key=f"upload_{target}"
    )
    if upload is None:
        return
    raw = upload.getvalue()
    if len(raw) > imports.MAX_UPLOAD_MB * 2**20:
        st.error(f"The file is larger than {imports.MAX_UPLOAD_MB} MB: split it (for example by month).")
        return
    sheet = st.session_state.get("import_sheet")
    mapping = st.session_state.get(f"import_mapping_{target}")
    constants = st.session_state.get(f"import_constants_{target}")
    try:
        analysis = imports.analyse(version, raw, upload.name, target, sheet, mapping, constants)
    except imports.ExportError as exc:
        st.error(f"**{escape.md_escape(upload.name)} cannot be imported.** {escape.md_escape(str(exc))}")
        st.caption("Nothing was written.")
        return
    st.caption(
        f"{escape.md_escape(upload.name)}: {escape.md_escape(analysis.kind)}"
        + (f", {escape.md_escape(analysis.encoding)}" if analysis.encoding else "")
        + f", {analysis.size:,} bytes, SHA-256 {analysis.sha256[:12]}..."
    )
    if len(analysis.sheets) > 1:
        st.selectbox("Sheet", analysis.sheets, index=analysis.sheets.index(analysis.sheet), key="import_sheet")
    st.markdown("**Preview** (first rows, as text)")
    table_view.show(analysis.preview)
    if analysis.social is not None:
        parsed = analysis.social
        st.markdown(
            f"**Rows in the file: {parsed.rows_in:,}** · accepted {parsed.accepted:,} · with problems "
            f"{len({p.row for p in parsed.problems}):,} · repeated {parsed.duplicates:,}"
        )
        for note in parsed.notes:
            st.caption(escape.md_escape(note))
        if parsed.problems:
            table_view.show(
                pd.DataFrame([(p.row, p.column, p.value, p.reason) for p in parsed.problems],
                             columns=["Row", "Column", "Value", "Problem"]),
            )  # fmt: skip
        ready, options = parsed.accepted, {"account_id": account}
    else:
        st.markdown("**Column mapping** (matched by name; change any that are wrong)")
        edited = _mapping_editor(analysis)
        fixed = _fixed_values(target, edited)
        if edited != analysis.mapping or fixed != (constants or {}):
            st.session_state[f"import_mapping_{target}"] = edited
            st.session_state[f"import_constants_{target}"] = fixed
            st.rerun()
        _report(analysis)
        ready, options = len(analysis.validation.valid), {}
    if st.button(
        f"Import {ready:,} row{'' if ready == 1 else 's'}", type="primary", disabled=ready == 0, key="confirm_import"
    ):
        try:
            outcome = imports.commit(analysis, raw, **options)
        except (PermissionDenied, ValueError, OSError) as exc:
            st.error(f"Not imported: {escape.md_escape(str(exc))}")
            return
        imports.forget()
        st.success(
            f"Imported into {escape.md_escape(outcome.table)}: {outcome.new:,} new, {outcome.updated:,} updated, "
            f"{outcome.duplicates:,} already there, {outcome.rejected:,} rejected "
            f"(rows in {outcome.rows_in:,}). The original file is kept as "
            f"{escape.md_escape(outcome.record['kept_as'])}."
        )


with tab_import:
    _import_ui()

# After an import above, the run shows the data as imported (a new version).
version = data.data_version()
with tab_health:
    health = imports.table_health(version)
    # Its columns as words; a table never imported here says so, and a cell with nothing in it shows a dash, not "None".
    shown = health.assign(last_import_by=health["last_import_by"].fillna("never imported"))
    labels = {name: {"label": label} for name, label in HEALTH_LABELS.items()}
    table_view.show(shown, column_config=labels, placeholder="–")
    survey_gaps, quiet = imports.gaps(version)
    st.markdown(f"**Quarters without survey answers** (between the first and the last): {survey_gaps}")
    st.markdown("**Districts with no event held in the last four quarters of event data**")
    table_view.show(quiet) if len(quiet) else st.write("None.")

with tab_history:
    log = imports.audit(version)
    st.caption("Every confirmed import, newest first (append-only; who, when, the file's hash and the counts).")
    if log.empty:
        st.info("No file has been imported into this data yet.", icon=":material/history:")
    else:
        table_view.show(log)

with tab_plan:
    plan_template.show(version)
