"""Presenter mode through app.py with AppTest: the heading says whose figures these are, and Previous / Next
step through the chosen districts in their listed order, wrapping round (issue 18)."""

from tests.app_runner import chart_values, qp, run_app

STAR_CHAMBER = "app_pages/star_chamber.py"


def heading(at) -> str:
    """The presenter bar's heading (the only level-two Markdown heading the app writes)."""
    found = [m.value for m in at.markdown if m.value.startswith("## ")]
    assert len(found) == 1, found
    return found[0].removeprefix("## ").replace("\\", "")


def press(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def where(at) -> tuple[str, list[str], list[str]]:
    """(heading, the link's districts, the link's presenting district) after a run."""
    return heading(at), qp(at, "district"), qp(at, "presenting")


def test_star_chamber_heading_names_the_presenting_district(app_env):
    at = run_app({"present": "1", "round": "2026-09", "presenting": "southend"}, page=STAR_CHAMBER)
    assert not at.exception
    assert at.selectbox(key="w_presenting").value == "southend"
    assert heading(at) == "Southend", "the heading names the district whose scorecard is shown"


def test_next_and_previous_step_through_every_district_from_the_one_presenting(app_env):
    # All districts chosen (the default): Next from Southend is the district listed after it, not the first.
    at = run_app({"present": "1", "round": "2026-09", "presenting": "southend"}, page=STAR_CHAMBER)
    assert sorted(qp(at, "compare")) == ["basildon", "southend"]
    assert where(press(at, "present_next")) == ("Tendring", ["tendring"], ["tendring"])
    # The side by side follows: Tendring takes the place of the district presenting before.
    assert sorted(qp(at, "compare")) == ["basildon", "tendring"]
    assert {"Basildon", "Tendring"} <= chart_values(at.get("vega_lite_chart")[0])
    assert where(press(at, "present_next")) == ("Thurrock", ["thurrock"], ["thurrock"])
    assert where(press(at, "present_next")) == ("Basildon", ["basildon"], ["basildon"]), "wraps to the first"
    assert where(press(at, "present_prev")) == ("Thurrock", ["thurrock"], ["thurrock"]), "and back to the last"


def test_stepping_keeps_to_the_districts_chosen_before_it_narrowed_the_filter(app_env):
    link = {
        "present": "1",
        "round": "2026-09",
        "presenting": "southend",
        "district": ["harlow", "southend", "colchester"],
    }
    at = run_app(link, page=STAR_CHAMBER)
    assert heading(at) == "Southend"
    # In their listed order: Colchester, Harlow, Southend. Next from the last wraps to the first.
    assert where(press(at, "present_next")) == ("Colchester", ["colchester"], ["colchester"])
    # The filter now holds one district; stepping goes on through the three chosen, not every district.
    assert where(press(at, "present_next")) == ("Harlow", ["harlow"], ["harlow"])
    assert where(press(at, "present_next")) == ("Southend", ["southend"], ["southend"])
    assert where(press(at, "present_next")) == ("Colchester", ["colchester"], ["colchester"])
    assert where(press(at, "present_prev")) == ("Southend", ["southend"], ["southend"])
    assert where(press(at, "present_prev")) == ("Harlow", ["harlow"], ["harlow"])


def test_one_district_chosen_steps_through_them_all(app_env):
    at = run_app({"present": "1", "round": "2026-09", "district": "harlow", "presenting": "harlow"}, page=STAR_CHAMBER)
    assert heading(at) == "Harlow"
    assert where(press(at, "present_prev")) == (
        "Epping Forest and Brentwood",
        ["epping_forest_brentwood"],
        ["epping_forest_brentwood"],
    )
    assert where(press(at, "present_next")) == ("Harlow", ["harlow"], ["harlow"])
    assert where(press(at, "present_next")) == ("Southend", ["southend"], ["southend"])


def test_other_pages_name_the_districts_they_show(app_env):
    at = run_app({"present": "1", "district": ["southend", "harlow"]}, page="app_pages/trends.py")
    assert heading(at) == "Harlow and Southend"
    assert where(press(at, "present_next")) == ("Harlow", ["harlow"], [])
    at = run_app({"present": "1"}, page="app_pages/trends.py")
    assert heading(at) == "All districts"


def test_exit_gives_back_the_districts_chosen_before_stepping(app_env):
    chosen = ["harlow", "southend", "colchester"]
    at = run_app({"present": "1", "round": "2026-09", "presenting": "southend", "district": chosen}, page=STAR_CHAMBER)
    press(at, "present_next")
    assert where(press(at, "present_next"))[1] == ["harlow"], "stepping narrows the filter to one district"
    press(at, "present_exit")
    assert qp(at, "present") in ([], ["0"]), "presenter mode is left"
    assert sorted(qp(at, "district")) == sorted(chosen), "the filter is as it was before the first step"
    assert qp(at, "presenting") == ["harlow"], "the page stays on the district presented last"


def test_exit_after_stepping_from_every_district_gives_every_district_back(app_env):
    at = run_app({"present": "1", "round": "2026-09", "presenting": "southend"}, page=STAR_CHAMBER)
    everyone = qp(at, "district")
    press(at, "present_next")
    assert qp(at, "district") == ["tendring"]
    press(at, "present_exit")
    assert qp(at, "district") == everyone


def test_exit_keeps_a_filter_changed_by_hand_after_stepping(app_env):
    at = run_app({"present": "1", "district": ["southend", "harlow"]}, page="app_pages/trends.py")
    assert where(press(at, "present_next"))[1] == ["harlow"]
    districts = next(m for m in at.sidebar.multiselect if m.label == "Districts")
    districts.set_value(["basildon", "thurrock"]).run()  # the person's own choice, after the step
    press(at, "present_exit")
    assert sorted(qp(at, "district")) == ["basildon", "thurrock"], "not overwritten by the one before stepping"
