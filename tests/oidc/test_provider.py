"""The test provider itself, spoken to by hand as the app will: discovery, the login page, the
authorization code flow with PKCE, the ID token's claims, codes used once, RP-initiated logout.

Checking the ID token's signature is the app's job (with Authlib); here its payload is read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2 as httpx
import pytest

from tests.oidc.provider import (
    ACCOUNTS,
    SCOPES,
    OidcProvider,
    find_node,
    form_of,
    running_provider,
    sign_in_at_provider,
)

#: The app's address in these tests: nothing listens there, the redirects are only read.
APP = "http://127.0.0.1:8123"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A browser's cookie jar, and nothing followed by itself."""
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def discovery(oidc_provider: OidcProvider) -> dict[str, Any]:
    response = httpx.get(oidc_provider.discovery_url, timeout=10)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


@dataclass
class Request:
    """One authorization request: what the app keeps until the browser comes back."""

    url: str
    state: str
    nonce: str
    verifier: str
    redirect_uri: str


def authorization_request(
    provider: OidcProvider,
    discovery: dict[str, Any],
    *,
    app: str = APP,
    scope: str = SCOPES,
    **extra: str,
) -> Request:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    redirect_uri = provider.redirect_uri(app)
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        **extra,
    }
    params = {name: value for name, value in params.items() if value}
    url = f"{discovery['authorization_endpoint']}?{urlencode(params)}"
    return Request(url, state, nonce, verifier, redirect_uri)


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def exchange(
    provider: OidcProvider, discovery: dict[str, Any], request: Request, code: str
) -> httpx.Response:
    """The app's back-channel call: the code, the verifier and the client's secret."""
    return httpx.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.verifier,
        },
        auth=(provider.client_id, provider.client_secret),
        timeout=10,
    )


def jwt_part(token: str, index: int) -> dict[str, Any]:
    """A JWT's header (0) or payload (1), unchecked."""
    part = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def sign_in(
    provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client, username: str
) -> tuple[Request, str]:
    """A whole sign-in at the provider: the request and the code the app gets back."""
    request = authorization_request(provider, discovery)
    back = sign_in_at_provider(http, request.url, username)
    assert back.startswith(request.redirect_uri + "?"), back
    answer = query(back)
    assert answer["state"] == request.state
    assert answer["iss"] == provider.issuer  # RFC 9207: the app can tell providers apart
    return request, answer["code"]


def test_discovery_names_the_endpoints_and_what_the_app_needs(
    oidc_provider: OidcProvider, discovery: dict[str, Any]
) -> None:
    issuer = oidc_provider.issuer
    assert issuer.startswith("http://127.0.0.1:")
    assert discovery["issuer"] == issuer
    for endpoint in (
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
        "end_session_endpoint",
    ):
        assert discovery[endpoint].startswith(issuer + "/"), endpoint
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert "code" in discovery["response_types_supported"]
    assert "client_secret_basic" in discovery["token_endpoint_auth_methods_supported"]
    assert {"openid", "email", "profile", "campus"} <= set(discovery["scopes_supported"])
    assert {"email", "email_verified", "name", "affiliation", "department"} <= set(
        discovery["claims_supported"]
    )

    keys = httpx.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]
    assert "d" not in keys[0]  # the public half only


def test_the_login_page_is_a_plain_form(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    """What Chromium fills in the browser tests: a username, a password and a button."""
    request = authorization_request(oidc_provider, discovery)
    page = http.get(request.url, follow_redirects=True)
    assert page.status_code == 200
    assert str(page.url).startswith(f"{oidc_provider.issuer}/interaction/")
    assert '<label for="username">Username</label>' in page.text
    assert '<input id="password" name="password" type="password" required>' in page.text
    assert '<button type="submit">Sign in</button>' in page.text
    assert "<script" not in page.text
    action, _ = form_of(page)
    assert action == f"{page.url}/login"


def test_a_student_signs_in_with_the_code_flow_and_pkce(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    request, code = sign_in(oidc_provider, discovery, http, "student")

    response = exchange(oidc_provider, discovery, request, code)

    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"].lower() == "bearer"
    assert 0 < tokens["expires_in"] <= 300
    assert "refresh_token" not in tokens
    header = jwt_part(tokens["id_token"], 0)
    keys = httpx.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert header["alg"] == "RS256"
    assert header["kid"] == keys[0]["kid"]
    claims = jwt_part(tokens["id_token"], 1)
    student = ACCOUNTS["student"]
    assert claims["iss"] == oidc_provider.issuer
    assert claims["aud"] == oidc_provider.client_id
    assert claims["nonce"] == request.nonce
    assert 0 < claims["exp"] - claims["iat"] <= 300
    assert claims["sub"] == student.sub == "u-1001"
    assert claims["email"] == "student@campus.example"
    assert claims["email_verified"] is True
    assert claims["name"] == "Mei Lin"
    assert claims["affiliation"] == "student"
    assert claims["department"] == "History"

    # The same claims from userinfo, for an app that asks there.
    info = httpx.get(
        discovery["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    assert info["email"] == student.email
    assert info["affiliation"] == "student"


def test_a_code_is_taken_once(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    request, code = sign_in(oidc_provider, discovery, http, "staff")
    assert exchange(oidc_provider, discovery, request, code).status_code == 200

    replay = exchange(oidc_provider, discovery, request, code)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("username", "email", "verified", "name", "affiliation", "department"),
    [
        ("staff", "staff@campus.example", True, "Tom Ward", "staff", "Library"),
        ("unverified", "unverified@campus.example", False, "Sam Reed", "student", "Physics"),
    ],
)
def test_each_account_sends_its_own_claims(
    oidc_provider: OidcProvider,
    discovery: dict[str, Any],
    http: httpx.Client,
    username: str,
    email: str,
    verified: bool,
    name: str,
    affiliation: str,
    department: str,
) -> None:
    request, code = sign_in(oidc_provider, discovery, http, username)
    claims = jwt_part(exchange(oidc_provider, discovery, request, code).json()["id_token"], 1)
    account = ACCOUNTS[username]
    expected = (account.email, account.email_verified, account.name)
    assert (claims["email"], claims["email_verified"], claims["name"]) == expected
    assert (claims["email"], claims["email_verified"], claims["name"]) == (email, verified, name)
    assert (claims["affiliation"], claims["department"]) == (affiliation, department)
    assert (account.affiliation, account.department) == (affiliation, department)


def test_the_wrong_verifier_gets_no_tokens(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    request, code = sign_in(oidc_provider, discovery, http, "student")
    request.verifier = secrets.token_urlsafe(48)

    response = exchange(oidc_provider, discovery, request, code)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_pkce_is_required(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    request = authorization_request(
        oidc_provider, discovery, code_challenge="", code_challenge_method=""
    )

    back = http.get(request.url)

    answer = query(back.headers["location"])
    assert answer["error"] == "invalid_request"
    assert "PKCE" in answer["error_description"]
    assert answer["state"] == request.state


def test_the_wrong_secret_gets_no_tokens(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    request, code = sign_in(oidc_provider, discovery, http, "student")

    response = httpx.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.verifier,
        },
        auth=(oidc_provider.client_id, "not-the-secret"),
        timeout=10,
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_wrong_password_or_a_stranger_is_refused_on_the_page(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    request = authorization_request(oidc_provider, discovery)
    page = http.get(request.url, follow_redirects=True)
    action, _ = form_of(page)

    for username, password in [("student", "wrong"), ("nobody", ACCOUNTS["student"].password)]:
        refused = http.post(action, data={"username": username, "password": password})
        assert refused.status_code == 401
        assert '<p role="alert" id="error">Wrong username or password.</p>' in refused.text

    # The page still works afterwards.
    signed_in = http.post(action, data={"username": "student", "password": "campus-password"})
    assert signed_in.is_redirect


def test_any_port_of_the_loopback_address_but_only_the_registered_path(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    """Each test's app has its own port: the provider takes them all, not other paths."""
    other_port = authorization_request(oidc_provider, discovery, app="http://127.0.0.1:9")
    back = sign_in_at_provider(http, other_port.url, "student")
    assert back.startswith("http://127.0.0.1:9" + oidc_provider.redirect_path + "?code=")

    wrong_path = authorization_request(oidc_provider, discovery)
    wrong_path.url = wrong_path.url.replace("callback", "elsewhere")
    page = http.get(wrong_path.url)
    assert page.status_code == 400
    assert "redirect_uri did not match" in page.text


def test_a_second_sign_in_reuses_the_providers_session(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    sign_in(oidc_provider, discovery, http, "student")
    again = authorization_request(oidc_provider, discovery)

    back = http.get(again.url)

    assert query(back.headers["location"])["state"] == again.state
    assert "code" in query(back.headers["location"])


def test_prompt_consent_shows_the_consent_page(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    """Without it the app's grant is given by the campus (no consent page); with it, asked."""
    sign_in(oidc_provider, discovery, http, "staff")
    request = authorization_request(oidc_provider, discovery, prompt="consent")

    page = http.get(request.url, follow_redirects=True)

    assert page.status_code == 200
    assert "<h1>Allow access</h1>" in page.text
    back = sign_in_at_provider(http, request.url, "staff")
    assert query(back)["state"] == request.state
    claims = jwt_part(
        exchange(oidc_provider, discovery, request, query(back)["code"]).json()["id_token"], 1
    )
    assert claims["email"] == "staff@campus.example"


def test_rp_initiated_logout_ends_the_providers_session(
    oidc_provider: OidcProvider, discovery: dict[str, Any], http: httpx.Client
) -> None:
    request, code = sign_in(oidc_provider, discovery, http, "student")
    id_token = exchange(oidc_provider, discovery, request, code).json()["id_token"]
    post_logout = oidc_provider.post_logout_redirect_uri(APP)
    state = secrets.token_urlsafe(8)
    logout_url = (
        discovery["end_session_endpoint"]
        + "?"
        + urlencode(
            {"id_token_hint": id_token, "post_logout_redirect_uri": post_logout, "state": state}
        )
    )

    page = http.get(logout_url)
    assert page.status_code == 200
    assert 'name="logout" value="yes">Yes, sign me out</button>' in page.text
    action, fields = form_of(page)
    done = http.post(action, data={**fields, "logout": "yes"})
    while done.is_redirect and not done.headers["location"].startswith(post_logout):
        done = http.get(done.headers["location"])

    assert done.is_redirect
    assert done.headers["location"] == f"{post_logout}?state={state}"
    # Signed out at the provider: the next sign-in asks for the password again.
    page = http.get(authorization_request(oidc_provider, discovery).url, follow_redirects=True)
    assert 'name="password"' in page.text


def test_a_provider_that_cannot_start_says_why() -> None:
    """Its stderr in the error, not a wait for a READY that never comes."""
    find_node()
    with (
        pytest.raises(RuntimeError, match=r"exited before it was ready") as failure,
        running_provider(redirect_paths=("no-leading-slash",)),
    ):
        pass  # pragma: no cover

    assert "invalid client: redirect_uris" in str(failure.value)
