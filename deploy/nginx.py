"""nginx in front of several dashboard replicas: the site file, and nginx run unprivileged for one machine.

    python -m deploy.nginx site --listen 80 --replica 10.0.0.11:8501 --replica 10.0.0.12:8501 [--secure-cookie]
        prints the site file (deploy/engagement.nginx.conf filled in) for /etc/nginx/conf.d/
    python -m deploy.nginx run --listen 127.0.0.1:8620 --replica 127.0.0.1:8621 --replica 127.0.0.1:8622
        runs Debian's nginx in the foreground as the current user, from a folder of its own (no root)

The proxy's settings are decided in the site file; this module only fills in the listening address, the
replicas and the upload limit (the app's own ``server.maxUploadSize`` from .streamlit/config.toml, so the
two cannot drift apart). See docs/deployment.md.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "deploy" / "engagement.nginx.conf"
STREAMLIT_CONFIG = REPO / ".streamlit" / "config.toml"
NGINX = "/usr/sbin/nginx"
# Streamlit's own default when the config names none (megabytes).
STREAMLIT_DEFAULT_UPLOAD_MB = 200
# Room for the multipart form around an uploaded file at the largest size the app accepts.
FORM_OVERHEAD_MB = 1
# How long a replica refusing connections is left out before nginx tries it again (passive health check).
FAIL_TIMEOUT_S = 10


def nginx_binary() -> str | None:
    """Debian's nginx, or one on the PATH; None when it is not installed."""
    return NGINX if Path(NGINX).exists() else shutil.which("nginx")


def upload_limit_mb() -> int:
    """The largest upload the app accepts, in megabytes (server.maxUploadSize)."""
    with open(STREAMLIT_CONFIG, "rb") as f:
        return int(tomllib.load(f).get("server", {}).get("maxUploadSize", STREAMLIT_DEFAULT_UPLOAD_MB))


def site_config(replicas: list[str], listen: str, *, secure_cookie: bool = False) -> str:
    """The site file for ``replicas`` ("host:port" each) behind ``listen`` (nginx's listen syntax).
    ``secure_cookie`` marks the stickiness cookie Secure (when TLS ends at this nginx or in front of it)."""
    if not replicas:
        raise ValueError("at least one replica is needed")
    servers = "\n".join(f"    server {r} max_fails=1 fail_timeout={FAIL_TIMEOUT_S}s;" for r in replicas)
    fields = {
        "{{SERVERS}}": servers,
        "{{LISTEN}}": listen,
        "{{MAX_BODY}}": f"{upload_limit_mb() + FORM_OVERHEAD_MB}m",
        "{{COOKIE_FLAGS}}": "; Secure" if secure_cookie else "",
    }
    text = SITE.read_text(encoding="utf-8")
    for field, value in fields.items():
        text = text.replace(field, value)
    return text


def standalone_config(run_dir: Path, site: str) -> str:
    """A whole nginx.conf around ``site`` that runs as the current user with every file under ``run_dir``."""
    temp = {name: run_dir / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    return f"""# Written by deploy/nginx.py: nginx unprivileged, everything under {run_dir}.
daemon off;
worker_processes 1;
pid {run_dir / "nginx.pid"};
error_log {run_dir / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log {run_dir / "access.log"};
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{site}
}}
"""


class Proxy:
    """nginx running in the foreground from ``run_dir``; ``stop()`` ends it (and only it)."""

    def __init__(self, run_dir: Path, replicas: list[str], listen: str) -> None:
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError("nginx is not installed (apt-get install -y nginx)")
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.config = self.run_dir / "nginx.conf"
        self.config.write_text(standalone_config(self.run_dir, site_config(replicas, listen)), encoding="utf-8")
        command = [binary, "-p", str(self.run_dir), "-e", str(self.run_dir / "error.log"), "-c", str(self.config)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused its configuration:\n{check.stderr}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def error_log(self) -> str:
        path = self.run_dir / "error.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop nginx quickly (SIGTERM) and wait for its workers to go."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["site", "run"], help="print the site file, or run nginx here unprivileged")
    ap.add_argument("--listen", required=True, help="nginx's listen address, such as 80 or 127.0.0.1:8620")
    ap.add_argument("--replica", action="append", required=True, help="a replica's host:port (repeat)")
    ap.add_argument("--secure-cookie", action="store_true", help="mark the stickiness cookie Secure (HTTPS)")
    ap.add_argument("--run-dir", type=Path, help="run: nginx's folder (a temporary one by default)")
    args = ap.parse_args()
    if args.what == "site":
        print(site_config(args.replica, args.listen, secure_cookie=args.secure_cookie), end="")
        return
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="engagement-nginx-"))
    proxy = Proxy(run_dir, args.replica, args.listen)
    # Stopped by a signal (a service manager's SIGTERM, not only Ctrl+C): nginx is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"nginx on {args.listen} in front of {', '.join(args.replica)} (files in {run_dir}); Ctrl+C stops it")
    try:
        while proxy.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()


if __name__ == "__main__":
    main()
