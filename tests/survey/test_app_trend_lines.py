"""The trends chart opens readable: the force and a few districts, the rest a click away, and links kept exact."""

from streamlit import dataframe_util

from tests.app_runner import qp, run_app, top_level

TRENDS = "app_pages/trends.py"


def drawn(at, chart: int = 0) -> set[str]:
    """The districts whose rows a chart's data holds (its first data set: the lines)."""
    first = at.get("vega_lite_chart")[chart].proto.datasets[0]
    rows = dataframe_util.convert_arrow_bytes_to_pandas_df(first.data.data)
    return set(rows.loc[rows["kind"] == "district", "series_name"]) if "kind" in rows else set(rows["series_name"])


def test_with_every_district_chosen_the_chart_opens_on_the_force_and_three(app_env):
    at = run_app(page=TRENDS)
    assert not at.exception
    assert qp(at, "district") == ["all"], "the shared filter still holds every district"
    lines = at.multiselect(key="w_lines")
    assert 1 <= len(drawn(at)) <= 3, drawn(at)
    assert drawn(at) == {lines.format_func(d) for d in lines.value}
    force = next(d for d in at.get("vega_lite_chart")[0].proto.datasets if d.name == "trend_force")
    assert set(dataframe_util.convert_arrow_bytes_to_pandas_df(force.data.data)["series_name"]) == {"Force"}
    assert len(lines.options) == 10, "the rest are a click away in the chart's own choice"
    assert len(drawn(at, chart=1)) == 10, "every district keeps its panel under District by district"
    assert sorted(qp(at, "lines")) == sorted(lines.value), "the link names the lines drawn"

    # One click adds a district to the chart.
    before = list(lines.value)
    other = next(d for d in ("basildon", "colchester", "harlow", "southend", "tendring") if d not in before)
    lines.set_value([*before, other]).run()
    assert not at.exception
    assert drawn(at) == {lines.format_func(d) for d in [*before, other]}


def test_the_default_view_reopens_from_its_link(app_env):
    at = run_app(page=TRENDS)
    link = {k: qp(at, k) for k in ("district", "from", "to", "measure", "lines")}
    first = drawn(at)
    again = run_app(link, page=TRENDS)
    assert not again.exception
    assert drawn(again) == first
    assert {k: qp(again, k) for k in link} == link


def test_a_link_naming_five_districts_draws_all_five(app_env):
    five = ["basildon", "colchester", "harlow", "southend", "tendring"]
    at = run_app({"district": five, "from": "2019-20-Q1", "to": "2020-21-Q4"}, page=TRENDS)
    assert not at.exception
    assert drawn(at) == {"Basildon", "Colchester", "Harlow", "Southend", "Tendring"}
    assert qp(at, "district") == five


def test_a_link_naming_the_lines_draws_exactly_those(app_env):
    at = run_app({"district": "all", "lines": ["tendring", "colchester"]}, page=TRENDS)
    assert not at.exception
    assert drawn(at) == {"Colchester", "Tendring"}
    assert qp(at, "lines") == ["tendring", "colchester"]
    assert not [w for w in at.warning if "link" in w.value]


def test_in_words_is_one_list_with_a_sentence_per_drawn_district(app_env):
    at = run_app({"district": ["harlow", "basildon", "thurrock"]}, page=TRENDS)
    assert not at.exception
    lists = [m.value for m in at.main.markdown if m.value.startswith("- ")]
    assert len(lists) == 1, "one list element, so a screen reader hears one list"
    sentences = lists[0].split("\n")
    assert len(sentences) == 3 and all(s.startswith("- ") for s in sentences)
    for sentence, name in zip(sentences, ("Basildon", "Harlow", "Thurrock"), strict=True):
        assert sentence[2:].startswith(name), sentence


def test_the_page_keeps_its_structure_whatever_the_districts(app_env):
    """One district, three, more than the chart draws at once (a note appears) and every district: the chart's own
    choice and In words change length inside containers of their own, so the charts below keep their places."""
    sets = (["harlow"], ["harlow", "basildon", "thurrock"], ["all"])
    shapes = {}
    for districts in sets:
        at = run_app({"district": districts}, page=TRENDS)
        assert not at.exception
        shapes[len(districts) if districts != ["all"] else "all"] = top_level(at)
    assert any("chosen districts drawn" in c.value for c in at.caption), "with every district, a note says how many"
    assert shapes[1] == shapes[3] == shapes["all"], shapes
