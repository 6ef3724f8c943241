"""Data shown as text inside Streamlit's Markdown: the one escaping rule for every page.

``st.markdown``, ``st.title``/``header``/``subheader``, ``st.caption``, ``st.info`` and the other alerts, and
the labels of tabs, expanders, buttons and metrics all render Markdown (GitHub-flavoured, with Streamlit's own
``:colour[...]``, ``:material/...:`` and ``$maths$``). A district name, a question's wording, a file name or a
signed-in user's name holding ``![x](http://...)`` would otherwise become a remote image, ``[a](...)`` a live
link. Where no formatting is needed, prefer a plain-text element (``st.text``, a dataframe cell, a selectbox's
``format_func``) and leave the text unescaped there.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # invisible, and joins: nothing is drawn and no line breaks at it

# Any ASCII punctuation may be backslash-escaped in CommonMark; escaping all of it leaves no markup at all
# (emphasis, links, images, HTML, entities, headings, lists, quotes, tables, strikethrough, maths, directives).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's autolink literals (http://..., https://..., www...., name@host.tld) are found in the text after
# escapes are undone (mdast-util-gfm-autolink-literal), so a backslash cannot stop them: an invisible word
# joiner inside each pattern does. After every colon ("http:/" and Streamlit's ":emoji:" shortcodes), before
# every "@" (e-mail addresses) and between "www" and its dot.
_AUTOLINK_BREAKS = (
    (re.compile(r":"), ":" + WORD_JOINER),
    (re.compile(r"@"), WORD_JOINER + "@"),
    (re.compile(r"(?<=www)(?=\.)", re.IGNORECASE), WORD_JOINER),
)
# A line break could start a new block (a heading, a list, a quote, a setext underline) and leading spaces an
# indented code block: data is one line, each run of spaces one space (as the browser draws it anyway), with
# none at either end (where it would stop "**" around it from making bold).
_WHITESPACE = re.compile(r"[ \t\r\n\v\f\x85\u2028\u2029]+")


def md_escape(text: object) -> str:
    """``text`` to place inside Markdown so that it shows as typed and never as markup, a link or an image.

    Line breaks and runs of spaces become one space (none at the ends); every ASCII punctuation character is
    backslash-escaped; an invisible word joiner (U+2060) breaks web and e-mail addresses so they are not turned
    into links.
    """
    out = _WHITESPACE.sub(" ", str(text)).strip(" ")
    for pattern, replacement in _AUTOLINK_BREAKS:
        out = pattern.sub(replacement, out)
    return _PUNCTUATION.sub(r"\\\1", out)
