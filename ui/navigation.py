"""The pages the navigation lists: only pages that work."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard."""

    path: str
    title: str
    icon: str
    default: bool = False
    permission: str = "view"  # what a role needs to see the page (analytics.access)
    # Set for a page that does not use the sidebar's districts and quarters: said under them on that page.
    filters_unused: str | None = None


PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/overview.py", "Overview", ":material/dashboard:", default=True),
    PageSpec("app_pages/trends.py", "Confidence trends", ":material/trending_up:"),
    PageSpec(
        "app_pages/star_chamber.py",
        "Star Chamber",
        ":material/gavel:",
        filters_unused="The Star Chamber's figures follow the meeting and the presenting district chosen on the "
        "page, not these districts and quarters.",
    ),
    PageSpec("app_pages/activity_map.py", "Activity map", ":material/map:"),
    PageSpec("app_pages/social.py", "Social media", ":material/campaign:"),
    PageSpec("app_pages/what_works.py", "What works", ":material/science:"),
    PageSpec(
        "app_pages/data.py",
        "Data",
        ":material/upload_file:",
        permission="import",
        filters_unused="The Data page checks and imports files: these districts and quarters are not used here.",
    ),
)
