"""Star Chamber: the presenting district's scorecard, prompts, side-by-side view and actions tracker."""

import pandas as pd
import streamlit as st
from dateutil.relativedelta import relativedelta

from analytics.access import PermissionDenied
from analytics.contract.vocabulary import ACTION_STATUSES, MEETING_THEMES
from analytics.pack.meeting_pack import SECTION_TITLES
from analytics.periods import add_quarters, quarter_label
from analytics.star_chamber import tables
from analytics.star_chamber.actions import ActionConflict, ActionError
from analytics.star_chamber.scorecard import GRADE_RULE_TEXT
from analytics.survey.trend_charts import small_multiples
from analytics.verdicts import BREAK_RULE, DISTRICT_RULE
from ui import auth, chart_block, data, escape, page, plan_view, presenter, table_view, url_state, widgets
from ui.cache import star_chamber, survey


def _editable(action) -> dict:
    """The fields an editor can change, as they stand in ``action`` (a row or a saved dict)."""
    return {
        "status": action["status"],
        "update_note": action["update_note"] or "",
        "owner": action["owner"],
        "due_date": pd.Timestamp(action["due_date"]).date(),
    }


def _update_form(tracker: pd.DataFrame) -> None:
    """Update one of the district's actions: a form keyed on the action, saved against the version opened."""
    if tracker.empty:
        st.write("There is nothing to update.")
    else:
        texts = dict(zip(tracker["action_id"].tolist(), tracker["text"].tolist(), strict=True))
        # Every input keeps its value while the section is closed (persist_state): closing it draws no form, and a
        # refused save's draft must still be there when the editor opens it again.
        chosen = st.selectbox(
            "Action",
            list(texts),
            key="edit_action",
            format_func=lambda a: f"{a}: {texts[a][:60]}",
            persist_state="page",
        )
        row = tracker.set_index("action_id").loc[chosen]
        # What this editor opened: kept across reruns, because a submit reruns the page and would otherwise
        # read the latest version and overwrite someone else's change without noticing.
        opened_key = f"_opened_{chosen}"
        # "base" is what the editor's draft started from (so we know what *they* changed);
        # "version" is what the next save is checked against (it moves on after a refusal).
        opened = st.session_state.setdefault(
            opened_key,
            {"version": int(row["version"]), "base": _editable(row)},
        )
        if opened["version"] != int(row["version"]):
            st.warning(f"This action has changed since you opened it (now version {int(row['version'])}).")
        with st.form("update_action"):
            # Keyed on the action, so a draft survives reruns and a refused save.
            base = opened["base"]
            status = st.selectbox(
                "Status",
                ACTION_STATUSES,
                index=ACTION_STATUSES.index(base["status"]),
                key=f"status_{chosen}",
                persist_state="page",
            )
            note = st.text_area(
                "Update",
                value=opened["base"]["update_note"],
                max_chars=500,
                key=f"note_{chosen}",
                persist_state="page",
            )
            o1, o2 = st.columns(2)
            owner = o1.text_input(
                "Owner (role)", value=base["owner"], max_chars=100, key=f"owner_{chosen}", persist_state="page"
            )
            due = o2.date_input(
                "Due",
                value=opened["base"]["due_date"],
                key=f"due_{chosen}",
                format=table_view.DATE_FORMAT,
                persist_state="page",
            )
            submitted = st.form_submit_button("Save update")
        if submitted:
            draft = {"status": status, "update_note": note, "owner": owner, "due_date": due}
            changes = {k: v for k, v in draft.items() if v != opened["base"][k]}
            try:
                if not changes:
                    st.info("Nothing changed.")
                else:
                    saved = star_chamber.save_action_update(chosen, opened["version"], changes)
                    st.session_state[opened_key] = {"version": int(saved["version"]), "base": _editable(saved)}
                    st.success(f"Saved {escape.md_escape(chosen)} (version {saved['version']}).")
            except ActionConflict as conflict:
                newer = conflict.current
                # The draft stays in the form; only the fields this editor changed go on top of the newer version.
                st.session_state[opened_key] = {"version": int(newer["version"]), "base": opened["base"]}
                st.error(
                    f"Not saved: {escape.md_escape(str(conflict))} since you opened it. Their version is "
                    "below and your draft is still in the form; save again to apply only what you changed."
                )
                st.json(
                    {
                        k: str(v)
                        for k, v in newer.items()
                        if k in ("status", "update_note", "updated_by", "updated_at", "version")
                    }
                )
            except (ActionError, PermissionDenied, OSError) as exc:
                st.error(f"Not saved: {escape.md_escape(str(exc))}")


def _add_form(meeting, presenting: str) -> None:
    """Add an action set at this meeting for the presenting district."""
    with st.form("add_action", clear_on_submit=True):
        text = st.text_input("What is to be done", max_chars=300)
        a1, a2, a3 = st.columns(3)
        theme = a1.selectbox("Theme", MEETING_THEMES)
        owner = a2.text_input("Owner (role)", max_chars=100)
        due = a3.date_input("Due", value=meeting.meeting_date + relativedelta(months=3), format=table_view.DATE_FORMAT)
        added = st.form_submit_button("Add action")
    if added:
        try:
            saved = star_chamber.save_new_action(
                meeting.meeting_id, presenting, {"text": text, "theme": theme, "owner": owner, "due_date": due}
            )
            st.success(f"Added {escape.md_escape(saved['action_id'])}.")
        except (ActionError, PermissionDenied, OSError) as exc:
            st.error(f"Not added: {escape.md_escape(str(exc))}")


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
table_view.show(widgets.verdict_style(k_shown, k_verdicts))
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
    "Actions set at earlier Star Chambers: open ones carry forward until closed; those closed since the last "
    "meeting are listed once more. Overdue means open past its due date at this meeting."
)
if tracker.empty:
    st.info("No actions have been set for this district yet.")
else:
    table_view.show(widgets.overdue_style(tables.actions_table(tracker)))

if not auth.actor().can("edit_actions"):
    st.caption("Actions are updated and added by engagement managers and admins.")
else:
    # Drawn only while open: a closed form sends the browser nothing, so moving to the next presenting district does
    # not rebuild two forms nobody has opened (11 of the page's 65 elements). Opening one reruns
    # the page; it stays open, following the presenting district, until it is closed.
    with st.expander("Update an action", key="sc_update_action_open", on_change="rerun") as section:
        if section.open:
            _update_form(tracker)
    with st.expander("Add an action from this meeting", key="sc_add_action_open", on_change="rerun") as section:
        if section.open:
            _add_form(meeting, presenting)

# Last, so it does not slow this run: the next presenting districts' reviews, worked out while the panel discusses
# this one (in presenter mode, the next that Next steps to).
ahead = presenter.stepping(f.district_ids, f.district_names, presenting_ids) if presenter.is_on() else presenting_ids
star_chamber.review_ahead(version, round_key, presenting, ahead, *limits)
