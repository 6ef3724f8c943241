"""The Star Chamber page through app.py with AppTest: a meeting's link, side by side, meeting pack, reviews ahead."""

import logging

from tests.app_runner import chart_values, qp, run_app, top_level


def test_star_chamber_page_for_a_shared_meeting_link(app_env):
    at = run_app(
        {"round": "2026-09", "presenting": "southend", "compare": ["southend", "harlow", "thurrock"]},
        page="app_pages/star_chamber.py",
    )
    assert not at.exception
    assert at.selectbox(key="w_presenting").value == "southend"
    assert "Southend at the September 2026 Star Chamber" in at.caption[0].value
    assert [s.value for s in at.main.header] == [
        "Questions for the panel",
        "Scorecard",
        "District Engagement Plan",
        "Side by side",
        "Actions",
    ]
    scorecard = at.dataframe[0].value
    assert list(scorecard["Measure"])[:1] == ["Police doing a good or excellent job"]
    assert set(scorecard["Grade"]) <= {"exceeds expectations", "meets expectations", "below expectations", "not graded"}
    assert at.get("vega_lite_chart"), "the side-by-side chart is drawn"
    actions = at.dataframe[-1].value
    assert actions["Status"].str.startswith("OVERDUE").any()


def _present(at, district: str):
    at.selectbox(key="w_presenting").set_value(district).run()
    assert not at.exception, at.exception
    return at


def _compared(at) -> list[str]:
    """The side by side's districts as its control shows them, checked against the link."""
    shown = [m for m in at.multiselect if m.label == "Districts (two to four)"]
    assert len(shown) == 1
    assert sorted(shown[0].value) == sorted(qp(at, "compare")), "the control and the link agree"
    return sorted(shown[0].value)


def test_the_side_by_side_follows_the_presenting_district(app_env):
    at = run_app({"round": "2026-09", "presenting": "southend"}, page="app_pages/star_chamber.py")
    assert _compared(at) == ["basildon", "southend"]
    # Harlow takes the place of the district presenting before; the other choice stays.
    assert _compared(_present(at, "harlow")) == ["basildon", "harlow"]
    drawn = chart_values(at.get("vega_lite_chart")[0])
    assert {"Basildon", "Harlow"} <= drawn and "Southend" not in drawn, "the chart shows the new pair"
    assert _compared(_present(at, "thurrock")) == ["basildon", "thurrock"]


def test_the_side_by_side_keeps_a_panel_members_own_choice(app_env):
    link = {"round": "2026-09", "presenting": "southend", "compare": ["harlow", "thurrock"]}
    at = run_app(link, page="app_pages/star_chamber.py")
    assert _compared(_present(at, "tendring")) == ["harlow", "thurrock"], "the presenting district was not compared"
    link = {"round": "2026-09", "presenting": "southend", "compare": ["southend", "harlow"]}
    at = run_app(link, page="app_pages/star_chamber.py")
    assert _compared(_present(at, "harlow")) == ["harlow", "southend"], "already compared: nothing to swap"


def test_a_new_meeting_round_without_the_presenting_district_leaves_the_side_by_side(app_env, tmp_path, monkeypatch):
    import shutil

    import pandas as pd
    import streamlit as st

    from analytics.storage import engine
    from analytics.storage import parquet as store

    data_dir = tmp_path / "data"
    shutil.copytree(app_env, data_dir)
    m = store.read_table(data_dir, "star_chamber_meetings")
    month = pd.to_datetime(m["meeting_date"]).dt.strftime("%Y-%m")
    store.write_table(data_dir, "star_chamber_meetings", m[~((m["district_id"] == "southend") & (month == "2026-03"))])
    engine.build(data_dir)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(data_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    link = {"round": "2026-09", "presenting": "southend", "compare": ["southend", "harlow"]}
    at = run_app(link, page="app_pages/star_chamber.py")
    at.selectbox(key="w_round").set_value("2026-03").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="w_presenting").value != "southend", "Southend did not present in March"
    assert _compared(at) == ["harlow", "southend"], "the panel moved meeting, not district: the choice stays"


def test_meeting_pack_is_built_from_the_page(app_env):
    at = run_app({"round": "2026-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    at.button(key="build_pack").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Download PowerPoint" in labels and "Download PDF" in labels


def test_first_star_chamber_round_has_no_previous_meeting_or_carried_actions(app_env):
    at = run_app({"round": "2018-09", "presenting": "harlow"}, page="app_pages/star_chamber.py")
    assert not at.exception
    assert "the previous Star Chamber (none)" in at.caption[0].value
    assert set(at.dataframe[0].value["vs last Star Chamber"]) == {"–"}
    listed = at.dataframe[-1].value
    assert listed["Action"].str.startswith("SC-2018-09-harlow").all(), "only actions set at this first meeting"
    assert not listed["Status"].str.startswith("OVERDUE").any()


def _presenting_in_page_order(demo_dir, round_key: str) -> list[str]:
    """The districts presenting at ``round_key``, by name (the page's order), read from the files directly."""
    import pandas as pd

    meetings = pd.read_parquet(demo_dir / "star_chamber_meetings.parquet")
    names = pd.read_parquet(demo_dir / "districts.parquet").set_index("district_id")["name"]
    ids = meetings.loc[pd.to_datetime(meetings["meeting_date"]).dt.strftime("%Y-%m") == round_key, "district_id"]
    return sorted(ids, key=names.get)


def _counting_reviews(monkeypatch) -> list[str]:
    """Every district the Star Chamber review is worked out for, in order, wherever it is asked from."""
    from analytics.star_chamber import review

    reviewed: list[str] = []
    original = review.review

    def counting(db, round_key, district_id, rule):
        reviewed.append(district_id)
        return original(db, round_key, district_id, rule)

    monkeypatch.setattr(review, "review", counting)
    return reviewed


def test_the_next_presenting_districts_are_reviewed_while_the_panel_reads_this_one(app_env, monkeypatch, caplog):
    from ui.cache import star_chamber

    reviewed = _counting_reviews(monkeypatch)
    order = _presenting_in_page_order(app_env, "2026-09")
    assert len(order) >= 4
    at = run_app({"round": "2026-09", "presenting": order[0]}, page="app_pages/star_chamber.py")
    assert not at.exception
    assert star_chamber.wait_for_reviews_ahead()
    # The page's own district, then the next two in the page's order, each once.
    assert reviewed == order[:3]

    # Stepping to the next district reads its review from the cache: the page works nothing out itself.
    at.selectbox(key="w_presenting").set_value(order[1]).run()
    assert not at.exception
    assert at.caption[0].value.startswith(f"{at.selectbox(key='w_presenting').format_func(order[1])} at the")
    assert star_chamber.wait_for_reviews_ahead()
    # ...and only the one district not yet worked out is reviewed ahead.
    assert reviewed == order[:4]
    # The worker reads through the caches from its own thread without a word in the server's log.
    worker = [r for r in caplog.records if r.threadName == "star-chamber-review-ahead"]
    assert not [r for r in worker if r.levelno >= logging.WARNING], [r.getMessage() for r in worker]
    assert not [r for r in caplog.records if r.name == star_chamber.__name__]


def test_reviews_ahead_stop_when_an_import_landed_since_the_page_asked(app_env, tmp_path, monkeypatch, caplog):
    import shutil

    import pandas as pd

    from ui import pin
    from ui.cache import star_chamber

    data_dir = tmp_path / "data"
    shutil.copytree(app_env, data_dir)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(data_dir))
    asked: list[tuple] = []
    monkeypatch.setattr(star_chamber, "sc_review", lambda *key: asked.append(key))
    order = _presenting_in_page_order(data_dir, "2026-09")
    monkeypatch.setattr(star_chamber, "_PAUSE_S", 1.0)  # time for the import to land before the worker starts
    db = pin.begin_run()  # as app.py does: the page's run, pinned to the data as it is
    try:
        queued = star_chamber.review_ahead(db.version, "2026-09", order[0], order, 10, 30)
    finally:
        pin.end_run()
    assert queued == 2
    meetings = pd.read_parquet(data_dir / "star_chamber_meetings.parquet")
    meetings.iloc[:-1].to_parquet(data_dir / "star_chamber_meetings.parquet")  # an import: a new data version
    assert star_chamber.wait_for_reviews_ahead()
    assert asked == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == star_chamber.__name__]


def test_reviews_ahead_are_asked_only_from_a_run_on_the_data_it_reads(app_env):
    from ui.cache import star_chamber

    order = _presenting_in_page_order(app_env, "2026-09")
    # Outside a page run there is no pinned database to read.
    assert star_chamber.review_ahead("any version", "2026-09", order[0], order, 10, 30) == 0


def test_the_districts_ahead_wrap_round_as_previous_and_next_do():
    from ui.cache.star_chamber import upcoming

    assert upcoming("c", ["a", "b", "c"]) == ["a", "b"]
    assert upcoming("a", ["a", "b", "c", "d"]) == ["b", "c"]
    assert upcoming("a", ["a", "b"]) == ["b"]
    assert upcoming("a", ["a"]) == []
    assert upcoming("x", ["a", "b"]) == []


def test_in_presenter_mode_the_districts_reviewed_ahead_are_those_next_steps_to(app_env, monkeypatch):
    from ui.cache import star_chamber

    reviewed = _counting_reviews(monkeypatch)
    order = _presenting_in_page_order(app_env, "2026-09")
    tour = [order[0], order[2], order[3]]  # the sidebar's districts: Next steps through these alone
    at = run_app(
        {"present": "1", "round": "2026-09", "presenting": order[0], "district": tour}, page="app_pages/star_chamber.py"
    )
    assert not at.exception
    assert star_chamber.wait_for_reviews_ahead()
    assert reviewed == tour, "the next two Next steps to, not the next two presenting"
    at.button(key="present_next").click().run()
    assert not at.exception
    assert at.query_params["presenting"] in (order[2], [order[2]])
    assert star_chamber.wait_for_reviews_ahead()
    assert reviewed == tour, "stepped to a district reviewed ahead: nothing more to work out (the tour wraps)"


def test_every_presenting_district_keeps_the_same_page_structure(app_env):
    """Questions, plan, plans ahead and side by side vary in length from district to district; each is one element
    or a container of its own, so moving to the next district updates the tables and chart below in place. (Before
    this, the page's top level ran from 38 to 45 elements across these districts.)"""
    order = _presenting_in_page_order(app_env, "2026-09")
    shapes = {}
    for district in order:
        at = run_app({"round": "2026-09", "presenting": district}, page="app_pages/star_chamber.py")
        assert not at.exception
        shapes[district] = top_level(at)
    first = shapes[order[0]]
    assert "dataframe" in first and "flex_container" in first
    assert {d: s for d, s in shapes.items() if s != first} == {}

    # A different draft on a version changed since is still refused (test_a_stale_edit...).
