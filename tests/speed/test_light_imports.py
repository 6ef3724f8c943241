"""The pages a panel opens do not load the heavy statistics libraries only What works needs.

scipy.stats, statsmodels and wildboottest together cost a server process about 100 MiB (docs/scaling.md); the
dashboard's own statistics use scipy.special and numpy, and What works imports the rest when it estimates.
Each page runs through app.py in a fresh Python, so nothing another test imported counts.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("scipy.stats", "statsmodels", "wildboottest")

_SCRIPT = """
import json, sys
sys.path.insert(0, {repo!r})
from tests.app_runner import run_app
at = run_app(page={page!r})
problems = [e.value for e in at.exception]
charts = len(at.get("vega_lite_chart"))
print(json.dumps({{"loaded": [m for m in {heavy!r} if m in sys.modules], "problems": problems, "charts": charts}}))
"""


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/overview.py",
        "app_pages/trends.py",
        "app_pages/star_chamber.py",
        "app_pages/activity_map.py",
        "app_pages/social.py",
    ],
)
def test_a_page_run_loads_no_heavy_statistics_library(app_env, page):
    script = _SCRIPT.format(repo=str(REPO), page=page, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["problems"] == []
    assert answer["charts"] > 0, "the page drew no chart, so it may have stopped before its statistics"
    assert answer["loaded"] == [], f"{page} loaded {answer['loaded']}"


def test_what_works_still_estimates_with_them(app_env):
    script = _SCRIPT.format(repo=str(REPO), page="app_pages/what_works.py", heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["problems"] == []
    assert "wildboottest" in answer["loaded"], "the page estimated nothing, so this test proves nothing"
