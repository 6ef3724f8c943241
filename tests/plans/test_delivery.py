"""Planned against delivered, recomputed independently: pandas over the raw Parquet files for every line of two
districts' plans over several quarters (over-delivery, cancellations, named audiences and Tell lines included)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.contract.vocabulary import ACTIVITY_TYPES
from analytics.plans import delivery
from analytics.storage.db import Database

DISTRICTS = ("tendring", "harlow")
# Before and into the first lockdown (cancellations), and the last year.
QUARTERS = (date(2020, 1, 1), date(2020, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1))


def _in_quarter(values: pd.Series, q: date) -> pd.Series:
    start = pd.Timestamp(q)
    return (pd.to_datetime(values) >= start) & (pd.to_datetime(values) < start + pd.DateOffset(months=3))


def _expected(raw, district: str, q: date) -> pd.DataFrame:
    plans = raw("engagement_plans")
    plans["quarter_start"] = pd.to_datetime(plans["quarter_start"]).dt.date
    lines = plans[(plans["district_id"] == district) & (plans["quarter_start"] == q)].sort_values("line")
    events = raw("engagement_events")
    events = events[(events["district_id"] == district) & _in_quarter(events["start_at"], q)]
    concerns = raw("engagement_concerns")
    concerns = concerns[(concerns["district_id"] == district) & concerns["told_on"].notna()]
    concerns = concerns[_in_quarter(concerns["told_on"], q)]
    accounts = raw("social_accounts")
    posts = raw("social_posts").merge(accounts[["account_id", "district_id"]], on="account_id")
    posts = posts[(posts["district_id"] == district) & (posts["tag"] == "You said, we did")]
    posts = posts[_in_quarter(posts["posted_at"], q)]
    out = []
    for line in lines.itertuples(index=False):
        cancelled = 0
        if line.what in ACTIVITY_TYPES:
            same = events[events["activity_type"] == line.what]
            if isinstance(line.audience_group, str):
                same = same[same["audience_group"] == line.audience_group]
            else:
                named = lines.loc[(lines["what"] == line.what) & lines["audience_group"].notna(), "audience_group"]
                same = same[~same["audience_group"].isin(set(named))]
            done = int((same["status"] == "held").sum())
            cancelled = int((same["status"] == "cancelled").sum())
        elif line.what == "Social post":
            done = len(posts)
        else:
            done = int((concerns["tell_channel"] == line.what).sum())
        word = (
            "not delivered"
            if done == 0
            else "part delivered"
            if done < line.how_many
            else "delivered"
            if done == line.how_many
            else "over-delivered"
        )
        out.append((district, q, int(line.line), int(line.how_many), done, cancelled, word))
    return pd.DataFrame(
        out, columns=["district_id", "quarter_start", "line", "how_many", "delivered", "cancelled", "verdict"]
    )


# With the engine file (events counted from its rollup) and without it (the same rollup as a view of the events).
@pytest.fixture(scope="module", params=[True, False], ids=["engine", "parquet"])
def both(request, demo_dir, raw):
    from analytics.storage.db import Database

    db = Database(demo_dir, use_engine=request.param)
    assert (db.engine is not None) == request.param
    got = delivery.line_delivery(db, [(d, q) for d in DISTRICTS for q in QUARTERS])
    want = pd.concat([_expected(raw, d, q) for d in DISTRICTS for q in QUARTERS], ignore_index=True)
    return got, want


def test_every_line_of_two_districts_plans_matches_pandas_over_the_raw_files(both):
    got, want = both
    cols = list(want.columns)
    got = got[cols].sort_values(["district_id", "quarter_start", "line"]).reset_index(drop=True)
    want = want.sort_values(["district_id", "quarter_start", "line"]).reset_index(drop=True)
    assert len(want) > 60
    pd.testing.assert_frame_equal(got.astype({c: "int64" for c in cols[2:6]}), want, check_dtype=False)


def test_the_lines_checked_include_every_kind_of_case(both):
    """The comparison above covers what the rule distinguishes, so agreement is not by luck of the data."""
    got, _ = both
    assert {"over-delivered", "part delivered", "not delivered", "delivered"} <= set(got["verdict"])
    assert (got["cancelled"] > 0).any(), "a line with cancelled events"
    assert ((got["cancelled"] > 0) & (got["delivered"] < got["how_many"])).any(), "cancellations left it short"
    assert got["what"].isin(["Newsletter", "Meeting"]).any(), "a Tell channel counted from concerns told back"
    assert (got["what"] == "Social post").any(), "a Tell line counted from tagged posts"
    both_ways = got.groupby(["district_id", "quarter_start", "what"])["audience_group"].agg(
        lambda a: a.isna().any() and a.notna().any()
    )
    assert both_ways.any(), "an activity with a named-audience line beside an any-audience line"


def test_shares_count_each_line_up_to_its_plan(both):
    got, _ = both
    lines = got[(got["district_id"] == "harlow") & (got["quarter_start"] == date(2026, 4, 1))]
    over = lines[lines["delivered"] > lines["how_many"]]
    assert len(over), "the quarter chosen has an over-delivered line"
    expected = (
        sum(min(p, d) for p, d in zip(lines["how_many"], lines["delivered"], strict=True)) / lines["how_many"].sum()
    )
    assert delivery.share_delivered(lines) == pytest.approx(expected)
    assert delivery.share_delivered(lines) < lines["delivered"].sum() / lines["how_many"].sum()
    summary = delivery.strand_summary(lines).set_index("strand")
    assert summary.loc["Overall", "planned"] == lines["how_many"].sum()
    assert summary.loc["Overall", "share"] == pytest.approx(expected)


def test_strand_summary_of_every_plan_checked_matches_pandas(both):
    """Each strand's row and the overall row, for every plan checked, against a pandas groupby of the lines."""
    got, _ = both
    for (_, _), lines in got.groupby(["district_id", "quarter_start"]):
        summary = delivery.strand_summary(lines).set_index("strand")
        credited = lines.assign(credited=lines[["delivered", "how_many"]].min(axis=1))
        expected = credited.groupby("strand")[["how_many", "delivered", "cancelled", "credited"]].sum()
        expected.loc["Overall"] = expected.sum()
        sizes = lines.groupby("strand").size()
        assert list(summary.index) == [s for s in ("Listen", "Act", "Tell") if s in sizes.index] + ["Overall"]
        for strand, row in summary.iterrows():
            want = expected.loc[strand]
            assert row["lines"] == (len(lines) if strand == "Overall" else sizes[strand])
            assert (row["planned"], row["delivered"], row["cancelled"]) == tuple(
                int(want[c]) for c in ("how_many", "delivered", "cancelled")
            )
            assert row["share"] == pytest.approx(want["credited"] / want["how_many"])
    empty = delivery.strand_summary(got.iloc[0:0])
    assert list(empty["strand"]) == ["Overall"] and empty["lines"].iloc[0] == 0 and pd.isna(empty["share"].iloc[0])


def test_covid_disrupts_the_plan_written_before_lockdown(db):
    """The plan for April to June 2020 promised a normal quarter; the force delivered far less of it than the
    quarter before or the same quarter a year later."""
    ids = list(db.query("SELECT district_id FROM districts")["district_id"])
    share = {q: delivery.force_share(delivery.force_delivery(db, q, ids)) for q in (*QUARTERS[:2], date(2021, 4, 1))}
    assert share[date(2020, 4, 1)] < 0.5 < share[date(2020, 1, 1)]
    assert share[date(2020, 4, 1)] < share[date(2021, 4, 1)]


def test_the_review_works_out_the_force_once_whichever_district_presents_with_the_same_answers(demo_dir, monkeypatch):
    """Every district's plan lines for the reviewed quarters (the one before, the reviewed one, those ahead) are read
    once per data version, whichever district presents; every answer is what ``line_delivery`` and
    ``force_delivery`` give directly for that district alone."""
    from analytics.periods import add_quarters
    from analytics.plans import review

    db = Database(demo_dir)  # nothing remembered yet
    ids = list(db.query("SELECT district_id FROM districts")["district_id"])
    quarter = date(2025, 10, 1)
    calls = []
    real = delivery.line_delivery
    monkeypatch.setattr(delivery, "line_delivery", lambda d, pairs: calls.append(pairs) or real(d, pairs))
    got = {d: review.plan_review(db, d, quarter, ids) for d in ("harlow", "southend", "harlow")}
    assert len(calls) == 1, "read once, not for each district presenting"
    reviewed = {add_quarters(quarter, k) for k in (-1, 0, 1, 2)}
    assert {d for d, _ in calls[0]} == set(ids) and {q for _, q in calls[0]} == reviewed
    monkeypatch.setattr(delivery, "line_delivery", real)
    expected_force = delivery.force_delivery(Database(demo_dir), quarter, ids)
    for district, one in got.items():
        pd.testing.assert_frame_equal(one.force, expected_force)
        for q, lines in [(quarter, one.lines), (add_quarters(quarter, -1), one.previous), *one.ahead.items()]:
            pd.testing.assert_frame_equal(lines, real(db, [(district, q)]))
        assert len(one.lines) and len(one.previous) and len(one.force) == len(ids)
    got["harlow"].force.loc[:, "lines"] = -1  # a caller changing its copy changes nobody else's
    pd.testing.assert_frame_equal(review.plan_review(db, "harlow", quarter, ids).force, expected_force)


def test_force_summary_counts_each_district_as_its_own_lines_say(db):
    """Every district's row, worked out by hand from its own lines (a district at a time), in the order asked,
    a district without a plan included (no lines, no share) and a district asked for twice."""
    from analytics.contract.vocabulary import STRANDS
    from analytics.survey import measures

    ids = list(measures.districts(db)["district_id"])
    quarter = date(2026, 4, 1)
    lines = delivery.line_delivery(db, [(d, quarter) for d in ids])
    asked = [*ids[::-1], "no_such_district", ids[0]]
    got = delivery.force_summary(lines, asked)
    assert list(got["district_id"]) == asked
    for row in got.itertuples(index=False):
        mine = lines[lines["district_id"] == row.district_id]
        capped = [min(p, d) for p, d in zip(mine["how_many"], mine["delivered"], strict=True)]
        assert row.lines == len(mine) and row.planned == mine["how_many"].sum() and row.credited == sum(capped)
        assert row.cancelled == mine["cancelled"].sum()
        assert row.short == mine["verdict"].isin(["not delivered", "part delivered"]).sum()
        if len(mine):
            assert row.share == pytest.approx(sum(capped) / mine["how_many"].sum())
        else:
            assert pd.isna(row.share)
        for strand in STRANDS:
            part = mine[mine["strand"] == strand]
            want = (
                sum(min(p, d) for p, d in zip(part["how_many"], part["delivered"], strict=True))
                / part["how_many"].sum()
                if len(part)
                else float("nan")
            )
            assert getattr(row, strand) == pytest.approx(want, nan_ok=True)
    assert got.loc[got["district_id"] == "no_such_district", "lines"].item() == 0
    assert got["lines"].sum() > len(ids), "most districts have a plan that quarter"


def test_a_district_outside_the_force_list_is_reviewed_from_its_own_lines(db):
    """A presenting district the force list lacks still gets its own lines (read for it alone); the force's figures
    stay those of the list."""
    from analytics.periods import add_quarters
    from analytics.plans import review

    quarter = date(2025, 10, 1)
    ids = [d for d in db.query("SELECT district_id FROM districts")["district_id"] if d != "harlow"]
    one = review.plan_review(db, "harlow", quarter, ids)
    pd.testing.assert_frame_equal(one.lines, delivery.line_delivery(db, [("harlow", quarter)]))
    pd.testing.assert_frame_equal(one.previous, delivery.line_delivery(db, [("harlow", add_quarters(quarter, -1))]))
    assert len(one.lines) and "harlow" not in set(one.force["district_id"])
    pd.testing.assert_frame_equal(one.force, delivery.force_delivery(db, quarter, ids))


def test_each_force_list_gets_its_own_force_and_a_district_listed_twice_counts_once(demo_dir, monkeypatch):
    """Two force lists on one Database each get their own force figures (nothing remembered for one answers the
    other); a district listed twice is asked for once, and its row counts its lines once."""
    from analytics.plans import review

    db = Database(demo_dir)  # nothing remembered yet
    quarter = date(2025, 10, 1)
    every = list(db.query("SELECT district_id FROM districts")["district_id"])
    some = ["harlow", "southend", "basildon"]
    listed_twice = [*some, "harlow"]
    calls = []
    real = delivery.line_delivery
    monkeypatch.setattr(delivery, "line_delivery", lambda d, pairs: calls.append(pairs) or real(d, pairs))
    got = {tuple(ids): review.plan_review(db, "harlow", quarter, ids).force for ids in (some, every, listed_twice)}
    assert all(len(pairs) == len(set(pairs)) for pairs in calls), "a pair asked twice would count its lines twice"
    monkeypatch.setattr(delivery, "line_delivery", real)
    pd.testing.assert_frame_equal(got[tuple(every)], delivery.force_delivery(db, quarter, every))
    pd.testing.assert_frame_equal(got[tuple(some)], delivery.force_delivery(db, quarter, some))
    twice = got[tuple(listed_twice)]
    assert list(twice["district_id"]) == listed_twice
    alone = delivery.force_delivery(db, quarter, ["harlow"]).iloc[0]
    for _, row in twice[twice["district_id"] == "harlow"].iterrows():
        pd.testing.assert_series_equal(row, alone, check_names=False)
