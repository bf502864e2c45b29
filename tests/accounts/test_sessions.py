from datetime import UTC, datetime

import pytest

from contest.accounts import sessions, users
from contest.core.db import Database
from contest.core.security import Passwords, token_hash

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def make_user(db: Database, passwords: Passwords) -> int:
    return await users.create_user(
        db,
        passwords,
        email="a@uni.edu",
        display_name="A",
        password="x" * 12,
        role="participant",
        now=NOW,
    )


async def test_only_a_hash_of_the_session_token_is_stored(
    db: Database, passwords: Passwords
) -> None:
    user_id = await make_user(db, passwords)
    token = await sessions.start_session(db, user_id=user_id, now=NOW)
    stored = await db.fetch_value("SELECT token_hash FROM sessions")
    assert stored == token_hash(token) and token not in stored
    user = await sessions.session_user(db, token, now=NOW)
    assert user is not None and user.id == user_id


async def test_sign_in_rotates_the_previous_token(db: Database, passwords: Passwords) -> None:
    user_id = await make_user(db, passwords)
    old = await sessions.start_session(db, user_id=user_id, now=NOW)
    new = await sessions.start_session(db, user_id=user_id, now=NOW, replacing=old)
    assert await sessions.session_user(db, old, now=NOW) is None
    assert await sessions.session_user(db, new, now=NOW) is not None


async def test_sessions_expire_and_can_be_revoked_everywhere(
    db: Database, passwords: Passwords
) -> None:
    user_id = await make_user(db, passwords)
    token = await sessions.start_session(db, user_id=user_id, now=NOW)
    assert await sessions.session_user(db, token, now=NOW + sessions.SESSION_LIFETIME) is None
    other = await sessions.start_session(db, user_id=user_id, now=NOW)
    assert await sessions.end_all_sessions(db, user_id=user_id) == 2
    assert await sessions.session_user(db, other, now=NOW) is None


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def cached_session(
    db: Database, passwords: Passwords
) -> tuple[int, str, sessions.SessionCache, Ticker]:
    user_id = await make_user(db, passwords)
    token = await sessions.start_session(db, user_id=user_id, now=NOW)
    ticker = Ticker()
    cache = sessions.SessionCache(5.0, clock=ticker)
    assert await sessions.session_user(db, token, now=NOW, cache=cache) is not None
    return user_id, token, cache, ticker


async def test_the_session_cache_holds_a_change_made_elsewhere_for_its_bound_only(
    db: Database, passwords: Passwords
) -> None:
    user_id, token, cache, ticker = await cached_session(db, passwords)
    # another process signs the user out everywhere: this one's cache is not told
    await sessions.end_all_sessions(db, user_id=user_id)
    ticker.now = 4.9
    assert await sessions.session_user(db, token, now=NOW, cache=cache) is not None
    ticker.now = 5.0
    assert await sessions.session_user(db, token, now=NOW, cache=cache) is None


async def test_the_session_cache_never_outlives_the_session(
    db: Database, passwords: Passwords
) -> None:
    _, token, cache, _ = await cached_session(db, passwords)
    later = NOW + sessions.SESSION_LIFETIME
    assert await sessions.session_user(db, token, now=later, cache=cache) is None
