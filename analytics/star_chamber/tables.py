"""The Star Chamber's display tables: the survey scorecard and the KPIs with same-shaped frames of verdicts for
colouring their cells, and the actions tracker."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.verdicts import (
    FLAG_MARK,
    FLAGGED,
    HIDDEN,
    HIDDEN_VALUE,
    NOT_COMPARABLE,
    SYMBOLS,
    change_text,
    interval_text,
)


def _vs(diff, verdict: str, words: str = "") -> str:
    """``+3.1 ▲ better`` / ``-0.4 (n.s.)``: the word carries the meaning, the symbol repeats it; a change
    across a survey method change reads ``words`` (``not comparable: the survey method changed in ...``)."""
    if verdict == NOT_COMPARABLE:
        return words or change_text(verdict)
    if verdict in ("not compared", "no benchmark", "not tested") or not np.isfinite(diff):
        if verdict == "not tested" and np.isfinite(diff):
            return f"{diff:+.1f} (not tested)".replace("-", "\u2212")
        return "–"
    # A true minus sign (U+2212): reads better, and a spreadsheet never takes "-4.9 (n.s.)" for a formula.
    signed = f"{diff:+.1f}".replace("-", "\u2212")
    if verdict in ("similar", "no significant change"):
        return f"{signed} (n.s.)"
    return f"{signed} {SYMBOLS.get(verdict, '')} {verdict}"


def scorecard_table(card: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The survey scorecard for display, and a same-shaped frame of verdicts for colouring cells."""
    shown = pd.DataFrame(
        {
            "Measure": card["measure"],
            "Grade": card["grade"],
            "%": [f"{p:.1f}" if np.isfinite(p) else "–" for p in card["pct"]],
            "95% CI": interval_text(card["ci_low"], card["ci_high"], short=True),
            "n": card["base_text"],
            "vs force": [_vs(d, v) for d, v in zip(card["diff_force"], card["vs_force"], strict=True)],
            "vs MSG": [_vs(d, v) for d, v in zip(card["diff_msg"], card["vs_msg"], strict=True)],
            "vs last Star Chamber": [
                _vs(d, v, w)
                for d, v, w in zip(card["diff_previous"], card["vs_previous"], card["words_previous"], strict=True)
            ],
            "vs a year before": [
                _vs(d, v, w) for d, v, w in zip(card["diff_year"], card["vs_year"], card["words_year"], strict=True)
            ],
            "Funnel": card["funnel_position"],
        }
    )
    verdicts = pd.DataFrame(
        {
            "vs force": card["vs_force"],
            "vs MSG": card["vs_msg"],
            "vs last Star Chamber": card["vs_previous"],
            "vs a year before": card["vs_year"],
            "Grade": card["grade"],
        }
    ).reindex(columns=shown.columns)
    return shown, verdicts


def kpi_table(kpi: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Engagement and social KPIs for display, and their verdicts for colouring."""

    def fmt(v, unit):
        return "–" if not np.isfinite(v) else (f"{v:.1f}{unit}" if unit else f"{v:,.1f}")

    shown = pd.DataFrame(
        {
            "KPI": kpi["label"],
            "Value": [fmt(v, u) for v, u in zip(kpi["value"], kpi["unit"], strict=True)],
            "95% CI": interval_text(
                kpi.get("ci_low", pd.Series(np.nan, index=kpi.index)).astype(float),
                kpi.get("ci_high", pd.Series(np.nan, index=kpi.index)).astype(float),
                short=True,
            ),
            "Base": [
                ""
                if not np.isfinite(b)
                else (f"{b:,.0f}" + {FLAGGED: f" {FLAG_MARK}", HIDDEN: f" ({HIDDEN_VALUE})"}.get(st, ""))
                for b, st in zip(
                    kpi["base"], kpi.get("base_status", pd.Series([""] * len(kpi))).fillna(""), strict=True
                )
            ],
            "Force": [fmt(v, u) for v, u in zip(kpi["force_value"], kpi["unit"], strict=True)],
            "vs force": [_vs(d, v) for d, v in zip(kpi["diff_force"], kpi["vs_force"], strict=True)],
            "A year before": [fmt(v, u) for v, u in zip(kpi["year_value"], kpi["unit"], strict=True)],
            "vs a year before": [_vs(d, v) for d, v in zip(kpi["diff_year"], kpi["vs_year"], strict=True)],
        }
    )
    verdicts = pd.DataFrame({"vs force": kpi["vs_force"], "vs a year before": kpi["vs_year"]}).reindex(
        columns=shown.columns
    )
    return shown, verdicts


def open_first(tracker: pd.DataFrame) -> pd.DataFrame:
    """The tracker's actions in the order the page and the pack list them: open ones first, each part by due date."""
    from analytics.star_chamber.actions import OPEN_STATUSES

    still_open = tracker["status"].isin(OPEN_STATUSES)
    due = pd.to_datetime(tracker["due_date"])
    keys = pd.DataFrame({"open": still_open, "due": due, "id": tracker["action_id"]})
    order = keys.sort_values(["open", "due", "id"], ascending=[False, True, True])
    return tracker.loc[order.index].reset_index(drop=True)


def actions_table(tracker: pd.DataFrame) -> pd.DataFrame:
    """The actions tracker for display, open ones first by due date (``open_first``; overdue ones say so in
    words), what an action's state is (status, due, owner) before its long text."""
    tracker = open_first(tracker)
    return pd.DataFrame(
        {
            "Action": tracker["action_id"],
            "Set": [d.strftime("%b %Y") for d in tracker["set_on"]],
            "Status": [
                f"OVERDUE ({s})" if o else s for s, o in zip(tracker["status"], tracker["overdue"], strict=True)
            ],
            "Due": [pd.Timestamp(d).date() for d in tracker["due_date"]],
            "Owner": tracker["owner"],
            "Theme": tracker["theme"],
            "What": tracker["text"],
            "Latest update": tracker["update_note"].fillna(""),
            "Updated by": tracker["updated_by"],
            "Age (days)": tracker["age_days"],
        }
    )
