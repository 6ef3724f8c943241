"""Activity map figures against pandas, the deck's spec, and the boundaries grouping."""

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics.engagement import activity, maps
from analytics.survey import measures

NO_POINTS = pd.DataFrame(
    columns=["event_id", "title", "activity_type", "venue", "audience_group", "lat", "lon", "start_at", "attendance"]
)


@pytest.fixture(scope="module")
def all_ids(db):
    return tuple(measures.districts(db)["district_id"])


def _events(raw, q_from, q_to_exclusive, ids, types=None, statuses=None):
    ev = raw("engagement_events")
    ev = ev[(ev["start_at"] >= pd.Timestamp(q_from)) & (ev["start_at"] < pd.Timestamp(q_to_exclusive))]
    ev = ev[ev["district_id"].isin(ids)]
    if types:
        ev = ev[ev["activity_type"].isin(types)]
    if statuses:
        ev = ev[ev["status"].isin(statuses)]
    return ev


def test_district_summary_matches_pandas(db, raw, all_ids):
    flt = activity.EventFilter(
        date(2025, 4, 1), date(2025, 10, 1), all_ids, activity_types=("Street pop-up", "School visit")
    )
    got = activity.district_summary(db, flt).set_index("district_id")
    ev = _events(raw, date(2025, 4, 1), date(2026, 1, 1), all_ids, types=["Street pop-up", "School visit"])
    pop = raw("districts").set_index("district_id")["population"]
    for did, g in ev.groupby("district_id"):
        held = g[g["status"] == "held"]
        row = got.loc[did]
        assert row["held"] == len(held)
        assert row["per_10k"] == pytest.approx(10_000 * len(held) / pop[did])
        assert row["attendance"] == held["attendance"].sum()
        assert row["cancellation_pct"] == pytest.approx(
            100 * (g["status"] == "cancelled").sum() / g["status"].isin(["held", "cancelled"]).sum()
        )
        assert row["acted_pct"] == pytest.approx(100 * held["actions_taken"].sum() / held["concerns_raised"].sum())
        assert set(row["groups"]) == set(held["audience_group"])


def test_a_district_with_no_event_in_the_filter_has_an_empty_row(db, raw, all_ids):
    # Found in the browser: a narrow filter (one audience, one strand) left a district with no
    # events, and its missing list of groups stopped the page.
    flt = activity.EventFilter(
        date(2021, 7, 1),
        date(2023, 10, 1),
        ("colchester", "harlow"),
        activity_types=("Coffee with a Cop", "School visit"),
        strands=("Listen",),
        audiences=("Young people",),
        statuses=("held", "cancelled"),
    )
    got = activity.district_summary(db, flt).set_index("district_id")
    ev = _events(
        raw, date(2021, 7, 1), date(2024, 1, 1), ["colchester", "harlow"], ["Coffee with a Cop", "School visit"]
    )
    ev = ev[(ev["strand"] == "Listen") & (ev["audience_group"] == "Young people")]
    assert set(got.index) == {"colchester", "harlow"}
    for did in ("colchester", "harlow"):
        mine = ev[(ev["district_id"] == did) & (ev["status"] == "held")]
        assert got.loc[did, "held"] == len(mine)
        assert list(got.loc[did, "groups"]) == sorted(set(mine["audience_group"]))
    assert (ev["district_id"] == "harlow").sum() == 0 or (ev["district_id"] == "colchester").sum() == 0, (
        "the filter leaves one district with no events"
    )


def test_points_count_and_cap(db, raw, all_ids, monkeypatch):
    flt = activity.EventFilter(date(2019, 4, 1), date(2020, 1, 1), all_ids, statuses=("held",))
    points, total = activity.map_points(db, flt)
    ev = _events(raw, date(2019, 4, 1), date(2020, 4, 1), all_ids, statuses=["held"])
    assert total == ev["lat"].notna().sum() == len(points)
    monkeypatch.setattr(activity, "MAX_POINTS", 100)
    capped, total_again = activity.map_points(db, flt)
    again, _ = activity.map_points(db, flt)
    assert len(capped) == 100 and total_again == total
    assert list(capped["event_id"]) == list(again["event_id"]), "the sample is repeatable"


# Late in lockdown (many towns without face-to-face events): the last day of a month, the first, and one
# mid-month (the rollup answers whole months; the days of as_of's own month come from the events).
@pytest.mark.parametrize("as_of", [date(2021, 3, 31), date(2021, 3, 1), date(2020, 12, 16)])
def test_engagement_gaps_match_pandas(db, raw, all_ids, as_of):
    got = activity.engagement_gaps(db, all_ids, as_of, 6)
    # The six months to the end of as_of, that day included.
    until = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    ev = _face_to_face(raw)
    last = ev[ev["start_at"] < until].groupby("town")["start_at"].max()
    expected = set(last[last < until - pd.DateOffset(months=6)].index)
    assert expected and set(got["town"]) == expected
    assert (got["months_since"] >= 6).all()


def _face_to_face(raw) -> pd.DataFrame:
    ev = raw("engagement_events")
    return ev[(ev["status"] == "held") & ~ev["online"] & ev["town"].notna()]


def test_an_event_on_the_last_day_of_the_range_ends_a_gap(db, raw, all_ids):
    # A town's first face-to-face event after more than seven months without one: the day before it, the town is a
    # gap; on its day (the range's last, as_of), it has been visited.
    ev = _face_to_face(raw).sort_values("start_at")
    ev = ev.assign(before=ev.groupby("town")["start_at"].shift())
    after_a_gap = ev[ev["start_at"] - ev["before"] > pd.Timedelta(days=215)]
    assert not after_a_gap.empty, "the demo has towns left for months (lockdown)"
    event = after_a_gap.iloc[0]
    day = event["start_at"].date()
    assert event["town"] in set(activity.engagement_gaps(db, all_ids, day - timedelta(days=1), 6)["town"])
    assert event["town"] not in set(activity.engagement_gaps(db, all_ids, day, 6)["town"])


def test_map_views_flag_districts_well_below_the_force(db, raw, all_ids):
    flt = activity.EventFilter(date(2025, 4, 1), date(2026, 1, 1), all_ids)
    got = activity.map_views(db, flt).set_index("district_id")
    mv = raw("map_views")
    mv = mv[(mv["month_start"] >= date(2025, 4, 1)) & (mv["month_start"] < date(2026, 4, 1))]
    pop = raw("districts").set_index("district_id")["population"]
    force = 1_000 * mv["views"].sum() / pop.sum()
    for did, views in mv.groupby("district_id")["views"].sum().items():
        assert got.loc[did, "per_1k"] == pytest.approx(1_000 * views / pop[did])
        assert got.loc[did, "well_below"] == (1_000 * views / pop[did] < 0.75 * force)
    assert got.loc["thurrock", "well_below"], "the demo's Thurrock is set well below"


def test_deck_has_no_remote_base_map_and_text_tooltips(db, all_ids):
    d = measures.districts(db)
    points, _ = activity.map_points(db, activity.EventFilter(date(2026, 4, 1), date(2026, 4, 1), all_ids))
    deck = maps.activity_deck(points, d)
    spec = json.loads(deck.to_json())
    assert [layer["@@type"] for layer in spec["layers"]] == ["ScatterplotLayer", "TextLayer"], "labels on top"
    assert spec["mapStyle"].startswith("data:application/json"), "an inline style: nothing to fetch"
    assert "mapProvider" not in spec
    text = json.dumps(spec)
    for remote in ("http://", "https://", "cartocdn", "mapbox://"):
        assert remote not in text
    assert deck._tooltip == {"text": "{tip}"}, "tooltips are plain text, never HTML"
    hexagon = json.loads(maps.activity_deck(points, d, mode="hexagon").to_json())
    assert "HexagonLayer" in [layer["@@type"] for layer in hexagon["layers"]]


def test_points_sized_by_attendance_and_coloured_by_type(db, all_ids):
    points, _ = activity.map_points(db, activity.EventFilter(date(2026, 4, 1), date(2026, 4, 1), all_ids))
    frame = maps._point_frame(points)
    held = points["attendance"].notna().to_numpy()
    order = np.argsort(points.loc[held, "attendance"].to_numpy())
    assert np.all(np.diff(frame.loc[held, "radius"].to_numpy()[order]) >= 0)
    assert all(c == maps.ACTIVITY_COLOURS[t] for c, t in zip(frame["colour"], points["activity_type"], strict=True))


def test_event_rows_reach_the_deck_as_given_whatever_their_text(db, all_ids):
    """The events' rows are written by pandas and spliced into the deck's JSON: text that looks like JSON, a
    splice token, quotes, backslashes or line breaks arrives as it was; a missing start is left blank."""
    points, _ = activity.map_points(db, activity.EventFilter(date(2026, 4, 1), date(2026, 4, 1), all_ids))
    points = points.head(3).copy()
    hostile = 'Said "@@rows:0" \\ and }]{ \u2013 then\nmore'
    points.loc[points.index[0], "title"] = hostile
    points.loc[points.index[1], "start_at"] = pd.NaT
    points.loc[points.index[2], "start_at"] = pd.Timestamp("2026-04-05 18:30")
    for mode, layer_id in (("points", "events"), ("hexagon", "density")):
        text = maps.activity_deck(points, measures.districts(db), mode=mode).to_json()
        spec = json.loads(text)
        assert "splicedRows" not in text and "@@rows:" not in text.replace("@@rows:0", "")
        rows = next(layer for layer in spec["layers"] if layer["id"] == layer_id)["data"]
        assert len(rows) == 3
    events = next(layer for layer in json.loads(maps.activity_deck(points, measures.districts(db)).to_json())["layers"]
                  if layer["id"] == "events")["data"]  # fmt: skip
    assert events[0]["title"] == hostile and hostile in events[0]["tip"]
    assert events[1]["when"] is None and events[2]["when"] == "05 Apr 2026 18:30"


def test_map_points_and_the_bar_chart_share_one_activity_palette(db, all_ids):
    flt = activity.EventFilter(date(2025, 4, 1), date(2025, 10, 1), all_ids)
    mix = activity.activity_mix(db, flt)
    spec = maps.mix_chart(mix).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    drawn = dict(zip(scale["domain"], scale["range"], strict=True))
    points, _ = activity.map_points(db, flt)
    deck = json.loads(maps.activity_deck(points, measures.districts(db)).to_json())
    events = next(layer for layer in deck["layers"] if layer["id"] == "events")
    for point in events["data"][:500]:
        r, g, b = point["colour"]
        assert drawn[point["activity_type"]] == f"#{r:02x}{g:02x}{b:02x}"
    assert set(mix["activity_type"]) <= set(drawn)


def test_context_layer_and_self_hosted_style_on_the_deck(db):
    d = measures.districts(db)
    points = NO_POINTS
    cells = pd.DataFrame({"lon": [0.47], "lat": [51.73], "incidents": [4]})
    spec = json.loads(
        maps.activity_deck(points, d, context=cells, style_url="http://127.0.0.1:8080/style.json").to_json()
    )
    ids = [layer["id"] for layer in spec["layers"]]
    assert "anti-social-behaviour" in ids and ids.index("anti-social-behaviour") < ids.index("events"), (
        "beneath the events"
    )
    assert spec["mapStyle"] == "http://127.0.0.1:8080/style.json"


def test_monthly_map_views_match_pandas(db, raw, all_ids):
    flt = activity.EventFilter(date(2018, 7, 1), date(2018, 10, 1), all_ids)
    got = activity.map_views_monthly(db, flt)
    mv = raw("map_views")
    october = mv[mv["month_start"] == date(2018, 10, 1)]
    assert october["views"].sum() > 12_000
    pop = raw("districts").set_index("district_id")["population"]
    row = got[(got["district_id"] == "colchester") & (got["month_start"] == pd.Timestamp(2018, 10, 1))].iloc[0]
    views = october.set_index("district_id").loc["colchester", "views"]
    assert row["per_1k"] == pytest.approx(1000 * views / pop["colchester"])
    assert row["force_per_1k"] == pytest.approx(1000 * october["views"].sum() / pop.sum())
    assert got["month_start"].nunique() == 6


def test_district_labels_do_not_overlap_at_the_first_view(db):
    from analytics.engagement import boundaries, map_layout

    d = measures.districts(db)
    outlines = boundaries.district_areas(d).outlines
    for chosen in (set(d["district_id"]), {"castle_point_rochford"}):
        places = d.assign(chosen=d["district_id"].isin(chosen))
        view = map_layout.initial_view(places, outlines)
        labels = map_layout.place_labels(places, view, outlines)
        boxes = []
        for row in labels.itertuples(index=False):
            x, y = map_layout._pixels(row.lon, row.lat, view.zoom)
            w, h = map_layout.label_box(row.label)
            boxes.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (labels, a, b)
        named = {label.replace("\n", " ") for label in labels["label"]}
        assert set(places.loc[places["chosen"], "name"]) <= named, "every chosen district keeps its label"
    # Few labels are left out: most are nudged beside their place instead.
    assert len(labels) >= 8


def test_map_views_keep_a_district_without_views_and_leave_out_views_of_no_district(demo_dir, tmp_path):
    import shutil

    from analytics.storage import parquet as store
    from analytics.storage.db import Database

    copy = tmp_path / "data"
    shutil.copytree(demo_dir, copy)
    mv = pd.read_parquet(copy / "map_views.parquet")
    mv = mv[mv["district_id"] != "harlow"]  # Harlow has no views at all
    stray = mv[mv["district_id"] == "colchester"].assign(district_id="nowhere", views=10**6)
    store.write_table(copy, "map_views", pd.concat([mv, stray], ignore_index=True))
    db = Database(copy, use_engine=False)
    flt = activity.EventFilter(date(2024, 4, 1), date(2025, 1, 1), ("harlow", "colchester", "nowhere"))
    in_range = mv[(mv["month_start"] >= date(2024, 4, 1)) & (mv["month_start"] < date(2025, 4, 1))]
    pop = pd.read_parquet(copy / "districts.parquet").set_index("district_id")["population"]
    force = 1_000 * in_range["views"].sum() / pop.sum()  # the stray views are no district's, so not the force's

    totals = activity.map_views(db, flt).set_index("district_id")
    assert sorted(totals.index) == ["colchester", "harlow"], "an id the districts table lacks is no row"
    assert totals.loc["harlow", "views"] == 0 and totals.loc["harlow", "well_below"]
    colchester = in_range.loc[in_range["district_id"] == "colchester", "views"].sum()
    assert totals.loc["colchester", "views"] == colchester
    assert totals["force_per_1k"].tolist() == pytest.approx([force, force])

    monthly = activity.map_views_monthly(db, flt)
    assert set(monthly["district_id"]) == {"colchester"} and monthly["month_start"].nunique() == 12
    by_month = in_range.groupby("month_start")["views"].sum()
    for _, row in monthly.iterrows():
        assert row["force_per_1k"] == pytest.approx(1_000 * by_month[row["month_start"].date()] / pop.sum())
