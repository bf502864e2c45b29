"""Group commit: likes gathered from many requests are stored in one write, each on its own."""

import asyncio
import sqlite3
import threading
from collections.abc import Awaitable
from typing import Any

import pytest

from contest.accounts import sessions
from contest.contests.model import Contest
from contest.core.db import INTEGRITY_ERRORS, Database
from contest.core.errors import Forbidden, NotFound
from contest.core.security import Passwords, token_hash
from contest.core.storage import LocalStorage
from contest.voting import likes, pace, tallies
from contest.voting import writer as like_writer
from contest.voting.writer import LikeWriter
from tests.voting.test_likes import NOW, as_voter, setup, user

pytestmark = pytest.mark.anyio


def device(name: str, address: str = "10.0.0.7") -> likes.Voter:
    return likes.Voter(f"device:{name}", "vote", None, address)


def click(writer: LikeWriter, contest: Contest, **options: Any) -> Awaitable[likes.LikeState]:
    """A like (or unlike) through the group commit, as the web's likes go."""
    return writer.submit(likes.click_request(contest, **options))


async def stored(db: Database) -> set[tuple[int, str]]:
    rows = await db.fetch_all("SELECT entry_id, voter FROM likes")
    return {(row["entry_id"], row["voter"]) for row in rows}


async def test_one_batch_answers_each_like_with_its_own_outcome(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, author, ids = await setup(db, passwords, storage)
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    other = as_voter(contest, await user(db, passwords, "other@uni.edu"))
    writer = LikeWriter(db)

    def like(entry_id: int, voter: likes.Voter):  # type: ignore[no-untyped-def]
        return click(writer, contest, entry_id=entry_id, voter=voter, now=NOW)

    outcomes = await asyncio.gather(
        like(ids[0], fan),
        like(ids[0], fan),  # the same like again, in the same batch
        like(ids[0], as_voter(contest, author)),  # own photo
        like(ids[2], other),  # a pending entry
        like(ids[0], other),
        return_exceptions=True,
    )

    assert writer.batches == 1 and writer.written == 5
    # The count each voter is shown is the entry's once the batch is stored.
    assert outcomes[0] == likes.LikeState(liked=True, count=2)
    assert outcomes[1] == likes.LikeState(liked=True, count=2)
    assert [getattr(outcome, "changed", None) for outcome in outcomes] == [
        True,
        False,
        None,
        None,
        True,
    ]
    assert isinstance(outcomes[2], Forbidden)
    assert isinstance(outcomes[3], NotFound)
    assert outcomes[4] == likes.LikeState(liked=True, count=2)
    assert await stored(db) == {(ids[0], fan.key), (ids[0], other.key)}
    assert await db.fetch_value("SELECT count(*) FROM like_events") == 2
    assert await tallies.tallies(db, contest.id) == await tallies.tallies_from_log(db, contest.id)


def email_voter(name: str) -> likes.Voter:
    return likes.Voter(f"mailbox:{name}", "vote", None, "10.0.0.7")


@pytest.mark.parametrize(
    "voter",
    [device, email_voter],
    ids=["likes stored one by one", "likes checked and stored together"],
)
async def test_a_like_that_fails_midway_is_undone_alone_and_the_batch_stands(
    db: Database, passwords: Passwords, storage: LocalStorage, voter: Any
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    bad = voter("bad").key
    async with db.transaction() as tx:  # the log refuses one voter, after its like is inserted
        if db.kind == "postgresql":
            await tx.execute(
                "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" IF NEW.voter = '{bad}' THEN RAISE EXCEPTION 'refused by the test'"
                " USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$"
            )
            await tx.execute(
                "CREATE TRIGGER refuse_one BEFORE INSERT ON like_events"
                " FOR EACH ROW EXECUTE FUNCTION refuse_one()"
            )
        else:
            await tx.execute(
                "CREATE TRIGGER refuse_one BEFORE INSERT ON like_events"
                f" WHEN NEW.voter = '{bad}'"
                " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
    writer = LikeWriter(db)
    outcomes = await asyncio.gather(
        *(
            click(writer, contest, entry_id=ids[0], voter=voter(name), now=NOW)
            for name in ("a", "bad", "b")
        ),
        return_exceptions=True,
    )

    assert writer.batches == 1
    assert outcomes[0] == likes.LikeState(liked=True, count=1)
    assert isinstance(outcomes[1], INTEGRITY_ERRORS)
    assert outcomes[2] == likes.LikeState(liked=True, count=2)
    assert await stored(db) == {(ids[0], voter("a").key), (ids[0], voter("b").key)}
    assert await tallies.tallies(db, contest.id) == await tallies.tallies_from_log(db, contest.id)


async def test_the_device_pace_counts_new_browsers_earlier_in_the_same_batch(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    writer = LikeWriter(db)
    fast = pace.DeviceLimits(new_devices_per_minute=2)
    outcomes = await asyncio.gather(
        *(
            click(writer, contest, entry_id=ids[0], voter=device(name), now=NOW, device_limits=fast)
            for name in ("a", "b", "c")
        ),
        return_exceptions=True,
    )
    assert writer.batches == 1
    assert [type(outcome) for outcome in outcomes] == [
        likes.LikeState,
        likes.LikeState,
        pace.LikeRefused,
    ]
    assert await db.fetch_value("SELECT count(*) FROM likes") == 2
    assert await db.fetch_value("SELECT rule FROM like_refusals") == "new_devices"


async def test_likes_arriving_during_a_write_go_together_in_the_next(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    writer = LikeWriter(db)
    first = asyncio.ensure_future(
        click(writer, contest, entry_id=ids[0], voter=device("first"), now=NOW)
    )
    await asyncio.sleep(0)  # the writer task has taken the first like and is writing it
    rest = [
        click(writer, contest, entry_id=ids[1], voter=device(f"v{index}"), now=NOW)
        for index in range(20)
    ]
    states = await asyncio.gather(first, *rest)
    assert writer.batches == 2 and writer.written == 21
    assert states[-1] == likes.LikeState(liked=True, count=20)


async def test_a_failed_write_fails_its_likes_only_and_the_next_write_works(
    db: Database, passwords: Passwords, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    writer = LikeWriter(db)

    def broken(connection: sqlite3.Connection, requests: list[likes.LikeRequest]) -> None:
        # a write that stores a row, then fails: the test is about the rollback
        connection.execute(
            "INSERT INTO likes (entry_id, voter, kind, address, created_at)"
            " VALUES (?, 'device:ghost', 'vote', '', '')",
            (ids[0],),
        )
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(like_writer, "apply_likes", broken)
    outcomes = await asyncio.gather(
        *(click(writer, contest, entry_id=ids[0], voter=device(n), now=NOW) for n in "ab"),
        return_exceptions=True,
    )
    assert all(isinstance(outcome, sqlite3.OperationalError) for outcome in outcomes)
    assert await db.fetch_value("SELECT count(*) FROM likes") == 0  # rolled back whole

    monkeypatch.undo()
    state = await click(writer, contest, entry_id=ids[0], voter=device("a"), now=NOW)
    assert state == likes.LikeState(liked=True, count=1)


async def test_a_caller_that_goes_away_does_not_stop_the_others_likes(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage, mode="device")
    writer = LikeWriter(db)
    tasks = [
        asyncio.ensure_future(click(writer, contest, entry_id=ids[0], voter=device(n), now=NOW))
        for n in "abc"
    ]
    await asyncio.sleep(0)
    tasks[0].cancel()
    states = await asyncio.gather(*tasks[1:])
    assert [state.liked for state in states] == [True, True]
    assert {"device:b", "device:c"} <= {voter for _, voter in await stored(db)}


async def test_a_stale_session_is_caught_inside_the_write(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = await user(db, passwords, "fan@uni.edu")
    voter = as_voter(contest, fan)
    writer = LikeWriter(db)
    with pytest.raises(likes.SessionChanged):
        await click(writer, contest, entry_id=ids[0], voter=voter, now=NOW, session_hash="gone")
    token = await sessions.start_session(db, user_id=fan.id, now=NOW)
    for assumed in ("organizer", "judge"):  # a role the account no longer has
        with pytest.raises(likes.SessionChanged):
            await click(
                writer,
                contest,
                entry_id=ids[0],
                voter=voter,
                now=NOW,
                session_hash=token_hash(token),
                role=assumed,
            )
    state = await click(
        writer,
        contest,
        entry_id=ids[0],
        voter=voter,
        now=NOW,
        session_hash=token_hash(token),
        role="participant",
    )
    assert state == likes.LikeState(liked=True, count=1)
    assert await db.fetch_value("SELECT count(*) FROM likes") == 1


async def test_a_voters_like_then_unlike_keep_their_order_behind_a_batch_in_flight(
    db: Database, passwords: Passwords, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fan = as_voter(contest, await user(db, passwords, "fan@uni.edu"))
    other = as_voter(contest, await user(db, passwords, "other@uni.edu"))
    writing, release = threading.Event(), threading.Event()
    apply_likes = like_writer.apply_likes

    def held_first(
        connection: sqlite3.Connection, requests: list[likes.LikeRequest]
    ) -> list[likes.LikeState | Exception]:
        if not writing.is_set():  # the first batch waits on the database thread until told
            writing.set()
            release.wait(timeout=5)
        return apply_likes(connection, requests)

    monkeypatch.setattr(like_writer, "apply_likes", held_first)
    writer = LikeWriter(db)
    first = asyncio.create_task(click(writer, contest, entry_id=ids[0], voter=other, now=NOW))
    # the writer starts and its batch goes to the database thread
    assert await asyncio.to_thread(writing.wait, 5)
    liked = asyncio.create_task(click(writer, contest, entry_id=ids[0], voter=fan, now=NOW))
    await asyncio.sleep(0)
    unliked = asyncio.create_task(
        click(writer, contest, action="unlike", entry_id=ids[0], voter=fan, now=NOW)
    )
    await asyncio.sleep(0)
    release.set()
    outcomes = await asyncio.gather(first, liked, unliked)

    assert writer.batches == 2  # the like and the unlike waited together behind the first
    assert outcomes[1] == likes.LikeState(liked=True, count=2)
    assert outcomes[2] == likes.LikeState(liked=False, count=1)
    assert await stored(db) == {(ids[0], other.key)}  # the last click stands
    events = await db.fetch_all(
        "SELECT action FROM like_events WHERE voter = ? ORDER BY id", (fan.key,)
    )
    assert [event["action"] for event in events] == ["like", "unlike"]
    assert await tallies.tallies(db, contest.id) == await tallies.tallies_from_log(db, contest.id)
