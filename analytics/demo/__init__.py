"""Deterministic builder of the synthetic demo data set (``python -m analytics.demo``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.contract.schema import CONTRACT_VERSION
from analytics.demo import engagement, governance, social, survey
from analytics.demo.spec import DEFAULT_SEED, DEFAULT_SPEC, load_spec
from analytics.plans import demo as demo_plans
from analytics.storage import parquet as store

MARKER = store.DEMO_MARKER


def build_tables(spec: dict, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Every table of the contract, generated from ``spec`` with ``seed``."""
    rng = np.random.default_rng(seed)
    events = engagement.events_frame(spec, rng)
    concerns, events = engagement.concerns_frame(spec, events, rng)
    accounts = social.accounts_frame(spec)
    monthly = social.monthly_frame(spec, accounts, rng)
    meetings, actions = governance.meetings_and_actions(spec, rng)
    # Campaign events come from a generator of their own: every draw here and below is as it was without them.
    events = engagement.with_campaigns(spec, events, seed)
    responses = survey.responses_frame(spec, rng, events)
    tables = {
        "districts": survey.districts_frame(spec),
        "survey_questions": survey.questions_frame(),
        "survey_responses": responses,
        "benchmarks": survey.benchmarks_frame(spec),
        "engagement_events": events,
        "engagement_concerns": concerns,
        "social_accounts": accounts,
        "social_monthly": monthly,
        "social_posts": social.posts_frame(spec, accounts, monthly, rng),
        "map_views": social.map_views_frame(spec, rng),
        "star_chamber_meetings": meetings,
        "star_chamber_actions": actions,
        "annotations": governance.annotations_frame(spec),
    }
    # District Engagement Plans, drawn from what the districts did (on a random stream of their own).
    tables["engagement_plans"] = demo_plans.plans_frame(spec, events, concerns, tables["social_posts"], accounts, seed)
    return tables


def write_demo(out_dir: Path, spec_path: Path = DEFAULT_SPEC, seed: int = DEFAULT_SEED) -> Path:
    """Generate the demo data set into ``out_dir`` (built aside, then moved into place)."""
    out_dir = Path(out_dir)
    spec = load_spec(spec_path)
    with store.built_aside(out_dir, ".demo-") as tmp:
        for name, frame in build_tables(spec, seed).items():
            store.write_table(tmp, name, frame)
        (tmp / MARKER).write_text(
            json.dumps(
                {
                    "synthetic": True,
                    "description": "Synthetic demo data calibrated to published force-level figures. Not real.",
                    "seed": seed,
                    "contract": CONTRACT_VERSION,
                    "as_at": spec["as_at"],
                    "force_name": spec["force_name"],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return out_dir


def is_current(data_dir: Path) -> bool:
    """True when ``data_dir`` holds demo data written for this version of the data contract."""
    return demo_info(data_dir).get("contract") == CONTRACT_VERSION


def demo_info(data_dir: Path) -> dict:
    """The demo marker's contents (empty when the directory is not demo data)."""
    for name in (MARKER, store.SCALE_MARKER):
        p = Path(data_dir) / name
        if p.exists():
            return {
                **json.loads(p.read_text(encoding="utf-8")),
                "kind": "scale" if name == store.SCALE_MARKER else "demo",
            }
    return {}
