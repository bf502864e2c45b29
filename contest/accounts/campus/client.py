"""Talking to a campus identity provider: its discovery document and signing keys (cached),
the authorization request with PKCE, the code exchange, and the ID token's checks.

Authlib does the protocol (the request's parameters, the S256 challenge, the token request
with the client's secret) and joserfc the signature; this module decides what to trust:
the discovery document must name the configured issuer, the ID token must be signed by one of
the provider's keys with an asymmetric algorithm (never "none", never a symmetric one chosen
by the token), and carry this site's client id as audience, the issuer, the nonce of this
sign-in, and a time within two minutes' skew of the site's clock.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx2
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from contest.accounts.campus.providers import Provider
from contest.core.errors import ContestError
from contest.i18n import N_

#: Signature algorithms an ID token may use (asymmetric only: the provider's public keys).
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
LOG = logging.getLogger("contest.campus")
#: How far the provider's clock and the site's may disagree.
LEEWAY_SECONDS = 120
#: How long a provider's discovery document and keys are kept before being read again.
CACHE_SECONDS = 3600.0
#: How long the site waits for the provider before telling the person it does not answer.
TIMEOUT_SECONDS = 10.0


class CampusUnavailable(ContestError):
    """The provider could not be reached or answered nonsense: nobody is signed in."""

    status_code = 503

    def __init__(self) -> None:
        super().__init__(
            N_(
                "The campus sign-in service does not answer. Try again in a few minutes,"
                " or sign in with your email and password."
            )
        )


class CampusRefused(ContestError):
    """The sign-in cannot be trusted (its reason is shown): nobody is signed in."""

    status_code = 400


@dataclass(frozen=True)
class Metadata:
    """What a provider's discovery document says, as far as this site uses it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    userinfo_endpoint: str | None
    #: Whether the provider names itself in its redirect back (RFC 9207): then it must match.
    sends_issuer: bool


@dataclass
class CampusClient:
    """One per site process: the providers' discovery documents and keys, cached."""

    #: issuer -> (read at, discovery, key set)
    _cache: dict[str, tuple[float, Metadata, KeySet]] = field(default_factory=dict)

    async def metadata(self, provider: Provider) -> Metadata:
        """The provider's discovery document (cached for an hour)."""
        return (await self._read(provider))[0]

    async def _read(self, provider: Provider, *, again: bool = False) -> tuple[Metadata, KeySet]:
        cached = self._cache.get(provider.issuer)
        if cached and not again and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1], cached[2]
        discovery = f"{provider.issuer.rstrip('/')}/.well-known/openid-configuration"
        async with _http(provider) as http:
            metadata = _metadata(provider, await _json(http, discovery))
            key_set = await _json(http, metadata.jwks_uri)
        try:
            keys = KeySet.import_key_set(key_set)  # type: ignore[arg-type]
        except (JoseError, KeyError, TypeError, ValueError):
            LOG.warning("campus provider %s: its signing keys cannot be read", provider.key)
            raise CampusUnavailable() from None
        self._cache[provider.issuer] = (time.monotonic(), metadata, keys)
        return metadata, keys

    def authorization_url(
        self, provider: Provider, metadata: Metadata, redirect_uri: str
    ) -> tuple[str, str, str, str]:
        """Where to send the person: the address, and the sign-in's state, PKCE verifier and
        nonce (to keep until the provider sends them back)."""
        verifier, nonce = generate_token(48), generate_token(24)
        client = AsyncOAuth2Client(
            client_id=provider.client_id,
            scope=provider.scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
        )
        extra = {"prompt": provider.prompt} if provider.prompt else {}
        url, state = client.create_authorization_url(
            metadata.authorization_endpoint, code_verifier=verifier, nonce=nonce, **extra
        )
        return str(url), str(state), verifier, nonce

    async def exchange(
        self, provider: Provider, metadata: Metadata, redirect_uri: str, code: str, verifier: str
    ) -> dict[str, Any]:
        """The tokens for the code (CampusRefused if the provider refuses it: a code used
        twice, expired, or not made for this site)."""
        async with _http(provider, redirect_uri=redirect_uri) as http:
            try:
                token = await http.fetch_token(
                    metadata.token_endpoint, code=code, code_verifier=verifier
                )
            except OAuthError as error:
                if error.error == "invalid_grant":  # used, expired, or not this sign-in's
                    raise CampusRefused(STALE_CODE) from None
                # invalid_client and the like: this site's settings, not the person
                LOG.warning("campus provider %s refused the code: %s", provider.key, error.error)
                raise CampusUnavailable() from None
            except (httpx2.HTTPError, ValueError):  # down, or an HTML page for a token
                LOG.warning("campus provider %s: its token endpoint failed", provider.key)
                raise CampusUnavailable() from None
        if not isinstance(token, dict) or not isinstance(token.get("id_token"), str):
            raise CampusRefused(BAD_TOKEN)
        return dict(token)

    async def id_claims(
        self, provider: Provider, token: dict[str, Any], *, nonce: str, now: datetime
    ) -> dict[str, Any]:
        """The ID token's claims once its signature, issuer, audience, times and nonce hold;
        CampusRefused otherwise. Keys are read again once for a key id the cache lacks (the
        provider may have rotated them)."""
        _, keys = await self._read(provider)
        try:
            try:
                decoded = jwt.decode(token["id_token"], keys, algorithms=ALGORITHMS)
            except InvalidKeyIdError:
                _, keys = await self._read(provider, again=True)
                decoded = jwt.decode(token["id_token"], keys, algorithms=ALGORITHMS)
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "value": provider.issuer},
                    "aud": {"essential": True, "value": provider.client_id},
                    "sub": {"essential": True},
                },
                {"nonce": nonce, "client_id": provider.client_id},
            )
            claims.validate(now=int(now.timestamp()), leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError) as error:
            LOG.warning("campus provider %s: ID token refused (%s)", provider.key, error)
            raise CampusRefused(BAD_TOKEN) from None
        return dict(claims)

    async def userinfo(
        self, provider: Provider, metadata: Metadata, token: dict[str, Any], subject: str
    ) -> dict[str, Any]:
        """The provider's userinfo for the token (many providers put the address there, not
        in the ID token); empty without the endpoint, and refused for another subject."""
        if not metadata.userinfo_endpoint:
            return {}
        async with _http(provider) as http:
            http.token = token
            try:
                response = await http.request("GET", metadata.userinfo_endpoint)
                response.raise_for_status()
                found = response.json()
            except (httpx2.HTTPError, ValueError):
                raise CampusUnavailable() from None
        if not isinstance(found, dict) or found.get("sub") != subject:
            raise CampusRefused(BAD_TOKEN)
        return dict(found)


def logout_url(provider: Provider, metadata: Metadata, come_back_to: str) -> str | None:
    """Where to sign out of the campus too (OpenID Connect RP-initiated logout), coming back
    to ``come_back_to``; None when the provider offers no such address."""
    if not metadata.end_session_endpoint:
        return None
    return str(
        add_params_to_uri(
            metadata.end_session_endpoint,
            [("client_id", provider.client_id), ("post_logout_redirect_uri", come_back_to)],
        )
    )


STALE_CODE = N_(
    "This sign-in link was already used or has expired. Start again from the sign-in page."
)
BAD_TOKEN = N_(
    "The campus sign-in service sent an answer this site cannot trust, so nobody was signed in."
    " Start again from the sign-in page; if it happens again, tell the organizers."
)


def _http(provider: Provider, *, redirect_uri: str | None = None) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        redirect_uri=redirect_uri,
        timeout=TIMEOUT_SECONDS,
        follow_redirects=False,
    )


async def _json(http: AsyncOAuth2Client, url: str) -> dict[str, Any]:
    try:
        response = await http.request("GET", url, withhold_token=True)
        response.raise_for_status()
        document = response.json()
    except (httpx2.HTTPError, ValueError):
        raise CampusUnavailable() from None
    if not isinstance(document, dict):
        raise CampusUnavailable()
    return document


def _metadata(provider: Provider, document: dict[str, Any]) -> Metadata:
    """The discovery document's fields; CampusUnavailable if it names another issuer or lacks
    an endpoint (a misconfigured or impersonated provider is as good as down)."""
    if document.get("issuer") != provider.issuer:
        raise CampusUnavailable()
    try:
        return Metadata(
            issuer=provider.issuer,
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            end_session_endpoint=document.get("end_session_endpoint"),
            userinfo_endpoint=document.get("userinfo_endpoint"),
            sends_issuer=bool(
                document.get("authorization_response_iss_parameter_supported", False)
            ),
        )
    except KeyError:
        raise CampusUnavailable() from None
