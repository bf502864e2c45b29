from datetime import UTC, datetime, timedelta

import pytest

from contest.accounts import recovery, throttle, users
from contest.accounts.throttle import SIGN_IN_LIMITS
from contest.core.db import Database
from contest.core.errors import ContestError, RateLimited
from contest.core.security import Passwords
from tests.factories import add_account

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "a long enough password"
SECRET = "test-secret"


async def owner(db: Database, passwords: Passwords, email: str = "org@uni.edu") -> users.User:
    return await add_account(
        db, passwords, email=email, role="organizer", password=PASSWORD, now=NOW
    )


async def sign_in(
    db: Database,
    passwords: Passwords,
    *,
    email: str = "org@uni.edu",
    password: str = PASSWORD,
    address: str = "203.0.113.9",
    device: str | None = None,
    now: datetime = NOW,
) -> users.User:
    return await users.authenticate(
        db,
        passwords,
        email=email,
        password=password,
        address=address,
        now=now,
        device_cookie=device,
        secret=SECRET,
    )


async def fail(db: Database, passwords: Passwords, times: int, **kw: object) -> list[str]:
    outcomes = []
    for _ in range(times):
        try:
            await sign_in(db, passwords, password="wrong guess!", **kw)  # type: ignore[arg-type]
        except RateLimited:
            outcomes.append("limited")
        except ContestError:
            outcomes.append("wrong")
    return outcomes


async def test_a_known_device_signs_in_while_the_account_is_locked_elsewhere(
    db: Database, passwords: Passwords
) -> None:
    user = await owner(db, passwords)
    device = await throttle.remember_device(db, user_id=user.id, secret=SECRET, now=NOW)
    outcomes = await fail(db, passwords, SIGN_IN_LIMITS.per_account + 2, address="198.51.100.1")
    assert outcomes[-2:] == ["limited", "limited"]
    with pytest.raises(RateLimited):
        await sign_in(db, passwords, address="198.51.100.1")
    signed_in = await sign_in(db, passwords, device=device, address="198.51.100.1")
    assert signed_in.id == user.id
    # The owner's sign-in at home hands the stranger no fresh budget.
    with pytest.raises(RateLimited):
        await sign_in(db, passwords, address="198.51.100.1")


async def test_a_known_device_is_not_held_to_a_flooded_address(
    db: Database, passwords: Passwords
) -> None:
    user = await owner(db, passwords)
    device = await throttle.remember_device(db, user_id=user.id, secret=SECRET, now=NOW)
    for index in range(SIGN_IN_LIMITS.per_address):
        await fail(db, passwords, 1, email=f"s{index}@uni.edu", address="10.0.0.1")
    with pytest.raises(RateLimited):
        await sign_in(db, passwords, address="10.0.0.1")
    assert (await sign_in(db, passwords, device=device, address="10.0.0.1")).id == user.id


async def test_a_known_device_has_its_own_budget_and_its_typos_lock_nothing_else(
    db: Database, passwords: Passwords
) -> None:
    user = await owner(db, passwords)
    device = await throttle.remember_device(db, user_id=user.id, secret=SECRET, now=NOW)
    outcomes = await fail(db, passwords, SIGN_IN_LIMITS.per_device + 1, device=device)
    assert outcomes == ["wrong"] * SIGN_IN_LIMITS.per_device + ["limited"]
    assert (await sign_in(db, passwords, address="198.51.100.7")).id == user.id
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0


async def test_a_device_token_works_only_for_its_account_and_password_and_while_fresh(
    db: Database, passwords: Passwords
) -> None:
    user = await owner(db, passwords)
    other = await owner(db, passwords, email="judge@uni.edu")
    row = await users.get_user_row(db, user.id)
    token = throttle.device_token(
        SECRET, user_id=user.id, password_hash=row["password_hash"], now=NOW
    )
    key = throttle.device_key
    assert key(SECRET, token, user_id=user.id, password_hash=row["password_hash"], now=NOW)
    assert not key(SECRET, token, user_id=other.id, password_hash=row["password_hash"], now=NOW)
    assert not key(
        "other secret", token, user_id=user.id, password_hash=row["password_hash"], now=NOW
    )
    assert not key(SECRET, token, user_id=user.id, password_hash="$argon2id$new", now=NOW)
    late = NOW + throttle.DEVICE_LIFETIME + timedelta(seconds=1)
    assert not key(SECRET, token, user_id=user.id, password_hash=row["password_hash"], now=late)
    for forged in (
        "",
        "x",
        f"{user.id}.1.2.3",
        "²." + token,
        token.replace(f"{user.id}.", f"{other.id}.", 1),
    ):
        assert not key(SECRET, forged, user_id=user.id, password_hash=row["password_hash"], now=NOW)


async def test_a_new_password_forgets_the_known_devices(db: Database, passwords: Passwords) -> None:
    user = await owner(db, passwords)
    device = await throttle.remember_device(db, user_id=user.id, secret=SECRET, now=NOW)
    await recovery.request_reset(
        db, email="org@uni.edu", address="x", link_for=lambda token: f"/r/{token}", now=NOW
    )
    body = await db.fetch_value("SELECT body FROM outbox ORDER BY id DESC LIMIT 1")
    token = str(body).split("/r/")[1].split()[0]
    await recovery.reset_password(db, passwords, token, password="brand new password", now=NOW)
    await fail(db, passwords, SIGN_IN_LIMITS.per_account, address="198.51.100.1")
    with pytest.raises(RateLimited):
        await sign_in(db, passwords, password="brand new password", device=device)


async def test_a_lockout_is_mailed_once_per_window_and_never_for_unknown_addresses(
    db: Database, passwords: Passwords
) -> None:
    await owner(db, passwords)
    await fail(db, passwords, SIGN_IN_LIMITS.per_account - 1)
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0
    await fail(db, passwords, 3)
    await fail(db, passwords, SIGN_IN_LIMITS.per_account + 1, email="ghost@uni.edu")
    rows = await db.fetch_all("SELECT recipient, subject, body FROM outbox")
    assert [row["recipient"] for row in rows] == ["org@uni.edu"]
    assert "usual browser" in rows[0]["body"]
    later = NOW + SIGN_IN_LIMITS.window + timedelta(minutes=1)
    await fail(db, passwords, SIGN_IN_LIMITS.per_account, now=later)
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 2


async def test_parallel_guesses_from_a_known_device_cannot_slip_past_its_budget(
    db: Database, passwords: Passwords
) -> None:
    import anyio

    user = await owner(db, passwords)
    device = await throttle.remember_device(db, user_id=user.id, secret=SECRET, now=NOW)
    outcomes: list[str] = []

    async def guess() -> None:
        outcomes.extend(await fail(db, passwords, 1, device=device))

    async with anyio.create_task_group() as tasks:
        for _ in range(20):
            tasks.start_soon(guess)
    assert outcomes.count("wrong") == SIGN_IN_LIMITS.per_device
