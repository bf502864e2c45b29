"""Internationalised addresses (reader@例子.中国) next to the ASCII ones we always had."""

from datetime import UTC, datetime
from typing import Any

import pytest

from contest.accounts import emails, users
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.core.security import Passwords

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "a long enough password"
UNICODE = "reader@例子.中国"
PUNYCODE = "reader@xn--fsqu00a.xn--fiqs8s"
BAD = "Enter an email address such as name@university.edu."


@pytest.mark.parametrize(
    "address",
    [
        UNICODE,
        PUNYCODE,
        "Reader@例子.中国",
        "reader@例子。中国",
        "读者@例子.中国",
        "chan@香港大學.香港",
    ],
)
def test_internationalised_addresses_are_accepted(address: str) -> None:
    assert emails.email_error(address) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (UNICODE, UNICODE),
        (PUNYCODE, UNICODE),
        (" Reader@XN--FSQU00A.XN--FIQS8S ", UNICODE),
        ("reader@例子。中国", UNICODE),
        (" Pat.Lee+photos@Uni.EDU ", "pat.lee+photos@uni.edu"),
        ("not an address", "not an address"),
    ],
)
def test_the_stored_spelling_keeps_a_chinese_domain_readable(typed: str, stored: str) -> None:
    assert emails.normalize_email(typed) == stored


def test_both_spellings_of_a_chinese_domain_are_one_mailbox() -> None:
    boxes = {emails.mailbox(a) for a in (UNICODE, PUNYCODE, "Reader+night@例子.中国")}
    assert boxes == {PUNYCODE}


@pytest.mark.parametrize(
    ("address", "box"),
    [
        ("Pat.Lee+photos@Uni.edu", "pat.lee@uni.edu"),
        ("p.a.t+x@gmail.com", "pat@gmail.com"),
        ("P.A.T@GoogleMail.com", "pat@gmail.com"),
        ("ann.o'neil@library.uni.edu", "ann.o'neil@library.uni.edu"),
        ("a-b_c@x.org.hk", "a-b_c@x.org.hk"),
    ],
)
def test_ascii_mailboxes_are_exactly_what_they_were(address: str, box: str) -> None:
    assert emails.mailbox(address) == box


@pytest.mark.parametrize(
    "address",
    [
        "ann@",
        "ann@uni",
        "x1,me@uni.edu",
        "a;b@uni.edu",
        "<a>@uni.edu",
        "a/b@uni.edu",
        ".ann@uni.edu",
        "reader@例子",
        "reader@例子..中国",
        "reader@例 子.中国",
        "reader@例子.中国,x@uni.edu",
        "ann@printer.local",
        "a" * 65 + "@uni.edu",
    ],
)
def test_bad_addresses_still_get_the_example_message(address: str) -> None:
    assert emails.email_error(address) == BAD


def test_an_empty_address_is_asked_for() -> None:
    assert emails.email_error("") == "Enter your email address."


def test_throwaway_domains_are_still_refused_in_any_spelling() -> None:
    assert emails.is_throwaway("x@Mailinator.COM") and emails.is_throwaway("x@eu.mailinator.com")
    assert not emails.is_throwaway(UNICODE) and not emails.is_throwaway("pat@uni.edu")


async def add(db: Database, passwords: Passwords, email: str, **kw: Any) -> int:
    """An account made through the organizers' use case."""
    fields = {"display_name": "Reader", "role": "participant", "affiliation": "student"} | kw
    return await users.create_user(db, passwords, email=email, password=PASSWORD, now=NOW, **fields)


async def signing_up(db: Database, passwords: Passwords, email: str) -> int | None:
    """The public sign-up form's use case."""
    fields = {"display_name": "Reader", "password": PASSWORD, "affiliation": "student"}
    return await users.sign_up(
        db,
        passwords,
        fields=fields | {"email": email},
        address="10.0.0.1",
        secret="test-secret",
        confirm_link_for=lambda token: f"http://site/confirm-email/{token}",
        now=NOW,
    )


@pytest.mark.anyio
async def test_an_idn_account_is_stored_readable_and_keyed_by_its_ascii_mailbox(
    db: Database, passwords: Passwords
) -> None:
    user_id = await add(db, passwords, UNICODE)
    row = await users.get_user_row(db, user_id)
    assert (row["email"], row["mailbox"]) == (UNICODE, PUNYCODE)
    with pytest.raises(ValidationError) as caught:
        await add(db, passwords, PUNYCODE)
    assert "already exists" in caught.value.errors["email"]
    assert await db.fetch_value("SELECT count(*) FROM users") == 1


@pytest.mark.anyio
async def test_sign_up_takes_one_account_per_idn_mailbox_in_either_spelling(
    db: Database, passwords: Passwords
) -> None:
    user_id = await signing_up(db, passwords, PUNYCODE)
    assert user_id is not None
    row = await users.get_user_row(db, user_id)
    assert (row["email"], row["mailbox"]) == (UNICODE, PUNYCODE)
    for again in (UNICODE, "Reader+night@例子。中国"):
        assert await signing_up(db, passwords, again) is None
    assert await db.fetch_value("SELECT count(*) FROM users") == 1
    recipients = await db.fetch_all("SELECT recipient FROM outbox ORDER BY id")
    assert [r["recipient"] for r in recipients] == [UNICODE, UNICODE]


@pytest.mark.anyio
async def test_either_spelling_signs_in_to_the_idn_account(
    db: Database, passwords: Passwords
) -> None:
    user_id = await add(db, passwords, UNICODE)
    for typed in (UNICODE, PUNYCODE):
        user = await users.authenticate(
            db, passwords, email=typed, password=PASSWORD, address="10.0.0.1", now=NOW
        )
        assert user.id == user_id and user.email == UNICODE
