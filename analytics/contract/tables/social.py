"""Social media's tables: accounts, their monthly figures, and posts."""

from __future__ import annotations

from analytics.contract.rules import figure_source
from analytics.contract.tables import _c
from analytics.contract.types import Table
from analytics.contract.vocabulary import PLATFORMS, POST_TAGS, SOCIAL_FIGURES, SOCIAL_SOURCES

SOCIAL_ACCOUNTS = Table(
    "social_accounts",
    "One row per social-media account the force or a district runs.",
    (
        _c("account_id", "VARCHAR", "Identifier of the account."),
        _c("district_id", "VARCHAR", "District served (null for a force-wide account).", nullable=True),
        _c("platform", "VARCHAR", "Platform.", enum=PLATFORMS),
        _c("handle", "VARCHAR", "Handle or page name on the platform."),
        _c("name", "VARCHAR", "Display name."),
    ),
    key=("account_id",),
    sort_by=("account_id",),
    optional=True,
)

SOCIAL_MONTHLY = Table(
    "social_monthly",
    "Monthly figures per account, each with its source.",
    (
        _c("account_id", "VARCHAR", "Account the figures belong to."),
        _c("month_start", "DATE", "First day of the month.", period="month"),
        _c(
            "followers",
            "INTEGER",
            "Followers (or page likes) at month end; null when not reported.",
            nullable=True,
            minimum=0,
        ),
        _c(
            "reach",
            "BIGINT",
            "Unique people reached in the month; null when not reported (X reports no reach, and a sum of "
            "post reach would count people more than once).",
            nullable=True,
            minimum=0,
        ),
        _c("impressions", "BIGINT", "Times content was shown in the month.", nullable=True, minimum=0),
        _c(
            "engagements",
            "INTEGER",
            "Reactions, comments, shares and clicks in the month.",
            nullable=True,
            minimum=0,
        ),
        _c("posts", "INTEGER", "Posts published in the month.", nullable=True, minimum=0),
        *(
            _c(
                figure_source(f),
                "VARCHAR",
                f"Where {f} came from: 'platform' (an account-level figure from the platform or entered by hand) "
                f"or 'posts' (summed from the month's imported posts); null when {f} is.",
                nullable=True,
                enum=SOCIAL_SOURCES,
            )
            for f in SOCIAL_FIGURES
        ),
    ),
    key=("account_id", "month_start"),
    sort_by=("month_start", "account_id"),
    optional=True,
    date_column="month_start",
)

SOCIAL_POSTS = Table(
    "social_posts",
    "One row per post (optional: not every force exports posts).",
    (
        _c("post_id", "VARCHAR", "Identifier of the post."),
        _c("account_id", "VARCHAR", "Account that published it."),
        _c("posted_at", "TIMESTAMP", "When it was published."),
        _c("text", "VARCHAR", "Text of the post (shown as plain text, never as HTML)."),
        _c(
            "reach",
            "BIGINT",
            "Unique people reached; null when the platform reports no reach (X).",
            nullable=True,
            minimum=0,
        ),
        _c("impressions", "BIGINT", "Times shown.", minimum=0),
        _c("engagements", "INTEGER", "Reactions, comments, shares and clicks.", minimum=0),
        _c("tag", "VARCHAR", "Content tag.", enum=POST_TAGS),
    ),
    key=("post_id",),
    sort_by=("posted_at", "account_id", "post_id"),
    optional=True,
    date_column="posted_at",
)
