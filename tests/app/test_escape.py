"""The one Markdown escaping rule: hostile text is shown as typed, never as a link, an image or markup.

Streamlit renders Markdown with remark (CommonMark and GitHub's extensions). In CommonMark every piece of
markup (emphasis, code, links, images, HTML, entities, block starts) needs an unescaped ASCII punctuation
character or a line break, so escaped punctuation on one line is plain text. GitHub's autolink literals are
different: they are found in the text after escapes are undone, so they are checked here with the patterns
the installed Streamlit uses. tests/browser/test_hostile_text_browser.py renders the same table in a browser.
"""

import re
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from tests.hostile_text import HOSTILE_TEXT
from ui.escape import md_escape

PUNCTUATION = r"!-/:-@\[-`{-~"
# mdast-util-gfm-autolink-literal, as bundled in Streamlit's StreamlitMarkdown chunk (JavaScript's \w is
# ASCII). The e-mail pattern's look-behind is dropped here, which only makes the check stricter.
GFM_WEB = r"/(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)/gi"
GFM_EMAIL = r"/(?<=^|\s|\p{P}|\p{S})([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)/gu"
WEB = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
# Streamlit's own text transforms: ":material/icon:" and ":emoji:" shortcodes.
SHORTCODE = re.compile(r":[\w/+-]+:", re.ASCII)


def as_text(escaped: str) -> str:
    """The text remark's autolink step and Streamlit's shortcodes see: backslash escapes undone."""
    return re.sub(rf"\\([{PUNCTUATION}])", r"\1", escaped)


def test_the_autolink_patterns_modelled_here_are_the_installed_streamlits():
    bundles = list((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("StreamlitMarkdown*.js"))
    assert bundles, "Streamlit's Markdown bundle was not found"
    source = "".join(b.read_text(encoding="utf-8") for b in bundles)
    for pattern in (GFM_WEB, GFM_EMAIL):
        assert pattern in source, f"Streamlit's autolink pattern changed ({pattern}): check ui/escape.py again"


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_escaped_text_holds_no_markup_and_no_address(text):
    escaped = md_escape(text)
    assert not re.search(r"[\r\n\v\f\x85\u2028\u2029]", escaped), "one line: no new block can start"
    assert "    " not in escaped, "no indented code block"
    unescaped_punctuation = re.sub(rf"\\[{PUNCTUATION}]", "", escaped)
    assert not re.search(rf"[{PUNCTUATION}]", unescaped_punctuation), "every ASCII punctuation mark is escaped"
    seen = as_text(escaped)
    assert not WEB.search(seen), f"a web address would become a link: {seen!r}"
    assert not EMAIL.search(seen), f"an e-mail address would become a link: {seen!r}"
    assert not SHORTCODE.search(seen), f"a shortcode would become an icon or emoji: {seen!r}"


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_escaped_text_reads_as_typed(text):
    shown = as_text(md_escape(text)).replace("\u2060", "")  # the word joiner is invisible
    assert shown == " ".join(text.split()), "the same characters, spaces as the browser draws them"


def test_plain_words_are_left_alone():
    assert md_escape("Basildon") == "Basildon"
    assert md_escape("Braintree and Uttlesford") == "Braintree and Uttlesford"


USER = "Mallory ![x](http://example.invalid/u.png) www.example.invalid"


def _signed_in_as_hostile():
    from tests.app.test_escape import USER
    from ui import auth

    auth.sidebar_status(auth.Actor(USER, "viewer", "sign-in", True))
    auth.sign_in_gate(auth.Actor(USER, None, "sign-in", True))


def test_a_signed_in_users_name_is_shown_as_typed_in_the_sidebar_and_the_gate():
    at = AppTest.from_function(_signed_in_as_hostile, default_timeout=30).run()
    caption, warning = at.sidebar.caption[0].value, at.warning[0].value
    for sent in (caption, warning):
        assert "![" not in sent and not WEB.search(as_text(sent)), sent
    assert as_text(caption).replace("\u2060", "") == f"Signed in as {USER} (viewer)."
    assert as_text(warning).replace("\u2060", "").startswith(f"You are signed in as {USER}, but")
