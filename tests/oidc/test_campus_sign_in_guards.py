"""What a campus sign-in must never do, against the real provider: take over an account by a
password someone else set, link an organizer or another spelling of the address, let in an
address outside the campus's domains, or hand a graduate's account to the next holder of the
address; and the faults of a provider that answers nonsense."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from contest.accounts.campus import flow
from contest.accounts.campus.client import CampusClient, CampusUnavailable
from contest.accounts.campus.providers import Provider
from contest.app import create_app
from contest.config import Config
from tests.conftest import FakeClock, Site
from tests.oidc.campus_pages import BASE, come_back, sign_in_as, start
from tests.oidc.provider import OidcProvider, sign_in_at_provider


@pytest.fixture
def other_site(config: Config, clock: FakeClock) -> Iterator[object]:
    """Build a site on the same database with other provider settings."""

    def build(provider: Provider) -> Site:
        changed = replace(config, campus_providers=(provider,))
        client = TestClient(create_app(changed, clock=clock, fast_passwords=True), base_url=BASE)
        client.__enter__()
        opened.append(client)
        return Site(client, clock, changed)

    opened: list[TestClient] = []
    yield build
    for client in opened:
        client.__exit__(None, None, None)


def test_an_unconfirmed_account_someone_made_with_the_address_loses_its_password(
    site: Site, browser: httpx.Client
) -> None:
    squatter = site.add_user("participant", "student@campus.example", password="attacker-pass-123")
    site.execute("UPDATE users SET email_verified_at = NULL WHERE id = ?", (squatter,))
    attacker = TestClient(site.client.app, base_url=BASE)
    attacker.__enter__()
    try:
        Site(attacker, site.clock, site.config).sign_in(
            "student@campus.example", "attacker-pass-123"
        )
        assert attacker.get("/account", follow_redirects=False).status_code == 200

        assert sign_in_as(site, browser, "student").status_code == 303

        assert site.value("SELECT user_id FROM campus_identities") == squatter
        assert attacker.get("/account", follow_redirects=False).status_code != 200
        refused = attacker.post(
            "/sign-in",
            data={"email": "student@campus.example", "password": "attacker-pass-123",
                  "csrf_token": Site(attacker, site.clock, site.config).csrf("/sign-in")},
            follow_redirects=False,
        )  # fmt: skip
        assert refused.status_code == 400
    finally:
        attacker.__exit__(None, None, None)


def test_an_organizers_account_is_never_linked_by_its_address(
    site: Site, browser: httpx.Client
) -> None:
    site.add_user("organizer", "student@campus.example")
    refused = sign_in_as(site, browser, "student")
    assert refused.status_code == 400 and "Organizers sign in with their email and password" in (
        refused.text
    )
    assert site.value("SELECT count(*) FROM campus_identities") == 0


def test_another_spelling_of_the_address_is_not_linked_and_no_twin_is_made(
    site: Site, browser: httpx.Client
) -> None:
    site.add_user("participant", "student+photos@campus.example")
    refused = sign_in_as(site, browser, "student")
    assert refused.status_code == 400 and "another spelling of your address" in refused.text
    assert site.value("SELECT count(*) FROM users") == 1
    assert site.value("SELECT count(*) FROM campus_identities") == 0


def test_an_account_linked_to_another_person_of_the_campus_is_not_handed_over(
    site: Site, browser: httpx.Client, oidc_provider: OidcProvider
) -> None:
    graduate = site.add_user("participant", "student@campus.example")
    site.execute(
        "INSERT INTO campus_identities (issuer, subject, user_id, provider, linked_at,"
        " last_seen_at) VALUES (?, 'u-0042', ?, 'campus', '2025-01-01', '2025-06-01')",
        (oidc_provider.issuer, graduate),
    )
    refused = sign_in_as(site, browser, "student")  # subject u-1001, the address's new holder
    assert refused.status_code == 400 and "belongs to another person of your campus" in refused.text
    assert site.value("SELECT count(*) FROM campus_identities") == 1


def test_an_address_outside_the_campus_domains_is_refused(
    other_site: object, campus: Provider, browser: httpx.Client
) -> None:
    only_uni = other_site(replace(campus, domains=("uni.example",)))  # type: ignore[operator]
    refused = sign_in_as(only_uni, browser, "student")
    assert refused.status_code == 400 and "yours is not one of them" in refused.text
    assert only_uni.value("SELECT count(*) FROM users") == 0
    ours = other_site(replace(campus, domains=("campus.example",)))  # type: ignore[operator]
    assert sign_in_as(ours, browser, "staff").status_code == 303


def test_two_tabs_started_in_one_browser_both_finish(site: Site, browser: httpx.Client) -> None:
    first = start(site)
    cookie = site.client.cookies.get("contest_campus")
    second = start(site)
    assert site.client.cookies.get("contest_campus") == cookie
    assert come_back(site, sign_in_at_provider(browser, first, "student")).status_code == 303
    assert parse_qs(urlsplit(second).query)["state"] != parse_qs(urlsplit(first).query)["state"]


def test_a_provider_asked_to_prompt_for_the_password_says_so(
    other_site: object, campus: Provider
) -> None:
    kiosk = other_site(replace(campus, prompt="login"))  # type: ignore[operator]
    assert parse_qs(urlsplit(start(kiosk)).query)["prompt"] == ["login"]


class _Nonsense(BaseHTTPRequestHandler):
    """A provider whose discovery is fine and whose keys are not."""

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path.endswith("openid-configuration"):
            body = {
                "issuer": base,
                "authorization_endpoint": f"{base}/auth",
                "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks",
            }
        else:
            body = {"keys": [{"kty": "RSA", "n": "not-base64!"}]}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_keys_that_cannot_be_read_make_the_provider_count_as_down() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nonsense)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        issuer = f"http://127.0.0.1:{server.server_address[1]}"
        provider = Provider("campus", "Campus", issuer, "id", "secret")
        with pytest.raises(CampusUnavailable):
            asyncio.run(CampusClient().metadata(provider))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_sign_ins_begun_from_one_address_are_paced(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flow, "PER_ADDRESS", 2)
    start(site)
    start(site)
    third = site.post("/sign-in/campus/campus", {"next": ""}, form_page="/sign-in")
    assert third.status_code == 429
    assert site.value("SELECT count(*) FROM campus_logins") == 2


def test_a_sign_in_finished_after_ten_minutes_is_refused(
    site: Site, browser: httpx.Client, clock: FakeClock
) -> None:
    callback = sign_in_at_provider(browser, start(site), "student")
    clock.advance(minutes=11)
    late = come_back(site, callback)
    assert late.status_code == 400 and "took too long" in late.text
    assert site.value("SELECT count(*) FROM users") == 0


def test_the_sign_ins_cookie_goes_only_to_the_campus_sign_in_addresses(site: Site) -> None:
    pressed = site.post(
        "/sign-in/campus/campus", {"next": ""}, form_page="/sign-in", follow_redirects=False
    )
    [cookie] = [
        c for c in pressed.headers.get_list("set-cookie") if c.startswith("contest_campus=")
    ]
    assert "Path=/sign-in/campus" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
