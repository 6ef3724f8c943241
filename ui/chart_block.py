"""A chart on a page: cached specifications, the text alternative, image and CSV downloads, the data table."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import streamlit as st

from analytics.charts import images as chart_export
from analytics.charts import theme as chart_theme
from ui import presenter, table_view
from ui.escape import md_escape

# Label (also the file extension and key suffix), renderer, MIME type, icon, and what the file is.
_IMAGE_DOWNLOADS = (
    ("PNG", chart_export.png, "image/png", ":material/image:", "a picture"),
    ("SVG", chart_export.svg, "image/svg+xml", ":material/draw:", "a scalable drawing"),
)


@dataclass(frozen=True)
class Figure:
    """A chart built once: its Vega-Lite spec (plain JSON) and the plot's own height; ``screen`` is the same spec
    with its rows already as the Arrow bytes Streamlit sends (converted once, not on every run that draws it)."""

    spec: dict
    plot_height: int | None
    screen: dict | None = None

    def element_height(self, extra: int = 150) -> int | None:
        """Room for Streamlit's element: the plot plus ``extra`` for title, axes and legend (None: sizes itself)."""
        return self.plot_height + extra if self.plot_height is not None else None


# Room for whole legend labels and titles (district names, symbol meanings); screen readers get the
# chart's one-sentence summary and its table, not each drawn mark.
_LEGEND = {"labelLimit": 260, "titleLimit": 280, "symbolOpacity": 1}


_MARK = {"aria": False}
# Said after a chart's sentence when every value it draws is in a table on the page.
TABLED_WORDS = "Every value drawn is in the table with this chart."


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
    return Figure(spec, height, _with_arrow_rows(spec))


def _with_arrow_rows(spec: dict) -> dict | None:
    """``spec`` with each named data set's rows as Arrow IPC bytes, made by the function Streamlit itself applies
    to rows it is given (``st.vega_lite_chart`` passes bytes through), or None when there is nothing to convert."""
    from streamlit import dataframe_util

    rows = spec.get("datasets") or {}
    if not rows or not all(isinstance(v, list) for v in rows.values()):
        return None
    ready = {
        name: dataframe_util.convert_anything_to_arrow_bytes(_arrow_table(values)) for name, values in rows.items()
    }
    return {**spec, "datasets": ready}


def _arrow_table(records: list[dict]):
    """Records as an Arrow table, read by Arrow itself (a tenth of the time of going through a DataFrame: about
    1 ms for the trend chart's rows, not 10); the records themselves when Arrow cannot type a column (mixed
    values, or rows with different keys), for Streamlit's own DataFrame path."""
    import pyarrow as pa

    # Arrow takes its columns from the first row: rows with other keys keep Streamlit's path, which reads them all.
    if records and any(r.keys() != records[0].keys() for r in records):
        return records
    try:
        return pa.Table.from_pylist(records)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return records


def _named_data(node) -> set[str]:
    """The names of the data sets a spec draws from."""
    if isinstance(node, list):
        return set().union(*map(_named_data, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["data"]["name"]} if isinstance(node.get("data"), dict) and "name" in node["data"] else set()
    return found.union(*(_named_data(v) for k, v in node.items() if k not in ("data", "datasets")))


def _build(module: str, name: str, args: tuple, kwargs: dict) -> Figure:
    if not module.startswith("analytics."):
        raise ValueError(f"{module}.{name} is not a chart builder")
    return _built(getattr(importlib.import_module(module), name)(*args, **kwargs))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_figure(module: str, name: str, args: tuple, kwargs: dict) -> Figure:
    return _build(module, name, args, kwargs)


@st.cache_data(show_spinner=False, max_entries=512)
def _keyed_figure(module: str, name: str, key: tuple, _args: tuple, _kwargs: dict) -> Figure:
    return _build(module, name, _args, _kwargs)


def figure_for(key: tuple, builder, *args, **kwargs) -> Figure:
    """As ``figure``, cached on ``key`` instead of the inputs' contents: the data version and every choice the
    inputs were read with (hashing each chart's frames by content on every run cost more than it saved, as a
    district change never hit). ``key`` must name everything the inputs depend on, the data version first."""
    return _keyed_figure(builder.__module__, builder.__qualname__, key, args, kwargs)


def figure(builder, *args, **kwargs) -> Figure:
    """``builder(*args, **kwargs)`` (an Altair chart builder in analytics) as a Figure, built once per inputs.

    Building an Altair chart and writing its spec is most of a page's run. The spec depends only on
    the builder's inputs (data frames hashed by content), so it is cached across runs and sessions:
    a filter change rebuilds only the charts whose data it changed.
    """
    return _cached_figure(builder.__module__, builder.__qualname__, args, kwargs)


def chart(
    chart,
    key: str,
    summary: str = "",
    filename: str = "chart",
    *,
    tabled: bool = False,
    canvas: bool = False,
    **chart_kwargs,
) -> None:
    """A chart (a Figure, or an Altair chart), a one-sentence text alternative beneath it, and its image
    as PNG and SVG (made on the server). ``tabled``: every value it draws is in a table on the page (``chart_block``
    draws one beneath; a page may have one beside), and the sentence says so. ``canvas`` (only with ``tabled``):
    drawn on a canvas, for a chart of many marks (see ``chart_theme.TABLED_RENDERER``); its title, which a canvas
    hides from screen readers, then opens its sentence."""
    if canvas and not tabled:
        raise ValueError("only a chart whose values are all in a table on the page is drawn on a canvas")
    fig = chart if isinstance(chart, Figure) else _built(chart)
    height = fig.element_height()
    if height and "height" not in chart_kwargs:
        chart_kwargs["height"] = height
    spec = fig.spec  # the light chart: what the downloads give
    title = chart_export.title_of(spec)
    sentence = summary or (f"{title}." if title else "A chart.")
    if canvas and title and summary:
        sentence = f"{title}. {sentence}"
    if tabled:
        sentence += f" {TABLED_WORDS}"
    draw(fig, alt=sentence, canvas=canvas, **chart_kwargs)
    # One row that wraps: in a narrow column (the funnel beside its ranking) the buttons go under the sentence
    # whole, where fixed columns cut their labels to "P." and "S.".
    row = st.container(horizontal=True, vertical_alignment="center")
    row.caption(md_escape(sentence))
    for label, make, mime, icon, what in _IMAGE_DOWNLOADS:
        row.download_button(
            label,
            data=lambda make=make: make(chart_export.for_download(spec)),  # made on the server when clicked
            file_name=f"{filename}.{label.lower()}",
            mime=mime,
            key=f"{key}_{label.lower()}",
            on_click="ignore",
            icon=icon,
            help=f"The chart as {what} (made on the server)",
        )


def draw(fig: Figure, *, alt: str, canvas: bool = False, **chart_kwargs) -> None:
    """Only the chart itself, as this screen shows it, with its text alternative ``alt`` (``canvas`` as for
    ``chart``; ``st.vega_lite_chart``'s other arguments in ``chart_kwargs``)."""
    screen = _for_screen(fig.spec)
    if screen is fig.spec and fig.screen is not None:
        screen = fig.screen  # the same chart, its rows already converted
    if not presenter.is_on():  # the projector's charts are SVG (chart_theme.for_projector)
        screen = chart_theme.drawn_with(screen, chart_theme.TABLED_RENDERER if canvas else chart_theme.RENDERER)
    st.vega_lite_chart(spec=screen, alt=alt, **_screen_kwargs(chart_kwargs))


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
            table_view.download_csv(table, filename, key)


def chart_block(chart_, table, filename: str, about: str, key: str, summary: str = "", **chart_kwargs) -> None:
    """A chart with its text alternative and image downloads, then the data behind it (CSV, Excel) and a note."""
    stem = filename.rsplit(".", 1)[0]
    chart(chart_, key, summary, stem, tabled=True, **chart_kwargs)
    data_section("Data behind this chart, and about these numbers", table, filename, about, key)
