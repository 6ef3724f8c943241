"""Confidence trends: district-by-district survey results, with what is and is not a real change."""

from functools import partial

import streamlit as st

from analytics.periods import quarter_key
from analytics.stats import FUNNEL_METHOD, TEST_NAME
from analytics.survey import section_charts, tables
from analytics.survey import trend_charts as charts
from analytics.survey.reading import district_summaries as trend_summaries
from analytics.survey.reading import furthest_from_force
from analytics.survey.trends import period_label
from analytics.verdicts import BREAK_RULE
from ui import chart_block, escape, filters, page, text, url_state
from ui.cache import survey

f, version, rule, limits = page.page_start("Confidence trends")

questions = survey.questions(version).set_index("question_id")
labels = questions["short_label"].to_dict()
c1, c2, c3 = st.columns([2, 1, 1])
measure = url_state.selectbox(
    "Measure", "measure", list(labels), default=next(iter(labels)), format_func=labels.get, container=c1
)
mode = url_state.selectbox(
    "Periods",
    "mode",
    ["quarter", "rolling"],
    default="quarter",
    format_func={"quarter": "Single quarters", "rolling": "Rolling four quarters (pooled)"}.get,
    container=c2,
    help="Pooling a rolling year quadruples each district's base, so smaller changes can be detected.",
)
focus_options = ["force", *f.district_names]
focus = url_state.selectbox(
    "Focus (answers and groups)",
    "focus",
    focus_options,
    default="force",
    format_func=lambda d: "Whole force" if d == "force" else f.district_names[d],
    container=c3,
)
pooled = mode == "rolling"
question = questions.loc[measure]
label = labels[measure]
focus_id = None if focus == "force" else focus
focus_name = "the whole force" if focus_id is None else f.district_names[focus_id]
stem = f"{measure}_{quarter_key(f.quarter_from)}_{quarter_key(f.quarter_to)}_{mode}"
# What every chart's data is read with: charts are cached on this, not on their frames' contents.
chosen_key = (version, measure, f.quarter_from, f.quarter_to, pooled, limits, tuple(f.district_ids))

# --- trend --------------------------------------------------------------------------
trend = survey.district_trends(version, measure, f.quarter_from, f.quarter_to, f.district_ids, pooled, *limits)
benchmark = survey.benchmark_trend(version, measure, f.quarter_from, f.quarter_to, pooled)
notes = survey.annotations(version, f.quarter_from, f.quarter_to)
st.header("Trend")
st.caption(
    "Each line carries its 95% interval (drawn as a band for up to three districts; with more, see the tooltips, "
    "the table and the panels below). ▲ / ▼ mark a significant change on a year before; ◆ a significant "
    "change on the previous quarter (single quarters only: overlapping rolling years are not tested against each "
    "other). A survey method change breaks the line. " + BREAK_RULE
)
with page.varying():  # the choice and its note, as the filters say
    if not f.district_ids:
        st.info("No district is chosen in the sidebar: showing the force only.", icon=":material/info:")
        lines = []
    else:
        # The chart's own lines: every district the sidebar names, or, with all of them, a readable few.
        lines = filters.chart_districts(
            f,
            furthest_from_force(trend),
            help=f"Any district chosen in the sidebar. With all of them chosen, the chart opens on the force and the "
            f"{filters.READABLE_LINES} districts furthest from it over these quarters. Kept in the page address.",
        )
        if len(lines) < len(f.district_ids):
            st.caption(
                f"{len(lines)} of the {len(f.district_ids)} chosen districts drawn: add others above. Every chosen "
                "district has its own panel under District by district."
            )
drawn = trend[(trend["kind"] != "district") | trend["series_id"].isin(lines)]
bases = drawn["n"].dropna() if drawn["n"].notna().any() else drawn["n"].fillna(0)
chart_block.chart_block(
    chart_block.figure_for((*chosen_key, tuple(lines)), charts.survey_trend_chart, drawn, benchmark, notes, label),
    partial(tables.trend_table, drawn, benchmark),
    f"trend_{stem}.csv",
    text.about_text(
        question,
        f"unweighted answers per {'rolling year' if pooled else 'quarter'}: {int(bases.min()):,} to "
        f"{int(bases.max()):,}; values with a base under {rule.hide_below} are not shown, under "
        f"{rule.flag_below} flagged",
        f"95% Wilson intervals on the effective base; changes by {TEST_NAME}.",
    ),
    key="dl_trend",
    width="stretch",
    height=charts.TREND_ELEMENT_HEIGHT,
)

points, funnel_limits = survey.funnel(version, measure, f.quarter_to, pooled, *limits)
with page.varying():  # as many sentences as districts
    if lines:
        st.markdown("**In words**")
        chosen = drawn[drawn["series_id"].isin(lines)]
        summaries = trend_summaries(chosen, points)
        if summaries:  # one list (one element), not a list per sentence: a screen reader hears one list of them
            st.markdown("\n".join(f"- {escape.md_escape(sentence)}" for sentence in summaries))

# --- sections: only the open tab runs ----------------------------------------------------
period = period_label(f.quarter_to, pooled)
dimensions = {"age_band": "Age band", "sex": "Sex", "ethnic_group": "Ethnic group"}
section, tabs = url_state.tabs(
    "section",
    {
        "districts": "District by district",
        "answers": "Every answer",
        "funnel": "Funnel and ranking",
        "groups": "Groups",
    },
    default="districts",
)
if section != "groups":
    url_state.keep("breakdown", list(dimensions), "age_band", "break down by")

if section == "districts":
    with tabs["districts"]:
        st.header("District by district")
        if not f.district_ids:
            st.info("Choose districts in the sidebar to see a panel for each.", icon=":material/info:")
        else:
            st.caption("Shared scales, so panels compare directly; the dashed line is the force.")
            chart_block.chart_block(
                chart_block.figure_for(chosen_key, charts.small_multiples, trend, label),
                partial(tables.trend_table, trend[trend["kind"] == "district"], benchmark.iloc[0:0]),
                f"districts_{stem}.csv",
                text.about_text(question, "as in the trend above", "95% Wilson intervals on the effective base."),
                key="dl_multiples",
                width="content",
            )

if section == "answers":
    with tabs["answers"]:
        st.header(f"Every answer: {escape.md_escape(focus_name)}")
        dist = survey.answer_distribution(version, measure, f.quarter_from, f.quarter_to, focus_id, pooled, *limits)
        if dist.empty:
            st.info(
                f"No period in this range has {rule.hide_below} or more answers for {escape.md_escape(focus_name)}."
            )
        else:
            chart_block.chart_block(
                chart_block.figure_for(
                    (version, measure, f.quarter_from, f.quarter_to, focus_id, pooled, limits),
                    section_charts.distribution_chart,
                    dist,
                    list(question["answers"]),
                    list(question["positive_answers"]),
                    f"{label}: {focus_name}",
                ),
                partial(tables.distribution_table, dist),
                f"answers_{focus}_{stem}.csv",
                text.about_text(
                    question,
                    f"unweighted answers per period (periods under {rule.hide_below} left out)",
                    'Weighted share of every answer, "Don\'t know" included; the bar right of zero is the headline '
                    "figure.",
                ),
                key="dl_answers",
                width="stretch",
            )

if section == "funnel":
    with tabs["funnel"]:
        st.header(f"Districts in {period}: funnel and ranking")
        st.caption(
            "A district outside the funnel's limits differs from the force by more than chance explains; inside "
            "them, its place in a ranking is noise. Read the ranking only with the funnel."
        )
        left, right = st.columns([3, 2])
        with left:
            chart_block.chart(
                chart_block.figure_for(
                    (version, measure, f.quarter_to, pooled, limits),
                    section_charts.funnel_chart,
                    points,
                    funnel_limits,
                    label,
                ),
                "funnel_chart",
                filename=f"{stem}_funnel",
                width="stretch",
            )
        with right:
            chart_block.chart(
                chart_block.figure_for(
                    (version, measure, f.quarter_to, pooled, limits), section_charts.ranking_chart, points, label
                ),
                "ranking_chart",
                filename=f"{stem}_ranking",
                width="stretch",
            )
        st.caption(
            "Blue: above the force beyond the 95% (light) or 99.8% (dark) limit; orange: below it; grey: within "
            "the limits, where differences are within what chance explains."
        )
        chart_block.data_section(
            "Data behind the funnel and ranking, and about these numbers",
            partial(tables.funnel_table, points),
            f"funnel_{stem}.csv",
            text.about_text(question, f"unweighted answers in {period}", FUNNEL_METHOD + "."),
            key="dl_funnel",
        )

if section == "groups":
    with tabs["groups"]:
        st.header(f"Groups within {escape.md_escape(focus_name)}")
        dimension = url_state.selectbox(
            "Break down by", "breakdown", list(dimensions), default="age_band", format_func=dimensions.get
        )
        year = period_label(f.quarter_to, False)
        st.caption(f"Pooled over the rolling year to {year} so groups have usable bases.")
        breakdown = survey.demographic_breakdown(version, measure, f.quarter_to, dimension, focus_id, True, *limits)
        chart_block.chart_block(
            chart_block.figure_for(
                (version, measure, f.quarter_to, dimension, focus_id, limits),
                section_charts.breakdown_chart,
                breakdown,
                f"{label} by {dimensions[dimension].lower()}: {focus_name}",
            ),
            partial(tables.breakdown_table, breakdown),
            f"groups_{dimension}_{focus}_{stem}.csv",
            text.about_text(
                question,
                f"unweighted answers per group in the year to {year}; groups under {rule.hide_below} are not shown",
                "95% Wilson intervals on the effective base.",
            ),
            key="dl_groups",
            width="stretch",
        )
