"""The site file as `python -m deploy.nginx site` writes it for a real deployment (several hosts, TLS in front):
every field filled in, and accepted by nginx itself (`nginx -t`)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from deploy.nginx import nginx_binary, standalone_config
from tests.conftest import REPO, in_ci

REPLICAS = ["10.0.0.11:8501", "10.0.0.11:8502", "10.0.0.12:8501"]


def _site(*extra: str) -> str:
    args = [sys.executable, "-m", "deploy.nginx", "site", "--listen", "127.0.0.1:8080"]
    for replica in REPLICAS:
        args += ["--replica", replica]
    return subprocess.run([*args, *extra], cwd=REPO, capture_output=True, text=True, check=True).stdout


def test_the_site_file_names_every_replica_and_leaves_no_field_unfilled():
    site = _site("--secure-cookie")
    assert not re.search(r"\{\{[A-Z_]+\}\}", site), "a field left unfilled"
    assert [line.split()[1] for line in site.splitlines() if line.strip().startswith("server 10.")] == REPLICAS
    assert "SameSite=Lax; Secure" in site
    assert "; Secure" not in _site()


def test_nginx_accepts_the_site_file(tmp_path):
    if nginx_binary() is None:
        if in_ci():
            pytest.fail("nginx is missing under CI: the test command must install Debian's nginx")
        pytest.skip("nginx not installed (apt-get install -y nginx)")
    config = tmp_path / "nginx.conf"
    config.write_text(standalone_config(tmp_path, _site("--secure-cookie")), encoding="utf-8")
    command = [nginx_binary(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)]
    check = subprocess.run(command, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
