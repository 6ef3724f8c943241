"""Every page through app.py with Streamlit's AppTest: no exceptions, the right figures, URL state."""

from datetime import date

import pytest

from analytics import config
from tests.app_runner import qp, run_app, texts, warnings_text
from tests.conftest import open_data_sections
from ui.navigation import PAGES


def test_synthetic_banner_on_first_load(app_env):
    at = run_app()
    assert "Synthetic demo data" in texts(at)


@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_every_page_opens_without_exception(app_env, page):
    at = run_app(page=page)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    if page != "app_pages/data.py":  # the data page has tables and an uploader, no chart
        assert at.get("vega_lite_chart"), "the page draws at least one chart"


def test_overview_shows_calibrated_figures_for_a_shared_link(app_env):
    at = run_app({"district": ["harlow", "southend"], "from": "2019-20-Q1", "to": "2020-21-Q1"})
    assert not at.exception
    values = [m.value for m in at.metric]
    # Published: good or excellent job 81%, understand issues ~80%, feel informed 53% in Q1 2020/21.
    assert values[:3] == ["81%", "80%", "53%"]
    assert "Q1 2020/21" in texts(at)
    assert at.multiselect(key="w_district").value == ["harlow", "southend"]
    assert [str(q) for q in at.select_slider(key="w_from_to").value] == ["2019-04-01", "2020-04-01"]
    table = at.dataframe[0].value
    assert list(table["District"]) == ["Harlow", "Southend"]


def test_url_is_written_explicitly(app_env):
    at = run_app()
    assert qp(at, "district") == ["all"]
    assert qp(at, "from") == ["2024-25-Q3"]
    assert qp(at, "to") == ["2026-27-Q2"], "quarters are written explicitly, never as 'latest'"
    assert qp(at, "measure") == ["police_job"]
    # The page follows its own widget; the URL's write-back after an interaction is
    # checked in the real browser (AppTest's reruns under st.navigation skip app.py).
    at.selectbox(key="w_measure").set_value("feel_informed").run()
    assert not at.exception
    assert "Feel well informed" in at.get("vega_lite_chart")[0].proto.spec


def test_a_shared_link_reopens_the_same_view(app_env):
    # Sidebar changes are exercised in the real browser: AppTest keeps only the
    # page's elements on reruns under st.navigation, so here each view is a fresh link.
    query = {
        "district": ["colchester", "tendring"],
        "from": "2018-19-Q1",
        "to": "2019-20-Q4",
        "measure": "seen_officer",
    }
    at = run_app(query)
    assert at.multiselect(key="w_district").value == ["colchester", "tendring"]
    assert at.selectbox(key="w_measure").value == "seen_officer"
    assert {k: qp(at, k) for k in query} == {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    assert "Q4 2019/20" in texts(at)


def test_bad_link_values_are_ignored_each_with_its_own_message(app_env):
    at = run_app({"district": ["atlantis"], "from": "2099-00-Q9", "to": "2018Q3", "measure": "<script>"})
    assert not at.exception
    messages = warnings_text(at)
    assert any("districts" in m and "atlantis" in m for m in messages), messages
    assert any("start quarter (from)" in m and "2099-00-Q9" in m for m in messages), messages
    assert any("end quarter (to)" in m and "2018Q3" in m for m in messages), messages
    assert any("measure" in m and "<script>" in m for m in messages), "the page's own warning shows on the first run"
    assert len(at.multiselect(key="w_district").value) == 10, "falls back to all districts"
    assert at.selectbox(key="w_measure").value == "police_job"


def test_unknown_districts_are_dropped_and_known_ones_kept(app_env):
    at = run_app({"district": ["harlow", "atlantis"]})
    assert at.multiselect(key="w_district").value == ["harlow"]
    assert any("left out" in m and "atlantis" in m for m in warnings_text(at))


def test_districts_by_name_any_case_and_lower_case_quarters(app_env):
    at = run_app({"district": ["Harlow", "CASTLE POINT AND ROCHFORD"], "from": "2019-20-q1", "to": "2020-21-q1"})
    assert at.multiselect(key="w_district").value == ["harlow", "castle_point_rochford"]
    assert [str(q) for q in at.select_slider(key="w_from_to").value] == ["2019-04-01", "2020-04-01"]
    assert not warnings_text(at)


def test_a_bad_start_keeps_the_links_end(app_env):
    at = run_app({"from": "2018Q3", "to": "2020-21-Q1"})
    assert [str(q) for q in at.select_slider(key="w_from_to").value] == ["2018-07-01", "2020-04-01"]
    assert any("showing Q2 2018/19 to Q1 2020/21" in m for m in warnings_text(at))


def test_reversed_quarters_are_swapped_with_a_message(app_env):
    at = run_app({"from": "2020-21-Q1", "to": "2019-20-Q1"})
    assert [str(q) for q in at.select_slider(key="w_from_to").value] == ["2019-04-01", "2020-04-01"]
    assert any("reverse order" in m for m in warnings_text(at))


def test_link_text_is_shown_as_code_never_as_markup(app_env):
    at = run_app({"district": ["[click me](http://evil.example)", "![x](http://evil.example/t.png)"]})
    message = next(m for m in warnings_text(at) if "districts" in m)
    # Each value is wrapped in a code span, so Markdown shows it literally: no link, no remote image.
    assert "`[click me](http://evil.example)`" in message
    assert "`![x](http://evil.example/t.png)`" in message
    long = run_app({"measure": "x" * 500})
    assert max(len(m) for m in warnings_text(long)) < 200, "long link values are shortened"


def test_a_line_break_in_a_link_value_cannot_end_its_code_span(app_env):
    # A blank line would end the code span's paragraph and draw what follows as Markdown: a remote image.
    at = run_app({"measure": "a\n\n![x](http://example.invalid/t.png)"})
    message = next(m for m in warnings_text(at) if "measure" in m)
    assert "\n" not in message
    assert "`a ![x](http://example.invalid/t.png)`" in message


def test_no_district_chosen_gives_a_message_not_an_error(app_env):
    at = run_app({"district": "none"})
    assert not at.exception
    assert at.multiselect(key="w_district").value == []
    assert "Choose at least one district" in texts(at)
    assert at.metric, "force tiles still show"
    assert qp(at, "district") == ["none"]


def test_low_suppression_threshold_hides_values_everywhere(app_env, monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_SUPPRESS_BELOW", "5000")
    monkeypatch.setenv("ENGAGEMENT_FLAG_BELOW", "6000")
    at = run_app()
    assert not at.exception
    assert all(m.value == "–" for m in at.metric)
    assert "Base too small to show" in texts(at)
    assert set(at.dataframe[0].value["%"]) == {"–"}


def test_missing_data_folder_gives_a_clear_message(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(tmp_path / "nowhere"))
    at = run_app()
    assert not at.exception
    assert "does not exist" in texts(at)


def test_demo_data_is_generated_on_first_run(monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.delenv("ENGAGEMENT_DATA_DIR", raising=False)
    monkeypatch.setattr(config, "default_demo_dir", lambda: tmp_path / "demo")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_app()
    assert not at.exception
    assert (tmp_path / "demo" / "survey_responses.parquet").exists()
    assert at.metric
    st.cache_data.clear()
    st.cache_resource.clear()


def test_trends_page_follows_its_controls(app_env):
    link = {"district": ["harlow", "southend", "colchester"], "from": "2019-20-Q1", "to": "2020-21-Q2"}
    at = run_app(link, page="app_pages/trends.py")
    assert not at.exception
    # The trend, and the open section only (district by district): the other sections do not run.
    assert [h.value for h in at.header][:2] == ["Trend", "District by district"]
    assert len(at.get("vega_lite_chart")) == 2
    assert qp(at, "section") == ["districts"]
    # Each chart has its data section, closed: its table is drawn only once it is opened.
    assert [e.label for e in at.expander].count("Data behind this chart, and about these numbers") == 2
    assert not at.dataframe
    assert not [b for b in at.get("download_button") if b.proto.label == "Download CSV"]
    assert sorted(open_data_sections(at)) == ["dl_multiples_open", "dl_trend_open"]
    assert not at.exception
    # Open, each chart has its data table; the trend table holds the suppression-aware figures.
    assert len(at.dataframe) == 2
    assert [b.proto.label for b in at.get("download_button")].count("Download CSV") == 2
    trend = at.dataframe[0].value
    assert {"Series", "Period", "%", "Base (n)", "Against a year before"} <= set(trend.columns)
    # An open section stays open and follows a filter change.
    at.selectbox(key="w_mode").set_value("rolling").run()
    assert not at.exception and len(at.dataframe) == 2
    assert at.dataframe[0].value["Period"].str.startswith("Year to").all()

    at = run_app(link | {"section": "funnel"}, page="app_pages/trends.py")
    assert "Districts in Q2 2020/21: funnel and ranking" in [s.value for s in at.header]
    assert len(at.get("vega_lite_chart")) == 3, "trend, funnel and ranking"
    at.selectbox(key="w_mode").set_value("rolling").run()
    assert not at.exception
    assert "Districts in Year to Q2 2020/21: funnel and ranking" in [s.value for s in at.header]

    at = run_app(link | {"section": "answers", "focus": "southend"}, page="app_pages/trends.py")
    assert "Every answer: Southend" in [s.value for s in at.header]
    at = run_app(link | {"section": "groups", "focus": "southend"}, page="app_pages/trends.py")
    at.selectbox(key="w_breakdown").set_value("sex").run()
    assert not at.exception
    assert any("by sex: Southend" in c.proto.spec for c in at.get("vega_lite_chart"))
    assert qp(at, "breakdown") == ["sex"] and qp(at, "section") == ["groups"]


def test_closed_data_sections_do_not_build_their_tables(app_env, monkeypatch):
    from analytics.survey import tables

    built = []
    original = tables.trend_table
    monkeypatch.setattr(tables, "trend_table", lambda *a, **k: built.append(1) or original(*a, **k))
    at = run_app({"district": ["harlow", "southend"]}, page="app_pages/trends.py")
    assert not at.exception and built == [], "closed: the trend and district tables are not made"
    open_data_sections(at)
    assert not at.exception and len(built) == 2 and len(at.dataframe) == 2


def test_trends_sections_keep_a_closed_sections_link_value(app_env):
    link = {"district": "harlow", "breakdown": "sex", "section": "answers"}
    at = run_app(link, page="app_pages/trends.py")
    assert not at.exception
    assert qp(at, "breakdown") == ["sex"], "the groups section is closed; its value stays in the link"
    at = run_app({"district": "harlow", "section": "nowhere", "breakdown": "shoe_size"}, page="app_pages/trends.py")
    assert not at.exception
    assert qp(at, "section") == ["districts"] and qp(at, "breakdown") == ["age_band"]
    shown = texts(at)
    assert "The link's value for section was not used: `nowhere`" in shown
    assert "`shoe_size` is not one of the choices" in shown


def test_trends_page_with_no_district_shows_the_force(app_env):
    at = run_app({"district": "none"}, page="app_pages/trends.py")
    assert not at.exception
    assert "showing the force only" in texts(at)


def test_activity_map_follows_its_link(app_env, monkeypatch):
    from tests.conftest import BOUNDARIES

    monkeypatch.setenv("ENGAGEMENT_BOUNDARIES", str(BOUNDARIES))
    at = run_app(
        {
            "from": "2025-26-Q1",
            "to": "2025-26-Q4",
            "type": ["School visit"],
            "status": ["held"],
            "district": ["harlow", "thurrock"],
        },
        page="app_pages/activity_map.py",
    )
    assert not at.exception
    assert at.multiselect(key="w_type").value == ["School visit"]
    table = at.dataframe[0].value
    assert list(table["District"]) == ["Harlow", "Thurrock"]
    assert "events with a place" in at.caption[0].value
    assert [s.value for s in at.header][:2] == ["Districts in the chosen quarters", "Mix of activity"]


def test_activity_map_with_an_empty_filter_says_so(app_env):
    at = run_app({"status": "none"}, page="app_pages/activity_map.py")
    assert not at.exception
    assert "Each filter needs at least one value" in texts(at)


def test_activity_table_lists_groups_reached_and_missed(app_env):
    at = run_app({"from": "2025-26-Q1", "to": "2025-26-Q1", "district": ["harlow"]}, page="app_pages/activity_map.py")
    table = at.dataframe[0].value
    reached = set(table["Audience groups reached"].iloc[0].split(", "))
    missed = set(filter(None, table["Hard-to-reach groups not reached"].iloc[0].split(", ")))
    assert reached and not (reached & missed)


def test_back_in_the_browser_brings_back_the_choices_its_link_holds(app_env):
    # The browser's Back gives the run the link before the change; the page follows it rather than writing the
    # session's choices over it. (AppTest carries the link a run wrote into the next run, as the browser does.)
    at = run_app(
        {"district": ["harlow", "colchester"], "from": "2019-20-Q1", "to": "2020-21-Q1"}, page="app_pages/trends.py"
    )
    before = dict(at.query_params)
    at.multiselect(key="w_district").set_value(["colchester"]).run()
    at.select_slider(key="w_from_to").set_value((date(2018, 4, 1), date(2020, 4, 1))).run()
    assert qp(at, "district") == ["colchester"] and qp(at, "from") == ["2018-19-Q1"]
    at.query_params.clear()
    at.query_params.update(before)  # Back, twice
    at.run()
    assert not at.exception, at.exception
    assert [m.value for m in at.multiselect if m.label == "Districts"] == [["harlow", "colchester"]]
    assert [str(q) for q in next(s for s in at.select_slider if s.label.startswith("Quarters")).value] == [
        "2019-04-01",
        "2020-04-01",
    ]
    assert qp(at, "district") == ["harlow", "colchester"] and qp(at, "from") == ["2019-20-Q1"]
    # And on from there: a change after Back is the person's again, and the link follows it.
    next(m for m in at.multiselect if m.label == "Districts").set_value(["harlow"]).run()
    assert qp(at, "district") == ["harlow"] and qp(at, "from") == ["2019-20-Q1"]
