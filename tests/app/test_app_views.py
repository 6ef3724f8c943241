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
