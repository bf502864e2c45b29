from datetime import UTC, datetime, timedelta

import pytest

from contest.accounts import recovery, sessions, users
from contest.core.db import Database
from contest.core.errors import Gone, ValidationError
from contest.core.security import Passwords

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def link(token: str) -> str:
    return f"http://site/password/reset/{token}"


async def setup_user(db: Database, passwords: Passwords) -> int:
    return await users.create_user(
        db,
        passwords,
        email="pat@uni.edu",
        display_name="Pat",
        password="old password 1",
        role="participant",
        now=NOW,
    )


async def mailed_token(db: Database) -> str:
    body = await db.fetch_value("SELECT body FROM outbox ORDER BY id DESC LIMIT 1")
    return str(body).split("/password/reset/")[1].split()[0]


async def test_reset_link_sets_a_new_password_once_and_ends_sessions(
    db: Database, passwords: Passwords
) -> None:
    user_id = await setup_user(db, passwords)
    session = await sessions.start_session(db, user_id=user_id, now=NOW)
    await recovery.request_reset(db, email="PAT@uni.edu", link_for=link, now=NOW)
    token = await mailed_token(db)
    await recovery.reset_password(db, passwords, token, password="new password 2", now=NOW)
    assert await sessions.session_user(db, session, now=NOW) is None
    user = await users.authenticate(
        db, passwords, email="pat@uni.edu", password="new password 2", address="x", now=NOW
    )
    assert user.id == user_id
    with pytest.raises(Gone):
        await recovery.reset_password(db, passwords, token, password="third password", now=NOW)


async def test_unknown_address_gets_no_mail_and_no_error(
    db: Database, passwords: Passwords
) -> None:
    await setup_user(db, passwords)
    await recovery.request_reset(db, email="nobody@uni.edu", link_for=link, now=NOW)
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0


async def test_expired_link_and_weak_password_are_refused(
    db: Database, passwords: Passwords
) -> None:
    await setup_user(db, passwords)
    await recovery.request_reset(db, email="pat@uni.edu", link_for=link, now=NOW)
    token = await mailed_token(db)
    with pytest.raises(ValidationError):
        await recovery.reset_password(db, passwords, token, password="short", now=NOW)
    later = NOW + recovery.RESET_LIFETIME + timedelta(seconds=1)
    with pytest.raises(Gone):
        await recovery.reset_password(db, passwords, token, password="long enough now", now=later)
