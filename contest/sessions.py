"""Server-side sessions: a random token in the cookie, its hash in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from contest.accounts import User
from contest.clock import to_db
from contest.db import Database
from contest.security import new_token, token_hash

SESSION_LIFETIME = timedelta(days=14)


async def start_session(
    db: Database, *, user_id: int, now: datetime, replacing: str | None = None
) -> str:
    """Begin a session for the user and return its token; a previous token is ended (rotation)."""
    token = new_token()
    async with db.transaction() as tx:
        if replacing:
            await tx.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(replacing),))
        await tx.execute("DELETE FROM sessions WHERE expires_at <= ?", (to_db(now),))
        await tx.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash(token), user_id, to_db(now), to_db(now + SESSION_LIFETIME)),
        )
    return token


async def session_user(db: Database, token: str | None, *, now: datetime) -> User | None:
    """The enabled user a live session token belongs to, or None."""
    if not token:
        return None
    row = await db.fetch_one(
        "SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id"
        " WHERE sessions.token_hash = ? AND sessions.expires_at > ? AND users.disabled_at IS NULL",
        (token_hash(token), to_db(now)),
    )
    return None if row is None else User.from_row(row)


async def end_session(db: Database, token: str | None) -> None:
    """Sign this browser out."""
    if not token:
        return
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))


async def end_all_sessions(db: Database, *, user_id: int) -> int:
    """Sign the user out everywhere; return how many sessions ended."""
    async with db.transaction() as tx:
        return await tx.execute_rowcount("DELETE FROM sessions WHERE user_id = ?", (user_id,))
