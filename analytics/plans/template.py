"""The plan template: next quarter's District Engagement Plan for a district as an Excel workbook, its lines
pre-filled from the district's last plan and the allowed values as drop-down lists. The filled workbook comes back
through the Data page's usual checked import (table ``engagement_plans``).

Text from the stored data is escaped as every Excel export is (``analytics.export``) and stored as text.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analytics.contract.schema import TABLES
from analytics.export import escape_formula
from analytics.periods import add_quarters, quarter_label, quarter_start
from analytics.storage.db import Database

PLAN = TABLES["engagement_plans"]
SHEET, HELP, LISTS = "Plan", "How to fill", "Lists"
SPARE_ROWS = 40  # empty rows below the pre-filled lines that carry the drop-downs too
_WIDTHS = {"district_id": 24, "quarter_start": 14, "line": 6, "strand": 9, "what": 28, "how_many": 10}
_WIDTHS |= {"audience_group": 26, "owner": 30, "note": 60}


def last_plan(db: Database, district_id: str, quarter: date) -> tuple[date | None, pd.DataFrame]:
    """The district's latest plan before ``quarter`` (its quarter and lines), or (None, empty)."""
    found = db.query(
        "SELECT max(quarter_start) AS q FROM engagement_plans WHERE district_id = ? AND quarter_start < ?",
        [district_id, quarter],
    )["q"].iloc[0]
    if pd.isna(found):
        return None, pd.DataFrame(columns=list(PLAN.column_names))
    q = pd.Timestamp(found).date()
    lines = db.query(
        "SELECT * FROM engagement_plans WHERE district_id = ? AND quarter_start = ? ORDER BY line", [district_id, q]
    )
    return q, lines


def next_plan_quarter(db: Database, district_id: str, today: date) -> date:
    """The quarter a new plan is for: the one after the district's latest plan, or after ``today``'s quarter when
    it has none."""
    latest = db.query("SELECT max(quarter_start) AS q FROM engagement_plans WHERE district_id = ?", [district_id])
    q = latest["q"].iloc[0]
    return add_quarters(quarter_start(today), 1) if pd.isna(q) else add_quarters(pd.Timestamp(q).date(), 1)


def quarter_choices(first: date, today: date, n: int = 4) -> list[date]:
    """Quarters a template may be asked for: ``first`` and the ``n - 1`` after it, and the quarter after
    ``today``'s (a district whose plans stopped long ago starts again from now)."""
    return sorted({*(add_quarters(first, k) for k in range(n)), add_quarters(quarter_start(today), 1)})


def plan_workbook(db: Database, district_id: str, quarter: date) -> bytes:
    """The template for ``district_id``'s plan for ``quarter`` (an .xlsx file's bytes)."""
    districts = db.query("SELECT district_id, name FROM districts ORDER BY name")
    names = dict(zip(districts["district_id"], districts["name"], strict=True))
    source, lines = last_plan(db, district_id, quarter)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(PLAN.column_names))
    for cell, col in zip(ws[1], PLAN.columns, strict=True):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.comment = Comment(col.description + ("" if col.nullable else " Needed."), "engagement dashboard")
        ws.column_dimensions[cell.column_letter].width = _WIDTHS.get(col.name, 14)
    for n, r in enumerate(lines.itertuples(index=False), start=1):
        ws.append(
            [
                escape_formula(names.get(district_id, district_id)),
                quarter,
                n,
                r.strand,
                r.what,
                int(r.how_many),
                r.audience_group if isinstance(r.audience_group, str) else None,
                escape_formula(r.owner),
                escape_formula(r.note) if isinstance(r.note, str) else None,
            ]
        )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
        row[1].number_format = "dd/mm/yyyy"
    last_row = 1 + len(lines) + SPARE_ROWS
    _lists(wb, ws, list(names.values()), last_row)
    _help(wb, names.get(district_id, district_id), quarter, source)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _lists(wb: Workbook, ws, district_names: list[str], last_row: int) -> None:
    """The allowed values on a hidden sheet, and a drop-down on each column that has them."""
    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    columns = {"district_id": district_names} | {c.name: list(c.enum) for c in PLAN.columns if c.enum}
    for i, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(i)
        lists.cell(1, i, name)
        for j, value in enumerate(values, start=2):
            lists.cell(j, i, escape_formula(value)).data_type = "s"
        target = get_column_letter(PLAN.column_names.index(name) + 1)
        dv = DataValidation(
            type="list",
            formula1=f"={LISTS}!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=PLAN.column(name).nullable,
            showErrorMessage=True,
            errorTitle="Not an allowed value",
            error=f"Choose a {name} from the list.",
        )
        dv.add(f"{target}2:{target}{last_row}")
        ws.add_data_validation(dv)
    for name, kind in (("how_many", "whole"), ("line", "whole")):
        target = get_column_letter(PLAN.column_names.index(name) + 1)
        dv = DataValidation(
            type=kind,
            operator="greaterThanOrEqual",
            formula1="1",
            showErrorMessage=True,
            error="A whole number, 1 or more.",
        )
        dv.add(f"{target}2:{target}{last_row}")
        ws.add_data_validation(dv)


def _help(wb: Workbook, name: str, quarter: date, source: date | None) -> None:
    """A sheet saying how to fill the plan and bring it back."""
    sheet = wb.create_sheet(HELP)
    sheet.column_dimensions["A"].width = 110
    lines = [
        f"District Engagement Plan for {name}, {quarter_label(quarter)}",
        (
            f"The lines are copied from the plan for {quarter_label(source)}: change, add or remove lines."
            if source
            else "There was no earlier plan to copy: add a line per commitment."
        ),
        "One row per commitment. strand: Listen, Act or Tell. what: an activity type (events of that type held) or "
        "a Tell channel (concerns told back that way; Social post counts posts tagged 'You said, we did').",
        "how_many: how many in the quarter. audience_group: only where the audience matters (blank: any).",
        "owner: the role responsible. note: where, with whom, why.",
        "Number the lines 1, 2, 3...; importing a line number again replaces that line of the plan.",
        "Bring it back on the Data page: Import a file, 'engagement_plans', this workbook (sheet 'Plan'). Every "
        "problem is listed with its row before anything is written.",
    ]
    for i, text in enumerate(lines, start=1):
        cell = sheet.cell(i, 1, text)
        cell.data_type = "s"
        if i == 1:
            cell.font = Font(bold=True, size=13)
