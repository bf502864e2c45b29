from datetime import UTC, datetime, timedelta

import pytest

from contest.accounts import recovery, sessions, site_settings, users
from contest.core.db import Database
from contest.core.errors import Gone, RateLimited, ValidationError
from contest.core.security import Passwords

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADDRESS = "198.51.100.1"


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
    await recovery.request_reset(db, email="PAT@uni.edu", address=ADDRESS, link_for=link, now=NOW)
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
    await recovery.request_reset(
        db, email="nobody@uni.edu", address=ADDRESS, link_for=link, now=NOW
    )
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0


async def test_expired_link_and_weak_password_are_refused(
    db: Database, passwords: Passwords
) -> None:
    await setup_user(db, passwords)
    await recovery.request_reset(db, email="pat@uni.edu", address=ADDRESS, link_for=link, now=NOW)
    token = await mailed_token(db)
    with pytest.raises(ValidationError):
        await recovery.reset_password(db, passwords, token, password="short", now=NOW)
    later = NOW + recovery.RESET_LIFETIME + timedelta(seconds=1)
    with pytest.raises(Gone):
        await recovery.reset_password(db, passwords, token, password="long enough now", now=later)


async def ask(db: Database, email: str, *, address: str = ADDRESS, at: datetime = NOW) -> None:
    await recovery.request_reset(db, email=email, address=address, link_for=link, now=at)


async def mails(db: Database) -> int:
    return int(await db.fetch_value("SELECT count(*) FROM outbox"))


async def test_one_mailbox_gets_a_few_links_an_hour_whoever_asks(
    db: Database, passwords: Passwords
) -> None:
    await setup_user(db, passwords)
    for index in range(20):
        await ask(db, "pat@uni.edu", address=f"198.51.100.{index}")
    assert await mails(db) == recovery.RESET_LIMITS.per_mailbox
    await ask(db, "Pat+other@uni.edu", address="203.0.113.1")  # an alias of the same mailbox
    assert await mails(db) == recovery.RESET_LIMITS.per_mailbox
    later = NOW + recovery.RESET_LIMITS.window + timedelta(seconds=1)
    await ask(db, "pat@uni.edu", at=later)
    assert await mails(db) == recovery.RESET_LIMITS.per_mailbox + 1


async def test_asking_on_and_on_never_keeps_the_owner_from_a_live_link(
    db: Database, passwords: Passwords
) -> None:
    await setup_user(db, passwords)
    for minute in range(0, 180, 5):  # someone asks every five minutes for three hours
        await ask(
            db,
            "pat@uni.edu",
            address=f"203.0.113.{minute % 250}",
            at=NOW + timedelta(minutes=minute),
        )
        moment = NOW + timedelta(minutes=minute)
        live = await db.fetch_value(
            "SELECT count(*) FROM password_resets WHERE expires_at > ?",
            (moment.strftime("%Y-%m-%dT%H:%M:%SZ"),),
        )
        assert live >= 1, minute
    assert await mails(db) <= 3 * recovery.RESET_LIMITS.per_mailbox + 1


async def test_unknown_addresses_spend_the_same_budgets(db: Database, passwords: Passwords) -> None:
    await setup_user(db, passwords)
    for _ in range(recovery.RESET_LIMITS.per_mailbox + 2):
        await ask(db, "nobody@uni.edu")  # no error, no mail, as for a known address
    assert await mails(db) == 0
    for index in range(recovery.RESET_LIMITS.per_address - recovery.RESET_LIMITS.per_mailbox - 2):
        await ask(db, f"n{index}@uni.edu")
    with pytest.raises(RateLimited) as limited:
        await ask(db, "pat@uni.edu")
    assert limited.value.retry_after == 3600
    assert await mails(db) == 0
    await ask(db, "pat@uni.edu", address="198.51.100.2")  # another address is not held up
    assert await mails(db) == 1


async def test_a_shared_network_gets_a_larger_budget(db: Database, passwords: Passwords) -> None:
    await setup_user(db, passwords)
    await site_settings.set_site_settings(db, signup_domains=None, shared_networks="10.1.0.0/16")
    for index in range(recovery.RESET_LIMITS.per_address + 5):
        await ask(db, f"student{index}@uni.edu", address="10.1.2.3")
    await ask(db, "pat@uni.edu", address="10.1.2.3")
    assert await mails(db) == 1
