"""A real OpenID Connect provider on localhost for the campus sign-in tests (issue #20).

``running_provider()`` starts ``node tests/oidc/provider.mjs`` (panva's certified
``oidc-provider``, pinned in ``package.json`` and installed by ``npm ci``, which ``make test``
runs) on a free port of 127.0.0.1, waits for its ``READY <issuer>`` line and gives an
:class:`OidcProvider`: the issuer, one confidential client, the accounts of the campus
directory and their password. It stops the provider afterwards.

Without Node or the package the tests that need the provider skip, or fail when
``CONTEST_REQUIRE_OIDC=1`` (as CI should set, like ``CONTEST_REQUIRE_BROWSER``).

The client's redirect URIs are loopback ones: ``http://127.0.0.1:<any port><REDIRECT_PATH>``
(RFC 8252's rule, which the provider applies to the client), so one provider serves the app of
every test, each on its own port. ``sign_in_at_provider`` fills the provider's login page over
plain HTTP, as a browser would.
"""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import IO, Any, NoReturn
from urllib.parse import urljoin

import httpx2 as httpx
import pytest

from contest.accounts.campus.providers import Provider

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
PACKAGE = ROOT / "node_modules" / "oidc-provider"
#: The oldest Node the package runs on: it calls ``URL.parse`` (Node 20.18) and ``crypto.hash``
#: (20.12). Its start-up notice asks for Node 22 LTS; 20 is what these machines have.
NODE_MINIMUM = (20, 18)
STARTUP_SECONDS = 20.0
STOP_SECONDS = 5.0

#: Every account's password (provider.mjs's PASSWORD).
PASSWORD = "campus-password"
#: Where the provider may send a browser back to, on any port of 127.0.0.1.
REDIRECT_PATH = "/sign-in/campus/callback"
#: Where RP-initiated logout may send a browser back to, on any port of 127.0.0.1.
POST_LOGOUT_PATH = "/signed-out"
#: The scopes that carry every claim of an account.
SCOPES = "openid email profile campus"


@dataclass(frozen=True)
class Account:
    """A person of the campus directory (provider.mjs's ACCOUNTS) and the claims it sends."""

    username: str
    sub: str
    email: str
    email_verified: bool
    name: str
    affiliation: str
    department: str
    password: str = PASSWORD


def _account(username: str, sub: str, name: str, affiliation: str, department: str) -> Account:
    return Account(
        username=username,
        sub=sub,
        email=f"{username}@campus.example",
        email_verified=username != "unverified",
        name=name,
        affiliation=affiliation,
        department=department,
    )


ACCOUNTS: Mapping[str, Account] = {
    account.username: account
    for account in (
        _account("student", "u-1001", "Mei Lin", "student", "History"),
        _account("staff", "u-1002", "Tom Ward", "staff", "Library"),
        _account("unverified", "u-1003", "Sam Reed", "student", "Physics"),
    )
}


@dataclass(frozen=True)
class OidcProvider:
    """A running provider and the one client registered with it."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_path: str = REDIRECT_PATH
    post_logout_path: str = POST_LOGOUT_PATH
    accounts: Mapping[str, Account] = field(default_factory=lambda: dict(ACCOUNTS))

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def redirect_uri_pattern(self) -> str:
        """The redirect URIs the client may use, in words."""
        return f"http://127.0.0.1:<any port>{self.redirect_path}"

    def redirect_uri(self, base_url: str) -> str:
        """The redirect URI of an app served at ``base_url`` (``http://127.0.0.1:<port>``)."""
        return base_url.rstrip("/") + self.redirect_path

    def post_logout_redirect_uri(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.post_logout_path

    def as_campus(self, label: str) -> Provider:
        """This provider as the site is configured with it (key ``campus``)."""
        return Provider(
            key="campus",
            label=label,
            issuer=self.issuer,
            client_id=self.client_id,
            client_secret=self.client_secret,
            scopes=SCOPES,
        )


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CONTEST_REQUIRE_OIDC") == "1":
        pytest.fail(f"CONTEST_REQUIRE_OIDC=1 but {reason}")
    pytest.skip(reason)


def find_node() -> str:
    """Node's path, once Node and the package are known to be there (else skip or fail)."""
    node = shutil.which("node")
    if node is None:
        _unavailable("the OpenID provider tests need Node.js 20.18 or later on the PATH")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    found = re.match(r"v(\d+)\.(\d+)", version)
    if not found or (int(found[1]), int(found[2])) < NODE_MINIMUM:
        _unavailable(f"the OpenID provider tests need Node.js 20.18 or later, not {version!r}")
    if not (PACKAGE / "package.json").exists():
        _unavailable(
            f"the OpenID provider tests need {PACKAGE}: run `npm ci` "
            "(make test does) to install it from package-lock.json"
        )
    return node


def _read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@contextmanager
def running_provider(
    *,
    client_id: str = "photo-contest",
    client_secret: str | None = None,
    redirect_paths: tuple[str, ...] = (REDIRECT_PATH,),
    post_logout_paths: tuple[str, ...] = (POST_LOGOUT_PATH,),
    ttl: Mapping[str, int] | None = None,
) -> Iterator[OidcProvider]:
    """Start a provider for one client; stop it when the block ends.

    ``ttl`` shortens the provider's lifetimes (seconds, e.g. ``{"IdToken": 2}``); its defaults
    are in provider.mjs (codes 60 s, ID and access tokens 5 minutes).
    """
    node = find_node()
    secret = client_secret or secrets.token_urlsafe(32)
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,  # the provider takes a free port and names it in its issuer: no race
        "clients": [
            {
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": [f"http://127.0.0.1{path}" for path in redirect_paths],
                "post_logout_redirect_uris": [
                    f"http://127.0.0.1{path}" for path in post_logout_paths
                ],
            }
        ],
        "ttl": dict(ttl or {}),
    }
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [node, str(SCRIPT)],
            cwd=ROOT,
            env={**os.environ, "OIDC_PROVIDER_CONFIG": json.dumps(settings)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            issuer = _wait_until_ready(process, errors)
            yield OidcProvider(
                issuer=issuer,
                client_id=client_id,
                client_secret=secret,
                redirect_path=redirect_paths[0],
                post_logout_path=post_logout_paths[0],
            )
        finally:
            _stop(process)


def _wait_until_ready(process: subprocess.Popen[str], errors: IO[str]) -> str:
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(
        target=_read_lines, args=(process.stdout, lines), name="oidc-provider", daemon=True
    ).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            line = None
            problem = f"did not say READY within {STARTUP_SECONDS:.0f} seconds"
        else:
            problem = "exited before it was ready" if line is None else ""
        if line is not None and line.startswith("READY "):
            return line.split(" ", 1)[1].strip()
        if line is not None:
            continue  # anything else on stdout is not ours to read
        errors.flush()
        errors.seek(0)
        raise RuntimeError(
            f"the OpenID provider ({SCRIPT.relative_to(ROOT)}) {problem}"
            f" (exit code {process.poll()}); its stderr:\n{errors.read()[-4000:]}"
        )


def _stop(process: subprocess.Popen[str]) -> None:
    """Close the provider's stdin (it exits on that), then terminate, then kill."""
    try:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    finally:
        if process.stdout is not None:
            process.stdout.close()


# --- The provider's pages, as a browser sees them ------------------------------------------


def form_of(page: httpx.Response) -> tuple[str, dict[str, str]]:
    """The first form of an HTML page: its absolute action URL and its hidden fields."""
    found = re.search(r"<form\b[^>]*>.*?</form>", page.text, re.DOTALL)
    assert found, f"no form on {page.url} ({page.status_code}):\n{page.text[:2000]}"
    action = re.search(r'action="([^"]*)"', found.group(0))
    hidden = {
        unescape(name): unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]*)" value="([^"]*)"', found.group(0)
        )
    }
    return urljoin(str(page.url), unescape(action.group(1)) if action else ""), hidden


def sign_in_at_provider(
    http: httpx.Client, authorize_url: str, username: str, password: str | None = None
) -> str:
    """Follow ``authorize_url`` through the provider's login page (and consent page, if it
    asks) as a browser would, and return the URL it finally sends the browser to (the app's
    redirect URI with ``code`` and ``state``, or ``error``).

    ``http`` keeps the provider's cookies (its sign-in session) between calls, as a browser.
    """
    account = ACCOUNTS.get(username)
    secret = password if password is not None else (account.password if account else PASSWORD)
    response = http.get(authorize_url, follow_redirects=False)
    for _ in range(10):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if not location.startswith(_origin(authorize_url)):
                return location  # back to the app
            response = http.get(location, follow_redirects=False)
        elif response.status_code == 200 and 'name="password"' in response.text:
            action, fields = form_of(response)
            response = http.post(
                action,
                data={**fields, "username": username, "password": secret},
                follow_redirects=False,
            )
        elif response.status_code == 200 and "/consent" in response.text:
            action, fields = form_of(response)
            response = http.post(action, data=fields, follow_redirects=False)
        else:
            raise AssertionError(
                f"the provider answered {response.status_code} at {response.url}:\n"
                f"{response.text[:2000]}"
            )
    raise AssertionError(f"the provider redirected too often from {authorize_url}")


def _origin(url: str) -> str:
    found = re.match(r"[a-z]+://[^/]+", url)
    assert found, url
    return found.group(0)
