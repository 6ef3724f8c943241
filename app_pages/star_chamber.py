"""Star Chamber: the presenting district's scorecard, prompts, side-by-side view and actions tracker."""

import streamlit as st

from analytics.pack.meeting_pack import SECTION_TITLES
from analytics.periods import add_quarters, quarter_label
from analytics.star_chamber import tables
from analytics.star_chamber.scorecard import GRADE_RULE_TEXT
from analytics.survey.trend_charts import small_multiples
from analytics.verdicts import BREAK_RULE, DISTRICT_RULE
from ui import action_forms, auth, chart_block, data, escape, page, plan_view, presenter, table_view, url_state, widgets
from ui.cache import star_chamber, survey

f, version, rule, limits = page.page_start("Star Chamber")
rounds = star_chamber.sc_rounds(version)
if not rounds:
    st.info("There are no Star Chamber meetings in this data yet.")
    st.stop()

c1, c2 = st.columns(2)
round_key = url_state.selectbox(
    "Meeting", "round", list(rounds), default=next(iter(rounds)), format_func=lambda r: rounds[r].label, container=c1
)
presenting_ids = sorted(rounds[round_key].district_ids, key=f.district_names.get)
before = url_state.remembered("presenting")
presenting = url_state.selectbox(
    "Presenting district",
    "presenting",
    presenting_ids,
    default=presenting_ids[0],
    format_func=f.district_names.get,
    container=c2,
)
if before in presenting_ids and before != presenting:
    # The side by side follows the panel to the next district (not a district this round's list has replaced).
    url_state.swap("compare", before, presenting)
presenter.showing(presenting, among=presenting_ids)  # the presenter's heading names it; stepping keeps to these
seen = star_chamber.sc_review(version, round_key, presenting, *limits)
if seen is None:
    st.info("That district did not present at this meeting.")
    st.stop()
meeting, previous, card, kpi, tracker = seen.meeting, seen.previous, seen.scorecard, seen.kpis, seen.actions
plan = seen.plan
name = escape.md_escape(seen.district_name)
st.caption(
    f"{name} at the {rounds[round_key].label} Star Chamber ({meeting.meeting_date:%d %B %Y}), reviewing "
    f"**{quarter_label(meeting.review_quarter)}**, the last complete quarter before the meeting; compared with the "
    f"force, the Most Similar Group, the previous Star Chamber"
    f"{f' ({quarter_label(previous.review_quarter)})' if previous else ' (none)'} and the same quarter a year before."
)

with st.container(border=True):
    st.markdown(
        f"**Meeting pack**: the title, then {', '.join(s.lower() for s in SECTION_TITLES[:-1])} and "
        f"{SECTION_TITLES[-1].lower()}, with the data's date and these choices on every slide."
    )
    if st.button("Build the meeting pack", icon=":material/slideshow:", key="build_pack"):
        st.session_state["_pack_for"] = (version, round_key, presenting)
    if st.session_state.get("_pack_for") == (version, round_key, presenting):
        with st.spinner("Building the pack..."):
            built = star_chamber.meeting_pack(version, round_key, presenting, *limits, data.is_demo())
        stem = f"star_chamber_{round_key}_{presenting}"
        d1, d2 = st.columns(2)
        d1.download_button(
            "Download PowerPoint",
            built[0],
            f"{stem}.pptx",
            key="dl_pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        )
        d2.download_button("Download PDF", built[1], f"{stem}.pdf", key="dl_pdf", mime="application/pdf")

st.header("Questions for the panel")
if seen.prompts:
    st.markdown("\n".join(f"- {escape.md_escape(prompt)}" for prompt in seen.prompts))  # one list, one element
else:
    st.markdown("No significant change or gap stands out this time.")

st.header("Scorecard")
shown, verdicts = tables.scorecard_table(card)
# Column widths (px) that fit beside the sidebar on a 1440 px screen, widened to fill a larger one; a long measure
# name or verdict wraps onto a second line instead of pushing the last column out of sight.
widths = {"Measure": 160, "Grade": 95, "%": 52, "95% CI": 80, "n": 48, "vs force": 85, "vs MSG": 85}
widths |= {"vs last Star Chamber": 138, "vs a year before": 110, "Funnel": 95}
table_view.show(
    widgets.verdict_style(shown, verdicts), column_config={c: {"width": w} for c, w in widths.items()}, wrap=True
)
with st.expander("How the grade and the colours are worked out"):
    st.markdown(escape.md_escape(GRADE_RULE_TEXT))
    st.markdown(escape.md_escape(f"Better, similar or worse than the force: {DISTRICT_RULE} {BREAK_RULE}"))
    st.markdown(
        "Differences are in percentage points; (n.s.) means not significant at 95%. "
        "Cells are coloured only where a difference is significant at 95% (blue better, orange worse), and the "
        "word and symbol say the same, so colour is never the only signal. The Most Similar Group has no published "
        "base, so the district's interval is compared with its value."
    )
table_view.download_csv(shown, f"scorecard_{presenting}_{round_key}.csv", key="dl_scorecard")

st.markdown("**Engagement and social media**")
k_shown, k_verdicts = tables.kpi_table(kpi)
# As the scorecard: widths that fit at 1440 px, a long KPI name wrapping, no interval or verdict cut short.
k_widths = {"KPI": 250, "Value": 62, "95% CI": 88, "Base": 62, "Force": 62, "vs force": 128, "A year before": 98}
k_widths |= {"vs a year before": 128}
table_view.show(
    widgets.verdict_style(k_shown, k_verdicts), column_config={c: {"width": w} for c, w in k_widths.items()}, wrap=True
)
st.caption(
    "Loop closure (concerns raised in the quarter that were acted on and told back, as the data stands) is a "
    "proportion and is tested; rates and counts are shown beside the force but not tested, so they are not coloured."
)

st.header("District Engagement Plan")
with page.varying():  # its number of elements depends on the district
    plan_view.show(plan, f.district_names, key=f"{round_key}_{presenting}")

st.header("Side by side")
labels = survey.questions(version).set_index("question_id")["short_label"].to_dict()
s1, s2 = st.columns([1, 2])
measure = url_state.selectbox(
    "Measure", "measure", list(labels), default=next(iter(labels)), format_func=labels.get, container=s1
)
others = [d for d in f.district_names if d != presenting]
compare = url_state.multiselect(
    "Districts (two to four)",
    "compare",
    list(f.district_names),
    default=[presenting, others[0]],
    format_func=f.district_names.get,
    container=s2,
    max_selections=4,
)
with page.varying():  # a chart or a note, as the choice above says
    if len(compare) < 2:
        st.info("Choose two to four districts to compare side by side.")
    else:
        first = add_quarters(meeting.review_quarter, -7)
        read_with = (version, measure, first, meeting.review_quarter, tuple(sorted(compare)), False, *limits)
        side = survey.district_trends(*read_with)
        chart = chart_block.figure_for(read_with, small_multiples, side, labels[measure], columns=len(compare))
        chart_block.chart(
            chart,
            "side_by_side",
            filename=f"side_by_side_{measure}",
            width="content",
            height=chart.element_height() or "content",
        )

st.header("Actions")
st.caption(
    "Actions set at this and earlier Star Chambers, open ones first by due date: open ones carry forward until "
    "closed; those closed since the last meeting are listed once more. Overdue means open past its due date at "
    "this meeting."
)
if tracker.empty:
    st.info("No actions have been set for this district yet.")
else:
    table_view.show(widgets.overdue_style(tables.actions_table(tracker)))

if not auth.actor().can("edit_actions"):
    st.caption("Actions are updated and added by engagement managers and admins.")
else:
    action_forms.sections(tracker, meeting, presenting)

# Last, so it does not slow this run: the next presenting districts' reviews, worked out while the panel discusses
# this one (in presenter mode, the next that Next steps to).
ahead = presenter.stepping(f.district_ids, f.district_names, presenting_ids) if presenter.is_on() else presenting_ids
star_chamber.review_ahead(version, round_key, presenting, ahead, *limits)
