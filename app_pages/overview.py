"""Overview: the latest quarter at a glance, and districts against the force."""

import streamlit as st

from analytics.periods import quarter_label
from analytics.survey import tables, tile_map, trend_charts
from analytics.verdicts import DISTRICT_RULE
from ui import chart_block, page, table_view, text, url_state, widgets
from ui.cache import survey

f, version, rule, limits = page.page_start("Overview")

st.caption(
    f"Force-wide figures for **{quarter_label(f.quarter_to)}** (the last quarter of the chosen range), "
    "each against the same quarter a year before."
)
tiles = survey.measure_tiles(version, f.quarter_to, rule.hide_below, rule.flag_below)
for col, row in zip(st.columns(len(tiles)), tiles.itertuples(index=False), strict=True):
    widgets.measure_tile(col, row)
text.about_measures(tiles, rule, survey.questions(version))

st.header("Districts against the force")
questions = survey.questions(version)
labels = dict(zip(questions["question_id"], questions["short_label"], strict=True))
measure = url_state.selectbox(
    "Measure", "measure", list(labels), default=next(iter(labels)), format_func=lambda q: labels[q]
)
if not f.district_ids:
    st.info("Choose at least one district in the sidebar to compare districts.", icon=":material/info:")
else:
    comparison = survey.district_comparison(
        version, measure, f.quarter_to, f.district_ids, rule.hide_below, rule.flag_below
    )
    left, right = st.columns([1, 1])
    with left:
        chart_block.chart(
            chart_block.figure_for(
                (version, measure, f.quarter_to, tuple(f.district_ids), limits),
                tile_map.tile_map,
                comparison,
                f"{labels[measure]}, {quarter_label(f.quarter_to)}",
            ),
            "tile_map",
            "Each district as a tile, coloured (and marked ▲ or ▼) only where it differs significantly from the force.",
            f"{measure}_tile_map",
            tabled=True,
            canvas=True,  # a tile per district
            width="content",
            height=tile_map.tile_map_display_height(comparison),
        )
    with right:
        table = tables.comparison_table(comparison[comparison["selected"]])
        table_view.show(table)
        st.caption(
            f"{DISTRICT_RULE} Coloured (and marked ▲ or ▼) only then; the force's value here is "
            f"{text.pct(comparison['force_pct'].iloc[0], 1)}. "
            f"Bases (n) under {rule.hide_below} are not shown; under {rule.flag_below} flagged ⚠. "
            "Each district is part of the force it is compared with, which slightly understates differences; "
            "with many comparisons, about one in twenty 'significant' results can arise by chance."
        )

st.header("Force trend")
trend = survey.district_trends(version, measure, f.quarter_from, f.quarter_to, (), False, *limits)
benchmark = survey.benchmark_trend(version, measure, f.quarter_from, f.quarter_to, False)
notes = survey.annotations(version, f.quarter_from, f.quarter_to)
st.caption(
    "With its 95% interval; ▲ / ▼ mark a significant change on a year before, ◆ on the previous quarter. "
    "The dotted line is the Most Similar Group of forces, where published."
)
chart_block.chart(
    chart_block.figure_for(
        (version, measure, f.quarter_from, f.quarter_to, limits),
        trend_charts.survey_trend_chart,
        trend,
        benchmark,
        notes,
        labels[measure],
    ),
    "force_trend",
    filename=f"{measure}_force_trend",
    width="stretch",
    height=trend_charts.TREND_ELEMENT_HEIGHT,
)
