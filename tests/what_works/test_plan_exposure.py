"""The share of the District Engagement Plan delivered, as the What works page reads it, is the share the Star
Chamber shows for every district and quarter (tests/plans/test_delivery.py recomputes delivery with pandas)."""

from datetime import date

import pytest

from analytics.plans import delivery
from analytics.storage.db import Database
from analytics.what_works import exposures


def test_plan_exposure_is_the_star_chambers_share(demo_dir):
    db = Database(demo_dir)
    got = exposures.by_key("plan_delivered").read(db, date(2025, 4, 1), date(2026, 4, 1))
    assert len(got) == 10 * 5, "every district has a plan in each of the five quarters"
    districts = sorted(got["district_id"].unique())
    for quarter, rows in got.groupby("quarter_start"):
        force = delivery.force_delivery(db, quarter, districts).set_index("district_id")["share"]
        for row in rows.itertuples(index=False):
            assert row.value == pytest.approx(100 * force[row.district_id], abs=1e-9)
