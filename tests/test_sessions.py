from datetime import UTC, datetime

import pytest

from contest import accounts, sessions
from contest.db import Database
from contest.security import Passwords, token_hash

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def make_user(db: Database, passwords: Passwords) -> int:
    return await accounts.create_user(
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
