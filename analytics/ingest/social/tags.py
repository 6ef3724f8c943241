"""Content tags for imported posts, by rule, from the post's own label or its text.

Platform exports carry no "You said, we did" or "appeal" tag, so imported posts
are tagged by rules a communications team can read and check: a label set on
the platform (Meta's "Custom labels") wins when it names a tag; otherwise the
first rule whose pattern matches the text; otherwise "Other".
"""

from __future__ import annotations

import re

from analytics.contract.vocabulary import POST_TAGS

# In order: the first match wins, so the most specific tags come first.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "You said, we did",
        re.compile(
            r"#?you\s*said,?\s*we\s*did|#yswd\b|\byou\s+(said|told\s+us)\b.{0,300}\bwe\s+(did|have)\b",
            re.IGNORECASE | re.DOTALL,
        ),
    ),
    (
        "Appeal",
        re.compile(
            r"\bappeal|\bwitness(es)?\b|\bcan you help\b|\bdo you recognise\b|\bmissing\b|\bcrimestoppers\b"
            r"|\bquoting (the )?(crime )?ref",
            re.IGNORECASE,
        ),
    ),
    (
        "Recruitment",
        re.compile(
            r"\brecruit|\bspecial constables?\b|\bvolunteer|\bjoin (us|the team|our team) as\b|\bcareers?\b"
            r"|\bapply (now|today)\b|\bopen evening\b",
            re.IGNORECASE,
        ),
    ),
    (
        "Event",
        re.compile(
            r"\bcome and (meet|see|say)\b|\bjoin us\b|\bdrop[- ]in\b|\bpop[- ]up\b|\bcoffee with a cop\b"
            r"|\bcommunity meeting\b|\bsurgery\b|\bstroll with\b|\bmeet your local\b",
            re.IGNORECASE,
        ),
    ),
    (
        "Crime prevention",
        re.compile(
            r"\block it\b|\bkeep .{0,30}\bsecure\b|\bprevent|\bscams?\b|\bfraud\b|\bstay safe\b|\bsecurity\b"
            r"|#crimeprevention|\bdon'?t leave\b",
            re.IGNORECASE,
        ),
    ),
)
_BY_NAME = {t.casefold(): t for t in POST_TAGS}


def tag_for(text: str, label: str = "") -> str:
    """The content tag for a post: its platform label when that names a tag, else the first matching rule."""
    for part in re.split(r"[;|]", label or ""):
        if part.strip().casefold() in _BY_NAME:
            return _BY_NAME[part.strip().casefold()]
    for tag, pattern in RULES:
        if pattern.search(text or ""):
            return tag
    return "Other"
