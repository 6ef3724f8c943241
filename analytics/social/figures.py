"""Social-media reach by account and district: the figures behind the Social media page.

Monthly figures are per account. A district served by more than one account
(for example one page for each of two towns) is shown apart (each account) and
together (their sum; a person following both pages counts twice, as the
platforms count them). A combined month is only summed when every account in
the group reported it, so a gap is never read as zero. Figures per 1,000
residents use the district's population (the force-wide pages: the force's).
Engagement rate is engagements per 100 impressions, the one definition every
platform's exports allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analytics.periods import add_quarters
from analytics.stats import SuppressionRule, spearman
from analytics.storage.db import Database
from analytics.survey import measures

FIGURES = ("followers", "reach", "impressions", "engagements", "posts")
FORCE_WIDE = "Force-wide pages"
ALL_DISTRICTS = "All district pages"
MIN_IMPRESSIONS_FOR_RATE = 100
MIN_POSTS_FOR_TAG = 5

_MONTHS_SQL = """
SELECT a.account_id, a.district_id, a.platform, a.name AS account, a.handle,
       m.month_start, m.followers, m.reach, m.impressions, m.engagements, m.posts
FROM social_monthly m JOIN social_accounts a USING (account_id)
WHERE m.month_start >= $f AND m.month_start < $t
  AND (a.district_id IS NULL OR list_contains($districts, a.district_id))
  AND list_contains($platforms, a.platform)
ORDER BY m.month_start, a.account_id
"""
_ACCOUNTS_SQL = """
SELECT account_id, district_id, platform, name AS account, handle FROM social_accounts
WHERE (district_id IS NULL OR list_contains($districts, district_id)) AND list_contains($platforms, platform)
ORDER BY district_id NULLS LAST, account_id
"""


@dataclass(frozen=True)
class Period:
    """The months from the first quarter's start to the last quarter's end, and what to include."""

    quarter_from: date
    quarter_to: date
    district_ids: tuple[str, ...]
    platforms: tuple[str, ...]

    @property
    def start(self) -> date:
        return self.quarter_from

    @property
    def end(self) -> date:  # exclusive
        return add_quarters(self.quarter_to, 1)

    def months(self) -> list[date]:
        return [d.date() for d in pd.date_range(self.start, self.end, freq="MS", inclusive="left")]

    def params(self) -> dict:
        return {"f": self.start, "t": self.end, "districts": list(self.district_ids), "platforms": list(self.platforms)}


def platforms(db: Database) -> list[str]:
    """The platforms the stored accounts are on."""
    return db.query("SELECT DISTINCT platform FROM social_accounts ORDER BY platform")["platform"].tolist()


def account_months(db: Database, period: Period) -> pd.DataFrame:
    """One row per account and month in the period, with the account's district and platform."""
    df = db.query(_MONTHS_SQL, period.params())
    df["month_start"] = pd.to_datetime(df["month_start"]).dt.date
    return df


def populations(db: Database) -> tuple[dict[str, float], dict[str, str], float]:
    """Each district's population and name, by district_id, and the force's population."""
    d = measures.districts(db)
    return (
        dict(zip(d["district_id"], d["population"].astype(float), strict=True)),
        dict(zip(d["district_id"], d["name"], strict=True)),
        float(d["population"].sum()),
    )


def group_months(months: pd.DataFrame, groups: pd.Series, period: Period, members: dict[str, set[str]]) -> pd.DataFrame:
    """Monthly figures per group (``members``: every account in it): summed, blank in a month one missed.

    An account with no figures at all in the period counts as missing, so its group's months are
    blank, never summed without it. An account that reports some months but never a particular
    figure (X reports no reach) is left out of that figure's sum rather than blanking it for good.
    Worked out on integer codes (group, month, account) with numpy: grouping by text took twice as long.
    """
    names = sorted(members)
    month_list = period.months()
    n_months = len(month_list)
    grid = pd.MultiIndex.from_product([names, month_list], names=["group", "month_start"])
    g = pd.Index(names).get_indexer(groups.to_numpy())
    m = pd.Index(month_list).get_indexer(months["month_start"].to_numpy())
    in_group = g >= 0
    accounts, _ = pd.factorize(months["account_id"].to_numpy())
    n_accounts = max(int(accounts.max()) + 1, 1) if len(accounts) else 1
    pair = g * n_accounts + accounts  # (group, account), for rows in a group

    def accounts_per_group(rows: np.ndarray) -> np.ndarray:
        return np.bincount(np.unique(pair[rows]) // n_accounts, minlength=len(names))

    present = accounts_per_group(in_group)  # accounts with any row in the period, per group
    in_cell = in_group & (m >= 0)
    cell = (g * n_months + m)[in_cell]
    group_of_row = grid.codes[0]  # position in ``names`` of each row's group
    sizes = np.array([len(members[n]) for n in names], dtype=int)
    out = pd.DataFrame(index=grid)
    for col in FIGURES:
        values = months[col].to_numpy(dtype=float, na_value=np.nan)
        has = ~np.isnan(values)
        # Accounts expected this month: the group's, less those reporting in the period but never this figure
        # (the accounts reporting it are among those present, so counting both is enough).
        expected = sizes - present + accounts_per_group(in_group & has)
        want = expected[group_of_row]
        ok = has[in_cell]
        reported = np.bincount(cell[ok], minlength=len(grid))
        totals = np.bincount(cell[ok], weights=values[in_cell][ok], minlength=len(grid))
        out[col] = np.where((reported == want) & (want > 0), totals, np.nan)
    return out.reset_index()


def _summarise(series: pd.DataFrame, populations: dict[str, float] | None, n_months: int) -> pd.DataFrame:
    """Period figures per group from monthly series (columns group, month_start, FIGURES), one row per group.

    All groups at once (a page can hold hundreds of accounts): followers at the first and last month that
    reports them, average reach, summed counts, months with every figure the group reports at all (none
    reported: no month counts), and the engagement rate over months with both impressions and engagements.
    Worked out with numpy on the groups' integer codes, rows in group then month order.
    """
    series = series[series["group"].notna()]  # as grouping does: a row without a group belongs to none
    codes, groups = pd.factorize(series["group"], sort=True)
    months, _ = pd.factorize(series["month_start"], sort=True)
    order = np.lexsort((months, codes))  # stable: rows of one group and month keep their order
    g = codes[order]
    n = len(groups)
    values = {col: series[col].to_numpy(dtype=float, na_value=np.nan)[order] for col in FIGURES}
    has = {col: ~np.isnan(v) for col, v in values.items()}
    index = pd.Index(groups, name="group")

    def total(col: str, rows: np.ndarray) -> np.ndarray:
        """Per group: the sum of ``col`` over ``rows`` (NaN where no row)."""
        sums = np.bincount(g[rows], weights=values[col][rows], minlength=n)
        return np.where(np.bincount(g[rows], minlength=n) > 0, sums, np.nan)

    def at_ends(rows: np.ndarray, column: np.ndarray) -> tuple[pd.Series, pd.Series]:
        """Per group with any of ``rows``: ``column`` (in row order) at its first and at its last such row."""
        positions = np.flatnonzero(rows)
        first_groups, first = np.unique(g[positions], return_index=True)
        last_groups, last = np.unique(g[positions][::-1], return_index=True)
        at = column[positions]
        return (
            pd.Series(at[first], index=index[first_groups]),
            pd.Series(at[::-1][last], index=index[last_groups]),
        )

    out = pd.DataFrame(index=index)
    followers = has["followers"]
    out["followers_start"], out["followers_end"] = at_ends(followers, values["followers"])
    out["start_month"], out["end_month"] = at_ends(followers, series["month_start"].to_numpy()[order])
    with np.errstate(invalid="ignore"):
        out["reach_avg"] = total("reach", has["reach"]) / np.bincount(g[has["reach"]], minlength=n)
    for col in ("impressions", "engagements", "posts"):
        out[col] = total(col, has[col])
    reported = {col: np.bincount(g[has[col]], minlength=n)[g] > 0 for col in FIGURES}  # per row: its group's
    complete = np.logical_and.reduce([has[col] | ~reported[col] for col in FIGURES])
    complete &= np.logical_or.reduce([reported[col] for col in FIGURES])
    out["months_reported"] = np.bincount(g[complete], minlength=n).astype(int)
    out["months"] = n_months
    both = has["impressions"] & has["engagements"]
    impressions, engagements = total("impressions", both), total("engagements", both)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["engagement_rate"] = np.where(impressions > 0, 100 * engagements / impressions, np.nan)
    one_month = np.bincount(g[followers], minlength=n) < 2  # growth needs a start and a later end
    out["growth"] = (out["followers_end"] - out["followers_start"]).mask(one_month)
    start = out["followers_start"]
    out["growth_pct"] = (100 * out["growth"] / start.where(start != 0)).mask(one_month)
    pop = out.index.map(lambda grp: (populations or {}).get(grp) or np.nan).astype(float)
    out["followers_per_1k"] = 1_000 * out["followers_end"] / pop
    out["reach_per_1k"] = 1_000 * out["reach_avg"] / pop
    return out


def _figures(rows: dict, group: str, n_months: int) -> dict:
    """One group's figures from _summarise's ``to_dict("index")`` (a group with no months: none reported)."""
    if group in rows:
        return dict(rows[group])
    return {"months_reported": 0, "months": n_months}


@dataclass(frozen=True)
class SocialSummary:
    """The period's figures: per district (accounts together), per account (apart), monthly, by platform."""

    districts: pd.DataFrame
    accounts: pd.DataFrame
    monthly: pd.DataFrame
    platforms: pd.DataFrame


@dataclass(frozen=True)
class GroupFigures:
    """The period's figures for some districts' accounts and the force-wide ones, each group and each account
    worked out on its own: what ``narrowed`` reads for any of these districts, whichever others are chosen.
    Only "all district pages together" depends on the choice, and ``narrowed`` works it out."""

    period: Period
    accounts: pd.DataFrame  # the accounts read (account_id, district_id, platform, account, handle)
    months: pd.DataFrame  # their months (account_months)
    by_group: pd.DataFrame  # monthly series per district's pages together (group_months)
    per_group: dict  # period figures per group (district name, or FORCE_WIDE)
    per_account: dict  # period figures per account_id


def group_figures(db: Database, period: Period) -> GroupFigures:
    """Every group's and every account's figures for ``period``'s districts (the costly part of ``summary``)."""
    pops, names, force_pop = populations(db)
    accounts = db.query(_ACCOUNTS_SQL, {k: v for k, v in period.params().items() if k in ("districts", "platforms")})
    months = account_months(db, period)
    n = len(period.months())
    account_group = accounts["district_id"].map(names).fillna(FORCE_WIDE)
    members = {grp: set(ids) for grp, ids in accounts.groupby(account_group)["account_id"]}
    by_group = group_months(months, months["district_id"].map(names).fillna(FORCE_WIDE), period, members)
    by_account = group_months(months, months["account_id"], period, {a: {a} for a in accounts["account_id"]})
    group_pop = {names[d]: pops[d] for d in period.district_ids if d in names} | {FORCE_WIDE: force_pop}
    return GroupFigures(
        period,
        accounts,
        months,
        by_group,
        _summarise(by_group, group_pop, n).to_dict("index"),
        _summarise(by_account, None, n).to_dict("index"),
    )


def unknown_left_out(names: dict, wider: Sequence[str], ids: Sequence[str]) -> bool:
    """Whether narrowing from ``wider`` to ``ids`` leaves out a district not in the districts table: its accounts
    count with the force-wide pages (their name is unknown), so the force-wide figures must be worked out again."""
    return any(d not in names for d in set(wider) - set(ids))


def summary(db: Database, period: Period) -> SocialSummary:
    """Followers, growth, reach, impressions, engagements, posts and rates for the period."""
    return narrowed(db, group_figures(db, period), period.district_ids)


def narrowed(db: Database, figures: GroupFigures, district_ids: Sequence[str]) -> SocialSummary:
    """``summary`` for ``district_ids`` from ``figures`` worked out for them and perhaps more districts (the same
    months and platforms): a district change within those reads them instead of working every figure out again."""
    if not set(district_ids) <= set(figures.period.district_ids):
        raise ValueError("narrowed: figures were worked out without some of these districts")
    pops, names, force_pop = populations(db)
    period = figures.period
    n = len(period.months())
    ids = list(district_ids)
    if unknown_left_out(names, period.district_ids, ids):
        return summary(db, Period(period.quarter_from, period.quarter_to, tuple(ids), period.platforms))
    accounts = figures.accounts[figures.accounts["district_id"].isna() | figures.accounts["district_id"].isin(ids)]
    months = figures.months[figures.months["district_id"].isna() | figures.months["district_id"].isin(ids)]
    account_group = accounts["district_id"].map(names).fillna(FORCE_WIDE)
    chosen = [names[d] for d in ids if d in names]
    group_pop = {names[d]: pops[d] for d in ids if d in names} | {FORCE_WIDE: force_pop}
    per_group = account_group.value_counts()
    rows = [
        {"name": name, "accounts": int(per_group.get(name, 0))} | _figures(figures.per_group, name, n)
        for name in [*chosen, FORCE_WIDE]
    ]
    # All the chosen districts' pages together, against the force-wide pages.
    district_only = months[months["district_id"].notna()]
    district_accounts = set(accounts.loc[accounts["district_id"].notna(), "account_id"])
    together = group_months(
        district_only, pd.Series(ALL_DISTRICTS, index=district_only.index), period, {ALL_DISTRICTS: district_accounts}
    )
    pop = sum(pops[d] for d in ids if d in pops)
    all_districts = (
        _figures(_summarise(together, {ALL_DISTRICTS: pop}, n).to_dict("index"), ALL_DISTRICTS, n)
        if len(district_only)
        else {"months_reported": 0, "months": n}
    )
    rows.append({"name": ALL_DISTRICTS, "accounts": int(district_only["account_id"].nunique())} | all_districts)
    districts = pd.DataFrame(rows)
    acc_rows = [
        {
            "account_id": a.account_id,
            "account": a.account,
            "handle": a.handle,
            "platform": a.platform,
            "district": names.get(a.district_id, FORCE_WIDE),
        }
        | _figures(figures.per_account, a.account_id, n)
        for a in accounts.itertuples(index=False)
    ]
    acc = pd.DataFrame(acc_rows)
    if len(acc):
        acc = acc.drop(columns=["followers_per_1k", "reach_per_1k"], errors="ignore")
        total = acc.groupby("district")["followers_end"].transform("sum")
        acc["share_of_district_followers"] = 100 * acc["followers_end"] / total.where(total > 0)
    monthly = figures.by_group[figures.by_group["group"].isin(set(account_group))]
    monthly = monthly.rename(columns={"group": "name"}).reset_index(drop=True)
    monthly["population"] = monthly["name"].map(group_pop)
    for col in ("followers", "reach", "impressions", "engagements"):
        monthly[f"{col}_per_1k"] = 1_000 * monthly[col] / monthly["population"]
    with np.errstate(divide="ignore", invalid="ignore"):
        monthly["engagement_rate"] = (
            100 * monthly["engagements"] / monthly["impressions"].where(monthly["impressions"] > 0)
        )
    return SocialSummary(districts, acc, monthly, _by_platform(acc))


def _by_platform(acc: pd.DataFrame) -> pd.DataFrame:
    """Per district (and the force-wide pages) and platform: followers at the end, reach, impressions."""
    if acc.empty:
        return pd.DataFrame(columns=["district", "platform", "followers_end", "reach_avg", "impressions"])
    cols = ["followers_end", "reach_avg", "impressions", "engagements", "posts"]
    out = acc.groupby(["district", "platform"], sort=False)[cols].sum(min_count=1).reset_index()
    return out


@dataclass(frozen=True)
class Association:
    """Reach against feeling informed, by district: the points and a rank correlation."""

    points: pd.DataFrame
    rho: float
    p_value: float
    n: int


def reach_vs_informed(db: Database, period: Period, reach: pd.DataFrame, rule: SuppressionRule) -> Association:
    """Each district's average monthly reach per 1,000 residents against % feeling well informed.

    ``reach`` is ``summary(...).districts``. The survey figure is pooled over the period's
    quarters, with its interval and the suppression rule. Spearman's rank correlation is
    reported with its p-value: with ten districts it shows association at most, never cause.
    """
    _, names, _ = populations(db)
    sums = measures.positive_sums(
        db, "feel_informed", period.quarter_from, period.quarter_to, by=["district_id"],
        district_ids=period.district_ids,
    )  # fmt: skip
    pooled = sums.groupby("district_id", as_index=False)[["n", *measures.SUM_COLUMNS]].sum()
    est = measures.suppressed_estimates(pooled, rule)
    est["name"] = est["district_id"].map(names)
    pts = est.merge(reach[["name", "reach_per_1k", "followers_per_1k"]], on="name", how="inner")
    ok = pts.dropna(subset=["pct", "reach_per_1k"])
    rho, p = spearman(ok["reach_per_1k"], ok["pct"])  # NaN under three pairs or with a constant column
    return Association(pts.reset_index(drop=True), rho, p, len(ok))
