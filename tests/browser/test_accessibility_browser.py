"""axe-core, from the npm registry, injected into every page: no serious or critical violation.

axe-core is installed by scripts/ensure_test_tools.sh (npm ci in tests/browser/js); it is
injected into the page from that file, so nothing is fetched from outside this machine.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ARTIFACTS, new_context, wait_until_idle
from tests.conftest import REPO, in_ci

AXE = REPO / "tests" / "browser" / "js" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["", "trends", "star_chamber", "activity_map", "social", "data", "what_works"]
LINK = "district=harlow&district=southend&district=colchester&from=2019-20-Q1&to=2021-22-Q4"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if in_ci():
            pytest.fail(f"{AXE} is missing under CI: the test command must run scripts/ensure_test_tools.sh")
        pytest.skip("axe-core is not installed (cd tests/browser/js && npm ci); accessibility check skipped locally")
    return AXE.read_text(encoding="utf-8")


# Slider values take the text colour, not the theme's primary colour (see ui/page._ACCESSIBLE_CSS).
_STYLES_APPLIED = """() => [...document.querySelectorAll("[data-testid='stSliderThumbValue']")].every(v =>
    getComputedStyle(v).color === getComputedStyle(v.closest("[data-testid='stSidebar']") || document.body).color)"""


def _violations(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))
            }));
        }"""
    )


def _check(page, axe_source: str, name: str) -> None:
    found = _violations(page, axe_source)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe_{name}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)[:4000]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(browser, server, axe_source, path, scheme):
    context = new_context(browser, viewport={"width": 1440, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/{path}?{LINK}")
    wait_until_idle(page)
    page.wait_for_timeout(1500)  # charts and the map draw after the run
    # The app's own stylesheet (page.accessible_styles) is an element of the run: on a busy machine it
    # can land after the run looks idle. Judge the page as it settles; if the rule never applies, this fails.
    page.wait_for_function(_STYLES_APPLIED, timeout=30_000)
    _check(page, axe_source, f"{path or 'overview'}_{scheme}")
    context.close()


@pytest.mark.parametrize("path", ["trends", "star_chamber"])
def test_presenter_mode_has_no_serious_accessibility_violations(browser, server, axe_source, path):
    context = new_context(browser, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{server}/{path}?present=1&district=harlow&presenting=harlow&focus=harlow")
    page.get_by_role("button", name="Next district ▶").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.wait_for_timeout(1500)
    _check(page, axe_source, f"{path}_presenter")
    context.close()


def test_the_check_finds_a_planted_violation(browser, server, axe_source):
    # The check can fail: a page with an unlabelled image and unreadable text is caught.
    page = browser.new_page()
    page.goto(server + "/_stcore/health")
    page.set_content(
        '<html lang="en"><body><main><img src="data:,"><p style="color:#eee">faint</p></main></body></html>'
    )
    found = {v["id"]: v["impact"] for v in _violations(page, axe_source)}
    assert found.get("image-alt") == "critical"
    assert found.get("color-contrast") == "serious"
    page.close()
