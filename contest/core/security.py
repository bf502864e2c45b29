"""Passwords, secret tokens and CSRF tokens: thin wrappers over vetted primitives."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import anyio.to_thread
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

#: A hash of a random password, verified when an email is unknown so timing reveals nothing.
_DECOY_PASSWORD = secrets.token_urlsafe(16)


class Passwords:
    """Argon2id hashing, run in a worker thread so it never blocks the event loop."""

    def __init__(self, *, fast: bool = False) -> None:
        # The cheapest profile keeps test suites quick; it is never used by a served app.
        self._hasher = (
            PasswordHasher.from_parameters(profiles.CHEAPEST) if fast else PasswordHasher()
        )
        self._decoy = self._hasher.hash(_DECOY_PASSWORD)

    async def hash(self, password: str) -> str:
        """An Argon2id hash of the password."""
        return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches; with no hash, spend the same time and say no."""

        def check() -> bool:
            try:
                return self._hasher.verify(password_hash or self._decoy, password) and (
                    password_hash is not None
                )
            except (VerificationError, InvalidHashError):
                return False

        return await anyio.to_thread.run_sync(check)


def new_token() -> str:
    """A fresh unguessable token for a link or a cookie."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token, so a leaked table opens no session or link."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, browser_id: str) -> str:
    """The form token bound to this browser's CSRF cookie."""
    return hmac.new(secret_key.encode(), f"csrf:{browser_id}".encode(), hashlib.sha256).hexdigest()


def texts_match(expected: str, given: str) -> bool:
    """Whether a submitted secret equals the expected one, in constant time; any text may be
    compared (``hmac.compare_digest`` raises on a str that is not ASCII)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


def csrf_token_valid(secret_key: str, browser_id: str | None, token: str | None) -> bool:
    """Whether a submitted form token belongs to this browser."""
    if not browser_id or not token:
        return False
    return texts_match(csrf_token(secret_key, browser_id), token)
