"""On the demo data, the What works reading finds the effect the generator planted, and only that.

The demo plants +points on "feel informed" per held event per 10,000 residents in the quarter before
(``planted_effects`` in data/demo_force.json, documented in data/README.md) and nothing on "good job"."""

from __future__ import annotations

import pytest

from analytics.demo.spec import load_spec
from analytics.stats import SuppressionRule
from analytics.survey import measures
from analytics.what_works import exposures, reading, words


@pytest.fixture(scope="module")
def whole_range(db):
    quarters = measures.survey_quarters(db)
    return quarters[0], quarters[-1]


def _events_finding(db, question_id, whole_range):
    r = reading.read(db, question_id, question_id, *whole_range, [exposures.EVENTS], SuppressionRule())
    assert r.shortfall is None
    (finding,) = r.findings
    return finding


def test_planted_effect_is_recovered_and_its_check_shows_nothing(db, whole_range):
    planted = load_spec()["planted_effects"]["feel_informed"]
    assert planted["exposure"] == exposures.EVENTS.key and planted["lag_quarters"] == 1
    f = _events_finding(db, "feel_informed", whole_range)
    assert f.main.ci_low < planted["points"] < f.main.ci_high, "the interval covers the planted effect"
    assert f.main.ci_low > 0, "and excludes zero"
    assert f.verdict == words.HIGHER
    # Falsification: next quarter's engagement, holding the quarter before fixed, shows nothing.
    assert f.check.ci_low < 0 < f.check.ci_high
    assert f.check_verdict == words.CHECK_PASSED
    assert f.main.n_units == 10


def test_measure_with_no_planted_effect_shows_none(db, whole_range):
    assert "police_job" not in load_spec()["planted_effects"]
    f = _events_finding(db, "police_job", whole_range)
    assert f.main.ci_low < 0 < f.main.ci_high
    assert f.verdict == words.NO_EVIDENCE
    assert f.check.ci_low < 0 < f.check.ci_high
