"""`make run` and `make test` say what they are doing before each slow step, and only when they do it.

The Makefile runs in an empty folder with a stand-in Python: its `-m venv` makes a .venv whose python,
pip and streamlit only print what they were asked to do, so the order of the messages and the steps is
seen without installing anything.
"""

import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO

FAKE_PYTHON = """#!/usr/bin/env bash
# A stand-in for python3: `-m venv DIR` makes DIR/bin/{python,pip,streamlit} that print their arguments.
[ "$1 $2" = "-m venv" ] || { echo "unexpected: $*"; exit 1; }
mkdir -p "$3/bin"
for tool in python pip streamlit; do
  printf '#!/usr/bin/env bash\\necho "[ran %s $*]"\\n' "$tool" > "$3/bin/$tool"
  chmod +x "$3/bin/$tool"
done
echo "[ran venv]"
"""


@pytest.fixture
def folder(tmp_path):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "ensure_test_tools.sh").write_text("#!/usr/bin/env bash\necho '[ran test tools]'\n")
    (tmp_path / "scripts" / "ensure_test_tools.sh").chmod(0o755)
    fake = tmp_path / "fake-python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    return tmp_path


def _run_make(folder, *targets, **env_extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENGAGEMENT_", "MAKE"))} | env_extra
    return subprocess.run(
        ["make", "--no-print-directory", *targets, f"PYTHON={folder / 'fake-python3'}", "PORT=8631"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _make(folder, *targets) -> list[str]:
    out = _run_make(folder, *targets)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout.splitlines()


def _before(lines: list[str], message: str, step: str) -> None:
    said = next((i for i, line in enumerate(lines) if line.startswith(message)), None)
    ran = next((i for i, line in enumerate(lines) if line.startswith(step)), None)
    assert said is not None, f"no {message!r} in:\n" + "\n".join(lines)
    assert ran is not None and said < ran, f"{message!r} does not come before {step!r}:\n" + "\n".join(lines)


def test_make_run_on_a_fresh_clone_says_what_it_is_doing_before_each_slow_step(folder):
    lines = _make(folder, "run")
    _before(lines, "Creating the virtual environment in .venv...", "[ran venv]")
    _before(lines, "Installing the dashboard's Python packages (about a minute the first time)...",
            "[ran pip install --quiet -r requirements.txt]")  # fmt: skip
    _before(lines, "Starting the dashboard on http://localhost:8631", "[ran streamlit run serve.py --server.port 8631")
    assert "[ran python -m analytics.demo --if-missing]" in lines, "the demo data step (it says when it generates)"
    assert not [line for line in lines if "/pip " in line or line.startswith(".venv")], "no bare commands shown"
    again = _make(folder, "run")
    assert not [line for line in again if line.startswith(("Creating", "Installing"))], "nothing reinstalled"
    assert any(line.startswith("Starting the dashboard") for line in again)


def test_make_dev_and_the_test_install_say_so_too(folder):
    dev = _make(folder, "dev")
    _before(dev, "Installing the dashboard's Python packages", "[ran pip install --quiet -r requirements.txt]")
    _before(dev, "Starting the dashboard on http://localhost:8631 with full error details", "[ran streamlit run")
    shutil.rmtree(folder / ".venv")
    test = _make(folder, "install-dev")
    _before(test, "Creating the virtual environment in .venv...", "[ran venv]")
    _before(test, "Installing the dashboard's and the tests' Python packages",
            "[ran pip install --quiet -r requirements-dev.txt]")  # fmt: skip
    assert "[ran test tools]" in test


def test_every_test_that_drives_chromium_runs_in_the_browser_pass(request):
    # `make test` runs the tests marked `browser` after the rest. Each place tests/conftest.py marks must exist: a
    # renamed folder or test would otherwise run unmarked, beside the CPU-bound tests.
    from tests.conftest import BROWSER_TESTS

    for entry in BROWSER_TESTS:
        path, _, name = entry.partition("::")
        assert (REPO / path).exists(), entry
        if name:
            assert f"def {name}(" in (REPO / path).read_text(encoding="utf-8"), entry
    # And in a run that collects them (the first pass among others), no test asking for the browser is unmarked.
    unmarked = [
        i.nodeid
        for i in request.session.items
        if "browser" in getattr(i, "fixturenames", ()) and not i.get_closest_marker("browser")
    ]
    assert not unmarked, unmarked


# A stand-in for the virtual environment's tools: ruff passes, and pytest fails in the pass named by FAIL_PASS.
FAKE_TOOL = """#!/usr/bin/env bash
echo "[ran $(basename "$0") $*]"
case "$*" in
  *"-m not browser"*) [ "$FAIL_PASS" = first ] && exit 1 ;;
  *"-m browser"*) [ "$FAIL_PASS" = second ] && exit 1 ;;
esac
exit 0
"""


@pytest.mark.parametrize("fail", ["", "first", "second"])
def test_make_test_runs_both_passes_and_fails_if_either_fails(folder, fail):
    _make(folder, "install-dev")  # the stand-in virtual environment, installed
    for tool in ("python", "ruff"):
        (folder / ".venv" / "bin" / tool).write_text(FAKE_TOOL)
        (folder / ".venv" / "bin" / tool).chmod(0o755)
    out = _run_make(folder, "test", FAIL_PASS=fail)
    lines = out.stdout.splitlines()
    assert (out.returncode == 0) == (fail == ""), out.stdout + out.stderr
    first = next(
        i for i, line in enumerate(lines) if line.startswith("[ran python -m pytest") and "not browser" in line
    )
    second = next(
        i for i, line in enumerate(lines) if line.startswith("[ran python -m pytest") and "-m browser" in line
    )
    assert lines.index("[ran ruff check .]") < first < second, "lint, then the rest, then the browser tests"
    assert lines.index("Running every test but the browser tests...") < first
    assert first < lines.index("Running the browser tests (headless Chromium)...") < second
