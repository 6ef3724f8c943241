"""Several app replicas serving one data folder, as a national deployment grows (as far as one machine allows).

Two servers read the same folder (its Parquet files and one engine file, attached read-only by both)
and show the same figures; a new import rebuilds the engine file while they serve, and both keep
answering, then show the new data.
"""

from __future__ import annotations

import shutil
import time

from analytics.ingest import pipeline
from analytics.storage import engine
from tests.browser.conftest import start_server, stop_server, wait_for_charts, wait_until_idle
from tests.ingest.test_ingest import check

LINK = "/?district=all&from=2019-20-Q1&to=2020-21-Q1&measure=feel_informed"


FIGURES = 5  # the overview's headline figures for the whole force


def _figures(page, url: str) -> list[str]:
    page.goto(url + LINK)
    wait_for_charts(page, 2)
    wait_until_idle(page)
    # Under load a run can be idle with only its first figures drawn; wait for all of them as a person would.
    page.wait_for_function(
        "n => document.querySelectorAll(\"[data-testid='stMetricValue']\").length >= n", arg=FIGURES, timeout=30_000
    )
    return page.get_by_test_id("stMetricValue").all_inner_texts()


def test_two_replicas_share_one_folder_and_an_import_reaches_both(page, demo_dir, tmp_path):
    shared = tmp_path / "shared"
    shutil.copytree(demo_dir, shared)
    first = engine.current(shared)
    assert first is not None
    a, url_a, log_a = start_server(shared)
    b, url_b, log_b = start_server(shared)
    try:
        figures_a, figures_b = _figures(page, url_a), _figures(page, url_b)
        assert figures_a == figures_b and figures_a[:3] == ["81%", "80%", "53%"]

        # The writer imports new survey answers for a later quarter; the engine is rebuilt beside the readers.
        raw = (
            "response_id,interview_date,district_id,question_id,answer,weight,age_band,sex,ethnic_group\n"
            + "".join(
                f"R-NEW-{i},2026-11-0{1 + i % 5},harlow,feel_informed,Very well informed,1.0,35-44,Female,White\n"
                for i in range(60)
            )
        ).encode()
        analysis = check(shared, raw, "answers.csv", "survey_responses")
        assert not analysis.validation.problems, analysis.validation.problems[:3]
        assert pipeline.commit(shared, analysis, raw, "writer", "admin").written
        deadline = time.monotonic() + 120
        while engine.current(shared) is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert engine.current(shared) not in (None, first)

        # Both replicas answer, from the same new data: Q3 2026/27 now has answers. Sixty are far fewer than a
        # quarter's, so it is offered as incomplete and the link without quarters still ends at Q2 2026/27.
        for url in (url_a, url_b):
            page.goto(url + "/?district=harlow")
            wait_until_idle(page)
            page.get_by_text("Q3 2026/27 is incomplete").first.wait_for(timeout=30_000)
            page.wait_for_function("() => location.search.includes('to=2026-27-Q2')", timeout=30_000)
        assert _figures(page, url_a) == _figures(page, url_b) == figures_a, "the shared link's view did not move"
    finally:
        stop_server(a, log_a)
        stop_server(b, log_b)
