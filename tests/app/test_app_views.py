"""Views through app.py: presenter mode on every page, and every chart a valid Vega-Lite spec."""

import json

import jsonschema
import pytest
from altair.vegalite.v6.schema import core

from tests.app_runner import run_app
from ui.navigation import PAGES


@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_every_page_opens_in_presenter_mode(app_env, page):
    at = run_app({"present": "1", "district": "harlow"}, page=page)
    assert not at.exception, at.exception
    assert {"◀ Previous district", "Next district ▶", "Exit"} <= {b.label for b in at.button}
    # The projector's charts are drawn as SVG (their geometry is what the presenter browser test measures).
    assert {_renderer(c) for c in at.get("vega_lite_chart")} <= {"svg"}


def _renderer(chart) -> str | None:
    """How the page asks the browser to draw ``chart`` (vega-embed's option in the spec's usermeta)."""
    return json.loads(chart.proto.spec).get("usermeta", {}).get("embedOptions", {}).get("renderer")


VIEWS = [(p.path, {}) for p in PAGES if p.path not in ("app_pages/data.py", "app_pages/trends.py")]
VIEWS += [("app_pages/trends.py", {"section": s}) for s in ("districts", "answers", "funnel", "groups")]


@pytest.mark.parametrize(("page", "extra"), VIEWS)
def test_every_chart_a_page_draws_is_valid_vega_lite_on_a_canvas(app_env, page, extra):
    # The pages skip schema validation when drawing (it costs a fifth of a run); it is checked here.
    validator = jsonschema.Draft7Validator(core.load_schema())
    at = run_app({"district": ["harlow", "southend", "tendring"]} | extra, page=page)
    charts = at.get("vega_lite_chart")
    assert charts
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        errors = sorted(validator.iter_errors(spec), key=str)
        assert not errors, f"{page}: {errors[0].message[:300]}"
        assert _renderer(chart) == "canvas", "one canvas element, not an SVG node per mark, for the browser to redraw"


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.title)
def test_a_page_that_ignores_the_sidebar_filters_says_so_under_them(app_env, spec):
    at = run_app({"district": ["harlow", "southend"]}, page=spec.path)
    assert not at.exception, at.exception
    notes = [i.value for i in at.sidebar.info]
    if spec.filters_unused:
        assert notes == [spec.filters_unused]
        assert "these districts and quarters apply to the other pages" in spec.filters_unused
    else:
        assert notes == [], "a page that uses the filters has no note under them"
    # The filters stay, so the link keeps its districts for the other pages.
    assert at.sidebar.multiselect(key="w_district").value == ["harlow", "southend"]


def _main_text(at) -> list:
    """What the page itself shows: its text, and each table's and chart's contents."""
    main = at.main
    shown = [m.value for m in main.markdown] + [c.value for c in main.caption] + [i.value for i in main.info]
    shown += [d.value.to_csv() for d in main.dataframe]
    return shown + [c.proto.spec for c in main.get("vega_lite_chart")]


@pytest.mark.parametrize("spec", [p for p in PAGES if p.filters_unused], ids=lambda p: p.title)
def test_a_page_said_to_ignore_the_filters_shows_the_same_under_any(app_env, spec):
    few = run_app({"district": ["harlow"], "from": "2019-20-Q1", "to": "2020-21-Q1"}, page=spec.path)
    every = run_app({"district": "all"}, page=spec.path)
    assert not few.exception and not every.exception
    assert _main_text(few) == _main_text(every)
    assert len(_main_text(few)) > 3
