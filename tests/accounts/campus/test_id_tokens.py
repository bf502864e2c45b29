"""The ID token's checks, each on its own: tokens signed here with real keys (joserfc), held
to a provider whose keys the client already read, so every refusal is the check's own."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from contest.accounts.campus.client import CampusClient, CampusRefused, Metadata
from contest.accounts.campus.providers import Provider

ISSUER = "https://login.uni.example"
PROVIDER = Provider("campus", "Campus", ISSUER, "photo-contest", "secret")
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
NONCE = "n-0S6_WzA2Mj"
SIGNING = RSAKey.generate_key(2048, parameters={"kid": "k1"})
STRANGER = RSAKey.generate_key(2048, parameters={"kid": "k1"})  # same kid, other key


def client() -> CampusClient:
    """A client that already read the provider's discovery document and its one key."""
    made = CampusClient()
    metadata = Metadata(
        ISSUER, f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/jwks", None, None, True
    )
    keys = KeySet.import_key_set({"keys": [SIGNING.as_dict(private=False)]})
    made._cache[ISSUER] = (time.monotonic(), metadata, keys)
    return made


def claims(**changes: Any) -> dict[str, Any]:
    issued = int(NOW.timestamp())
    base = {
        "iss": ISSUER,
        "aud": "photo-contest",
        "sub": "u-1001",
        "iat": issued,
        "exp": issued + 300,
        "nonce": NONCE,
        "email": "student@campus.example",
        "email_verified": True,
    }
    return {key: value for key, value in (base | changes).items() if value is not None}


def signed(payload: dict[str, Any], key: Any = SIGNING, alg: str = "RS256") -> dict[str, Any]:
    return {"id_token": jwt.encode({"alg": alg, "kid": "k1"}, payload, key)}


def check(token: dict[str, Any], *, nonce: str = NONCE, now: datetime = NOW) -> dict[str, Any]:
    return asyncio.run(client().id_claims(PROVIDER, token, nonce=nonce, now=now))


def test_a_good_token_gives_its_claims_and_allows_two_minutes_of_skew() -> None:
    assert check(signed(claims()))["email"] == "student@campus.example"
    assert check(signed(claims()), now=NOW + timedelta(seconds=300 + 100))["sub"] == "u-1001"
    early = claims(iat=int(NOW.timestamp()) + 100)
    assert check(signed(early))["sub"] == "u-1001"


@pytest.mark.parametrize(
    ("case", "token"),
    [
        ("signed by another key", signed(claims(), STRANGER)),
        ("for another site", signed(claims(aud="another-site"))),
        ("from another issuer", signed(claims(iss="https://evil.example"))),
        ("without a subject", signed(claims(sub=None))),
        ("expired", signed(claims(exp=int(NOW.timestamp()) - 200))),
        ("with another sign-in's nonce", signed(claims(nonce="someone-else"))),
        ("without a nonce", signed(claims(nonce=None))),
        (
            "signed with the client's secret (HS256)",
            signed(claims(), OctKey.import_key("s" * 32), "HS256"),
        ),
        ("not a token at all", {"id_token": "not.a.token"}),
    ],
)
def test_a_token_failing_any_check_is_refused(case: str, token: dict[str, Any]) -> None:
    with pytest.raises(CampusRefused):
        check(token)


def test_an_unsigned_token_is_refused() -> None:
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    good = signed(claims())["id_token"].split(".")
    with pytest.raises(CampusRefused):
        check({"id_token": f"{header}.{good[1]}."})
