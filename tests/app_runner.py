"""Running the app as a person opens it: through app.py, with a shared link's values, on one page."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


def run_app(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        # The default page keeps only its own link values; a deep link lands on the page directly,
        # so give the page the link again, as the browser would.
        at.switch_page(page)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
    return at


def qp(at: AppTest, key: str) -> list[str]:
    """A URL parameter's values as a list (AppTest gives a bare string for one value)."""
    value = at.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [e.value for e in at.error]
    return "\n".join(parts)


def warnings_text(at: AppTest) -> list[str]:
    """The page's warnings about its link (not the synthetic-data banner)."""
    return [w.value for w in at.warning if "link" in w.value]


def top_level(at: AppTest) -> list[str]:
    """The kinds of the page's top-level elements, in order. The browser keys an element by its place: a page whose
    top level keeps this list when a filter changes has its charts and tables updated in place, not built again."""
    return [getattr(node, "type", type(node).__name__) for node in at.main.children.values()]


def chart_values(chart) -> set:
    """Every text value in the data a chart was sent."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    values = set()
    for dataset in chart.proto.datasets:
        frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
        for column in frame.select_dtypes(include=["object", "string", "category"]):
            values |= set(frame[column].dropna().astype(str))
    return values
