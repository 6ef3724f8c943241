"""Render the data contract as Markdown: ``python -m analytics.schema_doc > docs/data_contract.md``."""

from __future__ import annotations

from analytics.schema import CONTRACT_VERSION, TABLES
from analytics.vocabulary import STANDARD_QUESTIONS


def contract_markdown() -> str:
    """The whole data contract as a Markdown document."""
    lines = [
        f"# Data contract v{CONTRACT_VERSION}",
        "",
        "Generated from `analytics/schema.py` by `python -m analytics.schema_doc`; a test fails when this file",
        "and the schema disagree. Each table is one `<table>.parquet` file in the data folder.",
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
            allowed = "; ".join(c.enum) if c.enum else ""
            if c.minimum is not None and c.maximum is not None:
                allowed = f"{c.minimum:g} to {c.maximum:g}"
            elif c.minimum is not None:
                allowed = f"at least {c.minimum:g}"
            lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.description} | {allowed} |")
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
