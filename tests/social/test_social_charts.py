"""The social page's tag heatmap and association chart: templates built once, each call's rows filled in."""

import json
from datetime import date

import numpy as np

from analytics.social import charts as social_charts
from analytics.social import figures as social
from analytics.social import posts
from analytics.stats import SuppressionRule

ALL = ("basildon", "braintree_uttlesford", "castle_point_rochford", "chelmsford_maldon", "colchester",
       "epping_forest_brentwood", "harlow", "southend", "tendring", "thurrock")  # fmt: skip


def test_the_tag_heatmap_is_built_once_per_height_and_filled_per_call(db):
    social_charts._heatmap_template.cache_clear()
    period = social.Period(date(2024, 10, 1), date(2026, 7, 1), ("harlow", "colchester"), ("Facebook", "X"))
    tags = posts.tag_reach(db, period)
    spec = social_charts.tag_heatmap(tags)
    other = social_charts.tag_heatmap(
        posts.tag_reach(
            db, social.Period(period.quarter_from, period.quarter_to, ("southend", "tendring"), ("Facebook",))
        )
    )
    info = social_charts._heatmap_template.cache_info()
    assert (info.misses, info.hits) == (1, 1), "three districts' rows either way: one Altair build"
    rows = spec["datasets"]["tags"]
    assert len(rows) == len(tags) and {r["district"] for r in rows} == set(tags["district"])
    assert {r["district"] for r in other["datasets"]["tags"]} == {"Southend", "Tendring", social.FORCE_WIDE}
    # Each district's furthest-reaching tag is starred in its label; tags with too few posts say so.
    starred = {r["district"]: r["tag"] for r in rows if r["label"].startswith("★ ")}
    best = tags[tags["furthest"]].set_index("district")["tag"].to_dict()
    assert starred == best and best
    few = tags[tags["index"].isna()]
    assert all(r["label"].endswith("(few posts)") for r in rows if r["tag"] in set(few["tag"]) and
               r["district"] in set(few[few["tag"] == r["tag"]]["district"]))  # fmt: skip
    assert spec["data"] == {"name": "tags"}, "every layer draws the named rows"
    assert spec["height"] == 120 and "\x00" not in json.dumps(spec)
    # More districts: a taller plot, a new structure.
    social_charts.tag_heatmap(
        posts.tag_reach(db, social.Period(period.quarter_from, period.quarter_to, ALL, ("Facebook", "X")))
    )
    assert social_charts._heatmap_template.cache_info().misses == 2
    copied = spec.to_dict()
    copied["datasets"].clear()
    assert spec["datasets"]["tags"], "to_dict gives a copy"


def test_the_association_chart_draws_the_districts_with_a_figure(db):
    period = social.Period(date(2024, 10, 1), date(2026, 7, 1), ALL, ("Facebook", "X"))
    summary = social.summary(db, period)
    assoc = social.reach_vs_informed(db, period, summary.districts, SuppressionRule(30, 50))
    spec = social_charts.association_chart(assoc)
    drawn = assoc.points.dropna(subset=["pct", "reach_per_1k"])
    rows = spec["datasets"]["association"]
    assert sorted(r["name"] for r in rows) == sorted(drawn["name"]) and len(rows) >= 3
    by_name = {r["name"]: r for r in rows}
    for p in drawn.itertuples():
        assert np.isclose(by_name[p.name]["pct"], p.pct) and np.isclose(by_name[p.name]["reach_per_1k"], p.reach_per_1k)
    hidden = social.reach_vs_informed(db, period, summary.districts, SuppressionRule(10**6, 10**6))
    assert social_charts.association_chart(hidden)["datasets"]["association"] == [], "too few answers: none drawn"
