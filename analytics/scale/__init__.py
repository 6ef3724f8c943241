"""Deterministic SCALE data set: every contract table for all 43 forces, at millions of rows.

``python -m analytics.scale --out DIR [--events N] [--survey-rows N] [--seed S]``.
For load and speed testing; the data are synthetic (marked so in ``SCALE_DATA_SYNTHETIC.json``).
The big tables are generated month by month (quarter by quarter for the survey)
in date order and streamed to Parquet, so memory stays bounded and each file
comes out sorted by its table's ``sort_by`` without a global sort.
"""

from __future__ import annotations

import json
from pathlib import Path

from analytics.contract.schema import CONTRACT_VERSION, TABLES
from analytics.demo import survey as demo_survey
from analytics.plans import demo as plans_demo
from analytics.scale import engagement, other, survey
from analytics.scale.world import load_world
from analytics.storage import parquet as store

MARKER = store.SCALE_MARKER
DEFAULT_EVENTS = 10_000_000
DEFAULT_SURVEY_ROWS = 5_000_000  # one million interviews of five questions
DEFAULT_SEED = 20260930


def write_scale(
    out_dir: Path,
    events: int = DEFAULT_EVENTS,
    survey_rows: int = DEFAULT_SURVEY_ROWS,
    seed: int = DEFAULT_SEED,
) -> dict[str, int]:
    """Generate the scale data set into ``out_dir`` (built in a sibling folder, then moved); rows per table."""
    if events < 1 or survey_rows < 1:
        raise ValueError("events and survey rows must be positive")
    if survey_rows % len(survey.QUESTIONS):
        raise ValueError(f"survey rows must be a multiple of {len(survey.QUESTIONS)}: one row per question")
    with store.built_aside(Path(out_dir), ".scale-") as tmp:
        rows = _write_tables(tmp, events, survey_rows, seed)
        (tmp / MARKER).write_text(
            json.dumps(
                {
                    "synthetic": True,
                    "description": "Synthetic SCALE data for load testing: 43 real force names, invented "
                    "districts and figures. Not real.",
                    "seed": seed,
                    "requested": {"engagement_events": events, "survey_responses": survey_rows},
                    "rows": rows,
                    "contract": CONTRACT_VERSION,
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return rows


def _write_tables(out: Path, events: int, survey_rows: int, seed: int) -> dict[str, int]:
    world = load_world(seed)
    accounts = other.accounts_frame(world)
    monthly = other.monthly_frame(world, accounts, seed)
    meetings, actions = other.star_chamber_frames(world, seed)
    # Posts kept per account and month follow the requested size: 8 at the default size.
    posts_per_month = max(1, round(8 * events / DEFAULT_EVENTS))
    small = {
        "districts": world.districts,
        "survey_questions": demo_survey.questions_frame(),
        "benchmarks": survey.benchmarks_frame(world, seed),
        "social_accounts": accounts,
        "social_monthly": monthly,
        "social_posts": other.posts_frame(world, accounts, monthly, seed, posts_per_month),
        "map_views": other.map_views_frame(world, seed),
        "star_chamber_meetings": meetings,
        "star_chamber_actions": actions,
        "annotations": other.annotations_frame(world, seed),
        "engagement_plans": plans_demo.standard_plans(
            list(world.districts["district_id"]),
            max(world.first_month, plans_demo.FIRST_QUARTER),
            world.last_month,
            seed,
        ),
    }
    rows = {}
    for name, frame in small.items():
        store.write_table(out, name, frame)
        rows[name] = len(frame)
    rows |= engagement.write_events_and_concerns(out, world, events, seed)
    rows["survey_responses"] = survey.write_responses(out, world, survey_rows, seed)
    return {name: rows[name] for name in TABLES}


def is_scale(data_dir: Path) -> bool:
    """True when ``data_dir`` holds the generated synthetic scale data."""
    return (Path(data_dir) / MARKER).exists()
