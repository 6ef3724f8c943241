"""Debian's headless Chromium for screenshots and browser tests (never a downloaded browser)."""

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright):
    """A headless Chromium browser from Debian's package, with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
