import ipaddress
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contest.accounts import emails, sessions, site_settings, users
from contest.accounts.throttle import SIGN_IN_LIMITS
from contest.core.db import Database
from contest.core.errors import ContestError, RateLimited, ValidationError
from contest.core.security import Passwords

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "a long enough password"


async def signing_up(
    db: Database, passwords: Passwords, *, address: str = "10.0.0.1", **kw: Any
) -> int | None:
    """The public sign-up form's use case, from one network address."""
    return await users.sign_up(
        db,
        passwords,
        address=address,
        secret="test-secret",
        confirm_link_for=lambda token: f"http://site/confirm-email/{token}",
        **kw,
    )


async def add(db: Database, passwords: Passwords, email: str = "Pat@Uni.edu", **kw: str) -> int:
    fields = {"display_name": "Pat", "role": "participant", "affiliation": "student"} | kw
    return await users.create_user(
        db,
        passwords,
        email=email,
        password=PASSWORD,
        now=NOW,
        **fields,  # type: ignore[arg-type]
    )


async def test_new_account_is_stored_with_a_normalised_email_and_argon2id_hash(
    db: Database, passwords: Passwords
) -> None:
    user_id = await add(db, passwords, department="civl")
    row = await users.get_user_row(db, user_id)
    assert row["email"] == "pat@uni.edu"
    assert row["department"] == "CIVL"
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


async def test_every_bad_field_is_reported_at_once(db: Database, passwords: Passwords) -> None:
    with pytest.raises(ValidationError) as caught:
        await users.create_user(
            db,
            passwords,
            email="not-an-email",
            display_name=" ",
            password="short",
            role="participant",
            affiliation="wizard",
            now=NOW,
        )
    assert set(caught.value.errors) == {"email", "display_name", "password", "affiliation"}
    assert await db.fetch_value("SELECT count(*) FROM users") == 0


async def test_second_account_with_same_email_is_refused(
    db: Database, passwords: Passwords
) -> None:
    await add(db, passwords)
    with pytest.raises(ValidationError) as caught:
        await add(db, passwords, email=" PAT@uni.EDU ")
    assert "already exists" in caught.value.errors["email"]
    assert await db.fetch_value("SELECT count(*) FROM users") == 1


async def test_good_password_signs_in_and_bad_one_does_not(
    db: Database, passwords: Passwords
) -> None:
    user_id = await add(db, passwords)
    user = await users.authenticate(
        db, passwords, email="PAT@uni.edu", password=PASSWORD, address="1.2.3.4", now=NOW
    )
    assert user.id == user_id
    with pytest.raises(ContestError) as wrong:
        await users.authenticate(
            db,
            passwords,
            email="pat@uni.edu",
            password="nope nope nope",
            address="1.2.3.4",
            now=NOW,
        )
    with pytest.raises(ContestError) as unknown:
        await users.authenticate(
            db, passwords, email="who@uni.edu", password=PASSWORD, address="1.2.3.4", now=NOW
        )
    assert wrong.value.message == unknown.value.message == users.BAD_CREDENTIALS


async def test_disabled_account_cannot_sign_in_and_loses_its_sessions(
    db: Database, passwords: Passwords
) -> None:
    organizer = await add(db, passwords, email="org@uni.edu", role="organizer")
    user_id = await add(db, passwords)
    token = await sessions.start_session(db, user_id=user_id, now=NOW)
    await users.set_disabled(db, user_id=user_id, disabled=True, acting_user_id=organizer, now=NOW)
    assert await sessions.session_user(db, token, now=NOW) is None
    with pytest.raises(ContestError, match="disabled"):
        await users.authenticate(
            db, passwords, email="pat@uni.edu", password=PASSWORD, address="1.2.3.4", now=NOW
        )


async def test_account_is_locked_after_five_failures_then_frees_up(
    db: Database, passwords: Passwords
) -> None:
    await add(db, passwords)
    for _ in range(SIGN_IN_LIMITS.per_account):
        with pytest.raises(ContestError):
            await users.authenticate(
                db,
                passwords,
                email="pat@uni.edu",
                password="wrong wrong",
                address="9.9.9.9",
                now=NOW,
            )
    with pytest.raises(RateLimited) as limited:
        await users.authenticate(
            db, passwords, email="pat@uni.edu", password=PASSWORD, address="8.8.8.8", now=NOW
        )
    assert limited.value.retry_after == int(SIGN_IN_LIMITS.window.total_seconds())
    later = NOW + SIGN_IN_LIMITS.window + timedelta(seconds=1)
    user = await users.authenticate(
        db, passwords, email="pat@uni.edu", password=PASSWORD, address="8.8.8.8", now=later
    )
    assert user.email == "pat@uni.edu"


async def test_one_busy_campus_address_is_not_locked_out_by_a_few_typos(
    db: Database, passwords: Passwords
) -> None:
    await add(db, passwords)
    for index in range(20):  # twenty students mistype once, all behind one NAT address
        with pytest.raises(ContestError):
            await users.authenticate(
                db,
                passwords,
                email=f"s{index}@uni.edu",
                password="x" * 12,
                address="10.0.0.1",
                now=NOW,
            )
    user = await users.authenticate(
        db, passwords, email="pat@uni.edu", password=PASSWORD, address="10.0.0.1", now=NOW
    )
    assert user.email == "pat@uni.edu"


async def test_signup_limited_to_organisation_domains(db: Database, passwords: Passwords) -> None:
    await site_settings.set_site_settings(
        db, signup_domains="@uni.edu, library.uni.edu", shared_networks=""
    )
    fields = {"display_name": "Ann", "password": PASSWORD, "affiliation": "student"}
    with pytest.raises(ValidationError) as caught:
        await signing_up(db, passwords, fields=fields | {"email": "ann@gmail.com"}, now=NOW)
    assert "@uni.edu" in caught.value.errors["email"]
    user_id = await signing_up(db, passwords, fields=fields | {"email": "ann@uni.edu"}, now=NOW)
    assert (await users.get_user_row(db, user_id))["role"] == "participant"


async def test_sign_up_with_a_taken_address_creates_nothing_and_mails_the_owner_hourly(
    db: Database, passwords: Passwords
) -> None:
    owner = await add(db, passwords, email="org@uni.edu", role="organizer")
    fields = {"display_name": "Ann", "password": PASSWORD, "affiliation": "student"}
    for minute in range(3):
        taken = await signing_up(
            db,
            passwords,
            fields=fields | {"email": " ORG@uni.edu"},
            now=NOW + timedelta(minutes=minute),
            sign_in_link="http://site/sign-in",
        )
        assert taken is None
    rows = await db.fetch_all("SELECT recipient, body FROM outbox")
    assert [row["recipient"] for row in rows] == ["org@uni.edu"]
    assert "http://site/sign-in" in rows[0]["body"] and "already has an account" in rows[0]["body"]
    assert await db.fetch_value("SELECT count(*) FROM users") == 1
    assert (await users.get_user_row(db, owner))["role"] == "organizer"
    later = NOW + users.SIGN_UP_NOTICE_EVERY + timedelta(minutes=5)
    await signing_up(db, passwords, fields=fields | {"email": "org@uni.edu"}, now=later)
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 2


async def test_sign_up_checks_every_field_alike_for_a_taken_address(
    db: Database, passwords: Passwords
) -> None:
    await add(db, passwords)
    bad = {"display_name": "", "password": "short", "affiliation": "student"}
    caught = []
    for email in ("pat@uni.edu", "new@uni.edu"):
        with pytest.raises(ValidationError) as error:
            await signing_up(db, passwords, fields=bad | {"email": email}, now=NOW)
        caught.append(error.value.errors)
    assert caught[0] == caught[1] and "email" not in caught[0]
    assert await db.fetch_value("SELECT count(*) FROM outbox") == 0


async def test_bad_site_settings_are_refused_and_nothing_is_saved(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        await site_settings.set_site_settings(
            db, signup_domains="uni.edu, not a domain!", shared_networks="203.0.113.7, campus"
        )
    assert set(caught.value.errors) == {"signup_domains", "shared_networks"}
    assert "'campus' is not a network address" in caught.value.errors["shared_networks"]
    with pytest.raises(ValidationError):  # one field wrong: the other is not saved either
        await site_settings.set_site_settings(
            db, signup_domains="uni.edu", shared_networks="0.0.0.0/0"
        )
    assert await site_settings.signup_domains(db) == []
    assert await site_settings.shared_networks(db) == []


@pytest.mark.parametrize(
    "typed",
    [
        "::ffff:0.0.0.0/96",  # every IPv4 address, written as IPv6
        "64:ff9b::/96",  # NAT64: IPv4 again
        "2002::/16",  # 6to4
        "2001:db8::/31",  # wider than a registry's block
        "fe80::1%eth0",  # a zone: a local link, never a visitor's network
        "10.0.0.0/7",
    ],
)
async def test_networks_that_would_cover_far_more_than_one_organization_are_refused(
    db: Database, typed: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await site_settings.set_site_settings(db, signup_domains=None, shared_networks=typed)
    assert "is not a network address or range of one organization" in str(caught.value)


async def test_at_most_a_hundred_networks_after_merging_overlaps(db: Database) -> None:
    adjacent = "\n".join(f"198.51.100.{i}" for i in range(256))  # one /24 once merged
    _, stored = await site_settings.set_site_settings(
        db, signup_domains=None, shared_networks=adjacent + "\n198.51.100.0/25"
    )
    assert stored == ["198.51.100.0/24"]
    apart = "\n".join(f"10.{i}.0.1" for i in range(101))
    with pytest.raises(ValidationError) as caught:
        await site_settings.set_site_settings(db, signup_domains=None, shared_networks=apart)
    assert "at most 100 networks" in str(caught.value)
    assert await site_settings.shared_networks(db) == [ipaddress.ip_network("198.51.100.0/24")]


async def test_a_stored_network_that_no_longer_passes_is_skipped_not_fatal(db: Database) -> None:
    await site_settings.put(
        db, {site_settings.SHARED_NETWORKS: "10.0.0.0/7\n203.0.113.0/24\nnonsense"}
    )
    assert await site_settings.shared_networks(db) == [ipaddress.ip_network("203.0.113.0/24")]


async def test_a_setting_left_out_is_kept(db: Database) -> None:
    await site_settings.set_site_settings(
        db, signup_domains="uni.edu", shared_networks="203.0.113.7"
    )
    await site_settings.set_site_settings(db, signup_domains=None, shared_networks="")
    assert await site_settings.signup_domains(db) == ["uni.edu"]
    assert await site_settings.shared_networks(db) == []
    await site_settings.set_site_settings(db, signup_domains="", shared_networks=None)
    assert await site_settings.signup_domains(db) == []


async def test_domains_are_read_as_before_and_long_mistakes_are_shortened(db: Database) -> None:
    domains, _ = await site_settings.set_site_settings(
        db, signup_domains="Uni.EDU @ @library.uni.edu", shared_networks=None
    )
    assert domains == ["uni.edu", "library.uni.edu"]
    with pytest.raises(ValidationError) as caught:
        await site_settings.set_site_settings(db, signup_domains="Bad!", shared_networks="x" * 5000)
    assert caught.value.errors["signup_domains"] == "'bad!' is not an email domain."
    assert len(caught.value.errors["shared_networks"]) < 200


async def test_shared_networks_are_kept_as_ranges_and_matched(db: Database) -> None:
    domains, networks = await site_settings.set_site_settings(
        db,
        signup_domains="",
        shared_networks="203.0.113.7\n198.51.100.77/24, 2001:db8::/48 203.0.113.7",
    )
    assert domains == [] and networks == ["198.51.100.0/24", "203.0.113.7/32", "2001:db8::/48"]
    stored = await site_settings.shared_networks(db)
    assert site_settings.in_networks("198.51.100.200", stored)
    assert site_settings.in_networks("2001:db8::1", stored)
    assert not site_settings.in_networks("203.0.113.8", stored)
    assert not site_settings.in_networks("testclient", stored)  # not an address at all
    assert site_settings.in_networks("::ffff:198.51.100.9", stored)  # IPv4 in its IPv6 form


async def test_organizer_cannot_demote_or_disable_themselves(
    db: Database, passwords: Passwords
) -> None:
    me = await add(db, passwords, role="organizer")
    with pytest.raises(ContestError):
        await users.set_role(db, user_id=me, role="participant", acting_user_id=me)
    with pytest.raises(ContestError):
        await users.set_disabled(db, user_id=me, disabled=True, acting_user_id=me, now=NOW)
    assert (await users.get_user_row(db, me))["role"] == "organizer"


async def test_parallel_guesses_cannot_slip_past_the_limit(
    db: Database, passwords: Passwords
) -> None:
    import anyio

    await add(db, passwords)
    outcomes: list[str] = []

    async def guess() -> None:
        try:
            await users.authenticate(
                db,
                passwords,
                email="pat@uni.edu",
                password="wrong guess!",
                address="1.1.1.1",
                now=NOW,
            )
        except RateLimited:
            outcomes.append("limited")
        except ContestError:
            outcomes.append("checked")

    async with anyio.create_task_group() as tasks:
        for _ in range(40):
            tasks.start_soon(guess)
    assert outcomes.count("checked") == SIGN_IN_LIMITS.per_account
    assert outcomes.count("limited") == 40 - SIGN_IN_LIMITS.per_account


@pytest.mark.parametrize("address", ["x1,me@uni.edu", "a;b@uni.edu", "a b@uni.edu", "<a>@uni.edu"])
def test_addresses_that_could_smuggle_recipients_are_refused(address: str) -> None:
    assert emails.email_error(address) is not None
