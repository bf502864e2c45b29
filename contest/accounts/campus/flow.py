"""A campus sign-in from start to finish: ``begin`` sends the person to the provider with a
fresh state, PKCE verifier and nonce kept here; ``finish`` takes them back once, in the same
browser, within ten minutes, and returns who the provider says they are.

Every way a sign-in can go wrong ends in ``CampusRefused`` (a clear reason) or
``CampusUnavailable`` (the provider is down), with nobody signed in and nothing created: a
state that is unknown, used, expired or from another browser; the person cancelling at the
provider; a provider naming another issuer; a code refused at the exchange (replayed,
expired); an ID token failing any check.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from contest.accounts.campus.client import CampusClient, CampusRefused
from contest.accounts.campus.providers import Provider
from contest.core.clock import from_db, to_db
from contest.core.db import Database
from contest.core.errors import RateLimited
from contest.core.security import token_hash
from contest.i18n import N_

#: How long a person may take at the provider's login page.
LOGIN_LIFETIME = timedelta(minutes=10)
#: Sign-ins one network address may begin within ``LOGIN_LIFETIME`` (a campus reaches the
#: site from few addresses: one a second, sustained), and all of them together: each is a row
#: until it finishes, so a flood is refused before it fills the table.
PER_ADDRESS = 600
AT_ONCE = 20_000

START_AGAIN = N_(
    "This sign-in is not one this browser started, or it took too long."
    " Start again from the sign-in page."
)
CANCELLED = N_("The sign-in was cancelled at the campus sign-in service. Nobody was signed in.")
UNKNOWN_PROVIDER = N_("That campus sign-in is not offered here (any more).")


@dataclass(frozen=True)
class Started:
    """Where to send the person, and the secret their browser keeps until they are back."""

    url: str
    browser_secret: str = field(repr=False)


@dataclass(frozen=True)
class CampusPerson:
    """Who the provider says signed in, with the claims the site uses."""

    provider: Provider
    subject: str
    email: str | None
    email_verified: bool
    name: str
    affiliation: str | None
    department: str | None
    next_path: str
    #: Google's ``hd`` (the Workspace domain), when sent.
    hosted_domain: str | None = None


async def begin(
    db: Database,
    client: CampusClient,
    provider: Provider,
    *,
    redirect_uri: str,
    next_path: str,
    now: datetime,
    address: str = "",
    browser_secret: str | None = None,
) -> Started:
    """Start a sign-in with the provider (CampusUnavailable if it does not answer).
    ``browser_secret``: the one this browser already holds from a sign-in begun in another tab,
    kept so both can finish."""
    metadata = await client.metadata(provider)
    url, state, verifier, nonce = client.authorization_url(provider, metadata, redirect_uri)
    browser = (
        browser_secret
        if browser_secret is not None and _well_formed(browser_secret)
        else secrets.token_urlsafe(24)
    )
    since = to_db(now - LOGIN_LIFETIME)
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM campus_logins WHERE created_at < ?", (since,))
        begun = await tx.fetch_one(
            "SELECT count(*) AS everyone, sum(CASE WHEN address = ? THEN 1 ELSE 0 END) AS here,"
            " min(CASE WHEN address = ? THEN created_at END) AS oldest FROM campus_logins",
            (address, address),
        )
        if begun is not None and (begun["here"] or 0) >= PER_ADDRESS:
            wait = from_db(begun["oldest"]) + LOGIN_LIFETIME - now
            raise RateLimited(max(1, int(wait.total_seconds())))
        if begun is not None and begun["everyone"] >= AT_ONCE:
            raise RateLimited(60)
        await tx.execute(
            "INSERT INTO campus_logins (state_hash, provider, verifier, nonce, browser_hash,"
            " next_path, created_at, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token_hash(state),
                provider.key,
                verifier,
                nonce,
                token_hash(browser),
                next_path,
                to_db(now),
                address,
            ),
        )
    return Started(url, browser)


async def finish(
    db: Database,
    client: CampusClient,
    providers: Mapping[str, Provider],
    params: Mapping[str, str],
    *,
    browser_secret: str | None,
    redirect_uri: str,
    now: datetime,
) -> CampusPerson:
    """Check what the provider sent back (``params``: the callback's query) and return the
    person; the sign-in's state is used up whatever happens."""
    state = params.get("state", "")
    # Read first, write only for a state that exists: a flood of made-up states costs reads.
    login = await db.fetch_one(
        "SELECT * FROM campus_logins WHERE state_hash = ?", (token_hash(state),)
    )
    if login is not None:
        async with db.transaction() as tx:
            used = await tx.execute_rowcount(
                "DELETE FROM campus_logins WHERE state_hash = ?", (login["state_hash"],)
            )
        if not used:  # the same answer finishing at the same moment elsewhere: used up
            login = None
    fresh = login is not None and login["created_at"] >= to_db(now - LOGIN_LIFETIME)
    same_browser = (
        login is not None
        and browser_secret is not None
        and secrets.compare_digest(login["browser_hash"], token_hash(browser_secret))
    )
    if not state or login is None or not fresh or not same_browser:
        raise CampusRefused(START_AGAIN)
    if params.get("error"):
        raise CampusRefused(CANCELLED)
    provider = providers.get(str(login["provider"]))
    if provider is None:
        raise CampusRefused(UNKNOWN_PROVIDER)
    metadata = await client.metadata(provider)
    sent_issuer = params.get("iss")
    if (sent_issuer or metadata.sends_issuer) and sent_issuer != provider.issuer:
        raise CampusRefused(START_AGAIN)  # a mix-up: another provider's answer
    code = params.get("code", "")
    if not code:
        raise CampusRefused(START_AGAIN)
    token = await client.exchange(provider, metadata, redirect_uri, code, str(login["verifier"]))
    claims = await client.id_claims(provider, token, nonce=str(login["nonce"]), now=now)
    if not claims.get("email"):  # many providers say it only at the userinfo endpoint
        found = await client.userinfo(provider, metadata, token, str(claims["sub"]))
        claims = found | claims
    return CampusPerson(
        provider=provider,
        subject=str(claims["sub"]),
        email=str(claims["email"]) if claims.get("email") else None,
        email_verified=claims.get("email_verified") in (True, "true") or provider.trust_email,
        name=_name(claims),
        affiliation=provider.affiliation(claims),
        department=provider.department(claims),
        next_path=str(login["next_path"]),
        hosted_domain=str(claims["hd"]) if claims.get("hd") else None,
    )


def _name(claims: Mapping[str, Any]) -> str:
    """The person's name as the provider gives it, whole or in parts."""
    whole = str(claims.get("name") or "").strip()
    parts = " ".join(str(claims.get(part) or "").strip() for part in ("given_name", "family_name"))
    return whole or parts.strip()


def _well_formed(secret: str) -> bool:
    return 20 <= len(secret) <= 64 and secret.isascii()
