"""scripts/ensure_test_tools.sh waits, and says so, while another install holds apt's or dpkg's lock.

Each case runs in a private mount namespace where the lock files (and apt's lists folder) are empty
stand-ins bound over the real ones, so the machine's own package manager is never locked or changed:
another process holds a stand-in lock for a few seconds while the script's ``apt_get`` runs a command
that takes that lock and changes nothing (``apt-get check``; ``apt-get update`` with no sources).
"""

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "ensure_test_tools.sh"
HOLD_SECONDS = 4


def _can_sandbox() -> str | None:
    if os.name != "posix" or os.geteuid() != 0:
        return "needs root (the script installs only as root)"
    if not (shutil.which("apt-get") and shutil.which("unshare")):
        return "needs apt-get and unshare"
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        return "this container may not create a mount namespace"
    return None


# Another install: takes the lock apt and dpkg take (an fcntl lock; 2 is fcntl.LOCK_EX) and keeps it a while.
HOLD = "import fcntl, sys, time; h = open(sys.argv[1], 'w'); fcntl.lockf(h, 2); time.sleep(float(sys.argv[2]))"


def _run(tmp_path, lock: str, command: str, *, blind: bool = False, hold: float = HOLD_SECONDS):
    """Bind stand-ins over the locks, hold ``lock`` for ``hold`` seconds, then run ``command`` with the script's
    functions; ``blind`` hides the holder from the script's check, as when another install takes the lock
    just after it looked."""
    (tmp_path / "lists" / "partial").mkdir(parents=True)
    (tmp_path / "lists" / "lock").touch()
    for name in ("lock-frontend", "lock"):
        (tmp_path / name).touch()
    script = f"""
set -e
mount --bind {tmp_path}/lock-frontend /var/lib/dpkg/lock-frontend
mount --bind {tmp_path}/lock /var/lib/dpkg/lock
mount --bind {tmp_path}/lists /var/lib/apt/lists
{sys.executable} -c "{HOLD}" {lock} {hold} >/dev/null 2>&1 &
trap "kill $! 2>/dev/null || true" EXIT
sleep 0.5
source {SCRIPT}
{"lock_holder() { return 1; }" if blind else ""}
{command}
echo done
"""
    start = time.monotonic()
    out = subprocess.run(["unshare", "-m", "bash", "-c", script], capture_output=True, text=True, timeout=120)
    return out, time.monotonic() - start


pytestmark = pytest.mark.skipif(_can_sandbox() is not None, reason=_can_sandbox() or "")

NO_SOURCES = "-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts=/nonexistent"


@pytest.mark.parametrize(
    ("lock", "command", "blind"),
    [
        ("/var/lib/dpkg/lock-frontend", "apt_get -qq check", False),
        ("/var/lib/apt/lists/lock", f"apt_get update -qq {NO_SOURCES}", False),
        ("/var/lib/apt/lists/lock", f"apt_get update -qq {NO_SOURCES}", True),
    ],
    ids=["dpkg lock", "lists lock", "lists lock taken after the check"],
)
def test_waits_for_a_lock_another_install_holds_and_says_so(tmp_path, lock, command, blind):
    out, took = _run(tmp_path, lock, command, blind=blind)
    assert out.returncode == 0 and out.stdout.rstrip().endswith("done"), out.stdout + out.stderr
    assert took >= HOLD_SECONDS - 1, "it went on before the other install let go"
    assert "waiting for it to finish (up to 10 minutes)" in out.stdout
    if blind:
        assert "Another install took the package manager's lock" in out.stdout
    else:
        assert re.search(r"Another install \(python[\d.]*, process \d+\)", out.stdout), "it names the lock's holder"


def test_gives_up_with_a_message_when_the_lock_is_never_released(tmp_path):
    out, took = _run(tmp_path, "/var/lib/dpkg/lock-frontend", "LOCK_WAIT=2 apt_get -qq check", hold=10)
    assert out.returncode != 0 and "done" not in out.stdout
    assert "still in use after 2 seconds" in out.stderr
    assert took < 8, "it gave up after its limit, not when the other install let go"
