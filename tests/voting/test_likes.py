"""Likes at the domain level: uniqueness by schema, phases, own photos, picks, voids, the log."""

import sqlite3
from datetime import timedelta

import anyio
import pytest

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import Conflict, Forbidden, NotFound, NotSignedIn
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.voting import likes
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
    assert (await likes.tallies(db, contest.id))[ids[0]] == 1
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
    assert await likes.tallies(db, contest.id) == {ids[0]: 3, ids[1]: 1}
    assert await likes.tallies_from_log(db, contest.id) == {ids[0]: 3, ids[1]: 1}


async def test_log_is_append_only(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    await likes.like(db, contest=contest, entry_id=ids[0], voter=fan, now=NOW)
    # raw statements: the test is about the schema's append-only trigger
    for statement in ("UPDATE like_events SET action = 'unlike'", "DELETE FROM like_events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
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
    assert await likes.peoples_choice(db, contest.id) is None


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
    assert await likes.tallies_from_log(db, contest.id) == await likes.tallies(db, contest.id)


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
    assert await likes.peoples_choice(db, contest.id) == ids[1]


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
    assert await likes.peoples_choice(db, contest.id) == ids[1]
    # Taking a like back and giving it again makes that the moment the total was reached.
    await likes.unlike(db, contest=contest, entry_id=ids[1], voter=fans[0], now=NOW)
    await likes.like(db, contest=contest, entry_id=ids[1], voter=fans[0], now=NOW)
    assert await likes.peoples_choice(db, contest.id) == ids[0]
    # A third like breaks the tie outright.
    await likes.like(db, contest=contest, entry_id=ids[1], voter=fans[2], now=NOW)
    assert await likes.peoples_choice(db, contest.id) == ids[1]
