"""`contest serve --workers 2`: two processes on one port, one database. A sign-in made
through one worker holds in the other, and a sign-out in one ends it in both."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from contest import cli

PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, database_url: str | None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    environment = {
        **os.environ,
        "CONTEST_DATA_DIR": str(tmp_path),
        "CONTEST_BASE_URL": f"http://127.0.0.1:{port}",
        "CONTEST_DATABASE": database_url or str(tmp_path / "contest.db"),
    }
    environment.pop("CONTEST_SECRET_KEY", None)  # made by the command, shared with workers
    subprocess.run(
        [
            sys.executable,
            "-m",
            "contest.cli",
            "user",
            "add",
            "--role",
            "organizer",
            "--email",
            "org@uni.edu",
            "--name",
            "Org Person",
            "--password-stdin",
        ],
        input=PASSWORD,
        text=True,
        env=environment,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "contest.cli", "serve", "--port", str(port), "--workers", "2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{address}/sign-in").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    try:
        yield address, server
    finally:
        server.terminate()
        server.wait(timeout=20)


def _answers(client: httpx.Client, address: str, times: int = 12) -> set[bool]:
    """Whether each of several fresh connections (spread over the workers) shows the
    account signed in."""
    seen = set()
    for _ in range(times):
        page = client.get(f"{address}/account", headers={"connection": "close"})
        seen.add(page.status_code == 200 and "org@uni.edu" in page.text)
    return seen


def test_two_workers_share_sign_in_and_sign_out(served: tuple[str, subprocess.Popen[str]]) -> None:
    address, server = served
    with httpx.Client(follow_redirects=False) as client:
        form = client.get(f"{address}/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        signed_in = client.post(
            f"{address}/sign-in",
            data={"email": "org@uni.edu", "password": PASSWORD, "csrf_token": token.group(1)},
            headers={"origin": address},
        )
        assert signed_in.status_code == 303, signed_in.text
        assert _answers(client, address) == {True}
        page = client.get(f"{address}/account")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        client.post(
            f"{address}/sign-out", data={"csrf_token": token.group(1)}, headers={"origin": address}
        )
        assert _answers(client, address) == {False}
    server.terminate()
    output, _ = server.communicate(timeout=20)
    assert len(set(re.findall(r"Started server process \[(\d+)\]", output))) == 2, output


def test_an_unreachable_database_stops_serve_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTEST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(
        "CONTEST_DATABASE", "postgresql://app:s3cret@127.0.0.1:1/contest?connect_timeout=2"
    )
    with pytest.raises(SystemExit) as stopped:
        cli.main(["serve", "--port", str(_free_port())])
    message = str(stopped.value)
    assert "postgresql://app:***@127.0.0.1:1/contest" in message and "s3cret" not in message


def test_every_command_names_an_unreachable_database_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTEST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(
        "CONTEST_DATABASE", "postgresql://app:s3cret@127.0.0.1:1/contest?connect_timeout=2"
    )
    with pytest.raises(SystemExit) as stopped:
        cli.main(["demo"])
    message = str(stopped.value)
    assert message.startswith("contest demo: cannot reach the PostgreSQL database at")
    assert "postgresql://app:***@127.0.0.1:1/contest" in message and "s3cret" not in message
