from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from contest.app import create_app
from contest.config import Config
from contest.web.public import home
from tests.conftest import FakeClock, Site


def test_unknown_page_is_a_friendly_404_in_the_site_layout(site: Site) -> None:
    response = site.client.get("/no/such/page")
    assert response.status_code == 404
    assert (
        "We couldn&#39;t find that page" in response.text and 'class="site-header"' in response.text
    )


def test_unknown_page_under_api_answers_json(site: Site) -> None:
    response = site.client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json() == {"error": "We couldn't find that page", "status": 404}


def test_wrong_method_is_405(site: Site) -> None:
    response = site.client.delete("/")
    assert response.status_code == 405
    assert "isn&#39;t available here" in response.text


def test_oversized_body_is_refused_with_413(site: Site) -> None:
    token = site.csrf("/sign-in")
    big = "x" * (site.config.max_body_bytes + 1)
    response = site.client.post("/sign-in", data={"csrf_token": token, "email": big})
    assert response.status_code == 413
    assert "That upload is too large" in response.text and "up to 25 MB" in response.text


def test_body_growing_past_the_cap_while_streaming_is_refused(site: Site) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(26):
            yield b"x" * (1024 * 1024)

    response = site.client.post(
        "/sign-in", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "That upload is too large" in response.text


def test_too_many_fields_is_a_clear_400(site: Site) -> None:
    token = site.csrf("/sign-in")
    data = {f"f{i}": "x" for i in range(500)} | {"csrf_token": token}
    response = site.client.post("/sign-in", data=data)
    assert response.status_code == 400
    assert "Too many fields" in response.text


def test_unexpected_failure_is_a_calm_500_page(
    config: Config, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(home.contest_store, "list_contests", broken)
    app = create_app(config, clock=clock, fast_passwords=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "database on fire" not in response.text


def test_security_headers_are_on_every_response(site: Site) -> None:
    for path in ("/", "/sign-in", "/nothing-here", "/static/css/site.css"):
        headers = site.client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_unknown_host_is_refused(site: Site) -> None:
    response = site.client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400


def test_health_check_answers(site: Site) -> None:
    assert site.client.get("/api/health").json() == {"status": "ok"}
