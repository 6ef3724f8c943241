"""What works: is more engagement followed by more confidence the quarter after, within districts over time."""

import streamlit as st

from analytics.contract.vocabulary import ACTIVITY_TYPES
from analytics.periods import add_quarters, quarter_key, quarter_label
from analytics.what_works import charts, district, reading, words
from analytics.what_works.estimate import METHOD
from ui import chart_block, page, presenter, table_view, url_state
from ui.cache import survey
from ui.cache import what_works as ww
from ui.escape import md_escape

f, version, rule, limits = page.page_start("What works")
questions = survey.questions(version)
labels = dict(zip(questions["question_id"], questions["short_label"], strict=True))
c1, c2 = st.columns(2)
default_measure = "feel_informed" if "feel_informed" in labels else next(iter(labels))
measure = url_state.selectbox(
    "Survey measure", "measure", list(labels), default=default_measure, format_func=labels.get, container=c1
)
activity = url_state.selectbox(
    "Activity type (its own row)",
    "type",
    list(ACTIVITY_TYPES),
    default="Street pop-up",
    container=c2,
    help="Events of this activity type per 10,000 residents are estimated as a row of their own, beside all events.",
)
label = labels[measure]
names = survey.districts(version).set_index("district_id")["name"].to_dict()
st.caption(
    f"**{md_escape(label)}**, results from {quarter_label(f.quarter_from)} to {quarter_label(f.quarter_to)}, "
    f"each against the district's engagement in the quarter before. Every district ({len(names)}) is in the "
    "estimate, whichever districts the sidebar chooses; the district view below follows the sidebar."
)
result = ww.what_works(version, measure, label, f.quarter_from, f.quarter_to, activity, *limits)
if result.shortfall:
    st.info(result.shortfall, icon=":material/info:")
    st.stop()

# --- force-wide ---------------------------------------------------------------------------------
st.header(md_escape(f"What is followed by {label.lower()}"))
st.markdown(f"**An {words.ASSOCIATION}.** {words.CAVEAT}")
findings = reading.frame(result)
stem = f"what_works_{measure}_{quarter_key(f.quarter_from)}_{quarter_key(f.quarter_to)}"
table_view.show(reading.table(result))
table_view.download_csv(reading.table(result), f"{stem}.csv", key="dl_what_works")
lines = []  # one list (one element), not a list per finding
for row in findings.itertuples(index=False):
    sentence = words.verdict_text(row.verdict, label.lower(), row.label, row.p_adjusted, row.mde)
    check = words.CHECK_WORDS[row.check_verdict]
    lines.append(f"- **{md_escape(row.label)}** ({md_escape(row.unit)}): {md_escape(sentence)} Check {check}.")
with page.varying():  # none or one list
    if lines:
        st.markdown("\n".join(lines))
long = charts.estimates_frame(findings)
chart_block.chart_block(
    chart_block.figure(charts.estimates_chart, long, label),
    long,
    f"{stem}_estimates.csv",
    f"Points of {md_escape(label.lower())} per unit of each engagement figure, with 95% intervals. {METHOD}.",
    key="what_works_estimates",
    summary=f"Each engagement figure's estimated link with {label.lower()} the quarter after, with its 95% interval, "
    "beside the same with the quarter two before and the falsification check (the quarter after).",
)
with st.expander("How this is estimated, and what would make it stronger"):
    st.markdown(words.METHOD_NOTE)
    st.markdown(words.CHECK_NOTE)
    st.markdown(words.LAG2_NOTE)
    st.markdown(words.STRONGER)
    st.markdown(f"Method: {METHOD}.")
st.info(words.STRONGER, icon=":material/science:")

# --- one district -------------------------------------------------------------------------------
chosen = [d for d in f.district_ids if d in names] or sorted(names, key=names.get)
focus = url_state.selectbox("District view", "focus", chosen, default=chosen[0], format_func=names.get)
presenter.showing(focus, among=chosen)
name = names[focus]
keys = dict(zip(findings["key"], findings["label"], strict=True))
exposure = url_state.selectbox("Engagement", "exposure", list(keys), default=next(iter(keys)), format_func=keys.get)
st.header(md_escape(f"{name}, its engagement and the quarter after"))
view = district.view(result, exposure, focus, ww.populations(version))
row = findings.set_index("key").loc[exposure]
if view.empty:
    st.info("This district has no quarters with both the engagement and a result the quarter after in this period.")
    st.stop()
estimated = row["coef"] == row["coef"]
st.markdown(
    md_escape(
        f"Force-wide, {keys[exposure].lower()} the quarter before: "
        + (
            f"{words.points(row['coef'])} points ({row['unit']}), 95% interval "
            f"{words.interval(row['ci_low'], row['ci_high'])}; "
            f"{words.VERDICT_WORDS[row['verdict']]}. "
            if estimated
            else "not estimated. "
        )
        + f"{name} over {len(view)} quarters: engagement from {view['exposure'].min():,.2f} to "
        f"{view['exposure'].max():,.2f} (the force's average district: {view['force_exposure'].mean():,.2f})."
    )
)
left, right = st.columns(2)
table = district.display(view)
with left:
    chart_block.chart(
        chart_block.figure(charts.exposure_chart, view, name, keys[exposure]),
        "what_works_district_exposure",
        f"{keys[exposure]} by quarter in {name}, with the force's average district; values in the table below.",
        f"{stem}_{focus}_engagement",
    )
with right:
    chart_block.chart(
        chart_block.figure(
            charts.response_chart, view, name, keys[exposure], label, row["coef"] / row["per"] if estimated else 0.0
        ),
        "what_works_district_response",
        f"Each quarter of {name}: engagement above its usual against {label.lower()} the quarter after, against "
        "its usual gap to the force; the dashed line is the force-wide estimate.",
        f"{stem}_{focus}_response",
    )
chart_block.data_section(
    "Data behind these charts, and about these numbers",
    table,
    f"{stem}_{focus}.csv",
    f"Quarters from {quarter_label(add_quarters(f.quarter_from, -1))}: the district's engagement, the force's "
    "(its districts averaged by population), and the result the quarter after. One district's quarters are "
    "few and noisy: the force-wide estimate above is the one to read.",
    key="what_works_district",
)
