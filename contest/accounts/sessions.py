"""Server-side sessions: a random token in the cookie, its hash in the database."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from contest.accounts.users import User
from contest.core import changes
from contest.core.clock import from_db, to_db
from contest.core.db import Database
from contest.core.security import new_token, token_hash

SESSION_LIFETIME = timedelta(days=14)
#: How long this process may trust a session it looked up without asking the database again.
#: Only the like path uses the cache, and its write checks the session, account and role
#: again, so a sign-out or change is never missed there; this bounds how stale it may be.
#: Ending sessions is announced (``core.changes``), so every process forgets them at once.
SESSION_CACHE_SECONDS = 5.0
SESSION_CACHE_SIZE = 10_000


class SessionCache:
    """Recently seen live sessions: token hash -> (user, expiry, time looked up)."""

    def __init__(
        self,
        seconds: float = SESSION_CACHE_SECONDS,
        *,
        size: int = SESSION_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.size = size
        self._clock = clock
        self._users: dict[str, tuple[User, datetime, float]] = {}

    def get(self, key: str, *, now: datetime) -> User | None:
        """The cached user of a session looked up lately and not expired, else None."""
        cached = self._users.get(key)
        if cached is None:
            return None
        user, expires_at, looked_up = cached
        if self._clock() - looked_up >= self.seconds or expires_at <= now:
            del self._users[key]
            return None
        return user

    def forget(self, key: str) -> None:
        """Drop one session (found stale where it was used, or ended)."""
        self._users.pop(key, None)

    def forget_user(self, user_id: int) -> None:
        """Drop every session of one account (its role or standing changed, or it signed
        out everywhere): rare, so a look at every session held is cheap enough."""
        for key in [key for key, (user, _, _) in self._users.items() if user.id == user_id]:
            del self._users[key]

    def clear(self) -> None:
        """Drop every session held (when this process may have missed a change)."""
        self._users.clear()

    def put(self, key: str, user: User, *, expires_at: datetime) -> None:
        """Remember a live session's user."""
        if len(self._users) >= self.size:
            self._users.clear()
        self._users[key] = (user, expires_at, self._clock())


async def start_session(
    db: Database,
    *,
    user_id: int,
    now: datetime,
    replacing: str | None = None,
    campus_provider: str | None = None,
) -> str:
    """Begin a session for the user and return its token; a previous token is ended (rotation).
    ``campus_provider``: the key of the campus provider it was begun through, if any."""
    token = new_token()
    async with db.transaction() as tx:
        if replacing:
            ended = token_hash(replacing)
            await tx.execute("DELETE FROM sessions WHERE token_hash = ?", (ended,))
            await changes.announce(db, changes.SESSION, ended, tx=tx)
        await tx.execute("DELETE FROM sessions WHERE expires_at <= ?", (to_db(now),))
        await tx.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, campus_provider)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                token_hash(token),
                user_id,
                to_db(now),
                to_db(now + SESSION_LIFETIME),
                campus_provider,
            ),
        )
    return token


async def campus_provider_of(db: Database, token: str | None) -> str | None:
    """The campus provider the session was begun through (None: email and password)."""
    if not token:
        return None
    value = await db.fetch_value(
        "SELECT campus_provider FROM sessions WHERE token_hash = ?", (token_hash(token),)
    )
    return None if value is None else str(value)


async def session_user(
    db: Database, token: str | None, *, now: datetime, cache: SessionCache | None = None
) -> User | None:
    """The enabled user a live session token belongs to, or None."""
    if not token:
        return None
    key = token_hash(token)
    if cache is not None and (user := cache.get(key, now=now)):
        return user
    row = await db.fetch_one(
        "SELECT users.*, sessions.expires_at AS session_expires_at,"
        " EXISTS (SELECT 1 FROM campus_identities WHERE campus_identities.user_id = users.id)"
        "   AS campus FROM sessions"
        " JOIN users ON users.id = sessions.user_id"
        " WHERE sessions.token_hash = ? AND sessions.expires_at > ? AND users.disabled_at IS NULL",
        (key, to_db(now)),
    )
    if row is None:
        return None
    user = User.from_row(row)
    if cache is not None:
        expires_at = from_db(row["session_expires_at"])
        cache.put(key, user, expires_at=expires_at)
    return user


async def end_session(db: Database, token: str | None) -> None:
    """Sign this browser out, in every process at once."""
    if not token:
        return
    ended = token_hash(token)
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM sessions WHERE token_hash = ?", (ended,))
        await changes.announce(db, changes.SESSION, ended, tx=tx)


async def end_all_sessions(db: Database, *, user_id: int) -> int:
    """Sign the user out everywhere (every process forgets their sessions at once); return
    how many sessions ended."""
    async with db.transaction() as tx:
        ended = await tx.execute_rowcount("DELETE FROM sessions WHERE user_id = ?", (user_id,))
        await changes.announce(db, changes.USER, user_id, tx=tx)
    return ended
