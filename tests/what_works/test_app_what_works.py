"""The What works page through app.py: what it shows, from a shared link, and when the data is too little."""

from __future__ import annotations

import time

from tests.app_runner import run_app

PAGE = "app_pages/what_works.py"


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_page_answers_the_tendring_question_with_its_uncertainty_caveats_and_check(app_env):
    start = time.perf_counter()
    at = run_app(
        {
            "district": "tendring",
            "from": "2016-17-Q1",
            "to": "2026-27-Q2",
            "type": "Street pop-up",
            "measure": "feel_informed",
        },
        page=PAGE,
    )
    assert not at.exception, at.exception
    print(f"What works page, cold: {time.perf_counter() - start:.1f} s")
    table = at.dataframe[0].value
    rows = table.set_index("Engagement (quarter before)")
    # The planted effect: events the quarter before are followed by feeling better informed.
    events = rows.loc["Events per 10,000 residents"]
    assert events["Reading"].startswith("▲") and "Holm" not in events["Reading"]
    low, high = (float(v) for v in events["95% interval"].split(" to "))
    assert 0 < low < 1.5 < high
    assert events["Check"].startswith("passed")
    assert "Street pop-up events per 10,000 residents" in rows.index
    assert {"Hard-to-reach groups reached", '"You said, we did" loop closure'} <= set(rows.index)
    text = _texts(at)
    assert "association, not proof of cause" in text
    assert "planned roll-out" in text
    assert "could not have been detected" in text  # a "no evidence" row says what it could not have seen
    # The district view follows the sidebar's district, for the engagement the link names.
    assert any("Tendring" in h.value for h in at.header)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3
    # Rerun from the cache: fast.
    start = time.perf_counter()
    at.run()
    assert time.perf_counter() - start < 5
    assert not at.exception


def test_measure_with_no_planted_effect_reads_no_evidence(app_env):
    at = run_app({"measure": "police_job", "from": "2016-17-Q1", "to": "2026-27-Q2"}, page=PAGE)
    assert not at.exception, at.exception
    rows = at.dataframe[0].value.set_index("Engagement (quarter before)")
    assert rows.loc["Events per 10,000 residents", "Reading"] == "no evidence"


def test_a_short_period_says_how_many_district_quarters_it_needs(app_env):
    at = run_app({"from": "2025-26-Q1", "to": "2025-26-Q2"}, page=PAGE)
    assert not at.exception, at.exception
    message = " ".join(i.value for i in at.info)
    assert "needs at least 40 district-quarters" in message
    assert "This period has 20 from 10 districts over 2 quarters" in message
    assert not at.dataframe
