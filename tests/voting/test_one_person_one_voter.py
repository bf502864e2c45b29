"""One person, one voter: aliases, throw-away domains, confirmation, modes and browsers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from contest.accounts import users, verification
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import Forbidden, RateLimited, ValidationError
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.voting import email_voters, mode_change
from contest.voting.clicks import Caller, LikeAnswer, click_like, mailbox_key
from contest.voting.tallies import tallies, tallies_from_log
from contest.voting.writer import LikeWriter
from tests.factories import START, add_account, add_contest, add_entry

pytestmark = pytest.mark.anyio
SECRET = "test-secret"
PASSWORD = "a long enough password"


async def _voting(
    db: Database, passwords: Passwords, storage: LocalStorage, mode: str = "accounts"
) -> tuple[Contest, list[int]]:
    """A contest in its voting phase with three approved entries by Ann."""
    contest = await add_contest(db, "judging_and_voting", voting_mode=mode)
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    ids = [
        await add_entry(db, storage, contest, ann, title=title, moderator=organizer)
        for title in ("Stacks at dawn", "Reading room at dusk", "Steps at night")
    ]
    return contest, ids


async def _click(
    db: Database,
    contest: Contest,
    entry_id: int,
    *,
    user: User | None = None,
    browser: str = "",
    email_voter: str | None = None,
    address: str = "10.0.0.1",
    at: timedelta = timedelta(0),
) -> LikeAnswer:
    caller = Caller(
        user=user,
        session_hash=None,
        browser_id=browser,
        address=address,
        email_voter=email_voter,
    )
    return await click_like(
        db,
        contest,
        writer=LikeWriter(db),
        entry_id=entry_id,
        action="like",
        caller=caller,
        secret=SECRET,
        now=START + at,
    )


async def _sign_up(db: Database, passwords: Passwords, email: str) -> int | None:
    return await users.sign_up(
        db,
        passwords,
        fields={
            "email": email,
            "display_name": "Kim",
            "password": PASSWORD,
            "affiliation": "student",
        },
        address="10.0.0.1",
        secret=SECRET,
        confirm_link_for=lambda token: f"http://site/confirm-email/{token}",
        now=START,
    )


async def _confirm_from_mail(db: Database, email: str) -> None:
    body = await db.fetch_value(
        "SELECT body FROM outbox WHERE recipient = ? AND subject LIKE 'Confirm%'", (email,)
    )
    token = re.search(r"/confirm-email/(\S+)", body)
    assert token is not None
    await verification.confirm(db, SECRET, token[1], now=START)


async def test_six_aliases_and_throw_away_addresses_of_one_mailbox_give_at_most_one_like(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ids = await _voting(db, passwords, storage)
    addresses = [
        "kim.lee@gmail.com",
        "kimlee@gmail.com",
        "kimlee+photos@gmail.com",
        "Kim.Lee+2@googlemail.com",
        "kimlee@mailinator.com",
        "kimlee@yopmail.com",
    ]
    made = []
    for address in addresses:
        try:
            user_id = await _sign_up(db, passwords, address)
        except ValidationError as refused:
            assert "throw-away" in refused.errors["email"]
            continue
        except RateLimited:  # a fourth try for one mailbox within the hour
            continue
        if user_id is not None:
            made.append(user_id)
    assert len(made) == 1  # the first; the aliases found its mailbox taken
    for user_id in made:
        await _confirm_from_mail(db, "kim.lee@gmail.com")
        kim = User.from_row(await users.get_user_row(db, user_id))
        await _click(db, contest, ids[0], user=kim)
    assert (await tallies(db, contest.id))[ids[0]] == 1
    # The aliases' owner was told someone tried to sign up with their address.
    notices = await db.fetch_all(
        "SELECT recipient FROM outbox WHERE subject LIKE 'Someone tried to sign up%'"
    )
    assert [row["recipient"] for row in notices] == ["kim.lee@gmail.com"]


async def test_an_account_s_like_counts_only_once_its_address_is_confirmed(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ids = await _voting(db, passwords, storage)
    user_id = await _sign_up(db, passwords, "new.student@uni.edu")
    assert user_id is not None
    newcomer = User.from_row(await users.get_user_row(db, user_id))
    assert newcomer.email_verified is False
    with pytest.raises(Forbidden, match="Confirm your email address"):
        await _click(db, contest, ids[0], user=newcomer)
    assert await db.fetch_value("SELECT count(*) FROM likes") == 0

    await _confirm_from_mail(db, "new.student@uni.edu")
    # The session cache may still hold the unconfirmed account: the write reads afresh.
    answer = await _click(db, contest, ids[0], user=newcomer)
    assert (answer.liked, answer.count) == (True, 1)


async def test_switching_the_voting_mode_mid_vote_keeps_one_voter_per_person(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ids = await _voting(db, passwords, storage, mode="accounts")
    fan = await add_account(db, passwords, email="Fan.Person@uni.edu")
    await _click(db, contest, ids[0], user=fan, browser="fan-laptop")

    def in_mode(mode: str) -> Contest:
        return replace(contest, settings=replace(contest.settings, voting_mode=mode))

    # Email voting: the fan follows a link mailed to an alias of the same mailbox.
    link_voter = email_voters.voter_key(SECRET, "fan.person@uni.edu")
    again = await _click(db, in_mode("email"), ids[0], email_voter=link_voter)
    assert again.count == 1
    await _click(db, in_mode("email"), ids[1], email_voter=link_voter)
    # Device voting: the fan's laptop, signed out, is still the fan.
    laptop = await _click(db, in_mode("device"), ids[0], browser="fan-laptop")
    assert (laptop.liked, laptop.count) == (True, 1)
    await _click(db, in_mode("device"), ids[2], browser="fan-laptop")

    voters = await db.fetch_all("SELECT DISTINCT voter FROM counted_likes")
    assert [row["voter"] for row in voters] == [mailbox_key(SECRET, "fan.person@uni.edu")]
    assert await tallies(db, contest.id) == {ids[0]: 1, ids[1]: 1, ids[2]: 1}
    assert await tallies_from_log(db, contest.id) == await tallies(db, contest.id)


async def test_a_browser_s_likes_join_its_person_when_they_sign_in(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ids = await _voting(db, passwords, storage, mode="device")
    await _click(db, contest, ids[0], browser="tablet")
    await _click(db, contest, ids[1], browser="tablet")
    fan = await add_account(db, passwords, email="fan@uni.edu")
    signed_in = await _click(db, contest, ids[0], user=fan, browser="tablet")
    assert (signed_in.liked, signed_in.count) == (True, 1)

    voters = await db.fetch_all("SELECT DISTINCT voter FROM likes")
    assert [row["voter"] for row in voters] == [mailbox_key(SECRET, "fan@uni.edu")]
    assert await tallies(db, contest.id) == {ids[0]: 1, ids[1]: 1, ids[2]: 0}
    assert await tallies_from_log(db, contest.id) == await tallies(db, contest.id)


async def test_a_campus_of_browsers_at_a_person_s_pace_is_never_refused(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ids = await _voting(db, passwords, storage, mode="device")
    # 120 students on one public address over 20 minutes, each liking two photos.
    for student in range(120):
        for n, entry_id in enumerate(ids[:2]):
            at = timedelta(seconds=student * 10 + n * 4)
            await _click(db, contest, entry_id, browser=f"s{student}", address="203.0.113.7", at=at)
    assert await tallies(db, contest.id) == {ids[0]: 120, ids[1]: 120, ids[2]: 0}
    assert await db.fetch_value("SELECT count(*) FROM like_refusals") == 0


async def test_a_script_minting_a_browser_a_second_is_refused_and_explained(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ids = await _voting(db, passwords, storage, mode="device")
    refused = 0
    for n in range(30):
        try:
            await _click(
                db,
                contest,
                ids[0],
                browser=f"bot{n}",
                address="198.51.100.4",
                at=timedelta(seconds=n),
            )
        except RateLimited:
            refused += 1
    counted = (await tallies(db, contest.id))[ids[0]]
    assert counted <= 20 and refused == 30 - counted
    rules = await db.fetch_all("SELECT DISTINCT rule FROM like_refusals")
    assert [row["rule"] for row in rules] == ["new_devices"]


async def test_changing_the_mode_after_likes_asks_the_organizer_to_read_what_happens(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, ids = await _voting(db, passwords, storage, mode="email")
    assert await mode_change.mode_change_warning(db, contest, "device") is None  # no likes yet
    fan = await add_account(db, passwords, email="fan@uni.edu")
    await _click(db, contest, ids[0], user=fan)
    assert await mode_change.mode_change_warning(db, contest, "email") is None  # no change
    warning = await mode_change.mode_change_warning(db, contest, "accounts")
    assert warning is not None
    assert warning.startswith("1 like has been given. Every one stays counted")
    assert "only signed-in people can like" in warning
