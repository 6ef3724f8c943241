"""Render the data contract as Markdown: ``python -m analytics.contract.schema_doc > docs/data_contract.md``."""

from __future__ import annotations

from analytics.contract.rules import EARLIEST_DATE, MONTHS_AHEAD, PLANNED_MONTHS_AHEAD
from analytics.contract.schema import CONTRACT_VERSION, TABLES, Column
from analytics.contract.vocabulary import STANDARD_QUESTIONS


def _months(n: int) -> str:
    return "a month" if n == 1 else f"{n} months"


def _allowed(c: Column) -> str:
    """The values ``c`` allows, in words."""
    if c.enum:
        return "; ".join(c.enum)
    if c.type in ("DATE", "TIMESTAMP"):
        ahead = _months(PLANNED_MONTHS_AHEAD if c.planned else MONTHS_AHEAD)
        first = f"the first day of a {c.period}, " if c.period else ""
        return f"{first}from {EARLIEST_DATE:%Y-%m-%d} to {ahead} after the import"
    if c.minimum is not None and c.maximum is not None:
        return f"{c.minimum:g} to {c.maximum:g}"
    if c.minimum is not None:
        finite = ", finite" if c.type == "DOUBLE" else ""
        return f"{'above' if c.above_minimum else 'at least'} {c.minimum:g}{finite}"
    return ""


def contract_markdown() -> str:
    """The whole data contract as a Markdown document."""
    lines = [
        f"# Data contract v{CONTRACT_VERSION}",
        "",
        "Generated from `analytics/contract/schema.py` by `python -m analytics.contract.schema_doc`; a test fails when",
        "this file and the schema disagree. Each table is one `<table>.parquet` file in the data folder.",
        "",
    ]
    for t in TABLES.values():
        lines += [f"## `{t.name}`{' (optional)' if t.optional else ''}", "", t.description, ""]
        lines += [
            f"Key: {', '.join(f'`{k}`' for k in t.key)}. Sorted by: {', '.join(f'`{k}`' for k in t.sort_by)}.",
            "",
        ]
        lines += ["| column | type | null | description | allowed values |", "|---|---|---|---|---|"]
        for c in t.columns:
            lines.append(
                f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.description} | {_allowed(c)} |"
            )
        lines.append("")
    lines += [
        "## Standard survey questions",
        "",
        "| `question_id` | wording | answers | positive |",
        "|---|---|---|---|",
    ]
    for q in STANDARD_QUESTIONS:
        answers, positive = "; ".join(q["answers"]), "; ".join(q["positive_answers"])
        lines.append(f"| `{q['question_id']}` | {q['wording']} | {answers} | {positive} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(contract_markdown(), end="")
