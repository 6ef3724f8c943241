"""Same name, same number: a figure shown on two pages has one definition, its period in its label."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analytics.contract.vocabulary import REACH_PER_1K
from analytics.social import figures as social
from analytics.social import tables as social_tables
from analytics.star_chamber import kpis


@pytest.mark.parametrize(("district", "quarter"), [("harlow", date(2026, 4, 1)), ("tendring", date(2019, 1, 1))])
def test_reach_per_resident_is_the_same_on_the_star_chamber_and_the_social_page(db, district, quarter):
    card = kpis.kpi_scorecard(db, district, quarter).set_index("kpi")
    period = social.Period(quarter, quarter, (district,), tuple(social.platforms(db)))
    summary = social.summary(db, period)
    page = summary.districts.set_index("name")
    name = page.index[0]
    assert np.isfinite(card.loc["reach_per_1k", "value"])
    assert card.loc["reach_per_1k", "value"] == pytest.approx(page.loc[name, "reach_per_1k"], rel=1e-9)
    # Both pages call it by the same name, the period in the name.
    assert REACH_PER_1K.lower() in card.loc["reach_per_1k", "label"].lower()
    assert REACH_PER_1K in social_tables.pages_table(summary.districts).columns
