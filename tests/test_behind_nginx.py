"""The README's worked example, run: two `contest serve` processes on two ports, one database
(PostgreSQL when the suite runs on it), photos in an S3-compatible bucket (moto's server),
nginx from the distribution in front. Every request may land on either: the demo's gallery and
photos show through both, a sign-in holds on both, a sign-out ends it on both."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from contest.core.s3_storage import S3Settings
from contest.demo.contests import DEMO_ACCOUNTS, DEMO_SLUG
from tests import s3_server

s3_endpoint = s3_server.s3_endpoint
s3_settings = s3_server.s3_settings

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists() and os.environ.get("CONTEST_REQUIRE_NGINX") != "1",
    reason="needs nginx (apt-get install nginx)",
)

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream contest {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 26m;
        location / {{
            proxy_pass http://contest;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} stopped: {process.communicate()[0]}")
        try:
            httpx.get(url)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url}")


@pytest.fixture
def balanced(tmp_path: Path, database_url: str | None, s3_settings: S3Settings) -> Iterator[str]:
    port, first, second = _free_port(), _free_port(), _free_port()
    address = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "CONTEST_DATA_DIR": str(tmp_path / "host"),
        "CONTEST_DATABASE": database_url or str(tmp_path / "contest.db"),
        **s3_server.environment(s3_settings),
        "CONTEST_SECRET_KEY": "the-same-long-random-key-on-every-host-0123456789",
        "CONTEST_BASE_URL": address,
    }
    command = [sys.executable, "-m", "contest.cli"]
    subprocess.run([*command, "demo"], env=environment, check=True, capture_output=True)
    processes = []
    try:
        for own in (first, second):
            processes.append(
                subprocess.Popen(
                    [*command, "serve", "--port", str(own), "--proxy-headers"],
                    env={**environment, "CONTEST_DATA_DIR": str(tmp_path / f"host-{own}")},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        folder = tmp_path / "nginx"
        folder.mkdir()
        conf = folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=folder, port=port, first=first, second=second))
        for own, process in zip((first, second), processes, strict=True):
            _wait_for(f"http://127.0.0.1:{own}/", process)
        processes.append(
            subprocess.Popen(
                [NGINX, "-c", str(conf), "-p", str(folder)],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
        _wait_for(address + "/", processes[-1])
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.communicate(timeout=20)  # also closes its output pipe


def _spread(client: httpx.Client, url: str, times: int = 8) -> dict[str, set[int]]:
    """The statuses each upstream gave for the same request, sent ``times`` times."""
    seen: dict[str, set[int]] = {}
    for _ in range(times):
        response = client.get(url)
        seen.setdefault(response.headers["x-upstream"], set()).add(response.status_code)
    return seen


def test_two_hosts_behind_nginx_serve_one_site(balanced: str) -> None:
    address = balanced
    organizer = next(a for a in DEMO_ACCOUNTS if a.role == "organizer")
    with httpx.Client(base_url=address, follow_redirects=False) as client:
        gallery = client.get(f"/contests/{DEMO_SLUG}/gallery")
        assert gallery.status_code == 200
        photo = re.search(r'src="(?:https?://[^/"]+)?(/media/[0-9a-f/]+\.jpg)"', gallery.text)
        assert photo, "the gallery shows a photo from the bucket"
        served = _spread(client, photo.group(1))
        assert len(served) == 2 and all(codes == {200} for codes in served.values()), served

        form = client.get("/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        signed_in = client.post(
            "/sign-in",
            data={
                "email": organizer.email,
                "password": organizer.password,
                "csrf_token": token.group(1),
            },
            headers={"origin": address},
        )
        assert signed_in.status_code == 303, signed_in.text
        pages = _spread(client, "/manage")
        assert len(pages) == 2 and all(codes == {200} for codes in pages.values()), pages

        account = client.get("/account")
        token = re.search(r'name="csrf_token" value="([^"]+)"', account.text)
        assert token
        client.post("/sign-out", data={"csrf_token": token.group(1)}, headers={"origin": address})
        refused = _spread(client, "/manage")
        assert len(refused) == 2 and all(200 not in codes for codes in refused.values()), refused
