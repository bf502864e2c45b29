"""The change feed: every announced change reaches every feed once, in order; a feed that may
have missed some forgets everything; old rows go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import anyio
import pytest

from contest.core import changes
from contest.core.clock import to_db, utcnow
from contest.core.db import Database

pytestmark = pytest.mark.anyio


class Recorder:
    """Handlers that note what they were told."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.forgot_all = 0
        self.heard = anyio.Event()

    def feed(self, db: Database, **options: Any) -> changes.ChangeFeed:
        handlers = {
            topic: (lambda key, topic=topic: self.note(topic, key))
            for topic in (changes.CONTEST, changes.SESSION)
        }
        return changes.ChangeFeed(db, handlers, self.forget_all, **options)

    def note(self, topic: str, key: str) -> None:
        self.seen.append((topic, key))
        self.heard.set()

    def forget_all(self) -> None:
        self.forgot_all += 1


async def test_a_feed_hands_on_what_was_announced_after_it_started_in_order(db: Database) -> None:
    await changes.announce(db, changes.CONTEST, 1)  # before: caches that start empty need not
    recorder = Recorder()
    feed = recorder.feed(db)
    await feed.start()
    await changes.announce(db, changes.CONTEST, 7)
    async with db.transaction() as tx:
        await changes.announce(db, changes.SESSION, "abc", tx=tx)
    await feed.settle()
    assert recorder.seen == [("contest", "7"), ("session", "abc")]
    await feed.settle()
    assert recorder.seen == [("contest", "7"), ("session", "abc")] and recorder.forgot_all == 0


async def test_an_announcement_rolled_back_with_its_change_is_never_heard(db: Database) -> None:
    recorder = Recorder()
    feed = recorder.feed(db)
    await feed.start()
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await changes.announce(db, changes.CONTEST, 3, tx=tx)
            raise RuntimeError("the change failed")
    await changes.announce(db, changes.CONTEST, 4)
    await feed.settle()
    assert ("contest", "3") not in recorder.seen and ("contest", "4") in recorder.seen


async def test_rows_pruned_before_a_feed_read_them_make_it_forget_everything(
    db: Database,
) -> None:
    recorder = Recorder()
    feed = recorder.feed(db)
    await feed.start()
    for key in (1, 2):
        await changes.announce(db, changes.CONTEST, key)
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM changes WHERE key = '1'")
    await feed.settle()
    assert recorder.seen == [("contest", "2")] and recorder.forgot_all == 1


async def test_a_topic_this_version_does_not_know_makes_it_forget_everything(
    db: Database,
) -> None:
    recorder = Recorder()
    feed = recorder.feed(db)
    await feed.start()
    await changes.announce(db, "from-a-newer-version", 1)
    await feed.settle()
    assert recorder.forgot_all == 1


async def test_the_feed_prunes_rows_older_than_it_keeps_once_due(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO changes (topic, key, at) VALUES ('contest', '1', ?)",
            (to_db(utcnow() - changes.KEEP - timedelta(seconds=1)),),
        )
    await changes.announce(db, changes.CONTEST, 2)
    feed = Recorder().feed(db)
    await feed.start()
    await feed._prune_when_due()  # just started: not due
    assert await db.fetch_value("SELECT count(*) FROM changes") == 2
    feed._last_pruned -= changes.PRUNE_SECONDS
    await feed._prune_when_due()
    assert [row[0] for row in await db.fetch_all("SELECT key FROM changes")] == ["2"]


async def test_a_running_feed_hears_a_change_without_being_asked(db: Database) -> None:
    recorder = Recorder()
    # On PostgreSQL the feed listens, so it hears long before its (here very slow) poll.
    slow = 60.0 if db.kind == "postgresql" else 0.05
    feed = recorder.feed(db, poll_seconds=slow)
    async with anyio.create_task_group() as tasks:
        await tasks.start(feed.run)
        with anyio.fail_after(5):
            if db.kind == "postgresql":
                await feed.listening.wait()
            await changes.announce(db, changes.CONTEST, 5)
            await recorder.heard.wait()
        tasks.cancel_scope.cancel()
    assert recorder.seen == [("contest", "5")]


async def test_an_outage_is_logged_once_and_every_failed_read_forgets_everything(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    feed = recorder.feed(db)
    await feed.start()
    working = db.fetch_all

    async def down(*args: Any) -> Any:
        raise OSError("the database went away")

    monkeypatch.setattr(db, "fetch_all", down)
    with caplog.at_level("DEBUG", logger=changes.log.name):
        for _ in range(5):  # five polls while the database is away
            await feed._read_safely()
        monkeypatch.setattr(db, "fetch_all", working)
        await changes.announce(db, changes.CONTEST, 3)
        await feed._read_safely()
    told = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert [line for line in told if line[0] != "DEBUG"] == [
        ("ERROR", "reading the changes failed; forgetting every cache until it works"),
        ("WARNING", "reading the changes works again"),
    ]
    assert recorder.forgot_all >= 5 and recorder.seen == [("contest", "3")]
