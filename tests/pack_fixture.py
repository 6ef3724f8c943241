"""A force with long names and many actions, for the meeting pack's tests: the demo data copied, with

- the presenting district (Harlow) and two others renamed at length, one with a 20-letter word and accents;
- every survey measure renamed with a long, many-word label;
- thirty more open actions for the presenting district (long text, owners and themes, some overdue).

Every figure is still computed by the dashboard from the copied data, so the pack's numbers can be checked
against the scorecard exactly as for the demo force.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from analytics.pack.content import PackContent
from analytics.pack.meeting_pack import pack_content
from analytics.pack.render import build
from analytics.stats import SuppressionRule
from analytics.storage import engine
from analytics.storage import parquet as store
from analytics.storage.db import Database

DISTRICT = "harlow"
ROUND = "2026-09"
NAMES = {
    "harlow": "Harlow, Epping Upland and the Lower Lea Valley Rural Neighbourhoods",
    "epping_forest_brentwood": "Epping Forest, Brentwood and the Ongar Villages Community Policing Area",
    "thurrock": "Llanfairpwllgwyngyll and Ynys Môn Coastal Communities (Thurrock)",
}
MEASURES = {
    "police_job": "Agree the police in this area are doing a good or an excellent job overall",
    "understand_issues": "Agree the police understand the issues that matter to people living in this area",
    "feel_informed": "Feel well informed about what the police have been doing in their local area",
    "have_your_say": "Aware of the opportunities to have a say in local policing priorities and plans",
    "seen_officer": "Have seen a uniformed police officer or PCSO on foot patrol in the last month",
}
EXTRA_ACTIONS = 30


def _actions(existing: pd.DataFrame) -> pd.DataFrame:
    meeting = f"SC-2026-03-{DISTRICT}"
    rows = []
    for i in range(EXTRA_ACTIONS):
        rows.append(
            {
                "action_id": f"{meeting}-L{i + 1:02d}",
                "meeting_id": meeting,
                "district_id": DISTRICT,
                "theme": ["Hard to reach groups", "Diversity and inclusion", "Feedback", "Evaluation"][i % 4],
                "text": (
                    f"Work with the parish councils, the housing association and the youth service to run a "
                    f"programme of drop-in surgeries in each of the rural villages (item {i + 1}), and report "
                    "attendance and the concerns raised back to the next Star Chamber"
                ),
                "owner": [
                    "Chief Inspector, Neighbourhood Policing and Partnerships",
                    "Community Engagement Officer (Independent Advisory Group liaison)",
                    "District Commander",
                ][i % 3],
                "due_date": date.fromordinal(date(2026, 4, 1).toordinal() + 9 * i),
                "status": ["open", "in progress"][i % 2],
                "update_note": "Awaiting the partnership board's decision on funding for the second phase",
                "updated_at": datetime(2026, 8, 1, 10, 0),
                "updated_by": "fixture",
                "version": 1,
            }
        )
    return pd.concat([existing, pd.DataFrame(rows)[existing.columns]], ignore_index=True)


def long_names_force(demo_dir: Path, target: Path) -> Path:
    """The demo data copied to ``target`` with long names and many actions, its engine file built."""
    shutil.copytree(demo_dir, target, ignore=shutil.ignore_patterns(engine.ENGINE_DIR))
    districts = pd.read_parquet(target / "districts.parquet")
    districts["name"] = [NAMES.get(d, n) for d, n in zip(districts["district_id"], districts["name"], strict=True)]
    store.write_table(target, "districts", districts)
    questions = pd.read_parquet(target / "survey_questions.parquet")
    questions["short_label"] = [MEASURES[q] for q in questions["question_id"]]
    store.write_table(target, "survey_questions", questions)
    actions = pd.read_parquet(target / "star_chamber_actions.parquet")
    store.write_table(target, "star_chamber_actions", _actions(actions))
    engine.build(target)
    return target


@dataclass
class BuiltPack:
    """One district's pack as the page builds it, with what the tests check it against."""

    label: str
    db: Database
    district: str
    content: PackContent
    pptx: bytes
    pdf: bytes


# (label, district): two demo districts and the long-names force's presenting district.
PACKS = (("southend", "southend"), ("braintree", "braintree_uttlesford"), ("long names", DISTRICT))


@pytest.fixture(scope="session")
def long_force_db(demo_dir, tmp_path_factory) -> Database:
    return Database(long_names_force(demo_dir, tmp_path_factory.mktemp("long") / "data"))


@pytest.fixture(scope="session")
def packs(db, long_force_db) -> dict[str, BuiltPack]:
    """Each pack built once, charts and all (pack/render.build lays it out once for both formats)."""
    out = {}
    for label, district in PACKS:
        database = long_force_db if label == "long names" else db
        content = pack_content(database, ROUND, district, SuppressionRule(), synthetic=True)
        out[label] = BuiltPack(label, database, district, content, *build(content))
    return out
