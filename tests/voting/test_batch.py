"""A batch of likes: plain likes checked and stored together come out exactly as if each had
been stored alone, in a handful of statements whatever their number."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from contest.accounts import sessions
from contest.contests.model import Contest
from contest.core.db import Connection, Cursor, Database, Params
from contest.core.errors import ContestError
from contest.core.security import Passwords, token_hash
from contest.core.storage import LocalStorage
from contest.voting import likes
from contest.voting.batch import apply_likes, store_alone
from tests.voting.test_likes import NOW, setup, user

pytestmark = pytest.mark.anyio


@dataclass
class World:
    """A contest in voting, and voters of every sort the web makes."""

    contest: Contest
    entries: list[int]  # two approved, one pending, one of another contest
    voters: dict[str, likes.Voter] = field(default_factory=dict)
    #: Per voter: the session the cache knew it by, and the role it assumed.
    sessions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


async def world(db: Database, passwords: Passwords, storage: LocalStorage) -> World:
    contest, author, ids = await setup(db, passwords, storage)
    _, _, elsewhere = await setup(db, passwords, storage, author="other.author@uni.edu")
    made = World(contest, [*ids, elsewhere[0]])
    fan = await user(db, passwords, "fan@uni.edu")
    newbie = await user(db, passwords, "newbie@uni.edu")
    gatherer = await user(db, passwords, "gatherer@uni.edu")
    organizer = await user(db, passwords, "lib@uni.edu", "organizer")
    async with db.transaction() as tx:
        await tx.execute("UPDATE users SET email_verified_at = NULL WHERE id = ?", (newbie.id,))
        await tx.execute(  # the fan's phone is theirs already; their like of #2 was voided
            "INSERT INTO devices (device, address, first_at, person) VALUES (?, ?, ?, ?)",
            ("device:fan-phone", "10.0.0.1", "2020-01-01 00:00:00", "mailbox:fan"),
        )
        for key, voided in ((f"user:{gatherer.id}", None), ("mailbox:fan", "2020-01-02")):
            entry = ids[0] if key.startswith("user:") else ids[1]
            await tx.execute(
                "INSERT INTO likes (entry_id, voter, kind, user_id, address, created_at,"
                " voided_at) VALUES (?, ?, 'vote', NULL, '10.0.0.1', '2020-01-01', ?)",
                (entry, key, voided),
            )
    token = await sessions.start_session(db, user_id=fan.id, now=NOW)
    made.voters = {
        "fan": voter(
            "mailbox:fan",
            "vote",
            fan.id,
            aliases=(f"user:{fan.id}",),
            device="device:fan-phone",
        ),
        "fan on a new phone": voter("mailbox:fan", "vote", fan.id, device="device:new-phone"),
        "newbie": voter(f"user:{newbie.id}", "vote", newbie.id, verified=False),
        "gatherer": voter(
            "mailbox:gatherer", "vote", gatherer.id, aliases=(f"user:{gatherer.id}",)
        ),
        "link voter": voter("mailbox:link", "vote", None, device="device:tablet"),
        "organizer": voter(f"user:{organizer.id}", "pick", organizer.id),
        "author": voter(f"user:{author.id}", "vote", author.id),
        "author by link": voter("mailbox:author-link", "vote", None),
        "browser": voter("device:anon", "vote", None, device="device:anon"),
    }
    made.sessions = {
        "fan": (token_hash(token), "participant"),
        "fan, signed out": (token_hash("ended"), "participant"),
        "fan, signed out, role unknown": (token_hash("ended"), None),
        "fan, now an organizer": (token_hash(token), "organizer"),
    }
    return made


def voter(key: str, kind: str, user_id: int | None, **more: Any) -> likes.Voter:
    return likes.Voter(key, kind, user_id, "10.0.0.1", "ua", **more)


def random_clicks(place: World, pick: random.Random, count: int) -> list[likes.LikeRequest]:
    clicks = []
    for _ in range(count):
        name = pick.choice(list(place.voters))
        session, role = (None, None)
        if name == "fan" and pick.random() < 0.5:
            session, role = place.sessions[pick.choice(list(place.sessions))]
        clicks.append(
            likes.click_request(
                place.contest,
                entry_id=pick.choice(place.entries),
                voter=place.voters[name],
                now=NOW,
                action="unlike" if pick.random() < 0.15 else "like",
                author_key=lambda email: "mailbox:author-link" if email else None,
                session_hash=session,
                role=role,
            )
        )
    return clicks


def outcome(each: likes.LikeState | Exception) -> tuple[object, ...]:
    if isinstance(each, likes.LikeState):
        return ("stored", each.liked, each.changed)
    message = each.message if isinstance(each, ContestError) else str(each)
    return (type(each).__name__, message)


def what_is_stored(connection: Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every row a like can touch (the log as a multiset: the order of its lines may differ
    where a like that gathers earlier likes is stored after the others)."""
    queries = {
        "likes": "SELECT entry_id, voter, kind, user_id, address, signature, created_at,"
        " voided_at FROM likes",
        "log": "SELECT entry_id, voter, kind, action, address, reason, actor_id, at"
        " FROM like_events",
        "devices": "SELECT device, address, person FROM devices",
        "refusals": "SELECT entry_id, voter, rule FROM like_refusals",
    }
    return {
        name: sorted((tuple(row) for row in connection.execute(sql).fetchall()), key=repr)
        for name, sql in queries.items()
    }


async def both_ways(db: Database, clicks: list[likes.LikeRequest]) -> tuple[Any, Any]:
    """The batch stored together, then (from the same start) each click alone: their outcomes
    and what each left in the database (both undone afterwards)."""

    def compare(connection: Connection) -> tuple[Any, Any]:
        connection.execute("SAVEPOINT compare")
        together = [outcome(each) for each in apply_likes(connection, clicks)]
        stored_together = what_is_stored(connection)
        connection.execute("ROLLBACK TO compare")
        alone = [outcome(store_alone(connection, click)) for click in clicks]
        stored_alone = what_is_stored(connection)
        connection.execute("ROLLBACK TO compare")
        connection.execute("RELEASE compare")
        return (together, stored_together), (alone, stored_alone)

    return await db.write_in_thread(compare)


async def test_likes_stored_together_end_as_if_each_was_stored_alone(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    place = await world(db, passwords, storage)
    for seed in range(40):
        clicks = random_clicks(place, random.Random(seed), 14)
        together, alone = await both_ways(db, clicks)
        assert together == alone, f"seed {seed}"


class CountingConnection:
    """The writer's connection, counting the statements sent through it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.statements = 0

    @property
    def in_transaction(self) -> bool:
        return self._connection.in_transaction

    def execute(self, sql: str, parameters: Params = (), /) -> Cursor:
        self.statements += 1
        return self._connection.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Params], /) -> Cursor:
        self.statements += 1
        return self._connection.executemany(sql, parameters)

    def close(self) -> None:
        self._connection.close()


async def test_a_busy_batch_takes_a_handful_of_statements_not_several_per_like(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest, _, ids = await setup(db, passwords, storage)
    fans = [await user(db, passwords, f"fan{number}@uni.edu") for number in range(20)]
    clicks = [
        likes.click_request(
            contest,
            entry_id=ids[number % 2],
            voter=voter(f"mailbox:fan{number}", "vote", fan.id),
            now=NOW,
        )
        for number, fan in enumerate(fans)
    ]

    def counted(work: Callable[[Connection], Any]) -> Callable[[Connection], Any]:
        def run(connection: Connection) -> Any:
            counting = CountingConnection(connection)
            outcomes = work(counting)
            return counting.statements, outcomes

        return run

    statements, outcomes = await db.write_in_thread(
        counted(lambda connection: apply_likes(connection, clicks))
    )
    assert statements <= 6  # savepoint, the facts, the likes, the log, the counts, release
    assert [outcome(each) for each in outcomes] == [("stored", True, True)] * 20
    assert {each.count for each in outcomes if isinstance(each, likes.LikeState)} == {10}
    assert await db.fetch_value("SELECT count(*) FROM like_events") == 20
