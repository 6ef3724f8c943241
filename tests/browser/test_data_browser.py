"""The Data page in a real browser: upload, check, confirm; imported markup stays text."""

from tests.browser.conftest import screenshot, upload_file, wait_until_idle

HOSTILE = "<img src=x onerror=alert(1)>"
CSV = (
    "event_id;district_id;start_at;end_at;activity_type;title;venue;online;strand;audience_group;"
    "concerns_raised;actions_taken;status\n"
    "XSS1;harlow;01/10/2026 18:00;01/10/2026 19:30;Coffee with a Cop;"
    f"{HOSTILE};Library;no;Listen;General public;0;0;held\n"
    "XSS2;atlantis;01/10/2026 18:00;01/10/2026 19:30;Coffee with a Cop;Fine;Library;no;Listen;General public;0;0;held\n"
)


def test_upload_check_and_import_with_markup_shown_as_text(page, import_server, tmp_path):
    url, folder = import_server
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    upload = tmp_path / "events.csv"
    upload.write_text(CSV, encoding="cp1252")
    page.goto(url + "/data")
    page.get_by_role("tab", name="Import a file").wait_for(timeout=60_000)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="engagement_events: One row per engagement event").click()
    # Choosing the table reruns the page with a new uploader for it (upload_file waits for it to take the file).
    upload_file(page, upload, "Rows in the file: 2")
    # The preview's accessible grid holds the title exactly as typed; nothing ran.
    cells = page.locator("[data-testid='stDataFrame'] td")
    cells.get_by_text(HOSTILE, exact=True).first.wait_for(state="attached", timeout=20_000)
    cells.get_by_text("is not a known district", exact=False).first.wait_for(state="attached", timeout=20_000)
    assert page.locator("img[src='x']").count() == 0
    screenshot(page, "data_import_checked")
    page.get_by_role("button", name="Import 1 row").click()
    page.get_by_text("Imported into engagement_events: 1 new").wait_for(timeout=60_000)
    assert dialogs == [] and page.locator("img[src='x']").count() == 0
    assert page.outside_requests == []
    from analytics.storage.db import Database

    got = Database(folder).query("SELECT title FROM engagement_events WHERE event_id = 'XSS1'")
    assert got["title"].tolist() == [HOSTILE]
    screenshot(page, "data_import_done")


def test_every_tab_shows_its_content_with_no_upload(page, server):
    """Data health and Import history are drawn whatever the import tab holds (no file chosen here)."""
    page.goto(server + "/data")
    page.get_by_role("tab", name="Import a file").wait_for(timeout=60_000)
    wait_until_idle(page)
    # The demo was generated, never imported into: its history says so instead of drawing an empty table.
    shows = {
        "Data health": ("Quarters without survey answers", 1),
        "Import history": ("No file has been imported into this data yet.", 0),
    }
    for name, (text, tables) in shows.items():
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(1500)
        panel = page.get_by_role("tabpanel", name=name)
        panel.get_by_text(text).first.wait_for(timeout=20_000)
        assert panel.get_by_test_id("stDataFrame").count() == tables, f"{name}: {tables} table(s)"
        screenshot(page, f"data_tab_{name.lower().replace(' ', '_')}")
    page.get_by_role("tab", name="Import a file").click()
    page.wait_for_timeout(1500)
    assert page.get_by_role("tabpanel", name="Import a file").get_by_test_id("stFileUploader").count() == 1
    assert page.outside_requests == []
