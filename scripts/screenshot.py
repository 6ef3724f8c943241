"""Take a screenshot of a running dashboard page with headless Debian Chromium.

Usage: python -m scripts.screenshot URL OUT.png [WIDTH HEIGHT]
"""

import sys

from playwright.sync_api import sync_playwright

from scripts.chromium import launch


def main() -> None:
    """Open the URL, wait for charts to draw, save a full-page screenshot."""
    url, out = sys.argv[1], sys.argv[2]
    width, height = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (1440, 900)
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector(
            "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas", timeout=60_000
        )
        page.wait_for_timeout(1500)
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
