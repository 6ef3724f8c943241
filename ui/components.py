"""Small presentation helpers shared by pages: banners, tiles, notes."""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass

import streamlit as st

from analytics.charts import images as chart_export
from analytics.charts import theme as chart_theme
from analytics.charts.common import fmt_pct
from analytics.stats import format_p
from analytics.verdicts import CHANGE_WORDS, NOT_COMPARABLE, interval_words
from ui import data, presenter, table_view
from ui.escape import md_escape


def page_start(title: str):
    """Title a page and return its shared context: (filters, data version, suppression rule, rule thresholds).

    Stops the page with a message when there is no survey data to show.
    """
    from ui import filters

    f = filters.current()
    rule = data.rule()
    st.title(title)
    if f.quarter_to is None:
        st.info("There are no survey answers in this data yet, so there is nothing to show here.")
        st.stop()
    return f, data.data_version(), rule, (rule.hide_below, rule.flag_below)


# Our own fixed stylesheet (no data in it). A slider's value is drawn in the theme's primary colour,
# which on the dark theme cannot contrast with both the sidebar and white text on the district tags;
# the value takes the text colour instead, so both read at 4.5:1 or better.
_ACCESSIBLE_CSS = """
<style>
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"] {
  color: inherit !important;
}
</style>
"""


def accessible_styles() -> None:
    """Small fixes that keep text contrast at WCAG AA on both themes."""
    st.html(_ACCESSIBLE_CSS)


def synthetic_banner() -> None:
    """A visible banner whenever the served data is the synthetic demo."""
    if data.is_demo():
        info = data.demo_info()
        seed = md_escape(info.get("seed"))
        if info.get("kind") == "scale":
            st.warning(
                f"**Synthetic scale data.** Generated for load testing (seed {seed}): real force names, "
                "invented districts and figures. Nothing here is real.",
                icon=":material/science:",
            )
            return
        st.warning(
            f"**Synthetic demo data.** Every figure here is generated (seed {seed}), calibrated to "
            "published force-level results; no real person answered this survey. "
            "Point ENGAGEMENT_DATA_DIR at real data to use your own.",
            icon=":material/science:",
        )


pct = fmt_pct  # one formatter for pages and charts


def points(value: float) -> str:
    """``+1.2 pts``; empty when missing."""
    return "" if value is None or not math.isfinite(value) else f"{value:+.1f} pts"


_NO_COMPARISON = {
    "no data": "no answers a year before",
    "suppressed": "the base a year before is too small",
}


def measure_tile(container, row) -> None:
    """One Overview tile: value, base, interval and change against a year before.

    The delta is coloured (blue better, orange worse: colour-blind safe) and carries
    an arrow only when the change is significant; otherwise it is grey with no arrow.
    """
    with container.container(border=True):
        st.markdown(f"**{md_escape(row.short_label)}**")
        if row.base_status in ("suppressed", "no data"):
            st.metric(md_escape(row.short_label), "–", label_visibility="collapsed")
            st.caption(
                f"Base too small to show (base {row.base_text})."
                if row.base_status == "suppressed"
                else "No answers in this quarter."
            )
            return
        colour = {"improved": "blue", "declined": "orange"}.get(row.change, "gray")
        has_change = math.isfinite(row.change_pts)
        st.metric(
            md_escape(row.short_label),
            pct(row.pct),
            delta=points(row.change_pts) if has_change else None,
            delta_color=colour,
            delta_arrow="auto" if colour != "gray" else "off",
            label_visibility="collapsed",
        )
        if row.change == NOT_COMPARABLE:
            verdict = row.change_words
        elif has_change:
            verdict = f"{CHANGE_WORDS.get(row.change, row.change)} ({format_p(row.p_value)})"
        else:
            verdict = f"no comparison: {_NO_COMPARISON.get(row.prev_base_status, 'not available')}"
        before = f" ({pct(row.prev_pct)})" if has_change else ""
        st.caption(f"Against {row.prev_quarter_label}{before}: {verdict}")
        flag = " · ⚠ low base" if row.base_status == "low base" else ""
        if row.incomplete_note:
            st.caption(f"⚠ {row.incomplete_note}")
        st.caption(f"Base {row.base_text} · 95% interval {interval_words(row.ci_low, row.ci_high)}{flag}")


def _base_rule(question) -> str:
    return (
        '"Don\'t know" is left out of the base'
        if bool(question.get("exclude_dont_know", False))
        else '"Don\'t know" counts in the base'
    )


def about_measures(tiles, rule, questions=None) -> None:
    """'About these numbers': wording, bases and the tests used."""
    with st.expander("About these numbers"):
        st.markdown(
            f"- A percentage is the **weighted** share of positive answers among all answers, "
            '"Don\'t know" included.\n'
            "- The **base** is the unweighted number of answers; intervals are 95% Wilson intervals on the "
            "effective base (sum of weights)² / sum of squared weights.\n"
            f"- **Change** against the same quarter a year before uses a {tiles['test'].iloc[0]}; "
            'overlapping intervals do not prove "no change".\n'
            f"- Bases under **{rule.hide_below}** are never shown; bases under **{rule.flag_below}** are flagged.\n"
            "- Districts are coloured only when their 95% interval excludes the force value."
        )
        rules = questions.set_index("question_id") if questions is not None else None
        for row in tiles.itertuples(index=False):
            base = f" {md_escape(f'({_base_rule(rules.loc[row.question_id])})')}" if rules is not None else ""
            st.markdown(f"**{md_escape(row.short_label)}**: {md_escape(row.wording)}{base}")


# Label (also the file extension and key suffix), renderer, MIME type, icon, and what the file is.
_IMAGE_DOWNLOADS = (
    ("PNG", chart_export.png, "image/png", ":material/image:", "a picture"),
    ("SVG", chart_export.svg, "image/svg+xml", ":material/draw:", "a scalable drawing"),
)


@dataclass(frozen=True)
class Figure:
    """A chart built once: its Vega-Lite spec (plain JSON) and the plot's own height."""

    spec: dict
    plot_height: int | None

    def element_height(self, extra: int = 150) -> int | None:
        """Room for Streamlit's element: the plot plus ``extra`` for title, axes and legend (None: sizes itself)."""
        return self.plot_height + extra if self.plot_height is not None else None


# Room for whole legend labels and titles (district names, symbol meanings); screen readers get the
# chart's one-sentence summary and its table, not each drawn mark.
_LEGEND = {"labelLimit": 260, "titleLimit": 280, "symbolOpacity": 1}
_MARK = {"aria": False}


def _built(chart) -> Figure:
    """An Altair chart, or a spec filled from a template (analytics.charts.common.Spec), as a Figure."""
    from analytics.charts.common import element_height

    height = element_height(chart, extra=0)
    if isinstance(chart, dict):
        spec = chart_export.spec_of(chart)
        config = spec.setdefault("config", {})
        config["legend"] = {**config.get("legend", {}), **_LEGEND}
        config["mark"] = {**config.get("mark", {}), **_MARK}
    else:
        try:
            chart = chart.configure_legend(**_LEGEND).configure_mark(**_MARK)
        except (ValueError, AttributeError):
            pass
        spec = chart_export.spec_of(chart)
    missing = _named_data(spec) - set(spec.get("datasets") or {})
    if missing:  # never cached: a spec without its rows would draw an empty chart for everyone
        raise RuntimeError(f"A chart was built without its data ({', '.join(sorted(missing))}).")
    return Figure(spec, height)


def _named_data(node) -> set[str]:
    """The names of the data sets a spec draws from."""
    if isinstance(node, list):
        return set().union(*map(_named_data, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["data"]["name"]} if isinstance(node.get("data"), dict) and "name" in node["data"] else set()
    return found.union(*(_named_data(v) for k, v in node.items() if k not in ("data", "datasets")))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_figure(module: str, name: str, args: tuple, kwargs: dict) -> Figure:
    if not module.startswith("analytics."):
        raise ValueError(f"{module}.{name} is not a chart builder")
    return _built(getattr(importlib.import_module(module), name)(*args, **kwargs))


def figure(builder, *args, **kwargs) -> Figure:
    """``builder(*args, **kwargs)`` (an Altair chart builder in analytics) as a Figure, built once per inputs.

    Building an Altair chart and writing its spec is most of a page's run. The spec depends only on
    the builder's inputs (data frames hashed by content), so it is cached across runs and sessions:
    a filter change rebuilds only the charts whose data it changed.
    """
    return _cached_figure(builder.__module__, builder.__qualname__, args, kwargs)


def chart(chart, key: str, summary: str = "", filename: str = "chart", **chart_kwargs) -> None:
    """A chart (a Figure, or an Altair chart), a one-sentence text alternative beneath it, and its image
    as PNG and SVG (made on the server)."""
    fig = chart if isinstance(chart, Figure) else _built(chart)
    height = fig.element_height()
    if height and "height" not in chart_kwargs:
        chart_kwargs["height"] = height
    spec = fig.spec  # the light chart: what the downloads give
    title = chart_export.title_of(spec)
    sentence = summary or (f"{title}. " if title else "") + "Every value drawn is in the table with this chart."
    st.vega_lite_chart(spec=_for_screen(spec), alt=sentence, **_screen_kwargs(chart_kwargs))
    c1, c2, c3 = st.columns([6, 1, 1], vertical_alignment="center")
    c1.caption(md_escape(sentence))
    for column, (label, make, mime, icon, what) in zip((c2, c3), _IMAGE_DOWNLOADS, strict=True):
        column.download_button(
            label,
            data=lambda make=make: make(spec),  # made on the server when clicked
            file_name=f"{filename}.{label.lower()}",
            mime=mime,
            key=f"{key}_{label.lower()}",
            on_click="ignore",
            icon=icon,
            help=f"The chart as {what} (made on the server)",
        )


def _for_screen(spec: dict) -> dict:
    """The chart as this screen shows it: projector type in presenter mode, dark inks on a dark page."""
    if presenter.is_on():
        return chart_theme.for_projector(spec)
    if st.context.theme.type == "dark":
        return chart_theme.recolour(spec)
    return spec


def _screen_kwargs(chart_kwargs: dict) -> dict:
    """Presenter mode draws plain black on white (its own projector theme), not Streamlit's chart theme."""
    if presenter.is_on():
        return {**chart_kwargs, "theme": None}
    return chart_kwargs


def data_section_key(key: str) -> str:
    """The session-state key of the data section drawn with download key ``key`` (True while it is open)."""
    return f"{key}_open"


def data_section(label: str, table, filename: str, about: str, key: str) -> None:
    """A closed section holding a note, ``table`` and its CSV and Excel downloads, drawn only while open.

    ``table`` is a DataFrame, or a function making one: called only while the section is open.

    Opening it reruns the page. A closed section sends the browser nothing, so a filter change does not make
    every browser build tables nobody has opened (about 45 ms of a change each, on a trends page at scale;
    docs/scaling.md). An open one stays open, and follows the filters, until it is closed.
    """
    with st.expander(label, key=data_section_key(key), on_change="rerun") as section:
        if section.open:
            table = table() if callable(table) else table
            st.markdown(about)
            table_view.show(table)
            download_csv(table, filename, key)


def chart_block(chart_, table, filename: str, about: str, key: str, summary: str = "", **chart_kwargs) -> None:
    """A chart with its text alternative and image downloads, then the data behind it (CSV, Excel) and a note."""
    stem = filename.rsplit(".", 1)[0]
    chart(chart_, key, summary, stem, **chart_kwargs)
    data_section("Data behind this chart, and about these numbers", table, filename, about, key)


def download_csv(table, filename: str, key: str) -> None:
    """Download buttons for ``table`` as CSV and as Excel, both escaped against spreadsheet formula injection."""
    from analytics.export import csv_bytes, xlsx_bytes

    c1, c2, _ = st.columns([1, 1, 4])
    # Made when clicked, not on every run (a filter change redraws many tables).
    c1.download_button(
        "Download CSV",
        data=lambda: csv_bytes(table),
        file_name=filename,
        mime="text/csv",
        key=key,
        on_click="ignore",  # a download needs no new run of the page
        icon=":material/download:",
    )
    c2.download_button(
        "Download Excel",
        data=lambda: xlsx_bytes(table),
        file_name=filename.rsplit(".", 1)[0] + ".xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )


def about_text(question, base: str, method: str) -> str:
    """Markdown note: the question's wording, the base and the method (data escaped)."""
    return (
        f"**Question:** {md_escape(question['wording'])}  \n"
        f"**Counts as positive:** {md_escape(', '.join(question['positive_answers']))}; "
        f"{md_escape(_base_rule(question))}  \n"
        f"**Base:** {md_escape(base)}  \n"
        f"**Method:** {md_escape(method)}"
    )


_VERDICT_COLOURS = {
    "better": "background-color: #d6e6f5; color: #1b1b1b",
    "improved": "background-color: #d6e6f5; color: #1b1b1b",
    "exceeds expectations": "background-color: #d6e6f5; color: #1b1b1b",
    "worse": "background-color: #fde2cc; color: #1b1b1b",
    "declined": "background-color: #fde2cc; color: #1b1b1b",
    "below expectations": "background-color: #fde2cc; color: #1b1b1b",
}


def verdict_style(shown, verdicts):
    """A Styler colouring cells blue (better) or orange (worse) only where the verdict is significant."""
    return shown.style.apply(lambda _: verdicts.map(lambda v: _VERDICT_COLOURS.get(v, "")).to_numpy(), axis=None)


_OVERDUE_STYLE = "background-color: #fde2cc; color: #1b1b1b; font-weight: bold"


def overdue_style(table):
    """A Styler that makes overdue actions stand out (their status also says OVERDUE)."""
    return table.style.apply(
        lambda row: [_OVERDUE_STYLE if str(row["Status"]).startswith("OVERDUE") else "" for _ in row],
        axis=1,
    )
