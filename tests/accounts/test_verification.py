"""Confirming an account's address, and pacing sign-ups per address and mailbox."""

from datetime import timedelta

import pytest

from contest.accounts import site_settings, users, verification
from contest.core.db import Database
from contest.core.errors import Gone, RateLimited
from contest.core.security import Passwords
from tests.factories import START

pytestmark = pytest.mark.anyio
SECRET = "test-secret"
FIELDS = {"display_name": "Kim", "password": "a long enough password", "affiliation": "student"}


async def sign_up(
    db: Database, passwords: Passwords, email: str, *, address: str = "10.0.0.1", minutes: int = 0
) -> int | None:
    return await users.sign_up(
        db,
        passwords,
        fields=FIELDS | {"email": email},
        address=address,
        secret=SECRET,
        confirm_link_for=lambda token: f"http://site/confirm-email/{token}",
        now=START + timedelta(minutes=minutes),
    )


async def verified_at(db: Database, user_id: int) -> str | None:
    return await db.fetch_value("SELECT email_verified_at FROM users WHERE id = ?", (user_id,))


async def test_a_genuine_link_confirms_once_and_a_forged_or_late_one_does_not(
    db: Database, passwords: Passwords
) -> None:
    user_id = await sign_up(db, passwords, "kim@uni.edu")
    assert user_id is not None and await verified_at(db, user_id) is None
    token = verification.confirmation_token(SECRET, user_id=user_id, email="kim@uni.edu", now=START)

    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    for bad in (forged, "", "1.2.3", token.replace(f"{user_id}.", "999.", 1)):
        with pytest.raises(Gone):
            await verification.confirm(db, SECRET, bad, now=START)
    with pytest.raises(Gone):
        await verification.confirm(db, "another-secret", token, now=START)
    late = START + verification.LINK_LIFETIME + timedelta(seconds=1)
    with pytest.raises(Gone):
        await verification.confirm(db, SECRET, token, now=late)
    assert await verified_at(db, user_id) is None

    assert await verification.confirm(db, SECRET, token, now=START) == user_id
    first = await verified_at(db, user_id)
    assert first is not None
    await verification.confirm(db, SECRET, token, now=START + timedelta(hours=1))
    assert await verified_at(db, user_id) == first  # confirming again changes nothing


async def test_a_link_for_an_address_since_changed_is_refused(
    db: Database, passwords: Passwords
) -> None:
    user_id = await sign_up(db, passwords, "kim@uni.edu")
    assert user_id is not None
    token = verification.confirmation_token(SECRET, user_id=user_id, email="kim@uni.edu", now=START)
    async with db.transaction() as tx:  # no use case changes an address yet; the link must hold
        await tx.execute("UPDATE users SET email = 'other@uni.edu' WHERE id = ?", (user_id,))
    with pytest.raises(Gone):
        await verification.confirm(db, SECRET, token, now=START)


async def test_sign_ups_are_paced_per_address_and_per_mailbox(
    db: Database, passwords: Passwords
) -> None:
    limits = verification.SIGN_UP_LIMITS
    for n in range(limits.per_address):
        await sign_up(db, passwords, f"student{n}@uni.edu", address="10.9.9.9")
    with pytest.raises(RateLimited):
        await sign_up(db, passwords, "one.more@uni.edu", address="10.9.9.9")
    assert await db.fetch_value("SELECT count(*) FROM users") == limits.per_address
    # Another address is not held back, and an hour later this one may again.
    assert await sign_up(db, passwords, "elsewhere@uni.edu", address="10.1.1.1")
    assert await sign_up(db, passwords, "later@uni.edu", address="10.9.9.9", minutes=61)

    for n in range(limits.per_mailbox):
        await sign_up(db, passwords, f"pat+{n}@uni.edu", address=f"10.2.0.{n}")
    with pytest.raises(RateLimited):
        await sign_up(db, passwords, "pat+last@uni.edu", address="10.2.0.99")


async def test_a_shared_network_may_sign_up_a_whole_class(
    db: Database, passwords: Passwords
) -> None:
    await site_settings.set_site_settings(db, signup_domains=None, shared_networks="10.9.0.0/16")
    for n in range(verification.SIGN_UP_LIMITS.per_address + 5):
        assert await sign_up(db, passwords, f"student{n}@uni.edu", address="10.9.9.9")
