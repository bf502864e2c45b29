"""Likes at the domain level: uniqueness by schema, phases, own photos, picks, voids, the log."""

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta

import anyio
import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import INTEGRITY_ERRORS, Database
from contest.core.errors import (
    Conflict,
    ContestError,
    Forbidden,
    NotFound,
    NotSignedIn,
    ValidationError,
)
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.voting import likes, pace, tallies
from contest.voting.batch import apply_likes
from tests.factories import START, add_account, add_contest, add_entry

pytestmark = pytest.mark.anyio
NOW = START  # the contest is in its judging and voting phase now
TITLES = ("Lamplight on the stacks", "First light on the steps", "Rain on the skylight")


async def user(db: Database, passwords: Passwords, email: str, role: str = "participant") -> User:
    return await add_account(db, passwords, email=email, name=email[:3], role=role)


async def setup(
    db: Database,
    passwords: Passwords,
    storage: LocalStorage,
    *,
    mode: str = "accounts",
    author: str = "author@uni.edu",
) -> tuple[Contest, User, list[int]]:
    """A contest in voting with two approved entries and one pending, all by ``author``."""
    contest = await add_contest(db, "judging_and_voting", voting_mode=mode)
    writer = await user(db, passwords, author)
    moderator = await user(db, passwords, f"moderator.{author}", "organizer")
    ids = [
        await add_entry(
            db, storage, contest, writer, title=title, status=status, moderator=moderator
        )
        for title, status in zip(TITLES, ("approved", "approved", "pending"), strict=True)
    ]
    return contest, writer, ids


def as_voter(contest: Contest, who: User | None, browser: str = "") -> likes.Voter:
    return likes.voter_for(contest, who, browser_id=browser, address="10.0.0.1")


async def test_fifty_concurrent_likes_by_one_voter_leave_exactly_one(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    async with anyio.create_task_group() as tasks:
        for _ in range(50):
            tasks.start_soon(
                lambda: likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
            )
    assert (await tallies.tallies(db, contest.id))[ids[0]] == 1
    assert await db.fetch_value("SELECT count(*) FROM like_events WHERE action = 'like'") == 1


async def test_like_then_unlike_and_the_log_replays_to_the_same_tallies(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fans = [as_voter(contest, await user(db, passwords, f"fan{i}@uni.edu")) for i in range(4)]
    for fan in fans:
        state = await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    assert state == likes.LikeState(liked=True, count=4)
    assert await likes.unlike(
        db, contest=contest, entry_id=ids[0], voter=fans[0], now=NOW
    ) == likes.LikeState(False, 3)
    await likes.like(db, contest=contest, entry_id=ids[1], voter=fans[1], now=NOW)
    assert await tallies.tallies(db, contest.id) == {ids[0]: 3, ids[1]: 1}
    assert await tallies.tallies_from_log(db, contest.id) == {ids[0]: 3, ids[1]: 1}


async def test_log_is_append_only(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    # raw statements: the test is about the schema's append-only trigger
    for statement in ("UPDATE like_events SET action = 'unlike'", "DELETE FROM like_events"):
        with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
            async with db.transaction() as tx:
                await tx.execute(statement)


async def test_own_photo_pending_photo_and_closed_voting_are_refused(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author, ids = await setup(db, passwords, storage)
    with pytest.raises(Forbidden, match="your own photo"):
        await likes.like(
            db, contest=contest, entry_id=ids[0], voter=as_voter(contest, author), now=NOW
        )
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    with pytest.raises(NotFound):
        await likes.like(db, contest=contest, entry_id=ids[2], voter=fan, now=NOW)
    with pytest.raises(Conflict, match="closed"):
        await likes.like(
            db, contest=contest, entry_id=ids[0], voter=fan, now=NOW + timedelta(days=30)
        )
    assert await db.fetch_value("SELECT count(*) FROM likes") == 0


async def test_organizer_likes_are_library_picks_that_do_not_count(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    librarian = as_voter(contest, await user(db, passwords, "lib@uni.edu", "organizer"))
    state = await likes.like(db, contest=contest, entry_id=ids[0], voter=librarian, now=NOW)
    assert state == likes.LikeState(liked=True, count=0)
    rows = await db.fetch_all("SELECT entry_id, kind FROM likes")
    assert [(row["entry_id"], row["kind"]) for row in rows] == [(ids[0], "pick")]
    assert await tallies.peoples_choice(db, contest.id) is None


async def test_voided_like_stops_counting_and_cannot_be_revived(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    organizer = await user(db, passwords, "lib@uni.edu", "organizer")
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    await likes.void_like(
        db,
        contest=contest,
        entry_id=ids[0],
        voter_key=fan.key,
        reason="Bot burst",
        actor=organizer,
        now=NOW,
    )
    state = await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    assert state == likes.LikeState(liked=False, count=0)
    assert await tallies.tallies_from_log(db, contest.id) == await tallies.tallies(db, contest.id)


async def test_peoples_choice_tie_goes_to_the_entry_that_reached_its_total_first(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fans = [as_voter(contest, await user(db, passwords, f"fan{i}@uni.edu")) for i in range(2)]
    await likes.like(db, contest=contest, entry_id=ids[1], voter=fans[0], now=NOW)
    await likes.like(
        db, contest=contest, entry_id=ids[0], voter=fans[0], now=NOW + timedelta(minutes=1)
    )
    await likes.like(
        db, contest=contest, entry_id=ids[1], voter=fans[1], now=NOW + timedelta(minutes=2)
    )
    await likes.like(
        db, contest=contest, entry_id=ids[0], voter=fans[1], now=NOW + timedelta(minutes=3)
    )
    assert await tallies.peoples_choice(db, contest.id) == ids[1]


async def test_voters_by_mode(db: Database, passwords: Passwords, storage: LocalStorage) -> None:
    contest, _, _ = await setup(db, passwords, storage)
    with pytest.raises(NotSignedIn):
        as_voter(contest, None, "browser-id-123")
    open_contest, _, _ = await setup(db, passwords, storage, mode="device", author="other@uni.edu")
    voter = as_voter(open_contest, None, "browser-id-123")
    assert voter.key.startswith("device:") and "browser-id-123" not in voter.key


async def test_peoples_choice_tie_within_one_second_goes_by_the_log_order(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fans = [as_voter(contest, await user(db, passwords, f"fan{i}@uni.edu")) for i in range(3)]
    # All in the same second; the higher entry id completes its total first.
    for entry_id, fan in ((ids[1], fans[0]), (ids[0], fans[0]), (ids[1], fans[1])):
        await likes.like(db, contest=contest, entry_id=entry_id, voter=fan, now=NOW)
    await likes.like(db, contest=contest, entry_id=ids[0], voter=fans[1], now=NOW)
    assert await tallies.peoples_choice(db, contest.id) == ids[1]
    # Taking a like back and giving it again makes that the moment the total was reached.
    await likes.unlike(db, contest=contest, entry_id=ids[1], voter=fans[0], now=NOW)
    await likes.like(db, contest=contest, entry_id=ids[1], voter=fans[0], now=NOW)
    assert await tallies.peoples_choice(db, contest.id) == ids[0]
    # A third like breaks the tie outright.
    await likes.like(db, contest=contest, entry_id=ids[1], voter=fans[2], now=NOW)
    assert await tallies.peoples_choice(db, contest.id) == ids[1]


SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
LINK = "mailbox:link-voter"  # the key an email link gives its voter


def refusal(error: pytest.ExceptionInfo[Exception]) -> str:
    """The message a refused like carries to the person."""
    assert isinstance(error.value, ContestError)
    return error.value.message


async def apply(db: Database, request: likes.LikeRequest) -> likes.LikeState:
    """One like or unlike stored in its own write, as ``like`` and ``unlike`` do."""
    work = likes.apply_unlike if request.action == "unlike" else likes.apply_like
    return await db.write_in_thread(lambda connection: work(connection, request))


async def batch(db: Database, *requests: likes.LikeRequest) -> list[likes.LikeState | Exception]:
    """Requests stored together in one write, as the group commit stores them."""
    return await db.write_in_thread(lambda connection: apply_likes(connection, [*requests]))


def device(name: str, address: str = "10.0.0.7") -> likes.Voter:
    """An anonymous browser's voter, as ``voter_for`` makes it in device voting."""
    key = likes.device_key(name)
    return likes.Voter(key, "vote", None, address, device=key)


async def events(db: Database) -> list[tuple[object, ...]]:
    """The like log in order: entry, voter, kind, action, address, reason, actor, at."""
    rows = await db.fetch_all(
        "SELECT entry_id, voter, kind, action, address, reason, actor_id, at FROM like_events"
        " ORDER BY id"
    )
    return [tuple(row) for row in rows]


def vote(
    entry: object, voter: str, action: str, address: str, reason: object, at: datetime
) -> tuple[object, ...]:
    """A public vote's line of the like log, as ``events`` reads it (no organizer acted)."""
    return (entry, voter, "vote", action, address, reason, None, to_db(at))


def test_a_device_key_is_a_hash_of_the_browser_id_never_the_id() -> None:
    digest = hashlib.sha256(b"browser-id-123").hexdigest()
    assert likes.device_key("browser-id-123") == f"device:{digest[:32]}"
    assert likes.device_key("browser-id-124") != likes.device_key("browser-id-123")


async def test_each_mode_makes_exactly_one_voter_of_a_person(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    fan = await user(db, passwords, "fan@uni.edu")
    organizer = await user(db, passwords, "lib@uni.edu", "organizer")
    unconfirmed = replace(fan, email_verified=False)
    tablet = likes.device_key("tablet")
    account = f"user:{fan.id}"

    def voter(contest: Contest, who: User | None, browser: str = "tablet", **kw: str) -> object:
        try:
            return likes.voter_for(
                contest, who, browser_id=browser, address="10.0.0.9", signature="ua", **kw
            )
        except NotSignedIn as refused:
            return refused.message

    accounts, email, devices = [
        await add_contest(db, "judging_and_voting", voting_mode=mode)
        for mode in ("accounts", "email", "device")
    ]
    for contest in (accounts, email, devices):
        assert voter(contest, fan) == likes.Voter(
            account, "vote", fan.id, "10.0.0.9", "ua", aliases=(), device=tablet, verified=True
        )
        assert voter(contest, fan, user_email_key="mailbox:fan") == likes.Voter(
            "mailbox:fan", "vote", fan.id, "10.0.0.9", "ua", aliases=(account,), device=tablet
        )
        assert voter(contest, organizer, "") == likes.Voter(
            f"user:{organizer.id}", "pick", organizer.id, "10.0.0.9", "ua"
        )
        assert voter(contest, unconfirmed, "") == likes.Voter(
            account, "vote", fan.id, "10.0.0.9", "ua", verified=False
        )
    # Accounts mode asks for an account: neither a link nor a browser will do.
    sign_in = "Sign in to like photos in this contest."
    assert voter(accounts, None, email_voter=LINK) == sign_in
    assert voter(accounts, None) == sign_in
    assert voter(accounts, unconfirmed) == likes.Voter(
        account, "vote", fan.id, "10.0.0.9", "ua", device=tablet, verified=False
    )
    # Email mode: an account or a verified link.
    assert voter(email, None, email_voter=LINK) == likes.Voter(
        LINK, "vote", None, "10.0.0.9", "ua", device=tablet
    )
    assert voter(email, None) == "Confirm your email address (or sign in) to like photos."
    # Device mode: a link or an account supersedes the browser; an unconfirmed account votes
    # as its browser.
    assert voter(devices, None, email_voter=LINK) == likes.Voter(
        LINK, "vote", None, "10.0.0.9", "ua", device=tablet
    )
    browser = likes.Voter(tablet, "vote", None, "10.0.0.9", "ua", device=tablet)
    assert voter(devices, None) == browser
    assert voter(devices, unconfirmed) == browser
    assert voter(devices, None, "") == sign_in


async def test_voting_opens_and_closes_to_the_second(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, "judging_and_voting")
    opens, closes = contest.schedule.voting_open, contest.schedule.voting_close
    with pytest.raises(Conflict) as early:
        likes.ensure_voting_open(contest, opens - SECOND)
    assert refusal(early) == "Voting has not opened yet."
    likes.ensure_voting_open(contest, opens)
    likes.ensure_voting_open(contest, closes - SECOND)
    with pytest.raises(Conflict) as late:
        likes.ensure_voting_open(contest, closes)
    assert refusal(late) == "Voting has closed."


async def test_a_photo_not_approved_in_this_contest_is_not_there_to_like(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    _, _, other_ids = await setup(db, passwords, storage, author="other@uni.edu")
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    for entry_id, action in ((ids[2], "like"), (other_ids[0], "like"), (ids[2], "unlike")):
        with pytest.raises(NotFound) as missing:
            await apply(
                db,
                likes.click_request(contest, entry_id=entry_id, voter=fan, now=NOW, action=action),
            )
        assert refusal(missing) == "There is no such photo in this contest."
    assert await events(db) == []


async def test_a_like_and_an_unlike_are_logged_with_who_where_and_when(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = likes.voter_for(
        contest, await user(db, passwords, "fan@uni.edu"), browser_id="", address="10.0.0.5"
    )
    later = NOW + MINUTE
    first = await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    again = await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=later)
    assert (first, first.changed, again.changed) == (likes.LikeState(True, 1), True, False)
    taken_back = await likes.unlike(db, contest=contest, entry_id=ids[0], voter=fan, now=later)
    none_left = await likes.unlike(db, contest=contest, entry_id=ids[0], voter=fan, now=later)
    assert (taken_back, taken_back.changed) == (likes.LikeState(False, 0), True)
    assert (none_left, none_left.changed) == (likes.LikeState(False, 0), False)
    assert await events(db) == [
        (ids[0], fan.key, "vote", "like", "10.0.0.5", None, None, to_db(NOW)),
        (ids[0], fan.key, "vote", "unlike", "10.0.0.5", None, None, to_db(later)),
    ]


async def test_an_unlike_of_a_library_pick_is_logged_as_a_pick(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    librarian = as_voter(contest, await user(db, passwords, "lib@uni.edu", "organizer"))
    await likes.like(db, contest=contest, entry_id=ids[0], voter=librarian, now=NOW)
    await likes.unlike(db, contest=contest, entry_id=ids[0], voter=librarian, now=NOW)
    assert [(event[2], event[3]) for event in await events(db)] == [
        ("pick", "like"),
        ("pick", "unlike"),
    ]


async def test_an_author_cannot_like_their_photo_through_an_email_link_either(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author, ids = await setup(db, passwords, storage, mode="email")

    def author_key(email: str) -> str | None:
        return LINK if email == author.email else None

    own = likes.Voter(LINK, "vote", None, "10.0.0.1")
    with pytest.raises(Forbidden) as refused:
        await apply(
            db,
            likes.click_request(
                contest, entry_id=ids[0], voter=own, now=NOW, author_key=author_key
            ),
        )
    assert refusal(refused) == "You cannot like your own photo."
    stranger = likes.Voter("mailbox:stranger", "vote", None, "10.0.0.1")
    state = await apply(
        db,
        likes.click_request(
            contest, entry_id=ids[0], voter=stranger, now=NOW, author_key=author_key
        ),
    )
    assert state == likes.LikeState(liked=True, count=1)


async def test_an_unconfirmed_account_s_like_waits_for_its_confirmation(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = await user(db, passwords, "fan@uni.edu")
    librarian = await user(db, passwords, "lib@uni.edu", "organizer")
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE users SET email_verified_at = NULL WHERE id IN (?, ?)", (fan.id, librarian.id)
        )
    cached = as_voter(contest, replace(fan, email_verified=False))
    with pytest.raises(Forbidden) as refused:
        await likes.like(db, contest=contest, entry_id=ids[0], voter=cached, now=NOW)
    assert refusal(refused) == (
        "Confirm your email address to like photos: follow the link we mailed you"
        " (your account page can send it again)."
    )
    # A pick is not a vote: an organizer's pick is not held back.
    pick = as_voter(contest, replace(librarian, email_verified=False))
    assert await likes.like(db, contest=contest, entry_id=ids[0], voter=pick, now=NOW) == (
        likes.LikeState(liked=True, count=0)
    )
    # The address confirmed meanwhile: the write reads it afresh, whatever the cache says.
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE users SET email_verified_at = ? WHERE id = ?", (to_db(NOW), fan.id)
        )
    assert await likes.like(db, contest=contest, entry_id=ids[0], voter=cached, now=NOW) == (
        likes.LikeState(liked=True, count=1)
    )


def test_device_limits_and_the_room_a_shared_network_gets() -> None:
    assert pace.DeviceLimits() == pace.DeviceLimits(10, 20, 5000)
    assert pace.DeviceLimits(3, 7, 100).shared() == pace.DeviceLimits(30, 7, None)


async def test_new_browsers_per_address_are_limited_per_minute_to_the_second(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    limits = pace.DeviceLimits(new_devices_per_minute=2, likes_per_device_minute=9)

    def click(name: str, at: timedelta, entry: int = 0) -> likes.LikeRequest:
        return likes.click_request(
            contest, entry_id=ids[entry], voter=device(name), now=NOW + at, device_limits=limits
        )

    outcomes = await batch(
        db,
        click("a", 0 * SECOND),
        click("b", 1 * SECOND),
        click("c", 59 * SECOND),  # a third new browser within the minute
        click("a", 59 * SECOND, entry=1),  # a browser already known is not new
        click("c", 60 * SECOND),  # "a" came a minute ago: it is no longer new
        click("d", 61 * SECOND),  # "b" too; but "c" is new
        click("e", 61 * SECOND),
    )
    refused = outcomes[2]
    assert isinstance(refused, pace.LikeRefused)
    assert (refused.rule, refused.retry_after, refused.message) == (
        "new_devices",
        60,
        "Many new browsers are liking from your network just now. Please try again in a minute.",
    )
    assert [type(outcome).__name__ for outcome in outcomes] == [
        "LikeState",
        "LikeState",
        "LikeRefused",
        "LikeState",
        "LikeState",
        "LikeState",
        "LikeRefused",
    ]
    rows = await db.fetch_all(
        "SELECT contest_id, entry_id, voter, address, rule, at FROM like_refusals ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        (
            contest.id,
            ids[0],
            likes.device_key("c"),
            "10.0.0.7",
            "new_devices",
            to_db(NOW + 59 * SECOND),
        ),
        (
            contest.id,
            ids[0],
            likes.device_key("e"),
            "10.0.0.7",
            "new_devices",
            to_db(NOW + 61 * SECOND),
        ),
    ]


async def test_one_browser_s_likes_are_limited_per_minute_to_the_second(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    limits = pace.DeviceLimits(likes_per_device_minute=1)

    def click(entry: int, at: timedelta, action: str = "like") -> likes.LikeRequest:
        return likes.click_request(
            contest,
            entry_id=ids[entry],
            voter=device("fast"),
            now=NOW + at,
            action=action,
            device_limits=limits,
        )

    outcomes = await batch(db, click(0, 0 * SECOND), click(1, 59 * SECOND), click(1, 60 * SECOND))
    refused = outcomes[1]
    assert isinstance(refused, pace.LikeRefused)
    assert (refused.rule, refused.retry_after, refused.message) == (
        "device_pace",
        60,
        "You are liking very fast. Please slow down a little.",
    )
    assert outcomes[2] == likes.LikeState(liked=True, count=1)
    assert await tallies.tallies(db, contest.id) == {ids[0]: 1, ids[1]: 1}


async def test_an_address_s_hourly_cap_counts_only_anonymous_likes_of_the_last_hour(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    limits = pace.DeviceLimits(likes_per_address_hour=2)
    person = likes.voter_for(
        contest, await user(db, passwords, "fan@uni.edu"), browser_id="", address="10.0.0.7"
    )

    def click(voter: likes.Voter, at: timedelta, entry: int = 0) -> likes.LikeRequest:
        return likes.click_request(
            contest, entry_id=ids[entry], voter=voter, now=NOW + at, device_limits=limits
        )

    hour = 60 * MINUTE
    outcomes = await batch(
        db,
        click(person, 0 * SECOND),  # an account's like does not use the address's budget
        click(device("a"), 0 * SECOND),
        click(device("b"), 30 * MINUTE),
        click(device("c"), hour - SECOND),  # two anonymous likes in the last hour: the cap
        click(device("c"), hour),  # "a" liked an hour ago: out of the window
        click(device("b", "10.0.0.8"), hour, entry=1),  # another address has its own budget
    )
    refused = outcomes[3]
    assert isinstance(refused, pace.LikeRefused)
    assert (refused.rule, refused.retry_after, refused.message) == (
        "address_hour",
        3600,
        "Too many likes from your network in the last hour. Please try later.",
    )
    assert [isinstance(outcome, likes.LikeState) for outcome in outcomes] == [
        True,
        True,
        True,
        False,
        True,
        True,
    ]
    unlimited = pace.DeviceLimits(likes_per_address_hour=None)
    assert await apply(
        db,
        likes.click_request(
            contest, entry_id=ids[1], voter=device("d"), now=NOW + hour, device_limits=unlimited
        ),
    ) == likes.LikeState(liked=True, count=2)


async def test_only_pace_refusals_are_recorded_for_the_like_review(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author, ids = await setup(db, passwords, storage, mode="device")
    own = as_voter(contest, author)
    outcomes = await batch(
        db,
        likes.click_request(contest, entry_id=ids[0], voter=own, now=NOW),
        likes.click_request(contest, entry_id=ids[2], voter=device("a"), now=NOW),
        likes.click_request(contest, entry_id=ids[0], voter=device("a"), now=NOW),
    )
    assert [type(outcome) for outcome in outcomes] == [Forbidden, NotFound, likes.LikeState]
    assert await db.fetch_value("SELECT count(*) FROM like_refusals") == 0


async def test_a_browser_s_likes_move_to_the_person_and_the_log_says_why(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    fan = await user(db, passwords, "fan@uni.edu")
    tablet = device("tablet", "10.0.0.3")
    for entry_id in ids[:2]:
        await likes.like(db, contest=contest, entry_id=entry_id, voter=tablet, now=NOW)
    # The person already likes the first photo on another browser.
    person = likes.voter_for(contest, fan, browser_id="phone", address="10.0.0.4")
    await likes.like(db, contest=contest, entry_id=ids[0], voter=person, now=NOW)
    on_tablet = likes.voter_for(contest, fan, browser_id="tablet", address="10.0.0.3")
    later = NOW + MINUTE
    await likes.like(db, contest=contest, entry_id=ids[1], voter=on_tablet, now=later)

    rows = await db.fetch_all("SELECT entry_id, voter, address FROM likes ORDER BY entry_id")
    assert [tuple(row) for row in rows] == [
        (ids[0], person.key, "10.0.0.4"),
        (ids[1], person.key, "10.0.0.3"),
    ]
    moved = await events(db)
    assert moved[3:] == [
        # The tablet's like of the first photo goes: the person likes it already.
        vote(ids[0], tablet.key, "unlike", "10.0.0.3", "same person as another voter", later),
        # Its like of the second becomes the person's.
        vote(ids[1], tablet.key, "unlike", "10.0.0.3", "same person as another voter", later),
        vote(ids[1], person.key, "like", "10.0.0.3", "moved from another key", later),
    ]
    assert await tallies.tallies(db, contest.id) == {ids[0]: 1, ids[1]: 1}
    assert await tallies.tallies_from_log(db, contest.id) == await tallies.tallies(db, contest.id)
    # The tablet now shows, and takes back, the person's likes.
    assert await tallies.liked_by(db, tablet.key, ids) == {ids[0], ids[1]}
    state = await likes.unlike(db, contest=contest, entry_id=ids[1], voter=tablet, now=later)
    assert state == likes.LikeState(liked=False, count=0)
    assert await tallies.liked_by(db, person.key, ids) == {ids[0]}


async def test_likes_under_an_account_key_join_the_mailbox_key(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="email")
    fan = await user(db, passwords, "fan@uni.edu")
    as_account = likes.voter_for(contest, fan, browser_id="", address="10.0.0.1")
    await likes.like(db, contest=contest, entry_id=ids[0], voter=as_account, now=NOW)
    as_mailbox = likes.voter_for(
        contest, fan, browser_id="", address="10.0.0.1", user_email_key="mailbox:fan"
    )
    assert as_mailbox.aliases == (f"user:{fan.id}",)
    state = await likes.like(db, contest=contest, entry_id=ids[1], voter=as_mailbox, now=NOW)
    assert state == likes.LikeState(liked=True, count=1)
    assert await tallies.liked_by(db, "mailbox:fan", ids) == {ids[0], ids[1]}
    assert await tallies.liked_by(db, as_account.key, ids) == set()
    assert await tallies.tallies(db, contest.id) == {ids[0]: 1, ids[1]: 1}


async def test_liked_by_answers_only_for_the_entries_asked_and_standing_likes(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    organizer = await user(db, passwords, "lib@uni.edu", "organizer")
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    for entry_id in ids[:2]:
        await likes.like(db, contest=contest, entry_id=entry_id, voter=fan, now=NOW)
    assert await tallies.liked_by(db, fan.key, []) == set()
    assert await tallies.liked_by(db, fan.key, [ids[1]]) == {ids[1]}
    assert await tallies.liked_by(db, fan.key, ids) == {ids[0], ids[1]}
    await likes.void_like(
        db,
        contest=contest,
        entry_id=ids[0],
        voter_key=fan.key,
        reason="Bot",
        actor=organizer,
        now=NOW,
    )
    assert await tallies.liked_by(db, fan.key, ids) == {ids[1]}
    assert await tallies.liked_by(db, likes.device_key("nobody"), ids) == set()


async def test_a_void_records_who_voided_the_like_when_and_why(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    organizer = await user(db, passwords, "lib@uni.edu", "organizer")
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    voided_at = NOW + MINUTE
    await likes.void_like(
        db,
        contest=contest,
        entry_id=ids[0],
        voter_key=fan.key,
        reason="  Burst of likes\n from one   address ",
        actor=organizer,
        now=voided_at,
    )
    reason = "Burst of likes from one address"
    assert (await events(db))[1:] == [
        (ids[0], fan.key, "vote", "void", "", reason, organizer.id, to_db(voided_at))
    ]
    row = await db.fetch_one("SELECT voided_at, void_reason FROM likes")
    assert row is not None and tuple(row) == (to_db(voided_at), reason)
    assert await tallies.tallies(db, contest.id) == {ids[0]: 0, ids[1]: 0}
    assert await tallies.tallies_from_log(db, contest.id) == {ids[0]: 0, ids[1]: 0}
    # The voided like cannot be taken back to be given again, nor voided twice.
    taken_back = await likes.unlike(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    assert (taken_back, taken_back.changed) == (likes.LikeState(False, 0), False)
    with pytest.raises(NotFound) as twice:
        await likes.void_like(
            db,
            contest=contest,
            entry_id=ids[0],
            voter_key=fan.key,
            reason="Again",
            actor=organizer,
            now=NOW,
        )
    assert refusal(twice) == "That like is not there (or was already voided)."


async def test_a_void_needs_a_short_reason_and_a_vote_to_void(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    organizer = await user(db, passwords, "lib@uni.edu", "organizer")
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    librarian = as_voter(contest, organizer)
    for voter in (fan, librarian):
        await likes.like(db, contest=contest, entry_id=ids[0], voter=voter, now=NOW)

    async def void(voter_key: str, reason: str, entry_id: int = ids[0]) -> None:
        await likes.void_like(
            db,
            contest=contest,
            entry_id=entry_id,
            voter_key=voter_key,
            reason=reason,
            actor=organizer,
            now=NOW,
        )

    for reason in ("", " \n ", "r" * (likes.MAX_VOID_REASON + 1)):
        with pytest.raises(ValidationError) as refused:
            await void(fan.key, reason)
        assert refused.value.errors == {"reason": "Give a short reason for voiding the like."}
    with pytest.raises(NotFound) as pick:
        await void(librarian.key, "Not a vote")
    assert refusal(pick) == "That like is not there (or was already voided)."
    with pytest.raises(NotFound) as pending:
        await void(fan.key, "Pending photo", entry_id=ids[2])
    assert refusal(pending) == "There is no such photo in this contest."
    await void(fan.key, "r" * likes.MAX_VOID_REASON)
    assert await db.fetch_value("SELECT void_reason FROM likes WHERE voter = ?", (fan.key,)) == (
        "r" * likes.MAX_VOID_REASON
    )


async def test_the_log_replay_skips_library_picks_wherever_they_come(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    librarian = as_voter(contest, await user(db, passwords, "lib@uni.edu", "organizer"))
    fans = [as_voter(contest, await user(db, passwords, f"fan{i}@uni.edu")) for i in range(2)]
    await likes.like(db, contest=contest, entry_id=ids[0], voter=librarian, now=NOW)
    for fan in fans:
        await likes.like(db, contest=contest, entry_id=ids[1], voter=fan, now=NOW)
    await likes.unlike(db, contest=contest, entry_id=ids[1], voter=fans[0], now=NOW)
    await likes.like(db, contest=contest, entry_id=ids[0], voter=fans[0], now=NOW)
    assert await tallies.tallies_from_log(db, contest.id) == {ids[0]: 1, ids[1]: 1}
    assert await tallies.tallies(db, contest.id) == {ids[0]: 1, ids[1]: 1}
    assert await tallies.peoples_choice(db, contest.id) == ids[1]


async def test_a_person_s_first_click_on_a_browser_claims_it_even_when_it_is_an_unlike(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    fan = await user(db, passwords, "fan@uni.edu")
    tablet = device("tablet", "10.0.0.3")
    await likes.like(db, contest=contest, entry_id=ids[0], voter=tablet, now=NOW)
    later = NOW + MINUTE
    on_tablet = likes.voter_for(contest, fan, browser_id="tablet", address="10.0.0.3")
    state = await likes.unlike(db, contest=contest, entry_id=ids[0], voter=on_tablet, now=later)
    assert (state, state.changed) == (likes.LikeState(liked=False, count=0), True)
    person = on_tablet.key
    assert (await events(db))[1:] == [
        vote(ids[0], tablet.key, "unlike", "10.0.0.3", "same person as another voter", later),
        (ids[0], person, "vote", "like", "10.0.0.3", "moved from another key", None, to_db(later)),
        (ids[0], person, "vote", "unlike", "10.0.0.3", None, None, to_db(later)),
    ]
    row = await db.fetch_one(
        "SELECT address, first_at, person FROM devices WHERE device = ?", (tablet.key,)
    )
    assert row is not None and tuple(row) == ("10.0.0.3", to_db(later), person)


async def test_a_voter_without_a_signature_stores_none(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = likes.voter_for(
        contest, await user(db, passwords, "fan@uni.edu"), browser_id="", address="10.0.0.1"
    )
    assert fan.signature == ""
    await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    assert await db.fetch_value("SELECT signature FROM likes") == ""


async def test_an_unconfirmed_voter_whose_account_is_gone_is_refused(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    ghost = likes.Voter("user:9999", "vote", 9999, "10.0.0.1", verified=False)
    with pytest.raises(Forbidden, match=r"^Confirm your email address"):
        await likes.like(db, contest=contest, entry_id=ids[0], voter=ghost, now=NOW)


async def test_likes_under_a_person_s_older_key_show_as_theirs_before_they_move(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="email")
    fan = await user(db, passwords, "fan@uni.edu")
    other = as_voter(contest, await user(db, passwords, "other@uni.edu"))
    as_account = likes.voter_for(contest, fan, browser_id="", address="10.0.0.1")
    await likes.like(db, contest=contest, entry_id=ids[0], voter=as_account, now=NOW)
    await likes.like(db, contest=contest, entry_id=ids[1], voter=other, now=NOW)
    aliases = (as_account.key,)
    assert await tallies.liked_by(db, "mailbox:fan", ids) == set()
    assert await tallies.liked_by(db, "mailbox:fan", ids, aliases=aliases) == {ids[0]}
    assert await tallies.liked_by(db, "mailbox:fan", [ids[1]], aliases=aliases) == set()
    assert await tallies.liked_by(db, "mailbox:fan", [], aliases=aliases) == set()
