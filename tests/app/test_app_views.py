"""Views through app.py: presenter mode on every page, and every chart a valid Vega-Lite spec."""

import json

import jsonschema
import pytest
from altair.vegalite.v6.schema import core

from analytics.charts import images as chart_export
from tests.app_runner import run_app
from ui import chart_block
from ui.navigation import PAGES


@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_every_page_opens_in_presenter_mode(app_env, page):
    at = run_app({"present": "1", "district": "harlow"}, page=page)
    assert not at.exception, at.exception
    assert {"◀ Previous district", "Next district ▶", "Exit"} <= {b.label for b in at.button}
    # The projector's charts are drawn as SVG (their geometry is what the presenter browser test measures).
    renderers = [_renderer(c) for c in at.get("vega_lite_chart")]
    assert set(renderers) == ({"svg"} if page != "app_pages/data.py" else set()), renderers


def _renderer(chart) -> str | None:
    """How the page asks the browser to draw ``chart`` (vega-embed's option in the spec's usermeta)."""
    return json.loads(chart.proto.spec).get("usermeta", {}).get("embedOptions", {}).get("renderer")


VIEWS = [(p.path, {}) for p in PAGES if p.path not in ("app_pages/data.py", "app_pages/trends.py")]
VIEWS += [("app_pages/trends.py", {"section": s}) for s in ("districts", "answers", "funnel", "groups")]


@pytest.mark.parametrize(("page", "extra"), VIEWS)
def test_every_chart_a_page_draws_is_valid_vega_lite_with_its_renderer_said(app_env, page, extra):
    # The pages skip schema validation when drawing (it costs a fifth of a run); it is checked here.
    validator = jsonschema.Draft7Validator(core.load_schema())
    at = run_app({"district": ["harlow", "southend", "tendring"]} | extra, page=page)
    charts = at.get("vega_lite_chart")
    assert charts
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        errors = sorted(validator.iter_errors(spec), key=str)
        assert not errors, f"{page}: {errors[0].message[:300]}"
        # Always said, so Streamlit's own switch (to a canvas past 2,000 marks) never decides how a chart reads.
        assert _renderer(chart) in ("canvas", "svg")
        if _renderer(chart) == "canvas":
            # Only a chart whose values are all in a table on the page: a canvas hides its axes and legend from
            # screen readers, which SVG exposes.
            assert chart.proto.alt.endswith(chart_block.TABLED_WORDS), chart.proto.alt


def test_only_a_chart_of_many_marks_with_its_values_in_a_table_is_drawn_on_a_canvas(app_env):
    overview = run_app({"district": ["harlow", "southend", "tendring"]}, page="app_pages/overview.py")
    tile_map, force_trend = overview.get("vega_lite_chart")
    assert (_renderer(tile_map), _renderer(force_trend)) == ("canvas", "svg")
    # The canvas hides the tile map's title from screen readers: its sentence opens with it.
    assert tile_map.proto.alt.startswith(chart_export.title_of(json.loads(tile_map.proto.spec)) + ". ")
    assert tile_map.proto.alt.endswith(chart_block.TABLED_WORDS)
    assert not force_trend.proto.alt.endswith(chart_block.TABLED_WORDS)
    trends = run_app({"district": ["harlow", "southend", "tendring"]}, page="app_pages/trends.py")
    assert [_renderer(c) for c in trends.get("vega_lite_chart")] == ["svg", "svg"], "small charts: axes read out"
    star = run_app({"district": ["harlow"]}, page="app_pages/star_chamber.py")
    assert [_renderer(c) for c in star.get("vega_lite_chart")] == ["svg"], "side by side: no table of its own"


def _in_order(block) -> list[str]:
    """The types of the elements in ``block``, in the order drawn, those in nested blocks (a fragment's) included."""
    types = []
    for child in block.children.values():
        nested = getattr(child, "children", None)
        types += _in_order(child) if nested else [child.type]
    return types


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.title)
def test_a_page_that_ignores_the_sidebar_filters_says_so_under_them(app_env, spec):
    at = run_app({"district": ["harlow", "southend"]}, page=spec.path)
    assert not at.exception, at.exception
    notes = [i.value for i in at.sidebar.info]
    if spec.filters_unused:
        assert notes == [spec.filters_unused]
        order = _in_order(at.sidebar)
        assert order.index("select_slider") < order.index("info") < order.index("toggle"), "under the filters"
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


def test_a_chart_without_its_values_in_a_table_is_never_drawn_on_a_canvas():
    with pytest.raises(ValueError, match="in a table"):
        chart_block.chart({"mark": "bar"}, "k", canvas=True)


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.title)
def test_an_import_landing_while_the_filters_read_the_data_starts_the_page_again(app_env, monkeypatch, spec):
    """The data changes under the filters (``DataChanged``): the run starts again and the page shows, on every page,
    those whose filters are a fragment included (Streamlit shows an exception raised in a fragment as an error),
    and the run's pin on the data is let go."""
    from ui import data
    from ui.cache import survey

    at = run_app({"district": ["harlow"]}, page=spec.path)
    assert not at.exception
    shown = _main_text(at)
    real, calls = survey.districts, []

    def changed_once(version):
        calls.append(version)
        if len(calls) == 1:
            raise data.DataChanged("an import landed")
        return real(version)

    monkeypatch.setattr(survey, "districts", changed_once)
    # The pin is per thread and AppTest runs the script on its own: count the pins taken and let go instead.
    pins = {"taken": 0, "let go": 0}
    begin, end = data.begin_run, data.end_run

    def taken():
        pins["taken"] += 1
        return begin()

    def let_go():
        pins["let go"] += 1
        end()

    monkeypatch.setattr(data, "begin_run", taken)
    monkeypatch.setattr(data, "end_run", let_go)
    at.run()
    assert len(calls) >= 2, "the filters were drawn again after the data changed"
    assert not at.exception, at.exception
    assert _main_text(at) == shown
    assert pins["taken"] >= 1 and pins["let go"] == pins["taken"], pins
