"""Garbage in any link parameter of any page: a message, never an exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_runner import APP, TIMEOUT, run_app, warnings_text
from ui.navigation import PAGES

REPO = Path(__file__).resolve().parents[2]
# Every parameter a page or the shared filters read from the link.
KEYS = [
    "district", "from", "to", "present", "measure", "mode", "focus", "breakdown", "section",
    "metric", "scale", "platform", "tag", "posts", "round", "presenting", "compare",
    "view", "type", "strand", "audience", "status", "gap", "context", "lines", "exposure",
]  # fmt: skip
GARBAGE = {
    "repeated keys": ["harlow", "all", "none", "harlow"],
    "empty values": ["", ""],
    "2,000 characters": ["x" * 2000],
    "markup and control characters": ["<script>\x00\u202e%00", "../../etc/passwd"],
}


def _link_keys() -> set[str]:
    """The parameter names the code binds to the link (url_state's widgets, tabs and kept values)."""
    source = "\n".join(p.read_text() for p in [*REPO.glob("app_pages/*.py"), *REPO.glob("ui/*.py")])
    found = set(re.findall(r'url_state\.(?:selectbox|multiselect|toggle|keep)\(\s*"[^"]*",\s*"(\w+)"', source))
    found |= set(re.findall(r'url_state\.(?:tabs|keep)\(\s*"(\w+)"', source))
    for pair in re.findall(r'url_state\.range_slider\(.*?\(\s*"(\w+)",\s*"(\w+)"\s*\)', source, re.S):
        found |= set(pair)
    return found


def test_the_garbage_list_covers_every_link_parameter():
    found = _link_keys()
    assert {"district", "from", "to", "compare", "posts", "section"} <= found, "the search finds the parameters"
    assert found <= set(KEYS), found - set(KEYS)


@pytest.mark.parametrize("garbage", list(GARBAGE))
@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_garbage_in_every_link_parameter_gives_messages_not_exceptions(app_env, page, garbage):
    link = {key: GARBAGE[garbage] for key in KEYS if key != "present"}
    # As a deep link opens: the shared filters read the link on the first run, the page's own on its first run.
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    messages = []
    for step in ("open", "page"):
        for key, value in link.items():
            at.query_params[key] = value
        if step == "page":
            at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        messages += warnings_text(at)
    assert messages, "the page says which link values it did not use"
    assert max(len(m) for m in messages) < 400, "long values are shortened in messages"


def test_star_chamber_compare_all_keeps_the_first_four(app_env):
    at = run_app({"compare": "all"}, page="app_pages/star_chamber.py")
    assert not at.exception, at.exception
    chosen = at.multiselect(key="w_compare").value
    assert len(chosen) == len(set(chosen)) == 4
    assert any("districts (two to four)" in m and "first four" in m for m in warnings_text(at)), warnings_text(at)


def test_star_chamber_more_than_four_districts_keeps_the_first_four_in_link_order(app_env):
    named = ["thurrock", "harlow", "southend", "tendring", "colchester", "basildon"]
    at = run_app({"compare": named}, page="app_pages/star_chamber.py")
    assert not at.exception, at.exception
    assert at.multiselect(key="w_compare").value == named[:4]
    assert any("first four" in m for m in warnings_text(at)), warnings_text(at)
