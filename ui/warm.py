"""Warming a new server process before its first visitor: the imports, the database, the first run's caches.

A fresh process's first page run paid for importing the chart and analysis libraries and opening the data
(about 1.8 s at scale, docs/scaling.md); ``serve.py`` runs this once in the background as the server starts,
so the first person to open a page waits about as long as the next one.
"""

from __future__ import annotations

import importlib
import logging
import time

# What every page run imports or reads first: the pages' own modules are run from their files, not imported.
_MODULES = (
    "altair",
    "vl_convert",
    "analytics.charts.images",
    "analytics.survey.trend_charts",
    "analytics.survey.section_charts",
    "analytics.survey.tile_map",
    "analytics.survey.reading",
    "analytics.engagement.maps",
    "analytics.social.charts",
    "analytics.export",
    "ui.chart_block",
    "ui.filters",
    "ui.table_view",
    "ui.cache.survey",
    "ui.cache.engagement",
    "ui.cache.social",
    "ui.cache.star_chamber",
)


def _streamlit_first_element_check() -> None:
    """Streamlit checks once per process, at the first element any page draws, whether it runs in a Python
    prompt (``inspect.stack()`` over the page's deep stack: about 0.3 s of the first opening after a start, in a
    py-spy profile). Checked here, from a shallow stack, it is done before the first visitor."""
    from streamlit import delta_generator

    check = getattr(delta_generator, "_maybe_print_use_warning", None)  # private: skipped if it goes
    if check is not None:
        check()


def _warm_charts(log: logging.Logger) -> None:
    """The chart templates and Streamlit's first-element check; a failure here does not stop the data warm-up."""
    try:
        from analytics.survey import trend_charts

        trend_charts.build_templates()
        _streamlit_first_element_check()
    except Exception as exc:  # the page builds what it needs when it runs
        log.warning("chart warm-up stopped early: %s", exc)


def warm() -> float:
    """Import what the pages need, open the data and fill the caches every run reads first; seconds taken.

    Never raises: a problem here (no data yet, bad settings) is the first run's to report in the page."""
    start = time.perf_counter()
    log = logging.getLogger("dashboard")
    try:
        for name in _MODULES:
            importlib.import_module(name)
        _warm_charts(log)
        from ui import data
        from ui.cache import survey

        data.check_settings()
        data.ensure_demo_data()
        data.begin_run()
        try:
            version = data.data_version()
            survey.districts(version)
            survey.questions(version)
            survey.survey_quarters(version)
            survey.incomplete_quarters(version)
        finally:
            data.end_run()
    except Exception as exc:  # the first run reports it properly, in the page
        log.warning("warm-up stopped early: %s", exc)
    seconds = time.perf_counter() - start
    log.info("warm-up took %.2f s", seconds)
    return seconds
