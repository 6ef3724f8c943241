"""Engagement activity map: where, what and with whom the force engages, and where it does not."""

import pandas as pd
import streamlit as st

from analytics.contract.vocabulary import ACTIVITY_TYPES, AUDIENCE_GROUPS, EVENT_STATUSES, STRANDS
from analytics.engagement import boundaries, context_layer, demand, maps, tables
from analytics.engagement.activity import MAX_POINTS
from ui import chart_block, data, escape, page, table_view, url_state
from ui.cache import engagement, survey

f, version, rule, limits = page.page_start("Engagement activity map")
if not f.district_ids:
    st.info("Choose at least one district in the sidebar.", icon=":material/info:")
    st.stop()

# The long lists (activity, audience) get half the width each and wrap their chips onto more rows; the short ones
# share the second row. Squeezed into one row, the chips were cut to "L..", "h..".
c1, c2, c3 = st.columns([1, 3, 3])
view = url_state.selectbox(
    "Show",
    "view",
    ["points", "hexagon"],
    default="points",
    format_func={"points": "Events", "hexagon": "Density"}.get,
    container=c1,
)
types = url_state.multiselect(
    "Activity",
    "type",
    list(ACTIVITY_TYPES),
    default=list(ACTIVITY_TYPES),
    container=c2,
    placeholder="All activities",
    wrap=True,
)
audiences = url_state.multiselect(
    "Audience",
    "audience",
    list(AUDIENCE_GROUPS),
    default=list(AUDIENCE_GROUPS),
    container=c3,
    placeholder="All audiences",
    wrap=True,
)
c4, c5, g1, g2 = st.columns(4)
strands = url_state.multiselect("Strand", "strand", list(STRANDS), default=list(STRANDS), container=c4, wrap=True)
statuses = url_state.multiselect("Status", "status", list(EVENT_STATUSES), default=["held"], container=c5, wrap=True)
gap_months = int(url_state.selectbox("Gap after (months)", "gap", ["3", "6", "12"], default="3", container=g1))
context_options = ["none", "asb"] if engagement.police_uk_folder() else ["none"]
context = url_state.selectbox(
    "Context layer",
    "context",
    context_options,
    default="none",
    container=g2,
    format_func={"none": "None", "asb": "Anti-social behaviour (police.uk)"}.get,
    help="Set ENGAGEMENT_POLICE_UK_DIR to a folder of police.uk street-level CSV files to offer this layer.",
)

if not (types and strands and audiences and statuses):
    st.info("Each filter needs at least one value: nothing matches an empty choice.")
    st.stop()

# Everything the page's figures are read with, the data version first: the charts' cache key as well.
read_with = (
    version,
    f.quarter_from,
    f.quarter_to,
    f.district_ids,
    tuple(types),
    tuple(strands),
    tuple(audiences),
    tuple(statuses),
    gap_months,
)
points, total, summary, mix, gaps = engagement.activity_figures(*read_with)
views_read_with = (version, f.quarter_from, f.quarter_to, f.district_ids)
views, monthly = engagement.map_views(*views_read_with)
areas = engagement.district_areas(version)
asb = engagement.anti_social_behaviour(version, f.quarter_from, f.quarter_to) if context == "asb" else None
names = dict(zip(survey.districts(version)["district_id"], survey.districts(version)["name"], strict=True))
with page.varying():  # how many notes there are depends on the filters
    if asb is not None:
        for line in context_layer.describe(asb, list(f.district_ids), names):
            st.caption(escape.md_escape(line))
        if asb.files_not_read:
            with st.expander(f"Files in the police.uk folder not read ({len(asb.files_not_read)})"):
                st.dataframe(
                    pd.DataFrame(asb.files_not_read, columns=["File", "Why it is not read"]),
                    hide_index=True,
                    width="stretch",
                )
    st.caption(
        f"{total:,} events with a place in the chosen quarters and districts"
        + (f"; the map shows a repeatable sample of {MAX_POINTS:,}." if total > len(points) else ".")
        + (" Online events have no place and are counted in the tables only." if "Online meeting" in types else "")
    )
    for note in areas.notes:
        st.caption(escape.md_escape(note))

drawn = asb is not None and bool(asb.covered)
left, right = st.columns([3, 1])
with left:
    places = survey.districts(version)[["district_id", "name", "lat", "lon", "population"]]
    deck = maps.activity_deck(
        points,
        places.assign(chosen=places["district_id"].isin(f.district_ids)),
        view,
        areas.outlines,
        data.check_settings().map_style,
        asb.cells_for(f.district_ids) if drawn else None,
    )
    event = st.pydeck_chart(
        deck,
        on_select="rerun",
        selection_mode="single-object",
        key="activity_map",
        height=560,
        alt="Map of engagement events; the tables below give every figure.",
    )
    if areas.outlines or drawn:
        st.caption(
            " ".join(
                ([boundaries.ATTRIBUTION] if areas.outlines else [])
                + (["Crime data: police.uk, Open Government Licence v3.0."] if drawn else [])
            )
        )
with right:
    # Drawn from its spec (chart_block.draw): st.altair_chart switches Altair's global data transformer while it
    # converts, under other sessions building charts at the same moment.
    legend = chart_block.figure(maps.legend_chart, list(types), context=drawn)
    chart_block.draw(
        legend,
        width="content",
        alt="Map colours: " + ", ".join(types) + (f", {maps.ASB_LABEL}" if drawn else "") + ".",
    )
    chosen = (event.selection.objects.get("events") or [None])[0] if event and event.selection else None
    if chosen:
        st.markdown("**Selected event**")
        for label, key in (
            ("Title", "title"),
            ("When", "when"),
            ("Type", "activity_type"),
            ("Venue", "venue"),
            ("Audience", "audience_group"),
            ("Attendance", "people"),
        ):
            st.text(f"{label}: {chosen.get(key, '')}")
    else:
        st.caption("Click an event on the map to see its details here.")

st.header("Districts in the chosen quarters")
table = tables.district_table(summary)
table_view.show(table)
st.caption(
    "Events held and Cancelled % count events of every status (the Status filter chooses what the map draws): "
    "Cancelled % is cancelled events as a share of those held or cancelled, as on the Star Chamber scorecard."
)
table_view.download_csv(table, "activity_by_district.csv", key="dl_activity")

if engagement.police_uk_folder() is not None:
    st.header("Anti-social behaviour beside engagement")
    figures, force = engagement.demand_beside_engagement(
        version, f.quarter_from, f.quarter_to, f.district_ids, tuple(types), tuple(strands), tuple(audiences), *limits
    )
    layer = asb if asb is not None else engagement.anti_social_behaviour(version, f.quarter_from, f.quarter_to)
    if not layer.covered:
        st.info(escape.md_escape(context_layer.describe(layer, list(f.district_ids), names)[0]))
    else:
        st.caption(
            escape.md_escape(
                f"Anti-social behaviour in {layer.coverage_text()} of police.uk files; events, concerns and loop "
                f"closure in the chosen quarters. Loop closure below {limits[0]} concerns is not shown. Side by "
                f"side, these are an {demand.ASSOCIATION}."
            )
        )
        for line in demand.callouts(figures, force):
            st.markdown("- " + escape.md_escape(line))
        shown = demand.demand_table(figures)
        st.dataframe(shown, hide_index=True, width="stretch")
        table_view.download_csv(shown, "demand_beside_engagement.csv", key="dl_demand")
        chart_block.chart(
            chart_block.figure(demand.demand_chart, figures, force.asb_per_1k, force.events_per_10k),
            "demand_chart",
            summary="Anti-social behaviour per 1,000 residents against events per 10,000, a point per district; "
            "an association, not cause. The table above gives the chosen districts' figures.",
            filename="demand_beside_engagement",
            width="stretch",
        )

st.header("Mix of activity")
chart_block.chart(
    chart_block.figure_for(read_with, maps.mix_chart, mix), "activity_mix", filename="activity_mix", width="stretch"
)

g1, g2 = st.columns(2)
with g1:
    st.header("Engagement gaps")
    st.caption(
        f"Towns with events before but no face-to-face event in the {gap_months} months to the end of the range."
    )
    if gaps.empty:
        st.write("None: every town with past events had one in that time.")
    else:
        table_view.show(tables.gaps_table(gaps))
with g2:
    st.header("Public map views")
    st.caption(
        f"Force: {views['force_per_1k'].iloc[0]:.1f} views per 1,000 residents; flagged under three quarters of it."
        if len(views)
        else ""
    )
    table_view.show(tables.map_views_table(views))

if len(monthly):
    chart_block.chart(
        chart_block.figure_for(views_read_with, maps.map_views_chart, monthly),
        "map_views",
        filename="map_views",
        width="stretch",
        height=380,
    )
