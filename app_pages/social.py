"""Social media reach: followers, reach and engagement by district and account, and the posts that did it."""

from functools import partial

import streamlit as st

from analytics.contract.vocabulary import POST_TAGS
from analytics.periods import quarter_end, quarter_key, quarter_label
from analytics.social import charts, tables
from analytics.social.figures import ALL_DISTRICTS, FORCE_WIDE
from ui import chart_block, escape, page, table_view, url_state
from ui.cache import social

f, version, rule, limits = page.page_start("Social media reach")
available = social.platforms(version)
if not available:
    st.info(
        "There are no social-media accounts in this data yet. Add an account and import X or Meta analytics "
        "exports with `python -m analytics.ingest.social` (see the README).",
        icon=":material/info:",
    )
    st.stop()
if not f.district_ids:
    st.info("Choose at least one district in the sidebar.", icon=":material/info:")
    st.stop()

c1, c2, c3 = st.columns([2, 1, 2])
metric = url_state.selectbox(
    "Measure",
    "metric",
    list(charts.MEASURES),
    default="reach",
    format_func=lambda m: charts.MEASURES[m][0],
    container=c1,
)
scale = url_state.selectbox(
    "Scale",
    "scale",
    ["count", "per_1k"],
    default="per_1k",
    format_func={"count": "Counts", "per_1k": "Per 1,000 residents"}.get,
    container=c2,
    help="Per 1,000 residents of the district (the force-wide pages: of the force), so districts of different "
    "sizes compare fairly. Posts and engagement rate are not divided.",
)
chosen_platforms = url_state.multiselect("Platforms", "platform", available, default=available, container=c3)
if not chosen_platforms:
    st.info("Choose at least one platform.", icon=":material/info:")
    st.stop()

# Everything the page's figures are read with, the data version first: the charts' cache key as well.
args = (version, f.quarter_from, f.quarter_to, f.district_ids, tuple(sorted(chosen_platforms)))
result = social.summary(*args)
period_text = f"{f.quarter_from:%B %Y} to {quarter_end(f.quarter_to):%B %Y}"
stem = f"social_{quarter_key(f.quarter_from)}_{quarter_key(f.quarter_to)}"
names = [n for n in result.districts["name"] if n not in (FORCE_WIDE, ALL_DISTRICTS)]
st.caption(
    f"{quarter_label(f.quarter_from)} to {quarter_label(f.quarter_to)} ({period_text}), "
    f"{escape.md_escape(', '.join(chosen_platforms))}. Reach is people reached in a month, as the platform "
    "counts them; X reports none, so its pages have impressions but no reach. A month an account did not report "
    "is left blank, never counted as zero."
)

# --- districts ----------------------------------------------------------------------
st.header("Districts in the period")
pages = tables.pages_table(result.districts)
table_view.show(pages, height="content")
st.caption(
    "Districts served by more than one account count them together here (a person following both counts twice, "
    "as the platforms count); each account is apart in the table further down. Growth runs from the first to the "
    "last month reported in the period."
)
table_view.download_csv(pages, f"{stem}_districts.csv", key="dl_social_districts")

# --- trend --------------------------------------------------------------------------
column, title, _ = charts.measure_column(metric, scale == "per_1k")
st.header("Month by month")
chart = chart_block.figure_for(
    (*args, metric, scale), charts.monthly_chart, result.monthly, metric, scale == "per_1k", names
)
comparable = column != metric or metric == "engagement_rate"
table_names = [*names, FORCE_WIDE] if comparable else names
chart_block.chart_block(
    chart,
    partial(tables.monthly_table, result.monthly, column, title, table_names),
    f"{stem}_{column}.csv",
    f"**{title}** for each district's pages together, by month. Source: the platforms' monthly figures "
    "(`social_monthly`). Counts, not a sample: no intervals apply.",
    key="dl_social_trend",
    width="stretch",
)
with page.varying():  # drawn or not, as the filters say
    if not comparable:
        force = chart_block.figure_for((*args, metric), charts.force_chart, result.monthly, metric)
        chart_block.chart(
            force, "force_pages", filename=f"{stem}_force_{metric}", width="stretch", height=force.element_height(120)
        )

# --- accounts -----------------------------------------------------------------------
st.header("Accounts")
accounts_table = tables.account_table(result.accounts)
table_view.show(accounts_table, height="content")
table_view.download_csv(accounts_table, f"{stem}_accounts.csv", key="dl_social_accounts")
platform_measure = {"reach": "reach_avg", "impressions": "impressions", "engagements": "engagements"}.get(
    metric, "followers_end"
)
with page.varying():  # as above
    if len(result.platforms):
        by_platform = chart_block.figure_for(
            (*args, platform_measure), charts.platform_chart, result.platforms, platform_measure
        )
        chart_block.chart(
            by_platform,
            "platforms",
            filename=f"{stem}_platforms",
            width="stretch",
            height=by_platform.element_height(110),
        )

# --- posts --------------------------------------------------------------------------
st.header("Top posts in the period")
tags = url_state.multiselect("Tags", "tag", list(POST_TAGS), default=list(POST_TAGS), placeholder="All tags")


def _top_posts(by: str, empty: str, note: str = "") -> None:
    top = social.top_posts(*args, by, tuple(tags))
    if note:
        st.caption(note)
    if top.empty:
        st.write(empty)
        return
    shown = tables.posts_table(top)
    text_column = st.column_config.TextColumn(width="large")
    table_view.show(shown, height="content", column_config={"Text": text_column})
    table_view.download_csv(shown, f"{stem}_top_{by}.csv", key=f"dl_top_{by}")


# Lazy tabs: only the open one's query runs (the choice is in the link as ``posts=``).
top_by, post_tabs = url_state.tabs(
    "posts", {"reach": "By reach", "engagement_rate": "By engagement rate"}, "reach", what="top posts"
)
with post_tabs[top_by]:
    if top_by == "reach":
        _top_posts("reach", "No posts with a reach in the period (X reports none).")
    else:
        _top_posts("engagement_rate", "No posts in the period.", tables.RATE_NOTE)

tag_reach = social.tag_reach(*args)
st.header("Which tags reach furthest")
if tag_reach.empty:
    st.write("No posts in the period.")
else:
    chart_block.chart_block(
        chart_block.figure_for(args, charts.tag_heatmap, tag_reach),
        partial(tables.tag_table, tag_reach),
        f"{stem}_tags.csv",
        "Median people reached per post, by tag, for each district's pages. Colour compares it with the "
        "district's usual post (its median over all tags, = 100), so small and large districts read alike. "
        "Tags are set on import by published rules (a platform label such as Meta's custom labels wins, else "
        "the post's words). Tags with fewer than five posts are not compared.",
        key="dl_social_tags",
        width="stretch",
    )

# --- association --------------------------------------------------------------------
st.header("Reach and feeling informed")
assoc = social.association(*args, *limits)
st.markdown(escape.md_escape(tables.association_sentence(assoc)))
chart_block.chart_block(
    chart_block.figure_for((*args, *limits), charts.association_chart, assoc),
    partial(tables.association_table, assoc),
    f"{stem}_reach_informed.csv",
    "Each district's average monthly reach per 1,000 residents (its district pages, chosen platforms) against "
    "the share who feel well informed about local policing, pooled over the period's quarters, with 95% "
    "intervals (Wilson, on the effective base). Districts with too few answers are not drawn. "
    "**Association, not cause.**",
    key="dl_social_assoc",
    width="stretch",
)
