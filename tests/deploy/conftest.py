"""Two dashboard replicas over one copy of the demo folder, and Debian's nginx in front of them
(deploy/engagement.nginx.conf run by deploy/nginx.py), for the tests in this folder."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.nginx import Proxy, nginx_binary
from scripts.local_server import free_port, start_server, stop_server
from tests.conftest import in_ci
from tests.deploy.client import ROUTE_COOKIE, Visitor

# A shared link to a view whose figures are fixed: the demo data is calibrated to Essex Police's published
# results (data/README.md), so these are not the app's own output echoed back.
LINK = "district=all&from=2019-20-Q1&to=2020-21-Q1&measure=feel_informed"
PUBLISHED = {
    "Police doing a good or excellent job": "81%",
    "Police understand local issues": "80%",
    "Feel well informed": "53%",
}


@dataclass
class Replica:
    process: object
    url: str
    log: Path
    running: bool = True

    @property
    def address(self) -> str:
        return self.url.removeprefix("http://")

    def stop(self) -> None:
        if self.running:
            self.running = False
            stop_server(self.process, self.log)


@dataclass
class Cluster:
    proxy: str
    a: Replica
    b: Replica

    def route_to(self, replica: Replica) -> dict[str, str]:
        """A stickiness cookie the proxy routes to ``replica`` (found by asking it, as its hash decides)."""
        for i in range(200):
            cookies = {ROUTE_COOKIE: f"probe-{i}"}
            if Visitor(self.proxy, cookies).request("GET", "/_stcore/health").replica == replica.address:
                return cookies
        raise AssertionError(f"no cookie value was routed to {replica.address}")


@pytest.fixture(scope="module")
def cluster(demo_dir, tmp_path_factory):
    """Replicas A and B over one copy of the demo folder, and nginx in front; every process is stopped after.
    Skipped locally without nginx; under CI (CI=true) a missing nginx fails (scripts/ensure_test_tools.sh
    installs it)."""
    if nginx_binary() is None:
        if in_ci():
            pytest.fail("nginx is missing under CI: the test command must install Debian's nginx")
        pytest.skip("nginx not installed (apt-get install -y nginx); the replica tests are skipped locally")
    root = tmp_path_factory.mktemp("replicas")
    shared = root / "shared"
    shutil.copytree(demo_dir, shared)
    replicas: list[Replica] = []
    proxy = None
    try:
        start = time.monotonic()
        for _ in range(2):
            replicas.append(Replica(*start_server(shared)))
        listen = f"127.0.0.1:{free_port()}"
        proxy = Proxy(root / "nginx", [r.address for r in replicas], listen)
        base = f"http://{listen}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if Visitor(base).request("GET", "/_stcore/health").body == b"ok":
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and proxy.process.poll() is None, proxy.error_log()
            time.sleep(0.2)
        print(f"\ntwo replicas and nginx ready in {time.monotonic() - start:.1f} s")
        yield Cluster(base, *replicas)
    finally:
        if proxy is not None:
            proxy.stop()
        for replica in replicas:
            replica.stop()
