"""The contract's rules beyond its tables: which identifiers may reach SQL, how a file written under an earlier
contract gives a newer column, and which dates a file may hold."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from analytics.contract.types import Column
from analytics.contract.vocabulary import SOCIAL_FIGURES


def figure_source(figure: str) -> str:
    """The social_monthly column saying where ``figure`` came from."""
    return f"{figure}_source"


# --- whitelists for identifiers that reach SQL --------------------------------------

# Columns a survey figure may be broken down by. Only these names are ever
# interpolated into SQL; everything else is a bound parameter.
SURVEY_BREAKDOWNS = ("district_id", "lad_code", "age_band", "sex", "ethnic_group")
DEMOGRAPHIC_BREAKDOWNS = ("age_band", "sex", "ethnic_group")


def whitelisted(identifier: str, allowed: tuple[str, ...]) -> str:
    """Return ``identifier`` if it is in ``allowed``; raise ValueError otherwise."""
    if identifier not in allowed:
        raise ValueError(f"{identifier!r} is not one of {', '.join(allowed)}")
    return identifier


# --- files written under an earlier contract -----------------------------------------

# Table -> column -> how a file written under an earlier contract gives it (SQL over that file's columns),
# used when the file lacks the column. Contract 2 kept one source per social_monthly row.
EARLIER_COLUMNS: dict[str, dict[str, str]] = {
    "social_monthly": {figure_source(f): f"CASE WHEN {f} IS NOT NULL THEN source END" for f in SOCIAL_FIGURES},
}

# --- dates a file may hold -------------------------------------------------------------

EARLIEST_DATE = date(2000, 1, 1)
# A record of what happened may be dated at most this many months after the import (a month's figures
# entered on its last day, a clock a few hours out); a planned date (``Column.planned``) up to the longer.
MONTHS_AHEAD = 1
PLANNED_MONTHS_AHEAD = 24


def date_window(column: Column, today: date) -> tuple[date, date]:
    """The first and last dates ``column`` may hold in a file imported on ``today``."""
    ahead = PLANNED_MONTHS_AHEAD if column.planned else MONTHS_AHEAD
    return EARLIEST_DATE, today + relativedelta(months=ahead)
