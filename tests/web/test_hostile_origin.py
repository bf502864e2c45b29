"""The cross-site check against Origin headers no browser of this site would send: malformed,
or this host by another scheme. Each is refused with the site's own 403, on a form and on a
like (which the like fast path leaves to the route), and nothing is stored."""

from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import Headers
from starlette.testclient import TestClient

from contest.app import create_app
from contest.config import Config
from contest.core.security import csrf_token
from contest.web.context import BROWSER_COOKIE
from contest.web.middleware import is_cross_site
from contest.web.public.like_fast_path import LikeFastPath
from tests.conftest import PASSWORD, FakeClock, Site

#: What a browser on http://testserver never sends as the Origin of its own page.
HOSTILE_ORIGINS = [
    "http://[::1",  # malformed: urlsplit raises on it
    "http://[testserver",
    "https://testserver",  # this host, but another scheme
    "http://testserver:8080",
    "http://testserver.evil.example",
    "http://user@testserver",
    "testserver",
    "",
    "null",
]


def sign_in_data(site: Site) -> dict[str, str]:
    site.add_user("participant", "pat@uni.edu")
    return {"email": "pat@uni.edu", "password": PASSWORD, "csrf_token": site.csrf("/sign-in")}


@pytest.mark.parametrize("origin", HOSTILE_ORIGINS)
def test_a_form_from_a_hostile_origin_gets_the_sites_403_page(site: Site, origin: str) -> None:
    data = sign_in_data(site)
    response = site.client.post("/sign-in", data=data, headers={"Origin": origin})
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "another site" in response.text
    assert site.value("SELECT count(*) FROM sessions") == 0


@pytest.mark.parametrize("origin", ["http://[::1", "https://testserver"])
def test_a_script_from_a_hostile_origin_gets_a_json_403(site: Site, origin: str) -> None:
    data = sign_in_data(site)
    headers = {"Origin": origin, "Accept": "application/json"}
    response = site.client.post("/sign-in", data=data, headers=headers)
    assert response.status_code == 403
    assert response.json()["status"] == 403 and "another site" in response.json()["error"]


def fast_path(site: Site) -> LikeFastPath:
    layer: Any = site.client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, LikeFastPath):
        layer = layer.app
    return layer


def like(site: Site, entry_id: int, **headers: str) -> Any:
    """A script's like with this browser's valid form token, and these headers."""
    site.client.get("/")  # the browser cookie
    token = csrf_token(site.config.secret_key or "", site.client.cookies[BROWSER_COOKIE])
    return site.client.post(
        f"/entries/{entry_id}/like",
        data={"csrf_token": token, "action": "like"},
        headers={"Accept": "application/json", **headers},
    )


@pytest.mark.parametrize("origin", ["http://[::1", "https://testserver", "http://[testserver"])
def test_a_like_from_a_hostile_origin_is_left_to_the_route_which_refuses_it(
    site: Site, entries: list[int], origin: str
) -> None:
    site.sign_in_as("participant", "fan@uni.edu")
    assert like(site, entries[0]).json() == {"liked": True, "count": 1}  # session remembered
    assert like(site, entries[1]).json() == {"liked": True, "count": 1}  # by the fast path
    answered = fast_path(site).answered
    assert answered >= 1
    refused = like(site, entries[2], Origin=origin)
    body = refused.json()
    assert refused.status_code == 403 and body["status"] == 403 and "another site" in body["error"]
    assert fast_path(site).answered == answered  # the fast path did not answer it
    liked = {row["entry_id"] for row in site.rows("SELECT entry_id FROM likes")}
    assert liked == {entries[0], entries[1]}


def test_the_sites_own_origin_and_browsers_without_one_still_get_through(site: Site) -> None:
    """What the existing tests say stays so: this site's Origin passes; without Origin or
    Referer (old browsers, scripts) only the form token decides; Fetch Metadata, when sent,
    decides alone."""
    site.add_user("participant", "pat@uni.edu")
    token = site.csrf("/sign-in")
    data = {"email": "pat@uni.edu", "password": PASSWORD, "csrf_token": token}
    accepted = [
        {"Origin": "http://testserver"},
        {},  # no Origin, no Referer
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed in the address bar, a bookmark
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    ]
    for headers in accepted:
        response = site.client.post("/sign-in", data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 303, headers
    refused = [
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
    ]
    for headers in refused:
        response = site.client.post("/sign-in", data=data, headers=headers)
        assert response.status_code == 403, headers
    no_token = site.client.post("/sign-in", data={"email": "pat@uni.edu", "password": PASSWORD})
    assert no_token.status_code == 400  # without Origin the token still has to match


def test_on_an_https_site_only_the_https_origin_is_its_own(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, base_url="https://testserver", secret_key="k" * 32)
    with TestClient(
        create_app(config, fast_passwords=True), base_url="https://testserver"
    ) as client:
        site = Site(client, FakeClock(), config)
        data = sign_in_data(site)
        plain = site.client.post("/sign-in", data=data, headers={"Origin": "http://testserver"})
        assert plain.status_code == 403 and "another site" in plain.text
        own = site.client.post(
            "/sign-in", data=data, headers={"Origin": "https://testserver"}, follow_redirects=False
        )
        assert own.status_code == 303


@pytest.mark.parametrize("origin", HOSTILE_ORIGINS)
def test_is_cross_site_calls_every_hostile_origin_cross_site_without_raising(origin: str) -> None:
    headers = Headers({"host": "testserver", "origin": origin})
    assert is_cross_site(headers, "http") is True


def test_is_cross_site_takes_the_sites_own_origin_by_its_scheme() -> None:
    assert (
        is_cross_site(Headers({"host": "testserver", "origin": "http://testserver"}), "http")
        is False
    )
    assert (
        is_cross_site(Headers({"host": "testserver", "origin": "https://testserver"}), "https")
        is False
    )
    assert (
        is_cross_site(Headers({"host": "testserver", "origin": "http://testserver"}), "https")
        is True
    )
    assert is_cross_site(Headers({"origin": "http://"}), "http") is True  # no Host to match
    assert is_cross_site(Headers({"host": "testserver"}), "http") is False  # no Origin
